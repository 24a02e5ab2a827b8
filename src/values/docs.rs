//! `--show-values`: the values as YAML, each key preceded by its schema
//! description, so the schema is the one place values are documented.

use serde_json::{Map, Value};

/// Renders `values` with comments from `schema` (if any).
pub fn annotated(values: &Value, schema: Option<&Value>) -> String {
    let mut out = String::new();
    match values.as_object() {
        Some(map) => write_map(map, schema, schema, 0, &mut out, &mut Default::default()),
        None => out.push_str(&emit_entry_free(values)),
    }
    out
}

fn write_map(
    map: &Map<String, Value>,
    node_schema: Option<&Value>,
    root: Option<&Value>,
    indent: usize,
    out: &mut String,
    // Keys already documented at this level (by an earlier list item).
    seen: &mut std::collections::BTreeSet<String>,
) {
    let pad = " ".repeat(indent);
    for (key, value) in map {
        let raw = node_schema
            .and_then(|s| resolve(s, root).get("properties"))
            .and_then(|p| p.get(key));
        let prop = raw.map(|p| resolve(p, root));
        let description = [raw, prop]
            .into_iter()
            .flatten()
            .find_map(|p| p.get("description").and_then(Value::as_str));
        if let Some(desc) = description.filter(|_| seen.insert(key.clone())) {
            for line in desc.lines() {
                out.push_str(&format!("{pad}# {line}\n"));
            }
        }
        let documented_children = prop.is_some_and(|p| p.get("properties").is_some());
        let item_schema = prop
            .and_then(|p| p.get("items"))
            .map(|i| resolve(i, root))
            .filter(|i| i.get("properties").is_some());
        match (value, item_schema) {
            (Value::Object(child), _) if documented_children && !child.is_empty() => {
                out.push_str(&format!("{pad}{}:\n", key_text(key)));
                write_map(child, prop, root, indent + 2, out, &mut Default::default());
            }
            // A list of documented maps: each field is documented where it
            // first appears.
            (Value::Array(items), Some(item))
                if items
                    .first()
                    .is_some_and(|i| i.as_object().is_some_and(|m| !m.is_empty())) =>
            {
                out.push_str(&format!("{pad}{}:\n", key_text(key)));
                let mut documented = Default::default();
                for v in items {
                    let mut text = String::new();
                    match v.as_object() {
                        Some(m) if !m.is_empty() => {
                            write_map(m, Some(item), root, 0, &mut text, &mut documented)
                        }
                        _ => text = emit_entry_free(v),
                    }
                    for (n, line) in text.lines().enumerate() {
                        let lead = if n == 0 { "- " } else { "  " };
                        out.push_str(&format!("{pad}{lead}{line}\n"));
                    }
                }
            }
            _ => {
                let mut one = Map::new();
                one.insert(key.clone(), value.clone());
                for line in emit_entry_free(&Value::Object(one)).lines() {
                    out.push_str(&format!("{pad}{line}\n"));
                }
            }
        }
    }
}

/// Follows a local `$ref` (`#/$defs/name`).
fn resolve<'a>(schema: &'a Value, root: Option<&'a Value>) -> &'a Value {
    match (schema.get("$ref").and_then(Value::as_str), root) {
        (Some(r), Some(root)) => r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or(schema),
        _ => schema,
    }
}

fn key_text(key: &str) -> String {
    let mut one = Map::new();
    one.insert(key.to_string(), Value::Null);
    let text = emit_entry_free(&Value::Object(one));
    text.split_once(':')
        .map_or_else(|| key.to_string(), |(k, _)| k.to_string())
}

fn emit_entry_free(v: &Value) -> String {
    crate::yaml::to_yaml(v).unwrap_or_else(|e| format!("# cannot show: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_documented_by_their_schema() {
        let schema = serde_json::json!({"properties": {"mounts": {
            "description": "Mounts.",
            "items": {"properties": {"name": {"description": "Volume name."},
                                     "path": {"description": "Where."}}}}}});
        let values = serde_json::json!({"mounts": [{"name": "a"}, {"name": "b", "path": "/b"}]});
        let text = annotated(&values, Some(&schema));
        assert_eq!(
            text,
            "# Mounts.\nmounts:\n- # Volume name.\n  name: a\n- name: b\n  # Where.\n  path: /b\n"
        );
        let src = crate::yaml::Source::new("v", text);
        let docs = crate::input::load_yaml(&src).unwrap();
        assert_eq!(docs[0].to_json(), values);
    }

    #[test]
    fn comments_come_from_the_schema() {
        let schema = serde_json::json!({
            "$defs": {"n": {"type": "string", "description": "A name."}},
            "properties": {
                "name": {"$ref": "#/$defs/n"},
                "image": {"description": "The image.", "properties": {
                    "tag": {"description": "Tag."}}},
                "args": {"description": "Args."}
            }
        });
        let values = serde_json::json!({"name": "x", "image": {"tag": "on"}, "args": ["a", "b"]});
        let text = annotated(&values, Some(&schema));
        assert!(text.starts_with("# A name.\nname: x\n# The image.\nimage:\n  # Tag.\n  tag: \"on\"\n# Args.\nargs:\n"), "{text}");
        // the output reads back as the same values
        let src = crate::yaml::Source::new("v", text);
        let docs = crate::input::load_yaml(&src).unwrap();
        assert_eq!(docs[0].to_json(), values);
    }
}
