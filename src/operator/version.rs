//! Prometheus versions as the operator reads `spec.version`
//! (`semver.ParseTolerant`: a leading `v`, missing minor or patch).

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Pre-release identifiers (`rc.0`); a pre-release sorts before its
    /// release.
    pub pre: Vec<String>,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let (core, pre) = match t.split_once('-') {
            Some((c, p)) => (c, p.split('+').next().unwrap_or("")),
            None => (t.split('+').next().unwrap_or(t), ""),
        };
        let mut parts = core.split('.');
        let mut num = |required: bool| -> Option<u64> {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok(),
                None if !required => Some(0),
                _ => None,
            }
        };
        let major = num(true)?;
        let minor = num(false)?;
        let patch = num(false)?;
        if parts.next().is_some() {
            return None;
        }
        let pre = if pre.is_empty() {
            Vec::new()
        } else {
            pre.split('.').map(str::to_string).collect()
        };
        Some(Version {
            major,
            minor,
            patch,
            pre,
        })
    }

    /// For versions written in kdm's own code.
    pub fn of(text: &str) -> Version {
        Version::parse(text).unwrap_or(Version {
            major: 0,
            minor: 0,
            patch: 0,
            pre: Vec::new(),
        })
    }

    pub fn at_least(&self, text: &str) -> bool {
        *self >= Version::of(text)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_pre(&self.pre, &other.pre),
            })
    }
}

fn compare_pre(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_parsing_and_order() {
        assert_eq!(Version::of("v2.45").patch, 0);
        assert!(Version::of("v3.0.0-rc.0") < Version::of("3.0.0"));
        assert!(Version::of("v2.55.1") < Version::of("v3.0.0-rc.0"));
        assert!(Version::of("v2.9.0").at_least("2.9.0"));
        assert!(!Version::of("v2.8.9").at_least("2.9.0"));
        assert!(Version::parse("latest").is_none());
        assert!(Version::parse("1.2.3.4").is_none());
    }
}
