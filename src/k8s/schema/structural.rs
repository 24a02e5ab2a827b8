//! A CustomResourceDefinition version's `openAPIV3Schema` (a structural
//! schema) as the JSON Schema that gives a custom resource the verdicts the
//! API server gives it under strict field validation. Every rewrite is
//! described in `schemas/README.md` ("What the generator changes"): the
//! bundled prometheus-operator schemas are this translation of their CRDs
//! (with repeated subschemas shared in `$defs`, which changes no verdict),
//! and a test holds the two equal.

use serde_json::{json, Map, Value};

use crate::decode::Step;

/// The JSON Schema of one kind and version, and the CEL rules it could not
/// translate.
#[derive(Debug)]
pub struct Translated {
    pub schema: Value,
    /// `x-kubernetes-validations` rules JSON Schema cannot say.
    pub unchecked: Vec<String>,
}

/// Why a schema cannot be translated: a schema the API server would refuse
/// (not structural), at `path` inside the `openAPIV3Schema`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub path: Vec<Step>,
    pub message: String,
}

/// The ObjectMeta definition the root `metadata` (and that of embedded
/// resources) refers to.
pub const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// Translates `root`, the `openAPIV3Schema` of `kind` at `api_version`.
/// `meta_defs` holds [`OBJECT_META`] and the definitions it refers to.
pub fn translate(
    kind: &str,
    api_version: &str,
    root: &Value,
    meta_defs: &Map<String, Value>,
) -> Result<Translated, Invalid> {
    let mut cx = Cx::default();
    let mut path = Vec::new();
    if root.get("type").and_then(Value::as_str) != Some("object") {
        return Err(invalid(&path, "the root schema must be of type object"));
    }
    let mut s = convert(root, &mut path, &mut cx, Place::Field)?;
    let props = s
        .as_object_mut()
        .and_then(|o| {
            o.entry("properties")
                .or_insert_with(|| json!({}))
                .as_object_mut()
        })
        .ok_or_else(|| invalid(&[], "properties must be a mapping"))?;
    props.insert(
        "apiVersion".into(),
        json!({"type": "string", "enum": [api_version]}),
    );
    props.insert("kind".into(), json!({"type": "string", "enum": [kind]}));
    props.insert("metadata".into(), meta_ref());
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    if let Value::Object(s) = s {
        out.extend(s);
    }
    out.insert("$defs".into(), Value::Object(meta_defs.clone()));
    Ok(Translated {
        schema: Value::Object(out),
        unchecked: cx.unchecked,
    })
}

fn meta_ref() -> Value {
    json!({"$ref": format!("#/$defs/{OBJECT_META}")})
}

#[derive(Default)]
struct Cx {
    unchecked: Vec<String>,
}

/// Where a schema is: a field's (it must name its type) or a value
/// validation's (`allOf`, `anyOf`, `oneOf`, `not`), which must not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Field,
    Junctor,
}

fn invalid(path: &[Step], message: impl Into<String>) -> Invalid {
    Invalid {
        path: path.to_vec(),
        message: message.into(),
    }
}

/// Keywords of the API's JSONSchemaProps a CRD may use, copied as they are
/// (the ones rewritten are handled before).
const COPIED: [&str; 17] = [
    "type",
    "format",
    "title",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "multipleOf",
    "enum",
    "maxProperties",
    "minProperties",
    "required",
];

/// JSONSchemaProps fields the API server refuses in a CRD.
const FORBIDDEN: [&str; 7] = [
    "$ref",
    "$schema",
    "id",
    "definitions",
    "dependencies",
    "additionalItems",
    "patternProperties",
];

fn convert(s: &Value, path: &mut Vec<Step>, cx: &mut Cx, place: Place) -> Result<Value, Invalid> {
    let Some(obj) = s.as_object() else {
        return Err(invalid(path, "a schema must be a mapping"));
    };
    let flag = |key: &str| obj.get(key).and_then(Value::as_bool) == Some(true);
    let int_or_string = flag("x-kubernetes-int-or-string");
    let preserve = flag("x-kubernetes-preserve-unknown-fields");
    let embedded = flag("x-kubernetes-embedded-resource");
    let ty = obj.get("type").and_then(Value::as_str);
    if place == Place::Field && ty.is_none() && !int_or_string && !preserve {
        return Err(invalid(
            path,
            "not a structural schema: `type` is missing (required unless x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true)",
        ));
    }
    if int_or_string && obj.contains_key("type") {
        return Err(invalid(
            path,
            "not a structural schema: x-kubernetes-int-or-string needs no `type`",
        ));
    }
    if embedded && ty != Some("object") {
        return Err(invalid(
            path,
            "x-kubernetes-embedded-resource needs `type: object`",
        ));
    }
    if obj.contains_key("properties")
        && obj
            .get("additionalProperties")
            .is_some_and(|a| a.is_object() || a == &Value::Bool(true))
    {
        return Err(invalid(
            path,
            "properties and additionalProperties cannot both be set",
        ));
    }
    let mut out = Map::new();
    for (key, value) in obj {
        path.push(Step::Key(key.clone()));
        match key.as_str() {
            "properties" => {
                let Some(fields) = value.as_object() else {
                    return Err(invalid(path, "properties must be a mapping"));
                };
                let required: Vec<&str> = obj
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut props = Map::new();
                for (name, sub) in fields {
                    path.push(Step::Key(name.clone()));
                    let mut sub_out = convert(sub, path, cx, place)?;
                    path.pop();
                    // Null fields are pruned before validation unless
                    // required (then they are missing) or defaulted.
                    if !required.contains(&name.as_str()) || sub.get("default").is_some() {
                        sub_out = nullable(sub_out);
                    }
                    props.insert(name.clone(), sub_out);
                }
                out.insert(key.clone(), Value::Object(props));
            }
            "additionalProperties" => {
                let v = match value {
                    Value::Bool(_) => value.clone(),
                    _ => nullable(convert(value, path, cx, place)?),
                };
                out.insert(key.clone(), v);
            }
            "items" => {
                if !value.is_object() {
                    return Err(invalid(path, "items must be one schema"));
                }
                out.insert(key.clone(), convert(value, path, cx, place)?);
            }
            "allOf" | "anyOf" | "oneOf" => {
                // int-or-string's own `anyOf` says only "integer or string".
                if key == "anyOf" && int_or_string {
                    path.pop();
                    continue;
                }
                let Some(items) = value.as_array() else {
                    return Err(invalid(path, format!("{key} must be a list of schemas")));
                };
                let mut converted = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    converted.push(convert(item, path, cx, Place::Junctor)?);
                    path.pop();
                }
                out.insert(key.clone(), Value::Array(converted));
            }
            "not" => {
                out.insert(key.clone(), convert(value, path, cx, Place::Junctor)?);
            }
            "pattern" => {
                let Some(pattern) = value.as_str() else {
                    return Err(invalid(path, "pattern must be a string"));
                };
                let translated = go_pattern(pattern);
                if let Err(e) = regex::Regex::new(&translated) {
                    return Err(invalid(
                        path,
                        format!("invalid pattern {pattern:?}: {}", last_line(&e.to_string())),
                    ));
                }
                out.insert(key.clone(), Value::String(translated));
            }
            "uniqueItems" if value == &Value::Bool(true) => {
                return Err(invalid(
                    path,
                    "uniqueItems cannot be true in a CRD (use x-kubernetes-list-type: set)",
                ));
            }
            "uniqueItems" => {}
            "x-kubernetes-list-type" => match value.as_str() {
                Some("set") => {
                    out.insert("uniqueItems".into(), Value::Bool(true));
                }
                Some("map") => {
                    let keys = obj
                        .get("x-kubernetes-list-map-keys")
                        .and_then(Value::as_array)
                        .filter(|k| !k.is_empty())
                        .ok_or_else(|| {
                            invalid(
                                path,
                                "x-kubernetes-list-type: map needs x-kubernetes-list-map-keys",
                            )
                        })?;
                    let fields = obj
                        .get("items")
                        .and_then(|i| i.get("properties"))
                        .and_then(Value::as_object);
                    let mut defaults = Map::new();
                    for k in keys.iter().filter_map(Value::as_str) {
                        if let Some(d) = fields.and_then(|f| f.get(k)?.get("default")) {
                            defaults.insert(k.to_string(), d.clone());
                        }
                    }
                    out.insert(
                        "x-kdm-list-map".into(),
                        json!({"keys": keys, "defaults": defaults}),
                    );
                }
                Some("atomic") => {}
                _ => {
                    return Err(invalid(
                        path,
                        format!("x-kubernetes-list-type {value} is not atomic, set or map"),
                    ))
                }
            },
            "x-kubernetes-list-map-keys"
                if obj.get("x-kubernetes-list-type").and_then(Value::as_str) != Some("map") =>
            {
                return Err(invalid(
                    path,
                    "x-kubernetes-list-map-keys needs x-kubernetes-list-type: map",
                ));
            }
            "x-kubernetes-validations" => {
                let rules = translate_rules(value, obj, path, cx)?;
                out.insert("x-kdm-validations".into(), Value::Array(rules));
            }
            // Rewritten after the loop.
            "x-kubernetes-int-or-string"
            | "x-kubernetes-preserve-unknown-fields"
            | "x-kubernetes-embedded-resource" => {}
            k if FORBIDDEN.contains(&k) => {
                return Err(invalid(path, format!("{k} cannot be used in a CRD schema")));
            }
            k if COPIED.contains(&k) => {
                out.insert(key.clone(), value.clone());
            }
            // Anything else: an annotation, or a field the CRD's own
            // schema check reports.
            _ => {}
        }
        path.pop();
    }
    if int_or_string {
        out.insert("type".into(), json!(["integer", "string"]));
    }
    if embedded {
        // apiVersion, kind and metadata are the object's own fields.
        let props = out
            .entry("properties")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or_else(|| invalid(path, "properties must be a mapping"))?;
        for name in ["apiVersion", "kind"] {
            props
                .entry(name)
                .or_insert_with(|| json!({"type": "string"}));
        }
        props.insert("metadata".into(), meta_ref());
        let required = out.entry("required").or_insert_with(|| json!([]));
        if let Value::Array(r) = required {
            for name in ["apiVersion", "kind"] {
                if !r.iter().any(|v| v == name) {
                    r.push(json!(name));
                }
            }
        }
    }
    if ty == Some("object") && !preserve {
        // Structural schemas prune every field they do not name: under
        // strict field validation each is an error. (An empty `properties`
        // makes the validator name each unknown field, not just the first.)
        if out
            .entry("additionalProperties")
            .or_insert(Value::Bool(false))
            == &Value::Bool(false)
        {
            out.entry("properties").or_insert_with(|| json!({}));
        }
    }
    if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
        return Ok(nullable(Value::Object(out)));
    }
    Ok(Value::Object(out))
}

/// The reason of a regex error (its last line, without `error: `).
fn last_line(s: &str) -> &str {
    let line = s.lines().last().unwrap_or(s).trim();
    line.strip_prefix("error: ").unwrap_or(line)
}

/// A field the API server drops when it is null (or a nullable one): null
/// is accepted.
fn nullable(schema: Value) -> Value {
    let Value::Object(mut s) = schema else {
        return schema;
    };
    let types = match s.get("type") {
        None => return Value::Object(s), // any value already
        Some(Value::Array(t)) => t.clone(),
        Some(t) => vec![t.clone()],
    };
    if !types.iter().any(|t| t == "null") {
        let mut types = types;
        types.push(json!("null"));
        s.insert("type".into(), Value::Array(types));
    }
    if let Some(Value::Array(values)) = s.get_mut("enum") {
        if !values.iter().any(Value::is_null) {
            values.push(Value::Null);
        }
    }
    // Value validations hold for values that are not null.
    let junctors: Map<String, Value> = ["allOf", "anyOf", "oneOf", "not"]
        .iter()
        .filter_map(|k| Some((k.to_string(), s.remove(*k)?)))
        .collect();
    if !junctors.is_empty() {
        s.insert("if".into(), json!({"type": "null"}));
        s.insert("else".into(), Value::Object(junctors));
    }
    Value::Object(s)
}

// ---------------------------------------------------------------- patterns

/// Go's RE2 `\d`, `\w` and `\s` are ASCII; the validator's are Unicode.
pub fn go_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                chars.next();
                let body = match next {
                    'd' => Some("0-9"),
                    'w' => Some("0-9A-Za-z_"),
                    's' => Some("\\t\\n\\f\\r "),
                    _ => None,
                };
                match body {
                    Some(b) if in_class => out.push_str(b),
                    Some(b) => {
                        out.push('[');
                        out.push_str(b);
                        out.push(']');
                    }
                    None => {
                        out.push(c);
                        out.push(next);
                    }
                }
                continue;
            }
        }
        if c == '[' && !in_class {
            in_class = true;
        } else if c == ']' && in_class {
            in_class = false;
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------- CEL rules

// `x-kubernetes-validations` rules are CEL. The shapes below are translated
// into a JSON Schema that holds exactly when the rule does, on the object
// after the API server pruned null fields and applied defaults; kdm has no
// CEL engine, so any other rule is returned as unchecked.

/// The `default` of field `field` in the object schema `s`.
fn default_of<'s>(s: &'s Map<String, Value>, field: &str) -> Option<&'s Value> {
    s.get("properties")?.get(field)?.get("default")
}

fn has_value(field: &str) -> Value {
    json!({"required": [field], "properties": {field: {"not": {"type": "null"}}}})
}

/// `has(self.field)`: present and not null, or defaulted.
fn has(field: &str, s: &Map<String, Value>) -> Value {
    if default_of(s, field).is_some() {
        return json!({});
    }
    has_value(field)
}

/// `has(self.field) && self.field == value` (a missing field is its default).
fn equals(field: &str, value: &str, s: &Map<String, Value>) -> Value {
    let present = json!({"required": [field], "properties": {field: {"const": value}}});
    if default_of(s, field).and_then(Value::as_str) == Some(value) {
        return either(vec![negate(has_value(field)), present]);
    }
    present
}

/// `has(self.field) && self.field > n` (a missing field is its default).
fn greater(field: &str, n: i64, s: &Map<String, Value>) -> Value {
    let present = json!({"required": [field],
        "properties": {field: {"type": "integer", "exclusiveMinimum": n}}});
    if default_of(s, field)
        .and_then(Value::as_i64)
        .is_some_and(|d| d > n)
    {
        return either(vec![negate(has_value(field)), present]);
    }
    present
}

fn negate(s: Value) -> Value {
    json!({"not": s})
}

fn every(schemas: Vec<Value>) -> Value {
    json!({"allOf": schemas})
}

fn either(schemas: Vec<Value>) -> Value {
    json!({"anyOf": schemas})
}

type Build = fn(&regex::Captures<'_>, &Map<String, Value>) -> Value;

/// The rule shapes translated, and how.
fn rule_shapes() -> &'static [(regex::Regex, Build)] {
    static SHAPES: std::sync::OnceLock<Vec<(regex::Regex, Build)>> = std::sync::OnceLock::new();
    SHAPES.get_or_init(|| {
        let shapes: [(&str, Build); 6] = [
            (r"^!has\(self\.(\w+)\) \|\| has\(self\.(\w+)\)$", |m, s| {
                either(vec![negate(has(&m[1], s)), has(&m[2], s)])
            }),
            (r"^!\(self\.(\w+) != '(\w+)' && has\(self\.(\w+)\)\)$", |m, s| {
                // A missing field is a required-field error of its own.
                negate(every(vec![
                    json!({"required": [&m[1]]}),
                    negate(equals(&m[1], &m[2], s)),
                    has(&m[3], s),
                ]))
            }),
            (
                r"^!has\(self\.(\w+)\) \|\| \(has\(self\.(\w+)\) && self\.(\w+) == '(\w+)'\)$",
                |m, s| either(vec![negate(has(&m[1], s)), equals(&m[2], &m[4], s)]),
            ),
            (
                r"^!\(has\(self\.(\w+)\) && self\.(\w+) == '(\w+)' && has\(self\.(\w+)\)\)$",
                |m, s| negate(every(vec![equals(&m[1], &m[3], s), has(&m[4], s)])),
            ),
            (
                r"^!\(has\(self\.(\w+)\) && self\.(\w+) == '(\w+)' && has\(self\.(\w+)\) && self\.(\w+) > (\d+)\)$",
                |m, s| {
                    let n = m[6].parse().unwrap_or(i64::MAX);
                    negate(every(vec![equals(&m[1], &m[3], s), greater(&m[4], n, s)]))
                },
            ),
            (
                r"^\[has\(self\.(\w+)\), has\(self\.(\w+)\), has\(self\.(\w+)\)\]\.filter\(x, x\)\.size\(\) <= 1$",
                |m, s| {
                    negate(either(vec![
                        every(vec![has(&m[1], s), has(&m[2], s)]),
                        every(vec![has(&m[1], s), has(&m[3], s)]),
                        every(vec![has(&m[2], s), has(&m[3], s)]),
                    ]))
                },
            ),
        ];
        shapes
            .into_iter()
            .filter_map(|(p, b)| Some((regex::Regex::new(p).ok()?, b)))
            .collect()
    })
}

/// A shape whose field names must repeat (`has(self.a) && self.a == ...`):
/// the Rust regex crate has no backreferences, so they are compared here.
fn same_fields(m: &regex::Captures<'_>, shape: usize) -> bool {
    match shape {
        2 => m[2] == m[3],
        3 => m[1] == m[2],
        4 => m[1] == m[2] && m[4] == m[5],
        _ => true,
    }
}

fn translate_rules(
    rules: &Value,
    s: &Map<String, Value>,
    path: &mut Vec<Step>,
    cx: &mut Cx,
) -> Result<Vec<Value>, Invalid> {
    let Some(rules) = rules.as_array() else {
        return Err(invalid(path, "x-kubernetes-validations must be a list"));
    };
    let mut out = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let Some(rule) = r.get("rule").and_then(Value::as_str) else {
            path.push(Step::Index(i));
            return Err(invalid(path, "a validation rule needs `rule`"));
        };
        let message = r
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
            .map_or_else(|| format!("failed rule: {rule}"), str::to_string);
        let translated = rule_shapes()
            .iter()
            .enumerate()
            .find_map(|(n, (pattern, build))| {
                let m = pattern.captures(rule)?;
                same_fields(&m, n).then(|| build(&m, s))
            });
        match translated {
            Some(holds) => out.push(json!({"rule": rule, "message": message, "holds": holds})),
            None => cx.unchecked.push(rule.to_string()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(OBJECT_META.into(), json!({"type": "object"}));
        m
    }

    fn spec(s: Value) -> Value {
        json!({"type": "object", "properties": {"spec": s}})
    }

    fn translated(s: Value) -> Result<Value, Invalid> {
        translate("Widget", "example.com/v1", &spec(s), &meta())
            .map(|t| t.schema["properties"]["spec"].clone())
    }

    /// `$ref`s to `$defs` other than ObjectMeta's, replaced by what they
    /// refer to (the generator shares repeated subschemas that way).
    fn inline_shared(v: &mut Value, defs: &Map<String, Value>, meta: &Map<String, Value>) {
        match v {
            Value::Object(o) => {
                let target = o
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .filter(|name| !meta.contains_key(*name))
                    .and_then(|name| defs.get(name));
                if let Some(target) = target {
                    *v = target.clone();
                    inline_shared(v, defs, meta);
                    return;
                }
                for sub in o.values_mut() {
                    inline_shared(sub, defs, meta);
                }
            }
            Value::Array(items) => {
                for sub in items {
                    inline_shared(sub, defs, meta);
                }
            }
            _ => {}
        }
    }

    /// The bundled prometheus-operator schemas are this translation of
    /// their CRDs (those in testdata; see testdata/PROVENANCE.md).
    #[test]
    fn the_bundled_schemas_are_this_translation() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let crds = root.join("testdata/crds/prometheus-operator");
        let release = root
            .join("schemas/prometheus-operator")
            .join(super::super::CRD_RELEASE);
        let meta: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("schemas/kubernetes/v1.37/configmap-v1.json"))
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        let Some(meta) = meta["$defs"].as_object() else {
            panic!("the ConfigMap schema has $defs");
        };
        let mut compared = 0;
        let mut files: Vec<_> = std::fs::read_dir(&crds)
            .unwrap_or_else(|e| panic!("{}: {e}", crds.display()))
            .filter_map(|f| Some(f.ok()?.path()))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let source = crate::yaml::Source::new(file.display().to_string(), text);
            let docs = crate::yaml::load_stream(&source, crate::yaml::Limits::default())
                .unwrap_or_default();
            let crd = docs[0].to_json();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or_default();
            for v in crd["spec"]["versions"].as_array().into_iter().flatten() {
                let version = v["name"].as_str().unwrap_or_default();
                let api_version = format!("monitoring.coreos.com/{version}");
                let root_schema = &v["schema"]["openAPIV3Schema"];
                let Ok(ours) = translate(kind, &api_version, root_schema, meta) else {
                    panic!("{kind} {version} translates");
                };
                let bundled =
                    release.join(format!("{}-monitoring-{version}.json", kind.to_lowercase()));
                let mut theirs: Value =
                    serde_json::from_str(&std::fs::read_to_string(&bundled).unwrap_or_default())
                        .unwrap_or_else(|e| panic!("{}: {e}", bundled.display()));
                let defs = theirs["$defs"].as_object().cloned().unwrap_or_default();
                inline_shared(&mut theirs, &defs, meta);
                theirs["$defs"] = Value::Object(meta.clone());
                assert!(ours.schema == theirs, "{kind} {version} differs");
                compared += 1;
            }
        }
        assert!(compared >= 2, "{compared}");
    }

    #[test]
    fn go_classes_are_ascii() {
        assert_eq!(go_pattern(r"^\d+\w$"), "^[0-9]+[0-9A-Za-z_]$");
        assert_eq!(go_pattern(r"[\d.]\s\."), r"[0-9.][\t\n\f\r ]\.");
        assert_eq!(go_pattern(r"a\\d"), r"a\\d");
    }

    #[test]
    fn objects_are_strict_unless_preserved_and_null_is_unset() {
        let got = translated(json!({"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": {"type": "integer", "enum": [1]},
                "c": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "d": {"x-kubernetes-int-or-string": true,
                    "anyOf": [{"type": "integer"}, {"type": "string"}]}}}));
        assert_eq!(
            got,
            Ok(json!({"type": ["object", "null"], "required": ["a"],
                "additionalProperties": false, "properties": {
                "a": {"type": "string"}, "b": {"type": ["integer", "null"], "enum": [1, null]},
                "c": {"type": ["object", "null"]},
                "d": {"type": ["integer", "string", "null"]}}}))
        );
    }

    #[test]
    fn embedded_resources_have_their_own_type_fields() {
        let got = translated(
            json!({"type": "object", "x-kubernetes-embedded-resource": true,
            "x-kubernetes-preserve-unknown-fields": true}),
        );
        assert_eq!(
            got,
            Ok(
                json!({"type": ["object", "null"], "required": ["apiVersion", "kind"],
                "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                    "metadata": meta_ref()}})
            )
        );
    }

    #[test]
    fn schemas_the_api_server_refuses_are_invalid_at_their_place() {
        let at = |s: Value| translated(s).map(|_| ()).map_err(|e| (e.path, e.message));
        let key = |k: &str| Step::Key(k.into());
        let Err((path, message)) = at(json!({"type": "object",
            "properties": {"a": {"description": "no type"}}}))
        else {
            panic!("refused");
        };
        assert_eq!(
            path,
            [key("properties"), key("spec"), key("properties"), key("a")]
        );
        assert!(message.contains("`type` is missing"), "{message}");
        let Err((path, message)) = at(json!({"type": "string", "pattern": "a("})) else {
            panic!("refused");
        };
        assert_eq!(path, [key("properties"), key("spec"), key("pattern")]);
        assert!(message.starts_with("invalid pattern \"a(\""), "{message}");
        for bad in [
            json!({"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}),
            json!({"type": "array", "items": [{"type": "string"}]}),
            json!({"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object"}}),
            json!({"type": "array", "uniqueItems": true}),
            json!({"type": "string", "$ref": "#/x"}),
            json!({"type": "string", "x-kubernetes-int-or-string": true}),
            json!("string"),
        ] {
            assert!(at(bad.clone()).is_err(), "{bad}");
        }
        // value validations name no type
        assert!(at(json!({"type": "object", "anyOf": [{"required": ["a"]}]})).is_ok());
        let Err(root) = translate("W", "e.io/v1", &json!({"type": "string"}), &meta()) else {
            panic!("refused");
        };
        assert_eq!(root.path, []);
    }

    #[test]
    fn known_rule_shapes_are_translated_others_unchecked() {
        let s = json!({"type": "object", "properties": {
                "mode": {"type": "string", "default": "A"}, "b": {"type": "integer"}},
            "x-kubernetes-validations": [
                {"rule": "!has(self.b) || has(self.mode)", "message": "b needs mode"},
                {"rule": "!(has(self.mode) && self.mode == 'A' && has(self.b))"},
                {"rule": "!(has(self.mode) && self.other == 'A' && has(self.b))"},
                {"rule": "self.b.size() > self.c"}]});
        let Ok(t) = translate("W", "e.io/v1", &spec(s), &meta()) else {
            panic!("translates");
        };
        let rules = &t.schema["properties"]["spec"]["x-kdm-validations"];
        assert_eq!(rules.as_array().map(Vec::len), Some(2));
        assert_eq!(
            rules[1]["message"],
            "failed rule: !(has(self.mode) && self.mode == 'A' && has(self.b))"
        );
        // mode defaults to A: the rule holds when it is missing
        assert_eq!(
            rules[1]["holds"],
            json!({"not": {"allOf": [{"anyOf": [{"not": has_value("mode")},
                {"required": ["mode"], "properties": {"mode": {"const": "A"}}}]},
                has_value("b")]}})
        );
        assert_eq!(
            t.unchecked,
            [
                "!(has(self.mode) && self.other == 'A' && has(self.b))",
                "self.b.size() > self.c"
            ]
        );
    }
}
