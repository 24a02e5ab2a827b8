//! Runs targets (or series) through the selected jobs and streams the
//! report through a [`Sink`]: results are rendered in parallel, chunk by
//! chunk, and written in input order, so memory stays bounded by the input,
//! not the output.

use std::borrow::Cow;

use super::groups::{group_targets, job_groups, select_jobs};
use super::name::target_name;
use super::report;
use super::result::{rule_refs, JobInfo, TargetResult};
use super::series::Series;
use super::sink::Sink;
use super::targets::{kubernetes_groups, Group, GroupLabels, Targets};
use crate::diag::{Error, Result};
use crate::k8s_sd::{Role, SdConfig};
use crate::prom::config::{ConfigInput, ScrapeJob};
use crate::prom::target::populate_with;
use crate::relabel::{process, to_pairs, Flavor, LabelBuilder, Labels, Rule, SortedLabels};

#[derive(Debug, Clone)]
pub struct Options {
    pub flavor: Flavor,
    pub trace: bool,
    /// Only these jobs (all when empty).
    pub jobs: Vec<String>,
    /// SD role for Kubernetes objects run through a bare rule list.
    pub role: Role,
}

/// Relabeling alone, without target population (bare rule lists, series).
fn run_rules<'a>(rules: &[Rule], labels: &'a Labels, opts: &Options) -> TargetResult<'a> {
    // The builder leaves out empty values, as discovery does.
    let mut lb = LabelBuilder::from_sorted(labels);
    let discovered = lb.sorted();
    let outcome = process(rules, &mut lb, opts.flavor, opts.trace);
    let kept = outcome.dropped_by.is_none() && outcome.error.is_none();
    TargetResult {
        relabeled: kept.then(|| lb.into_sorted()),
        discovered,
        dropped_by_rule: outcome.dropped_by,
        target: None,
        scrape_url: None,
        error: outcome.error,
        steps: outcome.steps,
    }
}

/// Runs discovered targets through each selected job (or a bare rule list).
pub fn run_targets(
    config: &ConfigInput,
    targets: Option<&Targets>,
    opts: &Options,
    sink: &mut Sink<'_>,
) -> Result<()> {
    sink.begin()?;
    match config {
        ConfigInput::Rules(rules) => {
            let Some(targets) = targets else {
                return Err(Error::plain(
                    "a bare list of relabel rules needs --targets (or --series)",
                ));
            };
            let groups: Cow<'_, [Group<'_>]> = match targets {
                Targets::Groups(g) => Cow::Borrowed(g.as_slice()),
                Targets::Api(t) => Cow::Owned(vec![Group {
                    source: "api".into(),
                    labels: GroupLabels::default(),
                    targets: t.iter().map(|(_, l)| to_pairs(l.clone())).collect(),
                }]),
                Targets::Kubernetes(objects) => {
                    Cow::Owned(kubernetes_groups(objects, &SdConfig::new(opts.role))?)
                }
            };
            let items = group_targets(&groups);
            let info = JobInfo {
                job: None,
                line: None,
                origin: None,
                rules_key: "relabel_configs",
                rules: rule_refs(rules),
                notes: Vec::new(),
            };
            sink.job(&info, &items, |i, (group, target), named, emit| {
                let group = group.pairs();
                let mut merged: Labels = group
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                merged.extend(target.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                let name = if named {
                    target_name(&group, target, i)
                } else {
                    String::new()
                };
                emit(&name, &run_rules(rules, &merged, opts));
            })?;
        }
        ConfigInput::Jobs(jobs) => {
            let detail = sink.format != crate::report::Format::Human;
            for job in select_jobs(jobs, &opts.jobs)? {
                let (groups, notes) = job_groups(job, targets)?;
                let items = group_targets(&groups);
                let info = JobInfo {
                    notes,
                    ..JobInfo::for_job(job, false)
                };
                sink.job(&info, &items, |i, (group, target), named, emit| {
                    let group = group.pairs();
                    let r = populate_with(job, target, &group, opts.flavor, opts.trace, detail);
                    let name = if named {
                        target_name(&group, target, i)
                    } else {
                        String::new()
                    };
                    emit(&name, &r);
                })?;
            }
        }
    }
    sink.end()
}

/// Runs sample series through `metric_relabel_configs` (or bare rules).
pub fn run_series(
    config: &ConfigInput,
    series: &[Series],
    opts: &Options,
    sink: &mut Sink<'_>,
) -> Result<()> {
    sink.begin()?;
    let jobs: Vec<(Option<&ScrapeJob>, &[Rule])> = match config {
        ConfigInput::Rules(rules) => vec![(None, rules.as_slice())],
        ConfigInput::Jobs(jobs) => select_jobs(jobs, &opts.jobs)?
            .into_iter()
            .map(|j| (Some(j), j.metric_relabel.as_slice()))
            .collect(),
    };
    for (job, rules) in jobs {
        let info = JobInfo {
            job: job.map(|j| j.name.clone()),
            line: job.map(|j| j.line),
            origin: job.and_then(|j| j.origin.as_deref().cloned()),
            rules_key: "metric_relabel_configs",
            rules: rule_refs(rules),
            notes: Vec::new(),
        };
        sink.job(&info, series, |_, s, named, emit| {
            let mut result = run_rules(rules, &s.labels, opts);
            // An empty label set after relabeling also drops the series.
            if result
                .relabeled
                .as_ref()
                .is_some_and(SortedLabels::is_empty)
            {
                result.relabeled = None;
            }
            let name = if named {
                format!("line {}: {}", s.line, report::fmt_labels(&s.labels, true))
            } else {
                String::new()
            };
            emit(&name, &result);
        })?;
    }
    sink.end()
}

/// Every target of one job with its readable name and traced result, in
/// discovery order (for `kdm test`).
pub fn job_results(
    job: &ScrapeJob,
    targets: &Targets,
    flavor: Flavor,
) -> Result<Vec<(String, TargetResult<'static>)>> {
    let (groups, _) = job_groups(job, Some(targets))?;
    Ok(group_targets(&groups)
        .into_iter()
        .enumerate()
        .map(|(i, (group, target))| {
            let group = group.pairs();
            let r = populate_with(job, target, &group, flavor, true, true).into_owned();
            (target_name(&group, target, i), r)
        })
        .collect())
}

/// Every series through one job's `metric_relabel_configs`, traced.
pub fn series_results(
    job: &ScrapeJob,
    series: &[Series],
    flavor: Flavor,
) -> Vec<(String, TargetResult<'static>)> {
    let opts = Options {
        flavor,
        trace: true,
        jobs: Vec::new(),
        role: Role::Pod,
    };
    series
        .iter()
        .map(|s| {
            let mut r = run_rules(&job.metric_relabel, &s.labels, &opts).into_owned();
            if r.relabeled.as_ref().is_some_and(SortedLabels::is_empty) {
                r.relabeled = None;
            }
            (report::fmt_labels(&s.labels, true), r)
        })
        .collect()
}
