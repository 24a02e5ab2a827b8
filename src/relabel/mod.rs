//! The relabel engine: Prometheus's `relabel_configs` semantics, rule by
//! rule, with an optional trace of what each rule changed.

mod builder;
mod engine;
pub mod goregex;
mod origin;
mod rule;
mod sorted;
mod transform;
mod why;

pub use builder::LabelBuilder;
pub use engine::{process, Outcome, Step};
pub use origin::{place, Origin};
pub use rule::{parse_rules, parse_rules_each, Action, NameScheme, Rule, RuleContext};
pub use sorted::SortedLabels;
pub use why::Why;

use std::borrow::Cow;
use std::collections::BTreeMap;

/// A label set, sorted by name as Prometheus keeps it.
pub type Labels = BTreeMap<String, String>;

/// A label set from literal pairs, for tests.
#[cfg(test)]
pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Input labels, sorted by name and unique, borrowed from the input text
/// where possible so that large target files are not copied label by label.
pub type LabelPairs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// Owned pairs from a label set.
pub fn to_pairs(labels: Labels) -> LabelPairs<'static> {
    labels
        .into_iter()
        .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
        .collect()
}

/// Looks a name up in sorted pairs.
pub fn pair_get<'p>(pairs: &'p [(Cow<'_, str>, Cow<'_, str>)], name: &str) -> Option<&'p str> {
    pairs
        .binary_search_by(|(n, _)| n.as_ref().cmp(name))
        .ok()
        .map(|i| pairs[i].1.as_ref())
}

/// Sorts pairs by name; for repeated names the last one wins (as when
/// decoding a JSON or YAML object into a map).
pub fn sort_pairs(pairs: &mut LabelPairs<'_>) {
    // Go writes map keys sorted, so file_sd from real tools usually is.
    if pairs.windows(2).all(|w| w[0].0 < w[1].0) {
        return;
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut i = 0;
    while i + 1 < pairs.len() {
        if pairs[i].0 == pairs[i + 1].0 {
            pairs.remove(i);
        } else {
            i += 1;
        }
    }
}

/// Which Prometheus major version's behaviour to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavor {
    /// Prometheus 2.x (as 2.42): `.` stops at newline, legacy label names,
    /// default ports 80/443, the old `replace` deletion quirk.
    V2,
    /// Prometheus 3.x.
    #[default]
    V3,
}

impl Flavor {
    /// A major version as `.kdm.yaml` writes it: `2` or `3`.
    pub fn parse_major(s: &str) -> Option<Flavor> {
        match s {
            "2" => Some(Flavor::V2),
            "3" => Some(Flavor::V3),
            _ => None,
        }
    }

    /// The label-name rule this version applies to names it reads (source
    /// labels, discovered labels): 2.x knew only legacy names.
    pub fn label_scheme(self) -> NameScheme {
        match self {
            Flavor::V2 => NameScheme::Legacy,
            Flavor::V3 => NameScheme::Utf8,
        }
    }
}

/// Legacy label-name rule: `[a-zA-Z_][a-zA-Z0-9_]*`. Every name of a big
/// target file is checked, so each byte is one table lookup, without an
/// early exit (names are almost always valid, and the loop unrolls).
pub fn is_legacy_label_name(s: &str) -> bool {
    const WORD: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric() || c == b'_';
            b += 1;
        }
        table
    };
    match s.as_bytes() {
        [first, rest @ ..] if !first.is_ascii_digit() && WORD[usize::from(*first)] => rest
            .iter()
            .fold(true, |word, &b| word & WORD[usize::from(b)]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn legacy_label_names_are_word_characters_not_led_by_a_digit() {
        let plain = |s: &str| {
            let mut b = s.bytes();
            b.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
                && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
        };
        let mut names: Vec<String> = (0u8..=0x7f).map(|b| char::from(b).to_string()).collect();
        for c in (0u8..=0x7f).map(char::from).chain(['é', '✓']) {
            names.push(format!("__meta_kubernetes_pod_label_{c}_x"));
            names.push(format!("a{c}"));
        }
        names.extend(["", "_", "9a", "a9", "job", "ünï", "a b", "a.b"].map(String::from));
        for n in &names {
            assert_eq!(super::is_legacy_label_name(n), plain(n), "{n:?}");
        }
    }
}
