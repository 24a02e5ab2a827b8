//! The ScrapeConfig resource (monitoring.coreos.com/v1alpha1) with the
//! service discoveries kdm compiles: static, file, HTTP and Kubernetes.

use std::collections::BTreeMap;

use super::common::{HttpConfig, Limits, Meta, RelabelConfig};
use crate::diag::Result;
use crate::operator::read::Reader;
use crate::yaml::{Node, Span};

/// The discoveries kdm does not compile; a ScrapeConfig using one gets no
/// job and a note, rather than a job missing its targets.
pub const UNMODELLED_SDS: &[&str] = &[
    "consulSDConfigs",
    "dnsSDConfigs",
    "ec2SDConfigs",
    "azureSDConfigs",
    "gceSDConfigs",
    "openstackSDConfigs",
    "digitalOceanSDConfigs",
    "kumaSDConfigs",
    "eurekaSDConfigs",
    "dockerSDConfigs",
    "linodeSDConfigs",
    "hetznerSDConfigs",
    "nomadSDConfigs",
    "dockerSwarmSDConfigs",
    "puppetDBSDConfigs",
    "lightSailSDConfigs",
    "ovhcloudSDConfigs",
    "scalewaySDConfigs",
    "ionosSDConfigs",
];

#[derive(Debug, Clone)]
pub struct StaticConfig {
    pub targets: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct FileSd {
    pub files: Vec<String>,
    pub refresh_interval: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HttpSd {
    pub url: String,
    pub refresh_interval: Option<String>,
    pub http: HttpConfig,
}

#[derive(Debug, Clone)]
pub struct K8sSelector {
    pub role: String,
    pub label: Option<String>,
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct KubernetesSd {
    pub api_server: Option<String>,
    pub role: String,
    pub namespaces: Option<(Vec<String>, Option<bool>)>,
    pub selectors: Vec<K8sSelector>,
    pub attach_metadata_node: Option<Option<bool>>,
    pub http: HttpConfig,
}

#[derive(Debug, Clone)]
pub struct ScrapeConfig {
    pub meta: Meta,
    pub file: usize,
    pub job_name: Option<String>,
    pub static_configs: Vec<StaticConfig>,
    pub file_sd: Vec<FileSd>,
    pub http_sd: Vec<HttpSd>,
    pub kubernetes_sd: Vec<KubernetesSd>,
    /// A discovery kdm does not compile, and where it is written.
    pub unmodelled: Option<(String, Span)>,
    pub relabelings: Vec<RelabelConfig>,
    pub metric_relabelings: Vec<RelabelConfig>,
    pub metrics_path: Option<String>,
    pub params: BTreeMap<String, Vec<String>>,
    pub scrape_interval: Option<String>,
    pub scrape_timeout: Option<String>,
    pub honor_timestamps: Option<bool>,
    pub track_timestamps_staleness: Option<bool>,
    pub honor_labels: Option<bool>,
    pub scheme: Option<String>,
    pub enable_compression: Option<bool>,
    pub enable_http2: Option<bool>,
    pub http: HttpConfig,
    pub limits: Limits,
}

impl ScrapeConfig {
    pub fn read(r: &Reader, file: usize, obj: &Node) -> Result<ScrapeConfig> {
        let spec = r.object(Some(obj), "spec")?;
        let mut static_configs = Vec::new();
        for s in r.seq(spec, "staticConfigs")? {
            static_configs.push(StaticConfig {
                targets: r.strings(Some(s), "targets")?,
                labels: r.string_map(Some(s), "labels")?.unwrap_or_default(),
            });
        }
        let mut file_sd = Vec::new();
        for s in r.seq(spec, "fileSDConfigs")? {
            file_sd.push(FileSd {
                files: r.strings(Some(s), "files")?,
                refresh_interval: r.opt_str(Some(s), "refreshInterval")?,
            });
        }
        let mut http_sd = Vec::new();
        for s in r.seq(spec, "httpSDConfigs")? {
            let mut http = HttpConfig::read(r, Some(s))?;
            http.enable_http2 = r.opt_bool(Some(s), "enableHTTP2")?;
            http_sd.push(HttpSd {
                url: r.str(Some(s), "url")?,
                refresh_interval: r.opt_str(Some(s), "refreshInterval")?,
                http,
            });
        }
        let mut kubernetes_sd = Vec::new();
        for s in r.seq(spec, "kubernetesSDConfigs")? {
            let o = Some(s);
            let mut selectors = Vec::new();
            for sel in r.seq(o, "selectors")? {
                selectors.push(K8sSelector {
                    role: r.str(Some(sel), "role")?,
                    label: r.opt_str(Some(sel), "label")?,
                    field: r.opt_str(Some(sel), "field")?,
                });
            }
            let namespaces = match r.object(o, "namespaces")? {
                Some(n) => Some((
                    r.strings(Some(n), "names")?,
                    r.opt_bool(Some(n), "ownNamespace")?,
                )),
                None => None,
            };
            let attach = r.object(o, "attachMetadata")?;
            let mut http = HttpConfig::read(r, o)?;
            http.enable_http2 = r.opt_bool(o, "enableHTTP2")?;
            kubernetes_sd.push(KubernetesSd {
                api_server: r.opt_str(o, "apiServer")?,
                role: r.str(o, "role")?,
                namespaces,
                selectors,
                attach_metadata_node: match attach {
                    Some(a) => Some(r.opt_bool(Some(a), "node")?),
                    None => None,
                },
                http,
            });
        }
        let unmodelled = UNMODELLED_SDS.iter().find_map(|sd| {
            r.field(spec, sd)
                .filter(|n| n.as_seq().is_some_and(|s| !s.is_empty()))
                .map(|n| (sd.to_string(), n.span))
        });
        Ok(ScrapeConfig {
            meta: Meta::read(r, obj)?,
            file,
            job_name: r.opt_str(spec, "jobName")?,
            static_configs,
            file_sd,
            http_sd,
            kubernetes_sd,
            unmodelled,
            relabelings: RelabelConfig::read_list(r, file, spec, "relabelings")?,
            metric_relabelings: RelabelConfig::read_list(r, file, spec, "metricRelabelings")?,
            metrics_path: r.opt_str(spec, "metricsPath")?,
            params: r.strings_map(spec, "params")?.unwrap_or_default(),
            scrape_interval: r.opt_str(spec, "scrapeInterval")?,
            scrape_timeout: r.opt_str(spec, "scrapeTimeout")?,
            honor_timestamps: r.opt_bool(spec, "honorTimestamps")?,
            track_timestamps_staleness: r.opt_bool(spec, "trackTimestampsStaleness")?,
            honor_labels: r.opt_bool(spec, "honorLabels")?,
            scheme: r.opt_str(spec, "scheme")?,
            enable_compression: r.opt_bool(spec, "enableCompression")?,
            enable_http2: r.opt_bool(spec, "enableHTTP2")?,
            http: HttpConfig::read(r, spec)?,
            limits: Limits::read(r, spec)?,
        })
    }
}
