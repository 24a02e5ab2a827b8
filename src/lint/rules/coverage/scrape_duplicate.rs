use super::data;
use crate::coverage::duplicates;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ScrapeDuplicate;

static META: RuleMeta = RuleMeta {
    id: "scrape-duplicate",
    severity: Severity::Warning,
    summary: "a workload's port is scraped by two or more jobs",
    explain: "\
## What it does
When manifests and Prometheus configs are linted together, reports a
container port that more than one job keeps (see `scrape-not-covered` for
how workloads are simulated), e.g. an annotation-driven pod job and an
endpoints job both scraping the same exporter.

## Why is this bad?
Every sample is ingested twice, under two `job` labels: double the series,
storage and scrape load, and sums or rates across jobs count everything
twice.

## Example
```yaml
- job_name: kubernetes-pods             # every pod port
  kubernetes_sd_configs: [{role: pod}]
- job_name: kubernetes-service-endpoints # every Service endpoint, again
  kubernetes_sd_configs: [{role: endpoints}]
```

## Use instead
Make the jobs disjoint, e.g. keep only annotated pods in one job and only
annotated Services in the other:
```yaml
relabel_configs:
  - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
    regex: \"true\"
    action: keep
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
",
};

impl Rule for ScrapeDuplicate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = data(ctx) else {
            return;
        };
        let c = &data.coverage;
        // One finding per workload and set of jobs, listing its ports.
        let mut groups: Vec<(usize, Vec<&str>, Vec<usize>)> = Vec::new();
        for (w, p, jobs) in duplicates(c) {
            match groups
                .iter_mut()
                .find(|(gw, gj, _)| *gw == w && *gj == jobs)
            {
                Some(g) => g.2.push(p),
                None => groups.push((w, jobs, vec![p])),
            }
        }
        for (w, jobs, ports) in groups {
            let wc = &c.workloads[w];
            let o = &ctx.objects[wc.object];
            let shown: Vec<String> = ports.iter().map(|&p| wc.ports[p].describe()).collect();
            let mut finding = Finding::new(
                &META,
                o.file,
                o.anchor(),
                format!(
                    "{} {} scraped by {} jobs: {}",
                    o.display_name(),
                    if ports.len() == 1 {
                        format!("port {} is", shown[0])
                    } else {
                        format!("ports {} are", shown.join(", "))
                    },
                    jobs.len(),
                    jobs.join(", ")
                ),
            )
            .help("keep each port in one job; otherwise every sample is stored twice");
            for outcome in wc.ports[ports[0]].jobs.iter().filter(|j| j.kept > 0) {
                let (file, job) = &data.jobs[outcome.job_index];
                finding = finding.related(*file, job.span, format!("job {} keeps it", job.name));
            }
            out.push(finding);
        }
    }
}
