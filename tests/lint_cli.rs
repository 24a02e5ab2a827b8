//! `kdm lint` end to end: exit codes, output formats (SARIF validated
//! against the SARIF 2.1.0 schema), configuration, opt-outs and inputs.

mod common;

use std::process::{Command, Stdio};

use common::{kdm, kdm_in, Run};

const DS: &str = "testdata/lint-cli/ds.yaml";

fn only(rule: &str) -> String {
    // Restrict runs to one rule so these tests do not depend on the others.
    let ids: Vec<String> = kdm(&["lint", "--list-rules"])
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    let mut cfg = String::from("rules:\n");
    for id in ids.iter().filter(|i| *i != rule) {
        cfg.push_str(&format!("  {id}: off\n"));
    }
    cfg
}

fn with_config(cfg: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("kdm.yaml"), cfg).expect("write config");
    dir
}

fn abs(p: &str) -> String {
    format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn findings_set_the_exit_code() {
    let dir = with_config(&only("selector-mismatch"));
    let cfg = dir.path().join("kdm.yaml");
    let cfg = cfg.to_str().expect("utf-8 path");
    let r = kdm(&["lint", "--config", cfg, DS]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("error[selector-mismatch]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("testdata/lint-cli/ds.yaml:9:"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 file checked: 1 error"), "{}", r.stdout);
    // Re-levelled to a warning, it no longer fails at the default level...
    let dir2 = with_config(&format!(
        "{}  selector-mismatch: warning\n",
        only("selector-mismatch")
    ));
    let cfg2 = dir2.path().join("kdm.yaml");
    let cfg2 = cfg2.to_str().expect("utf-8 path");
    assert_eq!(kdm(&["lint", "--config", cfg2, DS]).code, 0);
    // ...unless the fail level says so.
    assert_eq!(
        kdm(&["lint", "--config", cfg2, "--fail-level", "warning", DS]).code,
        1
    );
    // Turned off, nothing is reported.
    let dir3 = with_config("rules:\n  selector-mismatch: off\n");
    let cfg3 = dir3.path().join("kdm.yaml");
    let r = kdm(&[
        "lint",
        "--config",
        cfg3.to_str().expect("utf-8"),
        "--format",
        "json",
        DS,
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["rule"] != "selector-mismatch"));
}

#[test]
fn json_output_has_exact_locations() {
    let r = kdm(&["lint", "--format", "json", DS]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "selector-mismatch")
        .expect("selector-mismatch finding");
    assert_eq!(f["file"], DS);
    assert_eq!(f["line"], 9);
    assert_eq!(f["column"], 7);
    assert_eq!(f["severity"], "error");
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn sarif_validates_against_the_sarif_schema() {
    let schema_text = std::fs::read_to_string(abs("schemas/sarif/sarif-schema-2.1.0.json"))
        .expect("bundled SARIF schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("compile SARIF schema");
    for input in [
        DS,
        "testdata/lint-cli/ignored.yaml",
        "testdata/lint",
        "testdata/lint-cli/broken.yaml",
    ] {
        let r = kdm(&["lint", "--format", "sarif", input]);
        let sarif: serde_json::Value = serde_json::from_str(&r.stdout).expect("sarif json");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{input}: {errors:#?}");
        assert_eq!(sarif["version"], "2.1.0");
    }
    let r = kdm(&["lint", "--format", "sarif", DS]);
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).expect("sarif json");
    let result = &sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|x| x["ruleId"] == "selector-mismatch")
        .expect("result")
        .clone();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 9);
    assert_eq!(region["startColumn"], 7);
}

#[test]
fn github_annotations() {
    let r = kdm(&["lint", "--format", "github", DS]);
    assert!(
        r.stdout.lines().any(|l| l
            .starts_with("::error file=testdata/lint-cli/ds.yaml,line=9,col=7,")
            && l.contains("title=kdm selector-mismatch::")),
        "{}",
        r.stdout
    );
}

#[test]
fn junit_is_well_formed_xml_with_a_failure_per_failing_finding() {
    let clean = "testdata/lint-cli/clean.yaml"; // kdm generate daemonset
    let json = kdm(&["lint", "--format", "json", DS, clean]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert!(errors > 0 && errors < findings.len());
    // Only what fails the run is a failure: findings below --fail-level
    // pass, with the finding as their output.
    for (fail_level, failing) in [("error", errors), ("info", findings.len())] {
        let r = kdm(&[
            "lint",
            "--format",
            "junit",
            "--fail-level",
            fail_level,
            DS,
            clean,
        ]);
        assert_eq!(r.code, 1);
        let doc = roxmltree::Document::parse(&r.stdout).expect("JUnit XML parses");
        let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
        assert_eq!(count("failure"), failing, "{fail_level}");
        assert_eq!(
            count("system-out"),
            findings.len() - failing,
            "{fail_level}"
        );
        assert_eq!(
            doc.root_element().attribute("failures"),
            Some(failing.to_string().as_str())
        );
    }
    let r = kdm(&["lint", "--format", "junit", DS, clean]);
    let doc = roxmltree::Document::parse(&r.stdout).expect("JUnit XML parses");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(suites[0].attribute("name"), Some(DS));
    // A clean file is one passing test case.
    let clean_cases: Vec<_> = suites[1]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(clean_cases.len(), 1);
    assert_eq!(suites[1].attribute("failures"), Some("0"));
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(first
        .text()
        .unwrap_or("")
        .starts_with("testdata/lint-cli/ds.yaml:"));
    assert!(first.attribute("type").is_some());
    // A run below the fail level exits 0 with no failure in its report.
    let r = kdm(&["lint", "--format", "junit", "--fail-level", "error", clean]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("<failure"), "{}", r.stdout);
}

/// A file that does not parse is named, with its place, by every format;
/// the other files are still linted and the exit code is 2.
#[test]
fn every_format_names_every_input_error() {
    let broken = "testdata/lint-cli/broken.yaml";
    let run = |format: &str| {
        let r = kdm(&[
            "lint",
            "--format",
            format,
            broken,
            DS,
            "testdata/no-such.yaml",
        ]);
        assert_eq!(r.code, 2, "{format}: {}", r.stderr);
        assert!(
            r.stderr.contains("broken.yaml:5:3"),
            "{format}: {}",
            r.stderr
        );
        r.stdout
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    assert!(json["findings"].as_array().is_some_and(|f| !f.is_empty()));
    insta::assert_json_snapshot!("input-errors.json", json["errors"]);
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).expect("sarif");
    insta::assert_json_snapshot!("input-errors.sarif", sarif["runs"][0]["invocations"]);
    let github = run("github");
    let errors: Vec<&str> = github
        .lines()
        .filter(|l| l.contains("kdm input error"))
        .collect();
    insta::assert_snapshot!("input-errors.github", errors.join("\n"));
    let junit = run("junit");
    let doc = roxmltree::Document::parse(&junit).expect("JUnit XML parses");
    let errors: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .map(|n| {
            let case = n.parent().expect("testcase");
            format!(
                "{} line {:?}: {}",
                case.attribute("classname").unwrap_or(""),
                case.attribute("line"),
                n.text().unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!("input-errors.junit", errors.join("\n"));
    assert_eq!(doc.root_element().attribute("errors"), Some("2"));
}

/// Nothing to lint is an input error, not a clean run; the human report
/// then shows only the error, no "0 files checked".
#[test]
fn paths_without_yaml_are_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = kdm_in(dir.path(), &["lint", "."]);
    assert_eq!(empty.code, 2, "{}{}", empty.stdout, empty.stderr);
    assert_eq!(empty.stdout, "");
    insta::assert_snapshot!("nothing-to-lint", empty.stderr);
    std::fs::write(dir.path().join("notes.txt"), "not yaml").expect("write");
    let path = dir.path().to_str().expect("utf-8");
    let r = kdm(&["lint", path]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("nothing to lint: no YAML or JSON files in"),
        "{}",
        r.stderr
    );
    let missing = kdm(&["lint", "testdata/no-such.yaml"]);
    assert_eq!((missing.code, missing.stdout.as_str()), (2, ""));
    let r = kdm(&["lint", "--format", "json", path]);
    assert_eq!(r.code, 2);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(v["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("nothing to lint")));
}

#[test]
fn annotation_opt_out_needs_a_reason() {
    let rules = |r: &Run, list: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
        v[list]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let r = kdm(&["lint", "--format", "json", "testdata/lint-cli/ignored.yaml"]);
    assert!(
        !rules(&r, "findings").contains(&"selector-mismatch".to_string()),
        "{}",
        r.stdout
    );
    // Suppressed, not forgotten: the JSON report says by what and why.
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let suppressed = &v["suppressed"][0];
    assert_eq!(suppressed["rule"], "selector-mismatch", "{}", r.stdout);
    assert_eq!(suppressed["suppression"]["kind"], "annotation");
    assert_eq!(
        suppressed["suppression"]["reason"],
        "pods are adopted by a migration controller"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(abs("testdata/lint-cli/ignored.yaml"))
        .expect("fixture")
        .replace("\"pods are adopted by a migration controller\"", "\"\"");
    std::fs::write(dir.path().join("x.yaml"), text).expect("write");
    let r = kdm_in(
        dir.path().to_str().expect("utf-8"),
        &["lint", "--format", "json", "x.yaml"],
    );
    assert!(
        rules(&r, "findings").contains(&"selector-mismatch".to_string()),
        "{}",
        r.stdout
    );
}

#[test]
fn malformed_input_is_exit_2_and_other_files_are_still_linted() {
    let r = kdm(&["lint", "testdata/lint-cli/broken.yaml", DS]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("duplicate key `name`"), "{}", r.stderr);
    assert!(
        r.stderr.contains("testdata/lint-cli/broken.yaml:5:3"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("selector-mismatch"), "{}", r.stdout);
}

#[test]
fn directories_stdin_and_symlink_loops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::copy(abs(DS), sub.join("ds.yml")).expect("copy");
    std::fs::write(sub.join("notes.txt"), "not yaml").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path(), sub.join("loop")).expect("symlink");
    let r = kdm_in(
        dir.path().to_str().expect("utf-8"),
        &["lint", "--format", "json", "."],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["summary"]["files"], 1, "{}", r.stdout);

    let mut child = Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(["lint", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(std::fs::read(abs(DS)).expect("fixture").as_slice())
            .expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "selector-mismatch" && f["file"] == "<stdin>"));
}

#[test]
fn list_rules_and_explain() {
    let r = kdm(&["lint", "--list-rules"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("selector-mismatch"));
    let r = kdm(&["lint", "--explain", "selector-mismatch"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("## Why is this bad?"));
    let r = kdm(&["lint", "--explain", "no-such-rule"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown rule"));
}

#[test]
fn bad_config_files_are_diagnostics() {
    let dir = with_config("rules:\n  no-such-rule: off\n");
    let cfg = dir.path().join("kdm.yaml");
    let r = kdm(&["lint", "--config", cfg.to_str().expect("utf-8"), DS]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown rule \"no-such-rule\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("kdm.yaml:2:3"), "{}", r.stderr);
}

#[test]
fn excluded_paths_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("charts")).expect("mkdir");
    std::fs::copy(abs(DS), dir.path().join("charts/ds.yaml")).expect("copy");
    std::fs::copy(abs(DS), dir.path().join("ds.yaml")).expect("copy");
    std::fs::write(dir.path().join(".kdm.yaml"), "exclude: [\"charts/**\"]\n").expect("write");
    let r = kdm_in(
        dir.path().to_str().expect("utf-8"),
        &["lint", "--format", "json", "."],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["summary"]["files"], 1, "{}", r.stdout);
}

#[test]
fn unknown_kubernetes_version_is_a_usage_error() {
    let r = kdm(&["lint", "--kubernetes-version", "1.20", DS]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no bundled schemas"), "{}", r.stderr);
    assert!(r.stderr.contains("1.37"), "{}", r.stderr);
    assert_ne!(
        kdm(&["lint", "--kubernetes-version", "v1.36.4", DS]).code,
        2
    );
}

/// Hostile files get a diagnostic and exit code 2; nothing is skipped
/// silently and kdm never panics.
#[test]
fn hostile_inputs_are_input_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.yaml", bomb.into_bytes(), "billion laughs"),
        ("deep.yaml", "[".repeat(10_000).into_bytes(), "bomb"),
        (
            "utf8.yaml",
            b"kind: Pod\nx: \xff\xfe\n".to_vec(),
            "not valid UTF-8",
        ),
        (
            "tabs.yaml",
            b"kind: Pod\n\tmetadata: {}\n".to_vec(),
            "tabs.yaml:",
        ),
        (
            "dup.yaml",
            b"kind: Pod\nkind: Service\n".to_vec(),
            "duplicate key",
        ),
    ];
    for (name, bytes, needle) in &cases {
        std::fs::write(dir.path().join(name), bytes).expect("write");
        let r = kdm_in(dir.path().to_str().expect("utf-8"), &["lint", name]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        if *needle != "bomb" {
            assert!(r.stderr.contains(needle), "{name}: {}", r.stderr);
        }
    }
    // Empty files and empty documents are fine: there is nothing to lint.
    std::fs::write(dir.path().join("empty.yaml"), b"").expect("write");
    std::fs::write(dir.path().join("docs.yaml"), b"---\n---\n").expect("write");
    let r = kdm_in(
        dir.path().to_str().expect("utf-8"),
        &["lint", "empty.yaml", "docs.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// schemas/kdm-config.schema.json (for editors) accepts what the loader
/// accepts and rejects what it rejects.
#[test]
fn config_schema_agrees_with_the_loader() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/kdm-config.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let ids: Vec<&str> = kdm::lint::registry::all()
        .iter()
        .map(|r| r.meta().id)
        .collect();
    let cases = [
        "kubernetes-version: \"1.36\"\nfail-level: warning\nexclude: [\"charts/**\"]\nrules:\n  host-path-writable: error\n  missing-recommended-labels: off\n",
        "{}\n",
        "fail-level: fatal\n",
        "rules:\n  host-path-writable: loud\n",
        "exclude: charts\n",
        "unknown: 1\n",
        "kubernetes-version: 1.37\n",
        "helm-release: prod.eu-1\n",
        "helm-release: Prod_1\n",
        "crds: [.]\n",
        "crds: .\n",
        "crds: {a: b}\n",
        "prometheus-version: 2\n",
        "prometheus-version: 4\n",
        "exemptions:\n  - rules: [host-port]\n    name: \"agent-*\"\n    reason: the agent's port\n    until: 2027-03-31\n",
        "exemptions:\n  - rule: host-port\n    container: agent\n    reason: r\n",
        "exemptions:\n  - rules: [host-port]\n    name: a\n",
        "exemptions:\n  - name: a\n    reason: r\n",
        "exemptions:\n  - rules: [host-port]\n    name: a\n    reason: r\n    owner: me\n",
        "exemptions: {rules: [host-port]}\n",
        "profiles:\n  - profile: csi-node\n    name: \"ebs-*\"\n",
        "profiles:\n  - profile: csi\n    name: a\n",
        "profiles:\n  - profile: none\n",
        "exemptions:\n  - rules: [host-port]\n    reason: everywhere\n",
    ];
    for text in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".kdm.yaml");
        std::fs::write(&path, text).unwrap();
        let loader_ok = kdm::lint::config::LintConfig::load(path.to_str().unwrap(), &ids).is_ok();
        let src = kdm::yaml::Source::new("c", text);
        let json = kdm::input::load_yaml(&src).unwrap()[0].to_json();
        assert_eq!(validator.is_valid(&json), loader_ok, "{text}");
    }
}

/// Issue 18's examples: each line the API server refuses gets an error
/// there (`api-invalid`, or `label-value-invalid` for the nodeSelector),
/// and `api-invalid` is configured like any rule.
#[test]
fn what_the_api_server_refuses_is_an_error_at_its_line() {
    const FILE: &str = "testdata/lint-cli/issue-18.yaml";
    let text = std::fs::read_to_string(abs(FILE)).expect("fixture");
    let want: std::collections::BTreeSet<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.ends_with("# refused"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let r = kdm(&["lint", "--format", "json", FILE]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let errors: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    let got: std::collections::BTreeSet<u64> =
        errors.iter().filter_map(|f| f["line"].as_u64()).collect();
    let missing: Vec<&u64> = want.difference(&got).collect();
    assert!(
        missing.is_empty(),
        "no error on lines {missing:?}: {}",
        r.stdout
    );
    assert!(errors
        .iter()
        .any(|f| f["message"].as_str().is_some_and(|m| m.contains(
            "spec.template.spec.containers[0].resources.requests[memory]: Invalid value: \"1Gb\""
        ))));

    // Off in the configuration: no api-invalid finding is left.
    let dir = with_config("rules:\n  api-invalid: off\n");
    let cfg = dir.path().join("kdm.yaml");
    let r = kdm(&[
        "lint",
        "--format",
        "json",
        "--config",
        cfg.to_str().expect("utf-8 path"),
        FILE,
    ]);
    assert!(!r.stdout.contains("api-invalid"), "{}", r.stdout);
    let explain = kdm(&["lint", "--explain", "api-invalid"]);
    assert!(
        explain.stdout.contains("## What it does"),
        "{}",
        explain.stdout
    );
}

/// Every minor version from 1.27 is bundled; a field newer than the chosen
/// version is reported with the release that added it.
#[test]
fn a_field_newer_than_the_chosen_version_names_its_release() {
    const FILE: &str = "testdata/lint-cli/field-added-later.yaml";
    let old = kdm(&["lint", "--kubernetes-version", "1.29", FILE]);
    assert_eq!(old.code, 1, "{}", old.stderr);
    assert!(
        old.stdout.contains(
            r#"unknown field "appArmorProfile" (added in Kubernetes 1.30; linting for 1.29)"#
        ),
        "{}",
        old.stdout
    );
    for version in ["1.30", "1.37"] {
        let new = kdm(&["lint", "--kubernetes-version", version, FILE]);
        assert!(
            !new.stdout.contains("schema-invalid"),
            "{version}: {}",
            new.stdout
        );
    }
    let unbundled = kdm(&["lint", "--kubernetes-version", "1.26", FILE]);
    assert_eq!(unbundled.code, 2);
    assert!(
        unbundled.stderr.contains("1.27, 1.28"),
        "{}",
        unbundled.stderr
    );
}

/// `.kdm.yaml`'s `prometheus-version` and `--prometheus-version` (which
/// wins) choose the Prometheus a config is checked for.
#[test]
fn prometheus_version_from_the_config_or_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        abs("testdata/relabel-sim/v2-classic-histograms.yml"),
        dir.path().join("prometheus.yml"),
    )
    .expect("copy");
    let renamed = "Prometheus 3.0 renamed it";
    let r = kdm_in(dir.path(), &["lint", "prometheus.yml"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains(renamed), "{}", r.stdout);
    std::fs::write(dir.path().join(".kdm.yaml"), "prometheus-version: 2\n").expect("write");
    let r = kdm_in(dir.path(), &["lint", "prometheus.yml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = kdm_in(
        dir.path(),
        &["lint", "--prometheus-version", "3", "prometheus.yml"],
    );
    assert!(r.stdout.contains(renamed), "{}", r.stdout);
}

/// `ignore.kdm.dev/<rule>` on the pod template's metadata suppresses as on
/// the object's own.
#[test]
fn ignore_annotations_on_the_pod_template_are_honoured() {
    let run = kdm(&[
        "lint",
        "-f",
        "json",
        "testdata/lint/ignore-annotation-invalid/good.yaml",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"privileged"), "{rules:?}");
    assert!(!rules.contains(&"host-namespaces"), "{rules:?}");
    assert!(!rules.contains(&"ignore-annotation-invalid"), "{rules:?}");
}
