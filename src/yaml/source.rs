use std::sync::Arc;

/// A byte range in a [`Source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// A named input text (a file, or `<stdin>`), shared cheaply between
/// diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: Arc<String>,
    /// The same text with its name, as miette wants it for snippet headers.
    pub named: miette::NamedSource<IndexedText>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        let text: String = text.into();
        let name: String = name.into();
        let text = Arc::new(text);
        Source {
            named: miette::NamedSource::new(&name, IndexedText::new(Arc::clone(&text)))
                .with_language("yaml"),
            name,
            text,
        }
    }

    /// 1-based line and column of a byte offset, as every format shows
    /// them (see [`IndexedText::line_col`]).
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        self.named.inner().line_col(byte)
    }

    /// Each line's byte offset and text, without its line break (lines end
    /// as [`IndexedText::line_col`] counts them) or a byte order mark.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        let index = self.named.inner();
        let starts = index.line_starts();
        (0..starts.len()).map(move |line| {
            let mut start = starts[line];
            if start == 0 && self.text.starts_with(BOM) {
                start = BOM.len();
            }
            let end = index.line_end(line).max(start);
            (start, &self.text[start..end])
        })
    }

    /// `file:line:col` for a byte offset.
    pub fn location(&self, byte: usize) -> String {
        let (l, c) = self.line_col(byte);
        format!("{}:{}:{}", self.name, l, c)
    }
}

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
    line_starts: Arc<std::sync::OnceLock<Vec<usize>>>,
    /// The text as snippets show it: with lone `\r`s made `\n`s (same
    /// offsets), since miette's drawing, unlike its line counting, does not
    /// end a line at a lone `\r` and would send it to the terminal. `None`
    /// when there is none.
    shown: Arc<std::sync::OnceLock<Option<Vec<u8>>>>,
}

/// The byte order mark some editors put at the start of a file.
const BOM: &str = "\u{feff}";

impl IndexedText {
    pub fn new(text: Arc<String>) -> IndexedText {
        IndexedText {
            text,
            line_starts: Arc::new(std::sync::OnceLock::new()),
            shown: Arc::new(std::sync::OnceLock::new()),
        }
    }

    /// 1-based line and column of a byte offset. Lines end at `\n`, `\r\n`
    /// or a lone `\r` (old Mac files), as YAML ends them; columns count
    /// characters (Unicode scalar values), not bytes, and a byte order mark
    /// at the start of the file is not one, as editors show it.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = floor_char(&self.text, byte);
        let line = self.line_of(byte);
        let mut start = self.line_starts()[line];
        if start == 0 && self.text.starts_with(BOM) {
            start = BOM.len().min(byte);
        }
        let col = self.text.get(start..byte).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    fn shown(&self) -> &[u8] {
        let shown = self.shown.get_or_init(|| {
            let b = self.text.as_bytes();
            let lone = |i: usize| b.get(i + 1) != Some(&b'\n');
            if !memchr::memchr_iter(b'\r', b).any(lone) {
                return None;
            }
            let mut copy = b.to_vec();
            for i in memchr::memchr_iter(b'\r', b).filter(|&i| lone(i)) {
                copy[i] = b'\n';
            }
            Some(copy)
        });
        shown.as_deref().unwrap_or(self.text.as_bytes())
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let b = self.text.as_bytes();
            let mut starts = vec![0];
            for i in memchr::memchr2_iter(b'\n', b'\r', b) {
                // The `\r` of a `\r\n` pair does not end the line.
                if b[i] == b'\n' || b.get(i + 1) != Some(&b'\n') {
                    starts.push(i + 1);
                }
            }
            starts
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

impl IndexedText {
    /// The index of the line holding byte `at`.
    fn line_of(&self, at: usize) -> usize {
        self.line_starts()
            .partition_point(|&s| s <= at)
            .saturating_sub(1)
    }

    /// The length of line `line` in bytes, its line break included.
    fn line_len(&self, line: usize) -> usize {
        let starts = self.line_starts();
        starts.get(line + 1).copied().unwrap_or(self.text.len()) - starts[line]
    }

    /// Where line `line` ends, before its line break.
    fn line_end(&self, line: usize) -> usize {
        let end = self
            .line_starts()
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let b = self.text.as_bytes();
        let mut e = end;
        while e > self.line_starts()[line] && matches!(b[e - 1], b'\n' | b'\r') && end - e < 2 {
            e -= 1;
        }
        e
    }

    /// The span a label is drawn with: on a long line, no further than the
    /// snippet's window shows, so the mark stays on the line drawn.
    pub fn snippet_label(&self, span: crate::yaml::Span) -> crate::yaml::Span {
        let start = span.start.min(self.text.len());
        let line = self.line_of(start);
        if self.line_len(line) <= SNIPPET_LINE {
            return span;
        }
        let limit = self.line_end(line).min(start + (WINDOW - WINDOW_BEFORE));
        crate::yaml::Span::new(start, ceil_char(&self.text, span.end.min(limit.max(start))))
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
        let line_start = self.line_starts()[line];
        let line_end = self.line_end(line).max(at);
        let long = self.line_len(line) > SNIPPET_LINE;
        let start = if from_at {
            at
        } else if long {
            floor_char(&self.text, at.saturating_sub(WINDOW_BEFORE).max(line_start))
        } else {
            line_start
        };
        let end = if long {
            ceil_char(&self.text, line_end.min(at + (WINDOW - WINDOW_BEFORE)))
        } else {
            line_end
        };
        Box::new(miette::MietteSpanContents::new(
            &self.shown()[start..end],
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
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let bytes = self.shown();
        if span.offset() > bytes.len() {
            return bytes.read_span(span, context_lines_before, context_lines_after);
        }
        if context_lines_before == 0 && context_lines_after == 0 {
            // miette reads a label alone only for the `file:line:col` of a
            // snippet's header: the place as every format shows it.
            let start = floor_char(&self.text, span.offset());
            let end = ceil_char(&self.text, span.offset() + span.len()).max(start);
            let (line, col) = self.line_col(start);
            return Ok(Box::new(miette::MietteSpanContents::new(
                &bytes[start..end],
                miette::SourceSpan::new(start.into(), end - start),
                line - 1,
                col - 1,
                self.line_of(end) - self.line_of(start) + 1,
            )));
        }
        // miette's reading from a line start before the first context line
        // is the same as from the top of the text, shifted by the lines
        // skipped. One line more: an empty span at a line start ends its
        // reading on the line break before it.
        let starts = self.line_starts();
        let line = self.line_of(span.offset());
        let last = self.line_of(span.offset() + span.len().saturating_sub(1)) + context_lines_after;
        let first_shown = line.saturating_sub(context_lines_before);
        if (first_shown..=last.min(starts.len() - 1)).any(|l| self.line_len(l) > SNIPPET_LINE) {
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

/// Converts the parser's character indexes to byte offsets. Events arrive in
/// nearly increasing order, so walking from the last position keeps this
/// linear even on a single 1 MB line.
pub(super) struct CharToByte<'a> {
    text: &'a str,
    char_idx: usize,
    byte_idx: usize,
    /// `text[..ascii_end]` is ASCII, so characters are bytes there. It is
    /// checked a block at a time only as far as positions are asked for: a
    /// parse that stops early (a document parsed again on its own) does not
    /// pay for scanning the rest of the text.
    ascii_end: usize,
    /// Whether `ascii_end` stopped at a non-ASCII byte.
    ascii_done: bool,
    /// An ASCII run known from the last lookup: characters `run_char ..=
    /// run_char + run_len` are at bytes `run_byte ..`, so most lookups are
    /// an addition.
    run_char: usize,
    run_byte: usize,
    run_len: usize,
}

/// Bytes checked for ASCII at a time.
const ASCII_BLOCK: usize = 4096;

/// How far past a lookup a run of ASCII is looked for: a bounded cost for
/// a lookup that leaves the run.
const RUN_SCAN: usize = 1024;

impl<'a> CharToByte<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        CharToByte {
            text,
            char_idx: 0,
            byte_idx: 0,
            ascii_end: 0,
            ascii_done: false,
            run_char: 0,
            run_byte: 0,
            run_len: 0,
        }
    }

    #[inline]
    pub(super) fn byte(&mut self, char_idx: usize) -> usize {
        if char_idx.wrapping_sub(self.run_char) <= self.run_len {
            return self.run_byte + (char_idx - self.run_char);
        }
        self.seek(char_idx)
    }

    fn seek(&mut self, char_idx: usize) -> usize {
        let bytes = self.text.as_bytes();
        let wanted = char_idx.min(bytes.len());
        while self.ascii_end < wanted && !self.ascii_done {
            let end = (self.ascii_end + ASCII_BLOCK).min(bytes.len());
            let block = &bytes[self.ascii_end..end];
            if block.is_ascii() {
                self.ascii_end = end;
            } else {
                self.ascii_end += block.iter().position(|b| !b.is_ascii()).unwrap_or(0);
                self.ascii_done = true;
            }
        }
        if !self.ascii_done || char_idx <= self.ascii_end {
            // Within the ASCII prefix (most manifests are all ASCII).
            (self.run_char, self.run_byte, self.run_len) = (0, 0, self.ascii_end);
            return wanted;
        }
        if self.byte_idx < self.ascii_end {
            self.byte_idx = self.ascii_end;
            self.char_idx = self.ascii_end;
        }
        while self.char_idx < char_idx {
            // Skip the ASCII run ahead in one step, then one wider character.
            let want = char_idx - self.char_idx;
            let run = &bytes[self.byte_idx..self.byte_idx.saturating_add(want).min(bytes.len())];
            let ascii = ascii_prefix_len(run);
            self.byte_idx += ascii;
            self.char_idx += ascii;
            if self.char_idx == char_idx {
                break;
            }
            let Some(&lead) = bytes.get(self.byte_idx) else {
                return bytes.len();
            };
            self.byte_idx += match lead {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            self.char_idx += 1;
        }
        while self.char_idx > char_idx {
            if self.byte_idx == 0 {
                return 0;
            }
            self.byte_idx -= 1;
            // Continuation bytes (0b10xxxxxx) do not start a character.
            while self.byte_idx > 0 && bytes[self.byte_idx] & 0xC0 == 0x80 {
                self.byte_idx -= 1;
            }
            self.char_idx -= 1;
        }
        let at = self.byte_idx.min(bytes.len());
        let ahead = &bytes[at..at.saturating_add(RUN_SCAN).min(bytes.len())];
        (self.run_char, self.run_byte, self.run_len) = (char_idx, at, ascii_prefix_len(ahead));
        at
    }
}

/// How many bytes at the start of `b` are ASCII, checked a word at a time:
/// a mostly-ASCII file with a few typographic quotes is walked through here.
fn ascii_prefix_len(b: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    let mut len = 0;
    for word in words.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let high = u64::from_le_bytes(w) & HIGH_BITS;
        if high != 0 {
            // The lowest set bit is in the first non-ASCII byte.
            return len + high.trailing_zeros() as usize / 8;
        }
        len += 8;
    }
    len + words
        .remainder()
        .iter()
        .position(|c| !c.is_ascii())
        .unwrap_or(b.len() - len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

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

    #[test]
    fn ascii_prefix_len_finds_the_first_wide_byte() {
        let text = "abcdefghijklmnopqrstuvwxyz";
        for n in 0..=text.len() {
            assert_eq!(ascii_prefix_len(&text.as_bytes()[..n]), n);
            let wide = format!("{}é{}", &text[..n], text);
            assert_eq!(ascii_prefix_len(wide.as_bytes()), n, "{wide}");
        }
    }

    #[test]
    fn line_col_counts_chars() {
        let s = Source::new("f.yaml", "a: é\nbb: x\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        assert_eq!(s.line_col(10), (2, 5));
        assert_eq!(s.location(6), "f.yaml:2:1");
        // Inside a character: its start.
        assert_eq!(s.line_col(4), (1, 4));
    }

    /// Lines end at `\n`, `\r\n` and a lone `\r`; a byte order mark does
    /// not count as a column.
    #[test]
    fn line_col_of_old_mac_lines_and_byte_order_marks() {
        let s = Source::new("f.yaml", "a: 1\rb: é\r\nc: 2\nd: 3");
        let at = |needle: &str| s.line_col(s.text.find(needle).unwrap());
        assert_eq!(
            [at("b:"), at("é"), at("c:"), at("d:")],
            [(2, 1), (2, 4), (3, 1), (4, 1)]
        );
        let s = Source::new("f.yaml", "\u{feff}a: é x\nb: 2");
        let at = |needle: &str| s.line_col(s.text.find(needle).unwrap());
        assert_eq!([at("a:"), at("x"), at("b:")], [(1, 1), (1, 6), (2, 1)]);
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(1), (1, 1));
    }

    #[test]
    fn char_to_byte_moves_both_ways() {
        let mut c = CharToByte::new("aé€b");
        assert_eq!(c.byte(3), 6);
        assert_eq!(c.byte(1), 1);
        assert_eq!(c.byte(2), 3);
        assert_eq!(c.byte(99), 7);
        assert_eq!(c.byte(4), 7);
        assert_eq!(c.byte(0), 0);
        let mut c = CharToByte::new("ab😀cdé");
        let expected = [0, 1, 2, 6, 7, 8, 10];
        for (i, &b) in expected.iter().enumerate() {
            assert_eq!(c.byte(i), b, "forward {i}");
        }
        for (i, &b) in expected.iter().enumerate().rev() {
            assert_eq!(c.byte(i), b, "backward {i}");
        }
        assert_eq!((c.byte(5), c.byte(1), c.byte(6)), (8, 1, 10));
        let mut c = CharToByte::new("abc");
        assert_eq!((c.byte(2), c.byte(0), c.byte(99)), (2, 0, 3));
    }

    #[test]
    fn char_to_byte_past_long_ascii_prefixes() {
        let text = format!("{}é{}", "a".repeat(2 * ASCII_BLOCK + 3), "b".repeat(10));
        let at = 2 * ASCII_BLOCK + 3;
        let mut c = CharToByte::new(&text);
        assert_eq!(c.byte(at + 1), at + 2);
        assert_eq!(c.byte(10), 10);
        assert_eq!(c.byte(at), at);
        assert_eq!(c.byte(at + 5), at + 6);
        assert_eq!(c.byte(usize::MAX), text.len());
        let ascii = "x".repeat(ASCII_BLOCK + 1);
        let mut c = CharToByte::new(&ascii);
        assert_eq!(
            (c.byte(ASCII_BLOCK), c.byte(7), c.byte(99_999)),
            (ASCII_BLOCK, 7, ascii.len())
        );
    }

    #[test]
    fn char_to_byte_agrees_with_char_indices_over_long_walks() {
        // ASCII runs longer and shorter than one run scan, between wide
        // characters, looked up mostly forward with some steps back.
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&"abc: def\n".repeat(i * 37 % 300));
            text.push(['é', '€', '😀', '’'][i % 4]);
        }
        let offsets: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let mut c = CharToByte::new(&text);
        let mut at: usize = 0;
        let mut step: usize = 1;
        while at < offsets.len() + 3 {
            let want = offsets.get(at).copied().unwrap_or(text.len());
            assert_eq!(c.byte(at), want, "char {at}");
            step = (step * 7 + 3) % 61;
            at = if step.is_multiple_of(9) {
                at.saturating_sub(step)
            } else {
                at + step
            };
        }
    }

    #[test]
    fn char_to_byte_agrees_with_char_indices_from_any_position() {
        let text = "a: é€😀\nb: ’x’ ü\n";
        let offsets: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        for from in 0..offsets.len() {
            for to in 0..offsets.len() + 2 {
                let mut c = CharToByte::new(text);
                assert_eq!(c.byte(from), offsets[from]);
                let want = offsets.get(to).copied().unwrap_or(text.len());
                assert_eq!(c.byte(to), want, "from {from} to {to}");
            }
        }
    }
}
