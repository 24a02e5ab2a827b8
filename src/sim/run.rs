//! Runs targets (or series) through the selected jobs and streams the
//! report: results are rendered in parallel, chunk by chunk, and written in
//! input order, so memory stays bounded by the input, not the output.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use super::report::{self, Format};
use super::series::Series;
use super::targets::{Group, Targets};
use crate::diag::{Error, Result};
use crate::prom::config::{ConfigInput, ScrapeJob};
use crate::prom::target::populate_with;
use crate::relabel::{pair_get, process, to_pairs, Flavor, LabelBuilder, Labels, Rule, Step};

type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

#[derive(Debug, Clone)]
pub struct Options {
    pub flavor: Flavor,
    pub trace: bool,
    /// Only these jobs (all when empty).
    pub jobs: Vec<String>,
    /// SD role for Kubernetes objects run through a bare rule list.
    pub role: String,
}

/// One result in the stable JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimResult {
    pub job: Option<String>,
    pub discovered: Labels,
    pub relabeled: Option<Labels>,
    pub dropped_by_rule: Option<usize>,
    pub target: Option<Labels>,
    pub scrape_url: Option<String>,
    pub error: Option<String>,
    pub steps: Vec<Step>,
}

impl SimResult {
    pub fn outcome(&self) -> Outcome {
        if self.error.is_some() {
            Outcome::Failed
        } else if self.relabeled.is_some() {
            Outcome::Kept
        } else {
            Outcome::Dropped
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    Dropped,
    Failed,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub kept: usize,
    pub dropped: usize,
    pub failed: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.kept + self.dropped + self.failed
    }
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Kept => self.kept += 1,
            Outcome::Dropped => self.dropped += 1,
            Outcome::Failed => self.failed += 1,
        }
    }
    fn merge(&mut self, o: Counts) {
        self.kept += o.kept;
        self.dropped += o.dropped;
        self.failed += o.failed;
    }
}

#[derive(Debug, Clone)]
pub struct RuleRef {
    pub index: usize,
    pub action: &'static str,
    pub line: usize,
}

/// What the report says about a job (or a bare rule list).
#[derive(Debug, Clone)]
pub struct JobInfo {
    pub job: Option<String>,
    pub line: Option<usize>,
    /// `relabel_configs` or `metric_relabel_configs`.
    pub rules_key: &'static str,
    pub rules: Vec<RuleRef>,
    pub notes: Vec<String>,
}

impl JobInfo {
    /// The report header data of a job's `relabel_configs` (or, for
    /// `series`, its `metric_relabel_configs`).
    pub fn for_job(job: &ScrapeJob, series: bool) -> JobInfo {
        let (rules_key, rules) = if series {
            ("metric_relabel_configs", &job.metric_relabel)
        } else {
            ("relabel_configs", &job.relabel)
        };
        JobInfo {
            job: Some(job.name.clone()),
            line: Some(job.line),
            rules_key,
            rules: rule_refs(rules),
            notes: Vec::new(),
        }
    }

    pub fn is_series(&self) -> bool {
        self.rules_key == "metric_relabel_configs"
    }
}

fn rule_refs(rules: &[Rule]) -> Vec<RuleRef> {
    rules
        .iter()
        .map(|r| RuleRef {
            index: r.index,
            action: r.action.as_str(),
            line: r.line,
        })
        .collect()
}

/// A readable name for a discovered target (`pod ns/name container c port p`).
pub fn target_name(group: &[Pair<'_>], target: &[Pair<'_>], fallback: usize) -> String {
    let get = |k: &str| {
        pair_get(target, k)
            .or_else(|| pair_get(group, k))
            .unwrap_or("")
    };
    let ns = get("__meta_kubernetes_namespace");
    let addr = get("__address__");
    let port = {
        let name = [
            "__meta_kubernetes_pod_container_port_name",
            "__meta_kubernetes_endpoint_port_name",
            "__meta_kubernetes_endpointslice_port_name",
            "__meta_kubernetes_service_port_name",
        ]
        .iter()
        .map(|k| get(k))
        .find(|v| !v.is_empty())
        .unwrap_or("");
        match (name.is_empty(), addr.rsplit_once(':')) {
            (false, _) => format!(" port {name}"),
            (true, Some((_, p))) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                format!(" port {p}")
            }
            _ => String::new(),
        }
    };
    let pod = get("__meta_kubernetes_pod_name");
    if !pod.is_empty() {
        let container = get("__meta_kubernetes_pod_container_name");
        let c = if container.is_empty() {
            String::new()
        } else {
            format!(" container {container}")
        };
        return format!("pod {ns}/{pod}{c}{port}");
    }
    for (key, kind) in [
        ("__meta_kubernetes_endpoints_name", "endpoints"),
        ("__meta_kubernetes_endpointslice_name", "endpointslice"),
    ] {
        let v = get(key);
        if !v.is_empty() {
            return format!("{kind} {ns}/{v} {addr}");
        }
    }
    for (key, kind) in [
        ("__meta_kubernetes_node_name", "node"),
        ("__meta_kubernetes_service_name", "service"),
        ("__meta_kubernetes_ingress_name", "ingress"),
    ] {
        let v = get(key);
        if !v.is_empty() {
            let ns = if ns.is_empty() || kind == "node" {
                String::new()
            } else {
                format!("{ns}/")
            };
            let extra = if kind == "ingress" {
                format!(
                    " {}{}",
                    get("__meta_kubernetes_ingress_host"),
                    get("__meta_kubernetes_ingress_path")
                )
            } else {
                port.clone()
            };
            return format!("{kind} {ns}{v}{extra}");
        }
    }
    if !addr.is_empty() {
        return addr.to_string();
    }
    format!("target #{fallback}")
}

fn select_jobs<'a>(jobs: &'a [ScrapeJob], opts: &Options) -> Result<Vec<&'a ScrapeJob>> {
    for wanted in &opts.jobs {
        if !jobs.iter().any(|j| &j.name == wanted) {
            let names: Vec<_> = jobs.iter().map(|j| j.name.as_str()).collect();
            return Err(
                Error::plain(format!("job {wanted:?} not found in the config"))
                    .with_help(format!("jobs in the config: {}", names.join(", "))),
            );
        }
    }
    Ok(jobs
        .iter()
        .filter(|j| opts.jobs.is_empty() || opts.jobs.contains(&j.name))
        .collect())
}

fn static_groups(job: &ScrapeJob) -> Vec<Group<'static>> {
    job.static_groups
        .iter()
        .enumerate()
        .map(|(i, g)| Group {
            source: i.to_string(),
            labels: to_pairs(g.labels.iter().cloned().collect()),
            targets: g
                .targets
                .iter()
                .map(|t| vec![(Cow::Borrowed("__address__"), Cow::Owned(t.clone()))])
                .collect(),
        })
        .collect()
}

fn no_targets_note(job: &ScrapeJob) -> String {
    let mut sd: Vec<String> = job.other_sd.clone();
    if !job.kubernetes_sd.is_empty() {
        sd.push("kubernetes_sd_configs".into());
    }
    if !job.file_sd_files.is_empty() {
        sd.push("file_sd_configs".into());
    }
    if sd.is_empty() {
        "no static_configs targets; pass --targets".to_string()
    } else {
        format!(
            "targets come from {}; pass them with --targets",
            sd.join(", ")
        )
    }
}

/// The target groups a job sees, and notes about where they came from.
fn job_groups<'t, 'a>(
    job: &ScrapeJob,
    targets: Option<&'t Targets<'a>>,
) -> Result<(Cow<'t, [Group<'a>]>, Vec<String>)> {
    let mut notes = Vec::new();
    let groups = match targets {
        None => {
            if job.static_groups.is_empty() {
                notes.push(no_targets_note(job));
            }
            Cow::Owned(static_groups(job))
        }
        Some(Targets::Groups(g)) => Cow::Borrowed(g.as_slice()),
        Some(Targets::Api(t)) => Cow::Owned(vec![Group {
            source: "api".into(),
            labels: Vec::new(),
            targets: t
                .iter()
                .filter(|(j, _)| j == &job.name)
                .map(|(_, l)| to_pairs(l.clone()))
                .collect(),
        }]),
        Some(Targets::Kubernetes(objects)) => {
            if job.kubernetes_sd.is_empty() {
                notes.push(
                    "no kubernetes_sd_configs: Kubernetes objects do not apply to this job".into(),
                );
                Cow::Owned(Vec::new())
            } else {
                let mut all = Vec::new();
                for sd in &job.kubernetes_sd {
                    if sd.own_namespace {
                        notes.push(
                            "namespaces.own_namespace cannot be known offline; treated as not set"
                                .into(),
                        );
                    }
                    let groups = super::kube::groups_for_sd(sd, objects)?;
                    let empty: Vec<&str> = groups
                        .iter()
                        .filter(|g| g.targets.is_empty())
                        .map(|g| g.source.as_str())
                        .collect();
                    if !empty.is_empty() {
                        let why = match sd.role.as_str() {
                            "pod" => "pods without status.podIP (not running yet) give no targets",
                            "service" => "services without ports give no targets",
                            "endpoints" | "endpointslice" => "these have no addresses",
                            "ingress" => "ingress rules with an empty paths list give no targets",
                            _ => "they give no targets",
                        };
                        notes.push(format!(
                            "{} {} object(s) discovered without targets ({}): {why}",
                            empty.len(),
                            sd.role,
                            summarize(&empty),
                        ));
                    }
                    all.extend(groups);
                }
                Cow::Owned(all)
            }
        }
    };
    Ok((groups, notes))
}

/// The first few names of a list, then a count.
fn summarize(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    let mut s = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(", and {} more", names.len() - SHOWN));
    }
    s
}

fn run_rules(job: Option<&str>, rules: &[Rule], labels: &Labels, opts: &Options) -> SimResult {
    let discovered: Labels = labels
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut lb = LabelBuilder::from_sorted(&discovered);
    let outcome = process(rules, &mut lb, opts.flavor, opts.trace);
    SimResult {
        job: job.map(str::to_string),
        relabeled: outcome.dropped_by.is_none().then(|| lb.labels()),
        discovered,
        dropped_by_rule: outcome.dropped_by,
        target: None,
        scrape_url: None,
        error: None,
        steps: outcome.steps,
    }
}

/// Every (group labels, target labels) pair, in input order.
fn group_targets<'g, 'a>(groups: &'g [Group<'a>]) -> Vec<(&'g [Pair<'a>], &'g [Pair<'a>])> {
    groups
        .iter()
        .flat_map(|g| {
            g.targets
                .iter()
                .map(move |t| (g.labels.as_slice(), t.as_slice()))
        })
        .collect()
}

/// Where results go: the format, and the writer with its JSON comma state.
pub struct Sink<'w> {
    out: &'w mut dyn Write,
    format: Format,
    wrote_result: bool,
    pub counts: Counts,
    jobs: usize,
    any_series: bool,
    only_rule_list: bool,
}

impl<'w> Sink<'w> {
    pub fn new(out: &'w mut dyn Write, format: Format) -> Self {
        Sink {
            out,
            format,
            wrote_result: false,
            counts: Counts::default(),
            jobs: 0,
            any_series: false,
            only_rule_list: true,
        }
    }

    fn write(&mut self, s: &str) -> Result<()> {
        self.out
            .write_all(s.as_bytes())
            .map_err(|e| Error::plain(format!("cannot write output: {e}")))
    }

    fn begin(&mut self) -> Result<()> {
        match self.format {
            Format::Json => self.write("{\"results\": ["),
            Format::Yaml => self.write("results:"),
            Format::Text { .. } => Ok(()),
        }
    }

    fn end(&mut self) -> Result<()> {
        match self.format {
            Format::Json => {
                let close = if self.wrote_result { "\n]}\n" } else { "]}\n" };
                self.write(close)
            }
            Format::Yaml => {
                if self.wrote_result {
                    Ok(())
                } else {
                    self.write(" []\n")
                }
            }
            Format::Text { color } => {
                let s = report::text_summary(
                    self.jobs,
                    self.only_rule_list,
                    self.any_series,
                    self.counts,
                    color,
                );
                self.write(&s)
            }
        }
    }

    /// Renders and writes one job's results, in parallel chunks.
    fn job<T: Sync>(
        &mut self,
        info: &JobInfo,
        items: &[T],
        eval: impl Fn(&T) -> SimResult + Sync,
        name: impl Fn(usize, &T) -> String + Sync,
    ) -> Result<()> {
        self.jobs += 1;
        self.any_series |= info.is_series();
        self.only_rule_list &= info.job.is_none();
        if let Format::Text { color } = self.format {
            let s = report::text_job_header(info, color);
            self.write(&s)?;
        }
        let format = self.format;
        let render = |start: usize, chunk: &[T]| -> (String, Counts) {
            let mut out = String::new();
            let mut counts = Counts::default();
            for (i, item) in chunk.iter().enumerate() {
                let result = eval(item);
                counts.add(result.outcome());
                match format {
                    // Only the text report shows a name for each input.
                    Format::Text { color } => {
                        let name = name(start + i, item);
                        out.push_str(&report::text_entry(info, &name, &result, color))
                    }
                    Format::Json => {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str("\n  ");
                        out.push_str(&report::json_result(&result));
                    }
                    Format::Yaml => out.push_str(&report::yaml_result(&result)),
                }
            }
            (out, counts)
        };
        let mut job_counts = Counts::default();
        for_each_chunk_ordered(items, render, |chunk_out, counts| {
            if chunk_out.is_empty() {
                return Ok(());
            }
            if self.format == Format::Json && self.wrote_result {
                self.write(",")?;
            }
            self.wrote_result = true;
            job_counts.merge(counts);
            self.write(&chunk_out)
        })?;
        self.counts.merge(job_counts);
        if let Format::Text { color } = self.format {
            let s = report::text_job_footer(info, job_counts, color);
            self.write(&s)?;
        }
        Ok(())
    }
}

const CHUNK: usize = 2048;

/// Maps chunks of `items` on all cores and hands the results to `sink` in
/// input order, a window of chunks at a time.
fn for_each_chunk_ordered<T: Sync>(
    items: &[T],
    render: impl Fn(usize, &[T]) -> (String, Counts) + Sync,
    mut sink: impl FnMut(String, Counts) -> Result<()>,
) -> Result<()> {
    let threads = crate::worker_threads();
    let chunks: Vec<(usize, &[T])> = items
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, c)| (i * CHUNK, c))
        .collect();
    for window in chunks.chunks(threads) {
        let outputs: Vec<(String, Counts)> = if window.len() == 1 || threads == 1 {
            window.iter().map(|(s, c)| render(*s, c)).collect()
        } else {
            std::thread::scope(|scope| {
                let render = &render;
                let handles: Vec<_> = window[1..]
                    .iter()
                    .map(|(s, c)| scope.spawn(move || render(*s, c)))
                    .collect();
                let mut outs = vec![render(window[0].0, window[0].1)];
                for h in handles {
                    match h.join() {
                        Ok(r) => outs.push(r),
                        Err(p) => std::panic::resume_unwind(p),
                    }
                }
                outs
            })
        };
        for (out, counts) in outputs {
            sink(out, counts)?;
        }
    }
    Ok(())
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
                    labels: Vec::new(),
                    targets: t.iter().map(|(_, l)| to_pairs(l.clone())).collect(),
                }]),
                Targets::Kubernetes(objects) => {
                    Cow::Owned(super::kube::groups_for_role(&opts.role, objects)?)
                }
            };
            let items = group_targets(&groups);
            let info = JobInfo {
                job: None,
                line: None,
                rules_key: "relabel_configs",
                rules: rule_refs(rules),
                notes: Vec::new(),
            };
            sink.job(
                &info,
                &items,
                |(group, target)| {
                    let mut merged: Labels = group
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    merged.extend(target.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                    run_rules(None, rules, &merged, opts)
                },
                |i, (group, target)| target_name(group, target, i),
            )?;
        }
        ConfigInput::Jobs(jobs) => {
            let detail = !matches!(sink.format, Format::Text { .. });
            for job in select_jobs(jobs, opts)? {
                let (groups, notes) = job_groups(job, targets)?;
                let items = group_targets(&groups);
                let info = JobInfo {
                    job: Some(job.name.clone()),
                    line: Some(job.line),
                    rules_key: "relabel_configs",
                    rules: rule_refs(&job.relabel),
                    notes,
                };
                sink.job(
                    &info,
                    &items,
                    |(group, target)| {
                        let r = populate_with(job, target, group, opts.flavor, opts.trace, detail);
                        SimResult {
                            job: Some(job.name.clone()),
                            discovered: r.discovered,
                            relabeled: r.relabeled,
                            dropped_by_rule: r.dropped_by_rule,
                            target: r.target,
                            scrape_url: r.scrape_url,
                            error: r.error,
                            steps: r.steps,
                        }
                    },
                    |i, (group, target)| target_name(group, target, i),
                )?;
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
        ConfigInput::Jobs(jobs) => select_jobs(jobs, opts)?
            .into_iter()
            .map(|j| (Some(j), j.metric_relabel.as_slice()))
            .collect(),
    };
    for (job, rules) in jobs {
        let info = JobInfo {
            job: job.map(|j| j.name.clone()),
            line: job.map(|j| j.line),
            rules_key: "metric_relabel_configs",
            rules: rule_refs(rules),
            notes: Vec::new(),
        };
        sink.job(
            &info,
            series,
            |s| {
                let mut result = run_rules(job.map(|j| j.name.as_str()), rules, &s.labels, opts);
                // An empty label set after relabeling also drops the series.
                if result.relabeled.as_ref().is_some_and(Labels::is_empty) {
                    result.relabeled = None;
                }
                result
            },
            |_, s| format!("line {}: {}", s.line, report::fmt_labels(&s.labels, true)),
        )?;
    }
    sink.end()
}

/// Every target of one job with its readable name and traced result, in
/// discovery order (for `kdm test`).
pub fn job_results(
    job: &ScrapeJob,
    targets: &Targets,
    flavor: Flavor,
) -> Result<Vec<(String, SimResult)>> {
    let (groups, _) = job_groups(job, Some(targets))?;
    Ok(group_targets(&groups)
        .into_iter()
        .enumerate()
        .map(|(i, (group, target))| {
            let r = populate_with(job, target, group, flavor, true, true);
            let result = SimResult {
                job: Some(job.name.clone()),
                discovered: r.discovered,
                relabeled: r.relabeled,
                dropped_by_rule: r.dropped_by_rule,
                target: r.target,
                scrape_url: r.scrape_url,
                error: r.error,
                steps: r.steps,
            };
            (target_name(group, target, i), result)
        })
        .collect())
}

/// Every series through one job's `metric_relabel_configs`, traced.
pub fn series_results(
    job: &ScrapeJob,
    series: &[Series],
    flavor: Flavor,
) -> Vec<(String, SimResult)> {
    let opts = Options {
        flavor,
        trace: true,
        jobs: Vec::new(),
        role: String::new(),
    };
    series
        .iter()
        .map(|s| {
            let mut r = run_rules(Some(&job.name), &job.metric_relabel, &s.labels, &opts);
            if r.relabeled.as_ref().is_some_and(Labels::is_empty) {
                r.relabeled = None;
            }
            (report::fmt_labels(&s.labels, true), r)
        })
        .collect()
}
