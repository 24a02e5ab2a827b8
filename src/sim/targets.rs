//! `--targets` input: label maps, file_sd groups, a `/api/v1/targets`
//! response, or Kubernetes objects — detected from the content.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::decode::{Decoder, Dialect};
use crate::diag::{Error, Result};
use crate::input::load_yaml;
use crate::k8s_sd::{discover_objects, KubeObject, SdConfig};
use crate::relabel::{sort_pairs, to_pairs, Flavor, LabelPairs, Labels};
use crate::yaml::{Node, NodeKind, Source, Span};

/// A group of targets sharing labels, as service discovery produces them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group<'a> {
    pub source: String,
    pub labels: GroupLabels<'a>,
    pub targets: Vec<LabelPairs<'a>>,
}

/// A group's own labels.
#[derive(Debug, Clone)]
pub enum GroupLabels<'a> {
    Pairs(LabelPairs<'a>),
    /// A file_sd JSON group, checked at load but kept as text and parsed
    /// by the worker that relabels its targets: 100k groups then never hold
    /// millions of label pairs at once, whose fresh memory costs more than
    /// parsing twice.
    FileSdJson {
        group: &'a str,
        file: &'a str,
    },
}

impl PartialEq for GroupLabels<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.pairs() == other.pairs()
    }
}

impl Default for GroupLabels<'_> {
    fn default() -> Self {
        GroupLabels::Pairs(Vec::new())
    }
}

impl<'a> GroupLabels<'a> {
    /// The labels as sorted, unique pairs.
    pub fn pairs(&self) -> Cow<'_, [(Cow<'a, str>, Cow<'a, str>)]> {
        match self {
            GroupLabels::Pairs(p) => Cow::Borrowed(p.as_slice()),
            GroupLabels::FileSdJson { group, file } => {
                // Checked at load, so it parses; an empty set is the safe
                // answer should it not.
                let mut labels = serde_json::from_str::<LabelsOnly<'a>>(group)
                    .ok()
                    .and_then(|g| g.labels)
                    .map(|p| p.0)
                    .unwrap_or_default();
                with_filepath(&mut labels, file);
                Cow::Owned(labels)
            }
        }
    }
}

/// file_sd adds the file it read the group from, replacing any such label.
fn with_filepath<'a>(labels: &mut LabelPairs<'a>, file: &'a str) {
    labels.retain(|(k, _)| k != "__meta_filepath");
    // Keep the labels sorted: insert rather than sort again.
    let at = labels.partition_point(|(k, _)| k.as_ref() < "__meta_filepath");
    labels.insert(at, (Cow::Borrowed("__meta_filepath"), Cow::Borrowed(file)));
}

#[derive(Debug)]
pub enum Targets<'a> {
    /// Label sets that every selected job sees (label maps, file_sd).
    Groups(Vec<Group<'a>>),
    /// Discovered labels per scrape pool, from Prometheus's targets API.
    Api(Vec<(String, Labels)>),
    /// Kubernetes objects (Lists flattened), with where each came from.
    Kubernetes(Vec<KubeObject>),
}

/// The groups `cfg` discovers from Kubernetes objects.
pub fn kubernetes_groups(objects: &[KubeObject], cfg: &SdConfig) -> Result<Vec<Group<'static>>> {
    Ok(discover_objects(objects, cfg)?
        .into_iter()
        .map(|g| Group {
            source: g.source,
            labels: GroupLabels::Pairs(to_pairs(g.labels)),
            targets: g.targets.into_iter().map(to_pairs).collect(),
        })
        .collect())
}

/// A JSON string, borrowed from the input unless it has escapes.
#[derive(Deserialize)]
struct BStr<'a>(#[serde(borrow)] Cow<'a, str>);

/// A JSON object of label names to string values, as sorted pairs.
struct PairsDe<'a>(LabelPairs<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for PairsDe<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = PairsDe<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of label names to string values")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Self::Value, M::Error> {
                let mut pairs = Vec::with_capacity(m.size_hint().unwrap_or(16));
                while let Some((k, v)) = m.next_entry::<BStr<'de>, BStr<'de>>()? {
                    pairs.push((k.0, v.0));
                }
                sort_pairs(&mut pairs);
                Ok(PairsDe(pairs))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A file_sd JSON target group as first read: its targets, its labels
/// checked but not kept, and its text (filled in by [`parse_group_run`]),
/// from which the labels are parsed again when they are used.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSdGroup<'a> {
    #[serde(borrow)]
    targets: Vec<BStr<'a>>,
    #[serde(default)]
    labels: Option<NameCheck>,
    #[serde(skip)]
    text: &'a str,
}

/// A `labels` object checked to map names to strings, remembering the
/// first name each Prometheus version would reject.
#[derive(Default)]
struct NameCheck {
    /// Invalid under 2.x's legacy rules (`[a-zA-Z_][a-zA-Z0-9_]*`).
    not_legacy: Option<String>,
    /// 3.x rejects only the empty name.
    has_empty: bool,
}

impl NameCheck {
    fn invalid_for(&self, flavor: Flavor) -> Option<&str> {
        match flavor {
            Flavor::V2 => self.not_legacy.as_deref(),
            Flavor::V3 => self.has_empty.then_some(""),
        }
    }
}

impl<'de> Deserialize<'de> for NameCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameCheck;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of label names to string values")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Self::Value, M::Error> {
                let mut check = NameCheck::default();
                while let Some((k, _)) = m.next_entry::<BStr<'de>, BStr<'de>>()? {
                    check.has_empty |= k.0.is_empty();
                    if check.not_legacy.is_none() && !crate::relabel::is_legacy_label_name(&k.0) {
                        check.not_legacy = Some(k.0.into_owned());
                    }
                }
                Ok(check)
            }
        }
        d.deserialize_map(V)
    }
}

/// Just the labels of a group's text, for [`GroupLabels::pairs`].
#[derive(Deserialize)]
struct LabelsOnly<'a> {
    #[serde(borrow, default)]
    labels: Option<PairsDe<'a>>,
}

impl<'a> Targets<'a> {
    /// Combines the targets of several files; they must be of one kind.
    pub fn merge(all: Vec<Targets<'a>>) -> Result<Targets<'a>> {
        let mut iter = all.into_iter();
        let Some(mut acc) = iter.next() else {
            return Ok(Targets::Groups(Vec::new()));
        };
        for next in iter {
            acc = match (acc, next) {
                (Targets::Groups(mut a), Targets::Groups(b)) => {
                    a.extend(b);
                    Targets::Groups(a)
                }
                (Targets::Api(mut a), Targets::Api(b)) => {
                    a.extend(b);
                    Targets::Api(a)
                }
                (Targets::Kubernetes(mut a), Targets::Kubernetes(b)) => {
                    a.extend(b);
                    Targets::Kubernetes(a)
                }
                (a, b) => {
                    return Err(Error::plain(format!(
                        "--targets files must be of one kind, got {} and {}",
                        a.kind_name(),
                        b.kind_name()
                    )))
                }
            };
        }
        Ok(acc)
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Targets::Groups(_) => "label sets",
            Targets::Api(_) => "Prometheus targets API response",
            Targets::Kubernetes(..) => "Kubernetes objects",
        }
    }
}

/// Reads a targets file, detecting its format.
pub fn parse_targets(src: &Source, flavor: Flavor) -> Result<Targets<'_>> {
    let trimmed = src.text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        // JSON fast path: typed, zero-copy parses fail fast when the shape
        // differs.
        if let Some(groups) =
            parse_file_sd_parallel(&src.text).or_else(|| parse_group_array(&src.text))
        {
            return from_file_sd(src, groups, flavor);
        }
        if let Ok(maps) = serde_json::from_str::<Vec<PairsDe<'_>>>(&src.text) {
            let maps = maps.into_iter().map(|m| m.0).collect();
            return label_maps(src, maps, flavor, Span::default());
        }
        if let Ok(value) = serde_json::from_str::<Value>(&src.text) {
            return from_json_value(src, value, flavor);
        }
    }
    let docs = load_yaml(src)?;
    if docs.is_empty() {
        return Err(Error::plain(format!(
            "{}: no targets in the file",
            src.name
        )));
    }
    from_yaml_docs(src, &docs, flavor)
}

/// Inputs smaller than this are parsed on one thread.
const PARALLEL_PARSE_BYTES: usize = 4 << 20;

/// Parses a large file_sd JSON array on all cores: the text is cut at group
/// boundaries (`},` then `{`) and each part parsed as a run of groups. `None`
/// when the input is small or any part fails (a cut inside a string, another
/// format, a syntax error): the caller then parses the whole text, which
/// also reports errors with their real positions.
fn parse_file_sd_parallel(text: &str) -> Option<Vec<FileSdGroup<'_>>> {
    let threads = crate::worker_threads();
    if text.len() < PARALLEL_PARSE_BYTES || threads < 2 {
        return None;
    }
    let start = text.find('[')? + 1;
    let end = text.rfind(']')?;
    if end <= start {
        return None;
    }
    let bytes = text.as_bytes();
    let parts = threads * 4;
    let mut cuts = vec![start];
    for k in 1..parts {
        let from = start + (end - start) * k / parts;
        let from = from.max(*cuts.last()?);
        if let Some(comma) = next_group_boundary(bytes, from, end) {
            if comma > *cuts.last()? {
                cuts.push(comma);
            }
        }
    }
    cuts.push(end);
    let ranges: Vec<(usize, usize)> = cuts
        .windows(2)
        .enumerate()
        .map(|(i, w)| (if i == 0 { w[0] } else { w[0] + 1 }, w[1]))
        .collect();
    let parsed = crate::map_on_all_cores(&ranges, |&(a, b)| parse_group_run(&text[a..b]));
    let mut out = Vec::new();
    for part in parsed {
        out.extend(part?);
    }
    Some(out)
}

/// The first `,` at or after `from` that sits between `}` and `{"`.
fn next_group_boundary(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    let is_ws = |b: u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    let mut i = from;
    while i < end {
        if bytes[i] == b',' {
            let before = bytes[..i].iter().rposition(|&b| !is_ws(b));
            let after = bytes[i + 1..end]
                .iter()
                .position(|&b| !is_ws(b))
                .map(|p| i + 1 + p);
            if let (Some(b), Some(a)) = (before, after) {
                if bytes[b] == b'}' && bytes[a] == b'{' && bytes.get(a + 1) == Some(&b'"') {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// A whole file_sd JSON array on one thread.
fn parse_group_array(text: &str) -> Option<Vec<FileSdGroup<'_>>> {
    let body = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    parse_group_run(body)
}

/// Parses `{...}, {...}, ...` (a slice of the array's body).
fn parse_group_run(text: &str) -> Option<Vec<FileSdGroup<'_>>> {
    let is_ws = |c: char| matches!(c, ' ' | '\n' | '\r' | '\t');
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches(is_ws);
    while !rest.is_empty() {
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<FileSdGroup<'_>>();
        let mut group = stream.next()?.ok()?;
        group.text = &rest[..stream.byte_offset()];
        out.push(group);
        rest = rest[stream.byte_offset()..].trim_start_matches(is_ws);
        if rest.is_empty() {
            break;
        }
        rest = rest.strip_prefix(',')?.trim_start_matches(is_ws);
        if rest.is_empty() {
            return None; // a trailing comma is not JSON
        }
    }
    Some(out)
}

fn check_names(src: &Source, labels: &LabelPairs<'_>, flavor: Flavor, span: Span) -> Result<()> {
    for (name, _) in labels {
        if !flavor.label_scheme().is_valid_label_name(name) {
            return Err(Error::at(
                src,
                span,
                format!("{name:?} is not a valid label name"),
                "invalid label name",
            ));
        }
    }
    Ok(())
}

fn from_file_sd<'a>(
    src: &'a Source,
    groups: Vec<FileSdGroup<'a>>,
    flavor: Flavor,
) -> Result<Targets<'a>> {
    let mut out = Vec::with_capacity(groups.len());
    for (i, g) in groups.into_iter().enumerate() {
        if let Some(name) = g.labels.as_ref().and_then(|c| c.invalid_for(flavor)) {
            // The group's text borrows from the source: its offset is its place.
            let start = (g.text.as_ptr() as usize).saturating_sub(src.text.as_ptr() as usize);
            return Err(Error::at(
                src,
                Span::new(start, start + g.text.len()),
                format!("{name:?} is not a valid label name"),
                "in this target group",
            ));
        }
        out.push(Group {
            source: format!("{}:{i}", src.name),
            labels: GroupLabels::FileSdJson {
                group: g.text,
                file: src.name.as_str(),
            },
            targets: g
                .targets
                .into_iter()
                .map(|t| vec![(Cow::Borrowed("__address__"), t.0)])
                .collect(),
        });
    }
    Ok(Targets::Groups(out))
}

fn label_maps<'a>(
    src: &Source,
    maps: Vec<LabelPairs<'a>>,
    flavor: Flavor,
    span: Span,
) -> Result<Targets<'a>> {
    for m in &maps {
        check_names(src, m, flavor, span)?;
    }
    Ok(Targets::Groups(vec![Group {
        source: src.name.clone(),
        labels: GroupLabels::default(),
        targets: maps,
    }]))
}

fn is_kube_object(v: &Value) -> bool {
    v.get("kind").is_some_and(Value::is_string) && v.get("apiVersion").is_some()
}

fn flatten_kube(src: &Source, value: Value, span: Span, out: &mut Vec<KubeObject>) {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    if is_list {
        if let Some(Value::Array(items)) = value.get("items").cloned() {
            for item in items {
                flatten_kube(src, item, span, out);
            }
        }
    } else {
        out.push(KubeObject {
            value,
            span,
            source: src.clone(),
        });
    }
}

fn string_labels(src: &Source, v: &Value, what: &str) -> Result<Labels> {
    let Some(obj) = v.as_object() else {
        return Err(Error::plain(format!(
            "{}: {what} must be a map of label names to strings",
            src.name
        )));
    };
    obj.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(Error::plain(format!(
                "{}: label {k:?} in {what} has a non-string value {other}",
                src.name
            ))),
        })
        .collect()
}

fn from_api(src: &Source, data: &Value, flavor: Flavor) -> Result<Targets<'static>> {
    let mut out = Vec::new();
    for key in ["activeTargets", "droppedTargets"] {
        for t in data
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let discovered = t.get("discoveredLabels").ok_or_else(|| {
                Error::plain(format!(
                    "{}: a target in {key} has no discoveredLabels",
                    src.name
                ))
            })?;
            let labels = string_labels(src, discovered, "discoveredLabels")?;
            check_names(src, &to_pairs(labels.clone()), flavor, Span::default())?;
            let job = t
                .get("scrapePool")
                .and_then(Value::as_str)
                .or_else(|| labels.get("job").map(String::as_str))
                .unwrap_or_default()
                .to_string();
            out.push((job, labels));
        }
    }
    Ok(Targets::Api(out))
}

fn from_json_value(src: &Source, value: Value, flavor: Flavor) -> Result<Targets<'static>> {
    let whole = Span::new(0, src.text.len().min(1));
    if let Some(data) = value
        .get("data")
        .filter(|d| d.get("activeTargets").is_some())
    {
        return from_api(src, data, flavor);
    }
    let items: Vec<Value> = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    if items.iter().any(is_kube_object) {
        let mut out = Vec::new();
        for item in items {
            flatten_kube(src, item, whole, &mut out);
        }
        return Ok(Targets::Kubernetes(out));
    }
    if items.iter().any(|i| i.get("targets").is_some()) {
        // The typed parse failed: report serde's precise reason and position.
        let e = serde_json::from_str::<Vec<FileSdGroup<'_>>>(&src.text)
            .err()
            .map(|e| json_error(src, &e))
            .unwrap_or_else(|| {
                Error::plain(format!("{}: invalid file_sd target groups", src.name))
            });
        return Err(e);
    }
    let maps = items
        .iter()
        .map(|i| string_labels(src, i, "a target").map(to_pairs))
        .collect::<Result<Vec<_>>>()?;
    label_maps(src, maps, flavor, whole)
}

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

/// A serde_json error as a diagnostic at its line and column.
fn json_error(src: &Source, e: &serde_json::Error) -> Error {
    let (line, col) = (e.line(), e.column());
    let offset = src
        .text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + col.saturating_sub(1);
    let offset = offset.min(src.text.len());
    Error::at(
        src,
        Span::new(offset, offset),
        format!("invalid target groups: {e}"),
        "here",
    )
}

fn from_yaml_docs(src: &Source, docs: &[Node], flavor: Flavor) -> Result<Targets<'static>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and describes the result (sources are leaked: tests only).
    fn parse(text: &str) -> Targets<'static> {
        let src: &'static Source = Box::leak(Box::new(Source::new("t", text)));
        parse_targets(src, Flavor::V3).unwrap()
    }

    #[test]
    fn detects_formats() {
        assert!(
            matches!(parse(r#"[{"targets":["a:1"],"labels":{"x":"y"}}]"#), Targets::Groups(g) if g[0].targets.len() == 1)
        );
        assert!(
            matches!(parse(r#"[{"__address__":"a:1"}]"#), Targets::Groups(g) if g[0].targets.len() == 1)
        );
        assert!(
            matches!(parse("- __address__: a:1\n  foo: 1\n"), Targets::Groups(g) if g[0].targets[0][1].1 == "1")
        );
        assert!(matches!(parse("- targets: [a:1]\n"), Targets::Groups(_)));
        assert!(
            matches!(parse("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n"), Targets::Kubernetes(o) if o.len() == 1)
        );
        assert!(matches!(
            parse(r#"{"status":"success","data":{"activeTargets":[{"discoveredLabels":{"__address__":"a"},"scrapePool":"j"}],"droppedTargets":[]}}"#),
            Targets::Api(t) if t[0].0 == "j"
        ));
    }

    #[test]
    fn large_file_sd_parses_in_parallel_like_serially() {
        let mut text = String::from("[\n");
        let mut i = 0;
        while text.len() < PARALLEL_PARSE_BYTES + 1000 {
            if i > 0 {
                text.push_str(",\n");
            }
            // Values containing `},{"` must not confuse the cuts.
            text.push_str(&format!(
                "  {{\"targets\": [\"10.0.0.{}:80\"], \"labels\": {{\"a\": \"x}},{{\\\"y{i}\", \"job\": \"j{i}\"}}}}",
                i % 250
            ));
            i += 1;
        }
        text.push_str("\n]\n");
        let serial = parse_group_array(&text).unwrap();
        let parallel = parse_file_sd_parallel(&text);
        assert_eq!(parallel.is_some(), crate::worker_threads() > 1);
        if let Some(parallel) = parallel {
            assert_eq!(parallel.len(), serial.len());
            for (a, b) in parallel.iter().zip(&serial) {
                assert_eq!(a.text, b.text);
                assert_eq!(a.targets.len(), b.targets.len());
            }
        }
        // A syntax error anywhere makes the parallel path give up.
        let broken = text
            .replacen("\"job\"", "\"job\" ", 1)
            .replacen(": [", ": [,", 1);
        assert!(parse_file_sd_parallel(&broken).is_none());
        assert!(parse_file_sd_parallel("[{\"targets\": []}]").is_none());
    }

    #[test]
    fn file_sd_json_labels_are_parsed_when_used() {
        let Targets::Groups(g) = parse(
            r#"[{"targets":["a:1"],"labels":{"z":"1","__meta_filepath":"x","a\u0062":"2","z":"3"}}]"#,
        ) else {
            panic!("not groups");
        };
        let pairs = g[0].labels.pairs();
        let names: Vec<_> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(names, ["__meta_filepath=t", "ab=2", "z=3"]);
    }

    #[test]
    fn invalid_file_sd_label_names_point_at_their_labels() {
        let src = Source::new(
            "t",
            "[{\"targets\": [\"a:1\"],\n  \"labels\": {\"a.b\": \"x\"}}]",
        );
        let e = parse_targets(&src, Flavor::V2).unwrap_err();
        assert!(
            e.to_string().contains("\"a.b\" is not a valid label name"),
            "{e}"
        );
        assert_eq!(e.location().as_deref(), Some("t:1:2"));
        assert!(parse_targets(&src, Flavor::V3).is_ok());
        // A label value that is not a string is still a clear error.
        let src = Source::new("t", r#"[{"targets": ["a:1"], "labels": {"a": 1}}]"#);
        assert!(parse_targets(&src, Flavor::V3).is_err());
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(parse_targets(&Source::new("t", "- [1, 2]\n"), Flavor::V3).is_err());
        assert!(parse_targets(&Source::new("t", "- a: [1]\n"), Flavor::V3).is_err());
        assert!(parse_targets(&Source::new("t", "- a.b: x\n"), Flavor::V2).is_err());
    }
}
