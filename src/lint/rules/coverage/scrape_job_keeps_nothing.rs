use super::data;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ScrapeJobKeepsNothing;

static META: RuleMeta = RuleMeta {
    id: "scrape-job-keeps-nothing",
    severity: Severity::Info,
    summary: "scrape job keeps none of the workloads in the input",
    explain: "\
## What it does
When manifests and Prometheus configs are linted together, reports a job
with a pod, endpoints or endpointslice `kubernetes_sd_configs` role that
keeps no target of the simulated workloads (see `scrape-not-covered` for
how they are simulated).

## Why is this bad?
Often it is expected: the job is for workloads that are not part of this
input (the API servers, another team's services). But when the input is the
set of workloads the job exists for, a job that keeps nothing means its
rules no longer match them: a renamed label, annotation or port. It is
reported as information so that it does not fail CI by default.

## Example
```yaml
- job_name: node-exporter
  kubernetes_sd_configs: [{role: pod}]
  relabel_configs:
    - source_labels: [__meta_kubernetes_pod_label_app]
      regex: node-exporter     # the DaemonSet labels its pods app.kubernetes.io/name
      action: keep
```

## Use instead
```yaml
    - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_name]
      regex: node-exporter
      action: keep
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
",
};

impl Rule for ScrapeJobKeepsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = data(ctx) else {
            return;
        };
        for j in data
            .coverage
            .jobs
            .iter()
            .filter(|j| j.discovers_pods() && j.kept == 0)
        {
            let (file, job) = &data.jobs[j.index];
            let message = if j.discovered == 0 {
                format!(
                    "job {} discovers none of the workloads in the input (role {})",
                    j.job,
                    j.role_names()
                )
            } else {
                format!(
                    "job {} keeps none of the {} target(s) simulated from the workloads in the input",
                    j.job, j.discovered
                )
            };
            out.push(Finding::new(&META, *file, job.span, message).help(
                "`kdm relabel-sim --config ... --manifests ...` shows which rule drops each target",
            ));
        }
    }
}
