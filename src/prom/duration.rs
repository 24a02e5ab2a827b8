//! Prometheus durations (`model.Duration`): `1m30s`, `5m`, `0`.

use crate::relabel::Flavor;

const MS: u64 = 1;
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", MS),
];

/// Parses a duration into milliseconds, with the error text of the given
/// Prometheus version.
pub fn parse(s: &str, flavor: Flavor) -> Result<u64, String> {
    match s {
        "0" => return Ok(0),
        "" => return Err("empty duration string".into()),
        _ => {}
    }
    let invalid = || format!("not a valid duration string: {s:?}");
    let mut rest = s;
    let mut total: u64 = 0;
    let mut last_pos = 0usize;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid());
        }
        let value: u64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| !b.is_ascii_digit()).count();
        if unit_len == 0 {
            return Err(invalid());
        }
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let Some(pos) = UNITS.iter().position(|(u, _)| *u == unit) else {
            return Err(match flavor {
                Flavor::V3 => format!("unknown unit {unit:?} in duration {s:?}"),
                Flavor::V2 => invalid(),
            });
        };
        if pos < last_pos {
            return Err(invalid());
        }
        last_pos = pos + 1;
        let mult = UNITS[pos].1;
        // time.Duration is int64 nanoseconds.
        let max_ms = (i64::MAX as u64) / 1_000_000;
        let add = value
            .checked_mul(mult)
            .filter(|v| *v <= max_ms)
            .ok_or_else(|| "duration out of range".to_string())?;
        total = total
            .checked_add(add)
            .filter(|v| *v <= max_ms)
            .ok_or_else(|| "duration out of range".to_string())?;
    }
    Ok(total)
}

/// `model.Duration.String()`: years and weeks only when exact.
pub fn format(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut rest = ms;
    let mut out = String::new();
    for (i, (unit, mult)) in UNITS.iter().enumerate() {
        if i < 2 && !rest.is_multiple_of(*mult) {
            continue;
        }
        let v = rest / mult;
        if v > 0 {
            out.push_str(&format!("{v}{unit}"));
            rest -= v * mult;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format_round_trip() {
        assert_eq!(parse("90s", Flavor::V3), Ok(90_000));
        assert_eq!(format(90_000), "1m30s");
        assert_eq!(format(0), "0s");
        assert_eq!(format(14 * 24 * 3_600_000), "2w");
        assert_eq!(format(15 * 24 * 3_600_000), "15d");
        assert_eq!(parse("1h30m", Flavor::V3), Ok(5_400_000));
        assert_eq!(parse("0", Flavor::V3), Ok(0));
        assert_eq!(parse("500ms", Flavor::V3), Ok(500));
    }

    #[test]
    fn errors_match_each_version() {
        assert_eq!(
            parse("2notseconds", Flavor::V3).unwrap_err(),
            r#"unknown unit "notseconds" in duration "2notseconds""#
        );
        assert_eq!(
            parse("2notseconds", Flavor::V2).unwrap_err(),
            r#"not a valid duration string: "2notseconds""#
        );
        assert!(parse("1m1h", Flavor::V3).is_err());
        assert!(parse("", Flavor::V3).is_err());
        assert!(parse("-1s", Flavor::V3).is_err());
        assert_eq!(
            parse("999999999y", Flavor::V3).unwrap_err(),
            "duration out of range"
        );
    }
}
