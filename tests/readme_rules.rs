//! The README's rule table is generated from the rule registry: it lists
//! every rule with its default severity and summary, and nothing else.
//! Regenerate with `KDM_BLESS=1 cargo test --test readme_rules`.

use kdm::lint::registry;

const BEGIN: &str = "<!-- rules:begin";
const END: &str = "<!-- rules:end -->";

fn generated() -> String {
    format!(
        "The {} rules (`kdm lint --list-rules`; `--explain ID` prints what each one\n\
         checks, why it matters, and an example and its fix):\n\n{}",
        registry::all().len(),
        registry::markdown_table()
    )
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("read README.md");
    let start = readme.find(BEGIN).expect("README has a rules:begin marker");
    let body = start + readme[start..].find('\n').expect("marker line ends") + 1;
    let end = body
        + readme[body..]
            .find(END)
            .expect("README has a rules:end marker");
    let want = generated();
    if readme[body..end] == want {
        return;
    }
    if std::env::var_os("KDM_BLESS").is_some() {
        let updated = format!("{}{want}{}", &readme[..body], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    panic!(
        "the README's rule table differs from the registry; run `KDM_BLESS=1 cargo test --test readme_rules`\n--- README\n{}\n--- registry\n{want}",
        &readme[body..end]
    );
}

#[test]
fn every_rule_is_in_the_table_once() {
    let table = registry::markdown_table();
    for r in registry::all() {
        let cell = format!("| `{}` |", r.meta().id);
        assert_eq!(table.matches(&cell).count(), 1, "{}", r.meta().id);
    }
}
