//! The relabel engine: Prometheus's `relabel_configs` semantics, rule by
//! rule, with an optional trace of what each rule changed.

mod builder;
mod engine;
pub mod goregex;
mod rule;

pub use builder::LabelBuilder;
pub use engine::{process, Outcome, Step};
pub use rule::{parse_rules, Action, NameScheme, Rule, RuleContext};

use std::collections::BTreeMap;

/// A label set, sorted by name as Prometheus keeps it.
pub type Labels = BTreeMap<String, String>;

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

/// Legacy label-name rule: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_legacy_label_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
