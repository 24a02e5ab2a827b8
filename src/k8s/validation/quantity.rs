//! `resource.Quantity` as apimachinery parses it: a signed decimal number
//! and one suffix — binary (`Ki` … `Ei`), decimal (`n u m "" k M G T P E`) or
//! a decimal exponent (`e3`, `E-2`). `1Gb`, `1K`, `1 Gi` and `1.5.0` are not
//! quantities.

use crate::yaml::{Node, Resolved};

/// The API server's message for a string that is not a quantity.
pub const SYNTAX: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// The value of a quantity string, or `None` when it is not one. Values are
/// compared as floats: fine for "request above limit", where only a gap of
/// at least one unit of the smaller suffix matters.
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let num_start = i;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let number: f64 = s[num_start..i].parse().ok()?;
    let scale = suffix(&s[i..])?;
    let v = number * scale;
    Some(if negative { -v } else { v })
}

/// A string that [`parse`] refuses.
#[derive(Debug)]
pub struct NotAQuantity;

/// The multiplier a suffix stands for.
fn suffix(s: &str) -> Option<f64> {
    let v = match s {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let exp = s.strip_prefix(['e', 'E'])?;
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let e: i32 = exp.parse().ok()?;
            10f64.powi(e)
        }
    };
    Some(v)
}

/// A quantity field's value: a string is parsed, a YAML number is taken as
/// the JSON number the API server decodes. `Err` for a string that is not a
/// quantity; `Ok(None)` for other types (the schema reports them).
pub fn of(node: &Node) -> Result<Option<f64>, NotAQuantity> {
    match node.resolve() {
        Some(Resolved::Int(i)) => Ok(Some(i as f64)),
        Some(Resolved::UInt(u)) => Ok(Some(u as f64)),
        Some(Resolved::Float(f)) if f.is_finite() => Ok(Some(f)),
        Some(Resolved::Str) => node.as_str().and_then(parse).map(Some).ok_or(NotAQuantity),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    /// Cases from apimachinery's `TestQuantityParse` and friends.
    #[test]
    fn syntax() {
        for ok in [
            "0", "1", "1Gi", "1.5Gi", "500m", "0.5", ".5", "5.", "1e3", "1E3", "1e-3", "1E",
            "100Mi", "+1", "-1", "64M", "2k", "1n", "1u", "1Ei", "1.0Ki",
        ] {
            assert!(parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "", "1Gb", "1K", "1 Gi", " 1", "1.5.0", "Gi", ".", "1gi", "1mi", "1e", "1e+", "1i",
            "1KiB", "one", "1,5", "--1", "1Gi ",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert_eq!(parse("1Gi"), Some(1073741824.0));
        assert_eq!(parse("500m"), Some(0.5));
    }
}
