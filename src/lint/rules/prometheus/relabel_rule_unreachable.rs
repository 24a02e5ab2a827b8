use super::rule_lists;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::relabel::{Action, Rule as Relabel};

pub struct RelabelRuleUnreachable;

static META: RuleMeta = RuleMeta {
    id: "relabel-rule-unreachable",
    severity: Severity::Warning,
    summary: "relabel rule can never take effect: an earlier rule drops everything",
    explain: "\
## What it does
Finds relabel rules that come after a rule that drops every target (in
`relabel_configs`) or every series (in `metric_relabel_configs`) whatever the
labels are, and reports each later rule.

A rule drops unconditionally when its outcome does not depend on any label:
- `drop` without `source_labels`: the source value is the empty string, so it
  drops everything if the regex matches `\"\"` (the default `(.*)` does);
- `keep` without `source_labels` whose regex cannot match `\"\"` (for example
  `regex: true` or `.+`): nothing is kept;
- `dropequal` whose only source label is its own `target_label`: the two
  values are always equal.

Only the regex decides for the first two; rules with source labels depend on
the target and are never reported.

## Why is this bad?
Relabeling stops at the first rule that drops, so the later rules never run
and the job scrapes nothing (or stores nothing). Usually `source_labels` was
lost in an edit, or `keep`/`drop` was swapped.

## Example
```yaml
relabel_configs:
  - action: keep              # no source_labels: the value is \"\"
    regex: true               # and \"true\" never matches \"\"
  - source_labels: [__meta_kubernetes_pod_name]
    target_label: pod
```

## Use instead
```yaml
relabel_configs:
  - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
    action: keep
    regex: true
  - source_labels: [__meta_kubernetes_pod_name]
    target_label: pod
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
",
};

/// Why `rule` drops whatever the labels are, if it does.
fn drops_everything(rule: &Relabel) -> Option<&'static str> {
    let no_sources = rule.source_labels.is_empty();
    match rule.action {
        Action::Drop if no_sources && rule.regex.is_match("") => {
            Some("`drop` without source_labels: its regex matches the empty source value")
        }
        Action::Keep if no_sources && !rule.regex.is_match("") => {
            Some("`keep` without source_labels: its regex never matches the empty source value")
        }
        Action::DropEqual if rule.source_labels == [rule.target_label.clone()] => {
            Some("`dropequal` compares target_label with itself")
        }
        _ => None,
    }
}

impl Rule for RelabelRuleUnreachable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for list in rule_lists(ctx) {
            let what = if list.metric { "series" } else { "target" };
            let mut dropper = None;
            for entry in &list.entries {
                let Ok(rule) = &entry.rule else {
                    continue;
                };
                match dropper {
                    None => {
                        if let Some(why) = drops_everything(rule) {
                            dropper = Some((entry.node.span, why));
                        }
                    }
                    Some((span, why)) => {
                        let line = ctx.source(list.file).line_col(span.start).0;
                        out.push(
                            Finding::new(
                                &META,
                                list.file,
                                entry.node.span,
                                format!(
                                    "relabel rule never runs: the rule on line {line} drops every {what}"
                                ),
                            )
                            .related(list.file, span, why)
                            .help(
                                "add the missing source_labels to the dropping rule, \
                                 or fix its regex or action",
                            ),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn lines(text: &str) -> Vec<usize> {
        check(&RelabelRuleUnreachable, text)
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    fn job(rules: &str) -> String {
        format!("scrape_configs:\n  - job_name: a\n    relabel_configs:\n{rules}")
    }

    #[test]
    fn drop_without_sources_and_default_regex() {
        let t = job("      - action: drop\n      - target_label: x\n        replacement: y\n      - target_label: z\n");
        assert_eq!(lines(&t), vec![5, 7]);
    }

    #[test]
    fn the_regex_decides() {
        // Matches "": drops everything.
        assert_eq!(lines(&job("      - action: drop\n        regex: '.*'\n      - action: labeldrop\n        regex: x\n")), vec![6]);
        // Cannot match "": drops nothing.
        assert!(lines(&job("      - action: drop\n        regex: .+\n      - action: labeldrop\n        regex: x\n")).is_empty());
        // keep needing a non-empty value keeps nothing.
        assert_eq!(lines(&job("      - action: keep\n        regex: 'true'\n      - action: labeldrop\n        regex: x\n")), vec![6]);
        // keep whose regex matches "" keeps everything.
        assert!(lines(&job("      - action: keep\n        regex: 'true|'\n      - action: labeldrop\n        regex: x\n")).is_empty());
        // A null regex is the empty regex: matches only "".
        assert!(lines(&job(
            "      - action: keep\n        regex:\n      - action: labeldrop\n        regex: x\n"
        ))
        .is_empty());
    }

    #[test]
    fn source_labels_make_it_conditional() {
        let t = job("      - action: drop\n        source_labels: [x]\n      - target_label: z\n");
        assert!(lines(&t).is_empty());
        let t = job("      - action: keepequal\n        source_labels: [x]\n        target_label: x\n      - target_label: z\n");
        assert!(lines(&t).is_empty());
    }

    #[test]
    fn dropequal_with_itself() {
        let t = job("      - action: dropequal\n        source_labels: [x]\n        target_label: x\n      - target_label: z\n");
        assert_eq!(lines(&t), vec![7]);
    }

    #[test]
    fn metric_relabel_configs_too() {
        let t = "scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - action: drop\n      - action: labeldrop\n        regex: x\n";
        let got = check(&RelabelRuleUnreachable, t);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("every series"));
    }
}
