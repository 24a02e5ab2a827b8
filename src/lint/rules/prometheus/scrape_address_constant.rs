use super::constants::{all_jobs, Same};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ScrapeAddressConstant;

static META: RuleMeta = RuleMeta {
    id: "scrape-address-constant",
    severity: Severity::Warning,
    summary: "a relabel rule sends every target of a discovery job to one fixed address",
    explain: "\
## What it does
Follows a job's `relabel_configs` and reports the rule that writes the same
`__address__` for every target (a fixed `replacement` with no group used,
behind the default regex or one that does not depend on the target) when
the job discovers several targets and nothing else in the scrape URL
differs between them: `__metrics_path__` and every `__param_*` label are
the same for all. A value counts as the same for every target when it comes
from the job's own settings (`job_name`, `scheme`, `metrics_path`,
`params`) or a fixed replacement, never when it comes from discovery.

Not reported, because the URL still differs per target:
- the API-server proxy form, which keeps the address fixed and puts the
  node in the path:
  `__address__: kubernetes.default.svc:443` with
  `__metrics_path__: /api/v1/nodes/${1}/proxy/metrics` from
  `__meta_kubernetes_node_name` (as the prometheus-community chart does);
- the blackbox/probe form, which copies the target into `__param_target`
  before pointing `__address__` at the exporter;
- jobs whose `keep` selects one object by name.

## Why is this bad?
Every discovered target scrapes the same endpoint: a `role: node` job with
`replacement: kubernetes.default.svc:9100` scrapes one address once per
node, stores the same data under every node's labels, and never reaches the
node exporters. The tutorial that does this meant the node's own IP.

## Example
```yaml
- job_name: node-exporter
  kubernetes_sd_configs: [{role: node}]
  relabel_configs:
    - target_label: __address__
      replacement: kubernetes.default.svc:9100
```

## Use instead
The node's IP with the exporter's port (the node role's `__address__` is
the node's address with the kubelet port):
```yaml
  relabel_configs:
    - source_labels: [__address__]
      regex: (.+):\\d+
      target_label: __address__
      replacement: ${1}:9100
```
or, through the API server, a fixed address with a per-node path:
```yaml
  relabel_configs:
    - target_label: __address__
      replacement: kubernetes.default.svc:443
    - source_labels: [__meta_kubernetes_node_name]
      regex: (.+)
      target_label: __metrics_path__
      replacement: /api/v1/nodes/${1}/proxy/metrics
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
- https://github.com/prometheus-community/helm-charts/blob/main/charts/prometheus/values.yaml
",
};

impl Rule for ScrapeAddressConstant {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for job in all_jobs(ctx) {
            if !job.many_targets() {
                continue;
            }
            let c = job.constants();
            let Some(w) = c.writer("__address__") else {
                continue;
            };
            if c.get("__metrics_path__").is_none() || c.params_vary {
                continue;
            }
            let address = match c.get("__address__") {
                Some(Same::Value(v)) if !v.is_empty() => v.clone(),
                Some(Same::Unknown) => "one address".into(),
                _ => continue,
            };
            let node = job.relabel[w.rule].node;
            let at = node.get("replacement").map_or(node.span, |n| n.span);
            let discovery = job.discovery();
            let help = if discovery.contains("node") {
                "build the address from each node: `source_labels: [__address__]`, \
                 `regex: (.+):\\d+`, `replacement: ${1}:9100`; or keep the API server's \
                 address and set `__metrics_path__: /api/v1/nodes/${1}/proxy/metrics` \
                 from `__meta_kubernetes_node_name`"
            } else {
                "build the address from each target's own `__address__` (or its IP \
                 label) with a capture group, or vary `__metrics_path__` or a \
                 `__param_*` label per target (as a proxy or probe job does)"
            };
            let which = if w.everywhere {
                "every target"
            } else {
                "every target its regex matches"
            };
            out.push(
                Finding::new(
                    &META,
                    job.file,
                    at,
                    format!(
                        "job {} ({discovery}) scrapes {which} at {address:?}: this rule writes \
                         the same __address__ for all of them and neither __metrics_path__ \
                         nor a __param_* label differs between them",
                        job.name()
                    ),
                )
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn run(sd: &str, rules: &str) -> Vec<(usize, String)> {
        let text = format!("scrape_configs:\n  - job_name: a\n{sd}    relabel_configs:\n{rules}");
        check(&ScrapeAddressConstant, &text)
    }

    const NODE: &str = "    kubernetes_sd_configs: [{role: node}]\n";

    #[test]
    fn a_fixed_address_for_every_node() {
        let got = run(
            NODE,
            "      - target_label: __address__\n        replacement: kubernetes.default.svc:9100\n",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 6);
        assert!(got[0].1.contains("role node"), "{}", got[0].1);
        // A regex every value matches, no group used.
        let got = run(NODE, "      - source_labels: [__address__]\n        regex: '.*'\n        target_label: __address__\n        replacement: node-exporter:9100\n");
        assert_eq!(got.len(), 1);
        // Only where the regex matches: still one address.
        let got = run(NODE, "      - source_labels: [__address__]\n        regex: '(.*):10250'\n        target_label: __address__\n        replacement: localhost:9100\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("its regex matches"));
    }

    #[test]
    fn proxy_and_probe_forms_are_fine() {
        let proxy = "      - target_label: __address__\n        replacement: kubernetes.default.svc:443\n      - source_labels: [__meta_kubernetes_node_name]\n        regex: (.+)\n        target_label: __metrics_path__\n        replacement: /api/v1/nodes/$1/proxy/metrics\n";
        assert!(run(NODE, proxy).is_empty());
        let probe = "      - source_labels: [__address__]\n        target_label: __param_target\n      - target_label: __address__\n        replacement: blackbox:9115\n";
        assert!(run(NODE, probe).is_empty());
        let params = "      - action: labelmap\n        regex: __meta_kubernetes_node_annotation_param_(.+)\n        replacement: __param_$1\n      - target_label: __address__\n        replacement: x:1\n";
        assert!(run(NODE, params).is_empty());
    }

    #[test]
    fn per_target_addresses_and_single_targets_are_fine() {
        let ip = "      - source_labels: [__address__]\n        regex: (.+):\\d+\n        target_label: __address__\n        replacement: ${1}:9100\n";
        assert!(run(NODE, ip).is_empty());
        let one = "    static_configs: [{targets: [a:1]}]\n";
        assert!(run(
            one,
            "      - target_label: __address__\n        replacement: b:2\n"
        )
        .is_empty());
        let named = "      - source_labels: [__meta_kubernetes_service_name]\n        regex: kube-state-metrics\n        action: keep\n      - target_label: __address__\n        replacement: ksm:8080\n";
        assert!(run("    kubernetes_sd_configs: [{role: service}]\n", named).is_empty());
        // A later rule makes the address per target again.
        let later = "      - target_label: __address__\n        replacement: x:1\n      - source_labels: [__meta_kubernetes_node_name]\n        target_label: __address__\n";
        assert!(run(NODE, later).is_empty());
    }
}
