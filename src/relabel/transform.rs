//! The value functions of relabeling: the joined source value, and
//! `hashmod`, `lowercase` and `uppercase` as Go computes them.

use md5::{Digest, Md5};

use super::rule::Rule;
use super::LabelBuilder;

/// md5 of the value, its last 8 bytes as a big-endian integer, mod `modulus`.
pub fn hashmod(val: &str, modulus: u64) -> u64 {
    let digest = Md5::digest(val.as_bytes());
    let mut tail = [0u8; 8];
    tail.copy_from_slice(&digest[8..16]);
    u64::from_be_bytes(tail) % modulus.max(1)
}

/// Go's `strings.ToLower`: simple (one-to-one) case mapping per rune.
pub fn go_to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars()
        .map(|c| {
            let mut it = c.to_lowercase();
            match (it.next(), it.next()) {
                (Some(l), None) => l,
                // U+0130 is the only multi-rune lowercase mapping; its simple form is 'i'.
                _ if c == '\u{130}' => 'i',
                _ => c,
            }
        })
        .collect()
}

/// Go's `strings.ToUpper`: simple case mapping per rune (`ß` stays `ß`).
pub fn go_to_upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars()
        .map(|c| {
            let mut it = c.to_uppercase();
            match (it.next(), it.next()) {
                (Some(u), None) => u,
                _ => simple_upper_of_multi(c),
            }
        })
        .collect()
}

/// Simple uppercase mappings of runes whose full mapping has several runes
/// (Greek with ypogegrammeni map to the prosgegrammeni forms).
fn simple_upper_of_multi(c: char) -> char {
    let u = c as u32;
    let mapped = match u {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => u + 8,
        0x1FB3 => 0x1FBC,
        0x1FC3 => 0x1FCC,
        0x1FF3 => 0x1FFC,
        _ => u,
    };
    char::from_u32(mapped).unwrap_or(c)
}

/// Takes `len` bytes from `budget`, or fails with `len`.
fn spend(budget: &mut usize, len: usize) -> Result<(), usize> {
    *budget = budget.checked_sub(len).ok_or(len)?;
    Ok(())
}

/// The source labels' values joined by the separator, taking their length
/// from `budget` (or failing with it).
pub fn source_value(
    rule: &Rule,
    lb: &LabelBuilder<'_>,
    budget: &mut usize,
) -> Result<String, usize> {
    match rule.source_labels.as_slice() {
        [] => Ok(String::new()),
        [one] => {
            let value = lb.get(one);
            spend(budget, value.len())?;
            Ok(value.to_string())
        }
        many => {
            // The joined length first: many copies of a huge label are
            // refused before any is made.
            let len = many
                .iter()
                .map(|name| lb.get(name).len())
                .fold(0usize, usize::saturating_add)
                .saturating_add(rule.separator.len().saturating_mul(many.len() - 1));
            spend(budget, len)?;
            let mut out = String::with_capacity(len);
            for (i, name) in many.iter().enumerate() {
                if i > 0 {
                    out.push_str(&rule.separator);
                }
                out.push_str(lb.get(name));
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashmod_matches_prometheus_vectors() {
        assert_eq!(hashmod("baz", 1000), 976);
        assert_eq!(hashmod("foo\nbar", 1000), 734);
    }

    #[test]
    fn case_mapping_is_simple_like_go() {
        assert_eq!(go_to_upper("straße"), "STRAßE");
        assert_eq!(go_to_lower("İSTANBUL"), "istanbul");
        assert_eq!(go_to_lower("ΟΔΟΣ"), "οδοσ");
    }
}
