//! Validates merged values against a template's JSON Schema; every error
//! names the value and points at whatever set it.

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::{dotted, escape, Values};
use crate::diag::Error;
use crate::yaml::{Source, Span};

/// Every schema violation of `values`, as located errors (empty when valid).
pub fn validate(values: &Values, schema: &(Source, Value)) -> Vec<Error> {
    let (schema_src, schema) = schema;
    let validator = match jsonschema::options()
        .should_validate_formats(false)
        .build(schema)
    {
        Ok(v) => v,
        Err(e) => {
            return vec![Error::at(
                schema_src,
                Span::new(0, 0),
                format!("{} is not a valid JSON Schema: {e}", schema_src.name),
                "this schema",
            )]
        }
    };
    let mut errors = Vec::new();
    for err in validator.iter_errors(&values.tree) {
        let pointer = err.instance_path().to_string();
        let (message, pointer, on_key) = match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let name = unexpected.first().cloned().unwrap_or_default();
                let child = format!("{pointer}/{}", escape(&name));
                let known = known_properties(schema, err.schema_path().to_string().as_str());
                let mut msg = format!("unknown value {}", dotted(&child));
                if let Some(best) = known
                    .iter()
                    .filter(|k| crate::text::edit_distance(k, &name) <= 3)
                    .min_by_key(|k| crate::text::edit_distance(k, &name))
                {
                    msg.push_str(&format!(" (did you mean {best}?)"));
                }
                (msg, child, true)
            }
            ValidationErrorKind::Required { property } => (
                format!(
                    "{} needs {}",
                    name_of(&pointer),
                    property.as_str().unwrap_or("a value")
                ),
                pointer.clone(),
                false,
            ),
            ValidationErrorKind::MinLength { limit: 1 } => (
                format!("{} is empty", name_of(&pointer)),
                pointer.clone(),
                false,
            ),
            ValidationErrorKind::AnyOf { .. } if pointer == "/image" => (
                "image needs a tag or a digest".to_string(),
                pointer.clone(),
                false,
            ),
            _ => (
                format!("{}: {}", name_of(&pointer), short(&err.to_string())),
                pointer.clone(),
                false,
            ),
        };
        let mut error = match values.locate(&pointer) {
            Some((src, span, key)) => {
                let span = if on_key { key.unwrap_or(span) } else { span };
                Error::at(src, span, format!("invalid values: {message}"), "set here")
            }
            None => Error::plain(format!("invalid values: {message}")),
        };
        let wants_string = matches!(err.kind(), ValidationErrorKind::Type { kind }
            if format!("{kind:?}").contains("String"));
        if wants_string && !err.instance().is_string() {
            error = error.with_help(format!(
                "YAML reads this as a {}; write it in quotes to keep it a string",
                json_type(err.instance())
            ));
        } else if pointer == "/image" || pointer.starts_with("/image/") {
            error = error.with_help(
                "set the image with --image REPOSITORY:TAG (or REPOSITORY@sha256:DIGEST)",
            );
        }
        errors.push((values.position(&pointer), error));
    }
    // In the order the user wrote them.
    errors.sort_by_key(|(order, _)| *order);
    errors.into_iter().map(|(_, e)| e).collect()
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

fn name_of(pointer: &str) -> String {
    if pointer.is_empty() {
        "the values".to_string()
    } else {
        format!("value {}", dotted(pointer))
    }
}

/// jsonschema's messages repeat the whole value; keep them short.
fn short(message: &str) -> String {
    if message.chars().count() > 200 {
        let cut: String = message.chars().take(200).collect();
        format!("{cut}…")
    } else {
        message.to_string()
    }
}

/// The `properties` names of the schema object at `schema_path`'s parent.
fn known_properties(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    let mut node = schema;
    for token in parent.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match node {
            Value::Object(m) => match m.get(&token) {
                Some(v) => v,
                None => return Vec::new(),
            },
            Value::Array(a) => match token.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(v) => v,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> (Source, Value) {
        let text = r#"{"type": "object", "additionalProperties": false,
            "properties": {"image": {"type": "object", "additionalProperties": false,
                "properties": {"tag": {"type": "string"}}},
                "port": {"type": "integer"}}}"#;
        (
            Source::new("s.json", text),
            serde_json::from_str(text).unwrap(),
        )
    }

    #[test]
    fn errors_point_at_the_value_that_set_it() {
        let mut v = Values::default();
        v.merge_file(Source::new("v.yaml", "image:\n  tagg: x\nport: nine\n"))
            .unwrap();
        let errors = validate(&v, &schema());
        let shown: Vec<(String, Option<String>)> = errors
            .iter()
            .map(|e| (e.message().to_string(), e.location()))
            .collect();
        assert!(
            shown.contains(&(
                "invalid values: unknown value image.tagg (did you mean tag?)".into(),
                Some("v.yaml:2:3".into())
            )),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|(m, l)| m.starts_with("invalid values: value port:")
                    && l.as_deref() == Some("v.yaml:3:7")),
            "{shown:?}"
        );
    }
}
