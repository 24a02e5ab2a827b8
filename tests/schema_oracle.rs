//! Cross-checks the `schema-invalid` rule against `kubernetes-validate`
//! (the PyPI package the bundled schemas come from) on the rule's fixtures:
//! for every object both tools check, they must agree on pass/fail.
//! Skipped when the tool is missing, unless `KDM_REQUIRE_ORACLES=1`.

use std::collections::BTreeMap;
use std::process::Command;

use kdm::lint::config::LintConfig;
use kdm::lint::runner::{run, LintOptions};

const VERSION: &str = "1.37";

fn oracle_available() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import kubernetes_validate"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("KDM_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "KDM_REQUIRE_ORACLES=1 but kubernetes-validate is not installed \
             (pip install kubernetes-validate==1.37.0)"
        );
        eprintln!(
            "skipped: kubernetes-validate is not installed (pip install kubernetes-validate)"
        );
    }
    found
}

/// `kind/name` → passed, per object kubernetes-validate has a schema for.
fn oracle(path: &str) -> BTreeMap<String, bool> {
    let out = Command::new("python3")
        .args(["-m", "kubernetes_validate", "--strict", "-k", VERSION, path])
        .output()
        .unwrap_or_else(|e| panic!("running kubernetes-validate: {e}"));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let mut verdicts = BTreeMap::new();
    for line in text.lines() {
        for (marker, passed) in [
            (" passed for resource ", true),
            (" did not validate for resource ", false),
        ] {
            if let Some(rest) = line.split(marker).nth(1) {
                let resource = rest.split(' ').next().unwrap_or_default();
                verdicts.insert(resource.to_string(), passed);
            }
        }
    }
    verdicts
}

/// `kind/name` → passed, per object of the file, by `schema-invalid`.
fn kdm(path: &str) -> BTreeMap<String, bool> {
    let r = run(&LintOptions {
        paths: vec![path.to_string()],
        force_prometheus: false,
        kubernetes_version: VERSION.to_string(),
        config: LintConfig::default(),
    });
    assert!(r.errors.is_empty(), "{path} does not load");
    let ctx = kdm::lint::Context::new(&r.files, VERSION.to_string(), false);
    ctx.objects
        .iter()
        .map(|o| {
            let failed = r.findings.iter().any(|f| {
                f.rule == "schema-invalid"
                    && f.file == o.file
                    && o.node.span.start <= f.span.start
                    && f.span.end <= o.node.span.end
            });
            (
                format!("{}/{}", o.kind.to_lowercase(), o.name.unwrap_or_default()),
                !failed,
            )
        })
        .collect()
}

#[test]
fn kubernetes_validate_agrees_on_the_fixtures() {
    if !oracle_available() {
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/lint/schema-invalid");
    let mut compared = 0;
    for (file, expect_all_pass) in [("good.yaml", true), ("bad.yaml", false)] {
        let path = format!("{dir}/{file}");
        let theirs = oracle(&path);
        let ours = kdm(&path);
        assert!(
            !theirs.is_empty(),
            "{file}: kubernetes-validate checked nothing"
        );
        for (resource, passed) in &theirs {
            assert_eq!(
                ours.get(resource),
                Some(passed),
                "{file}: {resource}: kubernetes-validate says passed={passed}"
            );
            compared += 1;
        }
        let all_pass = theirs.values().all(|p| *p);
        assert_eq!(all_pass, expect_all_pass, "{file}: {theirs:?}");
    }
    assert!(compared >= 5, "only {compared} objects compared");
}
