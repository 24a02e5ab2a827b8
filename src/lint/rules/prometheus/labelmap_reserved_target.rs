use super::rule_lists;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::relabel::Action;

pub struct LabelmapReservedTarget;

static META: RuleMeta = RuleMeta {
    id: "labelmap-reserved-target",
    severity: Severity::Warning,
    summary: "labelmap writes label names starting with `__`, which never reach the series",
    explain: "\
## What it does
Finds `labelmap` rules whose `replacement` produces names starting with `__`.

Deliberate uses are not reported:
- `__param_<name>` in `relabel_configs` (as in the prometheus-community
  chart's `replacement: __param_$1`): these labels set the scrape URL's query
  parameters;
- `__tmp...`, the prefix Prometheus reserves for temporary labels;
- a fixed `replacement` naming one of the special labels (`__address__`,
  `__scheme__`, `__metrics_path__`, `__scrape_interval__`,
  `__scrape_timeout__`, `__name__`);
- any other `__` prefix that a later rule of the same list reads, i.e. a
  temporary label.

## Why is this bad?
After target relabeling Prometheus removes every label starting with `__`, so
the mapped labels never become target labels; mapping into `__meta_*` or the
special labels changes how the target is scraped. In
`metric_relabel_configs`, `__param_*` has no meaning and other `__` names are
reserved for Prometheus's own use. Usually the `__` was meant to be stripped
by the regex, e.g. `__meta_kubernetes_pod_label_(.+)` → `$1`.

## Example
```yaml
relabel_configs:
  - action: labelmap
    regex: __meta_kubernetes_pod_label_(.+)
    replacement: __pod_$1
```

## Use instead
```yaml
relabel_configs:
  - action: labelmap
    regex: __meta_kubernetes_pod_label_(.+)
    replacement: pod_$1
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
- https://github.com/prometheus-community/helm-charts/blob/main/charts/prometheus/values.yaml
",
};

const SPECIAL: [&str; 6] = [
    "__address__",
    "__scheme__",
    "__metrics_path__",
    "__scrape_interval__",
    "__scrape_timeout__",
    "__name__",
];

/// The literal start of a template, up to its first `$` reference.
fn literal_prefix(template: &str) -> &str {
    template.find('$').map_or(template, |i| &template[..i])
}

impl Rule for LabelmapReservedTarget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for list in rule_lists(ctx) {
            for (i, entry) in list.entries.iter().enumerate() {
                let Ok(rule) = &entry.rule else {
                    continue;
                };
                if rule.action != Action::LabelMap {
                    continue;
                }
                let prefix = literal_prefix(&rule.replacement);
                if !prefix.starts_with("__") || prefix.starts_with("__tmp") {
                    continue;
                }
                let fixed = !rule.replacement.contains('$');
                if fixed && SPECIAL.contains(&rule.replacement.as_str()) {
                    continue;
                }
                let message = if prefix.starts_with("__param_") {
                    if !list.metric {
                        continue;
                    }
                    "labelmap writes `__param_*` labels in metric_relabel_configs, \
                     where they do not set URL parameters"
                        .to_string()
                } else if list.metric {
                    format!(
                        "labelmap writes labels starting with {prefix:?}; names starting \
                         with `__` are reserved for Prometheus"
                    )
                } else {
                    // A later rule reading the prefix makes it a temporary label.
                    let read_later = list.entries[i + 1..].iter().any(|e| {
                        e.rule.as_ref().is_ok_and(|r| {
                            r.source_labels.iter().any(|s| s.starts_with(prefix))
                                || (matches!(
                                    r.action,
                                    Action::LabelMap | Action::LabelDrop | Action::LabelKeep
                                ) && r.regex.as_str().starts_with(prefix))
                        })
                    });
                    if read_later {
                        continue;
                    }
                    if prefix.starts_with("__meta_") {
                        format!(
                            "labelmap writes {prefix:?}… labels: `__meta_*` labels are \
                             removed after relabeling and never reach the series"
                        )
                    } else {
                        format!(
                            "labelmap writes {prefix:?}… labels: names starting with `__` \
                             are removed after relabeling and never reach the series"
                        )
                    }
                };
                let at = entry
                    .node
                    .get("replacement")
                    .map_or(entry.node.span, |n| n.span);
                let stripped = prefix.trim_start_matches('_');
                out.push(Finding::new(&META, list.file, at, message).help(format!(
                    "map to a plain label name (e.g. `{stripped}{}`), or use a `__tmp` \
                         prefix for a temporary label",
                    &rule.replacement[prefix.len()..]
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn lines(list: &str, rules: &str) -> Vec<usize> {
        let text = format!("scrape_configs:\n  - job_name: a\n    {list}:\n{rules}");
        check(&LabelmapReservedTarget, &text)
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    const RELABEL: &str = "relabel_configs";
    const METRIC: &str = "metric_relabel_configs";

    #[test]
    fn reserved_prefixes_are_reported() {
        let r = "      - action: labelmap\n        regex: __meta_kubernetes_pod_label_(.+)\n        replacement: __pod_$1\n";
        assert_eq!(lines(RELABEL, r), vec![6]);
        let r =
            "      - action: labelmap\n        regex: x_(.+)\n        replacement: __meta_x_$1\n";
        assert_eq!(lines(RELABEL, r), vec![6]);
    }

    #[test]
    fn deliberate_uses_are_not() {
        let chart = "      - action: labelmap\n        regex: __meta_kubernetes_pod_annotation_prometheus_io_param_(.+)\n        replacement: __param_$1\n";
        assert!(lines(RELABEL, chart).is_empty());
        let tmp =
            "      - action: labelmap\n        regex: a_(.+)\n        replacement: __tmp_$1\n";
        assert!(lines(RELABEL, tmp).is_empty());
        let special = "      - action: labelmap\n        regex: my_address\n        replacement: __address__\n";
        assert!(lines(RELABEL, special).is_empty());
        let plain = "      - action: labelmap\n        regex: __meta_kubernetes_pod_label_(.+)\n";
        assert!(lines(RELABEL, plain).is_empty());
        let temp = "      - action: labelmap\n        regex: a_(.+)\n        replacement: __x_$1\n      - source_labels: [__x_b]\n        target_label: b\n";
        assert!(lines(RELABEL, temp).is_empty());
    }

    #[test]
    fn params_in_metric_relabeling_are_reported() {
        let r =
            "      - action: labelmap\n        regex: a_(.+)\n        replacement: __param_$1\n";
        assert_eq!(lines(METRIC, r), vec![6]);
    }
}
