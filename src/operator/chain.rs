//! For a workload that asks to be scraped and is not: the first broken
//! link of the chain Prometheus → monitor → Service → pods → port, in
//! words. Relabel rules, the last link, are shown by the simulation itself.

use std::collections::BTreeMap;

use super::model::common::Meta;
use super::model::common::NamespaceSelector;
use super::model::monitors::{PodMonitor, ServiceMonitor};
use super::model::prometheus::MonitorSelection;
use super::model::Resources;
use super::select::{server_name, why_not, Namespaces};
use crate::k8s::selector::{label_map, LabelSelector};
use crate::k8s::{Object, Workload};
use crate::yaml::Node;

/// The monitors and Prometheus resources a config was generated from.
#[derive(Debug, Default)]
pub struct Monitors {
    pub resources: Resources,
    pub namespaces: Namespaces,
}

/// A Service among the input's objects, as the chain needs it.
struct Service<'a> {
    object: &'a Object<'a>,
    namespace: &'a str,
    labels: BTreeMap<String, String>,
    /// `spec.ports`: (name, targetPort as written).
    ports: Vec<(String, Option<&'a Node>)>,
}

impl Monitors {
    /// Why nothing scrapes `w`, given the other `objects` of the input
    /// (its Services); `None` when a monitor reaches one of its ports (the
    /// relabel rules then decide) or there are no monitors at all. That no
    /// monitor is meant for it is said only when it `asks` to be scraped.
    pub fn first_broken_link(
        &self,
        objects: &[Object<'_>],
        w: &Workload<'_>,
        asks: bool,
    ) -> Option<String> {
        let res = &self.resources;
        if res.service_monitors.is_empty() && res.pod_monitors.is_empty() {
            return None;
        }
        let ns = w.object.namespace.unwrap_or("default");
        let pod_labels = label_map(w.template_labels());
        let ports = w.declared_ports();
        let services: Vec<Service<'_>> = objects
            .iter()
            .filter(|o| o.kind == "Service" && o.namespace.unwrap_or("default") == ns)
            .filter(|o| selects_pods(o, &pod_labels))
            .map(service)
            .collect();
        let mut broken = Vec::new();
        for m in &res.service_monitors {
            for svc in &services {
                if watches(
                    &m.common.namespace_selector,
                    &m.meta.namespace,
                    svc.namespace,
                ) && m.common.selector.to_label_selector().matches(&svc.labels)
                {
                    match self.service_monitor_link(m, svc, &ports) {
                        None => return None,
                        Some(why) => broken.push(why),
                    }
                }
            }
        }
        for m in &res.pod_monitors {
            if watches(&m.common.namespace_selector, &m.meta.namespace, ns)
                && m.common.selector.to_label_selector().matches(&pod_labels)
            {
                match self.pod_monitor_link(m, &ports) {
                    None => return None,
                    Some(why) => broken.push(why),
                }
            }
        }
        if broken.is_empty() {
            return asks.then(|| no_monitor(&services));
        }
        Some(broken.join("; "))
    }

    fn service_monitor_link(
        &self,
        m: &ServiceMonitor,
        svc: &Service<'_>,
        ports: &[(String, i64)],
    ) -> Option<String> {
        let who = format!(
            "ServiceMonitor {} selects Service {}/{}",
            m.meta.key(),
            svc.namespace,
            svc.object.name.unwrap_or("")
        );
        if let Some(why) =
            self.unselected(&m.meta, |p| &p.service_monitors, "serviceMonitorSelector")
        {
            return Some(format!("{who}, but {why}"));
        }
        let mut missing = Vec::new();
        for ep in &m.endpoints {
            if ep.port.is_empty() {
                // targetPort (or nothing): the pods' ports decide.
                return None;
            }
            let Some((_, target)) = svc.ports.iter().find(|(name, _)| *name == ep.port) else {
                missing.push(format!("no port named `{}`", ep.port));
                continue;
            };
            match target.and_then(Node::as_str) {
                Some(name) if !ports.iter().any(|(n, _)| n == name) => missing.push(format!(
                    "its port `{}` targets the container port `{name}`, which the pods do not declare",
                    ep.port
                )),
                _ => return None,
            }
        }
        let names: Vec<&str> = svc.ports.iter().map(|(n, _)| n.as_str()).collect();
        Some(format!(
            "{who}, whose ports are named {}: {}",
            shown(&names),
            missing.join(", ")
        ))
    }

    fn pod_monitor_link(&self, m: &PodMonitor, ports: &[(String, i64)]) -> Option<String> {
        let who = format!("PodMonitor {} selects its pods", m.meta.key());
        if let Some(why) = self.unselected(&m.meta, |p| &p.pod_monitors, "podMonitorSelector") {
            return Some(format!("{who}, but {why}"));
        }
        let mut missing = Vec::new();
        for ep in &m.endpoints {
            match &ep.port {
                Some(name) if !ports.iter().any(|(n, _)| n == name) => {
                    missing.push(format!("`{name}`"))
                }
                _ => return None,
            }
        }
        let names: Vec<&str> = ports
            .iter()
            .filter(|(n, _)| !n.is_empty())
            .map(|(n, _)| n.as_str())
            .collect();
        Some(format!(
            "{who}, but they declare no port named {} (their named ports: {})",
            missing.join(" or "),
            shown(&names)
        ))
    }

    /// Why no Prometheus of the input selects a monitor; `None` when one
    /// does, or when there is none (every monitor is then compiled).
    fn unselected(
        &self,
        meta: &Meta,
        selection: impl Fn(&super::model::Prometheus) -> &MonitorSelection,
        field: &str,
    ) -> Option<String> {
        let mut why = Vec::new();
        for p in &self.resources.servers {
            match why_not(p, selection(p), field, meta, &self.namespaces) {
                None => return None,
                Some(w) => why.push(format!("{} does not select it: {w}", server_name(p))),
            }
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

/// Whether a Service's selector picks pods with `labels` (a Service
/// without a selector has hand-made endpoints: it picks no pods).
fn selects_pods(svc: &Object<'_>, labels: &BTreeMap<String, String>) -> bool {
    match svc.node.get("spec").and_then(|s| s.get("selector")) {
        Some(sel) if sel.as_map().is_some_and(|m| !m.is_empty()) => {
            LabelSelector::from_map_node(sel).matches(labels)
        }
        _ => false,
    }
}

fn service<'a>(o: &'a Object<'a>) -> Service<'a> {
    let ports = o
        .node
        .get("spec")
        .and_then(|s| s.get("ports"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            let name = p.get("name").and_then(Node::as_str).unwrap_or("");
            (name.to_string(), p.get("targetPort"))
        })
        .collect();
    Service {
        object: o,
        namespace: o.namespace.unwrap_or("default"),
        labels: label_map(o.labels()),
        ports,
    }
}

/// No monitor reaches the workload: say what a monitor would select.
fn no_monitor(services: &[Service<'_>]) -> String {
    match services.first() {
        None => "no ServiceMonitor reaches it (no Service selects its pods) and no PodMonitor selects its pods".to_string(),
        Some(svc) => {
            let labels: Vec<String> = svc.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(
                "Service {}/{} selects its pods, but no ServiceMonitor selects that Service (its labels: {}), and no PodMonitor selects the pods",
                svc.namespace,
                svc.object.name.unwrap_or(""),
                shown(&labels.iter().map(String::as_str).collect::<Vec<_>>())
            )
        }
    }
}

/// Whether a monitor in namespace `own` with `sel` looks in namespace `ns`.
pub fn watches(sel: &NamespaceSelector, own: &str, ns: &str) -> bool {
    if sel.any {
        true
    } else if sel.match_names.is_empty() {
        ns == own
    } else {
        sel.match_names.iter().any(|n| n == ns)
    }
}

fn shown(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    const AGENT: &str = "
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: obs}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
        - name: agent
          ports: [{name: metrics, containerPort: 9100}]
---
apiVersion: v1
kind: Service
metadata: {name: agent, namespace: obs, labels: {app: agent}}
spec:
  selector: {app: agent}
  ports: [{name: http-metrics, port: 9100, targetPort: metrics}]
";

    const PROMETHEUS: &str = "
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: kps, namespace: monitoring}
spec:
  serviceMonitorSelector: {matchLabels: {release: kps}}
  serviceMonitorNamespaceSelector: {}
  podMonitorSelector: {matchLabels: {release: kps}}
  podMonitorNamespaceSelector: {}
";

    /// The first broken link for the DaemonSet of `yaml`.
    fn link(yaml: &str) -> Option<String> {
        let src = Source::new("t.yaml", yaml);
        let docs = load_stream(&src, Limits::default()).expect("YAML");
        let objects = crate::k8s::objects_in(0, &docs);
        let (mut resources, errors) = Resources::read_each(&[&src], &objects);
        assert!(errors.is_empty(), "{errors:?}");
        resources.apply_crd_defaults();
        let monitors = Monitors {
            resources,
            namespaces: Namespaces::from_objects(&objects),
        };
        let ds = objects
            .iter()
            .find(|o| o.kind == "DaemonSet")
            .expect("DaemonSet");
        let w = Workload::from_object(*ds).expect("workload");
        monitors.first_broken_link(&objects, &w, true)
    }

    fn service_monitor(labels: &str, port: &str) -> String {
        format!(
            "
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: agent, namespace: obs, labels: {{{labels}}}}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  endpoints: [{{port: {port}}}]
"
        )
    }

    #[test]
    fn a_reachable_port_leaves_the_rest_to_the_relabel_rules() {
        let yaml = format!(
            "{AGENT}{PROMETHEUS}{}",
            service_monitor("release: kps", "http-metrics")
        );
        assert_eq!(link(&yaml), None);
    }

    #[test]
    fn the_prometheus_selection_is_the_first_link() {
        // The port is wrong too: the selection is named first.
        let yaml = format!(
            "{AGENT}{PROMETHEUS}{}",
            service_monitor("team: a", "metrics")
        );
        assert_eq!(
            link(&yaml).as_deref(),
            Some("ServiceMonitor obs/agent selects Service obs/agent, but Prometheus monitoring/kps does not select it: its labels do not match the serviceMonitorSelector: add the label `release: kps`")
        );
    }

    #[test]
    fn without_a_prometheus_every_monitor_is_selected() {
        let yaml = format!("{AGENT}{}", service_monitor("team: a", "metrics"));
        assert_eq!(
            link(&yaml).as_deref(),
            Some("ServiceMonitor obs/agent selects Service obs/agent, whose ports are named http-metrics: no port named `metrics`")
        );
    }

    #[test]
    fn a_service_port_targeting_an_undeclared_container_port() {
        let yaml = format!("{AGENT}{}", service_monitor("", "http-metrics"))
            .replace("targetPort: metrics", "targetPort: metric");
        assert_eq!(
            link(&yaml).as_deref(),
            Some("ServiceMonitor obs/agent selects Service obs/agent, whose ports are named http-metrics: its port `http-metrics` targets the container port `metric`, which the pods do not declare")
        );
    }

    #[test]
    fn a_pod_monitor_on_a_port_the_pods_do_not_declare() {
        let yaml = format!(
            "{AGENT}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {{name: agent, namespace: obs}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  podMetricsEndpoints: [{{port: http-metrics}}]
"
        );
        assert_eq!(
            link(&yaml).as_deref(),
            Some("PodMonitor obs/agent selects its pods, but they declare no port named `http-metrics` (their named ports: metrics)")
        );
    }

    #[test]
    fn no_monitor_selects_the_service() {
        let other = service_monitor("", "http-metrics").replace("{app: agent}}", "{app: other}}");
        let yaml = format!("{AGENT}{other}");
        assert_eq!(
            link(&yaml).as_deref(),
            Some("Service obs/agent selects its pods, but no ServiceMonitor selects that Service (its labels: app=agent), and no PodMonitor selects the pods")
        );
        let yaml = format!("{}{other}", AGENT.split("---").next().unwrap_or(""));
        assert_eq!(
            link(&yaml).as_deref(),
            Some("no ServiceMonitor reaches it (no Service selects its pods) and no PodMonitor selects its pods")
        );
    }
}
