use super::data;
use crate::coverage::why_not_all;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ScrapeNotCovered;

static META: RuleMeta = RuleMeta {
    id: "scrape-not-covered",
    severity: Severity::Warning,
    summary: "workload asks to be scraped but no scrape job in the input keeps it",
    explain: "\
## What it does
When manifests and Prometheus configs are linted together, kdm simulates
each workload's pods on placeholder nodes (and the endpoints of Services
selecting them), discovers them with every job's `kubernetes_sd_configs`
and runs the job's relabel rules. Roles pod, endpoints and endpointslice
find the pods themselves; node, service and ingress jobs and
`static_configs` reach them through their final address (a node's address
and a hostNetwork or hostPort port, a Service's DNS name or ClusterIP, an
Ingress host); blackbox-style probes (`__param_target`) are not scrapes.
This rule reports a workload that asks to be scraped but that no job keeps:
its pod template (or a Service selecting it) has the annotation
`prometheus.io/scrape: \"true\"`, or one of its ports is named like
`metrics`. The finding names, for every job, the rule that dropped it or why
the job never discovered it.

## Why is this bad?
The agent is deployed, its dashboards stay empty, and nobody notices until
they are needed. Typical causes: an annotation-driven job that expects a
different annotation, a port name the job's `keep` rule does not match, a
namespace the job does not watch, an endpoints job and no Service, or a
`role: node` job scraping `NODE_IP:9100` while the exporter listens only in
the pod network (no `hostNetwork`, no `hostPort`).

## Example
```yaml
# prometheus.yml keeps only pods annotated prometheus.io/scrape=true
spec:
  template:
    metadata:
      annotations:
        prometheus.io/scrape: \"ture\"
```

## Use instead
```yaml
spec:
  template:
    metadata:
      annotations:
        prometheus.io/scrape: \"true\"
```
`kdm relabel-sim --config prometheus.yml --manifests ds.yaml` shows every
job's verdict for every port.

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
",
};

impl Rule for ScrapeNotCovered {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = data(ctx) else {
            return;
        };
        let c = &data.coverage;
        for w in &c.workloads {
            let Some(why) = &w.asks_to_be_scraped else {
                continue;
            };
            if w.pods == 0 || !w.scraped_by().is_empty() {
                continue;
            }
            let o = &ctx.objects[w.object];
            // With monitors, the first broken link between them and the
            // workload comes first.
            let chain = ctx.operator.and_then(|g| {
                let workload = crate::k8s::Workload::from_object(*o)?;
                g.defined
                    .monitors
                    .first_broken_link(&ctx.objects, &workload, true)
            });
            let reasons: Vec<String> = chain.into_iter().chain(why_not_all(w, &c.jobs)).collect();
            let mut finding = Finding::new(
                &META,
                o.file,
                o.anchor(),
                format!(
                    "{} asks to be scraped ({why}) but no scrape job keeps it",
                    o.display_name()
                ),
            )
            .help(reasons.join("; "));
            // Point at the rules that dropped it.
            for port in &w.ports {
                for outcome in &port.jobs {
                    let Some(i) = outcome.dropped_by_rule.filter(|_| outcome.kept == 0) else {
                        continue;
                    };
                    let (file, job) = &data.jobs[outcome.job_index];
                    if let Some(rule) = job.relabel.iter().find(|r| r.index == i) {
                        finding = finding.related(
                            *file,
                            rule.span,
                            format!("job {} drops {} here", job.name, port.describe()),
                        );
                    }
                }
            }
            out.push(finding);
        }
    }
}
