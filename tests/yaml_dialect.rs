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

/// Messages without places: a merged file and its expanded twin differ
/// in line numbers only.
fn unplaced(r: &Run) -> Vec<String> {
    let mut v = json(r);
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for k in ["line", "column", "end_line", "end_column", "file"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    let mut lines: Vec<String> = v.to_string().split("},{").map(str::to_string).collect();
    lines.sort();
    lines
}

const MERGED_JOBS: &str = "scrape_configs:
  - &base
    job_name: web
    scrape_interval: 30s
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - &keep
        source_labels: [__meta_kubernetes_pod_label_app]
        action: keep
        regex: web
  - <<: *base
    job_name: api
    relabel_configs:
      - <<: *keep
        regex: api
      - {<<: [{target_label: team}, {target_label: ignored, replacement: core}]}
";

const EXPANDED_JOBS: &str = "scrape_configs:
  - job_name: web
    scrape_interval: 30s
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_app]
        action: keep
        regex: web
  - job_name: api
    scrape_interval: 30s
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_app]
        action: keep
        regex: api
      - {target_label: team, replacement: core}
";

#[test]
fn merge_keys_in_scrape_configs_read_as_the_expanded_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "merged.yml", MERGED_JOBS);
    write(dir.path(), "expanded.yml", EXPANDED_JOBS);
    write(
        dir.path(),
        "pods.yaml",
        &POD.replace("PORT", "9100")
            .replace("{app: x}", "{app: api}"),
    );
    let lint = |f: &str| kdm_in(dir.path(), &["lint", "--format", "json", f]);
    let (m, e) = (lint("merged.yml"), lint("expanded.yml"));
    assert_eq!(m.code, e.code, "{}\n{}", m.stderr, e.stderr);
    assert_eq!(unplaced(&m), unplaced(&e));
    let sim = |f: &str| {
        kdm_in(
            dir.path(),
            &[
                "relabel-sim",
                "-c",
                f,
                "-t",
                "pods.yaml",
                "--format",
                "json",
            ],
        )
    };
    let (m, e) = (sim("merged.yml"), sim("expanded.yml"));
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert_eq!(m.code, e.code);
    assert_eq!(unplaced(&m), unplaced(&e));
    assert!(m.stdout.contains("\"team\":\"core\""), "{}", m.stdout);
}

#[test]
fn merge_keys_in_manifests_lint_as_the_expanded_manifest() {
    let merged = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels: &labels {app: agent}
  template:
    metadata:
      labels:
        <<: *labels
        tier: node
    spec:
      containers:
      - &first
        name: a
        image: agent:1.0
        securityContext: {privileged: true}
        ports: [{containerPort: 9100, name: metrics}]
      - <<: *first
        name: b
        ports: [{containerPort: 9101, name: metrics}]
";
    let expanded = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels:
        app: agent
        tier: node
    spec:
      containers:
      - name: a
        image: agent:1.0
        securityContext: {privileged: true}
        ports: [{containerPort: 9100, name: metrics}]
      - name: b
        image: agent:1.0
        securityContext: {privileged: true}
        ports: [{containerPort: 9101, name: metrics}]
";
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "merged.yaml", merged);
    write(dir.path(), "expanded.yaml", expanded);
    let lint = |f: &str| kdm_in(dir.path(), &["lint", "--format", "json", f]);
    let (m, e) = (lint("merged.yaml"), lint("expanded.yaml"));
    assert_eq!(m.code, e.code, "{}\n{}", m.stderr, e.stderr);
    let got = findings(&m);
    assert_eq!(got, findings(&e));
    assert!(
        got.iter().filter(|f| f.contains("privileged")).count() == 2,
        "{got:?}"
    );
    // The finding about the merged container points at the anchored text.
    let f = json(&m)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["message"].as_str().unwrap_or("").contains("\"b\"") && f["rule"] == "privileged"
        })
        .cloned()
        .unwrap_or_else(|| panic!("{}", m.stdout));
    assert_eq!(f["line"], 19, "{f}");
}

const DAEMONSET: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: agent:1.0
        args: [
ARGS
        ]
";

#[test]
fn tabs_after_colons_read_as_spaces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spaced = DAEMONSET.replace("ARGS", "          \"--v=2\"");
    let tabbed = spaced
        .replace("name: agent", "name:\tagent")
        .replace("image: agent", "image:\t\tagent");
    write(dir.path(), "spaced.yaml", &spaced);
    write(dir.path(), "tabbed.yaml", &tabbed);
    let lint = |f: &str| kdm_in(dir.path(), &["lint", "--format", "json", f]);
    let (t, s) = (lint("tabbed.yaml"), lint("spaced.yaml"));
    assert_eq!(t.code, s.code, "{}", t.stderr);
    assert_eq!(findings(&t), findings(&s));
    write(
        dir.path(),
        "prom.yml",
        "scrape_configs:\n  - job_name:\tpods\n    static_configs:\n      - targets:\t['a:1']\n        labels: {team:\t\"x:\ty\"}\n",
    );
    let r = kdm_in(
        dir.path(),
        &["relabel-sim", "-c", "prom.yml", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"job\":\"pods\""), "{}", r.stdout);
    // The tab in the quoted value is text.
    assert!(r.stdout.contains("\"team\":\"x:\\ty\""), "{}", r.stdout);
}

#[test]
fn flow_lists_indented_under_their_key_load_whatever_their_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (n, at) in [(1, 8), (300, 8), (5000, 8), (300, 0), (2000, 4)] {
        let args = |indent: &str| {
            (0..n)
                .map(|i| format!("{indent}\"--flag-{i}\","))
                .collect::<Vec<_>>()
                .join("\n")
        };
        // The list's lines and its `]` at or left of the column of `args`,
        // as kubectl accepts them, and the same list indented further.
        let under = DAEMONSET
            .replace("ARGS", &args(&" ".repeat(at)))
            .replace("        ]\n", &format!("{}]\n", " ".repeat(at)));
        let deeper = DAEMONSET
            .replace("ARGS", &args("          "))
            .replace("        ]\n", "          ]\n");
        write(dir.path(), "under.yaml", &under);
        write(dir.path(), "deeper.yaml", &deeper);
        let lint = |f: &str| kdm_in(dir.path(), &["lint", "--format", "json", f]);
        let (u, d) = (lint("under.yaml"), lint("deeper.yaml"));
        assert_eq!(u.code, d.code, "{n}: {}", u.stderr);
        assert_eq!(findings(&u), findings(&d), "{n}");
        assert!(
            json(&u)["errors"].as_array().is_some_and(Vec::is_empty),
            "{n}: {}",
            u.stdout
        );
    }
}
