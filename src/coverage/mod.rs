//! Scrape coverage: which scrape job keeps each workload's ports. The
//! workloads' pods (and the endpoints of Services selecting them) are
//! simulated on placeholder nodes (`k8s::simulate`), discovered by each job's
//! `kubernetes_sd_configs` through the same code as relabel-sim's Kubernetes
//! input, and run through the job's relabel rules and target population.
//! Jobs whose targets are not pods (roles node, service and ingress, and
//! static_configs) reach workloads through their final address
//! (`reach`): the simulated nodes are discovered as Node objects.

mod monitors;
mod outcome;
mod reach;
pub mod report;

pub use monitors::explain_unscraped;

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::k8s::kinds::pod_template;
use crate::k8s::simulate::{simulate, SimNode, Simulation};
use crate::k8s_sd::{discover, Role};
use crate::prom::config::ScrapeJob;
use crate::relabel::{to_pairs, Flavor, Labels};

/// What the analysis records besides the verdicts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keep the relabel trace of one target per job and port.
    pub trace: bool,
    /// `--target`: only the workload ports whose pods' discovered labels
    /// (as `role: pod` discovers them) match.
    pub select: crate::prom::matchers::TargetFilter,
}

/// The whole analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// How many workload ports `--target` selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected: Option<String>,
    pub nodes: Vec<String>,
    /// Whether the nodes are the input's Node objects.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nodes_from_input: bool,
    pub workloads: Vec<WorkloadCoverage>,
    pub jobs: Vec<JobSummary>,
    /// Ports of one workload that one job turns into identical targets.
    #[serde(skip)]
    pub collapsed: Vec<Collapsed>,
}

/// Ports of one workload's pod that a job relabels into identical targets
/// (same labels, `__address__` included): Prometheus keeps one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collapsed {
    /// Index into [`Coverage::jobs`].
    pub job_index: usize,
    pub workload: usize,
    /// Indices into the workload's ports, in order.
    pub ports: Vec<usize>,
    /// The one target's address.
    pub address: String,
}

/// One scrape job and what it kept of the simulated input.
#[derive(Debug, Clone, Serialize)]
pub struct JobSummary {
    pub job: String,
    pub line: usize,
    /// Where a generated job came from (its file; `line` is that file's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<crate::relabel::Origin>,
    /// Kubernetes SD roles of the job.
    pub roles: Vec<Role>,
    /// Whether it has static_configs targets (simulated too).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub static_configs: bool,
    /// Whether kdm simulated its targets (any Kubernetes role, or
    /// static_configs).
    pub simulated: bool,
    /// Whether it is a blackbox-style job: its rules write `__param_target`
    /// (or its `params` set `target`), so it probes what it reaches.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub probes: bool,
    pub discovered: usize,
    pub kept: usize,
    /// Where the kept targets of roles other than pod, endpoints and
    /// endpointslice (and of static_configs) lead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reach: Option<ReachCounts>,
    /// Why it was not simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip)]
    pub index: usize,
    /// Which Prometheus config (server) the job belongs to, when several
    /// are analysed together; duplicates count only within one.
    #[serde(skip)]
    pub config: usize,
}

impl JobSummary {
    /// `pod, endpoints`: the job's roles for a report.
    pub fn role_names(&self) -> String {
        let names: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        names.join(", ")
    }

    /// `role pod, endpoints`, `static_configs`, or both.
    pub fn sources(&self) -> String {
        let mut parts = Vec::new();
        if !self.roles.is_empty() {
            parts.push(format!("role {}", self.role_names()));
        }
        if self.static_configs {
            parts.push("static_configs".to_string());
        }
        parts.join(", ")
    }

    /// Whether some of its targets are workload pods (with the pods' labels),
    /// so that every port gets a verdict; other jobs reach ports by address.
    pub fn discovers_pods(&self) -> bool {
        self.roles.iter().any(|r| r.discovers_pods())
    }
}

/// Where a job's kept targets (of roles node, service and ingress, and of
/// static_configs) lead.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReachCounts {
    /// Scrapes of workload ports.
    pub workloads: usize,
    /// Blackbox-style probes (`__param_target`) of workload ports.
    pub probes: usize,
    /// Scrapes of a node's kubelet.
    pub kubelet: usize,
    /// Scrapes of a node's kubelet through the API server's proxy.
    pub kubelet_proxied: usize,
    /// Addresses where pods listen only in the pod network.
    pub pod_network_only: usize,
    /// Addresses of nothing in the input.
    pub elsewhere: usize,
}

impl ReachCounts {
    /// `3 scrape the kubelet, 1 reach nothing in the input`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.workloads, "scrape workload ports"),
            (self.probes, "probe workload ports"),
            (self.kubelet, "scrape the kubelet"),
            (
                self.kubelet_proxied,
                "scrape the kubelet through the API server",
            ),
            (
                self.pod_network_only,
                "reach ports open only in the pod network",
            ),
            (self.elsewhere, "reach nothing in the input"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        parts.join(", ")
    }
}

/// One workload: its pods and each container port.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadCoverage {
    /// Index of the object in the input given to [`analyze`].
    #[serde(skip)]
    pub object: usize,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub pods: usize,
    /// Why the workload wants to be scraped, if it does.
    pub asks_to_be_scraped: Option<String>,
    pub ports: Vec<PortCoverage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Services selecting its pods (`namespace/name`) with their ports'
    /// targetPorts: why an endpoints job may still find no port of it.
    #[serde(skip)]
    pub services: Vec<(String, Vec<String>)>,
}

impl WorkloadCoverage {
    /// Why an endpoints-role job discovered no target on `port` (`None`:
    /// all of the workload's ports), in a few words; `pods` names the pods.
    pub fn not_in_endpoints(&self, port: Option<&PortCoverage>, pods: &str) -> String {
        if self.services.is_empty() {
            return format!("no Service in the input selects {pods}");
        }
        let declared = |t: &str| {
            self.ports.iter().any(|p| {
                p.port_name.as_deref() == Some(t)
                    || p.port.map(|n| n.to_string()).as_deref() == Some(t)
            })
        };
        let mut parts = Vec::new();
        for (name, targets) in &self.services {
            let missing: Vec<&str> = targets
                .iter()
                .map(String::as_str)
                .filter(|t| !declared(t))
                .collect();
            if !missing.is_empty() {
                parts.push(format!(
                    "Service {name} selects {pods}, but its targetPort {} names no port they declare",
                    missing.join(", ")
                ));
            } else if let Some(p) = port {
                let here = targets.iter().any(|t| {
                    p.port_name.as_deref() == Some(t.as_str())
                        || p.port.map(|n| n.to_string()).as_deref() == Some(t.as_str())
                });
                if !here {
                    parts.push(format!(
                        "Service {name} selects {pods} but targets {}, not this port",
                        targets.join(", ")
                    ));
                }
            }
        }
        if parts.is_empty() {
            "excluded by its namespaces or selectors".to_string()
        } else {
            parts.join("; ")
        }
    }
}

impl WorkloadCoverage {
    /// Jobs that keep at least one target of this workload.
    pub fn scraped_by(&self) -> Vec<&str> {
        let mut jobs: Vec<&str> = self
            .ports
            .iter()
            .flat_map(|p| p.jobs.iter().filter(|j| j.kept > 0).map(|j| j.job.as_str()))
            .collect();
        jobs.sort_unstable();
        jobs.dedup();
        jobs
    }
}

/// A container port (or a container without ports) and each job's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct PortCoverage {
    pub container: String,
    pub init: bool,
    pub port: Option<i64>,
    pub port_name: Option<String>,
    pub jobs: Vec<JobOutcome>,
}

impl PortCoverage {
    /// `container:9100 (metrics)`, `container (no ports)`.
    pub fn describe(&self) -> String {
        let mut s = self.container.clone();
        match (self.port, &self.port_name) {
            (Some(p), Some(n)) => s.push_str(&format!(":{p} ({n})")),
            (Some(p), None) => s.push_str(&format!(":{p}")),
            _ => s.push_str(" (no ports)"),
        }
        if self.init {
            s.push_str(" [init]");
        }
        s
    }

    pub fn kept_by(&self) -> Vec<&str> {
        self.jobs
            .iter()
            .filter(|j| j.kept > 0)
            .map(|j| j.job.as_str())
            .collect()
    }
}

/// What one job did with one port's targets (one per simulated pod, or per
/// pod and Service port for endpoints roles).
#[derive(Debug, Clone, Serialize)]
pub struct JobOutcome {
    pub job: String,
    /// Index into [`Coverage::jobs`].
    #[serde(skip)]
    pub job_index: usize,
    pub kept: usize,
    /// Blackbox-style probes of the port (not scrapes of its metrics).
    #[serde(skip_serializing_if = "is_zero")]
    pub probed: usize,
    pub dropped: usize,
    pub failed: usize,
    /// How a target matched by its address reaches the port
    /// (`hostNetwork`, `hostPort 9100`, `Service ns/name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Why the job's address misses the port (it listens only in the pod
    /// network).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
    /// The first kept (or probing) target's labels (`__` labels removed)
    /// and URL.
    pub target: Option<Labels>,
    pub scrape_url: Option<String>,
    /// The rule that dropped the first dropped target.
    pub dropped_by_rule: Option<usize>,
    pub dropped_by_line: Option<usize>,
    /// Where the dropping rule of a generated job was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped_by_origin: Option<crate::relabel::Origin>,
    pub dropped_by_action: Option<&'static str>,
    pub error: Option<String>,
    /// With `--trace`: every rule applied to the first kept target (or, when
    /// none was kept, the first dropped one), with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<crate::relabel::Step>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl JobOutcome {
    /// `line N` of the dropping rule, or where a generated one was written.
    pub fn dropped_by_place(&self) -> String {
        crate::relabel::place(
            self.dropped_by_line.unwrap_or(0),
            self.dropped_by_origin.as_ref(),
        )
    }
}

impl JobSummary {
    /// `line N`, or where a generated job came from.
    pub fn place(&self) -> String {
        match &self.origin {
            Some(o) => o.describe_job(),
            None => format!("line {}", self.line),
        }
    }
}

/// Runs the analysis of `objects` (Kubernetes objects as JSON) against
/// `jobs`, on `nodes` simulated nodes.
pub fn analyze(objects: &[Value], jobs: &[&ScrapeJob], nodes: usize, flavor: Flavor) -> Coverage {
    analyze_with(objects, jobs, nodes, flavor, &Options::default())
}

/// [`analyze`], tracing and selecting as `opts` says.
pub fn analyze_with(
    objects: &[Value],
    jobs: &[&ScrapeJob],
    nodes: usize,
    flavor: Flavor,
    opts: &Options,
) -> Coverage {
    let sim = simulate(objects, nodes);
    let scrape_services = scrape_services(&sim);
    let mut workloads: Vec<WorkloadCoverage> = sim
        .workloads
        .iter()
        .map(|w| WorkloadCoverage {
            object: w.object,
            kind: w.kind.clone(),
            namespace: w.namespace.clone(),
            name: w.name.clone(),
            pods: w.pods.len(),
            asks_to_be_scraped: asks_to_be_scraped(
                &objects[w.object],
                &w.kind,
                &scrape_services,
                &w.namespace,
                &w.pods,
            ),
            ports: template_ports(&objects[w.object], &w.kind),
            note: w.note.clone(),
            services: selecting_services(&sim, &w.namespace, w.pods.first()),
        })
        .collect();
    let selected = (!opts.select.is_empty()).then(|| selected_ports(&sim, &workloads, opts));
    let index = reach::Index::new(&sim);
    let mut summaries = Vec::new();
    let mut collapsed = Vec::new();
    for (job_index, job) in jobs.iter().enumerate() {
        let roles: Vec<Role> = job.kubernetes_sd.iter().map(|s| s.config.role).collect();
        let statics = job.static_groups.iter().any(|g| !g.targets.is_empty());
        let by_address = statics || roles.iter().any(|r| !r.discovers_pods());
        let mut summary = JobSummary {
            job: job.name.clone(),
            line: job.line,
            origin: job.origin.as_deref().cloned(),
            roles: roles.clone(),
            static_configs: statics,
            simulated: statics || !roles.is_empty(),
            probes: job
                .relabel
                .iter()
                .any(|r| r.target_label == "__param_target")
                || job.params.iter().any(|(k, _)| k == "target"),
            discovered: 0,
            kept: 0,
            reach: None,
            note: None,
            index: job_index,
            config: 0,
        };
        if !summary.simulated {
            summary.note = Some(
                "no kubernetes_sd_configs or static_configs: workloads cannot reach it".into(),
            );
            summaries.push(summary);
            continue;
        }
        let mut run = outcome::Run {
            index: &index,
            sim: &sim,
            job,
            job_index,
            flavor,
            trace: opts.trace,
            selected: selected.as_ref(),
            counts: ReachCounts::default(),
            kept: Kept::new(),
        };
        for sd in &job.kubernetes_sd {
            let role = sd.config.role;
            let objects = if role == Role::Node {
                &sim.node_objects
            } else {
                &sim.objects
            };
            let Ok(groups) = discover(objects, &sd.config) else {
                continue; // selector errors are reported by the config rules
            };
            for g in groups {
                let labels = to_pairs(g.labels);
                for t in g.targets.into_iter().map(to_pairs) {
                    run.target(&mut summary, &mut workloads, Some(role), &labels, &t);
                }
            }
        }
        for g in &job.static_groups {
            let labels = to_pairs(g.labels.iter().cloned().collect());
            for address in &g.targets {
                let t = vec![(
                    Cow::Borrowed("__address__"),
                    Cow::Borrowed(address.as_str()),
                )];
                run.target(&mut summary, &mut workloads, None, &labels, &t);
            }
        }
        collapsed.extend(collapsed_ports(job_index, std::mem::take(&mut run.kept)));
        if by_address {
            summary.reach = Some(run.counts);
        }
        summaries.push(summary);
    }
    let note = selected.map(|selected| {
        let total: usize = workloads.iter().map(|w| w.ports.len()).sum();
        let mut at = 0;
        for (w, wc) in workloads.iter_mut().enumerate() {
            let mut p = 0;
            wc.ports.retain(|_| {
                p += 1;
                selected.contains(&(w, p - 1))
            });
            at += wc.ports.len();
        }
        workloads.retain(|w| !w.ports.is_empty());
        format!("--target selects {at} of {total} workload ports")
    });
    Coverage {
        selected: note,
        nodes: sim.nodes.iter().map(|n: &SimNode| n.name.clone()).collect(),
        nodes_from_input: sim.nodes_from_input,
        workloads,
        jobs: summaries,
        collapsed,
    }
}

/// The (workload, port) pairs whose pod targets, as `role: pod` discovers
/// them, match `opts.select`.
fn selected_ports(
    sim: &Simulation,
    workloads: &[WorkloadCoverage],
    opts: &Options,
) -> std::collections::HashSet<(usize, usize)> {
    let mut out = std::collections::HashSet::new();
    let Ok(groups) = discover(&sim.objects, &crate::k8s_sd::SdConfig::new(Role::Pod)) else {
        return out;
    };
    for g in groups {
        let labels = to_pairs(g.labels);
        for t in g.targets.into_iter().map(to_pairs) {
            let get = |name: &str| {
                t.iter()
                    .chain(&labels)
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_ref())
            };
            if opts.select.matches(get) {
                if let Some(wp) = outcome::locate(sim, workloads, &labels, &t) {
                    out.insert(wp);
                }
            }
        }
    }
    out
}

/// One job's kept targets by (workload, final labels): the ports giving them.
pub(super) type Kept = HashMap<(usize, Vec<(String, String)>), (usize, Vec<usize>)>;

/// The sets of ports one job kept as identical targets, one entry per
/// workload and set of ports (every simulated pod repeats them).
fn collapsed_ports(job_index: usize, kept: Kept) -> Vec<Collapsed> {
    let mut out: Vec<Collapsed> = Vec::new();
    for ((_, labels), (workload, mut ports)) in kept {
        if ports.len() < 2 {
            continue;
        }
        ports.sort_unstable();
        let address = labels
            .iter()
            .find(|(k, _)| k == "__address__")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        out.push(Collapsed {
            job_index,
            workload,
            ports,
            address,
        });
    }
    out.sort_by(|a, b| (a.workload, &a.ports, &a.address).cmp(&(b.workload, &b.ports, &b.address)));
    out.dedup_by(|b, a| a.workload == b.workload && a.ports == b.ports);
    out
}

/// The Services selecting the simulated pod `pod`, with each one's
/// targetPorts (a port's `port` when it has no targetPort).
fn selecting_services(
    sim: &Simulation,
    namespace: &str,
    pod: Option<&String>,
) -> Vec<(String, Vec<String>)> {
    let Some(pod) = pod else {
        return Vec::new();
    };
    let at = |o: &Value, p: &str| {
        o.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let Some(pod) = sim.objects.iter().find(|o| {
        o["kind"] == "Pod"
            && at(o, "/metadata/namespace") == namespace
            && at(o, "/metadata/name") == *pod
    }) else {
        return Vec::new();
    };
    sim.objects
        .iter()
        .filter(|o| o["kind"] == "Service" && crate::k8s::simulate::selects(o, pod))
        .map(|svc| {
            let targets = svc
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("targetPort").or_else(|| p.get("port")))
                .map(|t| t.as_str().map_or_else(|| t.to_string(), str::to_string))
                .collect();
            (
                format!("{namespace}/{}", at(svc, "/metadata/name")),
                targets,
            )
        })
        .collect()
}

/// Pod template containers and their ports, as discovery lists them.
fn template_ports(object: &Value, kind: &str) -> Vec<PortCoverage> {
    let Some(spec) = pod_template(kind, object).and_then(|t| t.get("spec")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, init) in [("containers", false), ("initContainers", true)] {
        for c in spec
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let container = c
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let ports: Vec<&Value> = c
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .collect();
            if ports.is_empty() {
                out.push(PortCoverage {
                    container,
                    init,
                    port: None,
                    port_name: None,
                    jobs: Vec::new(),
                });
                continue;
            }
            for p in ports {
                out.push(PortCoverage {
                    container: container.clone(),
                    init,
                    port: p.get("containerPort").and_then(Value::as_i64),
                    port_name: p.get("name").and_then(Value::as_str).map(str::to_string),
                    jobs: Vec::new(),
                });
            }
        }
    }
    out
}

/// Why a workload wants to be scraped: a `prometheus.io/scrape: "true"`
/// annotation on its pods or on a Service selecting them, or a port named
/// like metrics.
fn asks_to_be_scraped(
    object: &Value,
    kind: &str,
    scrape_services: &ScrapeServices,
    namespace: &str,
    pods: &[String],
) -> Option<String> {
    let template = pod_template(kind, object);
    if is_scrape_annotated(template.and_then(|t| t.pointer("/metadata/annotations"))) {
        return Some("pod annotation prometheus.io/scrape: \"true\"".into());
    }
    // A Service annotated for scraping whose endpoints include these pods
    // (the first such Endpoints object).
    let service = pods
        .iter()
        .filter_map(|p| scrape_services.get(namespace)?.get(p))
        .min_by_key(|(order, _)| *order);
    if let Some((_, name)) = service {
        return Some(format!(
            "Service {name} annotation prometheus.io/scrape: \"true\""
        ));
    }
    let metrics_port = template_ports(object, kind).into_iter().find_map(|p| {
        p.port_name
            .filter(|n| n.to_ascii_lowercase().contains("metrics"))
    });
    metrics_port.map(|n| format!("port named {n:?}"))
}

fn is_scrape_annotated(annotations: Option<&Value>) -> bool {
    annotations
        .and_then(|a| a.get("prometheus.io/scrape"))
        .and_then(Value::as_str)
        == Some("true")
}

/// Namespace, then pod, to the first Endpoints object (by position) listing
/// the pod whose Service is annotated `prometheus.io/scrape: "true"`, with
/// that Service's name: built once, so each workload's question is a lookup.
type ScrapeServices = HashMap<String, HashMap<String, (usize, String)>>;

fn scrape_services(sim: &Simulation) -> ScrapeServices {
    let key = |o: &Value| {
        (
            o.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            o.pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        )
    };
    let mut services: HashMap<(String, String), &Value> = HashMap::new();
    for o in sim.objects.iter().filter(|o| o["kind"] == "Service") {
        services.entry(key(o)).or_insert(o);
    }
    let mut out = ScrapeServices::new();
    let endpoints = sim.objects.iter().filter(|o| o["kind"] == "Endpoints");
    for (order, ep) in endpoints.enumerate() {
        let ep_key = key(ep);
        let Some(service) = services.get(&ep_key) else {
            continue;
        };
        let (namespace, name) = ep_key;
        if !is_scrape_annotated(service.pointer("/metadata/annotations")) {
            continue;
        }
        let addresses = ep.pointer("/subsets/0/addresses").and_then(Value::as_array);
        for pod in addresses
            .into_iter()
            .flatten()
            .filter_map(|a| a.pointer("/targetRef/name").and_then(Value::as_str))
        {
            out.entry(namespace.clone())
                .or_default()
                .entry(pod.to_string())
                .or_insert_with(|| (order, name.clone()));
        }
    }
    out
}

/// Ports kept by more than one job of the same Prometheus config:
/// (workload index, port index, jobs).
pub fn duplicates(c: &Coverage) -> Vec<(usize, usize, Vec<&str>)> {
    let mut out = Vec::new();
    for (w, wc) in c.workloads.iter().enumerate() {
        for (p, pc) in wc.ports.iter().enumerate() {
            let mut configs: Vec<usize> = pc
                .jobs
                .iter()
                .filter(|j| j.kept > 0)
                .map(|j| c.jobs[j.job_index].config)
                .collect();
            configs.sort_unstable();
            configs.dedup();
            for config in configs {
                let jobs: Vec<&str> = pc
                    .jobs
                    .iter()
                    .filter(|j| j.kept > 0 && c.jobs[j.job_index].config == config)
                    .map(|j| j.job.as_str())
                    .collect();
                if jobs.len() > 1 {
                    out.push((w, p, jobs));
                }
            }
        }
    }
    out
}

/// Why a job did not keep a workload, in a few words; `None` for a job
/// that reaches workloads by address and has nothing to say about this one.
pub fn why_not(w: &WorkloadCoverage, job: &JobSummary) -> Option<String> {
    let outcomes: Vec<&JobOutcome> = w
        .ports
        .iter()
        .flat_map(|p| p.jobs.iter().filter(|j| j.job_index == job.index))
        .collect();
    let probed = outcomes.iter().any(|o| o.probed > 0).then(|| {
        format!(
            "{} probes it (blackbox-style, through __param_target), which does not scrape its metrics",
            job.job
        )
    });
    if job.probes && !job.discovers_pods() {
        // What a probe job keeps or drops does not scrape the workload.
        return probed;
    }
    if let Some(o) = outcomes.iter().find(|o| o.dropped_by_rule.is_some()) {
        return Some(format!(
            "{} dropped it by relabel_configs[{}] ({}, {})",
            job.job,
            o.dropped_by_rule.unwrap_or(0),
            o.dropped_by_action.unwrap_or("?"),
            o.dropped_by_place()
        ));
    }
    if let Some(o) = outcomes.iter().find(|o| o.error.is_some()) {
        return Some(format!("{}: {}", job.job, o.error.as_deref().unwrap_or("")));
    }
    if let Some(why) = outcomes.iter().find_map(|o| o.unreachable.as_deref()) {
        return Some(why.to_string());
    }
    if probed.is_some() || !job.discovers_pods() {
        return probed;
    }
    let endpoints = !job.roles.contains(&Role::Pod);
    Some(if endpoints {
        format!(
            "{} did not discover it ({})",
            job.job,
            w.not_in_endpoints(None, "its pods")
        )
    } else {
        format!(
            "{} did not discover it (its namespaces or selectors exclude it)",
            job.job
        )
    })
}

/// Every job's [`why_not`] for a workload no job keeps, or that none
/// discovers its pods or reaches its ports.
pub fn why_not_all(w: &WorkloadCoverage, jobs: &[JobSummary]) -> Vec<String> {
    let reasons: Vec<String> = jobs
        .iter()
        .filter(|j| j.simulated)
        .filter_map(|j| why_not(w, j))
        .collect();
    if reasons.is_empty() {
        vec!["no job discovers its pods or reaches its ports".to_string()]
    } else {
        reasons
    }
}
