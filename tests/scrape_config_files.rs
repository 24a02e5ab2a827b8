//! `scrape_config_files` followed as Prometheus's `GetScrapeConfigs` does,
//! in relabel-sim, kdm test and lint. (No promtool oracle: promtool 2.42,
//! the one installed, predates scrape_config_files, added in 2.43.)

mod common;

use common::{kdm, kdm_in};

const DIR: &str = "testdata/scrape-config-files";

#[test]
fn relabel_sim_runs_the_included_jobs_after_the_main_files() {
    let r = kdm(&["relabel-sim", "-c", &format!("{DIR}/valid.yml"), "--trace"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

/// Every error of every included file, each at its place in that file; the
/// job name repeated across files names where it was first found.
#[test]
fn errors_in_included_files_are_reported_where_they_are() {
    let r = kdm(&["relabel-sim", "-c", &format!("{DIR}/prometheus.yml")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for place in [
        "jobs/blackbox.yml:15:9]",
        "jobs/blackbox.yml:20:21]",
        "jobs/node.yml:2:15]",
    ] {
        assert!(r.stderr.contains(place), "{place}: {}", r.stderr);
    }
    assert!(
        r.stderr
            .contains(r#"found multiple scrape configs with job name "node", first found in"#),
        "{}",
        r.stderr
    );
    let json = kdm(&[
        "relabel-sim",
        "-c",
        &format!("{DIR}/prometheus.yml"),
        "-o",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let files: Vec<&str> = doc["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["file"].as_str())
        .collect();
    assert_eq!(files.len(), 3, "{}", json.stdout);
    assert!(files.iter().all(|f| f.contains("/jobs/")), "{files:?}");
}

#[test]
fn kdm_test_follows_scrape_config_files() {
    let ok = kdm(&["test", &format!("{DIR}/node.test.yaml")]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let bad = kdm(&["test", &format!("{DIR}/invalid.test.yaml")]);
    assert_eq!(bad.code, 2, "{}{}", bad.stdout, bad.stderr);
    assert!(
        bad.stderr.contains("jobs/blackbox.yml:15:9]"),
        "{}",
        bad.stderr
    );
}

#[test]
fn lint_checks_the_included_files() {
    let r = kdm(&["lint", "--format", "json", &format!("{DIR}/prometheus.yml")]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let blackbox = format!("{DIR}/jobs/blackbox.yml");
    let node = format!("{DIR}/jobs/node.yml");
    // node.yml's node job repeats blackbox.yml's (job-name-duplicate).
    let expected = vec![(blackbox.clone(), 15), (blackbox, 20), (node, 2)];
    assert_eq!(found, expected, "{}", r.stdout);
    // Named on the command line too, a file is linted once, with its config.
    let twice = kdm(&[
        "lint",
        "--format",
        "json",
        &format!("{DIR}/prometheus.yml"),
        &format!("{DIR}/jobs"),
    ]);
    let doc: serde_json::Value = serde_json::from_str(&twice.stdout).expect("json");
    assert_eq!(
        doc["findings"].as_array().map(Vec::len),
        Some(3),
        "{}",
        twice.stdout
    );
}

/// A pattern matching nothing is no error; a file that cannot be read (too
/// large for a scrape config here) is an error at its entry; a pattern
/// Prometheus refuses is an error at its line.
#[test]
fn unreadable_and_invalid_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config =
        "scrape_config_files:\n  - none/*.yml\n  - big/*.yml\nscrape_configs:\n  - job_name: a\n";
    std::fs::write(dir.path().join("prometheus.yml"), config).expect("write");
    std::fs::create_dir(dir.path().join("big")).expect("mkdir");
    let big = std::fs::File::create(dir.path().join("big/huge.yml")).expect("create");
    big.set_len(17 << 20).expect("sparse file");
    let r = kdm_in(dir.path(), &["relabel-sim", "-c", "prometheus.yml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("refusing to read it") && r.stderr.contains("prometheus.yml:3:5]"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches('×').count(), 1, "{}", r.stderr);

    std::fs::write(
        dir.path().join("bad.yml"),
        "scrape_config_files: ['a/*/b.yml']\n",
    )
    .expect("write");
    let r = kdm_in(dir.path(), &["relabel-sim", "-c", "bad.yml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(r#"invalid scrape config file path "a/*/b.yml""#),
        "{}",
        r.stderr
    );

    // An included file holds only scrape_configs.
    std::fs::create_dir(dir.path().join("jobs")).expect("mkdir");
    std::fs::write(
        dir.path().join("jobs/x.yml"),
        "global: {}\nscrape_configs: []\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("inc.yml"),
        "scrape_config_files: [jobs/*.yml]\n",
    )
    .expect("write");
    let r = kdm_in(dir.path(), &["relabel-sim", "-c", "inc.yml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("global") && r.stderr.contains("x.yml:1:1]"),
        "{}",
        r.stderr
    );
}
