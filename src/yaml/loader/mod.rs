//! The YAML loader: saphyr-parser events built into span-carrying [`Node`]
//! trees (`builder`), with repeated keys refused (`keys`), merge keys
//! resolved (`merge`), input bounded (`limits`), and what go-yaml accepts
//! but saphyr does not (under-indented flow lines found by `flow`, tabs
//! after `:`) rewritten for parsing and checked against it (`rewrite`).

mod builder;
mod flow;
mod keys;
mod limits;
mod merge;
mod rewrite;

pub use limits::Limits;

use super::{Node, Source, Span};
use builder::parse_once;
use rewrite::{Edit, Rewrite};

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
/// saphyr-parser is stricter than go-yaml (and so kubectl and Prometheus)
/// in two ways real files run into: flow collections whose continuation
/// lines sit at or left of the enclosing block's indentation (`args: [` …
/// `]` with the `]` under `args`), and a tab after `:`. The text is
/// rewritten for parsing where that happens (see `rewrite`), found in one
/// pass over it, and every edit is checked against the parse; positions
/// map back to the user's file. An edit the parse shows wrong is dropped
/// and the documents from its own on are parsed again, a bounded number of
/// times. A line the pass missed is moved right one space a parse, within
/// a budget, so one hostile document cannot take quadratic time.
pub fn load_stream(source: &Source, limits: Limits) -> Result<Vec<Node>, LoadError> {
    const MAX_REINDENTS: usize = 1024;
    const MAX_REDOS: usize = 8;
    let original: &str = &source.text;
    let mut rewrite = Rewrite::new(original);
    let mut until = original.len();
    let mut done = Boundary {
        at: 0,
        docs: 0,
        alias_nodes: 0,
        alias_bytes: 0,
    };
    let mut docs = Vec::new();
    let mut reparse_budget = original.len().saturating_mul(4).saturating_add(1 << 20);
    let mut redos = 0;
    let mut added = 0;
    // Line starts an insert was shown wrong at: not tried again.
    let mut refused = std::collections::HashSet::new();
    loop {
        let owned;
        let text: &str = if rewrite.is_identity(until) {
            &original[rewrite.base..until]
        } else {
            owned = rewrite.apply(original, until);
            &owned
        };
        let parsed = parse_once(text, original, until, limits, &rewrite, done, &mut docs);
        if let Some(from) = parsed.wrong_from {
            redos += 1;
            refused.extend(parsed.wrong.iter().filter_map(|e| match *e {
                Edit::Insert(at) => Some(at),
                Edit::Tab(_) => None,
            }));
            if redos > MAX_REDOS {
                rewrite.drop_all();
            } else {
                rewrite.drop_edits(&parsed.wrong);
            }
            docs.truncate(from.docs);
            done = from;
            rewrite.rebase(from.at);
            until = original.len();
            continue;
        }
        match parsed.result {
            Ok(_) if until == original.len() => return Ok(docs),
            Ok((alias_nodes, alias_bytes)) => {
                done = Boundary {
                    at: until,
                    docs: docs.len(),
                    alias_nodes,
                    alias_bytes,
                };
                rewrite.rebase(until);
                until = original.len();
            }
            Err(failure) => {
                let Failure {
                    error,
                    info,
                    before,
                } = *failure;
                // What was parsed up to the error is parsed again, and the
                // position index is rebuilt.
                let parsed = error.span.start.saturating_sub(rewrite.base);
                reparse_budget = reparse_budget.saturating_sub(parsed + rewrite.inserts.len());
                let line_start = original[..error.span.start.min(original.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1)
                    .max(before.at);
                let retry = info.starts_with("invalid indentation")
                    && added < MAX_REINDENTS
                    && reparse_budget > 0
                    && !refused.contains(&line_start);
                if !retry {
                    return Err(error);
                }
                // The documents before the failing one stand; it is parsed
                // again on its own, with the offending line moved right.
                docs.truncate(before.docs);
                done = before;
                if before.at > rewrite.base {
                    rewrite.rebase(before.at);
                }
                until = document_end(original, error.span.start);
                rewrite.add(line_start);
                added += 1;
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
        let before = builder::PARSES.with(|p| p.get());
        let docs = load(&src).unwrap();
        assert_eq!(builder::PARSES.with(|p| p.get()) - before, 1);
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
    fn any_number_of_under_indented_flow_lines_load_in_one_parse() {
        // Every line needs moving; go-yaml reads it whatever the count.
        let mut src = String::from("a:\n  b: [\n");
        src.push_str(&"  1,\n".repeat(50_000));
        src.push_str("  ]\n  c: {x: 1,\ny: \"é\n  z\"}\n");
        let parses = || builder::PARSES.with(|p| p.get());
        let before = parses();
        let docs = load(&src).unwrap();
        assert_eq!(parses() - before, 1);
        let a = docs[0].get("a").unwrap();
        let b = a.get("b").unwrap().as_seq().unwrap();
        assert_eq!(b.len(), 50_000);
        assert_eq!(b[49_999].span.start, src.rfind("  1,\n").unwrap() + 2);
        let y = a.get("c").unwrap().get("y").unwrap();
        assert_eq!(y.as_str(), Some("é z"));
        assert_eq!(&src[y.span.start..y.span.end], "\"é\n  z\"");
    }

    #[test]
    fn inserts_the_parse_shows_wrong_are_dropped() {
        // `[` continues a plain scalar, so nothing after it is in a flow
        // collection: moving `next` right would end in an error.
        let src = "key: some text\n  [continued\nnext: 1\n---\nb: [\n1]\n";
        let before = builder::PARSES.with(|p| p.get());
        let docs = load(src).unwrap();
        assert_eq!(builder::PARSES.with(|p| p.get()) - before, 2);
        assert_eq!(
            docs[0].get("key").unwrap().as_str(),
            Some("some text [continued")
        );
        assert_eq!(docs[0].get("next").unwrap().as_str(), Some("1"));
        assert_eq!(docs[1].get("b").unwrap().as_seq().unwrap().len(), 1);
    }

    #[test]
    fn lines_past_the_insert_bound_cost_a_bounded_number_of_parses() {
        let text = format!("k:\n{}[\n{}]\n", " ".repeat(100_000), "1,\n".repeat(10_000));
        let before = builder::PARSES.with(|p| p.get());
        let _ = load(&text);
        let parses = builder::PARSES.with(|p| p.get()) - before;
        assert!(parses <= 64, "{parses} parses");
    }

    #[test]
    fn under_indented_flow_lines_load_whatever_ends_the_lines() {
        for eol in ["\n", "\r\n", "\r"] {
            let src = ["c:", "  args: [", "  \"a\",", "  ]", "  env: x", ""].join(eol);
            let before = builder::PARSES.with(|p| p.get());
            let docs = load(&src).unwrap();
            assert_eq!(builder::PARSES.with(|p| p.get()) - before, 1, "{eol:?}");
            let c = docs[0].get("c").unwrap();
            assert_eq!(c.get("args").unwrap().as_seq().unwrap().len(), 1);
            assert_eq!(c.get("env").unwrap().as_str(), Some("x"));
        }
    }

    #[test]
    fn block_indentation_errors_stay_errors() {
        // Moving ` c` right would make it a sibling of `b`: go-yaml refuses
        // the file, and so does kdm.
        let err = load("a:\n  b: 1\n c: 2\n").unwrap_err();
        assert!(err.message.contains("invalid"), "{}", err.message);
        assert_eq!(err.span.start, 11);
    }

    #[test]
    fn tabs_after_colons_are_separators_and_text_in_scalars() {
        let src = "a:\tx\nb:\t\t-y\nc: {d:\tz}\ne: \"f:\tg\"\nh: |\n  i:\tj\n# k:\tl\n";
        let docs = load(src).unwrap();
        let d = &docs[0];
        assert_eq!(d.get("a").unwrap().as_str(), Some("x"));
        assert_eq!(d.get("b").unwrap().as_str(), Some("-y"));
        assert_eq!(d.get("c").unwrap().get("d").unwrap().as_str(), Some("z"));
        assert_eq!(d.get("e").unwrap().as_str(), Some("f:\tg"));
        assert_eq!(d.get("h").unwrap().as_str(), Some("i:\tj\n"));
        let x = d.get("a").unwrap();
        assert_eq!(x.span.start, 3);
        // Folded and kept block scalars, quotes across lines, keys.
        let src =
            "f: >\n  a\n  b:\tc\n\n  d:\te\ng: |+\n  h:\ti\n\nj: 'k\n  l:\tm'\n\"n:\to\": p\n";
        let docs = load(src).unwrap();
        let d = &docs[0];
        assert_eq!(d.get("f").unwrap().as_str(), Some("a b:\tc\nd:\te\n"));
        assert_eq!(d.get("g").unwrap().as_str(), Some("h:\ti\n\n"));
        assert_eq!(d.get("j").unwrap().as_str(), Some("k l:\tm"));
        assert_eq!(d.get("n:\to").unwrap().as_str(), Some("p"));
    }

    #[test]
    fn empty_stream_has_no_documents() {
        assert!(load("").unwrap().is_empty());
        assert!(load("# only a comment\n").unwrap().is_empty());
    }
}
