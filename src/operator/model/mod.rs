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

pub const GROUP: &str = crate::k8s::schema::CRD_GROUP;

/// Whether kdm reads `o` as a prometheus-operator resource.
pub fn is_read_kind(o: &Object) -> bool {
    o.api_version.split('/').next() == Some(GROUP)
        && matches!(
            o.kind,
            "Prometheus"
                | "PrometheusAgent"
                | "ServiceMonitor"
                | "PodMonitor"
                | "Probe"
                | "ScrapeConfig"
        )
}

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
    /// file each came from. The first malformed resource is an error.
    pub fn read(sources: &[&Source], objects: &[Object]) -> Result<Resources> {
        let (res, mut errors) = Resources::read_each(sources, objects);
        match errors.is_empty() {
            true => Ok(res),
            false => Err(errors.swap_remove(0)),
        }
    }

    /// [`Resources::read`], keeping every well-formed resource and an error
    /// for each malformed one (lint reports those through the schema rule).
    pub fn read_each(sources: &[&Source], objects: &[Object]) -> (Resources, Vec<Error>) {
        let mut out = Resources::default();
        let mut errors = Vec::new();
        for o in objects {
            let group = o.api_version.split('/').next().unwrap_or("");
            if group != GROUP {
                continue;
            }
            let Some(src) = sources.get(o.file) else {
                errors.push(Error::plain("internal error: object without a source"));
                continue;
            };
            let read = match crate::k8s::kinds::classify(o.kind, o.api_version) {
                // The API server stores no object at a version its CRD
                // does not serve, so the operator never sees one.
                crate::k8s::kinds::Known::Unserved { served, .. } => Err(unserved(src, o, &served)),
                _ => out.read_one(src, o),
            };
            if let Err(e) = read {
                errors.push(e);
            }
        }
        (out, errors)
    }

    fn read_one(&mut self, src: &Source, o: &Object) -> Result<()> {
        let r = Reader::new(src);
        match o.kind {
            "Prometheus" => self.servers.push(Prometheus::read(
                &r,
                o.file,
                o.node,
                ServerKind::Prometheus,
            )?),
            "PrometheusAgent" => {
                self.servers
                    .push(Prometheus::read(&r, o.file, o.node, ServerKind::Agent)?)
            }
            "ServiceMonitor" => self
                .service_monitors
                .push(ServiceMonitor::read(&r, o.file, o.node)?),
            "PodMonitor" => self
                .pod_monitors
                .push(PodMonitor::read(&r, o.file, o.node)?),
            "Probe" => self.probes.push(Probe::read(&r, o.file, o.node)?),
            "ScrapeConfig" => self
                .scrape_configs
                .push(ScrapeConfig::read(&r, o.file, o.node)?),
            other => self
                .other_kinds
                .push((other.to_string(), o.file, o.anchor())),
        }
        Ok(())
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

/// The error for a resource at an apiVersion its CRD does not serve.
fn unserved(src: &Source, o: &Object, served: &[&str]) -> Error {
    let span = o.api_version_span();
    Error::at(
        src,
        span,
        format!(
            "apiVersion {:?} is not served for {} by prometheus-operator {}'s CRDs",
            o.api_version,
            o.kind,
            crate::operator::OPERATOR_RELEASE
        ),
        "not served",
    )
    .with_help(format!("use apiVersion: {}", served.join(" or ")))
}
