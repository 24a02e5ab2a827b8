//! Runs targets (or series) through the selected jobs.

use serde::Serialize;

use super::series::Series;
use super::targets::{Group, Targets};
use crate::diag::{Error, Result};
use crate::prom::config::{ConfigInput, ScrapeJob};
use crate::prom::target::{populate, TargetResult};
use crate::relabel::{process, Flavor, LabelBuilder, Labels, Rule, Step};

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

#[derive(Debug, Clone)]
pub struct RuleRef {
    pub index: usize,
    pub action: &'static str,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// A short human name for the input target or series.
    pub name: String,
    pub result: SimResult,
}

#[derive(Debug, Clone)]
pub struct JobRun {
    pub job: Option<String>,
    pub line: Option<usize>,
    /// `relabel_configs` or `metric_relabel_configs` (for messages).
    pub rules_key: &'static str,
    pub rules: Vec<RuleRef>,
    pub entries: Vec<Entry>,
    pub notes: Vec<String>,
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

/// A readable name for a discovered target.
pub fn target_name(l: &Labels, fallback: usize) -> String {
    let get = |k: &str| l.get(k).map(String::as_str).unwrap_or("");
    let ns = get("__meta_kubernetes_namespace");
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
        let addr = get("__address__");
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
    let addr = get("__address__");
    if !addr.is_empty() {
        return addr.to_string();
    }
    if let Some(name) = l.get("__name__") {
        return name.clone();
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

fn static_groups(job: &ScrapeJob) -> Vec<Group> {
    job.static_groups
        .iter()
        .enumerate()
        .map(|(i, g)| Group {
            source: i.to_string(),
            labels: g.labels.iter().cloned().collect(),
            targets: g
                .targets
                .iter()
                .map(|t| Labels::from([("__address__".to_string(), t.clone())]))
                .collect(),
        })
        .collect()
}

/// Runs discovered targets through each selected job (or a bare rule list).
pub fn run_targets(
    config: &ConfigInput,
    targets: Option<&Targets>,
    opts: &Options,
) -> Result<Vec<JobRun>> {
    match config {
        ConfigInput::Rules(rules) => {
            let Some(targets) = targets else {
                return Err(Error::plain(
                    "a bare list of relabel rules needs --targets (or --series)",
                ));
            };
            let groups = match targets {
                Targets::Groups(g) => g.clone(),
                Targets::Api(t) => vec![Group {
                    source: "api".into(),
                    labels: Labels::new(),
                    targets: t.iter().map(|(_, l)| l.clone()).collect(),
                }],
                Targets::Kubernetes(objects, src) => {
                    super::kube::groups_for_role(&opts.role, objects, src)?
                }
            };
            let mut entries = Vec::new();
            for g in &groups {
                for t in &g.targets {
                    let mut merged = g.labels.clone();
                    merged.extend(t.iter().map(|(k, v)| (k.clone(), v.clone())));
                    let name = target_name(&merged, entries.len());
                    entries.push(Entry {
                        name,
                        result: run_rules(None, rules, &merged, opts),
                    });
                }
            }
            Ok(vec![JobRun {
                job: None,
                line: None,
                rules_key: "relabel_configs",
                rules: rule_refs(rules),
                entries,
                notes: Vec::new(),
            }])
        }
        ConfigInput::Jobs(jobs) => {
            let mut runs = Vec::new();
            for job in select_jobs(jobs, opts)? {
                let mut notes = Vec::new();
                let groups: Vec<Group> = match targets {
                    None => {
                        if job.static_groups.is_empty() {
                            notes.push(no_targets_note(job));
                        }
                        static_groups(job)
                    }
                    Some(Targets::Groups(g)) => g.clone(),
                    Some(Targets::Api(t)) => vec![Group {
                        source: "api".into(),
                        labels: Labels::new(),
                        targets: t
                            .iter()
                            .filter(|(j, _)| j == &job.name)
                            .map(|(_, l)| l.clone())
                            .collect(),
                    }],
                    Some(Targets::Kubernetes(objects, src)) => {
                        if job.kubernetes_sd.is_empty() {
                            notes.push(
                                "no kubernetes_sd_configs: Kubernetes objects do not apply to this job"
                                    .to_string(),
                            );
                            Vec::new()
                        } else {
                            let mut all = Vec::new();
                            for sd in &job.kubernetes_sd {
                                if sd.own_namespace {
                                    notes.push("namespaces.own_namespace cannot be known offline; treated as not set".into());
                                }
                                all.extend(super::kube::groups_for_sd(sd, objects, src)?);
                            }
                            all
                        }
                    }
                };
                let mut entries = Vec::new();
                for g in &groups {
                    for t in &g.targets {
                        let r = populate(job, t, &g.labels, opts.flavor, opts.trace);
                        let mut merged = g.labels.clone();
                        merged.extend(t.iter().map(|(k, v)| (k.clone(), v.clone())));
                        entries.push(Entry {
                            name: target_name(&merged, entries.len()),
                            result: from_target(job, r),
                        });
                    }
                }
                runs.push(JobRun {
                    job: Some(job.name.clone()),
                    line: Some(job.line),
                    rules_key: "relabel_configs",
                    rules: rule_refs(&job.relabel),
                    entries,
                    notes,
                });
            }
            Ok(runs)
        }
    }
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

fn from_target(job: &ScrapeJob, r: TargetResult) -> SimResult {
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

/// Runs sample series through `metric_relabel_configs` (or bare rules).
pub fn run_series(config: &ConfigInput, series: &[Series], opts: &Options) -> Result<Vec<JobRun>> {
    let run = |job: Option<&ScrapeJob>, rules: &[Rule]| {
        let entries = series
            .iter()
            .map(|s| {
                let result = run_rules(job.map(|j| j.name.as_str()), rules, &s.labels, opts);
                // An empty label set after relabeling also drops the series.
                let result = match &result.relabeled {
                    Some(l) if l.is_empty() => SimResult {
                        relabeled: None,
                        ..result
                    },
                    _ => result,
                };
                Entry {
                    name: format!(
                        "line {}: {}",
                        s.line,
                        super::report::fmt_labels(&s.labels, true)
                    ),
                    result,
                }
            })
            .collect();
        JobRun {
            job: job.map(|j| j.name.clone()),
            line: job.map(|j| j.line),
            rules_key: "metric_relabel_configs",
            rules: rule_refs(rules),
            entries,
            notes: Vec::new(),
        }
    };
    match config {
        ConfigInput::Rules(rules) => Ok(vec![run(None, rules)]),
        ConfigInput::Jobs(jobs) => Ok(select_jobs(jobs, opts)?
            .into_iter()
            .map(|j| run(Some(j), &j.metric_relabel))
            .collect()),
    }
}
