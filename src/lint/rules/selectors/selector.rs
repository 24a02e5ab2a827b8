//! Where a workload's label selectors are, and its template labels indexed
//! for the rules that match selectors against many workloads (the matching
//! itself is `k8s::selector`).

use std::collections::{BTreeMap, HashMap};

use crate::k8s::selector::LabelSelector;
use crate::yaml::Node;

/// A label set by key.
pub type Labels<'a> = BTreeMap<&'a str, &'a str>;

/// Labels of a mapping node as a map (string values only).
pub fn labels_of(node: Option<&Node>) -> Labels<'_> {
    super::super::string_entries(node)
        .into_iter()
        .map(|(_, _, k, v)| (k, v))
        .collect()
}

/// Items with their label sets, indexed by each label, so that the items
/// carrying one label are found without looking at the others.
pub struct LabelIndex<'a, T> {
    pub items: Vec<(T, Labels<'a>)>,
    by_label: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<T> Default for LabelIndex<'_, T> {
    fn default() -> Self {
        LabelIndex {
            items: Vec::new(),
            by_label: HashMap::new(),
        }
    }
}

impl<'a, T> LabelIndex<'a, T> {
    pub fn push(&mut self, item: T, labels: Labels<'a>) {
        let at = self.items.len();
        for (&k, &v) in &labels {
            self.by_label.entry((k, v)).or_default().push(at);
        }
        self.items.push((item, labels));
    }

    /// Positions of the items whose labels include `key: value`, in order.
    pub fn carrying<'s>(&'s self, key: &'s str, value: &'s str) -> &'s [usize] {
        self.by_label.get(&(key, value)).map_or(&[], Vec::as_slice)
    }

    /// Positions of the items `selector` may match, in order: those carrying
    /// the label it pins, or all when it pins none.
    pub fn may_match<'s>(
        &'s self,
        selector: &'s LabelSelector,
    ) -> impl Iterator<Item = usize> + 's {
        let (carrying, all) = match selector.pinned_label() {
            Some((k, v)) => (self.carrying(k, v), 0..0),
            None => (&[][..], 0..self.items.len()),
        };
        carrying.iter().copied().chain(all)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::Workload;
    use crate::yaml::{load_stream, Limits, Source};

    /// The index never hides a workload a selector matches: every selector
    /// is checked against every template, as a full scan would.
    #[test]
    fn the_label_index_keeps_every_template_a_selector_matches() {
        let selectors = [
            "{matchLabels: {app: a}}",
            "{matchLabels: {app: a, tier: web}}",
            "{matchLabels: {tier: null, app: a}}",
            "{matchLabels: {tier: {x: 1}, app: b}}",
            "{matchLabels: {port: 9100}}",
            "{matchLabels: {}, matchExpressions: [{key: app, operator: In, values: [a, b]}]}",
            "{matchExpressions: [{key: app, operator: Exists}]}",
            "{matchExpressions: [{key: app, operator: DoesNotExist}]}",
            "{matchExpressions: [{key: app, operator: In, values: [a]}]}",
            "{matchExpressions: [{key: x, operator: Exists}, {key: tier, operator: In, values: [web]}]}",
        ];
        let labels = [
            "{app: a}",
            "{app: a, tier: web}",
            "{app: b, tier: null}",
            "{port: '9100'}",
            "{port: 9100, app: c}",
            "{}",
            "{tier: web}",
        ];
        let mut text = String::new();
        for (i, sel) in selectors.iter().enumerate() {
            for (j, l) in labels.iter().enumerate() {
                text.push_str(&format!(
                    "---\nkind: Deployment\napiVersion: apps/v1\nmetadata: {{name: d{i}-{j}}}\n\
                     spec: {{selector: {sel}, template: {{metadata: {{labels: {l}}}}}}}\n"
                ));
            }
        }
        let docs = load_stream(&Source::new("t.yaml", text), Limits::default()).unwrap();
        let workloads: Vec<Workload<'_>> = crate::k8s::objects_in(0, &docs)
            .into_iter()
            .filter_map(Workload::from_object)
            .collect();
        assert_eq!(workloads.len(), selectors.len() * labels.len());
        let mut index = LabelIndex::default();
        for w in &workloads {
            index.push(w, labels_of(w.template_labels()));
        }
        let mut matches = 0;
        for b in &workloads {
            let Some(sel_b) = b.selector else {
                panic!("every workload has a selector");
            };
            let sel_b = LabelSelector::from_node(sel_b);
            let found: Vec<usize> = index.may_match(&sel_b).collect();
            for (at, (_, labels_a)) in index.items.iter().enumerate() {
                if sel_b.matches(labels_a) {
                    matches += 1;
                    assert!(found.contains(&at), "{at} is missed");
                }
            }
        }
        assert!(matches > 100, "{matches}");
    }
}
