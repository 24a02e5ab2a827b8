//! Go's parse-tree size, height and rune limits (`checkLimits` and friends).

use super::parse::{Code, PErr, Parser, MAX_HEIGHT, MAX_RUNES, MAX_SIZE};
use super::regexp::*;
use std::collections::HashMap;

impl Parser<'_> {
    pub(super) fn check_limits(&mut self, id: usize) -> Result<(), PErr> {
        if self.num_runes > MAX_RUNES {
            return Err(self.whole_err(Code::Large));
        }
        self.check_size(id)?;
        self.check_height(id)
    }

    fn check_size(&mut self, id: usize) -> Result<(), PErr> {
        if self.size.is_none() {
            // Only start tracking once nodes times repeats could exceed the budget.
            if self.repeats == 0 {
                self.repeats = 1;
            }
            let n = &self.nodes[id];
            if n.op == OP_REPEAT {
                let mut m = n.max;
                if m == -1 {
                    m = n.min;
                }
                if m <= 0 {
                    m = 1;
                }
                if i64::from(m) > MAX_SIZE / self.repeats {
                    self.repeats = MAX_SIZE;
                } else {
                    self.repeats *= i64::from(m);
                }
            }
            if (self.nodes.len() as i64) < MAX_SIZE / self.repeats {
                return Ok(());
            }
            self.size = Some(HashMap::new());
            for i in 0..self.stack.len() {
                let s = self.stack[i];
                self.check_size(s)?;
            }
        }
        if self.calc_size(id, true) > MAX_SIZE {
            return Err(self.whole_err(Code::Large));
        }
        Ok(())
    }

    fn calc_size(&mut self, id: usize, force: bool) -> i64 {
        if !force {
            if let Some(&s) = self.size.as_ref().and_then(|m| m.get(&id)) {
                return s;
            }
        }
        let op = self.nodes[id].op;
        let mut size: i64 = 0;
        match op {
            OP_LITERAL => size = self.nodes[id].rune.len() as i64,
            OP_CAPTURE | OP_STAR => size = 2 + self.calc_sub_size(id, 0),
            OP_PLUS | OP_QUEST => size = 1 + self.calc_sub_size(id, 0),
            OP_CONCAT | OP_ALTERNATE => {
                let n = self.nodes[id].sub.len();
                for i in 0..n {
                    size += self.calc_sub_size(id, i);
                }
                if op == OP_ALTERNATE && n > 1 {
                    size += n as i64 - 1;
                }
            }
            OP_REPEAT => {
                let sub = self.calc_sub_size(id, 0);
                let (min, max) = (i64::from(self.nodes[id].min), i64::from(self.nodes[id].max));
                size = if max == -1 {
                    if min == 0 {
                        2 + sub
                    } else {
                        1 + min * sub
                    }
                } else {
                    max * sub + (max - min)
                };
            }
            _ => {}
        }
        let size = size.max(1);
        if let Some(m) = &mut self.size {
            m.insert(id, size);
        }
        size
    }

    fn calc_sub_size(&mut self, id: usize, i: usize) -> i64 {
        match self.nodes[id].sub.get(i) {
            Some(&s) => self.calc_size(s, false),
            None => 0,
        }
    }

    fn check_height(&mut self, id: usize) -> Result<(), PErr> {
        if (self.nodes.len() as i32) < MAX_HEIGHT {
            return Ok(());
        }
        if self.height.is_none() {
            self.height = Some(HashMap::new());
            for i in 0..self.stack.len() {
                let s = self.stack[i];
                self.check_height(s)?;
            }
        }
        if self.calc_height(id, true) > MAX_HEIGHT {
            return Err(self.whole_err(Code::NestingDepth));
        }
        Ok(())
    }

    fn calc_height(&mut self, id: usize, force: bool) -> i32 {
        if !force {
            if let Some(&h) = self.height.as_ref().and_then(|m| m.get(&id)) {
                return h;
            }
        }
        let mut h = 1;
        for i in 0..self.nodes[id].sub.len() {
            let s = self.nodes[id].sub[i];
            h = h.max(1 + self.calc_height(s, false));
        }
        if let Some(m) = &mut self.height {
            m.insert(id, h);
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::indexes;
    use super::super::{GoRegex, GoVersion::*};

    #[test]
    fn size_and_depth_limits_match_go() {
        let nested = |n: usize| "(".repeat(n) + "a" + &")".repeat(n);
        // The wrapper adds two levels to Go's parse tree.
        let re = GoRegex::new(&nested(998), true).unwrap();
        let want = vec!["0:1"; 999].join(":");
        assert_eq!(indexes(&re, "a"), want);
        assert_eq!(re.num_subexp(), 998);
        for n in [999, 1000, 20_000] {
            let e = GoRegex::new(&nested(n), true).unwrap_err();
            assert!(e
                .message
                .starts_with("error parsing regexp: expression nests too deeply: `^(?s:((("));
        }
        // Non-capturing groups leave no node behind, so any depth is fine.
        let p = "(?:".repeat(10_000) + "a" + &")".repeat(10_000);
        assert!(GoRegex::new(&p, true).unwrap().is_match("a"));
        let e = GoRegex::new(&"(".repeat(100_000), true).unwrap_err();
        assert!(e
            .message
            .starts_with("error parsing regexp: missing closing ): `^(?s:((("));
        assert_eq!(e.offset, Some(99_999));
        // Rune and program size budgets; Go 1.19 reported these as internal errors.
        let p = r"\pL".repeat(26_000);
        assert!(GoRegex::new_with(&p, true, Go1_25)
            .unwrap_err()
            .message
            .starts_with("error parsing regexp: expression too large: `^(?s:\\pL"));
        let p = ".{1000}".repeat(3400);
        let e = GoRegex::new(&p, false).unwrap_err();
        assert!(e
            .message
            .starts_with("error parsing regexp: regexp/syntax: internal error: `^(?:.{1000}"));
        let e = GoRegex::new(&p, true).unwrap_err();
        assert!(e
            .message
            .starts_with("error parsing regexp: expression too large: `^(?s:.{1000}"));
        let lit = "a".repeat(100_000);
        assert!(GoRegex::new(&lit, true).unwrap().is_match(&lit));
    }
}
