//! saphyr-parser events built into a tree of [`Node`]s with byte spans.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as PSpan, Tag};

use super::keys::check_unique;
use super::merge;
use super::rewrite::{Checker, Edit, Rewrite};
use super::{Boundary, Failure, Limits, LoadError};
use crate::yaml::source::CharToByte;
use crate::yaml::{Node, NodeKind, Span, Style, Tag as NodeTag};

/// An open collection. Its children wait on the builder's shared `items` /
/// `entries` stacks from `first` on, so each finished collection gets one
/// allocation of exactly its size instead of a growing vector.
pub(super) enum Frame {
    Seq {
        start: usize,
        tag: Option<NodeTag>,
        anchor: usize,
        first: usize,
        size: Size,
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
        size: Size,
    },
}

/// What a finished node costs when an alias copies it: its nodes, its
/// height (a scalar is 0) and the bytes of its scalars and tags.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Size {
    pub(super) nodes: usize,
    pub(super) height: usize,
    pub(super) bytes: usize,
}

impl Size {
    /// An empty collection, before its children are added.
    fn collection() -> Size {
        Size {
            nodes: 1,
            height: 1,
            bytes: 0,
        }
    }

    fn add_child(&mut self, child: Size) {
        self.nodes = self.nodes.saturating_add(child.nodes);
        self.height = self.height.max(child.height + 1);
        self.bytes = self.bytes.saturating_add(child.bytes);
    }
}

pub(super) struct Builder<'s> {
    pub(super) limits: Limits,
    pub(super) stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<(Node, Node)>,
    pub(super) anchors: HashMap<usize, (Node, Size)>,
    key_hasher: std::hash::RandomState,
    pub(super) alias_nodes: usize,
    pub(super) alias_bytes: usize,
    docs: Vec<Node>,
    pos: CharToByte<'s>,
    shift: &'s Rewrite,
    check: Checker,
    /// Where the current document starts.
    before: Boundary,
    pub(super) original: &'s str,
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
    pub(super) fn span(&mut self, s: PSpan) -> Span {
        let start = self.shift.original(self.pos.byte(s.start.index()));
        let end = self.shift.original(self.pos.byte(s.end.index()));
        Span::new(start, end)
    }

    pub(super) fn err(
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> LoadError {
        LoadError {
            message: message.into(),
            span,
            label: label.into(),
            secondary: None,
        }
    }

    /// Hands a finished node to its parent (or makes it a document root).
    pub(super) fn complete(
        &mut self,
        node: Node,
        size: Size,
        anchor: usize,
    ) -> Result<(), LoadError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { size: s, .. }) => {
                self.items.push(node);
                s.add_child(size);
            }
            Some(Frame::Map {
                first,
                key,
                index,
                size: s,
                ..
            }) => {
                s.add_child(size);
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => {
                        check_unique(&self.entries[*first..], index, &self.key_hasher, &k)?;
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
                self.check
                    .scalar(self.shift, span, style != Style::Plain, self.before);
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
                let size = Size {
                    nodes: 1,
                    height: 0,
                    bytes: text.len() + node.tag.as_ref().map_or(0, |t| t.len()),
                };
                self.complete(node, size, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                let span = self.span(pspan);
                // A block collection starts with an empty token.
                self.check.open(pspan.end.index() > pspan.start.index());
                self.push_frame(
                    Frame::Seq {
                        start: span.start,
                        tag: tag_string(tag),
                        anchor,
                        first: self.items.len(),
                        size: Size::collection(),
                    },
                    span,
                )
            }
            Event::MappingStart(anchor, tag) => {
                let span = self.span(pspan);
                self.check.open(pspan.end.index() > pspan.start.index());
                self.push_frame(
                    Frame::Map {
                        start: span.start,
                        tag: tag_string(tag),
                        anchor,
                        first: self.entries.len(),
                        key: None,
                        index: None,
                        size: Size::collection(),
                    },
                    span,
                )
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.check.close();
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
                let (node, size, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        tag,
                        anchor,
                        first,
                        size,
                    }) => (
                        Node {
                            span: Span::new(
                                start,
                                end(start, self.items[first..].last().map(|n| n.span.end)),
                            ),
                            tag,
                            kind: NodeKind::Seq(take_from(&mut self.items, first)),
                        },
                        size,
                        anchor,
                    ),
                    Some(Frame::Map {
                        start,
                        tag,
                        anchor,
                        first,
                        size,
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
                            kind: NodeKind::Map(merge::resolve(take_from(
                                &mut self.entries,
                                first,
                            ))?),
                        },
                        size,
                        anchor,
                    ),
                    None => return Ok(()),
                };
                self.complete(node, size, anchor)
            }
            Event::Alias(id) => self.alias(id, pspan),
            Event::DocumentStart(_) => {
                self.anchors.clear();
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Parses run on this thread, for tests that keep their number bounded.
    pub(super) static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A parse of the rewritten text: its result, and the edits it showed wrong.
pub(super) struct Parsed {
    /// The alias nodes and bytes used, or the failure.
    pub(super) result: Result<(usize, usize), Box<Failure>>,
    pub(super) wrong: Vec<Edit>,
    /// Where the document holding the first wrong edit starts.
    pub(super) wrong_from: Option<Boundary>,
}

/// Parses `text` (the original from `shift.base` to `until`, rewritten)
/// onto `docs`; `start` is what is complete before it.
pub(super) fn parse_once(
    text: &str,
    original: &str,
    until: usize,
    limits: Limits,
    shift: &Rewrite,
    start: Boundary,
    docs: &mut Vec<Node>,
) -> Parsed {
    #[cfg(test)]
    PARSES.with(|p| p.set(p.get() + 1));
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::new(),
        key_hasher: std::hash::RandomState::new(),
        alias_nodes: start.alias_nodes,
        alias_bytes: start.alias_bytes,
        docs: std::mem::take(docs),
        pos: CharToByte::new(text),
        shift,
        check: Checker::new(shift),
        before: start,
        original,
    };
    let inserts = !shift.inserts.is_empty();
    for item in Parser::new_from_str(text) {
        if let (true, Ok((_, span))) = (inserts, &item) {
            let at = builder.span(*span).start;
            builder.check.reach(shift, at, builder.before);
        }
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
                builder.before = Boundary {
                    at,
                    docs: builder.docs.len(),
                    alias_nodes: builder.alias_nodes,
                    alias_bytes: builder.alias_bytes,
                };
                continue;
            }
            Ok((ev, span)) => match builder.event(ev, span) {
                Ok(()) => continue,
                Err(error) => Failure {
                    error,
                    info: String::new(),
                    before: builder.before,
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
                    before: builder.before,
                }
            }
        };
        // An insert before the error may be what made it.
        builder
            .check
            .reach(shift, failure.error.span.start, builder.before);
        *docs = builder.docs;
        return Parsed {
            result: Err(Box::new(failure)),
            wrong: builder.check.wrong,
            wrong_from: builder.check.wrong_from,
        };
    }
    // Inserts after the last event are outside every collection.
    builder
        .check
        .reach(shift, until.saturating_sub(1), builder.before);
    *docs = builder.docs;
    Parsed {
        result: Ok((builder.alias_nodes, builder.alias_bytes)),
        wrong: builder.check.wrong,
        wrong_from: builder.check.wrong_from,
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

#[cfg(test)]
mod tests {
    use super::super::tests::load;
    use super::*;

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
    fn quoted_scalars_end_at_their_quote() {
        let src = "a: \"x\\\"y\" # c\nb: 'it''s' # c\n";
        let docs = load(src).unwrap();
        let a = docs[0].get("a").unwrap();
        assert_eq!(&src[a.span.start..a.span.end], "\"x\\\"y\"");
        let b = docs[0].get("b").unwrap();
        assert_eq!(&src[b.span.start..b.span.end], "'it''s'");
    }
}
