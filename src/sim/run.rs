//! Runs targets (or series) through the selected jobs and streams the
//! report: results are rendered in parallel, chunk by chunk, and written in
//! input order, so memory stays bounded by the input, not the output.

use std::borrow::Cow;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::report::{self, Format};
use super::result::{rule_refs, Counts, JobInfo, TargetResult};
use super::series::Series;
use super::targets::{kubernetes_groups, Group, GroupLabels, Targets};
use crate::diag::{Error, Result};
use crate::k8s_sd::{Role, SdConfig};
use crate::prom::config::{ConfigInput, ScrapeJob};
use crate::prom::target::populate_with;
use crate::relabel::{pair_get, process, to_pairs, Flavor, LabelBuilder, Labels, Rule};

type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

#[derive(Debug, Clone)]
pub struct Options {
    pub flavor: Flavor,
    pub trace: bool,
    /// Only these jobs (all when empty).
    pub jobs: Vec<String>,
    /// SD role for Kubernetes objects run through a bare rule list.
    pub role: Role,
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
            labels: GroupLabels::Pairs(to_pairs(g.labels.iter().cloned().collect())),
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
            labels: GroupLabels::default(),
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
                    let groups = kubernetes_groups(objects, &sd.config)?;
                    let empty: Vec<&str> = groups
                        .iter()
                        .filter(|g| g.targets.is_empty())
                        .map(|g| g.source.as_str())
                        .collect();
                    if !empty.is_empty() {
                        let why = match sd.config.role {
                            Role::Pod => {
                                "pods without status.podIP (not running yet) give no targets"
                            }
                            Role::Service => "services without ports give no targets",
                            Role::Endpoints | Role::EndpointSlice => "these have no addresses",
                            Role::Ingress => {
                                "ingress rules with an empty paths list give no targets"
                            }
                            Role::Node => "they give no targets",
                        };
                        notes.push(format!(
                            "{} {} object(s) discovered without targets ({}): {why}",
                            empty.len(),
                            sd.config.role,
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

fn run_rules(rules: &[Rule], labels: &Labels, opts: &Options) -> TargetResult {
    let discovered: Labels = labels
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut lb = LabelBuilder::from_sorted(&discovered);
    let outcome = process(rules, &mut lb, opts.flavor, opts.trace);
    TargetResult {
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
fn group_targets<'g, 'a>(groups: &'g [Group<'a>]) -> Vec<(&'g GroupLabels<'a>, &'g [Pair<'a>])> {
    groups
        .iter()
        .flat_map(|g| g.targets.iter().map(move |t| (&g.labels, t.as_slice())))
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

    /// Renders and writes one job's results, in parallel chunks. `eval`
    /// gets an item's index and whether the report shows names, and returns
    /// the name (empty when not wanted) and the result.
    fn job<T: Sync>(
        &mut self,
        info: &JobInfo,
        items: &[T],
        eval: impl Fn(usize, &T, bool) -> (String, TargetResult) + Sync,
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
            // Only the text report shows a name for each input.
            let named = matches!(format, Format::Text { .. });
            for (i, item) in chunk.iter().enumerate() {
                let (name, result) = eval(start + i, item, named);
                counts.add(result.outcome());
                match format {
                    Format::Text { color } => {
                        out.push_str(&report::text_entry(info, &name, &result, color))
                    }
                    Format::Json => {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str("\n  ");
                        out.push_str(&report::json_result(info.job.as_deref(), &result));
                    }
                    Format::Yaml => {
                        out.push_str(&report::yaml_result(info.job.as_deref(), &result))
                    }
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

/// Stops the other workers when one panics: they would otherwise wait
/// forever for the writer to pass the chunk that never came.
struct StopOnPanic<'a>(&'a Mutex<Option<usize>>, &'a Condvar);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
            self.1.notify_all();
        }
    }
}

/// Maps chunks of `items` on all cores and hands the results to `sink` in
/// input order. Workers take the next chunk as soon as they finish one, but
/// stay at most a few chunks ahead of the writer, so memory stays bounded.
fn for_each_chunk_ordered<T: Sync>(
    items: &[T],
    render: impl Fn(usize, &[T]) -> (String, Counts) + Sync,
    mut sink: impl FnMut(String, Counts) -> Result<()>,
) -> Result<()> {
    let threads = crate::worker_threads();
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    if threads == 1 || chunks.len() <= 1 {
        for (i, c) in chunks.iter().enumerate() {
            let (out, counts) = render(i * CHUNK, c);
            sink(out, counts)?;
        }
        return Ok(());
    }
    let ahead = threads * 2;
    let next = AtomicUsize::new(0);
    // How many chunks the writer has written, or `None` once it stopped.
    let written = Mutex::new(Some(0usize));
    let progress = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, String, Counts)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (chunks, next, written, progress, render) =
                (&chunks, &next, &written, &progress, &render);
            scope.spawn(move || {
                let _guard = StopOnPanic(written, progress);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= chunks.len() {
                        return;
                    }
                    {
                        let mut w = written.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            match *w {
                                None => return,
                                Some(done) if i < done + ahead => break,
                                Some(_) => w = progress.wait(w).unwrap_or_else(|e| e.into_inner()),
                            }
                        }
                    }
                    let (out, counts) = render(i * CHUNK, chunks[i]);
                    if tx.send((i, out, counts)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        let mut result = Ok(());
        for (i, out, counts) in rx.iter() {
            pending.insert(i, (out, counts));
            while let Some((out, counts)) = pending.remove(&want) {
                result = sink(out, counts);
                want += 1;
                let mut w = written.lock().unwrap_or_else(|e| e.into_inner());
                *w = if result.is_ok() { Some(want) } else { None };
                progress.notify_all();
                if result.is_err() {
                    break;
                }
            }
            if result.is_err() {
                break;
            }
        }
        result
    })
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
                rules_key: "relabel_configs",
                rules: rule_refs(rules),
                notes: Vec::new(),
            };
            sink.job(&info, &items, |i, (group, target), named| {
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
                (name, run_rules(rules, &merged, opts))
            })?;
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
                sink.job(&info, &items, |i, (group, target), named| {
                    let group = group.pairs();
                    let r = populate_with(job, target, &group, opts.flavor, opts.trace, detail);
                    let name = if named {
                        target_name(&group, target, i)
                    } else {
                        String::new()
                    };
                    (name, r)
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
        sink.job(&info, series, |_, s, named| {
            let mut result = run_rules(rules, &s.labels, opts);
            // An empty label set after relabeling also drops the series.
            if result.relabeled.as_ref().is_some_and(Labels::is_empty) {
                result.relabeled = None;
            }
            let name = if named {
                format!("line {}: {}", s.line, report::fmt_labels(&s.labels, true))
            } else {
                String::new()
            };
            (name, result)
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
) -> Result<Vec<(String, TargetResult)>> {
    let (groups, _) = job_groups(job, Some(targets))?;
    Ok(group_targets(&groups)
        .into_iter()
        .enumerate()
        .map(|(i, (group, target))| {
            let group = group.pairs();
            let r = populate_with(job, target, &group, flavor, true, true);
            (target_name(&group, target, i), r)
        })
        .collect())
}

/// Every series through one job's `metric_relabel_configs`, traced.
pub fn series_results(
    job: &ScrapeJob,
    series: &[Series],
    flavor: Flavor,
) -> Vec<(String, TargetResult)> {
    let opts = Options {
        flavor,
        trace: true,
        jobs: Vec::new(),
        role: Role::Pod,
    };
    series
        .iter()
        .map(|s| {
            let mut r = run_rules(&job.metric_relabel, &s.labels, &opts);
            if r.relabeled.as_ref().is_some_and(Labels::is_empty) {
                r.relabeled = None;
            }
            (report::fmt_labels(&s.labels, true), r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_written_in_order_and_errors_stop_the_workers() {
        let items: Vec<usize> = (0..CHUNK * 9 + 7).collect();
        let render = |start: usize, chunk: &[usize]| {
            let out: String = chunk.iter().map(|i| format!("{i},")).collect();
            assert_eq!(chunk[0], start);
            (
                out,
                Counts {
                    kept: chunk.len(),
                    ..Counts::default()
                },
            )
        };
        let mut all = String::new();
        let mut kept = 0;
        for_each_chunk_ordered(&items, render, |out, counts| {
            all.push_str(&out);
            kept += counts.kept;
            Ok(())
        })
        .unwrap();
        let want: String = items.iter().map(|i| format!("{i},")).collect();
        assert_eq!(all, want);
        assert_eq!(kept, items.len());

        let mut calls = 0;
        let result = for_each_chunk_ordered(&items, render, |_, _| {
            calls += 1;
            if calls == 3 {
                Err(Error::plain("broken pipe"))
            } else {
                Ok(())
            }
        });
        assert!(result.is_err());
        assert_eq!(calls, 3);

        // A worker that panics ends the run (with its panic), not a hang.
        let panicked = std::panic::catch_unwind(|| {
            for_each_chunk_ordered(
                &items,
                |start, chunk| {
                    assert_ne!(start, 0, "boom");
                    render(start, chunk)
                },
                |_, _| Ok(()),
            )
        });
        assert!(panicked.is_err());
    }
}
