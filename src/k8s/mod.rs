//! A span-aware view of Kubernetes objects: each object keeps its YAML node,
//! so checks can point at `file:line:col`. Workload kinds share one accessor
//! for their pod template ([`kinds::PodTemplate`]).

pub mod deprecations;
pub mod kinds;
pub mod names;
pub mod rbac;
pub mod schema;
pub mod selector;
pub mod simulate;
pub mod typed;
pub mod validation;

use crate::yaml::{Node, Span};
use kinds::PodTemplate;

/// One Kubernetes object (Lists are flattened).
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// Index of the file in the lint run.
    pub file: usize,
    pub node: &'a Node,
    pub kind: &'a str,
    pub api_version: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
}

impl<'a> Object<'a> {
    /// `Kind/namespace/name` for messages.
    pub fn display_name(&self) -> String {
        match (self.namespace, self.name) {
            (Some(ns), Some(n)) => format!("{}/{ns}/{n}", self.kind),
            (None, Some(n)) => format!("{}/{n}", self.kind),
            _ => self.kind.to_string(),
        }
    }

    /// Where a finding about the object as a whole points: its
    /// `apiVersion`, or the object when it has none.
    pub fn api_version_span(&self) -> Span {
        self.node
            .get("apiVersion")
            .map_or(self.node.span, |n| n.span)
    }

    pub fn metadata(&self) -> Option<&'a Node> {
        self.node.get("metadata")
    }

    pub fn labels(&self) -> Option<&'a Node> {
        self.metadata()?.get("labels")
    }

    pub fn annotations(&self) -> Option<&'a Node> {
        self.metadata()?.get("annotations")
    }

    /// Whether the two objects may end up in one namespace: one without
    /// `metadata.namespace` goes wherever it is applied. (For references
    /// that must resolve; grouping for selectors is stricter.)
    pub fn may_share_namespace(&self, other: &Object<'_>) -> bool {
        match (self.namespace, other.namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// The span to report object-level findings at: the name, else `kind`.
    pub fn anchor(&self) -> Span {
        self.metadata()
            .and_then(|m| m.get("name"))
            .or_else(|| self.node.get("kind"))
            .map_or(self.node.span, |n| n.span)
    }
}

/// The objects of a file's documents, `kind: List` items included.
/// Documents without `kind` and `apiVersion` are not Kubernetes objects.
pub fn objects_in(file: usize, docs: &[Node]) -> Vec<Object<'_>> {
    let mut out = Vec::new();
    for doc in docs {
        collect(file, doc, &mut out, 0);
    }
    out
}

fn collect<'a>(file: usize, node: &'a Node, out: &mut Vec<Object<'a>>, depth: usize) {
    let (Some(kind), Some(api_version)) = (
        node.get("kind").and_then(Node::as_str),
        node.get("apiVersion").and_then(Node::as_str),
    ) else {
        return;
    };
    if kind.ends_with("List") && depth < 4 {
        if let Some(items) = node.get("items").and_then(Node::as_seq) {
            for item in items {
                collect(file, item, out, depth + 1);
            }
            return;
        }
    }
    let metadata = node.get("metadata");
    out.push(Object {
        file,
        node,
        kind,
        api_version,
        name: metadata.and_then(|m| m.get("name")).and_then(Node::as_str),
        namespace: metadata
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str),
    });
}

/// A workload and the parts of it that pod-level checks look at.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    pub object: Object<'a>,
    /// The spec holding `selector` and `template`: the object's own, or a
    /// CronJob's job template's; a Pod has none.
    pub workload_spec: Option<&'a Node>,
    /// `selector` of the workload spec where the kind has one.
    pub selector: Option<&'a Node>,
    /// The pod template (`metadata` + `spec`); for a Pod, the Pod itself.
    pub template: Option<&'a Node>,
    /// The pod spec.
    pub pod_spec: Option<&'a Node>,
}

impl<'a> Workload<'a> {
    pub fn from_object(object: Object<'a>) -> Option<Workload<'a>> {
        let at = PodTemplate::of(object.kind)?;
        let workload_spec = at.workload_spec(object.node);
        let template = at.template(object.node);
        Some(Workload {
            object,
            workload_spec,
            selector: workload_spec.and_then(|s| s.get("selector")),
            template,
            pod_spec: template.and_then(|t| t.get("spec")),
        })
    }

    /// Labels of the pods it creates.
    pub fn template_labels(&self) -> Option<&'a Node> {
        self.template?.get("metadata")?.get("labels")
    }

    /// The ports its containers declare: (name, or empty; number, or 0).
    pub fn declared_ports(&self) -> Vec<(String, i64)> {
        let mut out = Vec::new();
        for (_, c) in self.containers() {
            for p in c.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
                let name = p.get("name").and_then(Node::as_str).unwrap_or("");
                let number = match p.get("containerPort").and_then(Node::resolve) {
                    Some(crate::yaml::Resolved::Int(n)) => n,
                    _ => 0,
                };
                out.push((name.to_string(), number));
            }
        }
        out
    }

    /// Regular, init and ephemeral containers, with their list name.
    pub fn containers(&self) -> Vec<(&'static str, &'a Node)> {
        let mut out = Vec::new();
        let Some(spec) = self.pod_spec else {
            return out;
        };
        for key in ["initContainers", "containers", "ephemeralContainers"] {
            for c in spec.get(key).and_then(Node::as_seq).unwrap_or(&[]) {
                out.push((key, c));
            }
        }
        out
    }
}
