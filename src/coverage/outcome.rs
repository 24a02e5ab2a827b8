//! One job's pass over its targets: each is relabeled, and what it does is
//! recorded on the workload ports it belongs to (targets of pods) or reaches
//! (targets found by address, see `reach`).

use std::borrow::Cow;
use std::collections::HashSet;

use super::reach::{Index, PodPort, Reach};
use super::{JobOutcome, JobSummary, Kept, PortCoverage, ReachCounts, WorkloadCoverage};
use crate::k8s::simulate::Simulation;
use crate::k8s_sd::Role;
use crate::prom::config::ScrapeJob;
use crate::prom::target::populate_with;
use crate::relabel::{Flavor, Labels};

/// One job's pass over its targets.
pub(super) struct Run<'r, 's> {
    pub index: &'r Index<'s>,
    pub sim: &'s Simulation,
    pub job: &'r ScrapeJob,
    pub job_index: usize,
    pub flavor: Flavor,
    /// Keep the relabel trace of one target per port.
    pub trace: bool,
    /// `--target`: only these workload ports (workload, port) are reported.
    pub selected: Option<&'r HashSet<(usize, usize)>>,
    pub counts: ReachCounts,
    /// Kept pod targets by workload and final labels, for the ports a job
    /// turns into identical targets (`Coverage::collapsed`).
    pub kept: Kept,
}

impl Run<'_, '_> {
    /// Relabels one target (of `role`, or of static_configs) and records
    /// what it does to the workload ports it is for or reaches.
    pub fn target(
        &mut self,
        summary: &mut JobSummary,
        workloads: &mut [WorkloadCoverage],
        role: Option<Role>,
        group: &[Pair<'_>],
        target: &[Pair<'_>],
    ) {
        let (job, job_index) = (self.job, self.job_index);
        let pods = role.is_some_and(Role::discovers_pods);
        let at = pods
            .then(|| locate(self.sim, workloads, group, target))
            .flatten();
        if pods && !self.wanted(at) {
            return;
        }
        summary.discovered += 1;
        let r = populate_with(job, target, group, self.flavor, self.trace, false);
        if r.target.is_some() {
            summary.kept += 1;
        }
        if pods {
            if let Some((w, p)) = at {
                if let Some(target) = &r.target {
                    let key = target
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    // Targets of other workloads never merge with these.
                    let (_, ports) = self.kept.entry((w, key)).or_insert((w, Vec::new()));
                    if !ports.contains(&p) {
                        ports.push(p);
                    }
                }
                record(&mut workloads[w].ports[p], job, job_index, &r);
            }
            return;
        }
        let Some(kept) = &r.target else {
            // A Service port's pods are known before relabeling: the rule
            // that dropped it is shown on their ports.
            if role == Some(Role::Service) {
                let service = (
                    label(group, target, "__meta_kubernetes_namespace"),
                    label(group, target, "__meta_kubernetes_service_name"),
                    label(group, target, "__meta_kubernetes_service_port_number"),
                );
                if let (Some(ns), Some(name), Some(port)) = service {
                    if let Reach::Pods { ports, .. } = self.index.service(ns, name, port) {
                        for (w, p) in self.reached(workloads, &ports) {
                            record(&mut workloads[w].ports[p], job, job_index, &r);
                        }
                    }
                }
            }
            return;
        };
        let (reached, probe) = self.index.reach(kept);
        let counts = &mut self.counts;
        match reached {
            Reach::Pods { ports, via } => {
                *(if probe {
                    &mut counts.probes
                } else {
                    &mut counts.workloads
                }) += 1;
                for (w, p) in self.reached(workloads, &ports) {
                    let port = &mut workloads[w].ports[p];
                    if probe {
                        let slot = slot(port, job, job_index);
                        slot.probed += 1;
                        if slot.steps.is_empty() {
                            slot.steps.clone_from(&r.steps);
                        }
                        if slot.target.is_none() {
                            slot.target = Some(shown_labels(kept));
                            slot.scrape_url = r.scrape_url.clone();
                        }
                        slot.via.get_or_insert_with(|| via.clone());
                    } else {
                        record(port, job, job_index, &r);
                        slot(port, job, job_index)
                            .via
                            .get_or_insert_with(|| via.clone());
                    }
                }
            }
            Reach::Kubelet { proxied: true } => counts.kubelet_proxied += 1,
            Reach::Kubelet { proxied: false } => counts.kubelet += 1,
            Reach::PodNetworkOnly { address, ports } => {
                counts.pod_network_only += 1;
                let verb = if probe { "probes" } else { "scrapes" };
                for pp in &ports {
                    for (w, p) in self.reached(workloads, std::slice::from_ref(pp)) {
                        let slot = slot(&mut workloads[w].ports[p], job, job_index);
                        if slot.steps.is_empty() {
                            slot.steps.clone_from(&r.steps);
                        }
                        slot.unreachable.get_or_insert_with(|| {
                                format!(
                                    "job {} {verb} {address} but pod {} listens on {} only in the pod network; add hostNetwork or hostPort",
                                    job.name, pp.pod, pp.port
                                )
                            });
                    }
                }
            }
            Reach::Elsewhere => counts.elsewhere += 1,
        }
    }
}

impl Run<'_, '_> {
    /// Whether `--target` keeps the pod port a target belongs to.
    fn wanted(&self, at: Option<(usize, usize)>) -> bool {
        self.selected
            .is_none_or(|selected| at.is_some_and(|wp| selected.contains(&wp)))
    }

    /// The workload ports of `ports` that `--target` keeps, once each.
    fn reached(
        &self,
        workloads: &[WorkloadCoverage],
        ports: &[PodPort<'_>],
    ) -> Vec<(usize, usize)> {
        let mut all = port_indices(self.sim, workloads, ports);
        all.retain(|&wp| self.wanted(Some(wp)));
        all
    }
}

/// A label of a discovered target, or of its group.
fn label<'a>(group: &'a [Pair<'_>], target: &'a [Pair<'_>], name: &str) -> Option<&'a str> {
    target
        .iter()
        .chain(group)
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_ref())
}

/// The workload and port index of each pod port, once each.
fn port_indices(
    sim: &Simulation,
    workloads: &[WorkloadCoverage],
    ports: &[PodPort<'_>],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for pp in ports {
        let Some(w) = sim.workload_of(pp.namespace, pp.pod) else {
            continue;
        };
        let found = workloads[w].ports.iter().position(|pc| {
            pc.container == pp.container
                && pc.port == Some(pp.port)
                && pc.port_name.as_deref() == pp.name
        });
        if let Some(p) = found.filter(|&p| !out.contains(&(w, p))) {
            out.push((w, p));
        }
    }
    out
}

/// A target's labels as a report shows them: `__` labels removed.
fn shown_labels(target: &crate::relabel::SortedLabels<'_>) -> Labels {
    target
        .iter()
        .filter(|(k, _)| !k.starts_with("__"))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(super) type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The workload and port a discovered target belongs to.
pub(super) fn locate(
    sim: &Simulation,
    workloads: &[WorkloadCoverage],
    group: &[Pair<'_>],
    target: &[Pair<'_>],
) -> Option<(usize, usize)> {
    let get = |k: &str| label(group, target, k);
    let namespace = get("__meta_kubernetes_namespace")?;
    let pod = get("__meta_kubernetes_pod_name")?;
    let container = get("__meta_kubernetes_pod_container_name")?;
    let port: Option<i64> = get("__meta_kubernetes_pod_container_port_number")
        .filter(|p| !p.is_empty())
        .and_then(|p| p.parse().ok());
    let port_name = get("__meta_kubernetes_pod_container_port_name").filter(|n| !n.is_empty());
    let w = sim.workload_of(namespace, pod)?;
    let p = workloads[w].ports.iter().position(|pc| {
        pc.container == container && pc.port == port && pc.port_name.as_deref() == port_name
    })?;
    Some((w, p))
}

/// The outcome of `job` on `port`, added when it has none yet.
fn slot<'p>(port: &'p mut PortCoverage, job: &ScrapeJob, job_index: usize) -> &'p mut JobOutcome {
    match port.jobs.iter().position(|j| j.job_index == job_index) {
        Some(i) => &mut port.jobs[i],
        None => {
            port.jobs.push(JobOutcome {
                job: job.name.clone(),
                job_index,
                kept: 0,
                probed: 0,
                dropped: 0,
                failed: 0,
                via: None,
                unreachable: None,
                target: None,
                scrape_url: None,
                dropped_by_rule: None,
                dropped_by_line: None,
                dropped_by_origin: None,
                dropped_by_action: None,
                error: None,
                steps: Vec::new(),
            });
            port.jobs.last_mut().expect("just pushed")
        }
    }
}

fn record(
    port: &mut PortCoverage,
    job: &ScrapeJob,
    job_index: usize,
    r: &crate::prom::target::TargetResult<'_>,
) {
    let slot = slot(port, job, job_index);
    // The first kept target's trace, or the first one's while none is kept.
    if slot.steps.is_empty() || (r.target.is_some() && slot.kept == 0) {
        slot.steps.clone_from(&r.steps);
    }
    if let Some(target) = &r.target {
        slot.kept += 1;
        if slot.target.is_none() {
            slot.target = Some(shown_labels(target));
            slot.scrape_url = r.scrape_url.clone();
        }
    } else if let Some(e) = &r.error {
        slot.failed += 1;
        slot.error.get_or_insert_with(|| e.clone());
    } else {
        slot.dropped += 1;
        if slot.dropped_by_rule.is_none() {
            if let Some(i) = r.dropped_by_rule {
                let rule = job.relabel.iter().find(|x| x.index == i);
                slot.dropped_by_rule = Some(i);
                slot.dropped_by_line = rule.map(|x| x.line);
                slot.dropped_by_origin = rule.and_then(|x| x.origin.as_deref().cloned());
                slot.dropped_by_action = rule.map(|x| x.action.as_str());
            }
        }
    }
}
