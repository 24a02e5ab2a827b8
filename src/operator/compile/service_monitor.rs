//! A ServiceMonitor endpoint's job (`generateServiceMonitorConfig`).

use super::relabel::{self, copy_label, list, s, simple};
use super::{places, Generator, Job, Map, MonitorKind, Rules};
use crate::operator::model::common::{IntOrString, Selector};
use crate::operator::model::monitors::{EndpointCommon, MonitorCommon, ServiceEndpoint};
use crate::operator::model::prometheus::ScrapeClass;
use crate::operator::model::{At, ServiceMonitor};
use crate::yaml::GoYaml;

impl Generator<'_> {
    /// The discovery role: endpointslice when asked for and available.
    fn endpoint_role(&self, own: Option<&str>) -> &'static str {
        let wanted = own.or(self.prom.service_discovery_role.as_deref());
        if self.opts.endpoint_slice
            && self.version.at_least("2.21.0")
            && wanted == Some("EndpointSlice")
        {
            "endpointslice"
        } else {
            "endpoints"
        }
    }

    /// `attach_metadata` from the monitor, else its scrape class.
    pub(super) fn attach_metadata<'a>(
        common: &MonitorCommon,
        class: Option<&'a ScrapeClass>,
        min: &'a str,
    ) -> Option<(bool, &'a str)> {
        let chosen = common
            .attach_metadata_node
            .or_else(|| class.and_then(|c| c.attach_metadata_node));
        chosen.map(|node| (node.unwrap_or(false), min))
    }

    /// Role selectors when `selectorMechanism: RoleSelector`.
    pub(super) fn role_selectors(
        common: &MonitorCommon,
        selector: &Selector,
        roles: &[&str],
    ) -> Vec<GoYaml> {
        if common
            .selector_mechanism
            .as_deref()
            .unwrap_or("RelabelConfig")
            == "RelabelConfig"
        {
            return Vec::new();
        }
        let label = selector.to_selector_string();
        roles
            .iter()
            .map(|r| simple(&[("role", s(r)), ("label", GoYaml::str(label.clone()))]))
            .collect()
    }

    /// The endpoint fields written before the relabelings, common to
    /// service and pod monitors.
    pub(super) fn endpoint_head(&mut self, m: &mut Map, ep: &EndpointCommon) {
        if !ep.interval.is_empty() {
            m.str("scrape_interval", &ep.interval);
        }
        if !ep.scrape_timeout.is_empty() {
            m.str("scrape_timeout", &ep.scrape_timeout);
        }
        if !ep.path.is_empty() {
            m.str("metrics_path", &ep.path);
        }
        if let Some(params) = &ep.params {
            let entries = params
                .iter()
                .map(|(k, v)| (k.clone(), GoYaml::strs(v)))
                .collect();
            m.push("params", GoYaml::Map(entries));
        }
        if let Some(scheme) = &ep.scheme {
            m.str("scheme", scheme.to_lowercase());
        }
    }

    pub(super) fn service_monitor_job(
        &mut self,
        sm: &ServiceMonitor,
        ep: &ServiceEndpoint,
        i: usize,
    ) -> Job {
        let class = self.scrape_class(sm.common.limits.scrape_class_name.as_deref());
        let ns = sm.meta.namespace.as_str();
        let e = &ep.common;
        let name = format!("serviceMonitor/{}/{}/{i}", sm.meta.namespace, sm.meta.name);
        let mut m = Map::default();
        m.str("job_name", &name);
        self.honor_labels(&mut m, e.honor_labels);
        self.honor_timestamps(&mut m, e.honor_timestamps);
        self.track_timestamps_staleness(&mut m, e.track_timestamps_staleness);

        let role = self.endpoint_role(sm.service_discovery_role.as_deref());
        let attach = Self::attach_metadata(&sm.common, class, "2.37.0");
        let selectors = Self::role_selectors(&sm.common, &sm.common.selector, &[role, "service"]);
        self.k8s_sd(
            &mut m,
            &sm.common.namespace_selector,
            ns,
            role,
            attach,
            selectors,
        );

        self.endpoint_head(&mut m, e);
        if let Some(v) = e.http.follow_redirects {
            if self.since("2.26.0", "follow_redirects") {
                m.push("follow_redirects", GoYaml::Bool(v));
            }
        }
        if let Some(v) = e.http.enable_http2 {
            if self.since("2.35.0", "enable_http2") {
                m.push("enable_http2", GoYaml::Bool(v));
            }
        }
        self.proxy(&mut m, &e.http.proxy, ns);
        self.oauth2(&mut m, e.http.oauth2.as_ref(), ns);
        let tls = Self::merged_tls(e.http.tls.as_ref(), class, false);
        self.tls(&mut m, tls.as_ref(), ns);
        if !e.bearer_token_file.is_empty() {
            m.str("bearer_token_file", &e.bearer_token_file);
        }
        if let Some(secret) = e
            .http
            .bearer_token_secret
            .as_ref()
            .filter(|s| !s.name.is_empty())
        {
            m.str("bearer_token", secret.placeholder(ns));
        }
        self.basic_auth(&mut m, e.http.basic_auth.as_ref(), ns);
        self.authorization(&mut m, e.http.authorization.as_ref(), class, ns);

        let mut rules = Rules::new(relabel::init());
        if sm
            .common
            .selector_mechanism
            .as_deref()
            .unwrap_or("RelabelConfig")
            == "RelabelConfig"
        {
            relabel::selector_filters(&mut rules, &sm.common.selector, "service");
        }
        let slice = role == "endpointslice";
        if !ep.port.is_empty() {
            let source = if slice {
                "__meta_kubernetes_endpointslice_port_name"
            } else {
                "__meta_kubernetes_endpoint_port_name"
            };
            rules.push(simple(&[
                ("action", s("keep")),
                ("source_labels", list(&[source])),
                ("regex", s(&ep.port)),
            ]));
        } else if let Some(tp) = &ep.target_port {
            match tp {
                IntOrString::Str(name) if !name.is_empty() => rules.push(simple(&[
                    ("action", s("keep")),
                    (
                        "source_labels",
                        list(&["__meta_kubernetes_pod_container_port_name"]),
                    ),
                    ("regex", s(name)),
                ])),
                IntOrString::Int(n) if *n != 0 => rules.push(simple(&[
                    ("action", s("keep")),
                    (
                        "source_labels",
                        list(&["__meta_kubernetes_pod_container_port_number"]),
                    ),
                    ("regex", GoYaml::Int(*n)),
                ])),
                _ => {}
            }
        }
        let target = if slice {
            [
                "__meta_kubernetes_endpointslice_address_target_kind",
                "__meta_kubernetes_endpointslice_address_target_name",
            ]
        } else {
            [
                "__meta_kubernetes_endpoint_address_target_kind",
                "__meta_kubernetes_endpoint_address_target_name",
            ]
        };
        for (regex, label) in [("Node;(.*)", "node"), ("Pod;(.*)", "pod")] {
            rules.push(simple(&[
                ("source_labels", list(&target)),
                ("separator", s(";")),
                ("regex", s(regex)),
                ("replacement", s("${1}")),
                ("target_label", s(label)),
            ]));
        }
        for (source, target) in [
            ("__meta_kubernetes_namespace", "namespace"),
            ("__meta_kubernetes_service_name", "service"),
            ("__meta_kubernetes_pod_name", "pod"),
            ("__meta_kubernetes_pod_container_name", "container"),
        ] {
            rules.push(simple(&[
                ("source_labels", list(&[source])),
                ("target_label", s(target)),
            ]));
        }
        if e.filter_running.unwrap_or(true) {
            rules.push(relabel::running_filter());
        }
        for l in &sm.target_labels {
            let l = relabel::sanitize(l);
            rules.push(copy_label(
                &format!("__meta_kubernetes_service_label_{l}"),
                &l,
            ));
        }
        for l in sm
            .common
            .pod_target_labels
            .iter()
            .chain(&self.prom.pod_target_labels)
        {
            let l = relabel::sanitize(l);
            rules.push(copy_label(&format!("__meta_kubernetes_pod_label_{l}"), &l));
        }
        rules.push(simple(&[
            ("source_labels", list(&["__meta_kubernetes_service_name"])),
            ("target_label", s("job")),
            ("replacement", s("${1}")),
        ]));
        if !sm.common.job_label.is_empty() {
            let l = relabel::sanitize(&sm.common.job_label);
            rules.push(copy_label(
                &format!("__meta_kubernetes_service_label_{l}"),
                "job",
            ));
        }
        let endpoint = if !ep.port.is_empty() {
            Some(ep.port.clone())
        } else {
            ep.target_port
                .as_ref()
                .map(IntOrString::text)
                .filter(|t| !t.is_empty())
        };
        if let Some(endpoint) = endpoint {
            rules.push(simple(&[
                ("target_label", s("endpoint")),
                ("replacement", GoYaml::str(endpoint)),
            ]));
        }
        let (relabel_at, metric_at) = self.tail(
            &mut m,
            rules,
            MonitorKind::ServiceMonitor,
            sm,
            e,
            class,
            true,
        );
        Job {
            name,
            kind: MonitorKind::ServiceMonitor,
            monitor: sm.meta.key(),
            file: sm.file,
            config: m.done(),
            at: At {
                file: sm.file,
                span: e.node_span,
            },
            relabel_at,
            metric_at,
        }
    }
}

/// What [`Generator::tail`] needs of a service or pod monitor.
pub(super) trait Monitor {
    fn meta(&self) -> &crate::operator::model::Meta;
    fn common(&self) -> &MonitorCommon;
}

impl Monitor for ServiceMonitor {
    fn meta(&self) -> &crate::operator::model::Meta {
        &self.meta
    }
    fn common(&self) -> &MonitorCommon {
        &self.common
    }
}

impl Monitor for crate::operator::model::PodMonitor {
    fn meta(&self) -> &crate::operator::model::Meta {
        &self.meta
    }
    fn common(&self) -> &MonitorCommon {
        &self.common
    }
}

impl Generator<'_> {
    /// The scrape class's and the user's relabelings, sharding, limits and
    /// metric relabelings: the end of a service or pod monitor's job.
    /// Returns where each relabeling and metric relabeling was written.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn tail(
        &mut self,
        m: &mut Map,
        mut rules: Rules,
        kind: MonitorKind,
        mon: &dyn Monitor,
        e: &EndpointCommon,
        class: Option<&ScrapeClass>,
        shard: bool,
    ) -> (Vec<Option<At>>, Vec<Option<At>>) {
        let meta = mon.meta();
        if let Some(c) = class {
            rules.user(&c.relabelings);
        }
        rules.user(&self.enforced(kind, meta, &e.relabelings));
        if shard {
            self.sharding(&mut rules, self.prom.shard_count(), "__address__");
        }
        let (rules, relabel_at) = rules.done();
        m.push("relabel_configs", rules);
        self.add_limits(m, &mon.common().limits, class);
        self.body_size_limit(m, mon.common().limits.body_size_limit.as_deref());
        let mut metric = Vec::new();
        if let Some(c) = class {
            metric.extend(c.metric_relabelings.iter().cloned());
        }
        metric.extend(self.enforced(kind, meta, &e.metric_relabelings));
        if !metric.is_empty() {
            m.push(
                "metric_relabel_configs",
                GoYaml::Seq(relabel::rules(&metric)),
            );
        }
        (relabel_at, places(&metric))
    }
}
