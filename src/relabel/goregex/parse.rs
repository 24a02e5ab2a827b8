//! Port of Go's `regexp/syntax` parser (`parse.go`): the operator stack, the
//! main loop, groups and alternation. Escapes and repeat counts are in
//! `tokens`, character classes in `charclass` (their range arithmetic in
//! `ranges`), factoring in `factor` and the size limits in `limits`.

use super::perl_groups::perl_group_at;
use super::ranges::clean_class;
use super::regexp::*;
use super::unicode::{unicode_data, UnicodeData};
use super::{GoRegexError, GoRegexErrorKind, GoVersion};
use std::collections::HashMap;

/// Go's parser limits (`maxHeight`, `maxSize`, `maxRunes`, `maxRepeat`),
/// enforced in `limits` and by the repeat parser.
pub(super) const MAX_HEIGHT: i32 = 1000;
pub(super) const MAX_SIZE: i64 = (128 << 20) / 40;
pub(super) const MAX_RUNES: i64 = (128 << 20) / 4;
pub(super) const MAX_REPEAT: i32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    InvalidCharRange,
    InvalidEscape,
    InvalidNamedCapture,
    InvalidPerlOp,
    InvalidRepeatOp,
    InvalidRepeatSize,
    MissingBracket,
    MissingParen,
    MissingRepeatArgument,
    TrailingBackslash,
    UnexpectedParen,
    NestingDepth,
    Large,
}

impl Code {
    fn text(self, version: GoVersion) -> &'static str {
        match self {
            Code::InvalidCharRange => "invalid character class range",
            Code::InvalidEscape => "invalid escape sequence",
            Code::InvalidNamedCapture => "invalid named capture",
            Code::InvalidPerlOp => "invalid or unsupported Perl syntax",
            Code::InvalidRepeatOp => "invalid nested repetition operator",
            Code::InvalidRepeatSize => "invalid repeat count",
            Code::MissingBracket => "missing closing ]",
            Code::MissingParen => "missing closing )",
            Code::MissingRepeatArgument => "missing argument to repetition operator",
            Code::TrailingBackslash => "trailing backslash at end of expression",
            Code::UnexpectedParen => "unexpected )",
            Code::NestingDepth => "expression nests too deeply",
            Code::Large if version == GoVersion::Go1_19 => "regexp/syntax: internal error",
            Code::Large => "expression too large",
        }
    }
}

/// A parse error: Go's code, the quoted expression as a byte range of the
/// parsed string, and where the problem was seen.
#[derive(Debug)]
pub(super) struct PErr {
    pub(super) code: Code,
    pub(super) expr: (usize, usize),
    pub(super) at: usize,
}

pub(super) fn perr(code: Code, start: usize, end: usize) -> PErr {
    PErr {
        code,
        expr: (start, end),
        at: start,
    }
}

pub(super) struct Parser<'a> {
    pub(super) s: &'a str,
    pub(super) b: &'a [u8],
    pub(super) flags: u16,
    pub(super) stack: Vec<usize>,
    pub(super) nodes: Vec<Node>,
    free: Vec<usize>,
    pub(super) num_cap: i32,
    pub(super) num_runes: i64,
    pub(super) repeats: i64,
    pub(super) height: Option<HashMap<usize, i32>>,
    pub(super) size: Option<HashMap<usize, i64>>,
    pub(super) version: GoVersion,
    pub(super) u: &'static UnicodeData,
    /// Where parsing currently is, for limit errors.
    pos: usize,
    /// The user's part of `s` when it is wrapped for anchoring.
    user: Option<(usize, usize)>,
    /// Unicode classes already looked up, by name as written.
    pub(super) tables: HashMap<String, Option<(Vec<Rune>, i32, bool)>>,
    /// `(` of the user's group that the wrapper's `)` closed.
    closed_by_wrapper: Option<usize>,
    /// The user's `)` that closed the wrapper's group.
    wrapper_closed_at: Option<usize>,
}

impl<'a> Parser<'a> {
    pub(super) fn new(s: &'a str, version: GoVersion, user: Option<(usize, usize)>) -> Parser<'a> {
        Parser {
            s,
            b: s.as_bytes(),
            flags: PERL,
            stack: Vec::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            num_cap: 0,
            num_runes: 0,
            repeats: 0,
            height: None,
            size: None,
            version,
            u: unicode_data(version.unicode15()),
            pos: 0,
            user,
            tables: HashMap::new(),
            closed_by_wrapper: None,
            wrapper_closed_at: None,
        }
    }

    /// Turn a parse error into Go's message and an offset into the user's pattern.
    pub(super) fn error(&self, e: PErr) -> GoRegexError {
        let expr = self.s.get(e.expr.0..e.expr.1).unwrap_or("");
        let message = format!(
            "error parsing regexp: {}: `{}`",
            e.code.text(self.version),
            expr
        );
        let offset = match self.user {
            None => Some(e.at.min(self.s.len())),
            Some((start, end)) => {
                let inside = |p: usize| (start..end).contains(&p).then(|| p - start);
                match e.code {
                    Code::MissingParen => self
                        .stack
                        .iter()
                        .filter(|&&id| self.nodes[id].op == OP_LEFT_PAREN)
                        .map(|&id| self.nodes[id].src)
                        .chain(self.closed_by_wrapper)
                        .filter_map(inside)
                        .max(),
                    Code::UnexpectedParen => {
                        inside(e.at).or_else(|| self.wrapper_closed_at.and_then(inside))
                    }
                    _ => Some(e.at.clamp(start, end) - start),
                }
            }
        };
        GoRegexError {
            message,
            offset,
            kind: GoRegexErrorKind::Syntax,
        }
    }

    pub(super) fn whole_err(&self, code: Code) -> PErr {
        PErr {
            code,
            expr: (0, self.s.len()),
            at: self.pos,
        }
    }

    pub(super) fn new_regexp(&mut self, op: u8) -> usize {
        let node = Node {
            op,
            ..Node::default()
        };
        if let Some(id) = self.free.pop() {
            self.nodes[id] = node;
            id
        } else {
            self.nodes.push(node);
            self.nodes.len() - 1
        }
    }

    pub(super) fn reuse(&mut self, id: usize) {
        if let Some(h) = &mut self.height {
            h.remove(&id);
        }
        self.free.push(id);
    }

    /// Go's `push`; None when the node was merged into the previous literal.
    pub(super) fn push(&mut self, id: usize) -> Result<Option<usize>, PErr> {
        self.num_runes += self.nodes[id].rune.len() as i64;
        let n = &self.nodes[id];
        let r = &n.rune;
        let is_class = n.op == OP_CHAR_CLASS;
        if is_class && r.len() == 2 && r[0] == r[1] {
            // Single rune.
            let r0 = r[0];
            if self.maybe_concat(r0, self.flags & !FOLD_CASE) {
                return Ok(None);
            }
            let flags = self.flags & !FOLD_CASE;
            let n = &mut self.nodes[id];
            n.op = OP_LITERAL;
            n.rune.truncate(1);
            n.flags = flags;
        } else if is_class
            && ((r.len() == 4
                && r[0] == r[1]
                && r[2] == r[3]
                && self.u.simple_fold(r[0]) == r[2]
                && self.u.simple_fold(r[2]) == r[0])
                || (r.len() == 2
                    && r[0] + 1 == r[1]
                    && self.u.simple_fold(r[0]) == r[1]
                    && self.u.simple_fold(r[1]) == r[0]))
        {
            // Case-insensitive rune like [Aa] or [Δδ].
            let r0 = r[0];
            if self.maybe_concat(r0, self.flags | FOLD_CASE) {
                return Ok(None);
            }
            let flags = self.flags | FOLD_CASE;
            let n = &mut self.nodes[id];
            n.op = OP_LITERAL;
            n.rune.truncate(1);
            n.flags = flags;
        } else {
            self.maybe_concat(-1, 0);
        }
        self.stack.push(id);
        self.check_limits(id)?;
        Ok(Some(id))
    }

    fn maybe_concat(&mut self, r: Rune, flags: u16) -> bool {
        let n = self.stack.len();
        if n < 2 {
            return false;
        }
        let re1 = self.stack[n - 1];
        let re2 = self.stack[n - 2];
        let (a, b) = (&self.nodes[re1], &self.nodes[re2]);
        if a.op != OP_LITERAL || b.op != OP_LITERAL || a.flags & FOLD_CASE != b.flags & FOLD_CASE {
            return false;
        }
        let moved = std::mem::take(&mut self.nodes[re1].rune);
        self.nodes[re2].rune.extend_from_slice(&moved);
        if r >= 0 {
            let a = &mut self.nodes[re1];
            a.rune = vec![r];
            a.flags = flags;
            return true;
        }
        self.stack.pop();
        self.reuse(re1);
        false
    }

    fn literal(&mut self, mut r: Rune) -> Result<(), PErr> {
        let id = self.new_regexp(OP_LITERAL);
        self.nodes[id].flags = self.flags;
        if self.flags & FOLD_CASE != 0 {
            r = self.u.min_fold_rune(r);
        }
        self.nodes[id].rune = vec![r];
        self.push(id)?;
        Ok(())
    }

    pub(super) fn op(&mut self, op: u8) -> Result<usize, PErr> {
        let id = self.new_regexp(op);
        self.nodes[id].flags = self.flags;
        self.push(id)?;
        Ok(id)
    }

    /// Go's `repeat`; positions index `self.s`. Returns the new position.
    fn repeat(
        &mut self,
        op: u8,
        min: i32,
        max: i32,
        before: usize,
        mut after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize, PErr> {
        let mut flags = self.flags;
        if self.b.get(after) == Some(&b'?') {
            after += 1;
            flags ^= NON_GREEDY;
        }
        if let Some(last) = last_repeat {
            // a** is a syntax error, not a doubled star.
            return Err(perr(Code::InvalidRepeatOp, last, after));
        }
        let n = self.stack.len();
        if n == 0 || self.nodes[self.stack[n - 1]].op >= OP_PSEUDO {
            return Err(perr(Code::MissingRepeatArgument, before, after));
        }
        let sub = self.stack[n - 1];
        let re = self.new_regexp(op);
        {
            let node = &mut self.nodes[re];
            node.min = min;
            node.max = max;
            node.flags = flags;
            node.sub = vec![sub];
        }
        self.stack[n - 1] = re;
        self.check_limits(re)?;
        if op == OP_REPEAT && (min >= 2 || max >= 2) && !self.repeat_is_valid(re, MAX_REPEAT) {
            return Err(perr(Code::InvalidRepeatSize, before, after));
        }
        Ok(after)
    }

    fn repeat_is_valid(&self, id: usize, mut n: i32) -> bool {
        let node = &self.nodes[id];
        if node.op == OP_REPEAT {
            let mut m = node.max;
            if m == 0 {
                return true;
            }
            if m < 0 {
                m = node.min;
            }
            if m > n {
                return false;
            }
            if m > 0 {
                n /= m;
            }
        }
        node.sub.iter().all(|&s| self.repeat_is_valid(s, n))
    }

    fn concat(&mut self) -> Result<(), PErr> {
        self.maybe_concat(-1, 0);
        let mut i = self.stack.len();
        while i > 0 && self.nodes[self.stack[i - 1]].op < OP_PSEUDO {
            i -= 1;
        }
        let subs = self.stack.split_off(i);
        if subs.is_empty() {
            let e = self.new_regexp(OP_EMPTY_MATCH);
            self.push(e)?;
            return Ok(());
        }
        let c = self.collapse(subs, OP_CONCAT)?;
        self.push(c)?;
        Ok(())
    }

    fn alternate(&mut self) -> Result<(), PErr> {
        let mut i = self.stack.len();
        while i > 0 && self.nodes[self.stack[i - 1]].op < OP_PSEUDO {
            i -= 1;
        }
        let subs = self.stack.split_off(i);
        if let Some(&last) = subs.last() {
            self.clean_alt(last);
        }
        if subs.is_empty() {
            let e = self.new_regexp(OP_NO_MATCH);
            self.push(e)?;
            return Ok(());
        }
        let a = self.collapse(subs, OP_ALTERNATE)?;
        self.push(a)?;
        Ok(())
    }

    pub(super) fn clean_alt(&mut self, id: usize) {
        let n = &mut self.nodes[id];
        if n.op == OP_CHAR_CLASS {
            n.rune = clean_class(std::mem::take(&mut n.rune));
            if n.rune[..] == [0, MAX_RUNE] {
                n.rune.clear();
                n.op = OP_ANY_CHAR;
            } else if n.rune[..] == [0, '\n' as Rune - 1, '\n' as Rune + 1, MAX_RUNE] {
                n.rune.clear();
                n.op = OP_ANY_CHAR_NOT_NL;
            }
        }
    }

    pub(super) fn collapse(&mut self, subs: Vec<usize>, op: u8) -> Result<usize, PErr> {
        if subs.len() == 1 {
            return Ok(subs[0]);
        }
        let mut re = self.new_regexp(op);
        let mut list = Vec::with_capacity(subs.len());
        for sub in subs {
            if self.nodes[sub].op == op {
                list.extend_from_slice(&self.nodes[sub].sub);
                self.reuse(sub);
            } else {
                list.push(sub);
            }
        }
        if op == OP_ALTERNATE {
            list = self.factor(list)?;
            if list.len() == 1 {
                let old = re;
                re = list[0];
                self.reuse(old);
                return Ok(re);
            }
        }
        self.nodes[re].sub = list;
        Ok(re)
    }

    fn swap_vertical_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 3
            && self.nodes[self.stack[n - 2]].op == OP_VERTICAL_BAR
            && self.is_char_class(self.stack[n - 1])
            && self.is_char_class(self.stack[n - 3])
        {
            let mut re1 = self.stack[n - 1];
            let mut re3 = self.stack[n - 3];
            // Make re3 the more complex of the two.
            if self.nodes[re1].op > self.nodes[re3].op {
                std::mem::swap(&mut re1, &mut re3);
                self.stack[n - 3] = re3;
            }
            self.merge_char_class(re3, re1);
            self.reuse(re1);
            self.stack.truncate(n - 1);
            return true;
        }
        if n >= 2 {
            let re1 = self.stack[n - 1];
            let re2 = self.stack[n - 2];
            if self.nodes[re2].op == OP_VERTICAL_BAR {
                if n >= 3 {
                    let s = self.stack[n - 3];
                    self.clean_alt(s);
                }
                self.stack[n - 2] = re1;
                self.stack[n - 1] = re2;
                return true;
            }
        }
        false
    }

    fn parse_vertical_bar(&mut self) -> Result<(), PErr> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.op(OP_VERTICAL_BAR)?;
        }
        Ok(())
    }

    fn parse_right_paren(&mut self, at: usize) -> Result<(), PErr> {
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        let n = self.stack.len();
        let unexpected = PErr {
            code: Code::UnexpectedParen,
            expr: (0, self.s.len()),
            at,
        };
        if n < 2 {
            return Err(unexpected);
        }
        let re1 = self.stack[n - 1];
        let re2 = self.stack[n - 2];
        self.stack.truncate(n - 2);
        if self.nodes[re2].op != OP_LEFT_PAREN {
            return Err(unexpected);
        }
        if let Some((start, end)) = self.user {
            let src = self.nodes[re2].src;
            if at == end {
                self.closed_by_wrapper = Some(src);
            } else if src < start {
                self.wrapper_closed_at = Some(at);
            }
        }
        self.flags = self.nodes[re2].flags;
        if self.nodes[re2].cap == 0 {
            self.push(re1)?;
        } else {
            self.nodes[re2].op = OP_CAPTURE;
            self.nodes[re2].sub = vec![re1];
            self.push(re2)?;
        }
        Ok(())
    }

    /// Go's `nextRune`: at the end it yields RuneError without advancing.
    pub(super) fn next_rune(&self, t: usize) -> (Rune, usize) {
        match self.s.get(t..).and_then(|r| r.chars().next()) {
            Some(c) => (c as Rune, t + c.len_utf8()),
            None => (RUNE_ERROR, t),
        }
    }

    pub(super) fn parse(&mut self) -> Result<usize, PErr> {
        let b = self.b;
        let mut t = 0;
        let mut last_repeat: Option<usize> = None;
        while t < b.len() {
            self.pos = t;
            let mut repeat = None;
            match b[t] {
                b'(' => {
                    if b.get(t + 1) == Some(&b'?') {
                        t = self.parse_perl_flags(t)?;
                    } else {
                        self.num_cap += 1;
                        let id = self.op(OP_LEFT_PAREN)?;
                        self.nodes[id].cap = self.num_cap;
                        self.nodes[id].src = t;
                        t += 1;
                    }
                }
                b'|' => {
                    self.parse_vertical_bar()?;
                    t += 1;
                }
                b')' => {
                    self.parse_right_paren(t)?;
                    t += 1;
                }
                b'^' => {
                    if self.flags & ONE_LINE != 0 {
                        self.op(OP_BEGIN_TEXT)?;
                    } else {
                        self.op(OP_BEGIN_LINE)?;
                    }
                    t += 1;
                }
                b'$' => {
                    if self.flags & ONE_LINE != 0 {
                        let id = self.op(OP_END_TEXT)?;
                        self.nodes[id].flags |= WAS_DOLLAR;
                    } else {
                        self.op(OP_END_LINE)?;
                    }
                    t += 1;
                }
                b'.' => {
                    if self.flags & DOT_NL != 0 {
                        self.op(OP_ANY_CHAR)?;
                    } else {
                        self.op(OP_ANY_CHAR_NOT_NL)?;
                    }
                    t += 1;
                }
                b'[' => t = self.parse_class(t)?,
                c @ (b'*' | b'+' | b'?') => {
                    let op = match c {
                        b'*' => OP_STAR,
                        b'+' => OP_PLUS,
                        _ => OP_QUEST,
                    };
                    let after = self.repeat(op, 0, 0, t, t + 1, last_repeat)?;
                    repeat = Some(t);
                    t = after;
                }
                b'{' => match self.parse_repeat(t) {
                    None => {
                        // Not a valid repeat: `{` is a literal.
                        self.literal('{' as Rune)?;
                        t += 1;
                    }
                    Some((min, max, after)) => {
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return Err(perr(Code::InvalidRepeatSize, t, after));
                        }
                        let after = self.repeat(OP_REPEAT, min, max, t, after, last_repeat)?;
                        repeat = Some(t);
                        t = after;
                    }
                },
                b'\\' => t = self.parse_backslash(t)?,
                _ => {
                    let (c, nt) = self.next_rune(t);
                    self.literal(c)?;
                    t = nt;
                }
            }
            last_repeat = repeat;
        }
        self.pos = b.len();
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() != 1 {
            return Err(self.whole_err(Code::MissingParen));
        }
        Ok(self.stack[0])
    }

    fn parse_backslash(&mut self, t: usize) -> Result<usize, PErr> {
        let b = self.b;
        if t + 1 < b.len() {
            match b[t + 1] {
                b'A' => {
                    self.op(OP_BEGIN_TEXT)?;
                    return Ok(t + 2);
                }
                b'b' => {
                    self.op(OP_WORD_BOUNDARY)?;
                    return Ok(t + 2);
                }
                b'B' => {
                    self.op(OP_NO_WORD_BOUNDARY)?;
                    return Ok(t + 2);
                }
                // Any byte; not supported.
                b'C' => return Err(perr(Code::InvalidEscape, t, t + 2)),
                b'Q' => {
                    // \Q ... \E: everything up to \E (or the end) is literal.
                    let body = self.s.get(t + 2..).unwrap_or("");
                    let (lit, next) = match body.find("\\E") {
                        Some(i) => (&body[..i], t + 2 + i + 2),
                        None => (body, b.len()),
                    };
                    for c in lit.chars() {
                        self.literal(c as Rune)?;
                    }
                    return Ok(next);
                }
                b'z' => {
                    self.op(OP_END_TEXT)?;
                    return Ok(t + 2);
                }
                _ => {}
            }
        }
        let re = self.new_regexp(OP_CHAR_CLASS);
        self.nodes[re].flags = self.flags;
        if t + 1 < b.len() && (b[t + 1] == b'p' || b[t + 1] == b'P') {
            if let Some((spec, rest)) = self.parse_unicode_class(t)? {
                self.nodes[re].rune = self.append_unicode(Vec::new(), &spec);
                self.push(re)?;
                return Ok(rest);
            }
        }
        if let Some((g, rest)) = perl_group_at(b, t) {
            self.nodes[re].rune = self.append_group(Vec::new(), g);
            self.push(re)?;
            return Ok(rest);
        }
        self.reuse(re);
        let (c, rest) = self.parse_escape(t)?;
        self.literal(c)?;
        Ok(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{GoRegex, GoRegexError, GoRegexErrorKind, GoVersion::*};

    // Expected values in these tables are the output of Go's regexp package:
    // Go 1.19 for Prometheus 2.x (`^(?:…)$`), and Go 1.21.13, 1.24.11 and
    // 1.25.5 for 3.x (`^(?s:…)$`).

    /// (pattern, Go 1.19 error, Go 1.21, Go 1.24, Go 1.25); "" means accepted,
    /// "=" means the same as Go 1.25.
    #[rustfmt::skip]
    const SYNTAX: &[(&str, &str, &str, &str, &str)] = &[
        ("(.*)", "", "=", "=", ""),
        ("(a", "error parsing regexp: missing closing ): `^(?:(a)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:(a)$`"),
        ("a)", "error parsing regexp: unexpected ): `^(?:a))$`", "=", "=", "error parsing regexp: unexpected ): `^(?s:a))$`"),
        (")(", "", "=", "=", ""),
        (")a(", "", "=", "=", ""),
        ("((a)b", "error parsing regexp: missing closing ): `^(?:((a)b)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:((a)b)$`"),
        ("(?:a", "error parsing regexp: missing closing ): `^(?:(?:a)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:(?:a)$`"),
        ("(?i)(a", "error parsing regexp: missing closing ): `^(?:(?i)(a)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:(?i)(a)$`"),
        (r#"a\"#, r#"error parsing regexp: missing closing ): `^(?:a\)$`"#, "=", "=", r#"error parsing regexp: missing closing ): `^(?s:a\)$`"#),
        (r#"\"#, r#"error parsing regexp: missing closing ): `^(?:\)$`"#, "=", "=", r#"error parsing regexp: missing closing ): `^(?s:\)$`"#),
        (r#"\Q.*\E"#, "", "=", "=", ""),
        (r#"\Qa.b"#, r#"error parsing regexp: missing closing ): `^(?:\Qa.b)$`"#, "=", "=", r#"error parsing regexp: missing closing ): `^(?s:\Qa.b)$`"#),
        (r#"\Qab\Ec"#, "", "=", "=", ""),
        (r#"\1"#, r#"error parsing regexp: invalid escape sequence: `\1`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\1`"#),
        (r#"\8"#, r#"error parsing regexp: invalid escape sequence: `\8`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\8`"#),
        (r#"\0"#, "", "=", "=", ""),
        (r#"\012"#, "", "=", "=", ""),
        (r#"\101"#, "", "=", "=", ""),
        (r#"\18"#, r#"error parsing regexp: invalid escape sequence: `\1`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\1`"#),
        (r#"\<a\>"#, "", "=", "=", ""),
        (r#"\b{start}"#, "", "=", "=", ""),
        (r#"\b{2}"#, "", "=", "=", ""),
        (r#"\C"#, r#"error parsing regexp: invalid escape sequence: `\C`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\C`"#),
        (r#"\Z"#, r#"error parsing regexp: invalid escape sequence: `\Z`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\Z`"#),
        (r#"\z"#, "", "=", "=", ""),
        (r#"\pN"#, "", "=", "=", ""),
        (r#"\p{Greek}"#, "", "=", "=", ""),
        (r#"\p{greek}"#, r#"error parsing regexp: invalid character class range: `\p{greek}`"#, r#"error parsing regexp: invalid character class range: `\p{greek}`"#, r#"error parsing regexp: invalid character class range: `\p{greek}`"#, ""),
        (r#"\p{Letter}"#, r#"error parsing regexp: invalid character class range: `\p{Letter}`"#, r#"error parsing regexp: invalid character class range: `\p{Letter}`"#, r#"error parsing regexp: invalid character class range: `\p{Letter}`"#, ""),
        (r#"\p{Old_Italic}"#, "", "", "", r#"error parsing regexp: invalid character class range: `\p{Old_Italic}`"#),
        (r#"\p{Kawi}"#, r#"error parsing regexp: invalid character class range: `\p{Kawi}`"#, "=", "=", ""),
        (r#"\p{Cn}"#, r#"error parsing regexp: invalid character class range: `\p{Cn}`"#, r#"error parsing regexp: invalid character class range: `\p{Cn}`"#, r#"error parsing regexp: invalid character class range: `\p{Cn}`"#, ""),
        (r#"\p{LC}"#, r#"error parsing regexp: invalid character class range: `\p{LC}`"#, r#"error parsing regexp: invalid character class range: `\p{LC}`"#, r#"error parsing regexp: invalid character class range: `\p{LC}`"#, ""),
        (r#"\p{ASCII}"#, r#"error parsing regexp: invalid character class range: `\p{ASCII}`"#, r#"error parsing regexp: invalid character class range: `\p{ASCII}`"#, r#"error parsing regexp: invalid character class range: `\p{ASCII}`"#, ""),
        (r#"\p{Assigned}"#, r#"error parsing regexp: invalid character class range: `\p{Assigned}`"#, r#"error parsing regexp: invalid character class range: `\p{Assigned}`"#, r#"error parsing regexp: invalid character class range: `\p{Assigned}`"#, ""),
        (r#"\p{^Greek}"#, "", "=", "=", ""),
        (r#"\p{"#, r#"error parsing regexp: invalid character class range: `\p{)$`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p{)$`"#),
        (r#"\p"#, r#"error parsing regexp: invalid character class range: `\p)`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p)`"#),
        (r#"\pé"#, r#"error parsing regexp: invalid character class range: `\pé`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\pé`"#),
        (r#"\p{}"#, r#"error parsing regexp: invalid character class range: `\p{}`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p{}`"#),
        (r#"\p{Zzzz}"#, r#"error parsing regexp: invalid character class range: `\p{Zzzz}`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p{Zzzz}`"#),
        ("[[:alpha:]]", "", "=", "=", ""),
        ("[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`", "=", "=", "error parsing regexp: invalid character class range: `[:foo:]`"),
        ("[[:x]y:]]", "error parsing regexp: invalid character class range: `[:x]y:]`", "=", "=", "error parsing regexp: invalid character class range: `[:x]y:]`"),
        ("[a&&b]", "", "=", "=", ""),
        ("[a--b]", "error parsing regexp: invalid character class range: `a--`", "=", "=", "error parsing regexp: invalid character class range: `a--`"),
        ("[[]", "", "=", "=", ""),
        ("[]a]", "", "=", "=", ""),
        ("[]", "error parsing regexp: missing closing ]: `[])$`", "=", "=", "error parsing regexp: missing closing ]: `[])$`"),
        ("[^]", "error parsing regexp: missing closing ]: `[^])$`", "=", "=", "error parsing regexp: missing closing ]: `[^])$`"),
        ("[a-]", "", "=", "=", ""),
        ("[z-a]", "error parsing regexp: invalid character class range: `z-a`", "=", "=", "error parsing regexp: invalid character class range: `z-a`"),
        (r#"[a-\d]"#, r#"error parsing regexp: invalid escape sequence: `\d`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\d`"#),
        (r#"[\x{41}-\x{5A}]"#, "", "=", "=", ""),
        (r#"\x{110000}"#, r#"error parsing regexp: invalid escape sequence: `\x{110000`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\x{110000`"#),
        (r#"\x{}"#, r#"error parsing regexp: invalid escape sequence: `\x{}`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\x{}`"#),
        (r#"\x4"#, r#"error parsing regexp: invalid escape sequence: `\x4)`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\x4)`"#),
        (r#"\xZZ"#, r#"error parsing regexp: invalid escape sequence: `\xZZ`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\xZZ`"#),
        (r#"\é"#, r#"error parsing regexp: invalid escape sequence: `\é`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\é`"#),
        (r#"\_"#, "", "=", "=", ""),
        ("(?x)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?x`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?x`"),
        ("(?i-i)a", "", "=", "=", ""),
        ("(?-)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`"),
        ("(?i-)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`"),
        ("(?<name>a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "=", ""),
        ("(?P<name>a)", "", "=", "=", ""),
        ("(?P<n", "error parsing regexp: invalid named capture: `(?P<n)$`", "=", "=", "error parsing regexp: invalid named capture: `(?P<n)$`"),
        ("(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`", "=", "=", "error parsing regexp: invalid named capture: `(?P<>`"),
        ("(?P<é>a)", "error parsing regexp: invalid named capture: `(?P<é>`", "=", "=", "error parsing regexp: invalid named capture: `(?P<é>`"),
        ("(?P=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?P`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?P`"),
        ("(?'a'x)", "error parsing regexp: invalid or unsupported Perl syntax: `(?'`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?'`"),
        ("(?<=a)b", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "=", "error parsing regexp: invalid named capture: `(?<=a)b)$`"),
        ("(?P<1>a)", "", "=", "=", ""),
        ("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`", "=", "=", "error parsing regexp: invalid repeat count: `{1001}`"),
        ("a{1000}", "", "=", "=", ""),
        ("a{1000,}", "", "=", "=", ""),
        ("a{1001,}", "error parsing regexp: invalid repeat count: `{1001,}`", "=", "=", "error parsing regexp: invalid repeat count: `{1001,}`"),
        ("a{5,3}", "error parsing regexp: invalid repeat count: `{5,3}`", "=", "=", "error parsing regexp: invalid repeat count: `{5,3}`"),
        ("a{,5}", "", "=", "=", ""),
        ("a{01}", "", "=", "=", ""),
        ("a{99999999999}", "error parsing regexp: invalid repeat count: `{99999999999}`", "=", "=", "error parsing regexp: invalid repeat count: `{99999999999}`"),
        ("a{2}{3}", "error parsing regexp: invalid nested repetition operator: `{2}{3}`", "=", "=", "error parsing regexp: invalid nested repetition operator: `{2}{3}`"),
        ("a**", "error parsing regexp: invalid nested repetition operator: `**`", "=", "=", "error parsing regexp: invalid nested repetition operator: `**`"),
        ("a*?*", "error parsing regexp: invalid nested repetition operator: `*?*`", "=", "=", "error parsing regexp: invalid nested repetition operator: `*?*`"),
        ("a+*", "error parsing regexp: invalid nested repetition operator: `+*`", "=", "=", "error parsing regexp: invalid nested repetition operator: `+*`"),
        ("a??", "", "=", "=", ""),
        ("(a{100}){100}", "error parsing regexp: invalid repeat count: `{100}`", "=", "=", "error parsing regexp: invalid repeat count: `{100}`"),
        ("(a{10}){100}", "", "=", "=", ""),
        ("((a{10}){10}){10}", "", "=", "=", ""),
        ("((a{10}){10}){11}", "error parsing regexp: invalid repeat count: `{11}`", "=", "=", "error parsing regexp: invalid repeat count: `{11}`"),
        ("*", "error parsing regexp: missing argument to repetition operator: `*`", "=", "=", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("+a", "error parsing regexp: missing argument to repetition operator: `+`", "=", "=", "error parsing regexp: missing argument to repetition operator: `+`"),
        ("a|*", "error parsing regexp: missing argument to repetition operator: `*`", "=", "=", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("(*)", "error parsing regexp: missing argument to repetition operator: `*`", "=", "=", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("^*", "", "=", "=", ""),
        (r#"\b*"#, "", "=", "=", ""),
        ("|", "", "=", "=", ""),
        ("a||b", "", "=", "=", ""),
        ("()", "", "=", "=", ""),
        ("(?:a{1000}){2}", "error parsing regexp: invalid repeat count: `{2}`", "=", "=", "error parsing regexp: invalid repeat count: `{2}`"),
    ];

    fn message(r: &Result<GoRegex, GoRegexError>) -> String {
        match r {
            Ok(_) => String::new(),
            Err(e) => e.message.clone(),
        }
    }

    #[test]
    fn syntax_matches_go() {
        for &(p, m19, m21, m22, m25) in SYNTAX {
            let same = |m: &'static str| if m == "=" { m25 } else { m };
            let cases = [
                (Go1_19, false, m19),
                (Go1_21, true, same(m21)),
                (Go1_22, true, same(m22)),
                (Go1_25, true, m25),
            ];
            for (v, dot_all, want) in cases {
                let got = message(&GoRegex::new_with(p, dot_all, v));
                assert_eq!(got, want, "pattern {p:?} with {v:?}");
                if let Err(e) = GoRegex::new_with(p, dot_all, v) {
                    assert_eq!(e.kind, GoRegexErrorKind::Syntax, "{p:?}");
                    assert!(e.offset.is_none_or(|o| o <= p.len()), "{p:?}");
                }
            }
        }
    }

    #[test]
    fn error_offsets_point_into_the_pattern() {
        let off = |p: &str| GoRegex::new(p, true).unwrap_err().offset;
        assert_eq!(off("(a"), Some(0));
        assert_eq!(off("x((a)"), Some(1));
        assert_eq!(off("ab)c"), Some(2));
        assert_eq!(off("a{1001}"), Some(1));
        assert_eq!(off("a**"), Some(1));
        assert_eq!(off(r"ab\8"), Some(2));
        assert_eq!(off("[[:foo:]]"), Some(1));
        assert_eq!(off(r"\p{Foo}"), Some(0));
        assert_eq!(off("(?x)"), Some(0));
        assert_eq!(off("x[a"), Some(1));
    }

    #[test]
    fn go_syntax_without_anchoring() {
        assert!(GoRegex::check_go_syntax(")(", Go1_25).is_err());
        assert!(GoRegex::check_go_syntax("(?<n>a)", Go1_19).is_err());
        assert!(GoRegex::check_go_syntax("(?<n>a)", Go1_22).is_ok());
        let e = GoRegex::check_go_syntax("ab)", Go1_25).unwrap_err();
        assert_eq!(e.message, "error parsing regexp: unexpected ): `ab)`");
        assert_eq!(e.offset, Some(2));
    }
}
