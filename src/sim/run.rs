//! Runs targets (or series) through the selected jobs and streams the
//! report through a [`Sink`]: results are rendered in parallel, chunk by
//! chunk, and written in input order, so memory stays bounded by the input,
//! not the output.

use std::borrow::Cow;

use super::groups::{group_targets, job_groups, select_jobs};
use super::name::target_name;
use super::report;
use super::result::{rule_refs, JobInfo, TargetResult, WriteInfo, WriteStage};
use super::scrape::{job_target_labels, merge_target};
use super::series::Series;
use super::sink::Sink;
use super::targets::{kubernetes_groups, Group, GroupLabels, Targets};
use crate::diag::{Error, Result};
use crate::k8s_sd::{Role, SdConfig};
use crate::prom::config::{ConfigInput, RemoteWrite, ScrapeJob};
use crate::prom::matchers::TargetFilter;
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
    /// `--target`: the discovered targets reported (all when empty).
    pub select: TargetFilter,
    /// `--remote-write`: series kept by a job also go through this remote
    /// write's `write_relabel_configs`.
    pub write: Option<RemoteWrite>,
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
        remote_write: None,
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
            let (items, notes) = selected(group_targets(&groups), &opts.select);
            let info = JobInfo {
                job: None,
                line: None,
                origin: None,
                rules_key: "relabel_configs",
                rules: rule_refs(rules),
                notes,
                write: None,
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
                let (groups, mut notes) = job_groups(job, targets)?;
                let (items, selected_note) = selected(group_targets(&groups), &opts.select);
                notes.extend(selected_note);
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

type Item<'g, 'a> = (&'g GroupLabels<'a>, &'g [(Cow<'a, str>, Cow<'a, str>)]);

/// The items `select` keeps (all without `--target`), and a note saying
/// how many it kept.
fn selected<'g, 'a>(
    items: Vec<Item<'g, 'a>>,
    select: &TargetFilter,
) -> (Vec<Item<'g, 'a>>, Vec<String>) {
    if select.is_empty() {
        return (items, Vec::new());
    }
    let total = items.len();
    let kept: Vec<Item<'g, 'a>> = items
        .into_iter()
        .filter(|(group, target)| {
            let group = group.pairs();
            select.matches(|name| {
                crate::relabel::pair_get(target, name)
                    .or_else(|| crate::relabel::pair_get(&group, name))
            })
        })
        .collect();
    let note = format!(
        "--target selects {} of {total} discovered targets",
        kept.len()
    );
    (kept, vec![note])
}

/// Runs sample series through `metric_relabel_configs` (or bare rules),
/// each merged with the labels of every target the job keeps, as the scrape
/// loop does.
pub fn run_series(
    config: &ConfigInput,
    series: &[Series],
    targets: Option<&Targets<'_>>,
    opts: &Options,
    sink: &mut Sink<'_>,
) -> Result<()> {
    sink.begin()?;
    match config {
        ConfigInput::Rules(rules) => {
            let info = JobInfo {
                job: None,
                line: None,
                origin: None,
                rules_key: "metric_relabel_configs",
                rules: rule_refs(rules),
                notes: Vec::new(),
                write: opts.write.as_ref().map(WriteInfo::new),
            };
            sink.job(&info, series, |_, s, named, emit| {
                let name = if named {
                    series_name(s, None)
                } else {
                    String::new()
                };
                emit(&name, &series_result(rules, &s.labels, opts));
            })?;
        }
        ConfigInput::Jobs(jobs) => {
            for job in select_jobs(jobs, &opts.jobs)? {
                let (target_labels, note) = job_target_labels(job, targets, opts.flavor)?;
                let info = JobInfo {
                    notes: note.into_iter().collect(),
                    write: opts.write.as_ref().map(WriteInfo::new),
                    ..JobInfo::for_job(job, true)
                };
                let items: Vec<(&Series, &Labels)> = series
                    .iter()
                    .flat_map(|s| target_labels.iter().map(move |t| (s, t)))
                    .collect();
                let many = target_labels.len() > 1;
                sink.job(&info, &items, |_, (s, t), named, emit| {
                    let merged = merge_target(&s.labels, t, job.honor_labels);
                    let name = if named {
                        series_name(s, many.then_some(*t))
                    } else {
                        String::new()
                    };
                    emit(&name, &series_result(&job.metric_relabel, &merged, opts));
                })?;
            }
        }
    }
    sink.end()
}

/// `line N: series` (`from instance` when a job has several targets).
fn series_name(s: &Series, target: Option<&Labels>) -> String {
    let mut name = format!("line {}: {}", s.line, report::fmt_labels(&s.labels, true));
    if let Some(instance) = target.and_then(|t| t.get("instance")) {
        name.push_str(&format!(" from {instance}"));
    }
    name
}

fn series_result<'a>(rules: &[Rule], labels: &'a Labels, opts: &Options) -> TargetResult<'a> {
    let mut result = relabel_series(rules, labels, opts);
    if let (Some(write), Some(stored)) = (&opts.write, &result.relabeled) {
        // The series as stored, through the remote write's rules.
        let stored = stored.to_labels();
        let sent = relabel_series(&write.rules, &stored, opts);
        result.remote_write = Some(Box::new(WriteStage {
            name: write.name.clone(),
            index: write.index,
            relabeled: sent.relabeled.map(SortedLabels::into_owned),
            dropped_by_rule: sent.dropped_by_rule,
            error: sent.error,
            steps: sent.steps,
        }));
    }
    result
}

fn relabel_series<'a>(rules: &[Rule], labels: &'a Labels, opts: &Options) -> TargetResult<'a> {
    let mut result = run_rules(rules, labels, opts);
    // An empty label set after relabeling also drops the series.
    if result
        .relabeled
        .as_ref()
        .is_some_and(SortedLabels::is_empty)
    {
        result.relabeled = None;
    }
    result
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

/// Every series through one job's `metric_relabel_configs`, merged with the
/// labels of each target the job keeps (of `targets`, or its
/// `static_configs`), traced.
pub fn series_results(
    job: &ScrapeJob,
    series: &[Series],
    targets: Option<&Targets<'_>>,
    flavor: Flavor,
) -> Result<Vec<(String, TargetResult<'static>)>> {
    let opts = Options {
        flavor,
        trace: true,
        jobs: Vec::new(),
        role: Role::Pod,
        select: TargetFilter::default(),
        write: None,
    };
    let (target_labels, _) = job_target_labels(job, targets, flavor)?;
    let many = target_labels.len() > 1;
    let mut out = Vec::new();
    for s in series {
        for t in &target_labels {
            let merged = merge_target(&s.labels, t, job.honor_labels);
            let r = series_result(&job.metric_relabel, &merged, &opts).into_owned();
            let mut name = report::fmt_labels(&s.labels, true);
            if let Some(instance) = t.get("instance").filter(|_| many) {
                name.push_str(&format!(" from {instance}"));
            }
            out.push((name, r));
        }
    }
    Ok(out)
}
