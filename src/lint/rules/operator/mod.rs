//! Rules of the `operator` group: why prometheus-operator scrapes nothing.
//! Each follows one link of the chain Prometheus → monitor → Service → pods
//! → port, over the objects in the input (`crate::operator` reads them).
mod monitor_not_selected;
mod monitor_port_missing;
mod monitor_refused;
mod monitor_selects_nothing;

use std::collections::BTreeMap;

use crate::k8s::Object;
use crate::lint::{Context, Rule};
use crate::operator::model::Resources;
use crate::operator::select::Namespaces;
use crate::yaml::{Node, Source};

pub const RULES: &[&dyn Rule] = &[
    &monitor_not_selected::MonitorNotSelected,
    &monitor_selects_nothing::MonitorSelectsNothing,
    &monitor_port_missing::MonitorPortMissing,
    &monitor_refused::MonitorRefused,
];

/// The prometheus-operator resources of a lint run; malformed ones are
/// left to `schema-invalid`.
pub struct Data {
    pub res: Resources,
    pub namespaces: Namespaces,
}

pub fn data(ctx: &Context<'_>) -> Option<Data> {
    if ctx.operator.is_none()
        && !ctx
            .objects
            .iter()
            .any(|o| o.api_version.starts_with("monitoring.coreos.com/"))
    {
        return None;
    }
    let sources: Vec<&Source> = ctx.files.iter().map(|f| &f.source).collect();
    let (mut res, _) = Resources::read_each(&sources, &ctx.objects);
    // kube-prometheus-stack values define a Prometheus and monitors too
    // (only in the users' files, not in the configs generated from them).
    if let Some(o) = ctx.operator {
        let docs: Vec<&[Node]> = ctx.files[..o.first]
            .iter()
            .map(|f| f.docs.as_slice())
            .collect();
        if let Ok((chart, _)) = crate::operator::helm::read(&sources[..o.first], &docs, &o.release)
        {
            res.servers.extend(chart.servers);
            res.service_monitors.extend(chart.service_monitors);
            res.pod_monitors.extend(chart.pod_monitors);
        }
    }
    res.apply_crd_defaults();
    Some(Data {
        res,
        namespaces: Namespaces::from_objects(&ctx.objects),
    })
}

pub use crate::operator::chain::watches;

/// An object's namespace as written (namespace-less objects count as
/// `default`, where kubectl would create them).
pub fn namespace_of<'a>(o: &Object<'a>) -> &'a str {
    o.namespace.unwrap_or("default")
}

pub use crate::k8s::selector::label_map as labels;

/// How many `key: value` pairs of `wanted` `have` holds: the nearest
/// candidate is the one holding most.
pub fn shared(wanted: &BTreeMap<String, String>, have: &BTreeMap<String, String>) -> usize {
    wanted
        .iter()
        .filter(|(k, v)| have.get(*k) == Some(*v))
        .count()
}
