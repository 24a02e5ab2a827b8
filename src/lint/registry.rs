//! The one list of lint rules.

use super::rules;
use super::Rule;

/// The rule groups, in `--list-rules` order, each with its heading in the
/// README's rule table.
pub const GROUPS: &[(&str, &[&dyn Rule])] = &[
    ("selectors", rules::selectors::RULES),
    ("labels and annotations", rules::labels::RULES),
    ("hostPath and volumes", rules::volumes::RULES),
    ("pod hygiene", rules::pods::RULES),
    ("hardening", rules::hardening::RULES),
    ("RBAC", rules::rbac::RULES),
    ("schema and API validity", rules::schema::RULES),
    ("Prometheus configs", rules::prometheus::RULES),
    ("scrape coverage", rules::coverage::RULES),
    ("prometheus-operator", rules::operator::RULES),
    ("suppressions", rules::suppressions::RULES),
];

/// Every rule, in `--list-rules` order.
pub fn all() -> Vec<&'static dyn Rule> {
    GROUPS
        .iter()
        .flat_map(|(_, rules)| rules.iter().copied())
        .collect()
}

/// The README's rule table: group, rule, default severity and summary of
/// every rule, as Markdown (a test holds the README to it).
pub fn markdown_table() -> String {
    let mut out = String::from("| group | rule | severity | finds |\n|---|---|---|---|\n");
    for (group, rules) in GROUPS {
        for r in *rules {
            let m = r.meta();
            out.push_str(&format!(
                "| {group} | `{}` | {} | {} |\n",
                m.id,
                m.severity.as_str(),
                m.summary.replace('|', "\\|")
            ));
        }
    }
    out
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().id == id)
}

/// The help for an id that names no rule: the closest rule id, when one is
/// close, and where the ids are listed.
pub fn unknown_rule_help(id: &str) -> String {
    crate::suggest::unknown_rule_help(id, all().iter().map(|r| r.meta().id))
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
