//! The Prometheus and PrometheusAgent resources: the fields that decide
//! which monitors are selected and how their jobs are written.

use super::common::{At, Authorization, KeyRef, Meta, RelabelConfig, Selector, TlsConfig};
use crate::diag::Result;
use crate::operator::read::Reader;
use crate::yaml::{Node, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Prometheus,
    Agent,
}

/// `spec.scrapeClasses[]`.
#[derive(Debug, Clone, Default)]
pub struct ScrapeClass {
    pub name: String,
    pub default: bool,
    pub tls: Option<TlsConfig>,
    pub authorization: Option<Authorization>,
    pub relabelings: Vec<RelabelConfig>,
    pub metric_relabelings: Vec<RelabelConfig>,
    pub attach_metadata_node: Option<Option<bool>>,
    pub fallback_scrape_protocol: Option<String>,
}

/// `spec.excludedFromEnforcement[]`.
#[derive(Debug, Clone)]
pub struct ObjectReference {
    pub group: String,
    pub resource: String,
    pub namespace: String,
    pub name: String,
}

/// One monitor kind's selectors on a Prometheus.
#[derive(Debug, Clone, Default)]
pub struct MonitorSelection {
    /// `None`: the field is absent (selects nothing).
    pub selector: Option<Selector>,
    /// `None`: only the Prometheus's own namespace.
    pub namespace_selector: Option<Selector>,
    /// Where the selector is written, to point findings at.
    pub selector_span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Prometheus {
    pub kind: ServerKind,
    pub meta: Meta,
    pub file: usize,
    pub anchor: Span,
    pub version: String,
    /// Where `spec.version` is written.
    pub version_span: Option<Span>,
    pub scrape_interval: String,
    pub scrape_timeout: String,
    pub evaluation_interval: String,
    pub external_labels: Vec<(String, String)>,
    pub replica_external_label_name: Option<String>,
    pub prometheus_external_label_name: Option<String>,
    pub service_monitors: MonitorSelection,
    pub pod_monitors: MonitorSelection,
    pub probes: MonitorSelection,
    pub scrape_configs: MonitorSelection,
    pub override_honor_labels: bool,
    pub override_honor_timestamps: bool,
    pub ignore_namespace_selectors: bool,
    pub enforced_namespace_label: String,
    pub excluded_from_enforcement: Vec<ObjectReference>,
    pub enforced_sample_limit: Option<i64>,
    pub enforced_target_limit: Option<i64>,
    pub enforced_label_limit: Option<i64>,
    pub enforced_label_name_length_limit: Option<i64>,
    pub enforced_label_value_length_limit: Option<i64>,
    pub enforced_keep_dropped_targets: Option<i64>,
    pub enforced_body_size_limit: String,
    pub sample_limit: Option<i64>,
    pub target_limit: Option<i64>,
    pub label_limit: Option<i64>,
    pub label_name_length_limit: Option<i64>,
    pub label_value_length_limit: Option<i64>,
    pub keep_dropped_targets: Option<i64>,
    pub body_size_limit: Option<String>,
    pub pod_target_labels: Vec<String>,
    pub shards: Option<i64>,
    pub scrape_classes: Vec<ScrapeClass>,
    pub service_discovery_role: Option<String>,
    /// PrometheusAgent `spec.mode`.
    pub mode: Option<String>,
    pub scrape_protocols: Vec<String>,
    pub query_log_file: String,
    pub rule_query_offset: Option<String>,
    pub scrape_failure_log_file: Option<String>,
    /// `spec.additionalScrapeConfigs`: the Secret key whose jobs follow
    /// the generated ones, and where it is written.
    pub additional_ref: Option<(KeyRef, Span)>,
    /// Those jobs, as found in the input (a Secret, or kube-prometheus-stack
    /// values).
    pub additional: Vec<AdditionalJob>,
}

/// A job of `additionalScrapeConfigs` and where it is written.
#[derive(Debug, Clone)]
pub struct AdditionalJob {
    pub config: crate::yaml::GoYaml,
    pub at: At,
    /// Where each of its `relabel_configs` is written.
    pub relabel_at: Vec<At>,
}

impl Prometheus {
    pub fn read(r: &Reader, file: usize, obj: &Node, kind: ServerKind) -> Result<Prometheus> {
        let spec = r.object(Some(obj), "spec")?;
        let selection = |sel: &str, ns: &str| -> Result<MonitorSelection> {
            let selector_node = r.field(spec, sel);
            Ok(MonitorSelection {
                selector: selector_node
                    .is_some()
                    .then(|| Selector::read(r, spec, sel))
                    .transpose()?,
                namespace_selector: r
                    .field(spec, ns)
                    .is_some()
                    .then(|| Selector::read(r, spec, ns))
                    .transpose()?,
                selector_span: r.field(spec, sel).map(|n| n.span),
            })
        };
        let mut scrape_classes = Vec::new();
        for c in r.seq(spec, "scrapeClasses")? {
            let o = Some(c);
            let attach = r.object(o, "attachMetadata")?;
            scrape_classes.push(ScrapeClass {
                name: r.str(o, "name")?,
                default: r.bool(o, "default")?,
                tls: TlsConfig::read(r, o, "tlsConfig")?,
                authorization: Authorization::read(r, o)?,
                relabelings: RelabelConfig::read_list(r, file, o, "relabelings")?,
                metric_relabelings: RelabelConfig::read_list(r, file, o, "metricRelabelings")?,
                attach_metadata_node: match attach {
                    Some(a) => Some(r.opt_bool(Some(a), "node")?),
                    None => None,
                },
                fallback_scrape_protocol: r.opt_str(o, "fallbackScrapeProtocol")?,
            });
        }
        let mut excluded = Vec::new();
        for e in r.seq(spec, "excludedFromEnforcement")? {
            let o = Some(e);
            excluded.push(ObjectReference {
                group: r
                    .opt_str(o, "group")?
                    .unwrap_or_else(|| "monitoring.coreos.com".to_string()),
                resource: r.str(o, "resource")?,
                namespace: r.str(o, "namespace")?,
                name: r.str(o, "name")?,
            });
        }
        Ok(Prometheus {
            kind,
            meta: Meta::read(r, obj)?,
            file,
            anchor: r
                .field(r.field(Some(obj), "metadata"), "name")
                .map_or(obj.span, |n| n.span),
            version: r.str(spec, "version")?,
            version_span: r.field(spec, "version").map(|n| n.span),
            scrape_interval: r.str(spec, "scrapeInterval")?,
            scrape_timeout: r.str(spec, "scrapeTimeout")?,
            evaluation_interval: r.str(spec, "evaluationInterval")?,
            external_labels: r
                .string_map(spec, "externalLabels")?
                .unwrap_or_default()
                .into_iter()
                .collect(),
            replica_external_label_name: r.opt_str(spec, "replicaExternalLabelName")?,
            prometheus_external_label_name: r.opt_str(spec, "prometheusExternalLabelName")?,
            service_monitors: selection(
                "serviceMonitorSelector",
                "serviceMonitorNamespaceSelector",
            )?,
            pod_monitors: selection("podMonitorSelector", "podMonitorNamespaceSelector")?,
            probes: selection("probeSelector", "probeNamespaceSelector")?,
            scrape_configs: selection("scrapeConfigSelector", "scrapeConfigNamespaceSelector")?,
            override_honor_labels: r.bool(spec, "overrideHonorLabels")?,
            override_honor_timestamps: r.bool(spec, "overrideHonorTimestamps")?,
            ignore_namespace_selectors: r.bool(spec, "ignoreNamespaceSelectors")?,
            enforced_namespace_label: r.str(spec, "enforcedNamespaceLabel")?,
            excluded_from_enforcement: excluded,
            enforced_sample_limit: r.opt_int(spec, "enforcedSampleLimit")?,
            enforced_target_limit: r.opt_int(spec, "enforcedTargetLimit")?,
            enforced_label_limit: r.opt_int(spec, "enforcedLabelLimit")?,
            enforced_label_name_length_limit: r.opt_int(spec, "enforcedLabelNameLengthLimit")?,
            enforced_label_value_length_limit: r.opt_int(spec, "enforcedLabelValueLengthLimit")?,
            enforced_keep_dropped_targets: r.opt_int(spec, "enforcedKeepDroppedTargets")?,
            enforced_body_size_limit: r.str(spec, "enforcedBodySizeLimit")?,
            sample_limit: r.opt_int(spec, "sampleLimit")?,
            target_limit: r.opt_int(spec, "targetLimit")?,
            label_limit: r.opt_int(spec, "labelLimit")?,
            label_name_length_limit: r.opt_int(spec, "labelNameLengthLimit")?,
            label_value_length_limit: r.opt_int(spec, "labelValueLengthLimit")?,
            keep_dropped_targets: r.opt_int(spec, "keepDroppedTargets")?,
            body_size_limit: r.opt_str(spec, "bodySizeLimit")?,
            pod_target_labels: r.strings(spec, "podTargetLabels")?,
            shards: r.opt_int(spec, "shards")?,
            scrape_classes,
            service_discovery_role: r.opt_str(spec, "serviceDiscoveryRole")?,
            mode: r.opt_str(spec, "mode")?,
            scrape_protocols: r.strings(spec, "scrapeProtocols")?,
            query_log_file: r.str(spec, "queryLogFile")?,
            rule_query_offset: r.opt_str(spec, "ruleQueryOffset")?,
            scrape_failure_log_file: r.opt_str(spec, "scrapeFailureLogFile")?,
            additional_ref: KeyRef::read_secret(r, spec, "additionalScrapeConfigs")?.map(|k| {
                let at = r.span_of(spec, "additionalScrapeConfigs");
                (k, at.unwrap_or(obj.span))
            }),
            additional: Vec::new(),
        })
    }

    /// `PrometheusAgent` in `mode: DaemonSet`: one agent per node scraping
    /// only its node's pods.
    pub fn daemonset_mode(&self) -> bool {
        self.kind == ServerKind::Agent && self.mode.as_deref() == Some("DaemonSet")
    }

    /// The operator's normalised shard count.
    pub fn shard_count(&self) -> i64 {
        match self.shards {
            Some(n) if n > 1 => n,
            _ => 1,
        }
    }

    /// The values the API server fills in from the CRD's defaults, so a
    /// manifest compiles as the operator sees it once applied.
    pub fn apply_crd_defaults(&mut self) {
        if self.scrape_interval.is_empty() {
            self.scrape_interval = "30s".into();
        }
        if self.evaluation_interval.is_empty() && self.kind == ServerKind::Prometheus {
            self.evaluation_interval = "30s".into();
        }
    }
}
