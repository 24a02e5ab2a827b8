//! A PodMonitor endpoint's job (`generatePodMonitorConfig`).

use super::relabel::{self, copy_label, list, s, simple};
use super::{Generator, Job, Map, MonitorKind, Rules};
use crate::operator::model::common::IntOrString;
use crate::operator::model::monitors::PodEndpoint;
use crate::operator::model::{At, PodMonitor};
use crate::yaml::GoYaml;

impl Generator<'_> {
    pub(super) fn pod_monitor_job(&mut self, pm: &PodMonitor, ep: &PodEndpoint, i: usize) -> Job {
        let class = self.scrape_class(pm.common.limits.scrape_class_name.as_deref());
        let ns = pm.meta.namespace.as_str();
        let e = &ep.common;
        let name = format!("podMonitor/{}/{}/{i}", pm.meta.namespace, pm.meta.name);
        let mut m = Map::default();
        m.str("job_name", &name);
        self.honor_labels(&mut m, e.honor_labels);
        self.honor_timestamps(&mut m, e.honor_timestamps);
        self.track_timestamps_staleness(&mut m, e.track_timestamps_staleness);

        let attach = Self::attach_metadata(&pm.common, class, "2.35.0");
        let selectors = Self::role_selectors(&pm.common, &pm.common.selector, &["pod"]);
        self.k8s_sd(
            &mut m,
            &pm.common.namespace_selector,
            ns,
            "pod",
            attach,
            selectors,
        );

        self.endpoint_head(&mut m, e);
        self.http_config(&mut m, &e.http, class, ns);
        if let Some(secret) = e
            .http
            .bearer_token_secret
            .as_ref()
            .filter(|s| !s.name.is_empty())
        {
            m.str("bearer_token", secret.placeholder(ns));
        }
        self.basic_auth(&mut m, e.http.basic_auth.as_ref(), ns);
        self.oauth2(&mut m, e.http.oauth2.as_ref(), ns);
        self.proxy(&mut m, &e.http.proxy, ns);
        self.authorization(&mut m, e.http.authorization.as_ref(), class, ns);

        let mut rules = Rules::new(relabel::init());
        if e.filter_running.unwrap_or(true) {
            rules.push(relabel::running_filter());
        }
        if pm
            .common
            .selector_mechanism
            .as_deref()
            .unwrap_or("RelabelConfig")
            == "RelabelConfig"
        {
            relabel::selector_filters(&mut rules, &pm.common.selector, "pod");
        }
        let port = ep.port.as_deref().filter(|p| !p.is_empty());
        if let Some(port) = port {
            rules.push(simple(&[
                ("action", s("keep")),
                (
                    "source_labels",
                    list(&["__meta_kubernetes_pod_container_port_name"]),
                ),
                ("regex", s(port)),
            ]));
        } else if let Some(n) = ep.port_number.filter(|n| *n != 0) {
            rules.push(simple(&[
                ("action", s("keep")),
                (
                    "source_labels",
                    list(&["__meta_kubernetes_pod_container_port_number"]),
                ),
                ("regex", GoYaml::Int(n)),
            ]));
        } else if let Some(tp) = &ep.target_port {
            self.warnings
                .push("'targetPort' is deprecated, use 'port' or 'portNumber' instead.".into());
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
        for (source, target) in [
            ("__meta_kubernetes_namespace", "namespace"),
            ("__meta_kubernetes_pod_container_name", "container"),
            ("__meta_kubernetes_pod_name", "pod"),
        ] {
            rules.push(simple(&[
                ("source_labels", list(&[source])),
                ("target_label", s(target)),
            ]));
        }
        for l in pm
            .common
            .pod_target_labels
            .iter()
            .chain(&self.prom.pod_target_labels)
        {
            let l = relabel::sanitize(l);
            rules.push(copy_label(&format!("__meta_kubernetes_pod_label_{l}"), &l));
        }
        rules.push(simple(&[
            ("target_label", s("job")),
            (
                "replacement",
                GoYaml::str(format!("{}/{}", pm.meta.namespace, pm.meta.name)),
            ),
        ]));
        if !pm.common.job_label.is_empty() {
            let l = relabel::sanitize(&pm.common.job_label);
            rules.push(copy_label(
                &format!("__meta_kubernetes_pod_label_{l}"),
                "job",
            ));
        }
        let endpoint = match port {
            Some(p) => Some(p.to_string()),
            None => ep
                .target_port
                .as_ref()
                .map(IntOrString::text)
                .filter(|t| !t.is_empty()),
        };
        if let Some(endpoint) = endpoint {
            rules.push(simple(&[
                ("target_label", s("endpoint")),
                ("replacement", GoYaml::str(endpoint)),
            ]));
        }
        // DaemonSet mode does not shard.
        let shard = !self.daemonset();
        let (relabel_at, metric_at) =
            self.tail(&mut m, rules, MonitorKind::PodMonitor, pm, e, class, shard);
        Job {
            name,
            kind: MonitorKind::PodMonitor,
            monitor: pm.meta.key(),
            file: pm.file,
            config: m.done(),
            at: At {
                file: pm.file,
                span: e.node_span,
            },
            relabel_at,
            metric_at,
        }
    }
}
