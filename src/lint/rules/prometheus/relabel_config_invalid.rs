use super::error_finding;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::prom::config::{parse_config, DUPLICATE_JOB};
use crate::relabel::Flavor;
use crate::yaml::{Node, Source};

pub struct RelabelConfigInvalid;

static META: RuleMeta = RuleMeta {
    id: "relabel-config-invalid",
    severity: Severity::Error,
    summary: "Prometheus rejects this scrape config or relabel rule when it loads the file",
    explain: "\
## What it does
Validates the Prometheus configuration the way Prometheus 3.x does when it
loads it (2.55 with `--prometheus-version 2` or `.kdm.yaml`
`prometheus-version: 2`): every `relabel_configs` and `metric_relabel_configs` rule (action,
required fields, fields that must not be set, regex syntax, label names under
the job's `metric_name_validation_scheme`), unknown fields, durations and
`scrape_timeout` against `scrape_interval`, Kubernetes SD roles, and the
top-level and `global` sections. Every invalid relabel rule is reported, not
only the first one Prometheus would print.

## Why is this bad?
Prometheus refuses to start with such a file, and a running Prometheus keeps
its old configuration on reload (only `prometheus_config_last_reload_successful`
shows it), so the change silently never takes effect.

## Example
```yaml
scrape_configs:
  - job_name: pods
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_app]
        action: replace            # replace needs a target_label
      - action: labeldrop
        source_labels: [pod]       # labeldrop takes only a regex
        regex: pod
```

## Use instead
```yaml
scrape_configs:
  - job_name: pods
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_app]
        action: replace
        target_label: app
      - action: labeldrop
        regex: pod
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
",
};

impl Rule for RelabelConfigInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for &(file, root) in &ctx.prometheus {
            check_config(ctx.source(file), file, root, ctx.flavor, out);
        }
    }
}

/// Every error Prometheus's loader would find, each a finding; repeated job
/// names are left to `job-name-duplicate`.
fn check_config(src: &Source, file: usize, root: &Node, flavor: Flavor, out: &mut Vec<Finding>) {
    let Err(errors) = parse_config(src, root, flavor) else {
        return;
    };
    for e in errors.each() {
        if !e.message().starts_with(DUPLICATE_JOB) {
            out.push(error_finding(&META, file, root.span, e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn run(text: &str) -> Vec<(usize, String)> {
        check(&RelabelConfigInvalid, text)
    }

    #[test]
    fn every_invalid_rule_is_reported_at_its_node() {
        let text = "\
scrape_configs:
  - job_name: a
    relabel_configs:
      - action: replace
        source_labels: [x]
      - action: keep
        source_labels: [x]
        regex: '('
      - action: frobnicate
    metric_relabel_configs:
      - action: labeldrop
        source_labels: [x]
";
        let got = run(text);
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![4, 8, 9, 11], "{got:?}");
        assert!(got[0].1.contains("requires 'target_label'"));
        assert!(got[2].1.contains("unknown relabel action"));
        assert!(got[3].1.contains("requires only 'regex'"));
    }

    #[test]
    fn job_errors_are_reported_once_per_job() {
        let text = "\
global:
  scrape_interval: 2m
scrape_configs:
  - job_name: a
    scrape_timeout: 90s
  - job_name: b
    scrape_intervall: 1m
  - job_name: c
    scrape_interval: 1x
    relabel_configs:
      - action: drop
";
        let got = run(text);
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        // 90s is within the global 2m interval: fine.
        assert_eq!(lines, vec![7, 9], "{got:?}");
    }

    #[test]
    fn rule_errors_are_not_repeated_as_job_errors() {
        let text = "\
scrape_configs:
  - job_name: a
    static_configs:
      - targets: ['localhost:9090']
    relabel_configs:
      - {}
";
        let got = run(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 6);
    }

    #[test]
    fn top_level_errors_and_valid_configs() {
        assert_eq!(run("scrape_configs: []\nglobl: {}\n").len(), 1);
        assert!(
            run("global: {scrape_interval: 15s}\nscrape_configs:\n  - job_name: a\n").is_empty()
        );
        let bad_global = run("global: {scrape_interval: nope}\nscrape_configs:\n  - job_name: a\n");
        assert_eq!(bad_global.len(), 1, "{bad_global:?}");
    }

    #[test]
    fn a_relabel_list_that_is_not_a_list() {
        let got = run("scrape_configs:\n  - job_name: a\n    relabel_configs: {action: drop}\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 3);
    }
}
