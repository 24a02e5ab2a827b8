//! Span-aware YAML: every node keeps its byte range so any later finding can
//! point at `file:line:col`.
//!
//! Why `saphyr-parser` and our own tree: `serde_yaml` is archived upstream and
//! its forks keep YAML 1.1 quirks on output; `saphyr-parser` is the maintained
//! YAML 1.2 parser of the yaml-rust lineage, it is iterative (10,000-deep
//! nesting cannot overflow the stack), and it reports a span for every event.
//! Building the tree ourselves lets us report duplicate keys with *both*
//! locations, bound alias expansion and nesting depth, keep the scalar style
//! (plain `yes` vs quoted `"yes"`), and resolve scalars the way go-yaml v2 does
//! — the dialect Prometheus and Kubernetes actually read.

mod emit;
mod goyaml;
mod loader;
mod position;
mod scalar;
mod snippet;
mod source;

pub use emit::to_yaml;
pub use goyaml::{to_go_yaml, GoYaml};
pub use loader::{load_stream, Limits, LoadError};
pub use scalar::Resolved;
pub use snippet::{escape_controls, IndexedText};
pub use source::{Source, Span};

/// How a scalar was written; quoting changes how it resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

// Nodes are the bulk of lint's memory (millions for large CRD bundles), so
// they are kept small: collections are exact-size boxed slices.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar { text: Box<str>, style: Style },
    Seq(Box<[Node]>),
    Map(Box<[(Node, Node)]>),
}

/// An explicit tag (`!!str`, `!custom`): rare, so boxed again to cost each
/// node one pointer rather than two words.
#[allow(clippy::box_collection)]
pub type Tag = Box<String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub tag: Option<Tag>,
    pub kind: NodeKind,
}

impl Node {
    #[inline]
    pub fn is_null(&self) -> bool {
        match (&self.kind, &self.tag) {
            // Untagged nulls are plain "", "~", "null", "Null" or "NULL"
            // (see `scalar::resolve`); checked here without resolving,
            // since every mapping key is asked.
            (NodeKind::Scalar { text, style }, None) => {
                *style == Style::Plain && matches!(&**text, "" | "~" | "null" | "Null" | "NULL")
            }
            _ => matches!(self.resolve(), Some(Resolved::Null)),
        }
    }

    /// Resolves a scalar as go-yaml v2 would; `None` for collections.
    pub fn resolve(&self) -> Option<Resolved> {
        match &self.kind {
            NodeKind::Scalar { text, style } => Some(scalar::resolve(
                text,
                *style,
                self.tag.as_deref().map(String::as_str),
            )),
            _ => None,
        }
    }

    /// The scalar's text when it is a string-like scalar (not null).
    /// go-yaml v2 decodes any non-null scalar into a Go string field verbatim.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Looks up a mapping value by its (string) key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| {
                // Compare the text first: resolving every key is costly.
                matches!(&k.kind, NodeKind::Scalar { text, .. } if &**text == key)
                    && k.as_str().is_some()
            })
            .map(|(_, v)| v)
    }

    /// The node at exactly `span` in this tree (keys included), found by
    /// descending into the collections that hold it.
    pub fn find(&self, span: Span) -> Option<&Node> {
        if self.span == span {
            return Some(self);
        }
        let holds = |n: &Node| n.span.start <= span.start && span.end <= n.span.end;
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .flat_map(|(k, v)| [k, v])
                .filter(|n| holds(n))
                .find_map(|n| n.find(span)),
            NodeKind::Seq(items) => items.iter().filter(|n| holds(n)).find_map(|n| n.find(span)),
            NodeKind::Scalar { .. } => None,
        }
    }

    /// The mapping entry (key node and value node) for `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// A short name of the node's type for error messages, in Go's terms.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Seq(_) => "sequence",
            NodeKind::Map(_) => "mapping",
            NodeKind::Scalar { .. } => match self.resolve() {
                Some(Resolved::Null) => "null",
                Some(Resolved::Bool(_)) => "bool",
                Some(Resolved::Int(_)) | Some(Resolved::UInt(_)) => "int",
                Some(Resolved::Float(_)) => "float",
                _ => "string",
            },
        }
    }

    /// The node's kind as go-yaml names it in decode errors (`!!seq`,
    /// `!!str`, ...), without the `!!`.
    pub fn short_tag(&self) -> &'static str {
        match self.type_name() {
            "sequence" => "seq",
            "mapping" => "map",
            "string" => "str",
            other => other,
        }
    }

    /// Converts to JSON with go-yaml v2 scalar resolution (what
    /// `sigs.k8s.io/yaml` feeds the Kubernetes API machinery).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Scalar { text, .. } => match self.resolve() {
                Some(Resolved::Null) => Value::Null,
                Some(Resolved::Bool(b)) => Value::Bool(b),
                Some(Resolved::Int(i)) => Value::from(i),
                Some(Resolved::UInt(u)) => Value::from(u),
                Some(Resolved::Float(f)) => json_float(f)
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(text.to_string())),
                _ => Value::String(text.to_string()),
            },
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The node at a JSON pointer (`/tests/0/expect`), with the key node
    /// that leads to it when the last step is a mapping key. For repeated
    /// keys the last one counts, as in [`Node::to_json`].
    pub fn at_pointer(&self, pointer: &str) -> Option<(&Node, Option<&Node>)> {
        let mut at = (self, None);
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            at = match &at.0.kind {
                NodeKind::Map(entries) => {
                    let (k, v) = entries
                        .iter()
                        .rev()
                        .find(|(k, _)| k.key_string() == token)?;
                    (v, Some(k))
                }
                NodeKind::Seq(items) => (items.get(token.parse::<usize>().ok()?)?, None),
                NodeKind::Scalar { .. } => return None,
            };
        }
        Some(at)
    }

    /// The text used for a mapping key (collections get a placeholder).
    pub fn key_string(&self) -> String {
        self.key_str().into_owned()
    }

    /// [`key_string`](Self::key_string), borrowed where it can be.
    pub fn key_str(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match &self.kind {
            NodeKind::Scalar { text, .. } => {
                if self.is_null() {
                    Cow::Borrowed("null")
                } else {
                    Cow::Borrowed(text)
                }
            }
            NodeKind::Seq(_) => Cow::Borrowed("<sequence>"),
            NodeKind::Map(_) => Cow::Borrowed("<mapping>"),
        }
    }
}

/// A YAML float as the JSON number `sigs.k8s.io/yaml` hands the API server:
/// Go writes an integral float below 1e21 without a fraction (`1e3` and
/// `1000.0` become `1000`), which the server reads as an integer, so
/// `containerPort: 1e3` is port 1000. `None` for infinities and NaN.
pub fn json_float(f: f64) -> Option<serde_json::Number> {
    // i64's range as floats: -2^63 is exact, 2^63 is one past the end.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f) {
        return Some((f as i64).into());
    }
    serde_json::Number::from_f64(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_floats_are_json_integers_as_kubernetes_reads_them() {
        let src = "[1e3, 1000.0, -2E2, 1.5, 1e21, 1e300, .inf, -0.0, 9.3e18]\n";
        let docs = load_stream(&Source::new("t.yaml", src), Limits::default()).unwrap();
        let json = docs[0].to_json();
        assert_eq!(
            json,
            serde_json::json!([1000, 1000, -200, 1.5, 1e21, 1e300, ".inf", 0, 9.3e18])
        );
        assert!(json[0].is_i64() && json[3].is_f64() && json[8].is_f64());
    }

    #[test]
    fn is_null_agrees_with_resolution() {
        let src = "[~, null, Null, NULL, '', \"null\", 'null', !!null x, !!str ~, !x null, \
                   nul, nulls, NuLL, ~~, 0, false, {}, [], \"\", !!null '', !!null, ]\n";
        let docs = load_stream(&Source::new("t.yaml", src), Limits::default()).unwrap();
        let items = docs[0].as_seq().unwrap();
        assert_eq!(items.len(), 21);
        for item in items {
            assert_eq!(
                item.is_null(),
                matches!(item.resolve(), Some(Resolved::Null)),
                "{item:?}"
            );
        }
        let nulls = items.iter().filter(|n| n.is_null()).count();
        assert_eq!(
            nulls, 8,
            "~ null Null NULL, !!null x, !x null, !!null '', !!null"
        );
    }
}
