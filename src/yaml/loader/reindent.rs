//! Re-indented text for the parser, and its positions mapped back to the
//! user's file.

/// Spaces inserted at line starts of the part of the text being parsed,
/// which starts at `base` in the original; positions in the re-indented
/// part map back to the user's file.
#[derive(Debug, Default)]
pub(super) struct Reindent {
    pub(super) base: usize,
    /// (original byte offset, number of spaces), in offset order.
    pub(super) inserts: Vec<(usize, usize)>,
}

impl Reindent {
    /// `original[self.base..until]` with the spaces inserted.
    pub(super) fn apply(&self, original: &str, until: usize) -> String {
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
    pub(super) fn original(&self, modified: usize) -> usize {
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

    pub(super) fn count(&self) -> usize {
        self.inserts.iter().map(|(_, n)| n).sum()
    }

    pub(super) fn add(&mut self, at: usize) {
        match self.inserts.binary_search_by_key(&at, |&(a, _)| a) {
            Ok(i) => self.inserts[i].1 += 1,
            Err(i) => self.inserts.insert(i, (at, 1)),
        }
    }
}
