//! Go's range arithmetic on flat `[lo, hi, lo, hi, ...]` rune lists: the
//! class operations shared by the parser, the Unicode tables and the
//! emitter, kept apart from parsing so that those depend on it, not on
//! each other.

use super::regexp::*;

/// Sort ranges and merge overlapping or abutting ones.
pub(super) fn clean_class(r: Vec<Rune>) -> Vec<Rune> {
    let mut pairs: Vec<(Rune, Rune)> = r.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<Rune> = Vec::with_capacity(r.len());
    for (lo, hi) in pairs {
        let n = out.len();
        if n >= 2 && lo <= out[n - 1] + 1 {
            if hi > out[n - 1] {
                out[n - 1] = hi;
            }
            continue;
        }
        out.push(lo);
        out.push(hi);
    }
    out
}

/// Go's `appendRange`: extends the last or next-to-last range when possible.
pub(super) fn append_range(mut r: Vec<Rune>, lo: Rune, hi: Rune) -> Vec<Rune> {
    let n = r.len();
    for i in [2, 4] {
        if n >= i {
            let (rlo, rhi) = (r[n - i], r[n - i + 1]);
            if lo <= rhi + 1 && rlo <= hi + 1 {
                if lo < rlo {
                    r[n - i] = lo;
                }
                if hi > rhi {
                    r[n - i + 1] = hi;
                }
                return r;
            }
        }
    }
    r.push(lo);
    r.push(hi);
    r
}

pub(super) fn append_class(mut r: Vec<Rune>, x: &[Rune]) -> Vec<Rune> {
    for p in x.chunks_exact(2) {
        r = append_range(r, p[0], p[1]);
    }
    r
}

pub(super) fn append_negated_class(mut r: Vec<Rune>, x: &[Rune]) -> Vec<Rune> {
    let mut next_lo = 0;
    for p in x.chunks_exact(2) {
        if next_lo < p[0] {
            r = append_range(r, next_lo, p[0] - 1);
        }
        next_lo = p[1] + 1;
    }
    if next_lo <= MAX_RUNE {
        r = append_range(r, next_lo, MAX_RUNE);
    }
    r
}

pub(super) fn negate_class(r: Vec<Rune>) -> Vec<Rune> {
    append_negated_class(Vec::with_capacity(r.len() + 2), &r)
}

pub(super) fn in_class(class: &[Rune], r: Rune) -> bool {
    let (mut lo, mut hi) = (0, class.len() / 2);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if class[2 * mid + 1] < r {
            lo = mid + 1;
        } else if class[2 * mid] > r {
            hi = mid;
        } else {
            return true;
        }
    }
    false
}
