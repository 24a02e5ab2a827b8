//! Lint rules, one file each, grouped by what they inspect.
pub mod coverage;
pub mod hardening;
pub mod labels;
pub mod operator;
pub mod pods;
pub mod prometheus;
pub mod rbac;
pub mod schema;
pub mod selectors;
pub mod suppressions;
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
