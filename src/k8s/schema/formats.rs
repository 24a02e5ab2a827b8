//! The string `format`s the API server checks in custom resources, as Go's
//! parsers read them (`net.ParseIP`, `net.ParseCIDR`, `net.ParseMAC`,
//! `base64.StdEncoding`, `time.Parse("2006-01-02")`). The other formats
//! (`date-time`, `duration`, `hostname`, `email`, `uri`, ...) are not
//! checked: the validator's own readings of them differ from the server's
//! (an ISO 8601 `duration` is not a Go duration), so they accept anything.

use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// Formats the validator knows that are not checked, so it does not check
/// them its own way.
const UNCHECKED: [&str; 15] = [
    "date-time",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "uri",
    "uri-reference",
    "uri-template",
    "iri",
    "iri-reference",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Turns format checking on, with the API server's readings.
pub fn register<'i, R, F: jsonschema::json::Json>(
    options: jsonschema::ValidationOptions<'i, R, F>,
) -> jsonschema::ValidationOptions<'i, R, F> {
    let mut options = options
        .should_validate_formats(true)
        .with_format("ipv4", is_ipv4)
        .with_format("ipv6", is_ipv6)
        .with_format("cidr", is_cidr)
        .with_format("mac", is_mac)
        .with_format("uuid", is_uuid)
        .with_format("byte", is_base64)
        .with_format("date", is_date);
    for name in UNCHECKED {
        options = options.with_format(name, |_: &str| true);
    }
    options
}

/// `net.ParseIP` succeeds and the text has a dot.
fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
        || (s.contains('.') && s.parse::<std::net::Ipv6Addr>().is_ok())
}

/// `net.ParseIP` succeeds and the text has a colon.
fn is_ipv6(s: &str) -> bool {
    s.parse::<std::net::Ipv6Addr>().is_ok()
}

fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    let max = if ip.parse::<std::net::Ipv4Addr>().is_ok() {
        32
    } else if ip.parse::<std::net::Ipv6Addr>().is_ok() {
        128
    } else {
        return false;
    };
    !bits.is_empty()
        && bits.bytes().all(|b| b.is_ascii_digit())
        && bits.parse::<u32>().is_ok_and(|n| n <= max)
}

/// 6, 8 or 20 bytes: `00:00:5e:00:53:01`, `00-00-5e-00-53-01` or
/// `0000.5e00.5301`.
fn is_mac(s: &str) -> bool {
    let hex = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit());
    let bytes = if s.contains('.') {
        let groups: Vec<&str> = s.split('.').collect();
        if !groups.iter().all(|g| hex(g, 4)) {
            return false;
        }
        groups.len() * 2
    } else {
        let sep = if s.contains('-') { '-' } else { ':' };
        let groups: Vec<&str> = s.split(sep).collect();
        if !groups.iter().all(|g| hex(g, 2)) {
            return false;
        }
        groups.len()
    };
    matches!(bytes, 6 | 8 | 20)
}

/// Hexadecimal groups of 8, 4, 4, 4 and 12 digits, the dashes optional.
fn is_uuid(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    if digits.len() != 32 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    if !s.contains('-') {
        return true;
    }
    let groups: Vec<usize> = s.split('-').map(str::len).collect();
    // Each dash optional, in its place only.
    let mut at = 0;
    let mut ends = Vec::new();
    for len in &groups {
        at += len;
        ends.push(at);
    }
    ends.pop();
    ends.iter().all(|e| [8, 12, 16, 20].contains(e))
}

/// Standard base64 with padding; line breaks are ignored, as Go's decoder
/// ignores them.
fn is_base64(s: &str) -> bool {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let text: String = s.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    LENIENT.decode(text).is_ok()
}

/// `YYYY-MM-DD`, a day that exists.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_read_as_go_reads_them() {
        assert!(is_ipv4("192.0.2.1") && is_ipv4("::ffff:192.0.2.1"));
        assert!(!is_ipv4("192.0.2.01") && !is_ipv4("2001:db8::1") && !is_ipv4("10.0.0"));
        assert!(is_ipv6("2001:db8::1") && !is_ipv6("192.0.2.1"));
        assert!(is_cidr("10.0.0.0/8") && is_cidr("2001:db8::/32"));
        assert!(!is_cidr("10.0.0.0/33") && !is_cidr("10.0.0.0") && !is_cidr("10.0.0/8"));
        assert!(is_mac("00:00:5e:00:53:01") && is_mac("00-00-5E-00-53-01"));
        assert!(is_mac("0000.5e00.5301") && is_mac("02:00:5e:10:00:00:00:01"));
        assert!(!is_mac("00:00:5e:00:53") && !is_mac("00:00:5e:00:53:0g"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(is_uuid("123E4567E89B12D3A456426614174000"));
        assert!(
            !is_uuid("123e4567-e89b-12d3-a456-42661417400")
                && !is_uuid("123e45-67e89b-12d3-a456-426614174000")
        );
        assert!(is_base64("aGVsbG8=") && is_base64("aGVs\nbG8=") && is_base64(""));
        assert!(!is_base64("aGVsbG8") && !is_base64("hello!"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-13-01"));
        assert!(!is_date("2024-1-01") && !is_date("24-01-01x"));
    }

    #[test]
    fn checked_formats_fail_others_pass() {
        let v = register(jsonschema::options())
            .build(&json!({"properties": {
                "ip": {"format": "ipv4"}, "when": {"format": "date-time"},
                "d": {"format": "duration"}, "n": {"format": "int32"}}}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(v.is_valid(&json!({"ip": "10.0.0.1", "when": "yesterday", "d": "5m", "n": 1})));
        assert!(!v.is_valid(&json!({"ip": "10.0.0.256"})));
    }
}
