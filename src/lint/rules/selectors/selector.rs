//! `metav1.LabelSelector` evaluation over YAML nodes.

use std::collections::BTreeMap;

use crate::yaml::Node;

/// The result of evaluating a selector against a label set.
#[derive(Debug, Clone, PartialEq)]
pub enum Eval<'a> {
    Matches,
    /// The first requirement that fails, as its node.
    Fails(&'a Node),
}

/// A label set by key.
pub type Labels<'a> = BTreeMap<&'a str, &'a str>;

/// Labels of a mapping node as a map (string values only).
pub fn labels_of(node: Option<&Node>) -> Labels<'_> {
    super::super::string_entries(node)
        .into_iter()
        .map(|(_, _, k, v)| (k, v))
        .collect()
}

/// Evaluates `matchLabels` and `matchExpressions` as the API server does.
/// Malformed requirements are not judged here (another rule reports them).
pub fn evaluate<'a>(selector: &'a Node, labels: &BTreeMap<&str, &str>) -> Eval<'a> {
    if let Some(entries) = selector.get("matchLabels").and_then(Node::as_map) {
        for (k, v) in entries {
            let (Some(key), Some(value)) = (k.as_str(), v.as_str()) else {
                continue;
            };
            if labels.get(key) != Some(&value) {
                return Eval::Fails(k);
            }
        }
    }
    for expr in selector
        .get("matchExpressions")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        let Some(key) = expr.get("key").and_then(Node::as_str) else {
            continue;
        };
        let values: Vec<&str> = expr
            .get("values")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .collect();
        let present = labels.get(key);
        let ok = match expr.get("operator").and_then(Node::as_str) {
            Some("In") => present.is_some_and(|v| values.contains(v)),
            Some("NotIn") => present.is_none_or(|v| !values.contains(v)),
            Some("Exists") => present.is_some(),
            Some("DoesNotExist") => present.is_none(),
            _ => continue,
        };
        if !ok {
            return Eval::Fails(expr.get("key").unwrap_or(expr));
        }
    }
    Eval::Matches
}

/// True when the selector has no requirements (it selects everything).
pub fn is_empty(selector: &Node) -> bool {
    let labels = selector
        .get("matchLabels")
        .and_then(Node::as_map)
        .is_none_or(<[_]>::is_empty);
    let exprs = selector
        .get("matchExpressions")
        .and_then(Node::as_seq)
        .is_none_or(<[_]>::is_empty);
    labels && exprs
}

/// Every `metav1.LabelSelector` of a workload, with where it is: its own
/// `spec.selector`, pod (anti-)affinity terms and topology spread
/// constraints. Only mappings are returned.
pub fn label_selectors<'a>(w: &crate::k8s::Workload<'a>) -> Vec<(&'static str, &'a Node)> {
    let mut out = Vec::new();
    if let Some(s) = w.selector.filter(|s| s.as_map().is_some()) {
        out.push(("spec.selector", s));
    }
    let Some(pod) = w.pod_spec else {
        return out;
    };
    let mut push = |what: &'static str, n: Option<&'a Node>| {
        if let Some(n) = n.filter(|n| n.as_map().is_some()) {
            out.push((what, n));
        }
    };
    let seq = |n: Option<&'a Node>, key: &str| -> &'a [Node] {
        n.and_then(|n| n.get(key))
            .and_then(Node::as_seq)
            .unwrap_or(&[])
    };
    for kind in ["podAffinity", "podAntiAffinity"] {
        let aff = pod.get("affinity").and_then(|a| a.get(kind));
        for term in seq(aff, "requiredDuringSchedulingIgnoredDuringExecution") {
            push("affinity labelSelector", term.get("labelSelector"));
            push("affinity namespaceSelector", term.get("namespaceSelector"));
        }
        for weighted in seq(aff, "preferredDuringSchedulingIgnoredDuringExecution") {
            let term = weighted.get("podAffinityTerm");
            push(
                "affinity labelSelector",
                term.and_then(|t| t.get("labelSelector")),
            );
            push(
                "affinity namespaceSelector",
                term.and_then(|t| t.get("namespaceSelector")),
            );
        }
    }
    for c in seq(Some(pod), "topologySpreadConstraints") {
        push(
            "topologySpreadConstraints labelSelector",
            c.get("labelSelector"),
        );
    }
    out
}
