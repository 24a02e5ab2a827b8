//! ServiceMonitor, PodMonitor and Probe, read from their YAML.

use std::collections::BTreeMap;

use super::common::{
    HttpConfig, IntOrString, Limits, Meta, NamespaceSelector, RelabelConfig, Selector,
};
use crate::diag::Result;
use crate::operator::read::Reader;
use crate::yaml::Node;

/// The monitor fields ServiceMonitor and PodMonitor share.
#[derive(Debug, Clone, Default)]
pub struct MonitorCommon {
    pub job_label: String,
    pub pod_target_labels: Vec<String>,
    pub selector: Selector,
    /// Where `spec.selector` is written.
    pub selector_span: Option<crate::yaml::Span>,
    pub selector_mechanism: Option<String>,
    pub namespace_selector: NamespaceSelector,
    pub attach_metadata_node: Option<Option<bool>>,
    pub limits: Limits,
}

impl MonitorCommon {
    fn read(r: &Reader, spec: Option<&Node>) -> Result<MonitorCommon> {
        let attach = r.object(spec, "attachMetadata")?;
        Ok(MonitorCommon {
            job_label: r.str(spec, "jobLabel")?,
            pod_target_labels: r.strings(spec, "podTargetLabels")?,
            selector: Selector::read(r, spec, "selector")?,
            selector_span: spec.and_then(|s| s.entry("selector")).map(|(k, _)| k.span),
            selector_mechanism: r.opt_str(spec, "selectorMechanism")?,
            namespace_selector: NamespaceSelector::read(r, spec)?,
            attach_metadata_node: match attach {
                Some(a) => Some(r.opt_bool(Some(a), "node")?),
                None => None,
            },
            limits: Limits::read(r, spec)?,
        })
    }
}

/// What every scrape endpoint has.
#[derive(Debug, Clone, Default)]
pub struct EndpointCommon {
    pub path: String,
    pub scheme: Option<String>,
    pub params: Option<BTreeMap<String, Vec<String>>>,
    pub interval: String,
    pub scrape_timeout: String,
    pub honor_labels: bool,
    pub honor_timestamps: Option<bool>,
    pub track_timestamps_staleness: Option<bool>,
    pub filter_running: Option<bool>,
    pub relabelings: Vec<RelabelConfig>,
    pub metric_relabelings: Vec<RelabelConfig>,
    pub http: HttpConfig,
    pub bearer_token_file: String,
    /// The endpoint in the user's file.
    pub node_span: crate::yaml::Span,
    /// Where `scrapeTimeout` is written.
    pub timeout_at: Option<super::common::At>,
}

impl EndpointCommon {
    fn read(r: &Reader, file: usize, ep: &Node) -> Result<EndpointCommon> {
        let o = Some(ep);
        Ok(EndpointCommon {
            path: r.str(o, "path")?,
            scheme: r.opt_str(o, "scheme")?,
            params: r.strings_map(o, "params")?,
            interval: r.str(o, "interval")?,
            scrape_timeout: r.str(o, "scrapeTimeout")?,
            honor_labels: r.bool(o, "honorLabels")?,
            honor_timestamps: r.opt_bool(o, "honorTimestamps")?,
            track_timestamps_staleness: r.opt_bool(o, "trackTimestampsStaleness")?,
            filter_running: r.opt_bool(o, "filterRunning")?,
            relabelings: RelabelConfig::read_list(r, file, o, "relabelings")?,
            metric_relabelings: RelabelConfig::read_list(r, file, o, "metricRelabelings")?,
            http: HttpConfig::read(r, o)?,
            bearer_token_file: r.str(o, "bearerTokenFile")?,
            node_span: ep.span,
            timeout_at: r
                .field(o, "scrapeTimeout")
                .map(|n| super::common::At { file, span: n.span }),
        })
    }
}

#[derive(Debug, Clone)]
pub struct ServiceEndpoint {
    pub port: String,
    pub target_port: Option<IntOrString>,
    /// Where `port` (else `targetPort`) is written.
    pub port_span: Option<crate::yaml::Span>,
    pub common: EndpointCommon,
}

#[derive(Debug, Clone)]
pub struct ServiceMonitor {
    pub meta: Meta,
    pub file: usize,
    pub common: MonitorCommon,
    pub target_labels: Vec<String>,
    pub service_discovery_role: Option<String>,
    pub endpoints: Vec<ServiceEndpoint>,
}

impl ServiceMonitor {
    pub fn read(r: &Reader, file: usize, obj: &Node) -> Result<ServiceMonitor> {
        let spec = r.object(Some(obj), "spec")?;
        let mut endpoints = Vec::new();
        for ep in r.seq(spec, "endpoints")? {
            endpoints.push(ServiceEndpoint {
                port: r.str(Some(ep), "port")?,
                target_port: IntOrString::read(r, Some(ep), "targetPort")?,
                port_span: r
                    .span_of(Some(ep), "port")
                    .or_else(|| r.span_of(Some(ep), "targetPort")),
                common: EndpointCommon::read(r, file, ep)?,
            });
        }
        Ok(ServiceMonitor {
            meta: Meta::read(r, obj)?,
            file,
            common: MonitorCommon::read(r, spec)?,
            target_labels: r.strings(spec, "targetLabels")?,
            service_discovery_role: r.opt_str(spec, "serviceDiscoveryRole")?,
            endpoints,
        })
    }
}

#[derive(Debug, Clone)]
pub struct PodEndpoint {
    /// Where `port` (else `portNumber`, else `targetPort`) is written.
    pub port_span: Option<crate::yaml::Span>,
    pub port: Option<String>,
    pub port_number: Option<i64>,
    pub target_port: Option<IntOrString>,
    pub common: EndpointCommon,
}

#[derive(Debug, Clone)]
pub struct PodMonitor {
    pub meta: Meta,
    pub file: usize,
    pub common: MonitorCommon,
    pub endpoints: Vec<PodEndpoint>,
}

impl PodMonitor {
    pub fn read(r: &Reader, file: usize, obj: &Node) -> Result<PodMonitor> {
        let spec = r.object(Some(obj), "spec")?;
        let mut endpoints = Vec::new();
        for ep in r.seq(spec, "podMetricsEndpoints")? {
            endpoints.push(PodEndpoint {
                port_span: r
                    .span_of(Some(ep), "port")
                    .or_else(|| r.span_of(Some(ep), "portNumber"))
                    .or_else(|| r.span_of(Some(ep), "targetPort")),
                port: r.opt_str(Some(ep), "port")?,
                port_number: r.opt_int(Some(ep), "portNumber")?,
                target_port: IntOrString::read(r, Some(ep), "targetPort")?,
                common: EndpointCommon::read(r, file, ep)?,
            });
        }
        Ok(PodMonitor {
            meta: Meta::read(r, obj)?,
            file,
            common: MonitorCommon::read(r, spec)?,
            endpoints,
        })
    }
}

/// `ProbeTargetStaticConfig`.
#[derive(Debug, Clone)]
pub struct ProbeStatic {
    pub targets: Vec<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub relabelings: Vec<RelabelConfig>,
}

/// `ProbeTargetIngress`.
#[derive(Debug, Clone)]
pub struct ProbeIngress {
    pub selector: Selector,
    pub namespace_selector: NamespaceSelector,
    pub relabelings: Vec<RelabelConfig>,
}

#[derive(Debug, Clone)]
pub struct Probe {
    pub meta: Meta,
    pub file: usize,
    pub job_name: String,
    pub prober_url: String,
    pub prober_scheme: Option<String>,
    pub prober_path: String,
    pub prober_proxy: super::common::ProxyConfig,
    pub module: String,
    pub params: Vec<(String, Vec<String>)>,
    pub static_config: Option<ProbeStatic>,
    pub ingress: Option<ProbeIngress>,
    pub interval: String,
    pub scrape_timeout: String,
    pub metric_relabelings: Vec<RelabelConfig>,
    pub http: HttpConfig,
    pub limits: Limits,
}

impl Probe {
    pub fn read(r: &Reader, file: usize, obj: &Node) -> Result<Probe> {
        let spec = r.object(Some(obj), "spec")?;
        let prober = r.object(spec, "prober")?;
        let targets = r.object(spec, "targets")?;
        let static_config = match r.object(targets, "staticConfig")? {
            Some(s) => Some(ProbeStatic {
                targets: r.strings(Some(s), "static")?,
                labels: r.string_map(Some(s), "labels")?,
                relabelings: RelabelConfig::read_list(r, file, Some(s), "relabelingConfigs")?,
            }),
            None => None,
        };
        let ingress = match r.object(targets, "ingress")? {
            Some(i) => Some(ProbeIngress {
                selector: Selector::read(r, Some(i), "selector")?,
                namespace_selector: NamespaceSelector::read(r, Some(i))?,
                relabelings: RelabelConfig::read_list(r, file, Some(i), "relabelingConfigs")?,
            }),
            None => None,
        };
        let mut params = Vec::new();
        for p in r.seq(spec, "params")? {
            params.push((r.str(Some(p), "name")?, r.strings(Some(p), "values")?));
        }
        Ok(Probe {
            meta: Meta::read(r, obj)?,
            file,
            job_name: r.str(spec, "jobName")?,
            prober_url: r.str(prober, "url")?,
            prober_scheme: r.opt_str(prober, "scheme")?,
            prober_path: r.str(prober, "path")?,
            prober_proxy: super::common::ProxyConfig::read(r, prober)?,
            module: r.str(spec, "module")?,
            params,
            static_config,
            ingress,
            interval: r.str(spec, "interval")?,
            scrape_timeout: r.str(spec, "scrapeTimeout")?,
            metric_relabelings: RelabelConfig::read_list(r, file, spec, "metricRelabelings")?,
            http: HttpConfig::read(r, spec)?,
            limits: Limits::read(r, spec)?,
        })
    }
}
