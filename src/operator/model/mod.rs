//! prometheus-operator's resources, read from manifests with the location
//! of everything a user wrote.

pub mod common;
pub mod monitors;
pub mod prometheus;
pub mod scrape_config;

use crate::diag::{Error, Result};
use crate::k8s::Object;
use crate::operator::read::Reader;
use crate::yaml::{Source, Span};

pub use common::{At, Meta, RelabelConfig};
pub use monitors::{PodMonitor, Probe, ServiceMonitor};
pub use prometheus::{Prometheus, ServerKind};
pub use scrape_config::ScrapeConfig;

pub const GROUP: &str = "monitoring.coreos.com";

/// Every prometheus-operator resource in the input.
#[derive(Debug, Default)]
pub struct Resources {
    pub servers: Vec<Prometheus>,
    pub service_monitors: Vec<ServiceMonitor>,
    pub pod_monitors: Vec<PodMonitor>,
    pub probes: Vec<Probe>,
    pub scrape_configs: Vec<ScrapeConfig>,
    /// monitoring.coreos.com kinds kdm does not compile (Alertmanager,
    /// PrometheusRule, ...): `(kind, file, span)`.
    pub other_kinds: Vec<(String, usize, Span)>,
}

impl Resources {
    /// Reads the resources among `objects`; `sources[object.file]` is the
    /// file each came from.
    pub fn read(sources: &[&Source], objects: &[Object]) -> Result<Resources> {
        let mut out = Resources::default();
        for o in objects {
            let group = o.api_version.split('/').next().unwrap_or("");
            if group != GROUP {
                continue;
            }
            let src = sources
                .get(o.file)
                .ok_or_else(|| Error::plain("internal error: object without a source"))?;
            let r = Reader::new(src);
            match o.kind {
                "Prometheus" => out.servers.push(Prometheus::read(
                    &r,
                    o.file,
                    o.node,
                    ServerKind::Prometheus,
                )?),
                "PrometheusAgent" => {
                    out.servers
                        .push(Prometheus::read(&r, o.file, o.node, ServerKind::Agent)?)
                }
                "ServiceMonitor" => out
                    .service_monitors
                    .push(ServiceMonitor::read(&r, o.file, o.node)?),
                "PodMonitor" => out.pod_monitors.push(PodMonitor::read(&r, o.file, o.node)?),
                "Probe" => out.probes.push(Probe::read(&r, o.file, o.node)?),
                "ScrapeConfig" => out
                    .scrape_configs
                    .push(ScrapeConfig::read(&r, o.file, o.node)?),
                other => out
                    .other_kinds
                    .push((other.to_string(), o.file, o.anchor())),
            }
        }
        Ok(out)
    }

    pub fn monitor_count(&self) -> usize {
        self.service_monitors.len()
            + self.pod_monitors.len()
            + self.probes.len()
            + self.scrape_configs.len()
    }

    /// Probe `prober.path` defaults to `/probe` in the CRD; the API server
    /// fills it in before the operator reads the object.
    pub fn apply_crd_defaults(&mut self) {
        for s in &mut self.servers {
            s.apply_crd_defaults();
        }
        for p in &mut self.probes {
            if p.prober_path.is_empty() {
                p.prober_path = "/probe".into();
            }
        }
    }
}
