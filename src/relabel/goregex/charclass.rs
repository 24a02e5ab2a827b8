//! Character classes: `[...]`, `\pN` and `[:alpha:]` parsing.

use super::parse::{perr, Code, PErr, Parser};
use super::perl_groups::{perl_group_at, Group, POSIX_GROUPS};
use super::ranges::{append_class, append_negated_class, append_range, clean_class, negate_class};
use super::regexp::*;

impl Parser<'_> {
    fn parse_class_char(&self, t: usize, whole_class: usize) -> Result<(Rune, usize), PErr> {
        if t >= self.b.len() {
            return Err(perr(Code::MissingBracket, whole_class, self.b.len()));
        }
        if self.b[t] == b'\\' {
            return self.parse_escape(t);
        }
        Ok(self.next_rune(t))
    }

    /// `[:alnum:]` and friends, inside a class.
    fn parse_named_class(&self, t: usize) -> Result<Option<(&'static Group, usize)>, PErr> {
        let rest = self.s.get(t..).unwrap_or("");
        if !rest.starts_with("[:") {
            return Ok(None);
        }
        let Some(i) = rest[2..].find(":]") else {
            return Ok(None);
        };
        let end = i + 4;
        let name = &rest[..end];
        match POSIX_GROUPS.iter().find(|g| g.name == name) {
            Some(g) => Ok(Some((g, t + end))),
            None => Err(perr(Code::InvalidCharRange, t, t + end)),
        }
    }

    pub(super) fn append_group(&mut self, r: Vec<Rune>, g: &Group) -> Vec<Rune> {
        if self.flags & FOLD_CASE == 0 {
            if g.sign < 0 {
                append_negated_class(r, g.class)
            } else {
                append_class(r, g.class)
            }
        } else {
            let mut tmp = Vec::new();
            for p in g.class.chunks_exact(2) {
                tmp = self.append_folded_range(tmp, p[0], p[1]);
            }
            let tmp = clean_class(tmp);
            if g.sign < 0 {
                append_negated_class(r, &tmp)
            } else {
                append_class(r, &tmp)
            }
        }
    }

    /// `\pN`, `\p{Name}`, `\PN`, `\P{^Name}`; None if `t` is not `\p`/`\P`.
    pub(super) fn parse_unicode_class(
        &mut self,
        t: usize,
    ) -> Result<Option<(UnicodeSpec, usize)>, PErr> {
        let b = self.b;
        if t + 1 >= b.len() || b[t] != b'\\' || (b[t + 1] != b'p' && b[t + 1] != b'P') {
            return Ok(None);
        }
        let mut sign = if b[t + 1] == b'P' { -1 } else { 1 };
        let (c, nt) = self.next_rune(t + 2);
        let (seq_end, name) = if c != '{' as Rune {
            (nt, self.s.get(t + 2..nt).unwrap_or(""))
        } else {
            let rest = self.s.get(t..).unwrap_or("");
            let Some(end) = rest.find('}') else {
                return Err(perr(Code::InvalidCharRange, t, b.len()));
            };
            (t + end + 1, rest.get(3..end).unwrap_or(""))
        };
        let mut name = name;
        if let Some(n) = name.strip_prefix('^') {
            sign = -sign;
            name = n;
        }
        let (u, version) = (self.u, self.version);
        let found = self
            .tables
            .entry(name.to_string())
            .or_insert_with(|| u.table(name, version))
            .clone();
        let Some((tab, tsign, fold)) = found else {
            return Err(perr(Code::InvalidCharRange, t, seq_end));
        };
        if tsign < 0 {
            sign = -sign;
        }
        Ok(Some((UnicodeSpec { tab, sign, fold }, seq_end)))
    }

    pub(super) fn append_unicode(&self, r: Vec<Rune>, spec: &UnicodeSpec) -> Vec<Rune> {
        if self.flags & FOLD_CASE == 0 || !spec.fold {
            if spec.sign > 0 {
                append_class(r, &spec.tab)
            } else {
                append_negated_class(r, &spec.tab)
            }
        } else {
            // The table plus every code point that folds to one in it.
            let tmp = self.u.fold_closure(&spec.tab);
            if spec.sign > 0 {
                append_class(r, &tmp)
            } else {
                append_negated_class(r, &tmp)
            }
        }
    }

    pub(super) fn parse_class(&mut self, s: usize) -> Result<usize, PErr> {
        let b = self.b;
        let mut t = s + 1;
        let re = self.new_regexp(OP_CHAR_CLASS);
        self.nodes[re].flags = self.flags;
        let mut sign = 1;
        if b.get(t) == Some(&b'^') {
            sign = -1;
            t += 1;
            // ClassNL is always set: a negated class may match newline.
        }
        let mut class: Vec<Rune> = Vec::new();
        let mut first = true;
        while t >= b.len() || b[t] != b']' || first {
            first = false;
            if b.len() - t.min(b.len()) > 2 && b[t] == b'[' && b[t + 1] == b':' {
                if let Some((g, nt)) = self.parse_named_class(t)? {
                    class = self.append_group(class, g);
                    t = nt;
                    continue;
                }
            }
            if let Some((spec, nt)) = self.parse_unicode_class(t)? {
                class = self.append_unicode(class, &spec);
                t = nt;
                continue;
            }
            if let Some((g, nt)) = perl_group_at(b, t) {
                class = self.append_group(class, g);
                t = nt;
                continue;
            }
            let rng = t;
            let (lo, nt) = self.parse_class_char(t, s)?;
            t = nt;
            let mut hi = lo;
            // [a-] means (a|-), so check for the final ].
            if t + 1 < b.len() && b[t] == b'-' && b[t + 1] != b']' {
                t += 1;
                let (h, nt) = self.parse_class_char(t, s)?;
                t = nt;
                hi = h;
                if hi < lo {
                    return Err(perr(Code::InvalidCharRange, rng, t));
                }
            }
            class = if self.flags & FOLD_CASE == 0 {
                append_range(class, lo, hi)
            } else {
                self.append_folded_range(class, lo, hi)
            };
        }
        t += 1;
        let mut class = clean_class(class);
        if sign < 0 {
            class = negate_class(class);
        }
        self.nodes[re].rune = class;
        self.push(re)?;
        Ok(t)
    }

    pub(super) fn append_literal(&self, r: Vec<Rune>, x: Rune, flags: u16) -> Vec<Rune> {
        if flags & FOLD_CASE != 0 {
            self.append_folded_range(r, x, x)
        } else {
            append_range(r, x, x)
        }
    }

    /// The range lo-hi plus everything that folds to a code point in it. Go
    /// walks every code point; the resulting set is the same, and its exact
    /// layout is always normalised before anything depends on it.
    fn append_folded_range(&self, r: Vec<Rune>, lo: Rune, hi: Rune) -> Vec<Rune> {
        let mut r = append_range(r, lo, hi);
        let folds = &self.u.folds;
        let from = folds.partition_point(|&(c, _)| c < lo);
        for &(c, _) in folds[from..].iter().take_while(|&&(c, _)| c <= hi) {
            let mut f = self.u.simple_fold(c);
            while f != c {
                if f < lo || f > hi {
                    r = append_range(r, f, f);
                }
                f = self.u.simple_fold(f);
            }
        }
        r
    }
}

pub(super) struct UnicodeSpec {
    tab: Vec<Rune>,
    sign: i32,
    /// Whether Go has a case-folding table for it (`unicode.FoldCategory`
    /// and `unicode.FoldScript` cover only a few).
    fold: bool,
}
