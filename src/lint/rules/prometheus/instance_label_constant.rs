use super::constants::{all_jobs, Constants, Same};
use super::{name_scheme, parse_each};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct InstanceLabelConstant;

static META: RuleMeta = RuleMeta {
    id: "instance-label-constant",
    severity: Severity::Warning,
    summary: "a relabel rule gives every target of a job the same `instance` label",
    explain: "\
## What it does
Follows a job's `relabel_configs` and `metric_relabel_configs` and reports
the `replace` or `labelmap` rule that writes one value into `instance` for
every target of a job that has several targets (service discovery, or more
than one static target): a fixed `replacement` behind a regex every value
matches, or a value copied from a label that is the same for the whole job
(`job`, `__scheme__`, `__metrics_path__`, a constant written earlier).

Not reported:
- `instance` from a per-target value, such as the node name
  (`__meta_kubernetes_node_name`), the pod name or `__param_target` of a
  probe job: a common and correct way to name targets;
- a fixed `instance` on a job with one target, or one whose `keep` selects
  one object by name;
- `job`: one value for the whole job is what `job` is, and renaming it by
  relabeling is a documented practice.

## Why is this bad?
`instance` is the label that tells a job's targets apart. With one value for
all of them, series of different targets differ only by whatever other
labels happen to differ; when none do they collide (`duplicate sample`
errors, one target's data overwriting another's), `up` cannot say which
target is down, and `sum by (instance)` sums everything.

## Example
```yaml
- job_name: node-exporter
  kubernetes_sd_configs: [{role: node}]
  relabel_configs:
    - target_label: instance
      replacement: node-exporter
```

## Use instead
Name each target, e.g. after its node:
```yaml
  relabel_configs:
    - source_labels: [__meta_kubernetes_node_name]
      target_label: instance
```
or leave `instance` alone (it defaults to the target's address).

## References
- https://prometheus.io/docs/concepts/jobs_instances/
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
",
};

impl Rule for InstanceLabelConstant {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for job in all_jobs(ctx) {
            if !job.many_targets() {
                continue;
            }
            let mut found = Vec::new();
            let c = job.constants();
            found.extend(
                c.writer("instance")
                    .map(|w| (w, c.get("instance").cloned(), None)),
            );
            // Series relabeling: nothing there is known to be constant but
            // what its own rules write.
            if let Some(list) = job.node.get("metric_relabel_configs") {
                let scheme = name_scheme(job.root, job.node);
                let entries = parse_each(list, ctx.source(job.file), scheme, true);
                let mut m = Constants::default();
                for (i, e) in entries.iter().enumerate() {
                    if let Ok(r) = &e.rule {
                        m.apply(i, r);
                    }
                }
                if let Some(w) = m.writer("instance") {
                    found.push((w, m.get("instance").cloned(), Some(entries[w.rule].node)));
                }
            }
            for (w, value, metric_node) in found {
                if !w.everywhere {
                    continue;
                }
                let value = match value {
                    // An empty instance is set to the address again.
                    Some(Same::Value(v)) if v.is_empty() => continue,
                    Some(Same::Value(v)) => format!("{v:?}"),
                    _ => "one value".into(),
                };
                let node = metric_node.unwrap_or_else(|| job.relabel[w.rule].node);
                let at = node
                    .get("replacement")
                    .or_else(|| node.get("source_labels"))
                    .map_or(node.span, |n| n.span);
                let list = if metric_node.is_some() {
                    "every series of every target"
                } else {
                    "every target"
                };
                out.push(
                    Finding::new(
                        &META,
                        job.file,
                        at,
                        format!(
                            "job {} ({}): this rule sets instance to {value} for {list}, so \
                             instance no longer tells the targets apart and their series can \
                             collide",
                            job.name(),
                            job.discovery()
                        ),
                    )
                    .help(
                        "name each target (e.g. `source_labels: [__meta_kubernetes_node_name]`, \
                         `target_label: instance`), or leave instance to default to the address; \
                         put a fixed value in another label",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn run(job: &str) -> Vec<(usize, String)> {
        let text = format!(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{{role: node}}]\n{job}"
        );
        check(&InstanceLabelConstant, &text)
    }

    #[test]
    fn fixed_and_job_wide_values() {
        let got = run("    relabel_configs:\n      - target_label: instance\n        replacement: node-exporter\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 6);
        let got = run(
            "    relabel_configs:\n      - source_labels: [job]\n        target_label: instance\n",
        );
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("\"a\""), "{}", got[0].1);
        let got = run("    relabel_configs:\n      - action: labelmap\n        regex: __metrics_path__\n        replacement: instance\n");
        assert_eq!(got.len(), 1);
        let got = run(
            "    metric_relabel_configs:\n      - target_label: instance\n        replacement: x\n",
        );
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("every series"));
    }

    #[test]
    fn per_target_values_are_fine() {
        assert!(run("    relabel_configs:\n      - source_labels: [__meta_kubernetes_node_name]\n        target_label: instance\n").is_empty());
        assert!(run("    relabel_configs:\n      - action: labelmap\n        regex: __meta_kubernetes_node_name\n        replacement: instance\n").is_empty());
        assert!(run(
            "    relabel_configs:\n      - target_label: job\n        replacement: node\n"
        )
        .is_empty());
        // Only where a per-target regex matches.
        assert!(run("    relabel_configs:\n      - source_labels: [__meta_kubernetes_node_name]\n        regex: master-0\n        target_label: instance\n        replacement: master\n").is_empty());
        let one = "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [a:1]}]\n    relabel_configs:\n      - target_label: instance\n        replacement: x\n";
        assert!(check(&InstanceLabelConstant, one).is_empty());
    }
}
