use super::data;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ScrapeDuplicateInJob;

static META: RuleMeta = RuleMeta {
    id: "scrape-duplicate-in-job",
    severity: Severity::Info,
    summary: "two ports of one pod become the same target in one job",
    explain: "\
## What it does
When manifests and Prometheus configs are linted together (see
`scrape-not-covered` for how workloads are simulated), runs each job's
relabeling over every container port of every simulated pod and reports the
ports of one workload that end as identical targets in the same job: the
same labels, `__address__` included. The classic case is a `role: pod` job
that rewrites every port's address to the `prometheus.io/port` annotation:
a pod with two container ports gives two discovered targets with one
address.

## Why is this bad?
Prometheus keeps one of identical targets, so nothing is scraped twice (hence
`info`), but the job discovers targets it then discards: the target counts of the
service-discovery page and of `relabel-sim` do not match what is scraped,
and a rule meant to pick one port (or one container) is missing, so a
later change (another label per port) silently turns them into two scrapes
of the same endpoint.

## Example
```yaml
- job_name: kubernetes-pods          # the prometheus-community chart's job
  kubernetes_sd_configs: [{role: pod}]
  relabel_configs:
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
      action: keep
      regex: true
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port, __meta_kubernetes_pod_ip]
      regex: (\\d+);((([0-9]+?)(\\.|$)){4})
      replacement: $2:$1
      target_label: __address__
# on a pod annotated prometheus.io/port: \"9253\" with ports 53 and 9253
```

## Use instead
Keep only the annotated port (Prometheus 2.41 and later):
```yaml
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port]
      target_label: __tmp_port
    - source_labels: [__meta_kubernetes_pod_container_port_number]
      target_label: __tmp_port
      action: keepequal
```
(or keep by port name, e.g. `__meta_kubernetes_pod_container_port_name`
`metrics`).

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#pod
",
};

impl Rule for ScrapeDuplicateInJob {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = data(ctx) else {
            return;
        };
        let c = &data.coverage;
        for col in &c.collapsed {
            let wc = &c.workloads[col.workload];
            let o = &ctx.objects[wc.object];
            let (file, job) = &data.jobs[col.job_index];
            // Containers without ports all share the pod IP; only declared
            // ports are a choice the job failed to make.
            // One number under two protocols is one endpoint anyway.
            let declared: Vec<_> = col
                .ports
                .iter()
                .map(|&p| &wc.ports[p])
                .filter(|p| p.port.is_some())
                .collect();
            let mut numbers: Vec<i64> = declared.iter().filter_map(|p| p.port).collect();
            numbers.dedup();
            if numbers.len() < 2 {
                continue;
            }
            let ports: Vec<String> = declared.iter().map(|p| p.describe()).collect();
            out.push(
                Finding::new(
                    &META,
                    o.file,
                    o.anchor(),
                    format!(
                        "{} ports {} become one target in job {} (address {}): Prometheus \
                         keeps one of them",
                        o.display_name(),
                        ports.join(", "),
                        job.name,
                        col.address
                    ),
                )
                .related(
                    *file,
                    job.span,
                    format!("job {} relabels them alike", job.name),
                )
                .help(
                    "keep only the port to scrape in that job (by port number or name), or \
                     keep a label that tells the ports apart",
                ),
            );
        }
    }
}
