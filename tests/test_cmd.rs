//! `kdm test`: passing and failing files, invalid files, JSON and JUnit
//! output, and `--update`.

mod common;

use common::{kdm, kdm_in};

#[test]
fn example_tests_pass() {
    let run = kdm(&["test", "testdata/test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!("pass", run.stdout);
}

#[test]
fn failures_show_a_diff_and_the_trace() {
    let run = kdm(&["test", "testdata/test-failing/pods.test.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("- kubernetes_namespace=\"web\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[0] keep (line 320)  dropped"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("1 passed, 2 failed\n"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("fail", run.stdout);
}

#[test]
fn invalid_files_are_errors_at_their_line() {
    for (file, want) in [
        ("unknown-field", "unknown-field.test.yaml:5:5"),
        ("two-outcomes", "two-outcomes.test.yaml:8:9"),
        ("unknown-job", "unknown-job.test.yaml:4:10"),
        ("missing-config", "missing-config.test.yaml:1:9"),
        (
            "series-with-manifests",
            "series-with-manifests.test.yaml:3:5",
        ),
    ] {
        let run = kdm(&["test", &format!("testdata/test-invalid/{file}.test.yaml")]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{file}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{file}");
        insta::assert_snapshot!(format!("invalid-{file}"), run.stderr);
    }
    let run = kdm(&["test", "testdata/no-such.test.yaml"]);
    assert_eq!(run.code, 2);
    let run = kdm(&["test", "testdata/errors"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no *.test.yaml files"),
        "{}",
        run.stderr
    );
    // Only the error: no "0 passed, 0 failed" for a run that ran nothing.
    assert_eq!(run.stdout, "");
    let json = kdm(&["test", "--format", "json", "testdata/errors"]);
    assert_eq!(json.code, 2);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    assert_eq!(
        v["errors"][0]["message"],
        "no *.test.yaml files in testdata/errors"
    );
}

#[test]
fn junit_output_is_well_formed_xml() {
    let run = kdm(&[
        "test",
        "--format",
        "junit",
        "testdata/test",
        "testdata/test-failing/pods.test.yaml",
    ]);
    assert_eq!(run.code, 1);
    let doc = roxmltree::Document::parse(&run.stdout).expect("JUnit XML parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("14"));
    assert_eq!(root.attribute("failures"), Some("2"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 5);
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 2);
    assert!(failures[0]
        .text()
        .unwrap_or("")
        .contains("kubernetes_namespace"));
    for case in doc.descendants().filter(|n| n.has_tag_name("testcase")) {
        assert!(case.attribute("name").is_some_and(|n| !n.is_empty()));
        assert!(case.attribute("line").is_some());
    }
}

/// An invalid test file is an `<error>` case (and a JSON `errors` entry)
/// beside the results of the valid files; the exit code stays 2.
#[test]
fn machine_formats_name_invalid_test_files() {
    let files = [
        "testdata/test/node-series.test.yaml",
        "testdata/test-invalid/unknown-field.test.yaml",
    ];
    let run = kdm(&["test", "--format", "junit", files[0], files[1]]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc = roxmltree::Document::parse(&run.stdout).expect("JUnit XML parses");
    let error = doc
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("an <error> case");
    let case = error.parent().expect("testcase");
    assert_eq!(case.attribute("file"), Some(files[1]));
    assert_eq!(case.attribute("line"), Some("5"));
    insta::assert_snapshot!("invalid-junit-error", error.text().unwrap_or(""));
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(files[0])));
    let run = kdm(&["test", "--format", "json", files[0], files[1]]);
    assert_eq!(run.code, 2);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["errors"][0]["file"], files[1]);
    assert_eq!(v["errors"][0]["line"], 5);
    assert_eq!(v["errors"][0]["column"], 5);
    assert_eq!(v["files"][0]["file"], files[0]);
}

/// `--update` rewrites only the expectations that fail: in a test with
/// several targets, the passing ones are kept as written.
#[test]
fn update_keeps_passing_expectations_of_a_failing_test() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "testdata/scrape-configs/prometheus-community__prometheus.yml",
        dir.path().join("prometheus.yml"),
    )
    .unwrap();
    let test = "\
config: prometheus.yml
tests:
  - name: two pods
    job: kubernetes-pods
    targets:
      - {__address__: 10.0.0.1:80}
      - __address__: 10.0.0.2:8080
        __meta_kubernetes_namespace: web
        __meta_kubernetes_pod_annotation_prometheus_io_scrape: \"true\"
    expect:
      - dropped: {rule: 0}   # as written
      - kept: {namespace: api}
";
    std::fs::write(dir.path().join("two.test.yaml"), test).unwrap();
    let run = kdm_in(dir.path(), &["test", "--update", "two.test.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("updated 1 expectation(s) of \"two pods\""),
        "{}",
        run.stderr
    );
    let updated = std::fs::read_to_string(dir.path().join("two.test.yaml")).unwrap();
    assert!(
        updated.contains("      - dropped: {rule: 0}   # as written\n"),
        "{updated}"
    );
    assert!(
        updated.contains("      - kept: {namespace: web}\n"),
        "{updated}"
    );
    assert!(!updated.contains("instance"), "{updated}");
    assert_eq!(kdm_in(dir.path(), &["test", "two.test.yaml"]).code, 0);
}

#[test]
fn json_output() {
    let run = kdm(&[
        "test",
        "--format",
        "json",
        "testdata/test-failing/pods.test.yaml",
    ]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 2);
    let t = &v["files"][0]["tests"][1];
    assert_eq!(t["name"], "every pod is scraped");
    assert_eq!(t["failures"][0]["message"], "expected kept");
    assert_eq!(t["failures"][0]["target_name"], "pod /frontend-1 port 80");
}

#[test]
fn update_rewrites_only_failing_expectations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("t")).unwrap();
    std::fs::create_dir_all(dir.path().join("scrape-configs")).unwrap();
    let original = std::fs::read_to_string("testdata/test-failing/pods.test.yaml").unwrap();
    std::fs::write(dir.path().join("t/pods.test.yaml"), &original).unwrap();
    std::fs::copy(
        "testdata/scrape-configs/prometheus-community__prometheus.yml",
        dir.path()
            .join("scrape-configs/prometheus-community__prometheus.yml"),
    )
    .unwrap();

    let run = kdm_in(dir.path(), &["test", "--update", "t/pods.test.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("updated 1 expectation(s) of \"every pod is scraped\" (line 18)"),
        "{}",
        run.stderr
    );
    // The report is of the updated file, run again.
    assert!(
        run.stdout.ends_with("3 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
    assert!(
        run.stderr.contains("re-ran the 1 updated file(s)"),
        "{}",
        run.stderr
    );
    let updated = std::fs::read_to_string(dir.path().join("t/pods.test.yaml")).unwrap();
    // A subset of labels stays that subset: the label the job no longer
    // writes is dropped, none is added.
    assert!(
        updated.contains(
            "      - kept: {pod: api-7d9f}\n        scrape_url: http://10.244.1.7:8080/metrics\n"
        ),
        "{updated}"
    );
    for widened in ["instance:", "{kubernetes_namespace"] {
        assert!(!updated.contains(widened), "{widened}: {updated}");
    }
    // Comments and the passing test are kept as written.
    assert!(updated.contains("      # the label the old config wrote\n"));
    assert!(updated.contains("    expect: [{dropped: {rule: 0}}]\n"));
    assert!(
        updated.contains("      - dropped:\n          rule: 0\n"),
        "{updated}"
    );
    insta::assert_snapshot!("updated", updated);
    let again = kdm_in(dir.path(), &["test", "t/pods.test.yaml"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    // Nothing left to update: the file is untouched.
    let run = kdm_in(dir.path(), &["test", "--update", "t/pods.test.yaml"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr, "");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t/pods.test.yaml")).unwrap(),
        updated
    );
}
