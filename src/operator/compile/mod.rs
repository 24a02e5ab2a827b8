//! The Prometheus configuration prometheus-operator generates
//! (`pkg/prometheus/promcfg.go` of [`crate::operator::OPERATOR_RELEASE`]),
//! job by job, in the operator's order and with its version gates.

mod additional;
mod global;
mod http;
mod pod_monitor;
mod probe;
mod relabel;
mod scrape_config;
mod service_monitor;

use crate::operator::model::prometheus::ScrapeClass;
use crate::operator::model::{At, Meta, Prometheus, RelabelConfig, Resources, ServerKind};
use crate::operator::version::Version;
use crate::yaml::GoYaml;

pub use global::render_config;
pub use relabel::rules as relabel_rules;

/// Generator switches the operator sets from its flags and the cluster.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The cluster serves EndpointSlices (every supported Kubernetes does).
    pub endpoint_slice: bool,
    /// Write TLS assets inline instead of as files (never: kdm reads no
    /// Secrets).
    pub inline_tls: bool,
    /// The operator's `WithoutVersionCheck`.
    pub no_version_check: bool,
    /// Feature gate: retention of inactive shards.
    pub retention_policies: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            endpoint_slice: true,
            inline_tls: false,
            no_version_check: false,
            retention_policies: false,
        }
    }
}

/// Which resource a job was generated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonitorKind {
    ServiceMonitor,
    PodMonitor,
    Probe,
    ScrapeConfig,
    /// A job of the Prometheus's `additionalScrapeConfigs`, copied.
    Additional,
}

impl MonitorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MonitorKind::Additional => "additionalScrapeConfigs of",
            MonitorKind::ServiceMonitor => "ServiceMonitor",
            MonitorKind::PodMonitor => "PodMonitor",
            MonitorKind::Probe => "Probe",
            MonitorKind::ScrapeConfig => "ScrapeConfig",
        }
    }

    /// The resource name `excludedFromEnforcement` uses.
    fn resource(self) -> &'static str {
        match self {
            MonitorKind::ServiceMonitor => "servicemonitors",
            MonitorKind::PodMonitor => "podmonitors",
            MonitorKind::Probe => "probes",
            MonitorKind::ScrapeConfig => "scrapeconfigs",
            MonitorKind::Additional => "",
        }
    }
}

/// One generated scrape job.
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub kind: MonitorKind,
    /// `namespace/name` of the resource.
    pub monitor: String,
    pub file: usize,
    pub config: GoYaml,
    /// Where the job comes from: the endpoint of a service or pod
    /// monitor, the name of a probe or scrape config.
    pub at: At,
    /// For each rule of `relabel_configs`, and of `metric_relabel_configs`:
    /// where the user wrote it (in the monitor, or in the scrape class of
    /// the Prometheus), `None` for a rule the operator adds itself.
    pub relabel_at: Vec<Option<At>>,
    pub metric_at: Vec<Option<At>>,
}

/// The generator for one Prometheus resource.
pub struct Generator<'p> {
    pub prom: &'p Prometheus,
    pub version: Version,
    pub opts: Options,
    /// Settings left out because the Prometheus version lacks them.
    pub warnings: Vec<String>,
}

impl<'p> Generator<'p> {
    /// `None` with the reason when the operator would refuse the resource.
    pub fn new(prom: &'p Prometheus, opts: Options) -> Result<Generator<'p>, String> {
        let text = if prom.version.is_empty() {
            crate::operator::DEFAULT_PROMETHEUS_VERSION
        } else {
            &prom.version
        };
        let version = Version::parse(text)
            .ok_or_else(|| format!("failed to parse Prometheus version {text:?}"))?;
        if version.major != 2 && version.major != 3 {
            return Err(format!("unsupported Prometheus version {text:?}"));
        }
        let defaults = prom.scrape_classes.iter().filter(|c| c.default).count();
        if defaults > 1 {
            return Err(
                "failed to parse scrape classes: multiple default scrape classes defined".into(),
            );
        }
        Ok(Generator {
            prom,
            version,
            opts,
            warnings: Vec::new(),
        })
    }

    /// Whether the Prometheus version has a setting added in `min`; when it
    /// does not, the setting is left out with a warning, as the operator does.
    fn since(&mut self, min: &str, field: &str) -> bool {
        if self.opts.no_version_check || self.version.at_least(min) {
            return true;
        }
        self.warnings.push(format!(
            "ignoring {field:?}: not supported by Prometheus {} (needs {min})",
            self.version_text()
        ));
        false
    }

    fn version_text(&self) -> String {
        let v = &self.version;
        format!("v{}.{}.{}", v.major, v.minor, v.patch)
    }

    /// The scrape class a monitor names, else the default one.
    fn scrape_class(&self, name: Option<&str>) -> Option<&'p ScrapeClass> {
        let classes = &self.prom.scrape_classes;
        name.and_then(|n| classes.iter().find(|c| c.name == n))
            .or_else(|| classes.iter().find(|c| c.default))
    }

    fn daemonset(&self) -> bool {
        self.prom.daemonset_mode()
    }

    /// Whether `enforcedNamespaceLabel` applies to a monitor.
    fn enforces_namespace(&self, kind: MonitorKind, meta: &Meta) -> bool {
        let label = &self.prom.enforced_namespace_label;
        if label.is_empty() {
            return false;
        }
        !self.prom.excluded_from_enforcement.iter().any(|e| {
            e.group == crate::operator::model::GROUP
                && e.resource == kind.resource()
                && e.namespace == meta.namespace
                && (e.name.is_empty() || e.name == meta.name)
        })
    }

    /// The jobs of the selected monitors, in the operator's order: service
    /// monitors, pod monitors, probes, scrape configs, each sorted by
    /// `namespace/name`.
    pub fn jobs(&mut self, res: &Resources) -> Vec<Job> {
        let mut service = Vec::new();
        let mut sms: Vec<_> = res.service_monitors.iter().collect();
        sms.sort_by_key(|m| m.meta.key());
        for m in sms {
            for (i, ep) in m.endpoints.iter().enumerate() {
                service.push(self.service_monitor_job(m, ep, i));
            }
        }
        let mut pod = Vec::new();
        let mut pms: Vec<_> = res.pod_monitors.iter().collect();
        pms.sort_by_key(|m| m.meta.key());
        for m in pms {
            for (i, ep) in m.endpoints.iter().enumerate() {
                pod.push(self.pod_monitor_job(m, ep, i));
            }
        }
        let mut rest = Vec::new();
        let mut probes: Vec<_> = res.probes.iter().collect();
        probes.sort_by_key(|m| m.meta.key());
        for p in probes {
            rest.push(self.probe_job(p));
        }
        let mut scs: Vec<_> = res.scrape_configs.iter().collect();
        scs.sort_by_key(|m| m.meta.key());
        for sc in scs {
            rest.push(self.scrape_config_job(sc));
        }
        match self.prom.kind {
            ServerKind::Prometheus => service.into_iter().chain(pod).chain(rest).collect(),
            // An agent writes pod monitors first; in DaemonSet mode only them.
            ServerKind::Agent if self.daemonset() => pod,
            ServerKind::Agent => pod.into_iter().chain(service).chain(rest).collect(),
        }
    }
}

/// A job's relabel rules being built, with where each user-written one
/// was written; the operator's own rules are pushed as plain values.
#[derive(Default)]
struct Rules {
    items: Vec<GoYaml>,
    at: Vec<Option<At>>,
}

impl Rules {
    fn new(items: Vec<GoYaml>) -> Rules {
        Rules {
            items,
            at: Vec::new(),
        }
    }

    /// Rules the user wrote (`generateRelabelConfig`), with their places.
    fn user(&mut self, rcs: &[RelabelConfig]) {
        self.at.resize(self.items.len(), None);
        self.items.extend(relabel::rules(rcs));
        self.at.extend(rcs.iter().map(|c| c.at));
    }

    /// The rules, and the place of each (`None`: the operator's).
    fn done(mut self) -> (GoYaml, Vec<Option<At>>) {
        self.at.resize(self.items.len(), None);
        (GoYaml::Seq(self.items), self.at)
    }
}

impl std::ops::Deref for Rules {
    type Target = Vec<GoYaml>;
    fn deref(&self) -> &Vec<GoYaml> {
        &self.items
    }
}

impl std::ops::DerefMut for Rules {
    fn deref_mut(&mut self) -> &mut Vec<GoYaml> {
        &mut self.items
    }
}

/// The places of a `metric_relabel_configs` list written from `rcs`.
fn places(rcs: &[RelabelConfig]) -> Vec<Option<At>> {
    rcs.iter().map(|c| c.at).collect()
}

/// A mapping being built in order (`yaml.MapSlice`).
#[derive(Default)]
struct Map(Vec<(String, GoYaml)>);

impl Map {
    fn push(&mut self, key: &str, value: GoYaml) {
        self.0.push((key.to_string(), value));
    }

    fn str(&mut self, key: &str, value: impl Into<String>) {
        self.push(key, GoYaml::Str(value.into()));
    }

    fn done(self) -> GoYaml {
        GoYaml::Map(self.0)
    }
}
