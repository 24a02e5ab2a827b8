use super::{jobs, name_scheme, parse_each};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::relabel::goregex::Template;
use crate::relabel::{Action, Rule as Relabel};
use crate::yaml::{Node, Span};

pub struct RelabelReadsSampleLabel;

static META: RuleMeta = RuleMeta {
    id: "relabel-reads-sample-label",
    severity: Severity::Warning,
    summary: "relabel_configs reads `__name__` or another label only samples have",
    explain: "\
## What it does
Reports `source_labels` (and the `target_label` that `keepequal` and
`dropequal` compare with) in `relabel_configs` that name a label only
scraped samples carry: `__name__` (the metric name), `le` (histogram
buckets), `quantile` (summaries) and `exported_*` (a scraped label renamed
because the target has one of the same name). A label the job itself sets
first (in `static_configs` labels or by an earlier rule) is not reported.

## Why is this bad?
`relabel_configs` runs once per target, before the scrape, on the target's
labels: no metric name or sample label exists yet, so the value read is
always empty. A `drop` meant to discard some metrics drops nothing, and a
`keep` drops every target of the job. Rules on samples belong in
`metric_relabel_configs`, which runs on every scraped series.

## Example
```yaml
- job_name: node
  relabel_configs:
    - source_labels: [__name__]
      regex: go_.*
      action: drop
```

## Use instead
```yaml
- job_name: node
  metric_relabel_configs:
    - source_labels: [__name__]
      regex: go_.*
      action: drop
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#metric_relabel_configs
",
};

/// Why `name` exists only on samples, if it does.
fn sample_only(name: &str) -> Option<&'static str> {
    match name {
        "__name__" => Some("the metric name"),
        "le" => Some("a histogram bucket's bound"),
        "quantile" => Some("a summary's quantile"),
        _ if name.starts_with("exported_") => {
            Some("a scraped label renamed because the target has one of that name")
        }
        _ => None,
    }
}

/// Whether `rule` may write `name` (so that later rules can read it).
fn may_write(rule: &Relabel, name: &str) -> bool {
    match rule.action {
        Action::Replace | Action::HashMod | Action::Lowercase | Action::Uppercase => {
            let t = Template::new(&rule.target_label);
            match t.literal() {
                Some(l) => l == name,
                None => true,
            }
        }
        Action::LabelMap => {
            let t = Template::new(&rule.replacement);
            match t.literal() {
                Some(l) => l == name,
                // Names starting with `__` come only from a template that
                // writes the underscores itself.
                None => {
                    let prefix = rule.replacement.split('$').next().unwrap_or("");
                    name.starts_with(prefix)
                        && (!name.starts_with("__") || prefix.starts_with("__"))
                }
            }
        }
        _ => false,
    }
}

/// The names a rule reads, with their places.
fn reads<'n>(node: &'n Node, rule: &Relabel) -> Vec<(&'n str, Span)> {
    let mut out: Vec<(&str, Span)> = node
        .get("source_labels")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| n.as_str().map(|s| (s, n.span)))
        .collect();
    if matches!(rule.action, Action::KeepEqual | Action::DropEqual) {
        if let Some(t) = node.get("target_label") {
            out.extend(t.as_str().map(|s| (s, t.span)));
        }
    }
    out
}

impl Rule for RelabelReadsSampleLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for &(file, root) in &ctx.prometheus {
            let src = ctx.source(file);
            for job in jobs(root) {
                let Some(list) = job.get("relabel_configs") else {
                    continue;
                };
                let static_labels: Vec<String> = job
                    .get("static_configs")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .flat_map(|g| g.get("labels").and_then(Node::as_map).unwrap_or(&[]))
                    .map(|(k, _)| k.key_string())
                    .collect();
                let entries = parse_each(list, src, name_scheme(root, job), false);
                for (i, entry) in entries.iter().enumerate() {
                    let Ok(rule) = &entry.rule else {
                        continue;
                    };
                    for (name, span) in reads(entry.node, rule) {
                        let Some(what) = sample_only(name) else {
                            continue;
                        };
                        let set_before = static_labels.iter().any(|l| l == name)
                            || entries[..i]
                                .iter()
                                .any(|e| e.rule.as_ref().is_ok_and(|r| may_write(r, name)));
                        if set_before {
                            continue;
                        }
                        // With the label as the only source, the regex decides alone.
                        let alone = rule.source_labels.len() == 1 && !rule.regex.is_match("");
                        let effect = match rule.action {
                            Action::Keep if alone => "; this keep drops every target of the job",
                            Action::Drop if alone => "; this drop never drops a target",
                            _ => "",
                        };
                        out.push(
                            Finding::new(
                                &META,
                                file,
                                span,
                                format!(
                                    "relabel_configs reads `{name}` ({what}), which targets do not \
                                     have: its value is always empty{effect}"
                                ),
                            )
                            .help(
                                "rules on scraped series belong in metric_relabel_configs, \
                                 which runs on every sample after the scrape",
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

    fn run(rules: &str) -> Vec<(usize, String)> {
        let text = format!("scrape_configs:\n  - job_name: a\n    relabel_configs:\n{rules}");
        check(&RelabelReadsSampleLabel, &text)
    }

    #[test]
    fn sample_labels_in_target_relabeling() {
        let got =
            run("      - source_labels: [__name__]\n        regex: go_.*\n        action: drop\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 4);
        assert!(got[0].1.contains("never drops"));
        let got = run("      - source_labels: [le]\n        action: keep\n        regex: '1'\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("every target"));
        let got =
            run("      - source_labels: [job, le]\n        action: keep\n        regex: a;1\n");
        assert_eq!(got.len(), 1);
        assert!(!got[0].1.contains("every target"));
        let got = run("      - source_labels: [exported_job]\n        target_label: job\n");
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn labels_the_job_sets_first_are_fine() {
        assert!(run("      - target_label: le\n        replacement: x\n      - source_labels: [le]\n        target_label: y\n").is_empty());
        assert!(run("      - action: labelmap\n        regex: __meta_kubernetes_pod_label_(.+)\n      - source_labels: [quantile]\n        target_label: y\n").is_empty());
        assert!(run("      - source_labels: [instance]\n        target_label: y\n").is_empty());
    }

    #[test]
    fn metric_relabel_configs_are_the_right_place() {
        let text = "scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - source_labels: [__name__]\n        regex: go_.*\n        action: drop\n";
        assert!(check(&RelabelReadsSampleLabel, text).is_empty());
    }
}
