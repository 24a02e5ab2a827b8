//! Every lint rule has `testdata/lint/<rule-id>/bad.*` (each expected finding
//! marked on its line with `# expect: <rule-id>`) and `good.*` (no finding of
//! that rule), and a snapshot of its human and JSON output on the bad file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kdm::lint::config::LintConfig;
use kdm::lint::registry;
use kdm::lint::report;
use kdm::lint::runner::{run, LintOptions, LintResult};

fn lint(path: &str) -> LintResult {
    let r = run(&LintOptions {
        paths: vec![path.to_string()],
        force_prometheus: false,
        kubernetes_version: kdm::k8s::schema::DEFAULT_VERSION.to_string(),
        config: LintConfig::default(),
    });
    assert!(
        r.errors.is_empty(),
        "{path}: {:?}",
        r.errors
            .iter()
            .map(|e| e.message().to_string())
            .collect::<Vec<_>>()
    );
    r
}

fn fixture(dir: &Path, stem: &str) -> Option<String> {
    ["yaml", "yml", "json"].iter().find_map(|ext| {
        let p: PathBuf = dir.join(format!("{stem}.{ext}"));
        p.is_file().then(|| {
            format!(
                "testdata/lint/{}/{stem}.{ext}",
                dir.file_name().unwrap_or_default().to_string_lossy()
            )
        })
    })
}

/// Lines (1-based) carrying `# expect: <id>` (a comma-separated list is allowed).
fn expected_lines(text: &str, id: &str) -> BTreeSet<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.split("# expect:")
                .nth(1)
                .is_some_and(|ids| ids.split(',').any(|x| x.trim() == id))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn every_rule_has_fixtures_and_findings_match_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint");
    let mut problems = Vec::new();
    for rule in registry::all() {
        let id = rule.meta().id;
        let dir = root.join(id);
        let (Some(bad), Some(good)) = (fixture(&dir, "bad"), fixture(&dir, "good")) else {
            problems.push(format!("{id}: missing testdata/lint/{id}/bad.* or good.*"));
            continue;
        };
        let result = lint(&bad);
        let text = std::fs::read_to_string(&bad).unwrap_or_default();
        let want = expected_lines(&text, id);
        let got: BTreeSet<usize> = result
            .findings
            .iter()
            .filter(|f| f.rule == id)
            .map(|f| result.files[f.file].source.line_col(f.span.start).0)
            .collect();
        if want.is_empty() {
            problems.push(format!("{bad}: no `# expect: {id}` markers"));
        }
        if want != got {
            problems.push(format!(
                "{bad}: expected {id} on lines {want:?}, found on {got:?}"
            ));
        }
        let good_result = lint(&good);
        let false_positives: Vec<usize> = good_result
            .findings
            .iter()
            .filter(|f| f.rule == id)
            .map(|f| good_result.files[f.file].source.line_col(f.span.start).0)
            .collect();
        if !false_positives.is_empty() {
            problems.push(format!(
                "{good}: unexpected {id} on lines {false_positives:?}"
            ));
        }
        let only_rule = LintResult {
            findings: result
                .findings
                .iter()
                .filter(|f| f.rule == id)
                .cloned()
                .collect(),
            files: result.files,
            errors: Vec::new(),
            notes: Vec::new(),
            skipped: Vec::new(),
            suppressed: Vec::new(),
            baseline_keys: Vec::new(),
        };
        insta::assert_snapshot!(
            format!("{id}.human"),
            report::human(&only_rule, kdm::report::Term::PLAIN)
        );
        insta::assert_snapshot!(format!("{id}.json"), report::json(&only_rule));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
