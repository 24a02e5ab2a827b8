//! The parser's single tokens: repeat counts, `(?flags)` groups and escapes.

use super::parse::{perr, Code, PErr, Parser};
use super::regexp::*;

impl Parser<'_> {
    /// `{min}`, `{min,}` or `{min,max}`; min is -1 when a number is too big.
    pub(super) fn parse_repeat(&self, t: usize) -> Option<(i32, i32, usize)> {
        let b = self.b;
        if b.get(t) != Some(&b'{') {
            return None;
        }
        let (mut min, mut p) = self.parse_int(t + 1)?;
        let max;
        if p >= b.len() {
            return None;
        }
        if b[p] != b',' {
            max = min;
        } else {
            p += 1;
            if p >= b.len() {
                return None;
            }
            if b[p] == b'}' {
                max = -1;
            } else {
                let (m, np) = self.parse_int(p)?;
                p = np;
                max = m;
                if max < 0 {
                    min = -1;
                }
            }
        }
        if b.get(p) != Some(&b'}') {
            return None;
        }
        Some((min, max, p + 1))
    }

    /// A decimal integer without leading zeros; -1 when it is too big.
    fn parse_int(&self, t: usize) -> Option<(i32, usize)> {
        let b = self.b;
        let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        if !d(t) {
            return None;
        }
        if b[t] == b'0' && d(t + 1) {
            return None;
        }
        let mut p = t;
        while d(p) {
            p += 1;
        }
        let mut n: i32 = 0;
        for &c in &b[t..p] {
            if n >= 100_000_000 {
                n = -1;
                break;
            }
            n = n * 10 + i32::from(c - b'0');
        }
        Some((n, p))
    }

    pub(super) fn parse_perl_flags(&mut self, t: usize) -> Result<usize, PErr> {
        let b = self.b;
        let len = b.len() - t;
        let starts_with_p = len > 4 && b[t + 2] == b'P' && b[t + 3] == b'<';
        let starts_with_name = self.version.angle_named_groups() && len > 3 && b[t + 2] == b'<';
        if starts_with_p || starts_with_name {
            let expr_start = if starts_with_name { 3 } else { 4 };
            let rest = self.s.get(t..).unwrap_or("");
            let Some(end) = rest.find('>') else {
                return Err(perr(Code::InvalidNamedCapture, t, b.len()));
            };
            let name = rest.get(expr_start..end).unwrap_or("");
            if !is_valid_capture_name(name) {
                return Err(perr(Code::InvalidNamedCapture, t, t + end + 1));
            }
            self.num_cap += 1;
            let id = self.op(OP_LEFT_PAREN)?;
            let node = &mut self.nodes[id];
            node.cap = self.num_cap;
            node.name = name.to_string();
            node.src = t;
            return Ok(t + end + 1);
        }

        // Non-capturing group, possibly with flag changes.
        let mut p = t + 2;
        let mut flags = self.flags;
        let mut sign = 1;
        let mut saw_flag = false;
        while p < b.len() {
            let (c, np) = self.next_rune(p);
            p = np;
            match char::from_u32(c as u32).unwrap_or('\u{FFFD}') {
                'i' => {
                    flags |= FOLD_CASE;
                    saw_flag = true;
                }
                'm' => {
                    flags &= !ONE_LINE;
                    saw_flag = true;
                }
                's' => {
                    flags |= DOT_NL;
                    saw_flag = true;
                }
                'U' => {
                    flags |= NON_GREEDY;
                    saw_flag = true;
                }
                '-' => {
                    if sign < 0 {
                        break;
                    }
                    sign = -1;
                    // Invert so that the |= above clear flags; undone below.
                    flags = !flags;
                    saw_flag = false;
                }
                c @ (':' | ')') => {
                    if sign < 0 {
                        if !saw_flag {
                            break;
                        }
                        flags = !flags;
                    }
                    if c == ':' {
                        let id = self.op(OP_LEFT_PAREN)?;
                        self.nodes[id].src = t;
                    }
                    self.flags = flags;
                    return Ok(p);
                }
                _ => break,
            }
        }
        Err(perr(Code::InvalidPerlOp, t, p))
    }

    pub(super) fn parse_escape(&self, s: usize) -> Result<(Rune, usize), PErr> {
        let b = self.b;
        let mut t = s + 1;
        if t >= b.len() {
            return Err(PErr {
                code: Code::TrailingBackslash,
                expr: (b.len(), b.len()),
                at: s,
            });
        }
        let (c, nt) = self.next_rune(t);
        t = nt;
        let octal = |i: usize| b.get(i).is_some_and(|c| (b'0'..=b'7').contains(c));
        match c {
            // A single non-zero digit would be a backreference: not supported.
            0x31..=0x37 if !octal(t) => {}
            0x30..=0x37 => {
                let mut r = c - '0' as Rune;
                for _ in 1..3 {
                    if !octal(t) {
                        break;
                    }
                    r = r * 8 + Rune::from(b[t] - b'0');
                    t += 1;
                }
                return Ok((r, t));
            }
            // \x: two hex digits, or any number in braces.
            0x78 if t < b.len() => {
                let (c, nt) = self.next_rune(t);
                t = nt;
                if c == '{' as Rune {
                    // Any number of hex digits in braces, at least one.
                    let mut nhex = 0;
                    let mut r: Rune = 0;
                    loop {
                        if t >= b.len() {
                            return Err(perr(Code::InvalidEscape, s, t));
                        }
                        let (c, nt) = self.next_rune(t);
                        t = nt;
                        if c == '}' as Rune {
                            break;
                        }
                        let v = unhex(c);
                        if v < 0 {
                            return Err(perr(Code::InvalidEscape, s, t));
                        }
                        r = r * 16 + v;
                        if r > MAX_RUNE {
                            return Err(perr(Code::InvalidEscape, s, t));
                        }
                        nhex += 1;
                    }
                    if nhex == 0 {
                        return Err(perr(Code::InvalidEscape, s, t));
                    }
                    return Ok((r, t));
                }
                // Exactly two hex digits.
                let x = unhex(c);
                let (c, nt) = self.next_rune(t);
                t = nt;
                let y = unhex(c);
                if x >= 0 && y >= 0 {
                    return Ok((x * 16 + y, t));
                }
            }
            0x61 => return Ok((7, t)),
            0x66 => return Ok((0x0C, t)),
            0x6E => return Ok((0x0A, t)),
            0x72 => return Ok((0x0D, t)),
            0x74 => return Ok((0x09, t)),
            0x76 => return Ok((0x0B, t)),
            // Escaped ASCII punctuation is always itself; letters and digits
            // are reserved.
            c if c < 0x80 && !is_alnum(c) => return Ok((c, t)),
            _ => {}
        }
        Err(perr(Code::InvalidEscape, s, t))
    }
}

fn is_valid_capture_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric())
}

fn is_alnum(c: Rune) -> bool {
    u8::try_from(c).is_ok_and(|c| c.is_ascii_alphanumeric())
}

fn unhex(c: Rune) -> Rune {
    match u8::try_from(c) {
        Ok(c @ b'0'..=b'9') => Rune::from(c - b'0'),
        Ok(c @ b'a'..=b'f') => Rune::from(c - b'a' + 10),
        Ok(c @ b'A'..=b'F') => Rune::from(c - b'A' + 10),
        _ => -1,
    }
}
