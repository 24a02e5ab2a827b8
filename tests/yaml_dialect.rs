//! The go-yaml v2 dialect end to end: what kubectl (through
//! `sigs.k8s.io/yaml`) and Prometheus accept, every command accepts and
//! reads the same way.

mod common;

use common::{kdm_in, Run};

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr))
}

/// The lint findings of a run, as `rule message` lines, sorted.
fn findings(r: &Run) -> Vec<String> {
    let mut out: Vec<String> = json(r)["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.stdout))
        .iter()
        .map(|f| format!("{} {}", f["rule"], f["message"]))
        .collect();
    out.sort();
    out
}

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: default
  labels: {app: x}
spec:
  containers:
  - name: x
    image: x:1.0
    ports:
    - containerPort: PORT
      name: metrics
status:
  podIP: 10.0.0.1
  phase: Running
";

const POD_JOB: &str =
    "scrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs:\n      - role: pod\n";

#[test]
fn integral_floats_are_integers_as_the_api_server_reads_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "prom.yml", POD_JOB);
    for (port, want) in [("1e3", "1000"), ("1000.0", "1000"), ("1000", "1000")] {
        write(dir.path(), "pod.yaml", &POD.replace("PORT", port));
        let r = kdm_in(dir.path(), &["lint", "--format", "json", "pod.yaml"]);
        assert!(
            !findings(&r).iter().any(|f| f.contains("schema")),
            "{port}: {}",
            r.stdout
        );
        let r = kdm_in(
            dir.path(),
            &[
                "relabel-sim",
                "-c",
                "prom.yml",
                "-t",
                "pod.yaml",
                "--format",
                "json",
            ],
        );
        assert_eq!(r.code, 0, "{port}: {}", r.stderr);
        assert!(
            r.stdout
                .contains(&format!("\"__address__\":\"10.0.0.1:{want}\"")),
            "{port}: {}",
            r.stdout
        );
    }
    // A fraction is no integer, for the API server or for lint.
    write(dir.path(), "pod.yaml", &POD.replace("PORT", "1000.5"));
    let r = kdm_in(dir.path(), &["lint", "--format", "json", "pod.yaml"]);
    assert!(
        findings(&r)
            .iter()
            .any(|f| f.contains("schema-invalid") && f.contains("integer")),
        "{}",
        r.stdout
    );
}
