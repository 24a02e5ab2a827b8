use super::jobs;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct JobNameDuplicate;

static META: RuleMeta = RuleMeta {
    id: "job-name-duplicate",
    severity: Severity::Error,
    summary: "two scrape configs have the same job_name",
    explain: "\
## What it does
Finds scrape configs in one Prometheus configuration that share a `job_name`.

## Why is this bad?
Prometheus refuses to load the file (`found multiple scrape configs with job
name \"...\"`). Job names key the scrape pools and become the `job` label, so
they must be unique; copying a job to make a variant is the usual cause.

## Example
```yaml
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs: [{role: pod}]
  - job_name: kubernetes-pods
    scrape_interval: 5m
    kubernetes_sd_configs: [{role: pod}]
```

## Use instead
```yaml
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs: [{role: pod}]
  - job_name: kubernetes-pods-slow
    scrape_interval: 5m
    kubernetes_sd_configs: [{role: pod}]
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
",
};

impl Rule for JobNameDuplicate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        // A config and the files its scrape_config_files include share one
        // set of job names, as in Prometheus.
        let mut configs: std::collections::BTreeMap<usize, Vec<(usize, &Node)>> =
            Default::default();
        // Each config by its place in ctx.prometheus (documents of one file
        // are separate configs); an included file joins its includer's.
        for (at, &(file, root)) in ctx.prometheus.iter().enumerate() {
            let includer = ctx.files[file].included_by.and_then(|owner| {
                ctx.prometheus
                    .iter()
                    .position(|(f, r)| *f == owner && r.get("scrape_config_files").is_some())
            });
            configs
                .entry(includer.unwrap_or(at))
                .or_default()
                .push((file, root));
        }
        for parts in configs.values() {
            let mut seen: Vec<(&str, usize, &Node)> = Vec::new();
            for &(file, root) in parts {
                for job in jobs(root) {
                    let Some(node) = job.get("job_name") else {
                        continue;
                    };
                    let Some(name) = node.as_str().filter(|n| !n.is_empty()) else {
                        continue;
                    };
                    match seen.iter().find(|(n, _, _)| *n == name) {
                        Some((_, first_file, first)) => out.push(
                            Finding::new(
                                &META,
                                file,
                                node.span,
                                format!("found multiple scrape configs with job name {name:?}"),
                            )
                            .related(*first_file, first.span, "first defined here")
                            .help("give each scrape config its own job_name"),
                        ),
                        None => seen.push((name, file, node)),
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

    #[test]
    fn later_duplicates_are_reported() {
        let got = check(
            &JobNameDuplicate,
            "scrape_configs:\n  - job_name: a\n  - job_name: b\n  - job_name: a\n  - job_name: 'a'\n",
        );
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![4, 5]);
    }

    #[test]
    fn separate_documents_are_separate_configs() {
        let got = check(
            &JobNameDuplicate,
            "scrape_configs:\n  - job_name: a\n---\nscrape_configs:\n  - job_name: a\n",
        );
        assert!(got.is_empty());
    }
}
