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
    pub named: miette::NamedSource<Arc<String>>,
    /// Computed on first use: a 100 MB targets file usually needs none.
    line_starts: Arc<std::sync::OnceLock<Vec<usize>>>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        let text: String = text.into();
        let name: String = name.into();
        let text = Arc::new(text);
        Source {
            named: miette::NamedSource::new(&name, Arc::clone(&text)).with_language("yaml"),
            name,
            text,
            line_starts: Arc::new(std::sync::OnceLock::new()),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            starts
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= byte).max(1);
        let start = line_starts[line - 1];
        let col = self
            .text
            .get(start..byte)
            .map(|s| s.chars().count())
            .unwrap_or(byte - start);
        (line, col + 1)
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
    ascii: bool,
}

impl<'a> CharToByte<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        CharToByte {
            text,
            char_idx: 0,
            byte_idx: 0,
            ascii: text.is_ascii(),
        }
    }

    pub(super) fn byte(&mut self, char_idx: usize) -> usize {
        if self.ascii {
            // Most manifests are ASCII: characters are bytes.
            return char_idx.min(self.text.len());
        }
        while self.char_idx < char_idx {
            match self.text[self.byte_idx..].chars().next() {
                Some(c) => {
                    self.byte_idx += c.len_utf8();
                    self.char_idx += 1;
                }
                None => return self.text.len(),
            }
        }
        while self.char_idx > char_idx {
            match self.text[..self.byte_idx].chars().next_back() {
                Some(c) => {
                    self.byte_idx -= c.len_utf8();
                    self.char_idx -= 1;
                }
                None => return 0,
            }
        }
        self.byte_idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let s = Source::new("f.yaml", "a: é\nbb: x\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        assert_eq!(s.line_col(10), (2, 5));
        assert_eq!(s.location(6), "f.yaml:2:1");
    }

    #[test]
    fn char_to_byte_moves_both_ways() {
        let mut c = CharToByte::new("aé€b");
        assert_eq!(c.byte(3), 6);
        assert_eq!(c.byte(1), 1);
        assert_eq!(c.byte(2), 3);
        assert_eq!(c.byte(99), 7);
        let mut c = CharToByte::new("abc");
        assert_eq!((c.byte(2), c.byte(0), c.byte(99)), (2, 0, 3));
    }
}
