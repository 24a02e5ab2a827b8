//! The JSON format's shared parts: input errors as an `errors` array, and
//! large arrays pretty-printed on all cores.

use serde::Serialize;

use super::Region;
use crate::diag::Error;

/// A whole report, pretty-printed, ending in a newline.
pub fn document<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// An input error in a JSON report. `line` and `column` are null when the
/// error has no place in its file (one that cannot be read), `file` too
/// when it is about no file.
#[derive(Debug, Serialize)]
pub struct JsonError<'a> {
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

/// The `errors` array of a report.
pub fn errors(errors: &[Error]) -> Vec<JsonError<'_>> {
    errors
        .iter()
        .flat_map(Error::each)
        .map(|e| {
            let region = Region::of_error(e);
            JsonError {
                file: e.file_name(),
                line: region.as_ref().map(|r| r.line),
                column: region.as_ref().map(|r| r.column),
                message: e.message(),
                help: e.help_text(),
            }
        })
        .collect()
}

/// `items` mapped by `to_json` and pretty-printed as the elements of an
/// array one level deep in a document, without the brackets: what
/// `serde_json::to_string_pretty` writes there, but serialized on all cores.
/// Returns the text in parts, to be joined with `",\n"`.
pub fn pretty_elements<'a, T: Sync, J: Serialize>(
    items: &'a [T],
    chunk_len: usize,
    to_json: impl Fn(&'a T) -> J + Sync,
) -> Vec<String> {
    let chunks: Vec<&'a [T]> = items.chunks(chunk_len.max(1)).collect();
    crate::map_on_all_cores(&chunks, |chunk: &&'a [T]| {
        let values: Vec<J> = chunk.iter().map(&to_json).collect();
        let array = serde_json::to_string_pretty(&values).unwrap_or_default();
        // "[\n  {…},\n  {…}\n]": drop the brackets and indent one more
        // level. JSON strings hold no raw newlines, so every newline here
        // starts a line of the layout.
        let inner = array
            .strip_prefix("[\n")
            .and_then(|a| a.strip_suffix("\n]"))
            .unwrap_or("");
        let mut out = String::with_capacity(inner.len() + inner.len() / 16);
        let mut line_start = 0;
        for newline in memchr::memchr_iter(b'\n', inner.as_bytes()) {
            out.push_str("  ");
            out.push_str(&inner[line_start..=newline]);
            line_start = newline + 1;
        }
        out.push_str("  ");
        out.push_str(&inner[line_start..]);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pretty_elements_lay_out_as_serde_json_does() {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            findings: &'a [serde_json::Value],
            after: u8,
        }
        let items: Vec<serde_json::Value> = (0..7)
            .map(|i| {
                json!({
                    "n": i,
                    "text": "two\nlines \"quoted\"",
                    "nested": {"list": [1, {"x": null}], "empty": [], "none": {}},
                    "help": if i % 2 == 0 { json!(null) } else { json!("h") },
                })
            })
            .collect();
        let whole = serde_json::to_string_pretty(&Doc {
            findings: &items,
            after: 1,
        })
        .unwrap();
        for chunk in [1, 2, 3, 7, 100] {
            let elements = pretty_elements(&items, chunk, |v| v).join(",\n");
            let joined = format!("{{\n  \"findings\": [\n{elements}\n  ],\n  \"after\": 1\n}}");
            assert_eq!(whole, joined, "chunks of {chunk}");
        }
    }

    #[test]
    fn errors_carry_their_place_when_they_have_one() {
        let src = crate::yaml::Source::new("a.yaml", "a: [\n");
        let errs = vec![
            Error::at(&src, crate::yaml::Span::new(3, 4), "unclosed list", "here")
                .with_help("close it"),
            Error::plain("cannot read b.yaml: no such file").in_file("b.yaml"),
        ];
        let v = serde_json::to_value(errors(&errs)).unwrap();
        assert_eq!(
            v,
            json!([
                {"file": "a.yaml", "line": 1, "column": 4, "message": "unclosed list", "help": "close it"},
                {"file": "b.yaml", "line": null, "column": null, "message": "cannot read b.yaml: no such file", "help": null},
            ])
        );
    }
}

/// Appends `s` as a JSON string, byte for byte as `serde_json` writes it.
/// Label names and values almost never need escaping, so a branch-free scan
/// of each block decides whether the whole string is copied at once;
/// otherwise `serde_json` escapes it.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    // Blocks of 16 bytes let the scan compile to vector compares; the last
    // block overlaps the one before rather than leaving bytes to check one
    // at a time, and a short string is padded to a block.
    fn needs_escape(bytes: &[u8]) -> bool {
        let special = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
        let block = |block: &[u8]| block.iter().fold(false, |acc, &b| acc | special(b));
        match bytes.len().checked_sub(16) {
            Some(last) => bytes.chunks_exact(16).any(block) || block(&bytes[last..]),
            None => {
                let mut padded = [b' '; 16];
                padded[..bytes.len()].copy_from_slice(bytes);
                block(&padded)
            }
        }
    }
    if needs_escape(s.as_bytes()) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

#[cfg(test)]
mod push_str_tests {
    #[test]
    fn writes_what_serde_json_writes() {
        let mut cases: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        cases.extend(
            [
                "",
                "plain",
                "ünïcode ✓ and 🦀",
                "a\"quote",
                "back\\slash",
                "tab\there",
                "new\nline",
                "\u{7f}\u{80}\u{2028}\u{2029}",
                "sixteen bytes ok",
                "fifteen bytes\"x",
                "thirty-two bytes of plain text..",
                "thirty-one bytes then control\u{1}",
            ]
            .map(String::from),
        );
        // The special byte at every position of strings around block sizes.
        for special in ['"', '\\', '\n', '\u{1f}'] {
            for len in [1, 2, 15, 16, 17, 31, 32, 33, 40] {
                for at in 0..len {
                    let mut s = "x".repeat(len);
                    s.replace_range(at..=at, &special.to_string());
                    cases.push(s);
                }
            }
        }
        for s in cases {
            let mut out = Vec::new();
            super::push_str(&mut out, &s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&s).unwrap(),
                "{s:?}"
            );
        }
    }
}
