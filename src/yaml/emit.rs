//! YAML output (generated manifests, scrape configs, reports) through
//! serde-saphyr: it quotes every scalar another reader could mistake for a
//! different type (`on`, `0755`, `1e3`, `12:30`, ...), keeps map order, and
//! writes multi-line strings as literal blocks. Long single-line strings stay
//! on one line: folding them (`>-`) is valid but makes diffs hard to read.

use serde::Serialize;

/// Serializes one document.
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, String> {
    let options = serde_saphyr::ser_options! {
        folded_wrap_chars: 1_000_000,
        min_fold_chars: 1_000_000,
    };
    serde_saphyr::to_string_with_options(value, options).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Source;

    #[test]
    fn round_trips_through_kdms_reader() {
        let long = format!("--flag={}", "x ".repeat(100));
        let value = serde_json::json!({
            "strings": ["on", "yes", "0755", "1e3", "12:30", "~", "", " lead", "a: b", "#x", long],
            "multi": "line one\nline two\n",
            "numbers": [1, -2, 3.5],
            "bools": [true, false],
            "empty": {}, "none": null,
        });
        let text = to_yaml(&value).unwrap();
        assert!(text.contains("multi: |\n"), "{text}");
        assert!(!text.contains(">-"), "{text}");
        let src = Source::new("t", text);
        let docs = crate::input::load_yaml(&src).unwrap();
        assert_eq!(docs[0].to_json(), value);
    }
}
