//! Which monitors a Prometheus selects (`pkg/prometheus/resource_selector.go`):
//! a missing `*Selector` selects nothing, `{}` selects everything; a missing
//! `*NamespaceSelector` means the Prometheus's own namespace only, `{}`
//! every namespace. Namespaces are matched on the labels of the Namespace
//! objects in the input plus `kubernetes.io/metadata.name`, which the API
//! server sets on every namespace.

use std::collections::{BTreeMap, HashMap};

use super::model::common::Meta;
use super::model::prometheus::MonitorSelection;
use super::model::{Prometheus, Resources, ServerKind};

/// Labels of the namespaces defined in the input.
#[derive(Debug, Default)]
pub struct Namespaces {
    pub labels: HashMap<String, BTreeMap<String, String>>,
}

impl Namespaces {
    /// The Namespace objects among `objects`.
    pub fn from_objects(objects: &[crate::k8s::Object]) -> Namespaces {
        let mut out = Namespaces::default();
        for o in objects
            .iter()
            .filter(|o| o.kind == "Namespace" && o.api_version == "v1")
        {
            let labels: BTreeMap<String, String> = o
                .labels()
                .and_then(|l| l.as_map())
                .unwrap_or(&[])
                .iter()
                .filter_map(|(k, v)| Some((k.key_string(), v.as_str()?.to_string())))
                .collect();
            if let Some(name) = o.name {
                out.labels.insert(name.to_string(), labels);
            }
        }
        out
    }

    /// The labels a namespace has in the cluster, as far as the input says.
    pub fn labels_of(&self, name: &str) -> BTreeMap<String, String> {
        let mut labels = self.labels.get(name).cloned().unwrap_or_default();
        labels.insert("kubernetes.io/metadata.name".into(), name.into());
        labels
    }
}

/// Why a monitor is not selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unselected {
    /// The Prometheus has no selector for this kind.
    NoSelector,
    /// The monitor's labels do not satisfy the selector.
    Labels,
    /// The monitor's namespace is not selected.
    Namespace,
}

/// Whether `selection` picks a resource with `meta` for `prom`.
pub fn selects(
    prom: &Prometheus,
    selection: &MonitorSelection,
    meta: &Meta,
    namespaces: &Namespaces,
) -> Result<(), Unselected> {
    let Some(selector) = &selection.selector else {
        return Err(Unselected::NoSelector);
    };
    if !selector.to_label_selector().matches(&meta.labels) {
        return Err(Unselected::Labels);
    }
    let ns_ok = match &selection.namespace_selector {
        None => meta.namespace == prom.meta.namespace,
        Some(sel) => sel
            .to_label_selector()
            .matches(&namespaces.labels_of(&meta.namespace)),
    };
    if !ns_ok {
        return Err(Unselected::Namespace);
    }
    Ok(())
}

/// The monitors `prom` selects.
pub fn select(prom: &Prometheus, all: &Resources, namespaces: &Namespaces) -> Resources {
    let pick = |sel: &MonitorSelection, meta: &Meta| selects(prom, sel, meta, namespaces).is_ok();
    Resources {
        servers: Vec::new(),
        service_monitors: all
            .service_monitors
            .iter()
            .filter(|m| pick(&prom.service_monitors, &m.meta))
            .cloned()
            .collect(),
        pod_monitors: all
            .pod_monitors
            .iter()
            .filter(|m| pick(&prom.pod_monitors, &m.meta))
            .cloned()
            .collect(),
        probes: all
            .probes
            .iter()
            .filter(|m| pick(&prom.probes, &m.meta))
            .cloned()
            .collect(),
        scrape_configs: all
            .scrape_configs
            .iter()
            .filter(|m| pick(&prom.scrape_configs, &m.meta))
            .cloned()
            .collect(),
        other_kinds: Vec::new(),
    }
}

/// Why `prom` does not select a monitor, in words (`field` names the
/// Prometheus's selector, e.g. `serviceMonitorSelector`); `None` when it
/// does.
pub fn why_not(
    prom: &Prometheus,
    selection: &MonitorSelection,
    field: &str,
    meta: &Meta,
    namespaces: &Namespaces,
) -> Option<String> {
    let reason = selects(prom, selection, meta, namespaces).err()?;
    Some(match reason {
        Unselected::NoSelector => format!("the Prometheus has no {field}, so it selects none"),
        Unselected::Labels => {
            let selector = selection.selector.as_ref()?.to_label_selector();
            let unmet = selector.first_unmet(&meta.labels)?;
            let r = &selector.requirements[unmet];
            match r.operator {
                crate::k8s::selector::Operator::Equals => format!(
                    "its labels do not match the {field}: add the label `{}: {}`",
                    r.key,
                    r.values.first().map_or("", String::as_str)
                ),
                op => format!(
                    "its labels do not match the {field}: `{}` {op:?} {:?}",
                    r.key, r.values
                ),
            }
        }
        Unselected::Namespace => match selection.namespace_selector {
            None => format!(
                "its namespace {} is not the Prometheus's own ({}), and the Prometheus has no {}",
                meta.namespace,
                prom.meta.namespace,
                field.replace("Selector", "NamespaceSelector")
            ),
            Some(_) => format!(
                "its namespace {} is not selected by the {}",
                meta.namespace,
                field.replace("Selector", "NamespaceSelector")
            ),
        },
    })
}

/// `Prometheus monitoring/k8s`, `PrometheusAgent monitoring/agent`.
pub fn server_name(prom: &Prometheus) -> String {
    let kind = match prom.kind {
        ServerKind::Prometheus => "Prometheus",
        ServerKind::Agent => "PrometheusAgent",
    };
    format!("{kind} {}", prom.meta.key())
}
