//! Why a rule did what it did to one label set, for `--trace`: the joined
//! source value, the regex and whether it matched (with its groups), the
//! label names a name-matching rule selected, and the value it wrote.
//! Worked out before the rule runs, from the same engine pieces, only when
//! tracing.

use serde::Serialize;

use super::rule::{Action, Rule};
use super::{Flavor, LabelBuilder};

/// Groups and label names shown at most (the rest are counted).
const SHOWN: usize = 9;

/// The reason behind one step of a trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Why {
    /// The labels whose values were joined (rules over values).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_labels: Vec<String>,
    /// The separator, when several values were joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// The joined source value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The regex as written (Prometheus anchors it at both ends).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Whether the regex matched the value (or, for the label-name
    /// actions, any label name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<bool>,
    /// `$1`, `$2`, ... of the match (unmatched groups are empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// For labelmap, labeldrop and labelkeep: the label names the regex
    /// matched (labelmap: `name -> new name`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// Label names matched but not listed in `names`.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_names: usize,
    /// For keepequal and dropequal: the target label's value compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared: Option<String>,
    /// What the rule writes: `writes label="value"`, that it deletes a
    /// label, or why it writes nothing.
    #[serde(rename = "result", skip_serializing_if = "Option::is_none")]
    pub writes: Option<String>,
    /// What it writes is a deletion (an empty value).
    #[serde(skip)]
    pub deletes: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Why {
    fn new() -> Why {
        Why {
            source_labels: Vec::new(),
            separator: None,
            value: None,
            regex: None,
            matched: None,
            groups: Vec::new(),
            names: Vec::new(),
            more_names: 0,
            compared: None,
            writes: None,
            deletes: false,
        }
    }

    /// One line: `[a, b] joined by ";" = "x;y" matches "(.+);(.+)"
    /// ($1="x", $2="y"): writes t="x"`.
    pub fn text(&self) -> String {
        let mut s = String::new();
        match self.source_labels.as_slice() {
            [] if self.value.is_some() => s.push_str("(no source_labels) "),
            [] => {}
            [one] => s.push_str(&format!("[{one}] ")),
            many => s.push_str(&format!(
                "[{}] joined by {:?} = ",
                many.join(", "),
                self.separator.as_deref().unwrap_or(";")
            )),
        }
        if let Some(v) = &self.value {
            s.push_str(&format!("{v:?}"));
        }
        if let Some(c) = &self.compared {
            let verb = if self.matched == Some(true) {
                "equals"
            } else {
                "does not equal"
            };
            s.push_str(&format!(" {verb} {c}"));
        }
        if let Some(re) = &self.regex {
            if self.value.is_some() {
                let verb = if self.matched == Some(true) {
                    "matches"
                } else {
                    "does not match"
                };
                s.push_str(&format!(" {verb} {re:?}"));
            } else {
                s.push_str(&format!("{re:?} matches "));
                match self.names.len() + self.more_names {
                    0 => s.push_str("no label name"),
                    1 => s.push_str("1 label name: "),
                    n => s.push_str(&format!("{n} label names: ")),
                }
                s.push_str(&self.names.join(", "));
                if self.more_names > 0 {
                    s.push_str(&format!(" and {} more", self.more_names));
                }
            }
        }
        if !self.groups.is_empty() {
            let groups: Vec<String> = self
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| format!("${}={g:?}", i + 1))
                .collect();
            s.push_str(&format!(" ({})", groups.join(", ")));
        }
        if let Some(w) = &self.writes {
            s.push_str(": ");
            s.push_str(w);
        }
        s
    }
}

/// Why `rule` will do what it does to `lb` (as it is before the rule).
/// `None` when the joined value or a written value would pass `budget`:
/// the rule itself then stops relabeling with an error.
pub fn explain(rule: &Rule, lb: &LabelBuilder<'_>, flavor: Flavor, budget: usize) -> Option<Why> {
    let mut why = Why::new();
    match rule.action {
        Action::LabelMap | Action::LabelDrop | Action::LabelKeep => {
            why.regex = Some(rule.regex.as_str().to_string());
            let mut names = Vec::new();
            let mut count = 0usize;
            let mut over = false;
            lb.for_each(|name, _| {
                if !rule.regex.is_match(name) {
                    return;
                }
                count += 1;
                if names.len() >= SHOWN {
                    return;
                }
                if rule.action == Action::LabelMap {
                    match rule
                        .regex
                        .replace_all_within(name, &rule.replacement, budget)
                    {
                        Ok(Some(new)) => names.push(format!("{name} -> {new}")),
                        Ok(None) => {}
                        Err(_) => over = true,
                    }
                } else {
                    names.push(name.to_string());
                }
            });
            if over {
                return None;
            }
            why.matched = Some(count > 0);
            why.more_names = count - names.len();
            why.names = names;
            if rule.action == Action::LabelKeep {
                why.writes = Some(format!("keeps {count}, removes the others"));
            }
            return Some(why);
        }
        _ => {}
    }
    // A copy of the budget: the rule itself spends it when it runs.
    let value = super::transform::source_value(rule, lb, &mut budget.clone()).ok()?;
    why.source_labels = rule.source_labels.clone();
    if rule.source_labels.len() > 1 {
        why.separator = Some(rule.separator.clone());
    }
    match rule.action {
        Action::Keep | Action::Drop => {
            why.regex = Some(rule.regex.as_str().to_string());
            let caps = rule.regex.captures(&value);
            why.matched = Some(caps.is_some());
            if let Some(caps) = &caps {
                why.groups = groups(caps);
            }
        }
        Action::Replace => {
            why.regex = Some(rule.regex.as_str().to_string());
            let caps = rule.regex.captures(&value);
            why.matched = Some(caps.is_some());
            why.writes = Some(match &caps {
                None => "writes nothing".to_string(),
                Some(caps) => {
                    why.groups = groups(caps);
                    let target = rule
                        .regex
                        .expand_within(&rule.target_label, caps, budget)
                        .ok()?;
                    let res = rule
                        .regex
                        .expand_within(&rule.replacement, caps, budget)
                        .ok()?;
                    why.deletes = res.is_empty();
                    replace_writes(rule, flavor, &target, &res)
                }
            });
        }
        Action::KeepEqual | Action::DropEqual => {
            let other = lb.get(&rule.target_label);
            why.compared = Some(format!("{}={other:?}", rule.target_label));
            why.matched = Some(other == value);
        }
        Action::HashMod => {
            let hash = super::transform::hashmod(&value, rule.modulus);
            why.writes = Some(format!(
                "md5 mod {} = {hash}, writes {}=\"{hash}\"",
                rule.modulus, rule.target_label
            ));
        }
        Action::Lowercase | Action::Uppercase => {
            let out = if rule.action == Action::Lowercase {
                super::transform::go_to_lower(&value)
            } else {
                super::transform::go_to_upper(&value)
            };
            why.deletes = out.is_empty();
            why.writes = Some(if out.is_empty() {
                format!("the value is empty, so {} is deleted", rule.target_label)
            } else {
                format!("writes {}={out:?}", rule.target_label)
            });
        }
        Action::LabelMap | Action::LabelDrop | Action::LabelKeep => {}
    }
    why.value = Some(value);
    Some(why)
}

/// What a matched replace writes, as the engine decides it.
fn replace_writes(rule: &Rule, flavor: Flavor, target: &str, res: &str) -> String {
    let valid = match flavor {
        Flavor::V3 => rule.scheme.is_valid_label_name(target),
        Flavor::V2 => super::is_legacy_label_name(target),
    };
    match (flavor, valid, res.is_empty()) {
        (Flavor::V3, false, _) => {
            format!("target label {target:?} is not a valid label name, so nothing is written")
        }
        (Flavor::V3, true, true) => format!("the replacement is empty, so {target} is deleted"),
        (Flavor::V2, false, _) => format!(
            "target label {target:?} is not a valid label name, so {} is deleted",
            rule.target_label
        ),
        (Flavor::V2, true, true) => format!(
            "the replacement is empty, so {} is deleted",
            rule.target_label
        ),
        (_, true, false) => format!("writes {target}={res:?}"),
    }
}

fn groups(caps: &regex::Captures<'_>) -> Vec<String> {
    (1..caps.len())
        .take(SHOWN)
        .map(|i| caps.get(i).map_or("", |m| m.as_str()).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relabel::{labels, parse_rules, process, RuleContext};
    use crate::yaml::{load_stream, Limits, Source};

    /// The why of each step of `rules` (YAML) over `pairs`.
    fn whys(rules: &str, pairs: &[(&str, &str)], flavor: Flavor) -> Vec<String> {
        let source = Source::new("r.yml", rules);
        let docs = load_stream(&source, Limits::default()).expect("yaml");
        let ctx = RuleContext {
            source: &source,
            flavor,
            scheme: flavor.label_scheme(),
            metric: false,
            root: Some(&docs[0]),
        };
        let rules = parse_rules(&docs[0], &ctx).expect("rules");
        let input = labels(pairs);
        let mut lb = LabelBuilder::from_sorted(&input);
        let outcome = process(&rules, &mut lb, flavor, true);
        outcome
            .steps
            .iter()
            .map(|s| s.why.as_ref().map(Why::text).unwrap_or_default())
            .collect()
    }

    #[test]
    fn keep_shows_the_joined_value_the_separator_and_the_groups() {
        let got = whys(
            "- {source_labels: [a, b], separator: '/', regex: '(.+)/(x)?', action: keep}",
            &[("a", "True"), ("b", "y")],
            Flavor::V3,
        );
        assert_eq!(
            got,
            [r#"[a, b] joined by "/" = "True/y" does not match "(.+)/(x)?""#]
        );
        let got = whys(
            "- {source_labels: [a], regex: '(T)(rue)|(no)', action: keep}",
            &[("a", "True")],
            Flavor::V3,
        );
        assert_eq!(
            got,
            [r#"[a] "True" matches "(T)(rue)|(no)" ($1="T", $2="rue", $3="")"#]
        );
    }

    #[test]
    fn replace_says_what_it_writes_or_why_it_writes_nothing() {
        let rules = r#"
- {source_labels: [a], regex: '(.*)', target_label: b, replacement: 'x-$1'}
- {source_labels: [a], regex: 'no', target_label: b}
- {source_labels: [a], regex: '(.*)', target_label: '$1', replacement: v}
- {source_labels: [none], target_label: b}
"#;
        let got = whys(rules, &[("a", "1st")], Flavor::V3);
        assert_eq!(
            got,
            [
                r#"[a] "1st" matches "(.*)" ($1="1st"): writes b="x-1st""#,
                r#"[a] "1st" does not match "no": writes nothing"#,
                r#"[a] "1st" matches "(.*)" ($1="1st"): writes 1st="v""#,
                r#"[none] "" matches "(.*)" ($1=""): the replacement is empty, so b is deleted"#,
            ]
        );
        // 2.x: a target label that is not a legacy name deletes the
        // unexpanded template's label.
        let got = whys(
            "- {source_labels: [a], regex: '(.*)', target_label: '${1}', replacement: v}",
            &[("a", "1st")],
            Flavor::V2,
        );
        assert_eq!(
            got,
            [
                r#"[a] "1st" matches "(.*)" ($1="1st"): target label "1st" is not a valid label name, so ${1} is deleted"#
            ]
        );
    }

    #[test]
    fn name_actions_list_the_names_they_matched() {
        let rules = r#"
- {regex: 'x_(.+)', action: labelmap}
- {regex: 'nothing', action: labeldrop}
- {regex: 'x_.*', action: labelkeep}
"#;
        let got = whys(rules, &[("x_a", "1"), ("x_b", "2"), ("y", "3")], Flavor::V3);
        assert_eq!(
            got,
            [
                r#""x_(.+)" matches 2 label names: x_a -> a, x_b -> b"#,
                r#""nothing" matches no label name"#,
                r#""x_.*" matches 2 label names: x_a, x_b: keeps 2, removes the others"#,
            ]
        );
    }

    #[test]
    fn value_actions_show_the_compared_and_computed_values() {
        let rules = r#"
- {source_labels: [a], target_label: b, action: keepequal}
- {source_labels: [a], modulus: 1000, target_label: h, action: hashmod}
- {source_labels: [a], target_label: l, action: lowercase}
- {source_labels: [a], target_label: b, action: dropequal}
"#;
        let got = whys(rules, &[("a", "baz"), ("b", "baz")], Flavor::V3);
        assert_eq!(
            got,
            [
                r#"[a] "baz" equals b="baz""#,
                r#"[a] "baz": md5 mod 1000 = 976, writes h="976""#,
                r#"[a] "baz": writes l="baz""#,
                r#"[a] "baz" equals b="baz""#,
            ]
        );
    }
}
