//! What each job sees: the selected jobs, and the target groups each one
//! discovers from the input (or its static_configs), with notes on why some
//! give no targets.

use std::borrow::Cow;

use super::targets::{kubernetes_groups, Group, GroupLabels, Targets};
use crate::diag::{Error, Result};
use crate::k8s_sd::Role;
use crate::prom::config::ScrapeJob;
use crate::relabel::to_pairs;

type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

pub(super) fn select_jobs<'a>(
    jobs: &'a [ScrapeJob],
    wanted: &[String],
) -> Result<Vec<&'a ScrapeJob>> {
    for wanted in wanted {
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
        .filter(|j| wanted.is_empty() || wanted.contains(&j.name))
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
pub(super) fn job_groups<'t, 'a>(
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

/// Every (group labels, target labels) pair, in input order.
pub(super) fn group_targets<'g, 'a>(
    groups: &'g [Group<'a>],
) -> Vec<(&'g GroupLabels<'a>, &'g [Pair<'a>])> {
    groups
        .iter()
        .flat_map(|g| g.targets.iter().map(move |t| (&g.labels, t.as_slice())))
        .collect()
}
