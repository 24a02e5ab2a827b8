//! The YAML format: the same document as the JSON format (same keys, same
//! order), emitted by [`crate::yaml::to_yaml`], which quotes every scalar
//! another reader could take for a different type. Reports too large to
//! hold are streamed one sequence item at a time.

use serde::Serialize;

use crate::diag::{Error, Result};

/// A whole report as one document.
pub fn document<T: Serialize>(value: &T) -> Result<String> {
    crate::yaml::to_yaml(value).map_err(|e| Error::plain(format!("cannot write YAML: {e}")))
}

/// One item of a top-level sequence whose key (`results:`) is already
/// written: a newline, then `- ` and the item indented under it, without a
/// final newline. The sequence's end writes that newline, or ` []` when no
/// item came.
pub fn sequence_item<T: Serialize>(value: &T) -> String {
    let body = crate::yaml::to_yaml(value).unwrap_or_else(|e| format!("error: {e}\n"));
    let mut out = String::with_capacity(body.len() + 64);
    for (i, line) in body.lines().enumerate() {
        out.push_str(if i == 0 { "\n- " } else { "\n  " });
        out.push_str(line);
    }
    out
}

/// A report's `errors:` key: its input errors, placed as in the JSON
/// format's `errors` array.
pub fn errors(errors: &[Error]) -> String {
    #[derive(Serialize)]
    struct Errors<'a> {
        errors: Vec<super::json::JsonError<'a>>,
    }
    document(&Errors {
        errors: super::json::errors(errors),
    })
    .unwrap_or_else(|e| format!("errors:\n- message: {:?}\n", e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Streamed items read back as the sequence they stand for.
    #[test]
    fn streamed_items_make_a_sequence() {
        let items = [
            json!({"a": 1, "b": ["x", "on"]}),
            json!({"a": null, "b": []}),
        ];
        let mut text = String::from("results:");
        for item in &items {
            text.push_str(&sequence_item(item));
        }
        text.push('\n');
        let whole = document(&json!({"results": items})).unwrap();
        assert_eq!(text, whole);
    }

    #[test]
    fn errors_carry_their_place() {
        let src = crate::yaml::Source::new("a.yaml", "a: [\n");
        let errs = [Error::at(
            &src,
            crate::yaml::Span::new(3, 4),
            "unclosed list",
            "",
        )];
        assert_eq!(
            errors(&errs),
            "errors:\n- file: a.yaml\n  line: 1\n  column: 4\n  message: unclosed list\n  help: null\n"
        );
        assert_eq!(errors(&[]), "errors: []\n");
    }
}
