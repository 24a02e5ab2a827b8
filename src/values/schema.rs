//! Validates merged values against a template's JSON Schema; every error
//! names the value and points at whatever set it.

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::{dotted, escape, Values};
use crate::decode::{self, Target};
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
        for problem in decode::explain(&err, Some(schema)) {
            let pointer = problem.pointer();
            let message = match err.kind() {
                ValidationErrorKind::MinLength { limit: 1 } => {
                    format!("value {} is empty", dotted(&pointer))
                }
                ValidationErrorKind::AnyOf { .. } if pointer == "/image" => {
                    "image needs a tag or a digest".to_string()
                }
                _ if pointer.is_empty() => problem.message.clone(),
                _ => format!("{}: {}", dotted(&pointer), problem.message),
            };
            // Where the value (or the key that set it) was written.
            let (at, on_key) = match &problem.target {
                Target::Value => (pointer.clone(), false),
                Target::Key => (pointer.clone(), true),
                Target::Field(name) => (format!("{pointer}/{}", escape(name)), true),
            };
            let wants_string = matches!(err.kind(), ValidationErrorKind::Type { kind }
                if format!("{kind:?}").contains("String"));
            // `--set a.example.com/x=v` made maps of a key's dots.
            let escaped = (wants_string && err.instance().is_object())
                .then(|| values.escaped_set(&at))
                .flatten();
            let mut error = match values.locate(&at) {
                Some((src, span, key)) => {
                    let span = if on_key || escaped.is_some() {
                        key.unwrap_or(span)
                    } else {
                        span
                    };
                    Error::at(src, span, format!("invalid values: {message}"), "set here")
                }
                None => Error::plain(format!("invalid values: {message}")),
            };
            let mut help: Vec<String> = problem.help.into_iter().collect();
            if let Some(fixed) = escaped {
                help.push(format!(
                    "`.` separates keys in a --set path; escape the dots inside a key: \
                     --set '{fixed}'"
                ));
            } else if wants_string && !err.instance().is_string() {
                help.push(format!(
                    "YAML reads this as a {}; write it in quotes to keep it a string",
                    json_type(err.instance())
                ));
            } else if at == "/metrics/annotations" && on_key {
                // Renamed: one value now chooses the one discovery mechanism.
                help = vec!["metrics.annotations was replaced by metrics.scrapeWith \
                     (--scrape-with): annotations, scrape-config, pod-monitor or service-monitor"
                    .to_string()];
            } else if at == "/image" || at.starts_with("/image/") {
                help.push(
                    "set the image with --image REPOSITORY:TAG (or REPOSITORY@sha256:DIGEST)"
                        .to_string(),
                );
            }
            if !help.is_empty() {
                error = error.with_help(help.join(" "));
            }
            errors.push((values.position(&at), error));
        }
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
        let help = errors
            .first()
            .and_then(|e| miette::Diagnostic::help(e).map(|h| h.to_string()));
        assert_eq!(
            help.as_deref(),
            Some(
                "did you mean `tag`? set the image with --image REPOSITORY:TAG \
                 (or REPOSITORY@sha256:DIGEST)"
            )
        );
        assert!(
            shown.contains(&(
                "invalid values: image: unknown field \"tagg\"".into(),
                Some("v.yaml:2:3".into())
            )),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|(m, l)| m
                .starts_with("invalid values: port: \"nine\" is not of type integer")
                && l.as_deref() == Some("v.yaml:3:7")),
            "{shown:?}"
        );
    }
}
