//! Template values: defaults, `--values` files, `--set` expressions and
//! named flags merged in that order, remembering where every value came
//! from so that a schema error points at the file, line and column (or the
//! command-line argument) that set it.

mod docs;
mod path;
mod schema;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diag::{Error, Result};
use crate::input::load_yaml;
use crate::yaml::{Node, NodeKind, Source, Span};

pub use docs::annotated;
pub use path::{parse_set, Segment};
pub use schema::validate;

/// Where a value was set.
#[derive(Debug, Clone, Copy)]
struct Origin {
    source: usize,
    span: Span,
    /// The span of the mapping key, when the value was set by one.
    key: Option<Span>,
}

/// Merged values with the origin of every node, by JSON pointer.
#[derive(Debug)]
pub struct Values {
    pub tree: Value,
    sources: Vec<Source>,
    origins: BTreeMap<String, Origin>,
}

impl Default for Values {
    fn default() -> Self {
        Values {
            tree: Value::Object(Default::default()),
            sources: Vec::new(),
            origins: BTreeMap::new(),
        }
    }
}

impl Values {
    /// Merges a YAML values file: maps merge key by key, anything else
    /// (lists included) replaces what was there.
    pub fn merge_file(&mut self, src: Source) -> Result<()> {
        let docs = load_yaml(&src)?;
        let docs: Vec<&Node> = docs.iter().filter(|d| !d.is_null()).collect();
        let Some(root) = docs.first() else {
            return Ok(()); // an empty file sets nothing
        };
        if docs.len() > 1 {
            return Err(Error::at(
                &src,
                docs[1].span,
                format!("{} has more than one YAML document", src.name),
                "second document",
            )
            .with_help("a values file is one mapping"));
        }
        if root.as_map().is_none() {
            return Err(Error::at(
                &src,
                root.span,
                format!(
                    "{} must be a mapping of values, not a {}",
                    src.name,
                    root.type_name()
                ),
                "expected `key: value` entries",
            ));
        }
        let index = self.sources.len();
        self.sources.push(src);
        let mut tree = std::mem::take(&mut self.tree);
        self.merge_node(&mut tree, root, String::new(), index, None);
        self.tree = tree;
        Ok(())
    }

    fn merge_node(
        &mut self,
        into: &mut Value,
        node: &Node,
        pointer: String,
        source: usize,
        key: Option<Span>,
    ) {
        match (&node.kind, into.as_object_mut()) {
            (NodeKind::Map(entries), Some(_)) => {
                self.origins.insert(
                    pointer.clone(),
                    Origin {
                        source,
                        span: node.span,
                        key,
                    },
                );
                for (k, v) in entries {
                    let name = k.key_string();
                    let child = format!("{pointer}/{}", escape(&name));
                    let Some(map) = into.as_object_mut() else {
                        return;
                    };
                    let slot = map.entry(name).or_insert(Value::Null);
                    if !(matches!(v.kind, NodeKind::Map(_)) && slot.is_object()) {
                        *slot = Value::Null;
                    }
                    self.merge_node(slot, v, child, source, Some(k.span));
                }
            }
            _ => {
                self.forget_below(&pointer);
                *into = node.to_json();
                self.record(node, pointer, source, key);
            }
        }
    }

    /// Records the origin of `node` and everything below it.
    fn record(&mut self, node: &Node, pointer: String, source: usize, key: Option<Span>) {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let child = format!("{pointer}/{}", escape(&k.key_string()));
                    self.record(v, child, source, Some(k.span));
                }
            }
            NodeKind::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.record(v, format!("{pointer}/{i}"), source, None);
                }
            }
            NodeKind::Scalar { .. } => {}
        }
        self.origins.insert(
            pointer,
            Origin {
                source,
                span: node.span,
                key,
            },
        );
    }

    /// Drops the origins of values that are being replaced wholesale.
    fn forget_below(&mut self, pointer: &str) {
        let prefix = format!("{pointer}/");
        self.origins.retain(|p, _| !p.starts_with(&prefix));
    }

    /// Applies `--set path=value`: the value is read as YAML (so `true`,
    /// `9100`, `[a, b]` and `{k: v}` work; quote to force a string).
    pub fn set(&mut self, expr: &str) -> Result<()> {
        let src = Source::new("--set", expr.to_string());
        let (path, value_at) = parse_set(&src)?;
        let value_src = Source::new("--set", expr.to_string());
        let value_text = &expr[value_at..];
        let value = if value_text.trim().is_empty() {
            None
        } else {
            let sub = Source::new("--set", value_text.to_string());
            let docs = load_yaml(&sub).map_err(|_| {
                Error::at(
                    &value_src,
                    Span::new(value_at, expr.len()),
                    format!("--set {expr}: the value is not valid YAML"),
                    "this value",
                )
                .with_help("quote strings that contain YAML syntax: --set 'key=\"a: b\"'")
            })?;
            docs.into_iter().next()
        };
        let depth = path.len() + value.as_ref().map_or(0, height);
        if depth > path::max_depth() {
            return Err(Error::at(
                &value_src,
                Span::new(value_at, expr.len()),
                format!(
                    "--set {expr}: the value would be nested deeper than {} levels",
                    path::max_depth()
                ),
                "this value",
            ));
        }
        self.set_at(&path, value, src, value_at, expr.len())
    }

    /// Sets one value from a named flag such as `--name`.
    pub fn set_flag(&mut self, flag: &str, path: &[Segment], value: Value) -> Result<()> {
        let shown = display_scalar(&value);
        self.set_flag_parts(flag, &shown, vec![(path.to_vec(), value)])
    }

    /// Sets the values one flag stands for (`--image` sets repository, tag
    /// and digest); each points at the whole flag value `shown`.
    pub fn set_flag_parts(
        &mut self,
        flag: &str,
        shown: &str,
        parts: Vec<(Vec<Segment>, Value)>,
    ) -> Result<()> {
        let text = format!("{flag} {shown}");
        let span = Span::new(flag.len() + 1, text.len());
        let src = Source::new(flag.to_string(), text);
        let index = self.sources.len();
        self.sources.push(src.clone());
        for (path, value) in parts {
            let (pointer, created) = self.assign(&path, value, &src)?;
            self.forget_below(&pointer);
            self.record_created(created, index, span);
            self.origins.insert(
                pointer,
                Origin {
                    source: index,
                    span,
                    key: None,
                },
            );
        }
        Ok(())
    }

    fn set_at(
        &mut self,
        path: &[Segment],
        value: Option<Node>,
        src: Source,
        value_at: usize,
        end: usize,
    ) -> Result<()> {
        let json = value
            .as_ref()
            .map_or(Value::String(String::new()), Node::to_json);
        let index = self.sources.len();
        self.sources.push(src.clone());
        let (pointer, created) = self.assign(path, json, &src)?;
        self.forget_below(&pointer);
        let span = Span::new(value_at, end);
        self.record_created(created, index, span);
        self.origins.insert(
            pointer.clone(),
            Origin {
                source: index,
                span,
                key: None,
            },
        );
        // Collections set inline: their parts point at the whole value.
        if let Some(node) = value {
            let mut inner = Vec::new();
            collect_pointers(&node, pointer, &mut inner);
            for p in inner {
                self.origins.insert(
                    p,
                    Origin {
                        source: index,
                        span,
                        key: None,
                    },
                );
            }
        }
        Ok(())
    }

    /// Maps a path created on its way: an error about one (`imag` in
    /// `--set imag.tag=v1`) points at its key in the argument.
    fn record_created(&mut self, created: Vec<(String, Span)>, source: usize, span: Span) {
        for (pointer, key) in created {
            let key = (!key.is_empty()).then_some(key);
            self.origins.insert(pointer, Origin { source, span, key });
        }
    }

    /// Writes `value` at `path`, creating maps on the way; returns its
    /// pointer and the pointers of the maps it created, with their keys.
    fn assign(
        &mut self,
        path: &[Segment],
        value: Value,
        src: &Source,
    ) -> Result<(String, Vec<(String, Span)>)> {
        let mut created = Vec::new();
        let mut pointer = String::new();
        let mut at = &mut self.tree;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            match seg {
                Segment::Key(k, _) => {
                    if at.is_null() {
                        *at = Value::Object(Default::default());
                    }
                    let Some(map) = at.as_object_mut() else {
                        return Err(path_error(src, seg, &pointer, "is not a mapping"));
                    };
                    pointer = format!("{pointer}/{}", escape(k));
                    if !last && !map.contains_key(k) {
                        created.push((pointer.clone(), seg.span()));
                    }
                    at = map.entry(k.clone()).or_insert(Value::Null);
                }
                Segment::Index(n, _) => {
                    let Some(list) = at.as_array_mut() else {
                        return Err(path_error(src, seg, &pointer, "is not a list"));
                    };
                    if *n > list.len() {
                        let len = list.len();
                        return Err(path_error(
                            src,
                            seg,
                            &pointer,
                            &format!("has {len} item(s); index {n} would leave a gap"),
                        ));
                    }
                    if *n == list.len() {
                        list.push(Value::Null);
                    }
                    pointer = format!("{pointer}/{n}");
                    at = &mut list[*n];
                }
            }
            if last {
                *at = value;
                break;
            }
        }
        Ok((pointer, created))
    }

    /// A sort key in the order values were given: (source, offset).
    pub fn position(&self, pointer: &str) -> (usize, usize) {
        self.origin(pointer).map_or((usize::MAX, 0), |o| {
            (o.source, o.key.unwrap_or(o.span).start)
        })
    }

    fn origin(&self, pointer: &str) -> Option<&Origin> {
        let mut p = pointer;
        loop {
            if let Some(o) = self.origins.get(p) {
                return Some(o);
            }
            if p.is_empty() {
                return None;
            }
            p = p.rfind('/').map_or("", |i| &p[..i]);
        }
    }

    /// The source and span that set the value at `pointer` (or its nearest
    /// parent), and the key span when it was set by a mapping key. When a
    /// later input set part of it (`--image` over the defaults' `image`),
    /// that later input is blamed: the defaults are not what the user wrote.
    pub fn locate(&self, pointer: &str) -> Option<(&Source, Span, Option<Span>)> {
        let own = self.origin(pointer)?;
        let prefix = format!("{pointer}/");
        let later = self
            .origins
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .map(|(_, o)| o)
            .filter(|o| o.source > own.source)
            .max_by_key(|o| o.source);
        let o = later.unwrap_or(own);
        Some((&self.sources[o.source], o.span, o.key))
    }

    /// JSON pointers of the scalar values written `text` that an input
    /// from the `skip`-th on set (skipping a template's defaults), the
    /// last given first.
    pub fn scalars_written(&self, text: &str, skip: usize) -> Vec<String> {
        fn walk(v: &Value, pointer: &mut String, text: &str, out: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    for (k, child) in map {
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                        walk(child, pointer, text, out);
                        pointer.truncate(len);
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        let len = pointer.len();
                        pointer.push_str(&format!("/{i}"));
                        walk(child, pointer, text, out);
                        pointer.truncate(len);
                    }
                }
                Value::String(s) if s == text => out.push(pointer.clone()),
                Value::Number(n) if n.to_string() == text => out.push(pointer.clone()),
                Value::Bool(b) if b.to_string() == text => out.push(pointer.clone()),
                _ => {}
            }
        }
        let mut found = Vec::new();
        walk(&self.tree, &mut String::new(), text, &mut found);
        found.retain(|p| self.origin(p).is_some_and(|o| o.source >= skip));
        found.sort_by_key(|p| std::cmp::Reverse(self.position(p)));
        found
    }

    /// For a value `--set` turned into a mapping because its path split a
    /// key at its dots (`--set podAnnotations.example.com/team=sre`), the
    /// same argument with those dots escaped.
    pub fn escaped_set(&self, pointer: &str) -> Option<String> {
        let o = self.origin(pointer)?;
        let src = &self.sources[o.source];
        if src.name != "--set" {
            return None;
        }
        let (segments, value_at) = parse_set(src).ok()?;
        let depth = pointer.split('/').count() - 1;
        if depth == 0 || depth >= segments.len() {
            return None;
        }
        let keys: Vec<&str> = segments[depth - 1..]
            .iter()
            .map(|s| match s {
                Segment::Key(k, _) => Some(k.as_str()),
                Segment::Index(..) => None,
            })
            .collect::<Option<_>>()?;
        let prefix = match segments.get(depth - 2) {
            Some(last) if depth >= 2 => format!("{}.", &src.text[..last.span().end]),
            _ => String::new(),
        };
        let joined: Vec<String> = keys.iter().map(|k| k.replace('.', "\\.")).collect();
        Some(format!(
            "{prefix}{}={}",
            joined.join("\\."),
            &src.text[value_at..]
        ))
    }
}

/// Collection levels in `node` (a scalar has none); bounded by the loader's
/// nesting limit.
fn height(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| height(v)).max().unwrap_or(0),
        NodeKind::Seq(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        NodeKind::Scalar { .. } => 0,
    }
}

fn collect_pointers(node: &Node, pointer: String, out: &mut Vec<String>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                collect_pointers(v, format!("{pointer}/{}", escape(&k.key_string())), out);
            }
        }
        NodeKind::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_pointers(v, format!("{pointer}/{i}"), out);
            }
        }
        NodeKind::Scalar { .. } => {}
    }
    out.push(pointer);
}

fn path_error(src: &Source, seg: &Segment, pointer: &str, what: &str) -> Error {
    let shown = if pointer.is_empty() {
        "the values".to_string()
    } else {
        dotted(pointer)
    };
    // Named flags have no path in their text: point at the value.
    let span = if seg.span().is_empty() {
        Span::new((src.name.len() + 1).min(src.text.len()), src.text.len())
    } else {
        seg.span()
    };
    let err = Error::at(src, span, format!("{}: {shown} {what}", src.name), "here");
    if what.starts_with("is not") {
        err.with_help("the template's values have a different shape here; see --show-values")
    } else {
        err
    }
}

fn display_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// JSON pointer escaping of one reference token.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer as the dotted path users write in `--set`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token.replace('.', "\\."));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(files: &[&str]) -> Values {
        let mut v = Values::default();
        for (i, text) in files.iter().enumerate() {
            v.merge_file(Source::new(format!("f{i}.yaml"), *text))
                .unwrap();
        }
        v
    }

    #[test]
    fn maps_merge_and_lists_replace() {
        let v = values(&[
            "image: {repository: a, tag: '1'}\nargs: [x, y]\n",
            "image:\n  tag: '2'\nargs: [z]\n",
        ]);
        assert_eq!(
            v.tree,
            serde_json::json!({"image": {"repository": "a", "tag": "2"}, "args": ["z"]})
        );
        let (src, span, _) = v.locate("/image/tag").unwrap();
        assert_eq!(src.location(span.start), "f1.yaml:2:8");
        let (src, _, _) = v.locate("/image/repository").unwrap();
        assert_eq!(src.name, "f0.yaml");
        assert!(v
            .locate("/args/1")
            .is_some_and(|(s, _, _)| s.name == "f1.yaml"));
    }

    #[test]
    fn set_parses_yaml_values_and_indexes() {
        let mut v = values(&["args: [a, b]\nport: {containerPort: 1}\n"]);
        v.set("port.containerPort=9100").unwrap();
        v.set("args[1]=--x").unwrap();
        v.set("args[2]=on").unwrap();
        v.set("podAnnotations.example\\.com/team=\"sre\"").unwrap();
        v.set("tolerations=[{operator: Exists}]").unwrap();
        assert_eq!(
            v.tree,
            serde_json::json!({
                "args": ["a", "--x", true],
                "port": {"containerPort": 9100},
                "podAnnotations": {"example.com/team": "sre"},
                "tolerations": [{"operator": "Exists"}],
            })
        );
        let (src, span, _) = v.locate("/tolerations/0/operator").unwrap();
        assert_eq!(src.location(span.start), "--set:1:13");
    }

    #[test]
    fn set_errors_point_into_the_argument() {
        let mut v = values(&["args: [a]\nname: x\n"]);
        let e = v.set("args[5]=z").unwrap_err();
        assert!(
            e.message().contains("index 5 would leave a gap"),
            "{}",
            e.message()
        );
        assert_eq!(e.location().as_deref(), Some("--set:1:5"));
        let e = v.set("name.first=z").unwrap_err();
        assert!(
            e.message().contains("name is not a mapping"),
            "{}",
            e.message()
        );
        assert!(v.set("noequals").is_err());
        assert!(v.set("=x").is_err());
    }

    #[test]
    fn set_paths_and_values_stay_within_the_nesting_limit() {
        let mut v = Values::default();
        let path = vec!["a"; 250].join(".");
        assert!(v.set(&format!("{path}=[[[1]]]")).is_ok());
        let e = v.set(&format!("{path}={}", "[".repeat(7))).unwrap_err();
        assert!(e.to_string().contains("the value is not valid YAML"), "{e}");
        let e = v
            .set(&format!("{path}={}1{}", "[".repeat(7), "]".repeat(7)))
            .unwrap_err();
        assert!(e.to_string().contains("deeper than 256"), "{e}");
    }

    #[test]
    fn values_files_must_be_one_mapping() {
        let mut v = Values::default();
        assert!(v.merge_file(Source::new("a.yaml", "- x\n")).is_err());
        assert!(v
            .merge_file(Source::new("a.yaml", "a: 1\n---\nb: 2\n"))
            .is_err());
        assert!(v.merge_file(Source::new("a.yaml", "# nothing\n")).is_ok());
    }

    #[test]
    fn dotted_paths() {
        assert_eq!(dotted("/image/tag"), "image.tag");
        assert_eq!(dotted("/hostMounts/2/type"), "hostMounts[2].type");
        assert_eq!(
            dotted("/podAnnotations/prometheus.io~1port"),
            "podAnnotations.prometheus\\.io/port"
        );
    }
}
