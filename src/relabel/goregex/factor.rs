//! Go's alternation factoring (`factor` in `parse.go`): common prefixes of
//! alternatives are pulled out and runs of single characters become classes.

use super::parse::{PErr, Parser};
use super::ranges::append_class;
use super::regexp::*;

impl Parser<'_> {
    /// Go's `factor`: common prefixes of alternatives are pulled out, and runs of
    /// single characters become classes.
    pub(super) fn factor(&mut self, mut sub: Vec<usize>) -> Result<Vec<usize>, PErr> {
        if sub.len() < 2 {
            return Ok(sub);
        }

        // Round 1: common literal prefixes.
        let mut out = Vec::with_capacity(sub.len());
        let mut str: Vec<Rune> = Vec::new();
        let mut strflags = 0u16;
        let mut start = 0;
        let mut i = 0;
        while i <= sub.len() {
            let mut istr = Vec::new();
            let mut iflags = 0u16;
            if i < sub.len() {
                let (s, f) = self.leading_string(sub[i]);
                istr = s;
                iflags = f;
                if iflags == strflags {
                    let mut same = 0;
                    while same < str.len() && same < istr.len() && str[same] == istr[same] {
                        same += 1;
                    }
                    if same > 0 {
                        str.truncate(same);
                        i += 1;
                        continue;
                    }
                }
            }
            if i == start {
            } else if i == start + 1 {
                out.push(sub[start]);
            } else {
                let prefix = self.new_regexp(OP_LITERAL);
                self.nodes[prefix].flags = strflags;
                self.nodes[prefix].rune = str.clone();
                for sj in &mut sub[start..i] {
                    *sj = self.remove_leading_string(*sj, str.len());
                    self.check_limits(*sj)?;
                }
                let suffix = self.collapse(sub[start..i].to_vec(), OP_ALTERNATE)?;
                let re = self.new_regexp(OP_CONCAT);
                self.nodes[re].sub = vec![prefix, suffix];
                out.push(re);
            }
            start = i;
            str = istr;
            strflags = iflags;
            i += 1;
        }
        sub = out;

        // Round 2: common leading character classes (or fixed repeats of them).
        let mut out = Vec::with_capacity(sub.len());
        let mut start = 0;
        let mut first: Option<usize> = None;
        let mut i = 0;
        while i <= sub.len() {
            let mut ifirst = None;
            if i < sub.len() {
                ifirst = self.leading_regexp(sub[i]);
                if let (Some(f), Some(fi)) = (first, ifirst) {
                    let fnode = &self.nodes[f];
                    let ok = self.is_char_class(f)
                        || (fnode.op == OP_REPEAT
                            && fnode.min == fnode.max
                            && self.is_char_class(fnode.sub[0]));
                    if self.equal(f, fi) && ok {
                        i += 1;
                        continue;
                    }
                }
            }
            if i == start {
            } else if i == start + 1 {
                out.push(sub[start]);
            } else if let Some(prefix) = first {
                // The prefix node came from sub[start]; the others are freed.
                for (k, sj) in sub[start..i].iter_mut().enumerate() {
                    *sj = self.remove_leading_regexp(*sj, k != 0);
                    self.check_limits(*sj)?;
                }
                let suffix = self.collapse(sub[start..i].to_vec(), OP_ALTERNATE)?;
                let re = self.new_regexp(OP_CONCAT);
                self.nodes[re].sub = vec![prefix, suffix];
                out.push(re);
            }
            start = i;
            first = ifirst;
            i += 1;
        }
        sub = out;

        // Round 3: runs of single characters or classes become one class.
        let mut out = Vec::with_capacity(sub.len());
        let mut start = 0;
        for i in 0..=sub.len() {
            if i < sub.len() && self.is_char_class(sub[i]) {
                continue;
            }
            if i == start {
            } else if i == start + 1 {
                out.push(sub[start]);
            } else {
                let mut max = start;
                for j in start + 1..i {
                    let (m, c) = (&self.nodes[sub[max]], &self.nodes[sub[j]]);
                    if m.op < c.op || (m.op == c.op && m.rune.len() < c.rune.len()) {
                        max = j;
                    }
                }
                sub.swap(start, max);
                for j in start + 1..i {
                    self.merge_char_class(sub[start], sub[j]);
                    self.reuse(sub[j]);
                }
                self.clean_alt(sub[start]);
                out.push(sub[start]);
            }
            if i < sub.len() {
                out.push(sub[i]);
            }
            start = i + 1;
        }
        sub = out;

        // Round 4: runs of empty matches become one.
        let mut out = Vec::with_capacity(sub.len());
        for i in 0..sub.len() {
            if i + 1 < sub.len()
                && self.nodes[sub[i]].op == OP_EMPTY_MATCH
                && self.nodes[sub[i + 1]].op == OP_EMPTY_MATCH
            {
                continue;
            }
            out.push(sub[i]);
        }
        Ok(out)
    }

    fn leading_string(&self, mut id: usize) -> (Vec<Rune>, u16) {
        if self.nodes[id].op == OP_CONCAT && !self.nodes[id].sub.is_empty() {
            id = self.nodes[id].sub[0];
        }
        let n = &self.nodes[id];
        if n.op != OP_LITERAL {
            return (Vec::new(), 0);
        }
        (n.rune.clone(), n.flags & FOLD_CASE)
    }

    fn remove_leading_string(&mut self, id: usize, n: usize) -> usize {
        if self.nodes[id].op == OP_CONCAT && !self.nodes[id].sub.is_empty() {
            let first = self.nodes[id].sub[0];
            let sub = self.remove_leading_string(first, n);
            self.nodes[id].sub[0] = sub;
            if self.nodes[sub].op == OP_EMPTY_MATCH {
                self.reuse(sub);
                match self.nodes[id].sub.len() {
                    0 | 1 => {
                        self.nodes[id].op = OP_EMPTY_MATCH;
                        self.nodes[id].sub.clear();
                    }
                    2 => {
                        let old = id;
                        let next = self.nodes[id].sub[1];
                        self.reuse(old);
                        return next;
                    }
                    _ => {
                        self.nodes[id].sub.remove(0);
                    }
                }
            }
            return id;
        }
        let node = &mut self.nodes[id];
        if node.op == OP_LITERAL {
            node.rune.drain(..n.min(node.rune.len()));
            if node.rune.is_empty() {
                node.op = OP_EMPTY_MATCH;
            }
        }
        id
    }

    fn leading_regexp(&self, id: usize) -> Option<usize> {
        let n = &self.nodes[id];
        if n.op == OP_EMPTY_MATCH {
            return None;
        }
        if n.op == OP_CONCAT && !n.sub.is_empty() {
            let s = n.sub[0];
            if self.nodes[s].op == OP_EMPTY_MATCH {
                return None;
            }
            return Some(s);
        }
        Some(id)
    }

    fn remove_leading_regexp(&mut self, id: usize, reuse: bool) -> usize {
        if self.nodes[id].op == OP_CONCAT && !self.nodes[id].sub.is_empty() {
            if reuse {
                let first = self.nodes[id].sub[0];
                self.reuse(first);
            }
            self.nodes[id].sub.remove(0);
            match self.nodes[id].sub.len() {
                0 => {
                    self.nodes[id].op = OP_EMPTY_MATCH;
                    self.nodes[id].sub.clear();
                }
                1 => {
                    let next = self.nodes[id].sub[0];
                    self.reuse(id);
                    return next;
                }
                _ => {}
            }
            return id;
        }
        if reuse {
            self.reuse(id);
        }
        self.new_regexp(OP_EMPTY_MATCH)
    }

    /// Go's `Regexp.Equal` (note: literal and class flags are not compared).
    fn equal(&self, x: usize, y: usize) -> bool {
        let (a, b) = (&self.nodes[x], &self.nodes[y]);
        if a.op != b.op {
            return false;
        }
        match a.op {
            OP_END_TEXT => a.flags & WAS_DOLLAR == b.flags & WAS_DOLLAR,
            OP_LITERAL | OP_CHAR_CLASS => a.rune == b.rune,
            OP_ALTERNATE | OP_CONCAT => {
                a.sub.len() == b.sub.len()
                    && a.sub.iter().zip(&b.sub).all(|(&p, &q)| self.equal(p, q))
            }
            OP_STAR | OP_PLUS | OP_QUEST => {
                a.flags & NON_GREEDY == b.flags & NON_GREEDY && self.equal(a.sub[0], b.sub[0])
            }
            OP_REPEAT => {
                a.flags & NON_GREEDY == b.flags & NON_GREEDY
                    && a.min == b.min
                    && a.max == b.max
                    && self.equal(a.sub[0], b.sub[0])
            }
            OP_CAPTURE => a.cap == b.cap && a.name == b.name && self.equal(a.sub[0], b.sub[0]),
            _ => true,
        }
    }

    pub(super) fn is_char_class(&self, id: usize) -> bool {
        let n = &self.nodes[id];
        (n.op == OP_LITERAL && n.rune.len() == 1)
            || n.op == OP_CHAR_CLASS
            || n.op == OP_ANY_CHAR_NOT_NL
            || n.op == OP_ANY_CHAR
    }

    fn match_rune(&self, id: usize, r: Rune) -> bool {
        let n = &self.nodes[id];
        match n.op {
            OP_LITERAL => n.rune.len() == 1 && n.rune[0] == r,
            OP_CHAR_CLASS => n.rune.chunks_exact(2).any(|p| p[0] <= r && r <= p[1]),
            OP_ANY_CHAR_NOT_NL => r != '\n' as Rune,
            OP_ANY_CHAR => true,
            _ => false,
        }
    }

    /// dst = dst|src; dst.op >= src.op.
    pub(super) fn merge_char_class(&mut self, dst: usize, src: usize) {
        match self.nodes[dst].op {
            OP_ANY_CHAR => {}
            OP_ANY_CHAR_NOT_NL if self.match_rune(src, '\n' as Rune) => {
                self.nodes[dst].op = OP_ANY_CHAR;
            }
            OP_CHAR_CLASS => {
                let s = &self.nodes[src];
                let (sop, srune, sflags) = (s.op, s.rune.clone(), s.flags);
                let d = std::mem::take(&mut self.nodes[dst].rune);
                self.nodes[dst].rune = if sop == OP_LITERAL {
                    self.append_literal(d, srune[0], sflags)
                } else {
                    append_class(d, &srune)
                };
            }
            OP_LITERAL => {
                let (s, d) = (&self.nodes[src], &self.nodes[dst]);
                if s.rune[0] == d.rune[0] && s.flags == d.flags {
                    return;
                }
                let (sr, sf, dr, df) = (s.rune[0], s.flags, d.rune[0], d.flags);
                let class = self.append_literal(Vec::new(), dr, df);
                let class = self.append_literal(class, sr, sf);
                self.nodes[dst].op = OP_CHAR_CLASS;
                self.nodes[dst].rune = class;
            }
            _ => {}
        }
    }
}
