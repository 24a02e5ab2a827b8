use std::borrow::Cow;

use serde::Serialize;

use super::rule::{Action, Rule};
use super::transform::{go_to_lower, go_to_upper, hashmod, source_value};
use super::why::{explain, Why};
use super::{Flavor, LabelBuilder, Labels};

/// What one rule did to one label set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub rule: usize,
    pub action: &'static str,
    pub line: usize,
    /// Where a generated rule was written (see [`super::Origin`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<super::Origin>,
    pub added: Labels,
    /// name -> [old, new]
    pub changed: std::collections::BTreeMap<String, [String; 2]>,
    pub removed: Labels,
    pub dropped: bool,
    /// Why the rule did what it did (the source value, the regex, whether
    /// it matched, the value written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Why>,
}

impl Step {
    /// `line N`, or where a generated rule was written.
    pub fn place(&self) -> String {
        super::place(self.line, self.origin.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `None` when kept; the index of the dropping rule otherwise.
    pub dropped_by: Option<usize>,
    pub steps: Vec<Step>,
    /// Why relabeling stopped short of a result (see [`TEXT_BUDGET`]).
    pub error: Option<String>,
}

/// Label text that relabeling one target may build, joined source values
/// and expanded templates together. Real rules build bytes to kilobytes;
/// a hostile one can repeat a megabyte label thousands of times, which
/// Prometheus would build (and run out of memory on) but kdm refuses.
pub const TEXT_BUDGET: usize = 64 << 20;

/// Runs `rules` over `lb` in order, as Prometheus's `relabel.ProcessBuilder`
/// (3.x) or `relabel.Process` (2.x) does. Stops at the first drop.
pub fn process(rules: &[Rule], lb: &mut LabelBuilder<'_>, flavor: Flavor, trace: bool) -> Outcome {
    let mut steps = Vec::new();
    let mut budget = TEXT_BUDGET;
    for rule in rules {
        if flavor == Flavor::V2 {
            lb.rebase();
        }
        let before = trace.then(|| lb.labels());
        let why = if trace {
            explain(rule, lb, flavor, budget)
        } else {
            None
        };
        let keep = match apply(rule, lb, flavor, &mut budget) {
            Ok(keep) => keep,
            Err(needed) => {
                return Outcome {
                    dropped_by: None,
                    steps,
                    error: Some(format!(
                        "the {} rule at {} would build {needed} bytes of label text; \
                         kdm stops relabeling a target past {} MiB",
                        rule.action.as_str(),
                        rule.place(),
                        TEXT_BUDGET >> 20
                    )),
                }
            }
        };
        if let Some(before) = before {
            let after = if keep { lb.labels() } else { Labels::new() };
            let mut step = diff(rule, &before, &after, !keep);
            step.why = why;
            steps.push(step);
        }
        if !keep {
            return Outcome {
                dropped_by: Some(rule.index),
                steps,
                error: None,
            };
        }
    }
    Outcome {
        dropped_by: None,
        steps,
        error: None,
    }
}

fn diff(rule: &Rule, before: &Labels, after: &Labels, dropped: bool) -> Step {
    let mut step = Step {
        rule: rule.index,
        action: rule.action.as_str(),
        line: rule.line,
        origin: rule.origin.as_deref().cloned(),
        added: Labels::new(),
        changed: Default::default(),
        removed: Labels::new(),
        dropped,
        why: None,
    };
    if dropped {
        return step;
    }
    for (k, v) in after {
        match before.get(k) {
            None => {
                step.added.insert(k.clone(), v.clone());
            }
            Some(old) if old != v => {
                step.changed.insert(k.clone(), [old.clone(), v.clone()]);
            }
            _ => {}
        }
    }
    for (k, v) in before {
        if !after.contains_key(k) {
            step.removed.insert(k.clone(), v.clone());
        }
    }
    step
}

/// Applies one rule; `false` means the target (or series) is dropped, `Err`
/// the label text it would build past `budget`.
fn apply(
    rule: &Rule,
    lb: &mut LabelBuilder<'_>,
    flavor: Flavor,
    budget: &mut usize,
) -> Result<bool, usize> {
    let val = source_value(rule, lb, budget)?;
    Ok(match rule.action {
        Action::Drop => !rule.regex.is_match(&val),
        Action::Keep => rule.regex.is_match(&val),
        Action::DropEqual => lb.get(&rule.target_label) != val,
        Action::KeepEqual => lb.get(&rule.target_label) == val,
        Action::Replace => {
            replace(rule, lb, &val, flavor, budget)?;
            true
        }
        Action::Lowercase => {
            lb.set(&rule.target_label, &go_to_lower(&val));
            true
        }
        Action::Uppercase => {
            lb.set(&rule.target_label, &go_to_upper(&val));
            true
        }
        Action::HashMod => {
            let value = hashmod(&val, rule.modulus);
            lb.set(&rule.target_label, &value.to_string());
            true
        }
        Action::LabelMap => {
            // Match on the snapshot first (cheap), then expand only matches.
            let mut mapped: Vec<(String, String)> = Vec::new();
            let mut over = None;
            lb.for_each(|name, value| {
                if over.is_some() || !rule.regex.is_match(name) {
                    return;
                }
                match rule
                    .regex
                    .replace_all_within(name, &rule.replacement, *budget)
                {
                    Ok(Some(new)) => {
                        *budget -= new.len();
                        mapped.push((new, value.to_string()));
                    }
                    Ok(None) => {}
                    Err(needed) => over = Some(needed),
                }
            });
            if let Some(needed) = over {
                return Err(needed);
            }
            for (name, value) in mapped {
                lb.set(&name, &value);
            }
            true
        }
        Action::LabelDrop | Action::LabelKeep => {
            let drop_matching = rule.action == Action::LabelDrop;
            let mut doomed: Vec<String> = Vec::new();
            lb.for_each(|name, _| {
                if rule.regex.is_match(name) == drop_matching {
                    doomed.push(name.to_string());
                }
            });
            for name in doomed {
                lb.del(&name);
            }
            true
        }
    })
}

fn replace(
    rule: &Rule,
    lb: &mut LabelBuilder<'_>,
    val: &str,
    flavor: Flavor,
    budget: &mut usize,
) -> Result<(), usize> {
    let t = &rule.target_label;
    let r = &rule.replacement;
    if flavor == Flavor::V3
        && val.is_empty()
        && rule.regex_is_default
        && !t.contains('$')
        && !r.contains('$')
    {
        lb.set(t, r);
        return Ok(());
    }
    let (target, res) = if r == "$1"
        && !t.contains('$')
        && rule.regex.is_match_all()
        && rule.regex.as_str() == "(.*)"
    {
        // The default rule shape: group 1 is the whole value, so skip the
        // regex engine.
        (Cow::Borrowed(t.as_str()), Cow::Borrowed(val))
    } else {
        let Some(caps) = rule.regex.captures(val) else {
            return Ok(());
        };
        let mut expand = |template: &str| {
            let out = rule.regex.expand_within(template, &caps, *budget)?;
            *budget -= out.len();
            Ok::<_, usize>(Cow::Owned(out))
        };
        let target = if t.contains('$') {
            expand(t)?
        } else {
            Cow::Borrowed(t.as_str())
        };
        let res = if r.contains('$') {
            expand(r)?
        } else {
            Cow::Borrowed(r.as_str())
        };
        (target, res)
    };
    match flavor {
        Flavor::V3 => {
            if !rule.scheme.is_valid_label_name(&target) {
                return Ok(());
            }
            if res.is_empty() {
                lb.del(&target);
            } else {
                lb.set(&target, &res);
            }
        }
        // 2.x deleted the label named by the unexpanded template.
        Flavor::V2 => {
            if !super::is_legacy_label_name(&target) || res.is_empty() {
                lb.del(t);
            } else {
                lb.set(&target, &res);
            }
        }
    }
    Ok(())
}
