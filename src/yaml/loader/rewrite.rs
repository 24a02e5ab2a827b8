//! The text saphyr-parser is given where it is stricter than go-yaml:
//! spaces inserted at the start of flow-collection lines it finds
//! under-indented, and a tab after `:` read as a space. Positions in the
//! rewritten text map back to the user's file; each edit is checked
//! against the parse (`builder`) and dropped where it was not what it was
//! meant to be, so the rewritten text never reads differently from the
//! file, only where saphyr would refuse it.

use super::Boundary;
use crate::yaml::Span;

/// Edits of `original[base..]`: inserted spaces, and tabs read as spaces.
#[derive(Debug, Default)]
pub(super) struct Rewrite {
    pub(super) base: usize,
    /// (original byte offset of a line start, number of spaces), in offset
    /// order, each inside a flow collection (`flow::under_indented`).
    pub(super) inserts: Vec<(usize, usize)>,
    /// Original offsets of tabs right after a `:`, in order: a mapping
    /// value indicator to go-yaml even where saphyr wants a space.
    pub(super) tabs: Vec<usize>,
    /// For each insert, where it sits in the rewritten text and the spaces
    /// inserted before it (itself included), for mapping positions back.
    index: Vec<(usize, usize)>,
}

/// An edit the parse showed to be wrong: an insert outside every flow
/// collection, or a tab inside a quoted or block scalar (text, not an
/// indicator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edit {
    Insert(usize),
    Tab(usize),
}

impl Rewrite {
    pub(super) fn new(original: &str) -> Rewrite {
        let mut r = Rewrite {
            base: 0,
            inserts: super::flow::under_indented(original),
            tabs: colon_tabs(original),
            index: Vec::new(),
        };
        r.reindex();
        r
    }

    /// Whether `original[self.base..until]` is given as it is.
    pub(super) fn is_identity(&self, until: usize) -> bool {
        let none = |first: Option<usize>| first.is_none_or(|at| at >= until);
        none(self.inserts.first().map(|&(at, _)| at)) && none(self.tabs.first().copied())
    }

    /// `original[self.base..until]` rewritten.
    pub(super) fn apply(&self, original: &str, until: usize) -> String {
        let mut out = String::with_capacity(until - self.base + self.count());
        let mut last = self.base;
        let mut tabs = self.tabs.iter().copied().peekable();
        let mut copy = |out: &mut String, from: usize, to: usize| {
            let mut from = from;
            while let Some(t) = tabs.next_if(|&t| t < to) {
                if t >= from {
                    out.push_str(&original[from..t]);
                    out.push(' ');
                    from = t + 1;
                }
            }
            out.push_str(&original[from..to]);
        };
        for &(at, n) in self.inserts.iter().take_while(|&&(at, _)| at < until) {
            copy(&mut out, last, at);
            out.extend(std::iter::repeat_n(' ', n));
            last = at;
        }
        copy(&mut out, last, until);
        out
    }

    /// Maps a byte offset in the rewritten text to the original text; an
    /// offset within inserted spaces maps to the line start.
    pub(super) fn original(&self, modified: usize) -> usize {
        match self.index.partition_point(|&(m, _)| m <= modified) {
            0 => self.base + modified,
            i => {
                let (m, shift) = self.index[i - 1];
                let n = self.inserts[i - 1].1;
                if modified < m + n {
                    self.inserts[i - 1].0
                } else {
                    self.base + modified - shift
                }
            }
        }
    }

    pub(super) fn count(&self) -> usize {
        self.inserts.iter().map(|(_, n)| n).sum()
    }

    /// One more space at `at` (a line start saphyr found under-indented).
    pub(super) fn add(&mut self, at: usize) {
        match self.inserts.binary_search_by_key(&at, |&(a, _)| a) {
            Ok(i) => self.inserts[i].1 += 1,
            Err(i) => self.inserts.insert(i, (at, 1)),
        }
        self.reindex();
    }

    /// Starts the text at `base`, dropping the edits before it.
    pub(super) fn rebase(&mut self, base: usize) {
        self.base = base;
        self.inserts.retain(|&(at, _)| at >= base);
        self.tabs.retain(|&at| at >= base);
        self.reindex();
    }

    pub(super) fn drop_edits(&mut self, wrong: &[Edit]) {
        let (mut ins, mut tabs): (Vec<usize>, Vec<usize>) = Default::default();
        for e in wrong {
            match *e {
                Edit::Insert(at) => ins.push(at),
                Edit::Tab(at) => tabs.push(at),
            }
        }
        ins.sort_unstable();
        tabs.sort_unstable();
        self.inserts
            .retain(|(at, _)| ins.binary_search(at).is_err());
        self.tabs.retain(|at| tabs.binary_search(at).is_err());
        self.reindex();
    }

    /// Gives up on rewriting but for lines the parser itself finds.
    pub(super) fn drop_all(&mut self) {
        self.inserts.clear();
        self.tabs.clear();
        self.reindex();
    }

    fn reindex(&mut self) {
        self.index.clear();
        let mut shift = 0;
        for &(at, n) in &self.inserts {
            let m = at.saturating_sub(self.base) + shift;
            shift += n;
            self.index.push((m, shift));
        }
    }
}

/// Checks a parse of the rewritten text against its edits, event by event:
/// each insert must fall inside a flow collection, each tab outside quoted
/// and block scalars.
#[derive(Debug, Default)]
pub(super) struct Checker {
    next_insert: usize,
    next_tab: usize,
    /// Whether each open collection is a flow collection.
    flows: Vec<bool>,
    open_flows: usize,
    pub(super) wrong: Vec<Edit>,
    /// Where the document holding the first wrong edit starts.
    pub(super) wrong_from: Option<Boundary>,
}

impl Checker {
    pub(super) fn new(r: &Rewrite) -> Checker {
        Checker {
            next_insert: r.inserts.partition_point(|&(at, _)| at < r.base),
            next_tab: r.tabs.partition_point(|&at| at < r.base),
            ..Checker::default()
        }
    }

    fn wrong(&mut self, edit: Edit, before: Boundary) {
        self.wrong.push(edit);
        self.wrong_from.get_or_insert(before);
    }

    /// Inserts up to `at` (where the next event starts) lie in the flow
    /// collections open now.
    pub(super) fn reach(&mut self, r: &Rewrite, at: usize, before: Boundary) {
        while let Some(&(insert, _)) = r.inserts.get(self.next_insert) {
            if insert > at {
                break;
            }
            if self.open_flows == 0 {
                self.wrong(Edit::Insert(insert), before);
            }
            self.next_insert += 1;
        }
    }

    pub(super) fn open(&mut self, flow: bool) {
        self.flows.push(flow);
        self.open_flows += usize::from(flow);
    }

    pub(super) fn close(&mut self) {
        if self.flows.pop() == Some(true) {
            self.open_flows -= 1;
        }
    }

    /// A scalar at `span`; `text_like` for quoted and block scalars, whose
    /// tabs are text.
    pub(super) fn scalar(&mut self, r: &Rewrite, span: Span, text_like: bool, before: Boundary) {
        while let Some(&tab) = r.tabs.get(self.next_tab) {
            if tab >= span.end {
                break;
            }
            if text_like && tab >= span.start {
                self.wrong(Edit::Tab(tab), before);
            }
            self.next_tab += 1;
        }
    }
}

/// Offsets of tabs that follow a `:`.
fn colon_tabs(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    memchr::memchr_iter(b'\t', b)
        .filter(|&i| i > 0 && b[i - 1] == b':')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_back_through_inserts() {
        let original = "ab\ncd\nef\n";
        let r = Rewrite {
            base: 3,
            inserts: vec![(3, 2), (6, 1)],
            tabs: vec![],
            index: vec![],
        };
        let mut r = r;
        r.reindex();
        let text = r.apply(original, original.len());
        assert_eq!(text, "  cd\n ef\n");
        let want = [3, 3, 3, 4, 5, 6, 6, 7, 8, 9];
        for (m, &o) in want.iter().enumerate() {
            assert_eq!(r.original(m), o, "{m}");
        }
    }

    #[test]
    fn tabs_after_colons_read_as_spaces() {
        let original = "a:\tb\nc: \"d:\te\"\n";
        let mut r = Rewrite::new(original);
        assert_eq!(r.tabs, vec![2, 11]);
        assert_eq!(r.apply(original, original.len()), "a: b\nc: \"d: e\"\n");
        r.drop_edits(&[Edit::Tab(11)]);
        assert_eq!(r.apply(original, original.len()), "a: b\nc: \"d:\te\"\n");
        assert!(!r.is_identity(original.len()));
        r.rebase(5);
        assert!(r.is_identity(original.len()));
    }
}
