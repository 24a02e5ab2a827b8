//! Suppressions end to end: annotations, `# kdm-ignore:` comments,
//! `.kdm.yaml` exemptions and baselines; `--show-suppressed`,
//! `--no-suppressions`, and suppressed findings in JSON and SARIF.

mod common;

use common::{kdm, kdm_in, Run};

const AGENTS: &str = "testdata/suppress/agents.yaml";
const CONFIG: &str = "testdata/suppress/kdm.yaml";

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn rules(v: &serde_json::Value, list: &str) -> Vec<String> {
    v[list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn every_kind_of_suppression_is_listed_with_its_reason() {
    let r = kdm(&["lint", AGENTS, "--config", CONFIG, "--show-suppressed"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    insta::assert_snapshot!("show-suppressed", r.stdout);
    let r = kdm(&["lint", AGENTS, "--config", CONFIG, "--format", "json"]);
    let v = json(&r);
    assert_eq!(rules(&v, "findings"), Vec::<String>::new());
    let kinds: Vec<&str> = v["suppressed"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["suppression"]["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["annotation", "comment", "comment", "exemption"]);
    assert_eq!(v["summary"]["suppressed"], 4);
    assert_eq!(
        v["suppressed"][3]["suppression"]["at"],
        "testdata/suppress/kdm.yaml:2:5"
    );
    // Without the flag, the summary line counts them.
    let r = kdm(&["lint", AGENTS, "--config", CONFIG]);
    assert!(
        r.stdout
            .ends_with("0 info; 4 suppressed (--show-suppressed lists them)\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn audit_mode_reports_everything() {
    let r = kdm(&["lint", AGENTS, "--config", CONFIG, "--no-suppressions"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = kdm(&[
        "lint",
        AGENTS,
        "--config",
        CONFIG,
        "--no-suppressions",
        "--format",
        "json",
    ]);
    let v = json(&r);
    assert_eq!(
        rules(&v, "findings"),
        [
            "priority-class-missing",
            "host-namespaces",
            "capabilities-dangerous",
            "host-path-writable"
        ]
    );
    assert_eq!(v["suppressed"], serde_json::json!([]));
}

#[test]
fn sarif_lists_suppressed_results_with_their_justification() {
    let r = kdm(&["lint", AGENTS, "--config", CONFIG, "--format", "sarif"]);
    let v = json(&r);
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 4);
    let kinds: Vec<&str> = results
        .iter()
        .map(|r| r["suppressions"][0]["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["inSource", "inSource", "inSource", "external"]);
    assert_eq!(
        results[3]["suppressions"][0]["justification"],
        "the installer copies the CNI plugins to /opt/cni/bin on every node (testdata/suppress/kdm.yaml:2:5)"
    );
}

#[test]
fn a_baseline_accepts_known_findings_by_place_not_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(AGENTS))
            .expect("fixture");
    // Without its in-source suppressions, the file has four findings.
    let bare: String = original
        .lines()
        .filter(|l| !l.trim_start().starts_with("# kdm-ignore") && !l.contains("ignore.kdm.dev"))
        .map(|l| l.split("  # kdm-ignore").next().unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace("  annotations:\n", "");
    std::fs::write(dir.path().join("agents.yaml"), &bare).expect("write");
    let w = kdm_in(
        dir.path(),
        &["lint", "agents.yaml", "--write-baseline", "baseline.json"],
    );
    assert_eq!(w.code, 0, "{}", w.stderr);
    assert!(
        w.stderr.starts_with("wrote 4 finding(s) to baseline.json"),
        "{}",
        w.stderr
    );
    let written = std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline");
    insta::assert_snapshot!("baseline", written);
    // The baseline is never overwritten without --force.
    let again = kdm_in(
        dir.path(),
        &["lint", "agents.yaml", "--write-baseline", "baseline.json"],
    );
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let forced = kdm_in(
        dir.path(),
        &[
            "lint",
            "agents.yaml",
            "--write-baseline",
            "baseline.json",
            "--force",
        ],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let base = ["lint", "agents.yaml", "--baseline", "baseline.json"];
    let r = kdm_in(dir.path(), &base);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Lines added above keep every finding matched.
    let shifted = format!("# a comment\n# another one\n{bare}").replace(
        "  labels: {app.kubernetes.io/name: node-agent}\n",
        "  labels:\n    app.kubernetes.io/name: node-agent\n    team: sre\n",
    );
    std::fs::write(dir.path().join("agents.yaml"), &shifted).expect("write");
    let r = kdm_in(dir.path(), &[&base[..], &["--format", "json"]].concat());
    let v = json(&r);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(v["summary"]["suppressed"], 4);
    // A new finding (a privileged container) fails; the fixed one
    // (hostNetwork is gone) leaves a note.
    let changed = shifted.replace("      hostNetwork: true\n", "").replace(
        "runAsNonRoot: true\n          volumeMounts:",
        "runAsNonRoot: true\n            privileged: true\n          volumeMounts:",
    );
    std::fs::write(dir.path().join("agents.yaml"), changed).expect("write");
    let r = kdm_in(dir.path(), &[&base[..], &["--format", "json"]].concat());
    let v = json(&r);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(rules(&v, "findings").contains(&"privileged".to_string()));
    assert!(!rules(&v, "findings").contains(&"capabilities-dangerous".to_string()));
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("1 finding(s) accepted in the baseline baseline.json are gone"),
        "{notes}"
    );
}

#[test]
fn broken_baselines_and_exemptions_are_input_errors_at_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let agents = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(AGENTS);
    let agents = agents.to_str().expect("utf-8");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
    };
    let error = |args: &[&str]| {
        let r = kdm_in(dir.path(), &[&["lint", agents][..], args].concat());
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        r.stderr
    };
    write(
        "b.json",
        "{\"kdm-baseline\": 1, \"findings\": [{\"rule\": \"x\", \"file\": 3}]}\n",
    );
    let e = error(&["--baseline", "b.json"]);
    assert!(e.contains("b.json:1:"), "{e}");
    assert!(e.contains("needs \"object\""), "{e}");
    write("not.json", "{\"findings\": []}\n");
    assert!(error(&["--baseline", "not.json"]).contains("not a kdm baseline"));
    assert!(error(&["--baseline", "missing.json"]).contains("missing.json"));
    write(
        "c.yaml",
        "exemptions:\n  - rules: [host-path-writeable]\n    name: x\n    reason: r\n",
    );
    let e = error(&["--config", "c.yaml"]);
    assert!(e.contains("c.yaml:2:13"), "{e}");
    assert!(e.contains("did you mean `host-path-writable`?"), "{e}");
    write(
        "c.yaml",
        "exemptions:\n  - rules: [host-port]\n    name: x\n",
    );
    assert!(error(&["--config", "c.yaml"]).contains("an exemption needs a reason"));
    write(
        "c.yaml",
        "exemptions:\n  - rules: [host-port]\n    name: x\n    reason: r\n    until: 2027-02-30\n",
    );
    let e = error(&["--config", "c.yaml"]);
    assert!(
        e.contains("c.yaml:5:12") && e.contains("not a day of the calendar"),
        "{e}"
    );
    write(
        "c.yaml",
        "exemptions:\n  - rules: [host-port]\n    reason: r\n",
    );
    assert!(error(&["--config", "c.yaml"]).contains("selects no object"));
}

#[test]
fn an_expired_exemption_applies_no_more_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let agents = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(AGENTS);
    std::fs::write(
        dir.path().join("c.yaml"),
        "exemptions:\n  - rules: [host-path-writable]\n    container: install-*\n    reason: r\n    until: 2001-01-01\n",
    )
    .expect("write");
    let r = kdm_in(
        dir.path(),
        &[
            "lint",
            agents.to_str().expect("utf-8"),
            "--config",
            "c.yaml",
            "--format",
            "json",
        ],
    );
    let v = json(&r);
    assert_eq!(rules(&v, "findings"), ["host-path-writable"]);
    assert!(
        v["notes"].to_string().contains(
            "the exemption at c.yaml:2:5 (host-path-writable) on container install-* ended on 2001-01-01"
        ),
        "{}",
        v["notes"]
    );
}
