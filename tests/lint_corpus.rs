//! The real-world corpus in `testdata/corpus/` (published DaemonSets and
//! scrape configs, see testdata/PROVENANCE.md) lints without crashing,
//! every finding points inside its file, and the per-rule counts are
//! snapshotted so that any change in what kdm reports on real manifests is
//! reviewed.

use std::collections::BTreeMap;

use kdm::lint::config::LintConfig;
use kdm::lint::runner::{run, LintOptions};

#[test]
fn corpus_lints_with_real_locations() {
    let result = run(&LintOptions {
        paths: vec!["testdata/corpus".to_string()],
        force_prometheus: false,
        kubernetes_version: kdm::k8s::schema::DEFAULT_VERSION.to_string(),
        config: LintConfig::default(),
    });
    let errors: Vec<String> = result
        .errors
        .iter()
        .map(|e| e.message().to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(result.files.len() >= 60, "{} files", result.files.len());
    let mut counts: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for f in &result.findings {
        let src = &result.files[f.file].source;
        assert!(
            f.span.start <= f.span.end && f.span.end <= src.text.len(),
            "{f:?}"
        );
        let (line, _) = src.line_col(f.span.start);
        assert!(
            line >= 1 && line <= src.text.lines().count().max(1),
            "{f:?}"
        );
        let name = src.name.trim_start_matches("testdata/corpus/").to_string();
        *counts.entry(name).or_default().entry(f.rule).or_default() += 1;
    }
    let mut report = String::new();
    for (file, rules) in &counts {
        let list: Vec<String> = rules.iter().map(|(r, n)| format!("{r}×{n}")).collect();
        report.push_str(&format!("{file}: {}\n", list.join(", ")));
    }
    insta::assert_snapshot!(report);
}
