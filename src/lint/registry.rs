//! The one list of lint rules.

use super::rules;
use super::Rule;

/// Every rule, in `--list-rules` order.
pub fn all() -> Vec<&'static dyn Rule> {
    let mut v: Vec<&'static dyn Rule> = Vec::new();
    v.extend_from_slice(rules::selectors::RULES);
    v.extend_from_slice(rules::labels::RULES);
    v.extend_from_slice(rules::volumes::RULES);
    v.extend_from_slice(rules::pods::RULES);
    v.extend_from_slice(rules::schema::RULES);
    v.extend_from_slice(rules::prometheus::RULES);
    v.extend_from_slice(rules::coverage::RULES);
    v.extend_from_slice(rules::operator::RULES);
    v
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().id == id)
}

/// The help for an id that names no rule: the closest rule id, when one is
/// close, and where the ids are listed.
pub fn unknown_rule_help(id: &str) -> String {
    const LIST: &str = "`kdm lint --list-rules` lists the rules";
    let rules = all();
    match crate::suggest::closest(id, rules.iter().map(|r| r.meta().id)) {
        Some(best) => format!("{} {LIST}", crate::suggest::did_you_mean(best)),
        None => LIST.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let rules = all();
        let mut seen = std::collections::HashSet::new();
        for r in &rules {
            let m = r.meta();
            assert!(seen.insert(m.id), "duplicate rule id {}", m.id);
            assert!(
                m.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                m.id
            );
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(m.explain.contains(section), "{} lacks {section}", m.id);
            }
            assert!(!m.summary.is_empty());
        }
    }

    #[test]
    fn unknown_ids_get_the_closest_rule() {
        assert_eq!(
            unknown_rule_help("host-path-writeable"),
            "did you mean `host-path-writable`? `kdm lint --list-rules` lists the rules"
        );
        assert_eq!(
            unknown_rule_help("no-such-rule"),
            "`kdm lint --list-rules` lists the rules"
        );
    }
}
