//! Custom resources checked against the CustomResourceDefinitions of the
//! run: those of the input and of `--crds` (or `.kdm.yaml`'s `crds`), end
//! to end. Each expected finding is marked on its line in the fixtures of
//! `testdata/custom-resources/` with `# expect: schema-invalid`.

mod common;

use std::collections::BTreeSet;

use common::kdm;

const DIR: &str = "testdata/custom-resources";

/// `(file, line)` of every finding of a JSON report.
fn places(stdout: &str) -> BTreeSet<(String, u64)> {
    let json: serde_json::Value = serde_json::from_str(stdout).unwrap_or_default();
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// The lines of `files` marked `# expect: schema-invalid`.
fn expected(files: &[&str]) -> BTreeSet<(String, u64)> {
    let mut out = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if line.contains("# expect: schema-invalid") {
                out.insert((file.to_string(), i as u64 + 1));
            }
        }
    }
    out
}

#[test]
fn custom_resources_are_checked_against_the_runs_crds() {
    let files = [
        format!("{DIR}/pools.yaml"),
        format!("{DIR}/with-crd.yaml"),
        format!("{DIR}/broken-crd.yaml"),
        format!("{DIR}/status.yaml"),
    ];
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let crds = format!("{DIR}/crds");
    let mut args = vec!["lint", "--crds", &crds];
    args.extend(&files);
    let human = kdm(&args);
    assert_eq!(human.code, 1, "{}", human.stderr);
    insta::assert_snapshot!("custom-resources", human.stdout);
    args.extend(["--format", "json"]);
    let json = kdm(&args);
    assert_eq!(places(&json.stdout), expected(&files));
    // files under --crds are not linted
    assert!(!json.stdout.contains("ipaddresspools.metallb.io.yaml"));
}

#[test]
fn without_their_crd_custom_resources_are_a_note() {
    let pools = format!("{DIR}/pools.yaml");
    let r = kdm(&["lint", "--format", "json", &pools]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(
        json["notes"],
        serde_json::json!(["not linted (kinds without kdm rules): IPAddressPool ×3"])
    );
}

/// `.kdm.yaml`'s `crds` are relative to the config file.
#[test]
fn the_configs_crds_are_read_too() {
    let config = format!("{DIR}/kdm.yaml");
    let pools = format!("{DIR}/pools.yaml");
    let r = kdm(&["lint", "--format", "json", "--config", &config, &pools]);
    assert_eq!(places(&r.stdout), expected(&[&pools]), "{}", r.stderr);
}

/// A CRD of the run replaces the bundled one of its kind: here a
/// ServiceMonitor CRD serving v2 only.
#[test]
fn a_crd_of_the_run_replaces_the_bundled_one() {
    let monitors = format!("{DIR}/monitors.yaml");
    let crds = format!("{DIR}/newer-operator");
    let r = kdm(&["lint", "--crds", &crds, &monitors]);
    insta::assert_snapshot!("newer-operator", r.stdout);
    let r = kdm(&["lint", "--format", "json", "--crds", &crds, &monitors]);
    assert_eq!(places(&r.stdout), expected(&[&monitors]));
}

#[test]
fn unreadable_crds_are_input_errors() {
    let pools = format!("{DIR}/pools.yaml");
    let malformed = format!("{DIR}/malformed");
    let r = kdm(&["lint", "--crds", &malformed, &pools]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{DIR}/malformed/crd.yaml:5:1")),
        "{}",
        r.stderr
    );
    let r = kdm(&[
        "lint",
        "--crds",
        "testdata/custom-resources/nowhere",
        &pools,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot read testdata/custom-resources/nowhere"),
        "{}",
        r.stderr
    );
    // a CRD the API server refuses, under --crds: an input error at its line
    let broken = format!("{DIR}/broken-crd.yaml");
    let r = kdm(&["lint", "--crds", &broken, &pools]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!("{DIR}/broken-crd.yaml:23:17")),
        "{}",
        r.stderr
    );
}
