use super::{error_finding, jobs, name_scheme, parse_each, relabel_lists, scalar, FLAVOR};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::prom::config::parse_config;
use crate::relabel::{parse_rules, RuleContext};
use crate::yaml::{Node, NodeKind, Source};

pub struct RelabelConfigInvalid;

static META: RuleMeta = RuleMeta {
    id: "relabel-config-invalid",
    severity: Severity::Error,
    summary: "Prometheus rejects this scrape config or relabel rule when it loads the file",
    explain: "\
## What it does
Validates the Prometheus configuration the way Prometheus 3.x does when it
loads it: every `relabel_configs` and `metric_relabel_configs` rule (action,
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
            check_config(ctx.source(file), file, root, out);
        }
    }
}

fn check_config(src: &Source, file: usize, root: &Node, out: &mut Vec<Finding>) {
    let is_single_job = root.get("job_name").is_some() && root.get("scrape_configs").is_none();
    // Top level and `global`, without the jobs (each job is checked alone).
    let mut global_ok = true;
    if !is_single_job {
        let jobs_list = root.get("scrape_configs");
        let top = replace_entries(root, |key, value| match key {
            "scrape_configs" if value.as_seq().is_some() => Some(empty_seq(value)),
            _ => None,
        });
        if let Err(e) = parse_config(src, &top, FLAVOR) {
            out.push(error_finding(&META, file, root.span, &e));
        }
        if let Some(g) = root.get("global") {
            global_ok =
                parse_config(src, &only_global(g, jobs_list.unwrap_or(root)), FLAVOR).is_ok();
        }
    }

    for job in jobs(root) {
        let scheme = name_scheme(root, job);
        let mut replacements: Vec<(&str, Node)> = Vec::new();
        for (key, list, metric) in relabel_lists(job) {
            if list.is_null() {
                continue;
            }
            if list.as_seq().is_none() {
                let rctx = RuleContext {
                    source: src,
                    flavor: FLAVOR,
                    scheme,
                    metric,
                };
                if let Err(e) = parse_rules(list, &rctx) {
                    out.push(error_finding(&META, file, list.span, &e));
                }
                replacements.push((key, scalar("null", list.span)));
                continue;
            }
            let entries = parse_each(list, src, scheme, metric);
            let mut items = Vec::with_capacity(entries.len());
            let mut any_invalid = false;
            for entry in entries {
                match entry.rule {
                    Ok(_) => items.push(entry.node.clone()),
                    Err(e) => {
                        out.push(error_finding(&META, file, entry.node.span, &e));
                        any_invalid = true;
                        items.push(placeholder_rule(entry.node));
                    }
                }
            }
            if any_invalid {
                replacements.push((
                    key,
                    Node {
                        span: list.span,
                        tag: None,
                        kind: NodeKind::Seq(items.into()),
                    },
                ));
            }
        }
        // The job's own errors, with its relabel rules (already reported)
        // swapped for valid ones so they are not reported twice; the number
        // of rules stays the same because it changes one check.
        let job_node = if job.as_map().is_some() {
            replace_entries(job, |key, _| {
                replacements
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, n)| n.clone())
            })
        } else {
            job.clone()
        };
        let alone = if is_single_job {
            job_node
        } else {
            let mut entries = Vec::new();
            if let (true, Some((k, v))) = (global_ok, root.entry("global")) {
                entries.push((k.clone(), v.clone()));
            }
            let key = root
                .entry("scrape_configs")
                .map_or_else(|| scalar("scrape_configs", job.span), |(k, _)| k.clone());
            entries.push((
                key,
                Node {
                    span: job.span,
                    tag: None,
                    kind: NodeKind::Seq(Box::new([job_node])),
                },
            ));
            Node {
                span: root.span,
                tag: None,
                kind: NodeKind::Map(entries.into()),
            }
        };
        if let Err(e) = parse_config(src, &alone, FLAVOR) {
            out.push(error_finding(&META, file, job.span, &e));
        }
    }
}

/// A copy of a mapping with some values replaced.
fn replace_entries(map: &Node, mut with: impl FnMut(&str, &Node) -> Option<Node>) -> Node {
    let entries = map
        .as_map()
        .unwrap_or(&[])
        .iter()
        .map(|(k, v)| {
            let key = k.key_string();
            (k.clone(), with(&key, v).unwrap_or_else(|| v.clone()))
        })
        .collect();
    Node {
        span: map.span,
        tag: map.tag.clone(),
        kind: NodeKind::Map(entries),
    }
}

fn empty_seq(at: &Node) -> Node {
    Node {
        span: at.span,
        tag: None,
        kind: NodeKind::Seq(Box::new([])),
    }
}

/// `{global: <g>, scrape_configs: []}`.
fn only_global(global: &Node, at: &Node) -> Node {
    Node {
        span: global.span,
        tag: None,
        kind: NodeKind::Map(Box::new([
            (scalar("global", global.span), global.clone()),
            (scalar("scrape_configs", at.span), empty_seq(at)),
        ])),
    }
}

/// `{action: labelkeep}`: valid, and keeps every label.
fn placeholder_rule(at: &Node) -> Node {
    Node {
        span: at.span,
        tag: None,
        kind: NodeKind::Map(Box::new([(
            scalar("action", at.span),
            scalar("labelkeep", at.span),
        )])),
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
