//! Rules about label selectors: whether they exist, are valid, and select
//! what they should.
mod selector_empty;
mod selector_invalid_expression;
mod selector_mismatch;
mod selector_missing;
mod selector_overlap;
mod service_selects_nothing;
mod service_target_port_undeclared;

pub mod selector;

use std::collections::HashMap;

use selector::{labels_of, LabelIndex};

use crate::k8s::{Object, Workload};
use crate::lint::Rule;
use crate::yaml::{Node, Resolved};

pub const RULES: &[&dyn Rule] = &[
    &selector_mismatch::SelectorMismatch,
    &selector_missing::SelectorMissing,
    &selector_empty::SelectorEmpty,
    &selector_invalid_expression::SelectorInvalidExpression,
    &selector_overlap::SelectorOverlap,
    &service_selects_nothing::ServiceSelectsNothing,
    &service_target_port_undeclared::ServiceTargetPortUndeclared,
];

/// apps/v1 kinds whose `spec.selector` is required and must not be empty.
pub(crate) fn is_apps_workload(kind: &str) -> bool {
    crate::k8s::kinds::lookup(kind)
        .is_some_and(|k| k.api_version == "apps/v1" && k.pod_template.is_some())
}

/// Which objects end up in the same namespace. An object without
/// `metadata.namespace` goes wherever it is applied, so it is only grouped
/// with namespace-less objects of the same file (applied together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NamespaceKey<'a> {
    Named(&'a str),
    Unset { file: usize },
}

pub(crate) fn namespace_key<'a>(o: &Object<'a>) -> NamespaceKey<'a> {
    match o.namespace {
        Some(ns) => NamespaceKey::Named(ns),
        None => NamespaceKey::Unset { file: o.file },
    }
}

/// The workloads of a run by namespace, indexed by their pods' labels (for
/// the Service rules: which workloads a Service selects).
pub(crate) fn workloads_by_namespace<'c, 'a>(
    workloads: &'c [Workload<'a>],
) -> HashMap<NamespaceKey<'a>, LabelIndex<'a, &'c Workload<'a>>> {
    let mut by_namespace: HashMap<NamespaceKey<'a>, LabelIndex<'a, &'c Workload<'a>>> =
        HashMap::new();
    for w in workloads {
        by_namespace
            .entry(namespace_key(&w.object))
            .or_default()
            .push(w, labels_of(w.template_labels()));
    }
    by_namespace
}

pub(crate) fn is_true(node: Option<&Node>) -> bool {
    matches!(node.and_then(Node::resolve), Some(Resolved::Bool(true)))
}

/// `spec.manualSelector: true` of a Job, or of a CronJob's job template.
pub(crate) fn manual_selector(w: &Workload<'_>) -> bool {
    matches!(w.object.kind, "Job" | "CronJob")
        && is_true(w.workload_spec.and_then(|s| s.get("manualSelector")))
}

/// The selector a controller uses to count and adopt its pods, when the
/// user wrote it: Jobs generate theirs unless `manualSelector` is set,
/// Pods have none.
pub(crate) fn controller_selector<'a>(w: &Workload<'a>) -> Option<&'a Node> {
    match w.object.kind {
        "Pod" => None,
        "Job" | "CronJob" if !manual_selector(w) => None,
        _ => w.selector.filter(|s| s.as_map().is_some()),
    }
}

/// The key node of `spec.selector` (a one-token place to report at).
pub(crate) fn selector_key<'a>(w: &Workload<'a>) -> Option<&'a Node> {
    w.workload_spec?.entry("selector").map(|(k, _)| k)
}
