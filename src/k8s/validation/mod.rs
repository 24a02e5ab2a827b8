//! What kube-apiserver checks beyond the OpenAPI schema, for the kinds kdm
//! lints: enumerations, quantities, ranges, name formats, exclusive and
//! cross-field rules, duplicates (`pkg/apis/{core,apps,batch,rbac}/validation`
//! and apimachinery's `ValidateObjectMeta`). Messages are worded as the API
//! server words its `field.Error`s, so they can be searched for.
//!
//! What the schema already refuses (a missing required field, a wrong type)
//! and what other lint rules report (label keys and values, port names,
//! selector agreement, undeclared mounts) is left to them: a value of the
//! wrong type is skipped here.

mod container;
mod meta;
mod pod;
mod probe;
pub mod quantity;
mod rbac;
mod security;
mod service;
mod workload;

use crate::k8s::Object;
use crate::yaml::{Node, NodeKind, Resolved, Span};

/// One refusal of the API server, at the node it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub span: Span,
    /// `spec.template.spec.containers[0].image`, as the API server prints it.
    pub path: String,
    /// The message after the path: `Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"`.
    pub message: String,
    pub help: Option<String>,
}

/// A field path built on the stack, rendered only when a problem is found.
#[derive(Clone, Copy)]
pub enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    /// A key of a map-valued field (a resource name, a data key): `[memory]`.
    Map(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    pub fn key(&'p self, k: &'p str) -> Path<'p> {
        Path::Key(self, k)
    }
    pub fn map(&'p self, k: &'p str) -> Path<'p> {
        Path::Map(self, k)
    }
    pub fn index(&'p self, i: usize) -> Path<'p> {
        Path::Index(self, i)
    }
    fn render(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, k) => {
                parent.render(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Path::Map(parent, k) => {
                parent.render(out);
                out.push('[');
                out.push_str(k);
                out.push(']');
            }
            Path::Index(parent, i) => {
                parent.render(out);
                out.push_str(&format!("[{i}]"));
            }
        }
    }
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        self.render(&mut s);
        s
    }
}

/// Collects problems; the validators below add to it.
#[derive(Default)]
pub struct Report {
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn push(&mut self, span: Span, path: &Path<'_>, message: String, help: Option<String>) {
        self.problems.push(Problem {
            span,
            path: path.to_text(),
            message,
            help,
        });
    }

    /// `Invalid value: "1Gb": <detail>`.
    pub fn invalid(&mut self, node: &Node, path: &Path<'_>, detail: &str, help: Option<String>) {
        let message = format!("Invalid value: {}: {detail}", go_value(node));
        self.push(node.span, path, message, help);
    }

    /// `Invalid value: "": <detail>` about a whole field (a mapping), at its key.
    pub fn invalid_field(&mut self, key: &Node, path: &Path<'_>, detail: &str) {
        self.push(
            key.span,
            path,
            format!("Invalid value: \"\": {detail}"),
            None,
        );
    }

    /// `Unsupported value: "tcp": supported values: "TCP", "UDP"`, with the
    /// value meant when one is close (case aside).
    pub fn unsupported(&mut self, node: &Node, path: &Path<'_>, supported: &[&str]) {
        let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        let message = format!(
            "Unsupported value: {}: supported values: {}",
            go_value(node),
            list.join(", ")
        );
        let typed = node.as_str().unwrap_or("");
        let help = supported
            .iter()
            .find(|s| s.eq_ignore_ascii_case(typed))
            .copied()
            .or_else(|| crate::suggest::closest(typed, supported.iter().copied()))
            .map(|s| {
                format!(
                    "{} (values are case-sensitive)",
                    crate::suggest::did_you_mean(s)
                )
            });
        self.push(node.span, path, message, help);
    }

    /// `Required value[: detail]`, at `at` (the mapping it is missing from).
    pub fn required(&mut self, at: &Node, path: &Path<'_>, detail: &str) {
        let message = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        self.push(head(at), path, message, None);
    }

    /// `Duplicate value: "x"`.
    pub fn duplicate(&mut self, node: &Node, path: &Path<'_>, first: Option<&Node>) {
        let message = format!("Duplicate value: {}", go_value(node));
        let help = first.map(|_| "each must be unique; rename or remove one".to_string());
        self.push(node.span, path, message, help);
    }

    /// `Forbidden: <detail>`.
    pub fn forbidden(&mut self, node: &Node, path: &Path<'_>, detail: &str) {
        self.push(head(node), path, format!("Forbidden: {detail}"), None);
    }

    /// An enumeration: reports a string value outside `supported`.
    pub fn one_of(&mut self, node: Option<&Node>, path: &Path<'_>, supported: &[&str]) {
        if let Some(n) = node {
            if let Some(s) = string(n) {
                if !supported.contains(&s) {
                    self.unsupported(n, path, supported);
                }
            }
        }
    }

    /// An integer field that must be at least `min`.
    pub fn at_least(&mut self, node: Option<&Node>, path: &Path<'_>, min: i64) {
        if let Some((n, v)) = node.and_then(|n| Some((n, int(n)?))) {
            if v < min {
                let detail = if min == 0 {
                    "must be greater than or equal to 0".to_string()
                } else {
                    format!("must be greater than or equal to {min}")
                };
                self.invalid(n, path, &detail, None);
            }
        }
    }
}

/// A span covering where a mapping starts: its first key, else the node.
fn head(node: &Node) -> Span {
    match &node.kind {
        NodeKind::Map(entries) => entries.first().map_or(node.span, |(k, _)| k.span),
        NodeKind::Seq(items) => items.first().map_or(node.span, head),
        NodeKind::Scalar { .. } => node.span,
    }
}

/// A value as Go's `%#v` prints it in a `field.Error`: strings quoted,
/// numbers bare.
pub fn go_value(node: &Node) -> String {
    match node.resolve() {
        Some(Resolved::Int(i)) => i.to_string(),
        Some(Resolved::UInt(u)) => u.to_string(),
        Some(Resolved::Bool(b)) => b.to_string(),
        Some(Resolved::Float(f)) => f.to_string(),
        Some(Resolved::Null) => "null".to_string(),
        Some(Resolved::Str) => format!("{:?}", node.as_str().unwrap_or("")),
        // Go prints a struct; the API server passes "" for most of them.
        None => "\"\"".to_string(),
    }
}

/// A string field's value; `None` for other types (the schema reports them).
pub fn string(node: &Node) -> Option<&str> {
    match node.resolve()? {
        Resolved::Str => node.as_str(),
        _ => None,
    }
}

/// An integer field's value (an integral float is the same number in JSON).
pub fn int(node: &Node) -> Option<i64> {
    match node.resolve()? {
        Resolved::Int(i) => Some(i),
        Resolved::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Some(f as i64),
        _ => None,
    }
}

/// A boolean field's value.
pub fn boolean(node: Option<&Node>) -> bool {
    matches!(node.and_then(Node::resolve), Some(Resolved::Bool(true)))
}

/// The items of a sequence field (empty when absent or not a sequence).
pub fn items(node: Option<&Node>) -> &[Node] {
    node.and_then(Node::as_seq).unwrap_or(&[])
}

/// The entries of a mapping field whose keys are strings.
pub fn entries(node: Option<&Node>) -> impl Iterator<Item = (&Node, &str, &Node)> {
    node.and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| Some((k, k.as_str()?, v)))
}

/// Whether a field is present with a non-null value.
pub fn set(node: &Node, key: &str) -> bool {
    node.get(key).is_some_and(|n| !n.is_null())
}

/// The object's problems, for the kinds and API versions validated here.
pub fn validate(o: &Object<'_>) -> Vec<Problem> {
    let mut r = Report::default();
    let root = Path::Root;
    let node = o.node;
    match (o.api_version, o.kind) {
        ("v1", "Pod") => {
            meta::object(&mut r, o, meta::Name::Subdomain);
            if let Some(spec) = node.get("spec") {
                pod::spec(
                    &mut r,
                    spec,
                    &root.key("spec"),
                    pod::Kind::Pod,
                    node.get("metadata"),
                );
            }
        }
        ("apps/v1", "DaemonSet" | "Deployment" | "StatefulSet" | "ReplicaSet")
        | ("v1", "ReplicationController")
        | ("batch/v1", "Job" | "CronJob") => {
            let name = match o.kind {
                "CronJob" => meta::Name::CronJob,
                _ => meta::Name::Subdomain,
            };
            meta::object(&mut r, o, name);
            workload::object(&mut r, o);
        }
        ("v1", "Service") => {
            meta::object(&mut r, o, meta::Name::Dns1035);
            service::service(&mut r, node, &root);
        }
        ("v1", "ConfigMap") => {
            meta::object(&mut r, o, meta::Name::Subdomain);
            service::config_map(&mut r, node, &root);
        }
        ("v1", "ServiceAccount") => meta::object(&mut r, o, meta::Name::Subdomain),
        ("rbac.authorization.k8s.io/v1", kind) => {
            meta::object(&mut r, o, meta::Name::PathSegment);
            rbac::object(&mut r, node, kind, &root);
        }
        _ => {}
    }
    r.problems
}

#[cfg(test)]
mod tests;
