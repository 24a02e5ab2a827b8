//! Filters for YAML templates. Values are written as JSON, which is valid
//! YAML in flow position and never mis-quoted (`on`, `0755`, `1e3`, `:`).

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};

/// Instructions one `tpl` string may execute.
const TPL_FUEL: u64 = 1_000_000;

pub fn register(env: &mut Environment<'_>) {
    register_pure(env);
    env.add_filter("tpl", tpl);
}

/// The filters without `tpl`: a string rendered by `tpl` cannot render
/// another, so values cannot recurse into themselves.
fn register_pure(env: &mut Environment<'_>) {
    env.add_filter("tojson", tojson);
    env.add_filter("quote", quote);
    env.add_filter("merge", merge);
    env.add_filter("required", required);
}

/// `{{ value | tpl }}`: every string in `value` that holds `{{` or `{%` is
/// rendered as a template with the same `values`, as Helm's `tpl` does,
/// so a default such as `--web.listen-address=:{{ values.port.containerPort }}`
/// follows `--port`; a list item rendered empty is dropped.
fn tpl(state: &State, value: &Value) -> Result<Value, Error> {
    let values = state.lookup("values").unwrap_or_default();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(TPL_FUEL));
    env.set_recursion_limit(16);
    register_pure(&mut env);
    render_strings(&env, &values, value, "")
}

fn render_strings(
    env: &Environment<'_>,
    values: &Value,
    v: &Value,
    at: &str,
) -> Result<Value, Error> {
    match v.kind() {
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            if !(s.contains("{{") || s.contains("{%")) {
                return Ok(v.clone());
            }
            let ctx = minijinja::context! { values => values.clone() };
            // minijinja drops one trailing newline; a config file keeps it.
            let keep = if s.ends_with('\n') { "\n" } else { "" };
            env.render_str(s, ctx)
                .map(|r| Value::from(r + keep))
                .map_err(|e| {
                    let mut why = e.kind().to_string();
                    if let Some(detail) = e.detail() {
                        why = format!("{why}: {detail}");
                    }
                    let place = if at.is_empty() {
                        String::new()
                    } else {
                        format!(" at {at}")
                    };
                    Error::new(
                        ErrorKind::InvalidOperation,
                        format!("in the value{place} {s:?}: {why}"),
                    )
                })
        }
        ValueKind::Seq => {
            let mut out = Vec::new();
            for (i, item) in v.try_iter()?.enumerate() {
                let rendered = render_strings(env, values, &item, &format!("{at}[{i}]"))?;
                // A list item whose template renders to nothing is left out:
                // `{% if values.port %}--listen=...{% endif %}`.
                if rendered.as_str() == Some("") && item.as_str() != Some("") {
                    continue;
                }
                out.push(rendered);
            }
            Ok(Value::from(out))
        }
        ValueKind::Map => {
            let mut out = Vec::new();
            for k in v.try_iter()? {
                let item = v.get_item(&k)?;
                let key = k.as_str().map_or_else(|| k.to_string(), str::to_string);
                let here = if at.is_empty() {
                    key
                } else {
                    format!("{at}.{key}")
                };
                out.push((k, render_strings(env, values, &item, &here)?));
            }
            Ok(Value::from_pairs(out))
        }
        _ => Ok(v.clone()),
    }
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
    fn tpl_renders_strings_with_the_values_and_cannot_recurse() {
        let mut env = Environment::new();
        register(&mut env);
        let values = serde_json::json!({"port": 9200, "self": "{{ values.self | tpl }}"});
        let ctx = minijinja::context! { values => Value::from(minijinja::value::Serde(&values)) };
        let out = env
            .render_str(
                "{{ ['--listen=:{{ values.port }}', 1, 'plain', '{% if 0 %}x{% endif %}', ''] | tpl | tojson }}",
                ctx.clone(),
            )
            .unwrap();
        assert_eq!(out, r#"["--listen=:9200",1,"plain",""]"#);
        assert!(env.render_str("{{ values.self | tpl }}", ctx).is_err());
    }

    #[test]
    fn required_rejects_empty() {
        assert!(required(&Value::from(""), Some("set image")).is_err());
        assert!(required(&Value::from("x"), None).is_ok());
    }
}
