//! Lint rules, one file each, grouped by what they inspect.
pub mod coverage;
pub mod hardening;
pub mod labels;
pub mod operator;
pub mod pods;
pub mod prometheus;
pub mod schema;
pub mod selectors;
pub mod volumes;

use crate::yaml::Node;

/// The string entries of a mapping node (non-string values are skipped;
/// the schema rule reports wrong types).
pub fn string_entries(node: Option<&Node>) -> Vec<(&Node, &Node, &str, &str)> {
    let Some(entries) = node.and_then(Node::as_map) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(k, v)| Some((k, v, k.as_str()?, v.as_str().unwrap_or(""))))
        .collect()
}

/// Annotation prefix for inline opt-outs: `ignore.kdm.dev/<rule-id>: <reason>`.
pub const IGNORE_PREFIX: &str = "ignore.kdm.dev/";

/// The annotation maps whose `ignore.kdm.dev/` keys apply to an object:
/// its own and its pod template's.
pub fn ignore_annotation_maps<'a>(o: &crate::k8s::Object<'a>) -> Vec<&'a crate::yaml::Node> {
    let mut maps: Vec<&crate::yaml::Node> = o.annotations().into_iter().collect();
    let template = crate::k8s::kinds::PodTemplate::of(o.kind)
        .and_then(|at| at.template(o.node))
        .filter(|t| !std::ptr::eq(*t, o.node));
    if let Some(a) = template.and_then(|t| t.get("metadata")?.get("annotations")) {
        maps.push(a);
    }
    maps
}
