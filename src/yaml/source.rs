use std::sync::Arc;

use super::snippet::IndexedText;

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
        self.named.inner().lines()
    }

    /// `file:line:col` for a byte offset.
    pub fn location(&self, byte: usize) -> String {
        let (l, c) = self.line_col(byte);
        format!("{}:{}:{}", self.name, l, c)
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
