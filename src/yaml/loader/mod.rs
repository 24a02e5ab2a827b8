//! The YAML loader: saphyr-parser events built into span-carrying [`Node`]
//! trees (`builder`), with repeated keys refused (`keys`), merge keys
//! resolved (`merge`), input bounded (`limits`), and flow collections that go-yaml accepts re-indented for
//! parsing with positions mapped back (`reindent`).

mod builder;
mod keys;
mod limits;
mod merge;
mod reindent;

pub use limits::Limits;

use super::{Node, Source, Span};
use builder::parse_once;
use reindent::Reindent;

#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub message: String,
    pub span: Span,
    pub label: String,
    pub secondary: Option<(Span, String)>,
}

/// Where the document holding byte `at` ends: at the next line that starts
/// with a `---` or `...` marker, or at the end of the text. YAML forbids
/// such lines inside any scalar, so no scan of the document is needed.
fn document_end(original: &str, at: usize) -> usize {
    let mut line = original[at.min(original.len())..]
        .find('\n')
        .map_or(original.len(), |i| at + i + 1);
    while line < original.len() {
        let rest = &original[line..];
        if (rest.starts_with("---") || rest.starts_with("..."))
            && rest[3..].chars().next().is_none_or(char::is_whitespace)
        {
            return line;
        }
        line = rest.find('\n').map_or(original.len(), |i| line + i + 1);
    }
    original.len()
}

/// A failed parse: the error, the parser's reason, and where the failing
/// document starts (what was complete before it).
struct Failure {
    error: LoadError,
    info: String,
    before: Boundary,
}

/// A point between documents: the original offset, the number of documents
/// complete and the alias nodes and bytes they used.
#[derive(Debug, Clone, Copy)]
struct Boundary {
    at: usize,
    docs: usize,
    alias_nodes: usize,
    alias_bytes: usize,
}

/// Parses every document of a YAML stream.
///
/// saphyr-parser rejects flow collections whose continuation lines sit at
/// or left of the enclosing block's indentation (`args: [` … `]` with the
/// `]` under `args`), which go-yaml — and so kubectl and Prometheus —
/// accept. Such lines are re-indented for parsing and positions are mapped
/// back, so real-world manifests load and errors still point at the file.
/// Only the failing document is parsed again, and the work spent on it is
/// bounded, so many such documents, or one hostile one, cannot take
/// quadratic time.
pub fn load_stream(source: &Source, limits: Limits) -> Result<Vec<Node>, LoadError> {
    const MAX_REINDENTS: usize = 1024;
    let original: &str = &source.text;
    let mut reindent = Reindent::default();
    let mut until = original.len();
    let mut done = Boundary {
        at: 0,
        docs: 0,
        alias_nodes: 0,
        alias_bytes: 0,
    };
    let mut docs = Vec::new();
    let mut reparse_budget = original.len().saturating_mul(4).saturating_add(1 << 20);
    loop {
        let owned;
        let text: &str = if reindent.inserts.is_empty() {
            &original[reindent.base..until]
        } else {
            owned = reindent.apply(original, until);
            &owned
        };
        match parse_once(text, original, limits, &reindent, done, &mut docs) {
            Ok(_) if until == original.len() => return Ok(docs),
            Ok((alias_nodes, alias_bytes)) => {
                done = Boundary {
                    at: until,
                    docs: docs.len(),
                    alias_nodes,
                    alias_bytes,
                };
                reindent = Reindent {
                    base: until,
                    inserts: Vec::new(),
                };
                until = original.len();
            }
            Err(failure) => {
                let Failure {
                    error,
                    info,
                    before,
                } = *failure;
                // What was parsed up to the error is parsed again.
                let parsed = error.span.start.saturating_sub(reindent.base);
                reparse_budget = reparse_budget.saturating_sub(parsed);
                let retry = info == "invalid indentation"
                    && reindent.count() < MAX_REINDENTS
                    && reparse_budget > 0;
                if !retry {
                    return Err(error);
                }
                // The documents before the failing one stand; it is parsed
                // again on its own, with the offending line moved right.
                docs.truncate(before.docs);
                done = before;
                if before.at > reindent.base {
                    reindent.base = before.at;
                    reindent.inserts.retain(|&(at, _)| at >= before.at);
                }
                until = document_end(original, error.span.start);
                let line_start = original[..error.span.start.min(original.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1)
                    .max(reindent.base);
                reindent.add(line_start);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn load(s: &str) -> Result<Vec<Node>, LoadError> {
        load_stream(&Source::new("t.yaml", s), Limits::default())
    }

    #[test]
    fn spans_point_at_values() {
        let src = "a: 1\nb:\n  c: héllo\n---\nx: [1, 2]\n";
        let docs = load(src).unwrap();
        assert_eq!(docs.len(), 2);
        let c = docs[0].get("b").unwrap().get("c").unwrap();
        assert_eq!(&src[c.span.start..c.span.end], "héllo");
        assert_eq!(docs[1].get("x").unwrap().as_seq().unwrap().len(), 2);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = load("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"));
    }

    #[test]
    fn flow_sequences_closed_at_the_key_indentation_load() {
        let src = "c:\n  args: [\n    \"-c\", \"x\",\n  ]\n  env: é\n";
        let docs = load(src).unwrap();
        let c = docs[0].get("c").unwrap();
        assert_eq!(c.get("args").unwrap().as_seq().unwrap().len(), 2);
        let env = c.get("env").unwrap();
        assert_eq!(&src[env.span.start..env.span.end], "é");
    }

    #[test]
    fn many_reindented_documents_load_in_linear_time_with_true_spans() {
        let doc = |i: usize| {
            format!("kind: ConfigMap\nmetadata: {{name: cm{i}}}\ndata:\n  args: [\n  \"a\", \"é\",\n  ]\n")
        };
        let mut src = (0..3000).map(doc).collect::<Vec<_>>().join("---\n");
        src.push_str("...\n%YAML 1.2\n---\nlast: [\n  1,\n]\n");
        let docs = load(&src).unwrap();
        assert_eq!(docs.len(), 3001);
        for (i, d) in docs[..3000].iter().enumerate() {
            let name = d.get("metadata").unwrap().get("name").unwrap();
            assert_eq!(&src[name.span.start..name.span.end], format!("cm{i}"));
            let args = d
                .get("data")
                .unwrap()
                .get("args")
                .unwrap()
                .as_seq()
                .unwrap();
            assert_eq!(&src[args[1].span.start..args[1].span.end], "\"é\"");
        }
        assert_eq!(docs[3000].get("last").unwrap().as_seq().unwrap().len(), 1);
    }

    #[test]
    fn reindenting_one_hostile_document_is_bounded() {
        // Every line needs moving: retries stop at their budget with the
        // parser's error instead of parsing the document thousands of times.
        let mut src = String::from("a:\n  b: [\n");
        src.push_str(&"  1,\n".repeat(50_000));
        src.push_str("  ]\n");
        let err = load(&src).unwrap_err();
        assert!(
            err.message.contains("invalid indentation"),
            "{}",
            err.message
        );
    }

    #[test]
    fn empty_stream_has_no_documents() {
        assert!(load("").unwrap().is_empty());
        assert!(load("# only a comment\n").unwrap().is_empty());
    }
}
