use super::rule_lists;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::relabel::goregex::{Part, Template};
use crate::relabel::{Action, Rule as Relabel};
use crate::yaml::Node;

pub struct ReplacementGroupUndefined;

static META: RuleMeta = RuleMeta {
    id: "replacement-group-undefined",
    severity: Severity::Warning,
    summary: "a `$` reference in a replacement names no group of the regex and expands to nothing",
    explain: "\
## What it does
Reads the `replacement` (and the `target_label` of `replace`) the way Go's
`Regexp.Expand` does and reports every `$` reference that names no capture
group of the rule's regex. Go takes the longest run of letters, digits and
`_` after a `$` as the name, so `$1_$2` refers to a group named `1_` and
`$1abc` to one named `1abc`; `$3` with two groups and `$name` without a
`(?P<name>…)` group are undefined too. When the `replacement` is left out,
its default `$1` is checked against a regex without groups.

## Why is this bad?
An undefined reference expands to the empty string without any error:
`$1_$2` on `a;b` with `regex: (.*);(.*)` writes `b`, not `a_b`, and a value
that becomes empty deletes the label.

## Example
```yaml
- source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name]
  regex: (.+);(.+)
  target_label: pod_key
  replacement: $1_$2
```

## Use instead
Braces end the group name:
```yaml
- source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name]
  regex: (.+);(.+)
  target_label: pod_key
  replacement: ${1}_${2}
```

## References
- https://pkg.go.dev/regexp#Regexp.Expand
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
",
};

/// The references of `template` that name no group of the rule's regex.
fn undefined<'t>(template: &'t Template, rule: &Relabel) -> Vec<Part<'t>> {
    template
        .parts()
        .filter(|p| match *p {
            Part::Index(n) => n > rule.regex.num_subexp(),
            Part::Name(name) => rule.regex.subexp_index(name).is_none(),
            Part::Lit(_) => false,
        })
        .collect()
}

/// The template written with braces, each undefined name that starts with
/// a defined group number split after it (`$1_` → `${1}_`).
fn braced(template: &Template, rule: &Relabel) -> String {
    let mut out = String::new();
    for p in template.parts() {
        match p {
            Part::Lit(s) => out.push_str(&s.replace('$', "$$")),
            Part::Index(n) => out.push_str(&format!("${{{n}}}")),
            Part::Name(name) => {
                let digits = name.bytes().take_while(u8::is_ascii_digit).count();
                let number = name[..digits].parse::<usize>().ok().filter(|&n| {
                    (digits == 1 || !name.starts_with('0')) && n <= rule.regex.num_subexp()
                });
                match number {
                    Some(n) if rule.regex.subexp_index(name).is_none() => {
                        out.push_str(&format!("${{{n}}}{}", &name[digits..]))
                    }
                    _ => out.push_str(&format!("${{{name}}}")),
                }
            }
        }
    }
    out
}

fn describe(p: Part<'_>, groups: usize) -> String {
    match p {
        Part::Index(n) if groups == 0 => format!("`${n}`, but the regex has no group"),
        Part::Index(n) => format!("`${n}`, but the regex has {groups} group(s)"),
        Part::Name(name) if name.starts_with(|c: char| c.is_ascii_digit()) => {
            format!("`${name}` (Go reads the group name `{name}`, not a number)")
        }
        Part::Name(name) => format!("`${name}` (no group is named `{name}`)"),
        Part::Lit(_) => String::new(),
    }
}

impl Rule for ReplacementGroupUndefined {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for list in rule_lists(ctx) {
            for entry in &list.entries {
                let Ok(rule) = &entry.rule else {
                    continue;
                };
                let mut fields: Vec<(&str, &str)> = Vec::new();
                match rule.action {
                    Action::Replace => {
                        fields.push(("replacement", &rule.replacement));
                        fields.push(("target_label", &rule.target_label));
                    }
                    Action::LabelMap => fields.push(("replacement", &rule.replacement)),
                    _ => {}
                }
                for (field, text) in fields {
                    let template = Template::new(text);
                    let bad = undefined(&template, rule);
                    if bad.is_empty() {
                        continue;
                    }
                    let written = entry.node.get(field);
                    // A left-out replacement is the default `$1`; point at the regex then.
                    let at = written
                        .or_else(|| entry.node.get("regex"))
                        .map_or(entry.node.span, |n: &Node| n.span);
                    let groups = rule.regex.num_subexp();
                    let what: Vec<String> = bad.iter().map(|&p| describe(p, groups)).collect();
                    let default = if written.is_none() {
                        " (the default)"
                    } else {
                        ""
                    };
                    let message = format!(
                        "{field} {text:?}{default} refers to {}: it expands to nothing",
                        what.join(", ")
                    );
                    let fixed = braced(&template, rule);
                    let help = if fixed != text && bad.iter().any(|p| matches!(p, Part::Name(n) if n.starts_with(|c: char| c.is_ascii_digit()))) {
                        format!("write {field}: {fixed:?}; braces end a group reference")
                    } else if written.is_none() {
                        "write the value in `replacement:`, or capture it with a group `(…)` \
                         in the regex"
                            .to_string()
                    } else {
                        format!(
                            "refer only to the regex's {groups} group(s) or its named groups; \
                             write `$$` for a literal `$`"
                        )
                    };
                    out.push(Finding::new(&META, list.file, at, message).help(help));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn run(rule: &str) -> Vec<(usize, String)> {
        let text = format!("scrape_configs:\n  - job_name: a\n    relabel_configs:\n{rule}");
        check(&ReplacementGroupUndefined, &text)
    }

    #[test]
    fn go_reads_digits_and_letters_as_one_name() {
        let got = run("      - source_labels: [a, b]\n        regex: (.+);(.+)\n        target_label: k\n        replacement: $1_$2\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 7);
        assert!(got[0].1.contains("`$1_`"), "{}", got[0].1);
        let got = run("      - source_labels: [a]\n        regex: (.+)\n        target_label: k\n        replacement: $1abc\n");
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn defined_references_are_fine() {
        for r in ["${1}_${2}", "$1:$2", "$1-$2", "$$1", "x", "$name"] {
            let t = format!("      - source_labels: [a, b]\n        regex: (?P<name>.+);(.+)\n        target_label: k\n        replacement: '{r}'\n");
            assert!(run(&t).is_empty(), "{r}");
        }
    }

    #[test]
    fn numbers_beyond_the_groups_and_the_default() {
        let got = run("      - source_labels: [a]\n        regex: (.+)\n        target_label: k\n        replacement: $2\n");
        assert_eq!(got.len(), 1);
        let got =
            run("      - source_labels: [a]\n        regex: 'true'\n        target_label: k\n");
        assert_eq!(got[0].0, 5);
        assert!(got[0].1.contains("the default"));
    }

    #[test]
    fn suggestion_braces_the_numbers() {
        let src = crate::yaml::Source::new(
            "r",
            "- {source_labels: [a], regex: '(.+);(.+)', target_label: k}\n",
        );
        let docs = crate::yaml::load_stream(&src, crate::yaml::Limits::default()).expect("yaml");
        let ctx = crate::relabel::RuleContext {
            source: &src,
            flavor: crate::relabel::Flavor::V3,
            scheme: crate::relabel::NameScheme::Utf8,
            metric: false,
            root: Some(&docs[0]),
        };
        let rule = crate::relabel::parse_rules(&docs[0], &ctx)
            .expect("rule")
            .remove(0);
        assert_eq!(braced(&Template::new("$1_$2"), &rule), "${1}_${2}");
        assert_eq!(braced(&Template::new("$1abc"), &rule), "${1}abc");
        assert_eq!(braced(&Template::new("a$$b$1"), &rule), "a$$b${1}");
    }
}
