//! Filters for YAML templates. Values are written as JSON, which is valid
//! YAML in flow position and never mis-quoted (`on`, `0755`, `1e3`, `:`).

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

pub fn register(env: &mut Environment<'_>) {
    env.add_filter("tojson", tojson);
    env.add_filter("quote", quote);
    env.add_filter("merge", merge);
    env.add_filter("required", required);
}

/// `{{ value | tojson }}`: the value as one line of JSON.
fn tojson(value: &Value) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot serialize: {e}"),
        )
    })
}

/// `{{ value | quote }}`: the value's string form as a double-quoted scalar.
fn quote(value: &Value) -> Result<String, Error> {
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    };
    serde_json::to_string(&text)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("cannot quote: {e}")))
}

/// `{{ a | merge(b) }}`: a map with b's entries over a's.
fn merge(base: &Value, over: &Value) -> Result<Value, Error> {
    let mut out = indexmap_like(base)?;
    for (k, v) in indexmap_like(over)? {
        if let Some(slot) = out.iter_mut().find(|(key, _)| *key == k) {
            slot.1 = v;
        } else {
            out.push((k, v));
        }
    }
    Ok(Value::from_pairs(out))
}

fn indexmap_like(v: &Value) -> Result<Vec<(Value, Value)>, Error> {
    if v.is_undefined() || v.is_none() {
        return Ok(Vec::new());
    }
    if v.kind() != minijinja::value::ValueKind::Map {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("merge needs maps, got {}", v.kind()),
        ));
    }
    v.try_iter()?
        .map(|k| {
            let item = v.get_item(&k)?;
            Ok((k, item))
        })
        .collect()
}

/// `{{ value | required("message") }}`: fails the render when the value is
/// undefined, none or empty.
fn required(value: &Value, message: Option<&str>) -> Result<Value, Error> {
    let empty = value.is_undefined()
        || value.is_none()
        || value.as_str().is_some_and(str::is_empty)
        || value.len() == Some(0);
    if empty {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            message.unwrap_or("a required value is empty").to_string(),
        ));
    }
    Ok(value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_strings_stay_strings() {
        for s in ["on", "yes", "0755", "1e3", "a: b", "- x", "null", "~", "#c"] {
            let json = tojson(&Value::from(s)).unwrap();
            assert_eq!(serde_json::from_str::<String>(&json).unwrap(), s);
            assert_eq!(quote(&Value::from(s)).unwrap(), json);
        }
    }

    #[test]
    fn merge_overrides_and_keeps_order() {
        let a = Value::from(minijinja::value::Serde(serde_json::json!({"x": 1, "y": 2})));
        let b = Value::from(minijinja::value::Serde(serde_json::json!({"y": 3, "z": 4})));
        assert_eq!(
            tojson(&merge(&a, &b).unwrap()).unwrap(),
            r#"{"x":1,"y":3,"z":4}"#
        );
    }

    #[test]
    fn required_rejects_empty() {
        assert!(required(&Value::from(""), Some("set image")).is_err());
        assert!(required(&Value::from("x"), None).is_ok());
    }
}
