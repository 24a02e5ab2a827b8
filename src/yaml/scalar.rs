//! Scalar resolution in the go-yaml v2 (YAML 1.1) dialect: `yes`/`on` are
//! booleans, `0755` is octal, `1_000` is an integer. Prometheus and
//! Kubernetes both read YAML this way, so kdm must too.

use super::Style;

#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` (go-yaml falls back to `ParseUint`).
    UInt(u64),
    Float(f64),
    Str,
}

pub(super) fn resolve(text: &str, style: Style, tag: Option<&str>) -> Resolved {
    match tag {
        Some("tag:yaml.org,2002:str") | Some("!!str") => return Resolved::Str,
        Some("tag:yaml.org,2002:null") | Some("!!null") => return Resolved::Null,
        _ => {}
    }
    if style != Style::Plain {
        return Resolved::Str;
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Resolved::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Resolved::Str;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Resolved::Int(i);
    }
    if let Some(u) = parse_go_uint(&plain) {
        return Resolved::UInt(u);
    }
    if is_yaml_float(text) {
        if let Ok(f) = plain.parse::<f64>() {
            return Resolved::Float(f);
        }
    }
    Resolved::Str
}

/// `strconv.ParseInt(s, 0, 64)` plus go-yaml's `0b` handling.
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(r) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, r)
    } else if let Some(r) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, r)
    } else if let Some(r) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, r)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if neg { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

fn parse_go_uint(s: &str) -> Option<u64> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return u64::from_str_radix(&digits[1..], 8).ok();
    }
    digits.parse().ok()
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Resolved {
        resolve(s, Style::Plain, None)
    }

    #[test]
    fn yaml11_dialect() {
        assert_eq!(plain("yes"), Resolved::Bool(true));
        assert_eq!(plain("Off"), Resolved::Bool(false));
        assert_eq!(plain("~"), Resolved::Null);
        assert_eq!(plain(""), Resolved::Null);
        assert_eq!(plain("0755"), Resolved::Int(493));
        assert_eq!(plain("1_000"), Resolved::Int(1000));
        assert_eq!(plain("0x1F"), Resolved::Int(31));
        assert_eq!(plain("-12"), Resolved::Int(-12));
        assert_eq!(plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(plain("9100"), Resolved::Int(9100));
        assert_eq!(plain("1.2.3.4"), Resolved::Str);
        assert_eq!(plain("30s"), Resolved::Str);
        assert_eq!(plain("-"), Resolved::Str);
        assert_eq!(resolve("yes", Style::Quoted, None), Resolved::Str);
        assert_eq!(resolve("12", Style::Plain, Some("!!str")), Resolved::Str);
    }
}
