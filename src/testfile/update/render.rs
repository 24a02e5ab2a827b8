//! New expectation values as YAML text, in the style of what they replace:
//! flow (`{kept: {pod: a}}`) inside flow collections, block where the old
//! value was a block collection (its nested collections flow where the old
//! ones were). Strings are plain where kdm reads them back as the same
//! string, double-quoted otherwise; no block scalars, so every value fits
//! any context on lines of its own.

use serde_json::Value;

use super::layout::is_flow;
use crate::yaml::{Node, NodeKind, Source};

/// The value on one line, in flow style; `padded` writes `{ a: b }`.
pub(super) fn flow(value: &Value, padded: bool) -> String {
    let mut out = String::new();
    write_flow(&mut out, value, padded);
    out
}

fn write_flow(out: &mut String, value: &Value, padded: bool) {
    let (open, close, pad) = match value {
        Value::Object(m) if !m.is_empty() => ("{", "}", padded),
        Value::Array(a) if !a.is_empty() => ("[", "]", padded),
        other => return out.push_str(&scalar(other, None)),
    };
    out.push_str(open);
    if pad {
        out.push(' ');
    }
    match value {
        Value::Object(m) => {
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&string(k, None));
                out.push_str(": ");
                write_flow(out, v, padded);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(out, v, padded);
            }
        }
        _ => {}
    }
    if pad {
        out.push(' ');
    }
    out.push_str(close);
}

/// The value as a block collection whose first line continues where it is
/// put and whose other lines start at `col` (in characters) after `eol`.
/// `like` is the node it replaces: its nested collections written in flow
/// style make the new ones flow too.
pub(super) fn block(
    value: &Value,
    col: usize,
    eol: &str,
    like: Option<&Node>,
    text: &str,
) -> String {
    let mut out = String::new();
    write_block(&mut out, value, col, eol, like, text);
    out
}

fn write_block(
    out: &mut String,
    value: &Value,
    col: usize,
    eol: &str,
    like: Option<&Node>,
    text: &str,
) {
    let newline = |out: &mut String, col: usize| {
        out.push_str(eol);
        out.extend(std::iter::repeat_n(' ', col));
    };
    match value {
        Value::Object(m) if !m.is_empty() => {
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    newline(out, col);
                }
                out.push_str(&string(k, None));
                out.push(':');
                let old = like.and_then(|n| n.get(k));
                let nonempty_collection = match v {
                    Value::Object(c) => !c.is_empty(),
                    Value::Array(c) => !c.is_empty(),
                    _ => false,
                };
                if !nonempty_collection {
                    out.push(' ');
                    out.push_str(&scalar(v, None));
                } else if child_flow(like, old, text) {
                    out.push(' ');
                    write_flow(out, v, false);
                } else {
                    newline(out, col + 2);
                    write_block(out, v, col + 2, eol, old, text);
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let items = like.and_then(Node::as_seq).unwrap_or(&[]);
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    newline(out, col);
                }
                out.push_str("- ");
                let old = items.get(i).or(items.last());
                if old.is_some_and(|n| is_flow(n, text)) {
                    write_flow(out, v, false);
                } else {
                    write_block(out, v, col + 2, eol, old, text);
                }
            }
        }
        other => write_flow(out, other, false),
    }
}

/// Whether a nested collection is written in flow style: as the old one at
/// its key was, else as the old mapping's other nested collections were.
fn child_flow(parent: Option<&Node>, old: Option<&Node>, text: &str) -> bool {
    match old {
        Some(n) if matches!(n.kind, NodeKind::Map(_) | NodeKind::Seq(_)) => is_flow(n, text),
        _ => parent.and_then(Node::as_map).is_some_and(|entries| {
            entries
                .iter()
                .any(|(_, v)| !matches!(v.kind, NodeKind::Scalar { .. }) && is_flow(v, text))
        }),
    }
}

/// A scalar value; `quote` is the quote character of the scalar it
/// replaces, kept where it can hold the new text.
pub(super) fn scalar(value: &Value, quote: Option<char>) -> String {
    match value {
        Value::String(s) => string(s, quote),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

fn string(s: &str, quote: Option<char>) -> String {
    let printable = |c: char| c == ' ' || !(c.is_control() || c == '\u{feff}');
    match quote {
        None if plain(s) => s.to_string(),
        Some('\'') if s.chars().all(printable) => format!("'{}'", s.replace('\'', "''")),
        // JSON strings are YAML double-quoted scalars.
        _ => serde_json::Value::String(s.to_string()).to_string(),
    }
}

/// Whether `s` can be written unquoted, in block and flow context alike:
/// conservative characters, and read back by kdm as the same string (not
/// `true`, `1`, `null`, `0x1f`, ...).
fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let ok = |c: char| c.is_ascii_alphanumeric() || "_-./:@+".contains(c);
    if !(first.is_ascii_alphanumeric() || "_./".contains(first))
        || !s.chars().all(ok)
        || s.ends_with(':')
        || s.len() > 1024
    {
        return false;
    }
    let text = format!("[{s}]");
    let src = Source::new("scalar", text);
    crate::input::load_yaml(&src)
        .ok()
        .and_then(|docs| docs.into_iter().next())
        .is_some_and(|doc| doc.to_json() == Value::Array(vec![Value::String(s.into())]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_quoted_where_they_would_read_differently() {
        for s in ["web", "api-7d9f", "http://10.0.0.1:80/metrics", "a.b_c"] {
            assert_eq!(string(s, None), s);
        }
        for (s, want) in [
            ("true", "\"true\""),
            ("1", "\"1\""),
            ("null", "\"null\""),
            ("0x1f", "\"0x1f\""),
            ("", "\"\""),
            ("a b", "\"a b\""),
            ("-x", "\"-x\""),
            ("a: b", "\"a: b\""),
            ("line\nbreak", "\"line\\nbreak\""),
        ] {
            assert_eq!(string(s, None), want, "{s:?}");
        }
        assert_eq!(string("it's", Some('\'')), "'it''s'");
        assert_eq!(string("web", Some('"')), "\"web\"");
        assert_eq!(string("a\tb", Some('\'')), "\"a\\tb\"");
    }

    #[test]
    fn flow_and_block() {
        let v = json!({"kept": {"pod": "a", "ns": "true"}, "scrape_url": "http://x:1/m"});
        assert_eq!(
            flow(&v, false),
            "{kept: {pod: a, ns: \"true\"}, scrape_url: http://x:1/m}"
        );
        assert_eq!(flow(&json!({"a": []}), true), "{ a: [] }");
        assert_eq!(
            block(&v, 4, "\r\n", None, ""),
            "kept:\r\n      pod: a\r\n      ns: \"true\"\r\n    scrape_url: http://x:1/m"
        );
        let list = json!([{"dropped": {"rule": 0}}, {"kept": true}]);
        assert_eq!(
            block(&list, 0, "\n", None, ""),
            "- dropped:\n    rule: 0\n- kept: true"
        );
    }
}
