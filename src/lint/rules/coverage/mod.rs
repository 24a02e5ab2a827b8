//! Rules of the `coverage` group: given workload manifests and Prometheus
//! configs together, simulate discovery (see `crate::coverage`) and check
//! that what asks to be scraped is scraped, exactly once.
mod scrape_duplicate;
mod scrape_duplicate_in_job;
mod scrape_job_keeps_nothing;
mod scrape_not_covered;

use crate::coverage::{analyze, Coverage};
use crate::lint::{Context, Rule};
use crate::prom::config::{parse_config, ConfigInput, ScrapeJob};

pub const RULES: &[&dyn Rule] = &[
    &scrape_not_covered::ScrapeNotCovered,
    &scrape_job_keeps_nothing::ScrapeJobKeepsNothing,
    &scrape_duplicate::ScrapeDuplicate,
    &scrape_duplicate_in_job::ScrapeDuplicateInJob,
];

/// Simulated nodes: enough to see per-node behaviour, few enough to stay fast.
const NODES: usize = 2;

/// The coverage analysis of a lint run, and where its jobs are.
pub struct Data {
    pub coverage: Coverage,
    /// The file of each job in `coverage.jobs`, and the job.
    pub jobs: Vec<(usize, ScrapeJob)>,
}

/// The analysis, when the input has both workloads and simulated jobs.
pub fn data<'c>(ctx: &'c Context<'_>) -> Option<&'c Data> {
    ctx.coverage
        .get_or_init(|| {
            let mut jobs = Vec::new();
            let mut configs = Vec::new();
            for (config, &(file, root)) in ctx.prometheus.iter().enumerate() {
                // Generated configs know where their rules were written.
                let generated = ctx.operator.and_then(|o| o.scrape_jobs(ctx.files, file));
                // Invalid configs are reported by relabel-config-invalid.
                let parsed = match generated {
                    Some(js) => Ok(ConfigInput::Jobs(js)),
                    None => parse_config(ctx.source(file), root, ctx.flavor),
                };
                if let Ok(ConfigInput::Jobs(js)) = parsed {
                    configs.extend(std::iter::repeat_n(config, js.len()));
                    jobs.extend(js.into_iter().map(|j| (file, j)));
                }
            }
            if jobs.is_empty() || ctx.workloads.is_empty() {
                return None;
            }
            let objects: Vec<serde_json::Value> =
                ctx.objects.iter().map(|o| o.node.to_json()).collect();
            let refs: Vec<&ScrapeJob> = jobs.iter().map(|(_, j)| j).collect();
            let mut coverage = analyze(&objects, &refs, NODES, ctx.flavor);
            for (summary, config) in coverage.jobs.iter_mut().zip(configs) {
                summary.config = config;
            }
            // A config with Kubernetes discovery is meant for the cluster;
            // one with only static targets is checked when they reach it.
            let reached = coverage
                .workloads
                .iter()
                .any(|w| w.ports.iter().any(|p| !p.jobs.is_empty()));
            if !coverage.jobs.iter().any(|j| !j.roles.is_empty()) && !reached {
                return None;
            }
            Some(Data { coverage, jobs })
        })
        .as_ref()
}
