//! `kdm operator-config` over real kube-prometheus manifests and hostile
//! input.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{kdm, kdm_in};

#[test]
fn kube_prometheus_compiles_to_a_config_prometheus_loads() {
    let r = kdm(&["operator-config", "testdata/operator/kube-prometheus"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("- job_name: serviceMonitor/monitoring/node-exporter/0\n"));
    insta::assert_snapshot!(r.stdout);
    // What it prints is a Prometheus configuration kdm's exact loader accepts.
    let dir = std::env::temp_dir().join(format!("kdm-operator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("prometheus.yml"), &r.stdout).unwrap();
    let lint = kdm_in(&dir, &["lint", "prometheus.yml"]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
    assert!(lint.stdout.contains("0 errors"), "{}", lint.stdout);
}

#[test]
fn refused_and_unselected_monitors_are_reported_at_their_lines() {
    let r = kdm(&["operator-config", "testdata/operator/cli/refused.yaml"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("serviceMonitor/monitoring/node-exporter/0"));
    for absent in ["apps/slow", "apps/bad-regex", "apps/forgotten"] {
        let job = format!("serviceMonitor/{absent}/0");
        assert!(!r.stdout.contains(&job), "{job} should get no job");
    }
    insta::assert_snapshot!(r.stderr);
}

#[test]
fn without_a_prometheus_every_monitor_is_compiled_and_said_so() {
    let r = kdm(&[
        "operator-config",
        "testdata/operator/cli/monitors-only.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("- job_name: podMonitor/kube-system/agent/0\n"));
    assert!(r.stdout.contains("- job_name: probe/monitoring/website\n"));
    assert!(
        r.stderr.contains("no Prometheus resource in the input"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("PrometheusRule is not compiled"),
        "{}",
        r.stderr
    );
}

#[test]
fn reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(["operator-config", "-"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let text = std::fs::read("testdata/operator/cli/monitors-only.yaml").unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("podMonitor/kube-system/agent/0"));
}

#[test]
fn bad_input_is_an_error_at_its_line() {
    let dir = std::env::temp_dir().join(format!("kdm-operator-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("wrong-type.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: x\n  namespace: y\nspec:\n  endpoints: 5\n", "wrong-type.yaml:7:14"),
        ("bad-yaml.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nspec: [\n", "bad-yaml.yaml:"),
        ("nothing.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", "no prometheus-operator resources"),
        ("operator.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: x\n  namespace: y\nspec:\n  selector:\n    matchExpressions:\n      - key: a\n        operator: in\n", "operator.yaml:10:19"),
    ];
    for (name, text, want) in cases {
        std::fs::write(dir.join(name), text).unwrap();
        let r = kdm_in(&dir, &["operator-config", name]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    let missing = kdm_in(&dir, &["operator-config", "missing.yaml"]);
    assert_eq!(missing.code, 2);
    std::fs::remove_dir_all(&dir).ok();
}

/// The README's worked example: why a ServiceMonitor scrapes nothing.
#[test]
fn lint_explains_why_a_service_monitor_scrapes_nothing() {
    let r = kdm(&["lint", "testdata/operator/why-not-scraping/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("add the label `release: kps`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("use `port: http-metrics`"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn shard_substitutes_the_reloaders_variable() {
    let plain = kdm(&[
        "operator-config",
        "testdata/operator/cli/monitors-only.yaml",
    ]);
    assert!(
        plain.stdout.contains("regex: $(SHARD);|.+;.+"),
        "{}",
        plain.stdout
    );
    let r = kdm(&[
        "operator-config",
        "--shard",
        "0",
        "testdata/operator/cli/monitors-only.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("$(SHARD)"));
    assert!(r.stdout.contains("regex: 0;|.+;.+"), "{}", r.stdout);
    let out_of_range = kdm(&[
        "operator-config",
        "--shard",
        "1",
        "testdata/operator/cli/monitors-only.yaml",
    ]);
    assert_eq!(out_of_range.code, 2);
    assert!(
        out_of_range.stderr.contains("runs 1 shard(s)"),
        "{}",
        out_of_range.stderr
    );
    assert!(out_of_range.stdout.is_empty(), "{}", out_of_range.stdout);
}
