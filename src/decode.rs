//! Strict, span-aware decoding of kdm's own formats: the Prometheus config
//! (read as Prometheus reads it), `.kdm.yaml`, test files and values. An
//! unknown field or a wrong type is an error at its node, so it renders as
//! `file:line:col`; an unknown field's help names the closest known field
//! ([`crate::suggest`]) or, when none is close, lists the valid fields (a
//! list of at most [`LISTED_FIELDS`]; longer ones are not helpful).
//!
//! Hand-read formats go through [`Decoder`]. Formats with a JSON Schema (test
//! files, values, and the Kubernetes objects lint checks) are validated by
//! `jsonschema`; [`explain`] words each error the same way for all of them
//! and says which node it is about, and [`locate`] finds that node.

use std::borrow::Cow;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use crate::diag::{Error, Result};
use crate::suggest;
use crate::yaml::{Node, NodeKind, Resolved, Source};

/// Valid fields are listed in an unknown field's help up to this many.
pub const LISTED_FIELDS: usize = 12;

/// How a format words its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// As Prometheus's strict go-yaml v2 decoding does, with the place in
    /// the config instead of Go's type names: `field x not found in
    /// scrape_configs[2] (job "node")`, ``cannot unmarshal !!str `x` into
    /// scrape_configs[0].honor_labels (job "a")`` (see [`Decoder::within`];
    /// without a root, the type given is named).
    Go,
    /// kdm's own files: `unknown field "x" in the lint config`, `expected a
    /// glob pattern`. Types are described in words (`a glob pattern`).
    Kdm,
}

/// Reads one source's YAML nodes strictly (see the module doc).
#[derive(Clone, Copy)]
pub struct Decoder<'a> {
    src: &'a Source,
    dialect: Dialect,
    /// The document the nodes are in, to name their place in errors.
    root: Option<&'a Node>,
}

impl<'a> Decoder<'a> {
    pub fn new(src: &'a Source, dialect: Dialect) -> Decoder<'a> {
        Decoder {
            src,
            dialect,
            root: None,
        }
    }

    /// Errors name a node by its path from `root` (Go dialect).
    pub fn within(self, root: Option<&'a Node>) -> Decoder<'a> {
        Decoder { root, ..self }
    }

    /// The place of the node at `span`: its path from the root (with the
    /// job it is in), or `ty` without a root.
    fn place(&self, span: crate::yaml::Span, ty: &str) -> String {
        match self.root {
            Some(root) => prometheus_place(root, &path_to(root, span)),
            None => ty.to_string(),
        }
    }

    pub fn source(&self) -> &'a Source {
        self.src
    }

    /// An error at `node`.
    pub fn error(&self, node: &Node, message: impl Into<String>, label: &str) -> Error {
        Error::at(self.src, node.span, message, label)
    }

    /// The entries of a mapping of type `ty` whose keys are all `fields`
    /// (an error per key that is not).
    pub fn mapping<'n>(
        &self,
        node: &'n Node,
        ty: &str,
        fields: &[&str],
    ) -> Result<&'n [(Node, Node)]> {
        self.mapping_where(node, ty, fields, |_| false)
    }

    /// [`mapping`](Self::mapping), also accepting the keys `also` accepts
    /// (families such as Prometheus's `*_sd_configs`).
    pub fn mapping_where<'n>(
        &self,
        node: &'n Node,
        ty: &str,
        fields: &[&str],
        also: impl Fn(&str) -> bool,
    ) -> Result<&'n [(Node, Node)]> {
        let entries = self.map(node, ty)?;
        let unknown = entries.iter().filter_map(|(k, _)| {
            let name = k.key_str();
            (!fields.contains(&&*name) && !also(&name)).then(|| self.unknown_field(k, ty, fields))
        });
        // Every unknown field, as go-yaml's strict decoding lists them all.
        match Error::join(unknown) {
            Some(e) => Err(e),
            None => Ok(entries),
        }
    }

    /// The entries of a mapping whose keys are data (labels, rule ids).
    pub fn map<'n>(&self, node: &'n Node, ty: &str) -> Result<&'n [(Node, Node)]> {
        node.as_map().ok_or_else(|| match self.dialect {
            Dialect::Go => self.mismatch(node, ty, "expected a mapping"),
            Dialect::Kdm => self.error(node, format!("{ty} must be a mapping"), "not a mapping"),
        })
    }

    /// `key` is not a field of `ty`.
    pub fn unknown_field(&self, key: &Node, ty: &str, fields: &[&str]) -> Error {
        let name = key.key_str();
        let message = match self.dialect {
            Dialect::Go => {
                let mut path = self.root.map(|r| path_to(r, key.span));
                // The mapping holding the key.
                if let Some(p) = &mut path {
                    p.pop();
                }
                let place = match (self.root, path) {
                    (Some(root), Some(path)) => prometheus_place(root, &path),
                    _ => format!("type {ty}"),
                };
                format!("field {name} not found in {place}")
            }
            Dialect::Kdm => format!("unknown field {name:?} in {ty}"),
        };
        let error = self.error(key, message, "unknown field");
        match unknown_field_help(&name, fields.iter().copied()) {
            Some(help) => error.with_help(help),
            None => error,
        }
    }

    /// `node` is not a `ty`, labelled with what was expected. In Go's
    /// words a scalar's text is shown and a collection's is not.
    pub fn mismatch(&self, node: &Node, ty: &str, label: &str) -> Error {
        let message = match (self.dialect, &node.kind) {
            (Dialect::Go, NodeKind::Scalar { .. }) => format!(
                "cannot unmarshal !!{} `{}` into {}",
                node.short_tag(),
                node.key_str(),
                self.place(node.span, ty)
            ),
            (Dialect::Go, _) => format!(
                "cannot unmarshal !!{} into {}",
                node.short_tag(),
                self.place(node.span, ty)
            ),
            (Dialect::Kdm, _) => format!("expected {ty}"),
        };
        self.error(node, message, label)
    }

    /// A scalar's text as a string field reads it (null is empty: Go's zero
    /// value); `ty` names the field's type for the error.
    pub fn string(&self, node: &Node, ty: &str) -> Result<String> {
        match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => Ok(text.to_string()),
            NodeKind::Scalar { .. } => Ok(String::new()),
            _ => Err(self.mismatch(node, ty, self.label("a string"))),
        }
    }

    /// A boolean, or `None` for null.
    pub fn bool(&self, node: &Node, ty: &str) -> Result<Option<bool>> {
        match node.resolve() {
            Some(Resolved::Null) => Ok(None),
            Some(Resolved::Bool(b)) => Ok(Some(b)),
            _ => Err(self.mismatch(node, ty, self.label("true or false"))),
        }
    }

    /// A sequence's items (none for null).
    pub fn seq<'n>(&self, node: &'n Node, ty: &str) -> Result<&'n [Node]> {
        if node.is_null() {
            return Ok(&[]);
        }
        node.as_seq()
            .ok_or_else(|| self.mismatch(node, ty, self.label("a list")))
    }

    /// A list of strings; `ty` names the list's type, `item` an item's.
    pub fn strings(&self, node: &Node, ty: &str, item: &str) -> Result<Vec<String>> {
        self.seq(node, ty)?
            .iter()
            .map(|i| self.string(i, item))
            .collect()
    }

    fn label(&self, expected: &'static str) -> &'static str {
        match (self.dialect, expected) {
            (Dialect::Go, "a string") => "expected a string",
            (Dialect::Go, "a list") => "expected a list",
            (Dialect::Go, _) => "expected true or false",
            (Dialect::Kdm, "a string") => "not a string",
            (Dialect::Kdm, "a list") => "not a list",
            (Dialect::Kdm, _) => "not true or false",
        }
    }
}

/// The help for an unknown field `name`: the closest of `fields`, or the
/// list of them when it is short.
pub fn unknown_field_help<'f>(
    name: &str,
    fields: impl IntoIterator<Item = &'f str> + Clone,
) -> Option<String> {
    if let Some(best) = suggest::closest(name, fields.clone()) {
        return Some(suggest::did_you_mean(best));
    }
    let all: Vec<&str> = fields.into_iter().collect();
    (!all.is_empty() && all.len() <= LISTED_FIELDS)
        .then(|| format!("valid fields: {}", all.join(", ")))
}

/// The path from `root` to the innermost node whose span holds `span` (a
/// key counts as its entry).
pub fn path_to(root: &Node, span: crate::yaml::Span) -> Vec<Step> {
    let holds = |n: &Node| n.span.start <= span.start && span.end <= n.span.end;
    let mut path = Vec::new();
    let mut at = root;
    // Bounded by the depth of the tree, which the loader limits.
    loop {
        let next = match &at.kind {
            NodeKind::Map(entries) => entries.iter().find_map(|(k, v)| {
                if holds(k) && !holds(v) {
                    path.push(Step::Key(k.key_string()));
                    return Some(None);
                }
                holds(v).then(|| {
                    path.push(Step::Key(k.key_string()));
                    Some(v)
                })
            }),
            NodeKind::Seq(items) => items.iter().enumerate().find_map(|(i, n)| {
                holds(n).then(|| {
                    path.push(Step::Index(i));
                    Some(n)
                })
            }),
            NodeKind::Scalar { .. } => None,
        };
        match next {
            Some(Some(n)) if !std::ptr::eq(n, at) => at = n,
            _ => return path,
        }
    }
}

/// A path in a Prometheus config as users write it,
/// `scrape_configs[2].relabel_configs[0]`, with the job it is in
/// (`(job "node")`); the top level is `the top level`.
pub fn prometheus_place(root: &Node, path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            // A document that is a list (of rules or scrape configs).
            Step::Index(i) if out.is_empty() => out.push_str(&format!("entry [{i}]")),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        out.push_str("the top level");
    }
    let job = match path {
        [Step::Key(k), Step::Index(i), ..] if k == "scrape_configs" => root
            .get("scrape_configs")
            .and_then(Node::as_seq)
            .and_then(|s| s.get(*i)),
        [Step::Index(i), ..] => root.as_seq().and_then(|s| s.get(*i)),
        _ => Some(root),
    };
    if let Some(name) = job.and_then(|j| j.get("job_name")).and_then(Node::as_str) {
        out.push_str(&format!(" (job {name:?})"));
    }
    out
}

// ------------------------------------------------------------ JSON Schema

/// One step of an instance path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// What a schema error is about, in the YAML tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The value at the path.
    Value,
    /// The key leading to the value at the path (the value when it has no
    /// key): a missing field is reported on the object's name, not on the
    /// whole object.
    Key,
    /// The key of this entry in the mapping at the path (an unknown field).
    Field(String),
}

/// A schema error in words: `message` is about the value at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: Vec<Step>,
    pub target: Target,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    /// The instance path as a JSON pointer (`/tests/0/expect`).
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            out.push('/');
            match step {
                Step::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// The node the problem is about: the value, its key or a field's key,
    /// per [`Target`]; `None` when the path leads nowhere in `root`.
    pub fn node<'n>(&self, root: &'n Node) -> Option<&'n Node> {
        let at = locate(root, &self.path)?;
        Some(match &self.target {
            Target::Value => at.value,
            Target::Key => at.key.unwrap_or(at.value),
            Target::Field(name) => last_entry(at.value, name).map_or(at.value, |(k, _)| k),
        })
    }
}

/// Words one validation error (an unknown field gives one problem per
/// field). With the `schema` document the error came from, an unknown field
/// gets the closest known field as help.
pub fn explain(err: &ValidationError<'_>, schema: Option<&Value>) -> Vec<Problem> {
    let path: Vec<Step> = err
        .instance_path()
        .segments()
        .map(|s| match s {
            LocationSegment::Property(p) => Step::Key(p.into_owned()),
            LocationSegment::Index(i) => Step::Index(i),
        })
        .collect();
    let problem = |target: Target, message: String| Problem {
        path: path.clone(),
        target,
        message,
        help: None,
    };
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = schema
                .map(|s| known_properties(s, err.schema_path().as_str()))
                .unwrap_or_default();
            unexpected
                .iter()
                .map(|name| Problem {
                    help: unknown_field_help(name, known.iter().map(String::as_str)),
                    ..problem(
                        Target::Field(name.clone()),
                        format!("unknown field {name:?}"),
                    )
                })
                .collect()
        }
        // `properties: {x: false}`: the field itself is the error.
        ValidationErrorKind::FalseSchema => {
            let mut parent = path.clone();
            match parent.pop() {
                Some(Step::Key(name)) => vec![Problem {
                    path: parent,
                    target: Target::Field(name.clone()),
                    message: format!("unknown field {name:?}"),
                    help: None,
                }],
                _ => vec![problem(Target::Value, "no value is allowed here".into())],
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), String::from);
            vec![problem(
                Target::Key,
                format!("missing required field {name:?}"),
            )]
        }
        ValidationErrorKind::Type { kind } => vec![problem(
            Target::Value,
            format!(
                "{} is not of type {}",
                show(err.instance()),
                type_names(kind)
            ),
        )],
        // int-or-string, quantity: every branch a type check.
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let mut names = Vec::new();
            for e in context.iter().flatten() {
                if let ValidationErrorKind::Type { kind } = e.kind() {
                    names.push(type_names(kind));
                }
            }
            let message = if names.is_empty() {
                short(&err.to_string())
            } else {
                format!(
                    "{} is not of type {}",
                    show(err.instance()),
                    names.join(" or ")
                )
            };
            vec![problem(Target::Value, message)]
        }
        ValidationErrorKind::Enum { options } => {
            // Like types, without the `null` a nullable field allows.
            let options = match &**options {
                Value::Array(values) if values.iter().any(Value::is_null) => {
                    Value::Array(values.iter().filter(|v| !v.is_null()).cloned().collect())
                }
                other => other.clone(),
            };
            vec![problem(
                Target::Value,
                format!("{} is not one of {options}", show(err.instance())),
            )]
        }
        // A rule about a whole mapping or list (a CRD's validation rule, a
        // duplicate list entry) is shown at its key, not over every line.
        ValidationErrorKind::Custom { message, .. } => vec![problem(Target::Key, message.clone())],
        _ => vec![problem(Target::Value, short(&err.to_string()))],
    }
}

/// `spec.template.spec.containers[0]`; keys that are not identifiers are
/// quoted: `metadata.annotations["prometheus.io/port"]`.
pub fn display_path(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Index(i) => s.push_str(&format!("[{i}]")),
            Step::Key(name) => {
                let plain = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if !plain {
                    s.push_str(&format!("[{name:?}]"));
                } else {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(name);
                }
            }
        }
    }
    s
}

/// A node an instance path leads to, with its mapping key when it has one.
#[derive(Debug, Clone, Copy)]
pub struct At<'n> {
    pub value: &'n Node,
    pub key: Option<&'n Node>,
}

/// Follows an instance path through the YAML tree. Of repeated keys the
/// last counts, as in [`Node::to_json`].
pub fn locate<'n>(root: &'n Node, path: &[Step]) -> Option<At<'n>> {
    let mut at = At {
        value: root,
        key: None,
    };
    for step in path {
        at = match step {
            Step::Key(name) => {
                let (k, v) = last_entry(at.value, name)?;
                At {
                    value: v,
                    key: Some(k),
                }
            }
            Step::Index(i) => At {
                value: at.value.as_seq()?.get(*i)?,
                key: None,
            },
        };
    }
    Some(at)
}

/// The entry [`Node::to_json`] keeps for a key: the last one.
pub fn last_entry<'n>(map: &'n Node, name: &str) -> Option<(&'n Node, &'n Node)> {
    map.as_map()?
        .iter()
        .rev()
        .find(|(k, _)| k.key_str() == name)
        .map(|(k, v)| (k, v))
}

/// The `properties` names of the schema object holding the keyword at
/// `schema_path` (a location in `schema` itself: jsonschema reports the
/// canonical one, with `$ref`s already followed).
fn known_properties(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .rsplit_once('/')
        .map_or(schema_path, |(parent, _)| parent);
    parent
        .split('/')
        .skip(1)
        .try_fold(schema, |node, token| {
            let token: Cow<'_, str> = if token.contains('~') {
                token.replace("~1", "/").replace("~0", "~").into()
            } else {
                token.into()
            };
            match node {
                Value::Object(m) => m.get(&*token),
                Value::Array(a) => a.get(token.parse::<usize>().ok()?),
                _ => None,
            }
        })
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Expected types without `null` (nullable is not what the user got wrong).
fn type_names(kind: &TypeKind) -> String {
    let types: Vec<JsonType> = match kind {
        TypeKind::Single(t) => vec![*t],
        TypeKind::Multiple(set) => set.iter().collect(),
    };
    let names: Vec<&str> = types
        .iter()
        .filter(|t| **t != JsonType::Null || types.len() == 1)
        .map(|t| t.as_str())
        .collect();
    names.join(" or ")
}

/// A short rendering of the offending value.
fn show(v: &Value) -> String {
    match v {
        Value::Object(_) => "a mapping".to_string(),
        Value::Array(_) => "a sequence".to_string(),
        Value::Null => "null".to_string(),
        _ => {
            let s = v.to_string();
            if s.chars().count() > 40 {
                let cut: String = s.chars().take(37).collect();
                format!("{cut}...")
            } else {
                s
            }
        }
    }
}

/// jsonschema's own messages repeat the whole value; keep them short.
fn short(message: &str) -> String {
    if message.chars().count() > 200 {
        let cut: String = message.chars().take(200).collect();
        format!("{cut}…")
    } else {
        message.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits};

    fn doc(text: &str) -> (Source, Node) {
        let src = Source::new("c.yaml", text);
        let mut docs = load_stream(&src, Limits::default()).expect("yaml");
        (src, docs.remove(0))
    }

    fn shown(e: &Error) -> (String, Option<String>, Option<String>) {
        let help = miette::Diagnostic::help(e).map(|h| h.to_string());
        (e.message().to_string(), e.location(), help)
    }

    #[test]
    fn unknown_fields_point_at_the_key_with_a_suggestion_or_the_list() {
        let (src, root) = doc("job_name: a\nrelabel_config: []\n");
        let go = Decoder::new(&src, Dialect::Go);
        let fields = ["job_name", "relabel_configs", "metric_relabel_configs"];
        let e = go
            .mapping(&root, "config.ScrapeConfig", &fields)
            .unwrap_err();
        assert_eq!(
            shown(&e),
            (
                "field relabel_config not found in type config.ScrapeConfig".into(),
                Some("c.yaml:2:1".into()),
                Some("did you mean `relabel_configs`?".into())
            )
        );
        let kdm = Decoder::new(&src, Dialect::Kdm);
        let e = kdm
            .mapping(&root, "the lint config", &["job_name", "rules"])
            .unwrap_err();
        assert_eq!(
            shown(&e),
            (
                "unknown field \"relabel_config\" in the lint config".into(),
                Some("c.yaml:2:1".into()),
                Some("valid fields: job_name, rules".into())
            )
        );
        let many: Vec<String> = (0..=LISTED_FIELDS).map(|i| format!("f{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(shown(&kdm.mapping(&root, "x", &many).unwrap_err()).2, None);
        assert!(go
            .mapping_where(&root, "t", &["job_name"], |k| k.ends_with("_config"))
            .is_ok());
    }

    /// Within a Prometheus config, errors name the place and the job.
    #[test]
    fn go_errors_name_the_yaml_path_and_the_job() {
        let text = "scrape_configs:\n- job_name: a\n- job_name: node\n  relabel_configs:\n  - regexx: x\n  honor_labels: [x]\nglobl: {}\n";
        let (src, root) = doc(text);
        let go = Decoder::new(&src, Dialect::Go).within(Some(&root));
        let node = |path: &[Step]| locate(&root, path).expect("found").value;
        let job = [Step::Key("scrape_configs".into()), Step::Index(1)];
        let rule = node(
            &[
                job.to_vec(),
                vec![Step::Key("relabel_configs".into()), Step::Index(0)],
            ]
            .concat(),
        );
        let e = go.mapping(rule, "relabel.plain", &["regex"]).unwrap_err();
        assert_eq!(
            e.message(),
            "field regexx not found in scrape_configs[1].relabel_configs[0] (job \"node\")"
        );
        let e = go
            .bool(
                node(&[job.to_vec(), vec![Step::Key("honor_labels".into())]].concat()),
                "bool",
            )
            .unwrap_err();
        assert_eq!(
            e.message(),
            "cannot unmarshal !!seq into scrape_configs[1].honor_labels (job \"node\")"
        );
        let e = go
            .mapping(&root, "config.plain", &["scrape_configs"])
            .unwrap_err();
        assert_eq!(e.message(), "field globl not found in the top level");
    }

    #[test]
    fn wrong_types_say_what_was_found_in_each_dialect() {
        let (src, root) = doc("s: [a]\nb: yes please\nl: x\nm: {a: 1}\nn: ~\nt: true\n");
        let go = Decoder::new(&src, Dialect::Go);
        let get = |k: &str| root.get(k).expect(k);
        let e = go.string(get("s"), "string").unwrap_err();
        assert_eq!(e.message(), "cannot unmarshal !!seq into string");
        assert_eq!(e.location().as_deref(), Some("c.yaml:1:4"));
        let e = go.bool(get("b"), "bool").unwrap_err();
        assert_eq!(e.message(), "cannot unmarshal !!str `yes please` into bool");
        let e = go.bool(get("m"), "bool").unwrap_err();
        assert_eq!(e.message(), "cannot unmarshal !!map into bool");
        let e = go.strings(get("l"), "[]string", "string").unwrap_err();
        assert_eq!(e.message(), "cannot unmarshal !!str `x` into []string");
        let e = go.map(get("l"), "config.GlobalConfig").unwrap_err();
        assert_eq!(
            e.message(),
            "cannot unmarshal !!str `x` into config.GlobalConfig"
        );
        assert_eq!(go.string(get("n"), "string").unwrap(), "");
        assert_eq!(go.bool(get("n"), "bool").unwrap(), None);
        assert_eq!(go.bool(get("t"), "bool").unwrap(), Some(true));
        assert!(go.seq(get("n"), "[]string").unwrap().is_empty());
        assert_eq!(go.strings(get("s"), "[]string", "string").unwrap(), ["a"]);

        let kdm = Decoder::new(&src, Dialect::Kdm);
        let e = kdm.string(get("m"), "a glob pattern").unwrap_err();
        assert_eq!(e.message(), "expected a glob pattern");
        assert_eq!(e.location().as_deref(), Some("c.yaml:4:4"));
        let e = kdm.map(get("s"), "the lint config").unwrap_err();
        assert_eq!(e.message(), "the lint config must be a mapping");
    }

    fn problems(schema: &Value, text: &str) -> Vec<(String, String, Option<String>)> {
        let (src, root) = doc(text);
        let validator = jsonschema::validator_for(schema).expect("schema");
        let json = root.to_json();
        let mut out = Vec::new();
        for err in validator.iter_errors(&json) {
            for p in explain(&err, Some(schema)) {
                let at = p
                    .node(&root)
                    .map_or(String::new(), |n| src.location(n.span.start));
                out.push((format!("{}: {}", p.pointer(), p.message), at, p.help));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn schema_errors_are_worded_once_and_land_on_their_node() {
        let schema = serde_json::json!({
            "type": "object", "additionalProperties": false,
            "required": ["config"],
            "properties": {
                "config": {"type": "string"},
                "tests": {"type": "array", "items": {"$ref": "#/$defs/test"}}
            },
            "$defs": {"test": {
                "type": "object", "additionalProperties": false, "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "nodes": {"type": ["integer", "null"]},
                    "level": {"enum": ["info", "error"]},
                    "old": false
                }
            }}
        });
        let text = "\
tests:
  - name: a
    nodez: 3
    level: loud
    old: 1
  - nodes: two
";
        let want = [
            ("", "missing required field \"config\"", "c.yaml:1:1", None),
            (
                "/tests/0",
                "unknown field \"nodez\"",
                "c.yaml:3:5",
                Some("did you mean `nodes`?"),
            ),
            ("/tests/0", "unknown field \"old\"", "c.yaml:5:5", None),
            (
                "/tests/0/level",
                "\"loud\" is not one of [\"info\",\"error\"]",
                "c.yaml:4:12",
                None,
            ),
            (
                "/tests/1",
                "missing required field \"name\"",
                "c.yaml:6:5",
                None,
            ),
            (
                "/tests/1/nodes",
                "\"two\" is not of type integer",
                "c.yaml:6:12",
                None,
            ),
        ];
        let mut want: Vec<(String, String, Option<String>)> = want
            .iter()
            .map(|(path, message, at, help)| {
                (
                    format!("{path}: {message}"),
                    at.to_string(),
                    help.map(String::from),
                )
            })
            .collect();
        want.sort();
        assert_eq!(problems(&schema, text), want);
    }

    #[test]
    fn paths_lead_to_values_and_keys_and_escape_pointers() {
        let (src, root) = doc("a: {x: 1}\n\"b/c~\": [p, q]\n");
        let at = locate(&root, &[Step::Key("a".into()), Step::Key("x".into())]).expect("found");
        assert_eq!(src.location(at.value.span.start), "c.yaml:1:8");
        assert_eq!(
            at.key.map(|k| src.location(k.span.start)).as_deref(),
            Some("c.yaml:1:5")
        );
        assert!(locate(&root, &[Step::Key("z".into())]).is_none());
        let p = Problem {
            path: vec![Step::Key("b/c~".into()), Step::Index(1)],
            target: Target::Key,
            message: String::new(),
            help: None,
        };
        assert_eq!(p.pointer(), "/b~1c~0/1");
        let node = p.node(&root).expect("found");
        assert_eq!(src.location(node.span.start), "c.yaml:2:13");
        assert!(Problem {
            path: vec![Step::Index(9)],
            ..p
        }
        .node(&root)
        .is_none());
    }
}
