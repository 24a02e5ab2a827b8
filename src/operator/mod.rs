//! prometheus-operator, offline: its resources (Prometheus, PrometheusAgent,
//! ServiceMonitor, PodMonitor, Probe, ScrapeConfig), which monitors each
//! Prometheus selects, which it refuses, and the Prometheus configuration it
//! generates from them, as release [`OPERATOR_RELEASE`] does.
//!
//! CRD defaults: the API server fills in a CRD's defaults before the
//! operator reads an object, so manifests are compiled with them applied
//! ([`model::Resources::apply_crd_defaults`]: `scrapeInterval` and
//! `evaluationInterval` `30s`, Probe `prober.path` `/probe`). The operator's
//! own golden tests build objects in Go without defaults; they are compared
//! without them.

pub mod additional;
pub mod chain;
pub mod compile;
pub mod configs;
pub mod helm;
pub mod model;
mod read;
pub mod select;
mod validate;
pub mod version;

use compile::{Generator, Job, Options};
use model::{Prometheus, Resources, ServerKind};
use select::Namespaces;

/// The prometheus-operator release whose generator kdm follows.
pub const OPERATOR_RELEASE: &str = "v0.93.0";

/// The Prometheus version that release runs when `spec.version` is unset.
pub const DEFAULT_PROMETHEUS_VERSION: &str = "v3.13.1";

/// A monitor the operator would refuse, and why.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub kind: compile::MonitorKind,
    /// `namespace/name`.
    pub monitor: String,
    pub message: String,
    /// The refused part (a relabeling, `scrapeTimeout`), else the monitor.
    pub at: model::At,
}

/// What one Prometheus (or agent) would run.
#[derive(Debug)]
pub struct Compiled {
    /// `Kind namespace/name`, or `None` for the stand-in used when the input
    /// has monitors but no Prometheus.
    pub server: Option<String>,
    pub config: crate::yaml::GoYaml,
    pub jobs: Vec<Job>,
    pub rejected: Vec<Rejection>,
    pub warnings: Vec<String>,
}

/// A Prometheus that selects every monitor in every namespace: what kdm
/// compiles against when the input has monitors but no Prometheus.
pub fn stand_in_prometheus() -> Prometheus {
    let every = || model::prometheus::MonitorSelection {
        selector: Some(Default::default()),
        namespace_selector: Some(Default::default()),
        selector_span: None,
    };
    Prometheus {
        kind: ServerKind::Prometheus,
        meta: model::Meta {
            name: "prometheus".into(),
            namespace: "monitoring".into(),
            labels: Default::default(),
            anchor: crate::yaml::Span::default(),
            labels_span: None,
        },
        file: 0,
        anchor: crate::yaml::Span::default(),
        version: String::new(),
        version_span: None,
        scrape_interval: "30s".into(),
        scrape_timeout: String::new(),
        evaluation_interval: "30s".into(),
        external_labels: Vec::new(),
        replica_external_label_name: None,
        prometheus_external_label_name: None,
        service_monitors: every(),
        pod_monitors: every(),
        probes: every(),
        scrape_configs: every(),
        override_honor_labels: false,
        override_honor_timestamps: false,
        ignore_namespace_selectors: false,
        enforced_namespace_label: String::new(),
        excluded_from_enforcement: Vec::new(),
        enforced_sample_limit: None,
        enforced_target_limit: None,
        enforced_label_limit: None,
        enforced_label_name_length_limit: None,
        enforced_label_value_length_limit: None,
        enforced_keep_dropped_targets: None,
        enforced_body_size_limit: String::new(),
        sample_limit: None,
        target_limit: None,
        label_limit: None,
        label_name_length_limit: None,
        label_value_length_limit: None,
        keep_dropped_targets: None,
        body_size_limit: None,
        pod_target_labels: Vec::new(),
        shards: None,
        scrape_classes: Vec::new(),
        service_discovery_role: None,
        mode: None,
        scrape_protocols: Vec::new(),
        query_log_file: String::new(),
        rule_query_offset: None,
        scrape_failure_log_file: None,
        additional_ref: None,
        additional: Vec::new(),
    }
}

/// Compiles `selected` (already selected) monitors for `prom`: the
/// refused ones are left out and reported, the rest become jobs.
pub fn compile_selected(
    prom: &Prometheus,
    selected: &Resources,
    opts: Options,
) -> Result<Compiled, String> {
    validate::server(prom)?;
    let (accepted, rejected) = validate::split(prom, selected);
    let mut compiled = generate(prom, &accepted, opts)?;
    compiled.rejected = rejected;
    Ok(compiled)
}

/// The selected monitors `prom` would refuse.
pub fn refusals(prom: &Prometheus, selected: &Resources) -> Vec<Rejection> {
    validate::split(prom, selected).1
}

/// The generator alone (`GenerateServerConfiguration`): every monitor in
/// `accepted` becomes jobs, unchecked, as in the operator's golden tests.
pub fn generate(
    prom: &Prometheus,
    accepted: &Resources,
    opts: Options,
) -> Result<Compiled, String> {
    let mut generator = Generator::new(prom, opts)?;
    let mut jobs = generator.jobs(accepted);
    jobs.extend(generator.additional_jobs());
    let global = generator.global();
    let config = compile::render_config(global, &jobs);
    Ok(Compiled {
        server: None,
        config,
        jobs,
        rejected: Vec::new(),
        warnings: generator.warnings,
    })
}

/// Every Prometheus in `all` with the monitors it selects; with none, the
/// [`stand_in_prometheus`] selecting everything.
pub fn compile_all(
    all: &Resources,
    namespaces: &Namespaces,
    opts: Options,
) -> Vec<(Prometheus, Result<Compiled, String>)> {
    let servers: Vec<Prometheus> = if all.servers.is_empty() {
        vec![stand_in_prometheus()]
    } else {
        all.servers.clone()
    };
    servers
        .into_iter()
        .map(|prom| {
            let selected = select::select(&prom, all, namespaces);
            let compiled = compile_selected(&prom, &selected, opts).map(|mut c| {
                if !all.servers.is_empty() {
                    c.server = Some(select::server_name(&prom));
                }
                c
            });
            (prom, compiled)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// Resources are checked against the CRDs of the release whose
    /// configuration generator kdm follows.
    #[test]
    fn the_bundled_crds_are_of_the_release_followed() {
        assert_eq!(super::OPERATOR_RELEASE, crate::k8s::schema::CRD_RELEASE);
    }
}
