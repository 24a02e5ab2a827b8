//! Showing input text: the one `line:col` of a byte offset, the snippets
//! miette draws around a span, and control characters, which reach a
//! terminal only escaped (an object named `"\e]0;…\a"` would otherwise
//! retitle it, or worse).

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::position::Columns;
use super::Span;

/// `text` with its control characters (C0, DEL and C1: what a terminal
/// acts on) written as Rust writes them in `{:?}`: `\u{1b}`, `\u{7}`, `\t`,
/// `\n`. For input shown in the human format: names, messages, paths.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !has_controls(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `text` holds a control character (C1 ones are `\xc2\x80` to
/// `\xc2\x9f` in UTF-8), checked a byte at a time.
fn has_controls(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c < 0x20
            || c == 0x7f
            || (c == 0xc2 && b.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)))
    })
}

/// The byte order mark some editors put at the start of a file.
pub(super) const BOM: &str = "\u{feff}";

/// A text for miette snippets that finds a span's lines through a line
/// index. miette's own `read_span` counts lines from the top of the text for
/// every snippet, so 40,000 findings in one large file took minutes.
///
/// It also owns the one way a position is shown, [`line_col`]
/// (Self::line_col), which miette's snippet headers and every machine
/// format use.
#[derive(Debug, Clone)]
pub struct IndexedText {
    text: Arc<String>,
    /// Line starts as YAML and miette count lines (`\n`, `\r\n` or a lone
    /// `\r` ends one), computed on first use: a 100 MB targets file usually
    /// needs none.
    line_starts: Arc<OnceLock<Vec<usize>>>,
    /// Column checkpoints on long lines, computed on the first column.
    columns: Arc<OnceLock<Columns>>,
    /// The text as snippets show it, when that differs: see [`Shown`].
    shown: Arc<OnceLock<Option<Shown>>>,
}

/// The text of a snippet when the source's own would harm the terminal or
/// the drawing: control characters escaped (which moves the offsets after
/// them), and lone `\r`s made `\n`s, since miette's drawing, unlike its line
/// counting, does not end a line at a lone `\r` and would print it. Spans
/// are moved to this text for drawing, and back for the header's place.
#[derive(Debug)]
struct Shown {
    text: String,
    line_starts: Vec<usize>,
    /// Each escaped character: its range in the source, then in the shown
    /// text, in order.
    escaped: Vec<[usize; 4]>,
}

/// A text and its line starts: the source's, or the shown one.
#[derive(Clone, Copy)]
struct Lines<'a> {
    text: &'a str,
    starts: &'a [usize],
}

impl IndexedText {
    pub fn new(text: Arc<String>) -> IndexedText {
        IndexedText {
            text,
            line_starts: Arc::new(OnceLock::new()),
            columns: Arc::new(OnceLock::new()),
            shown: Arc::new(OnceLock::new()),
        }
    }

    /// 1-based line and column of a byte offset. Lines end at `\n`, `\r\n`
    /// or a lone `\r` (old Mac files), as YAML ends them; columns count
    /// characters (Unicode scalar values), not bytes, and a byte order mark
    /// at the start of the file is not one, as editors show it.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let source = self.source();
        let byte = floor_char(source.text, byte);
        let line = source.line_of(byte);
        let start = source.starts[line];
        let mut col = self
            .columns
            .get_or_init(|| Columns::new(source.text, source.starts))
            .count(source.text, start, byte);
        if start == 0 && byte >= BOM.len() && self.text.starts_with(BOM) {
            col -= 1;
        }
        (line + 1, col + 1)
    }

    /// Each line's byte offset and text, without its line break or a byte
    /// order mark.
    pub(super) fn lines(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        let source = self.source();
        (0..source.starts.len()).map(move |line| {
            let mut start = source.starts[line];
            if start == 0 && self.text.starts_with(BOM) {
                start = BOM.len();
            }
            let end = source.line_end(line).max(start);
            (start, &self.text[start..end])
        })
    }

    fn source(&self) -> Lines<'_> {
        Lines {
            text: &self.text,
            starts: self
                .line_starts
                .get_or_init(|| line_starts(self.text.as_bytes())),
        }
    }

    fn shown(&self) -> Option<&Shown> {
        self.shown.get_or_init(|| Shown::of(&self.text)).as_ref()
    }

    /// The text snippets are drawn from.
    fn view(&self) -> Lines<'_> {
        match self.shown() {
            Some(s) => Lines {
                text: &s.text,
                starts: &s.line_starts,
            },
            None => self.source(),
        }
    }

    /// A source offset in the shown text.
    fn to_shown(&self, at: usize) -> usize {
        let Some(shown) = self.shown() else {
            return at;
        };
        let i = shown.escaped.partition_point(|e| e[1] <= at);
        match (
            shown.escaped.get(i),
            i.checked_sub(1).map(|j| shown.escaped[j]),
        ) {
            (Some(e), _) if e[0] < at => e[2],
            (_, Some(e)) => at - e[1] + e[3],
            (_, None) => at,
        }
    }

    /// A shown offset in the source text.
    fn to_source(&self, at: usize) -> usize {
        let Some(shown) = self.shown() else {
            return at;
        };
        let i = shown.escaped.partition_point(|e| e[3] <= at);
        match (
            shown.escaped.get(i),
            i.checked_sub(1).map(|j| shown.escaped[j]),
        ) {
            (Some(e), _) if e[2] < at => e[0],
            (_, Some(e)) => at - e[3] + e[1],
            (_, None) => at,
        }
    }
}

/// Where each line starts: after `\n`, `\r\n` or a lone `\r`.
fn line_starts(b: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    for i in memchr::memchr2_iter(b'\n', b'\r', b) {
        // The `\r` of a `\r\n` pair does not end the line.
        if b[i] == b'\n' || b.get(i + 1) != Some(&b'\n') {
            starts.push(i + 1);
        }
    }
    starts
}

impl Shown {
    /// How `text` is shown, if not as it is.
    fn of(text: &str) -> Option<Shown> {
        let b = text.as_bytes();
        let lone_cr = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
        // Tabs are drawn by miette, and line breaks end lines.
        let escaped = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
        let needed = memchr::memchr_iter(b'\r', b).any(lone_cr)
            || (has_controls(text) && text.chars().any(escaped));
        if !needed {
            return None;
        }
        let mut shown = String::with_capacity(text.len() + 16);
        let mut marks = Vec::new();
        for (i, c) in text.char_indices() {
            if lone_cr(i) {
                shown.push('\n');
            } else if escaped(c) {
                let at = shown.len();
                shown.extend(c.escape_debug());
                marks.push([i, i + c.len_utf8(), at, shown.len()]);
            } else {
                shown.push(c);
            }
        }
        Some(Shown {
            line_starts: line_starts(shown.as_bytes()),
            text: shown,
            escaped: marks,
        })
    }
}

/// Lines longer than this (in bytes) are not shown whole in snippets: a
/// minified JSON file is one line, and miette cannot draw a mark past
/// column 65,535.
const SNIPPET_LINE: usize = 512;

/// How much of a long line a snippet shows before the span, and in all.
const WINDOW_BEFORE: usize = 64;
const WINDOW: usize = 256;

impl Lines<'_> {
    /// The index of the line holding byte `at`.
    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// The length of line `line` in bytes, its line break included.
    fn line_len(&self, line: usize) -> usize {
        self.starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len())
            - self.starts[line]
    }

    /// Where line `line` ends, before its line break.
    fn line_end(&self, line: usize) -> usize {
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let b = self.text.as_bytes();
        let mut e = end;
        while e > self.starts[line] && matches!(b[e - 1], b'\n' | b'\r') && end - e < 2 {
            e -= 1;
        }
        e
    }
}

impl IndexedText {
    /// The span a label is drawn with, in the shown text: on a long line,
    /// no further than the snippet's window shows, so the mark stays on the
    /// line drawn.
    pub fn snippet_label(&self, span: Span) -> Span {
        let view = self.view();
        let start = self.to_shown(span.start.min(self.text.len()));
        let end = self.to_shown(span.end.min(self.text.len()));
        let line = view.line_of(start);
        if view.line_len(line) <= SNIPPET_LINE {
            return Span::new(start, end);
        }
        let limit = view.line_end(line).min(start + (WINDOW - WINDOW_BEFORE));
        Span::new(start, ceil_char(view.text, end.min(limit.max(start))))
    }

    /// The line holding byte `at` alone, for a snippet whose lines are
    /// not all short: a long line shows only the window around `at` that
    /// [`snippet_label`](Self::snippet_label) keeps marks in. `from_at`
    /// starts it at `at`, as miette's reading without context does.
    fn window(
        &self,
        at: usize,
        line: usize,
        from_at: bool,
    ) -> Box<dyn miette::SpanContents<'_> + '_> {
        let view = self.view();
        let line_start = view.starts[line];
        let line_end = view.line_end(line).max(at);
        let long = view.line_len(line) > SNIPPET_LINE;
        let start = if from_at {
            at
        } else if long {
            floor_char(view.text, at.saturating_sub(WINDOW_BEFORE).max(line_start))
        } else {
            line_start
        };
        let end = if long {
            ceil_char(view.text, line_end.min(at + (WINDOW - WINDOW_BEFORE)))
        } else {
            line_end
        };
        Box::new(miette::MietteSpanContents::new(
            &view.text.as_bytes()[start..end],
            miette::SourceSpan::new(start.into(), end - start),
            line,
            start - line_start,
            line,
        ))
    }
}

/// The nearest character boundary at or before `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest character boundary at or after `at`.
fn ceil_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl miette::SourceCode for IndexedText {
    /// `span` is in the shown text, as [`IndexedText::snippet_label`] gives it.
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let view = self.view();
        let bytes = view.text.as_bytes();
        if span.offset() > bytes.len() {
            return bytes.read_span(span, context_lines_before, context_lines_after);
        }
        if context_lines_before == 0 && context_lines_after == 0 {
            // miette reads a label alone only for the `file:line:col` of a
            // snippet's header: the place as every format shows it.
            let start = floor_char(view.text, span.offset());
            let end = ceil_char(view.text, span.offset() + span.len()).max(start);
            let (line, col) = self.line_col(self.to_source(start));
            return Ok(Box::new(miette::MietteSpanContents::new(
                &bytes[start..end],
                miette::SourceSpan::new(start.into(), end - start),
                line - 1,
                col - 1,
                view.line_of(end) - view.line_of(start) + 1,
            )));
        }
        // miette's reading from a line start before the first context line
        // is the same as from the top of the text, shifted by the lines
        // skipped. One line more: an empty span at a line start ends its
        // reading on the line break before it.
        let starts = view.starts;
        let line = view.line_of(span.offset());
        let last = view.line_of(span.offset() + span.len().saturating_sub(1)) + context_lines_after;
        let first_shown = line.saturating_sub(context_lines_before);
        if (first_shown..=last.min(starts.len() - 1)).any(|l| view.line_len(l) > SNIPPET_LINE) {
            return Ok(self.window(span.offset(), line, context_lines_before == 0));
        }
        let first = line.saturating_sub(context_lines_before + 1);
        let base = starts[first];
        let shifted = miette::SourceSpan::new((span.offset() - base).into(), span.len());
        let part = bytes[base..].read_span(&shifted, context_lines_before, context_lines_after)?;
        let at = part.span();
        Ok(Box::new(miette::MietteSpanContents::new(
            part.data(),
            miette::SourceSpan::new((at.offset() + base).into(), at.len()),
            part.line() + first,
            part.column(),
            part.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

    #[test]
    fn controls_are_escaped_as_rust_writes_them() {
        assert_eq!(
            escape_controls("a\x1b[31mb\x07\t\n\u{9b}\x7fé"),
            "a\\u{1b}[31mb\\u{7}\\t\\n\\u{9b}\\u{7f}é"
        );
        assert!(matches!(
            escape_controls("plain ’é€ \u{a0}"),
            Cow::Borrowed(_)
        ));
    }

    /// Offsets move between the source and the shown text around escaped
    /// characters, and a place is the source's whichever is asked.
    #[test]
    fn offsets_map_between_the_source_and_the_shown_text() {
        let text = "a: x\x1b[2Jy\rb: \x07\u{9b}é\tz\r\nc: 1";
        let index = IndexedText::new(Arc::new(text.to_string()));
        let shown = index.shown().expect("escaped");
        assert_eq!(shown.text, "a: x\\u{1b}[2Jy\nb: \\u{7}\\u{9b}é\tz\r\nc: 1");
        for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let moved = index.to_shown(at);
            assert!(shown.text.is_char_boundary(moved), "{at}");
            assert_eq!(index.to_source(moved), at, "{at}");
            let want = match text[at..].chars().next() {
                Some('\r') if !text[at..].starts_with("\r\n") => Some('\n'),
                Some(c) if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => Some('\\'),
                c => c,
            };
            assert_eq!(shown.text[moved..].chars().next(), want, "{at}");
        }
        // Inside an escape: its character.
        assert_eq!(index.to_source(index.to_shown(4) + 3), 4);
        let y = text.find('y').unwrap();
        let span = index.snippet_label(Span::new(y, y + 1));
        assert_eq!(&shown.text[span.start..span.end], "y");
        let header = index.read_span(&span.into(), 0, 0).unwrap();
        assert_eq!((header.line(), header.column()), (0, 8));
        assert_eq!(index.line_col(text.find('z').unwrap()), (2, 8));
        assert!(IndexedText::new(Arc::new("a\tb\r\n".into()))
            .shown()
            .is_none());
    }

    /// Snippets read through the line index are exactly what miette reads
    /// from the top of the text (with lone `\r`s shown as `\n`s), whatever
    /// the line ends and context; a label read alone, for a header, is at
    /// [`IndexedText::line_col`].
    #[test]
    fn indexed_snippets_match_mietes_own() {
        let text = "a: 1\nb:\r\n  c: x\r\rd: [1,\n 2]\n\n\ne: é\r\nf: end";
        let indexed = IndexedText::new(Arc::new(text.to_string()));
        let shown = text.replace("x\r\r", "x\n\n");
        let plain = shown.as_bytes();
        for start in 0..=text.len() {
            for len in [0, 1, 3, 9] {
                let span = miette::SourceSpan::new(start.into(), len);
                if text.is_char_boundary(start) {
                    let header = indexed.read_span(&span, 0, 0).unwrap();
                    let (line, col) = indexed.line_col(start);
                    assert_eq!((header.line() + 1, header.column() + 1), (line, col));
                }
                for before in 0..3 {
                    for after in (0..3).filter(|&a| before + a > 0) {
                        let want = plain.read_span(&span, before, after);
                        let got = indexed.read_span(&span, before, after);
                        let show = |r: Result<Box<dyn miette::SpanContents<'_> + '_>, _>| {
                            r.map(|c| {
                                (
                                    c.data().to_vec(),
                                    *c.span(),
                                    c.line(),
                                    c.column(),
                                    c.line_count(),
                                )
                            })
                            .map_err(|e: miette::MietteError| e.to_string())
                        };
                        assert_eq!(show(got), show(want), "{start}+{len} {before}/{after}");
                    }
                }
            }
        }
    }
}
