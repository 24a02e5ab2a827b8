//! YAML targets: label maps, file_sd groups, a targets API response, or
//! Kubernetes objects (each keeping its place for errors).

use std::borrow::Cow;

use super::json::from_api;
use super::{Group, GroupLabels, Targets};
use crate::decode::{Decoder, Dialect};
use crate::diag::{Error, Result};
use crate::k8s_sd::KubeObject;
use crate::relabel::{sort_pairs, to_pairs, Flavor, Labels};
use crate::yaml::{Node, NodeKind, Source};

/// A YAML mapping of label names to scalar values.
fn yaml_labels(src: &Source, node: &Node, flavor: Flavor) -> Result<Labels> {
    let Some(entries) = node.as_map() else {
        return Err(Error::at(
            src,
            node.span,
            "expected a map of label names to values",
            "not a mapping",
        ));
    };
    let mut out = Labels::new();
    for (k, v) in entries {
        let value = match &v.kind {
            NodeKind::Scalar { text, .. } => {
                if v.is_null() {
                    String::new()
                } else {
                    text.to_string()
                }
            }
            _ => {
                return Err(Error::at(
                    src,
                    v.span,
                    format!("label {:?} must have a string value", k.key_string()),
                    "not a string",
                ))
            }
        };
        let name = k.key_string();
        if !flavor.label_scheme().is_valid_label_name(&name) {
            return Err(Error::at(
                src,
                k.span,
                format!("{name:?} is not a valid label name"),
                "invalid label name",
            ));
        }
        out.insert(name, value);
    }
    Ok(out)
}

pub(super) fn from_docs(src: &Source, docs: &[Node], flavor: Flavor) -> Result<Targets<'static>> {
    let is_kube = |n: &Node| n.get("kind").is_some() && n.get("apiVersion").is_some();
    let all_items: Vec<&Node> = docs
        .iter()
        .flat_map(|d| match d.as_seq() {
            Some(items) => items.iter().collect::<Vec<_>>(),
            None => vec![d],
        })
        .filter(|n| !n.is_null())
        .collect();
    if all_items.is_empty() && docs.iter().all(Node::is_null) {
        return Err(Error::plain(format!(
            "{}: no targets in the file (only empty documents)",
            src.name
        )));
    }
    if all_items.iter().any(|n| is_kube(n)) {
        let mut out = Vec::new();
        for n in all_items {
            if !is_kube(n) {
                return Err(Error::at(
                    src,
                    n.span,
                    "expected a Kubernetes object (with apiVersion and kind)",
                    "not a Kubernetes object",
                ));
            }
            flatten_kube_node(src, n, &mut out);
        }
        return Ok(Targets::Kubernetes(out));
    }
    if let Some(data) = docs[0]
        .get("data")
        .filter(|d| d.get("activeTargets").is_some())
    {
        return from_api(src, &data.to_json(), flavor);
    }
    if all_items.iter().any(|n| n.get("targets").is_some()) {
        let mut groups = Vec::new();
        for (i, n) in all_items.iter().enumerate() {
            let Some(entries) = n.as_map() else {
                return Err(Error::at(
                    src,
                    n.span,
                    "expected a target group",
                    "not a mapping",
                ));
            };
            let mut group = Group {
                source: format!("{}:{i}", src.name),
                ..Group::default()
            };
            let mut labels = Vec::new();
            for (k, v) in entries {
                match k.key_string().as_str() {
                    "targets" => {
                        for t in Decoder::new(src, Dialect::Go).seq(v, "[]string")? {
                            let Some(addr) = t.as_str() else {
                                return Err(Error::at(src, t.span, "a target must be a string", "not a string"));
                            };
                            group.targets.push(vec![(
                                Cow::Borrowed("__address__"),
                                Cow::Owned(addr.to_string()),
                            )]);
                        }
                    }
                    "labels" => labels = to_pairs(yaml_labels(src, v, flavor)?),
                    _ => {
                        return Err(Decoder::new(src, Dialect::Go).unknown_field(
                            k,
                            "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels model.LabelSet \"yaml:\\\"labels\\\"\" }",
                            &["targets", "labels"],
                        ))
                    }
                }
            }
            labels.retain(|(k, _)| k != "__meta_filepath");
            labels.push((
                Cow::Borrowed("__meta_filepath"),
                Cow::Owned(src.name.clone()),
            ));
            sort_pairs(&mut labels);
            group.labels = GroupLabels::Pairs(labels);
            groups.push(group);
        }
        return Ok(Targets::Groups(groups));
    }
    let maps = all_items
        .iter()
        .map(|n| yaml_labels(src, n, flavor).map(to_pairs))
        .collect::<Result<Vec<_>>>()?;
    Ok(Targets::Groups(vec![Group {
        source: src.name.clone(),
        labels: GroupLabels::default(),
        targets: maps,
    }]))
}

fn flatten_kube_node(src: &Source, n: &Node, out: &mut Vec<KubeObject>) {
    let is_list = n
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"));
    if is_list {
        if let Some(items) = n.get("items").and_then(Node::as_seq) {
            for item in items {
                flatten_kube_node(src, item, out);
            }
            return;
        }
    }
    out.push(KubeObject {
        value: n.to_json(),
        span: n.span,
        source: src.clone(),
    });
}
