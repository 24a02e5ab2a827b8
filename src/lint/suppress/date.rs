//! Calendar dates for suppressions' `until=YYYY-MM-DD`: parsed strictly and
//! compared with today's date in UTC, from the system clock (no time zone
//! database: a suppression ends at a day's start in UTC).

use std::fmt;

/// A proleptic Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYYY-MM-DD`, a day that exists (`2027-02-29` does not).
    pub fn parse(text: &str) -> Result<Date, String> {
        let invalid = || format!("{text:?} is not a date: write YYYY-MM-DD, e.g. 2027-03-31");
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
            return Err(invalid());
        }
        if !digits(5..7) || !digits(8..10) {
            return Err(invalid());
        }
        let year: i32 = text[0..4].parse().map_err(|_| invalid())?;
        let month: u32 = text[5..7].parse().map_err(|_| invalid())?;
        let day: u32 = text[8..10].parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("{text:?} is not a day of the calendar"));
        }
        Ok(Date { year, month, day })
    }

    /// Today in UTC.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_days_only() {
        assert_eq!(
            Date::parse("2027-03-31"),
            Ok(Date {
                year: 2027,
                month: 3,
                day: 31
            })
        );
        assert!(Date::parse("2028-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
        for bad in [
            "2027-02-29",
            "1900-02-29",
            "2027-04-31",
            "2027-13-01",
            "2027-00-10",
            "2027-1-1",
            "27-03-31",
            "2027/03/31",
            "2027-03-31T00:00",
            "+027-03-31",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn days_since_the_epoch() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_days(20_820).to_string(), "2027-01-02");
        // Every day for 400 years round-trips through its text.
        let mut previous = Date::from_days(-1);
        for days in 0..146_097 {
            let d = Date::from_days(days);
            assert!(d > previous, "{d}");
            assert_eq!(Date::parse(&d.to_string()), Ok(d));
            previous = d;
        }
    }
}
