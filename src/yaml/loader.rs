use std::collections::HashMap;
use std::hash::BuildHasher;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as PSpan, Tag};

use super::source::CharToByte;
use super::{Node, NodeKind, Source, Span, Style, Tag as NodeTag};

/// Bounds that keep hostile input from exhausting memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum nesting of collections.
    pub max_depth: usize,
    /// Maximum number of nodes produced by alias expansion, per stream.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub message: String,
    pub span: Span,
    pub label: String,
    pub secondary: Option<(Span, String)>,
}

/// An open collection. Its children wait on the builder's shared `items` /
/// `entries` stacks from `first` on, so each finished collection gets one
/// allocation of exactly its size instead of a growing vector.
enum Frame {
    Seq {
        start: usize,
        tag: Option<NodeTag>,
        anchor: usize,
        first: usize,
        count: usize,
    },
    Map {
        start: usize,
        tag: Option<NodeTag>,
        anchor: usize,
        first: usize,
        key: Option<Node>,
        /// Hashes of the scalar keys so far, to their first position, once
        /// the mapping is large enough for a linear search to cost more.
        index: Option<HashMap<u64, usize>>,
        count: usize,
    },
}

struct Builder<'s> {
    limits: Limits,
    stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<(Node, Node)>,
    anchors: HashMap<usize, (Node, usize)>,
    key_hasher: std::hash::RandomState,
    alias_nodes: usize,
    docs: Vec<Node>,
    pos: CharToByte<'s>,
    shift: &'s Reindent,
    original: &'s str,
}

fn tag_string(tag: Option<std::borrow::Cow<'_, Tag>>) -> Option<NodeTag> {
    tag.map(|t| {
        Box::new(if t.handle == "!!" || t.handle == "tag:yaml.org,2002:" {
            format!("!!{}", t.suffix)
        } else {
            format!("{}{}", t.handle, t.suffix)
        })
    })
}

impl<'s> Builder<'s> {
    fn span(&mut self, s: PSpan) -> Span {
        let start = self.shift.original(self.pos.byte(s.start.index()));
        let end = self.shift.original(self.pos.byte(s.end.index()));
        Span::new(start, end)
    }

    fn err(span: Span, message: impl Into<String>, label: impl Into<String>) -> LoadError {
        LoadError {
            message: message.into(),
            span,
            label: label.into(),
            secondary: None,
        }
    }

    fn push_frame(&mut self, frame: Frame, span: Span) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Self::err(
                span,
                format!(
                    "YAML nesting is deeper than {} levels",
                    self.limits.max_depth
                ),
                "too deep",
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Hands a finished node to its parent (or makes it a document root).
    fn complete(&mut self, node: Node, count: usize, anchor: usize) -> Result<(), LoadError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { count: c, .. }) => {
                self.items.push(node);
                *c += count;
            }
            Some(Frame::Map {
                first,
                key,
                index,
                count: c,
                ..
            }) => {
                *c += count;
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => {
                        let entries = &self.entries[*first..];
                        if let NodeKind::Scalar { .. } = k.kind {
                            let hasher = &self.key_hasher;
                            if index.is_none() && entries.len() >= 16 {
                                let mut map = HashMap::new();
                                for (at, (ek, _)) in entries.iter().enumerate() {
                                    if let NodeKind::Scalar { .. } = ek.kind {
                                        let h = hasher.hash_one(ek.key_str().as_ref());
                                        map.entry(h).or_insert(at);
                                    }
                                }
                                *index = Some(map);
                            }
                            let hash = index
                                .as_ref()
                                .map(|_| hasher.hash_one(k.key_str().as_ref()));
                            let previous = match index.as_ref().zip(hash).map(|(m, h)| m.get(&h)) {
                                // Indexed, and no key has this hash.
                                Some(None) => None,
                                Some(Some(&at)) if same_key(&entries[at].0, &k) => Some(at),
                                // A small mapping, or two keys share a hash.
                                _ => entries.iter().position(|(ek, _)| same_key(ek, &k)),
                            };
                            if let Some(at) = previous {
                                return Err(LoadError {
                                    message: format!("duplicate key `{}` in mapping", k.key_str()),
                                    span: k.span,
                                    label: "duplicate key".into(),
                                    secondary: Some((
                                        entries[at].0.span,
                                        "first defined here".into(),
                                    )),
                                });
                            }
                            if let (Some(map), Some(hash)) = (index, hash) {
                                map.entry(hash).or_insert(entries.len());
                            }
                        }
                        self.entries.push((k, node));
                    }
                }
            }
        }
        Ok(())
    }

    fn event(&mut self, ev: Event<'_>, pspan: PSpan) -> Result<(), LoadError> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let mut span = self.span(pspan);
                // The parser's span of a quoted scalar can run on over a
                // trailing comment; end it at the closing quote.
                if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                    if let Some(end) = quoted_end(self.original, span.start) {
                        span = Span::new(span.start, end.min(span.end.max(end)));
                    }
                }
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                let node = Node {
                    span,
                    tag: tag_string(tag),
                    kind: NodeKind::Scalar {
                        // A fresh exact-size copy: shrinking the parser's
                        // buffer in place costs more than that with mimalloc.
                        text: Box::from(&*text),
                        style,
                    },
                };
                self.complete(node, 1, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                let span = self.span(pspan);
                self.push_frame(
                    Frame::Seq {
                        start: span.start,
                        tag: tag_string(tag),
                        anchor,
                        first: self.items.len(),
                        count: 1,
                    },
                    span,
                )
            }
            Event::MappingStart(anchor, tag) => {
                let span = self.span(pspan);
                self.push_frame(
                    Frame::Map {
                        start: span.start,
                        tag: tag_string(tag),
                        anchor,
                        first: self.entries.len(),
                        key: None,
                        index: None,
                        count: 1,
                    },
                    span,
                )
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let event_end = self.span(pspan).end;
                let original = self.original;
                // Block collections end where the next token starts; end them
                // at their last child instead so snippets stay on their lines.
                let end = |start: usize, last: Option<usize>| -> usize {
                    let slice = original.get(start..event_end).unwrap_or("");
                    let trimmed = trim_end(slice);
                    if trimmed.ends_with(']') || trimmed.ends_with('}') {
                        start + trimmed.len()
                    } else {
                        last.unwrap_or(start + trimmed.len()).max(start)
                    }
                };
                let (node, count, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        tag,
                        anchor,
                        first,
                        count,
                    }) => (
                        Node {
                            span: Span::new(
                                start,
                                end(start, self.items[first..].last().map(|n| n.span.end)),
                            ),
                            tag,
                            kind: NodeKind::Seq(take_from(&mut self.items, first)),
                        },
                        count,
                        anchor,
                    ),
                    Some(Frame::Map {
                        start,
                        tag,
                        anchor,
                        first,
                        count,
                        ..
                    }) => (
                        Node {
                            span: Span::new(
                                start,
                                end(
                                    start,
                                    self.entries[first..]
                                        .last()
                                        .map(|(_, v)| v.span.end.max(v.span.start)),
                                ),
                            ),
                            tag,
                            kind: NodeKind::Map(take_from(&mut self.entries, first)),
                        },
                        count,
                        anchor,
                    ),
                    None => return Ok(()),
                };
                self.complete(node, count, anchor)
            }
            Event::Alias(id) => {
                let span = self.span(pspan);
                let Some((node, count)) = self.anchors.get(&id).cloned() else {
                    return Err(Self::err(
                        span,
                        "alias to an unknown anchor",
                        "unknown anchor",
                    ));
                };
                self.alias_nodes = self.alias_nodes.saturating_add(count);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(Self::err(
                        span,
                        format!(
                            "aliases expand to more than {} nodes (possible \"billion laughs\" input)",
                            self.limits.max_alias_nodes
                        ),
                        "expansion limit reached here",
                    ));
                }
                self.complete(node, count, 0)
            }
            Event::DocumentStart(_) => {
                self.anchors.clear();
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// `str::trim_end`, a byte at a time over ASCII whitespace (the common
/// case: a line break and the next line's indentation).
fn trim_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut n = b.len();
    while n > 0 && matches!(b[n - 1], b'\t'..=b'\r' | b' ') {
        n -= 1;
    }
    if n > 0 && !b[n - 1].is_ascii() {
        // Unicode whitespace may come before.
        return s[..n].trim_end();
    }
    &s[..n]
}

/// Moves `stack[first..]` into an exact-size box with one copy, keeping the
/// stack's capacity for the next collection.
fn take_from<T>(stack: &mut Vec<T>, first: usize) -> Box<[T]> {
    if first == 0 {
        // `split_off(0)` would hand over the whole buffer, spare room and all.
        let mut all = Vec::with_capacity(stack.len());
        all.append(stack);
        return all.into_boxed_slice();
    }
    stack.split_off(first).into_boxed_slice()
}

/// Whether two keys of a mapping are the same key: equal as text, a null
/// being "null" (see [`Node::key_str`]).
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar { text: ta, .. }, NodeKind::Scalar { text: tb, .. }) => {
            // Untagged keys longer than "null" are not nulls: their text is
            // the key, so the common case skips the null checks.
            if a.tag.is_some() || b.tag.is_some() {
                a.key_str() == b.key_str()
            } else if ta.len() > 4 && tb.len() > 4 {
                ta == tb
            } else {
                match (a.is_null(), b.is_null()) {
                    (false, false) => ta == tb,
                    (true, true) => true,
                    (true, false) => &**tb == "null",
                    (false, true) => &**ta == "null",
                }
            }
        }
        _ => false,
    }
}

/// The byte offset just past the closing quote of a quoted scalar that
/// starts at `start`.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let quote = *b.get(start)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            c if c == quote => {
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Spaces inserted at line starts of the part of the text being parsed,
/// which starts at `base` in the original; positions in the re-indented
/// part map back to the user's file.
#[derive(Debug, Default)]
struct Reindent {
    base: usize,
    /// (original byte offset, number of spaces), in offset order.
    inserts: Vec<(usize, usize)>,
}

impl Reindent {
    /// `original[self.base..until]` with the spaces inserted.
    fn apply(&self, original: &str, until: usize) -> String {
        let mut out = String::with_capacity(until - self.base + self.count());
        let mut last = self.base;
        for &(at, n) in &self.inserts {
            out.push_str(&original[last..at]);
            out.extend(std::iter::repeat_n(' ', n));
            last = at;
        }
        out.push_str(&original[last..until]);
        out
    }

    /// Maps a byte offset in the re-indented part to the original text.
    fn original(&self, modified: usize) -> usize {
        let mut shift = 0;
        for &(at, n) in &self.inserts {
            let at = at - self.base;
            if modified < at + shift {
                break;
            }
            if modified < at + shift + n {
                return self.base + at;
            }
            shift += n;
        }
        self.base + modified - shift
    }

    fn count(&self) -> usize {
        self.inserts.iter().map(|(_, n)| n).sum()
    }

    fn add(&mut self, at: usize) {
        match self.inserts.binary_search_by_key(&at, |&(a, _)| a) {
            Ok(i) => self.inserts[i].1 += 1,
            Err(i) => self.inserts.insert(i, (at, 1)),
        }
    }
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
/// complete and the alias nodes they used.
#[derive(Debug, Clone, Copy)]
struct Boundary {
    at: usize,
    docs: usize,
    alias_nodes: usize,
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
            Ok(alias_nodes) => {
                done = Boundary {
                    at: until,
                    docs: docs.len(),
                    alias_nodes,
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

/// Parses `text` (the original from `shift.base`, re-indented) onto `docs`;
/// `start` is what is complete before it. Returns the alias nodes used.
fn parse_once(
    text: &str,
    original: &str,
    limits: Limits,
    shift: &Reindent,
    start: Boundary,
    docs: &mut Vec<Node>,
) -> Result<usize, Box<Failure>> {
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::new(),
        key_hasher: std::hash::RandomState::new(),
        alias_nodes: start.alias_nodes,
        docs: std::mem::take(docs),
        pos: CharToByte::new(text),
        shift,
        original,
    };
    let mut before = start;
    for item in Parser::new_from_str(text) {
        let failure = match item {
            Ok((Event::DocumentEnd, span)) => {
                // The next document starts after a `...` marker, or at the
                // `---` that ends this one implicitly.
                let span = builder.span(span);
                let at = if original[span.start..].starts_with("...") {
                    span.end
                } else {
                    span.start
                };
                before = Boundary {
                    at,
                    docs: builder.docs.len(),
                    alias_nodes: builder.alias_nodes,
                };
                continue;
            }
            Ok((ev, span)) => match builder.event(ev, span) {
                Ok(()) => continue,
                Err(error) => Failure {
                    error,
                    info: String::new(),
                    before,
                },
            },
            Err(e) => {
                let at = shift.original(builder.pos.byte(e.marker().index()));
                Failure {
                    error: LoadError {
                        message: format!("invalid YAML: {}", e.info()),
                        span: Span::new(at, at),
                        label: e.info().to_string(),
                        secondary: None,
                    },
                    info: e.info().to_string(),
                    before,
                }
            }
        };
        *docs = builder.docs;
        return Err(Box::new(failure));
    }
    *docs = builder.docs;
    Ok(builder.alias_nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(s: &str) -> Result<Vec<Node>, LoadError> {
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
    fn duplicate_keys_report_both_places() {
        let err = load("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(err.message.contains("duplicate key `a`"));
        assert_eq!(err.span.start, 10);
        assert_eq!(err.secondary.unwrap().0.start, 0);
    }

    #[test]
    fn duplicate_keys_in_large_maps() {
        let mut s: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        s.push_str("k7: again\n");
        assert!(load(&s).unwrap_err().message.contains("`k7`"));
    }

    #[test]
    fn null_keys_are_one_key_in_small_and_large_maps() {
        for filler in [0, 30] {
            let mut s: String = (0..filler).map(|i| format!("key{i}: {i}\n")).collect();
            s.push_str("~: a\n");
            s.push_str(
                &(filler..filler + 20)
                    .map(|i| format!("key{i}: {i}\n"))
                    .collect::<String>(),
            );
            s.push_str("null: b\n");
            let err = load(&s).unwrap_err();
            assert!(
                err.message.contains("duplicate key `null`"),
                "{}",
                err.message
            );
            assert_eq!(err.secondary.unwrap().0.start, s.find("~:").unwrap());
        }
        // Long keys that differ, and a tagged long key equal to a plain one.
        let mut s: String = (0..40).map(|i| format!("long-key-{i}: {i}\n")).collect();
        assert!(load(&s).is_ok());
        s.push_str("!!str long-key-7: again\n");
        assert!(load(&s).unwrap_err().message.contains("`long-key-7`"));
    }

    #[test]
    fn trim_end_agrees_with_str_trim_end() {
        for s in [
            "",
            " ",
            "a",
            "a \n  ",
            "a\t\x0b\x0c\r\n",
            "é \u{a0}\n",
            "x\u{3000}",
            "\u{85}",
            "] \u{2028} \n",
            "a\x1f",
        ] {
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
        }
    }

    #[test]
    fn same_key_agrees_with_key_text() {
        let keys = "[~, null, Null, NULL, '~', 'null', \"\", '', a, 'a', nul, abcd, !!str ~, \
                    !!null x, long-key, 'long-key']\n";
        let docs = load(keys).unwrap();
        let keys = docs[0].as_seq().unwrap();
        for a in keys {
            for b in keys {
                assert_eq!(same_key(a, b), a.key_str() == b.key_str(), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = load(&s).unwrap_err();
        assert!(err.message.contains("billion laughs"), "{}", err.message);
    }

    #[test]
    fn aliases_expand() {
        let docs = load("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(
            docs[0].get("b").unwrap().get("k").unwrap().as_str(),
            Some("v")
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(10_000);
        let err = load(&s).unwrap_err();
        assert!(
            err.message.contains("deeper than") || err.message.contains("recursion limit"),
            "{}",
            err.message
        );
        let s = (0..10_000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect::<String>();
        assert!(load(&s).is_err());
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
    fn quoted_scalars_end_at_their_quote() {
        let src = "a: \"x\\\"y\" # c\nb: 'it''s' # c\n";
        let docs = load(src).unwrap();
        let a = docs[0].get("a").unwrap();
        assert_eq!(&src[a.span.start..a.span.end], "\"x\\\"y\"");
        let b = docs[0].get("b").unwrap();
        assert_eq!(&src[b.span.start..b.span.end], "'it''s'");
    }

    #[test]
    fn empty_stream_has_no_documents() {
        assert!(load("").unwrap().is_empty());
        assert!(load("# only a comment\n").unwrap().is_empty());
    }
}
