//! Prometheus resources and monitors wherever a Prometheus config is read:
//! `relabel-sim --config` (targets, series, `--manifests`), `kdm lint` and
//! `kdm test`, with every place pointing into the monitors' YAML.

mod common;

use common::kdm;

const KP: &str = "testdata/operator/kube-prometheus";
const NODE_EXPORTER_SM: &str = "testdata/operator/kube-prometheus/nodeExporter-serviceMonitor.yaml";

#[test]
fn a_trace_shows_each_rule_at_its_line_in_the_service_monitor() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        NODE_EXPORTER_SM,
        "-t",
        "testdata/operator/cli/node-exporter-targets.yaml",
        "--trace",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The relabeling written in the ServiceMonitor, at its line there.
    let user = format!("[15] replace ({NODE_EXPORTER_SM}:17)  + instance=\"worker-1\"");
    assert!(r.stdout.contains(&user), "{}", r.stdout);
    // A rule the operator adds, labelled as such, at the endpoint's line.
    let added = format!(
        "[1] keep (added by prometheus-operator for ServiceMonitor monitoring/node-exporter, {NODE_EXPORTER_SM}:13)"
    );
    assert!(r.stdout.contains(&added), "{}", r.stdout);
    assert!(r.stdout.starts_with(&format!(
        "job \"serviceMonitor/monitoring/node-exporter/0\" ({NODE_EXPORTER_SM}:13)"
    )));
    // No Prometheus in the input: the stand-in, and a note that says so.
    assert!(
        r.stderr.contains("no Prometheus resource in the input"),
        "{}",
        r.stderr
    );
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn json_steps_name_the_file_of_a_generated_rule() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        NODE_EXPORTER_SM,
        "-t",
        "testdata/operator/cli/node-exporter-targets.yaml",
        "--trace",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let steps = v["results"][0]["steps"].as_array().expect("steps");
    assert_eq!(
        steps[15]["origin"],
        serde_json::json!({"file": NODE_EXPORTER_SM, "line": 17})
    );
    assert_eq!(steps[15]["line"], 17);
    assert_eq!(
        steps[0]["origin"]["added_by"],
        "prometheus-operator for ServiceMonitor monitoring/node-exporter"
    );
}

#[test]
fn coverage_of_the_node_exporter_daemonset_by_its_service_monitor() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        NODE_EXPORTER_SM,
        "--manifests",
        "testdata/operator/kube-prometheus/nodeExporter-daemonset.yaml",
        "testdata/operator/kube-prometheus/nodeExporter-service.yaml",
        "--nodes",
        "2",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "scraped  serviceMonitor/monitoring/node-exporter/0 https://198.18.0.1:9100/metrics (×2 targets)"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 scraped"), "{}", r.stdout);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn a_directory_is_the_prometheus_with_the_monitors_it_selects() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        KP,
        "--manifests",
        "testdata/operator/kube-prometheus/nodeExporter-daemonset.yaml",
        "testdata/operator/kube-prometheus/nodeExporter-service.yaml",
        "--job",
        "serviceMonitor/monitoring/node-exporter/0",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let job = &v["coverage"]["jobs"][0];
    assert_eq!(job["job"], "serviceMonitor/monitoring/node-exporter/0");
    // The Prometheus asks for EndpointSlice discovery.
    assert_eq!(job["roles"][0], "endpointslice");
    assert_eq!(job["origin"]["file"], NODE_EXPORTER_SM);
    assert_eq!(job["kept"], 3);
    assert!(
        r.stderr.contains("of Prometheus monitoring/k8s"),
        "{}",
        r.stderr
    );
}

#[test]
fn several_prometheus_resources_are_several_configs_to_choose_from() {
    let two = "testdata/operator/cli/two-prometheus.yaml";
    let r = kdm(&[
        "relabel-sim",
        "-c",
        two,
        "-t",
        "testdata/relabel-sim/labels.json",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "the input defines 2 Prometheus configs (Prometheus monitoring/apps, PrometheusAgent monitoring/nodes)"
        ),
        "{}",
        r.stderr
    );
    let series = "testdata/operator/cli/node-agent-series.txt";
    let r = kdm(&[
        "relabel-sim",
        "-c",
        two,
        "--prometheus",
        "nodes",
        "--series",
        series,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("by metric_relabel_configs[0] (drop, {two}:48)")),
        "{}",
        r.stdout
    );
    let r = kdm(&[
        "relabel-sim",
        "-c",
        two,
        "--prometheus",
        "monitoring/apps",
        "--job",
        "serviceMonitor/apps/web/0",
        "-t",
        "testdata/relabel-sim/labels.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = kdm(&[
        "relabel-sim",
        "-c",
        two,
        "--prometheus",
        "nope",
        "-t",
        "testdata/relabel-sim/labels.json",
    ]);
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .contains("no Prometheus or PrometheusAgent named \"nope\""));
    // --prometheus chooses among resources; a prometheus.yml has none.
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/scrape-configs/prometheus-community__prometheus.yml",
        "--prometheus",
        "k8s",
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn refused_monitors_are_warned_at_their_line_and_get_no_job() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/operator/cli/refused.yaml",
        "-t",
        "testdata/operator/cli/node-exporter-targets.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("prometheus-operator would refuse ServiceMonitor apps/slow"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("refused.yaml:49:22"), "{}", r.stderr);
    assert!(!r.stdout.contains("serviceMonitor/apps/slow/0"));
    assert!(r
        .stdout
        .contains("serviceMonitor/monitoring/node-exporter/0"));
}

#[test]
fn lint_findings_point_at_the_relabeling_in_the_monitor() {
    let r = kdm(&[
        "lint",
        "--config",
        "testdata/operator/cli/scrape-rules-only.kdm.yaml",
        "testdata/operator/cli/lint-monitors.yaml",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The misspelt meta label, at its place in `sourceLabels`.
    assert!(
        r.stdout
            .contains("warning[meta-label-unknown]: `__meta_kubernetes_pod_node_nam`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("lint-monitors.yaml:16:26]"),
        "{}",
        r.stdout
    );
    // Coverage names the monitor's rule that drops the DaemonSet.
    assert!(
        r.stdout.contains(
            "podMonitor/monitoring/agent/0 dropped it by relabel_configs[9] (keep, testdata/operator/cli/lint-monitors.yaml:31)"
        ),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn lint_reports_refused_monitors() {
    let r = kdm(&[
        "lint",
        "--format",
        "json",
        "testdata/operator/cli/refused.yaml",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let refused: Vec<(String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "monitor-refused")
        .map(|f| {
            (
                f["message"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0].1, 49);
    assert!(refused[1].0.contains("apps/bad-regex"));
    // What the Prometheus does not select is monitor-not-selected's.
    let unselected = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "monitor-not-selected")
        .expect("monitor-not-selected");
    assert_eq!(unselected["line"], 72);
    let notes = v["notes"].to_string();
    assert!(notes.contains("linted as the Prometheus config"), "{notes}");
}

#[test]
fn a_test_file_names_monitors_as_its_config() {
    let r = kdm(&["test", "testdata/test/kube-prometheus-monitors.test.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.ends_with("2 passed, 0 failed\n"), "{}", r.stdout);
}

#[test]
fn kube_prometheus_stack_values_are_the_prometheus_the_chart_renders() {
    let r = kdm(&["operator-config", "testdata/operator/helm/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "# Prometheus monitoring/kps-kube-prometheus-stack-prometheus: generated as prometheus-operator v0.93.0 would for Prometheus v3.5.0\n"
    ));
    let jobs: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("- job_name: "))
        .collect();
    // Selected by `release: kps`; the values' own monitor; every PodMonitor.
    assert_eq!(
        jobs,
        [
            "serviceMonitor/apps/api/0",
            "serviceMonitor/monitoring/node-exporter-extra/0",
            "podMonitor/kube-system/agent/0"
        ]
    );
    assert!(
        r.stderr.contains("does not select ServiceMonitor apps/forgotten: its labels do not match the serviceMonitorSelector: add the label `release: kps`"),
        "{}",
        r.stderr
    );
    // Another release: its name, its label.
    let r = kdm(&[
        "operator-config",
        "--helm-release",
        "prod",
        "testdata/operator/helm/",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("prometheus: monitoring/prod-kube-prometheus-stack-prometheus"));
    assert!(!r.stdout.contains("serviceMonitor/apps/api/0"));
    assert!(
        r.stderr.contains("add the label `release: prod`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_trace_through_values_points_at_the_values_file() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/operator/helm/values.yaml",
        "-t",
        "testdata/operator/helm/node-exporter-targets.yaml",
        "--trace",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "job \"serviceMonitor/monitoring/node-exporter-extra/0\" (testdata/operator/helm/values.yaml:44)"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("[12] replace (testdata/operator/helm/values.yaml:47)  + node=\"worker-1\""),
        "{}",
        r.stdout
    );
    // lint reads the release from .kdm.yaml or --helm-release.
    let r = kdm(&[
        "lint",
        "--helm-release",
        "prod",
        "--format",
        "json",
        "testdata/operator/helm/",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let notes = v["notes"].to_string();
    assert!(notes.contains("for release \\\"prod\\\""), "{notes}");
    // The values' Prometheus selects monitors labelled for the release.
    let unselected: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "monitor-not-selected")
        .collect();
    assert_eq!(unselected.len(), 2, "{unselected:?}");
    assert!(unselected[0]["help"]
        .as_str()
        .unwrap_or("")
        .contains("add the label `release: prod`"));
}

#[test]
fn a_test_file_chooses_among_several_prometheus_configs() {
    let dir = tempfile::tempdir().unwrap();
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/operator/cli/two-prometheus.yaml");
    let test = |choice: &str| {
        format!(
            "config: {}\n{choice}tests:\n  - name: a target without the Service's labels\n    job: serviceMonitor/apps/web/0\n    targets: [{{__address__: \"10.0.0.1:80\"}}]\n    expect: [{{dropped: {{rule: 1}}}}]\n",
            config.display()
        )
    };
    let path = dir.path().join("web.test.yaml");
    std::fs::write(&path, test("")).unwrap();
    let r = kdm(&["test", path.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("defines 2 Prometheus configs"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("web.test.yaml:1:9"), "{}", r.stderr);
    std::fs::write(&path, test("prometheus: monitoring/apps\n")).unwrap();
    let r = kdm(&["test", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn lint_reports_a_malformed_monitor_and_lints_the_others() {
    let file = "testdata/operator/cli/malformed-monitor.yaml";
    // schema-invalid reports the monitor kdm cannot read; no input error
    // repeats it.
    let r = kdm(&["lint", "--format", "json", file]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["errors"], serde_json::json!([]));
    let found: Vec<(String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("schema-invalid".to_string(), 9),
            ("meta-label-unknown".to_string(), 19)
        ]
    );
    // With schema-invalid off, the monitor is an input error at its line.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kdm.yaml");
    std::fs::write(&config, "rules:\n  schema-invalid: off\n").unwrap();
    let r = kdm(&[
        "lint",
        "--format",
        "json",
        "--config",
        config.to_str().unwrap(),
        file,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["errors"][0]["message"], "expected endpoints (a list)");
    assert_eq!(v["errors"][0]["line"], 9);
    assert_eq!(v["findings"][0]["rule"], "meta-label-unknown");
    assert_eq!(v["findings"][0]["line"], 19);
}

#[test]
fn a_monitor_at_an_unserved_api_version_is_not_compiled() {
    let file = "testdata/operator/cli/unserved-monitor.yaml";
    let r = kdm(&["lint", "--format", "json", file]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["errors"], serde_json::json!([]));
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["schema-invalid"]);
    assert_eq!(v["findings"][0]["line"], 3);
    let r = kdm(&["operator-config", file]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("is not served for ServiceMonitor")
            && r.stderr.contains("unserved-monitor.yaml:3:13")
            && r.stderr
                .contains("use apiVersion: monitoring.coreos.com/v1"),
        "{}",
        r.stderr
    );
}

#[test]
fn coverage_names_the_first_broken_link_from_prometheus_to_the_port() {
    let dir = "testdata/operator/why-not-scraping";
    let r = kdm(&["relabel-sim", "-c", dir, "--manifests", dir]);
    assert!(
        r.stdout.contains("  note: ServiceMonitor observability/node-agent selects Service observability/node-agent, but Prometheus monitoring/kps-kube-prometheus-stack-prometheus does not select it: its labels do not match the serviceMonitorSelector: add the label `release: kps`\n"),
        "{}",
        r.stdout
    );
    // With the label the Prometheus selects, the port is the next link,
    // for relabel-sim and for lint's scrape-not-covered.
    let tmp = tempfile::tempdir().unwrap();
    for f in ["node-agent.yaml", "prometheus.yaml"] {
        let text = std::fs::read_to_string(format!("{dir}/{f}")).unwrap();
        let text = text.replace(
            "    app.kubernetes.io/name: node-agent\nspec:\n  selector:",
            "    app.kubernetes.io/name: node-agent\n    release: kps\nspec:\n  selector:",
        );
        std::fs::write(tmp.path().join(f), text).unwrap();
    }
    let fixed = tmp.path().to_str().unwrap();
    let port = "ServiceMonitor observability/node-agent selects Service observability/node-agent, whose ports are named http-metrics: no port named `metrics`";
    let r = kdm(&["relabel-sim", "-c", fixed, "--manifests", fixed]);
    assert!(
        r.stdout.contains(&format!("  note: {port}\n")),
        "{}",
        r.stdout
    );
    let r = kdm(&["lint", "--format", "json", fixed]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let help = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "scrape-not-covered")
        .and_then(|f| f["help"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(help.starts_with(port), "{help}");
}

#[test]
fn additional_scrape_configs_follow_the_generated_jobs() {
    let dir = "testdata/operator/additional";
    let r = kdm(&["operator-config", dir]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let jobs: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("- job_name: "))
        .collect();
    assert_eq!(
        jobs,
        [
            "serviceMonitor/observability/node-agent/0",
            "kubernetes-pods"
        ]
    );
    // The agent asks to be scraped through its annotations and has a
    // ServiceMonitor: one Prometheus scrapes it twice.
    let twice = scrape_duplicates(dir);
    assert_eq!(
        twice,
        ["DaemonSet/observability/node-agent port agent:9100 (metrics) is scraped by 2 jobs: serviceMonitor/observability/node-agent/0, kubernetes-pods"]
    );

    // A second ServiceMonitor for the same Service: three jobs.
    let two = tempfile::tempdir().unwrap();
    for f in ["agent.yaml", "prometheus.yaml"] {
        std::fs::copy(format!("{dir}/{f}"), two.path().join(f)).unwrap();
    }
    let agent = std::fs::read_to_string(format!("{dir}/agent.yaml")).unwrap();
    let monitor = agent.rsplit("---\n").next().unwrap_or_default();
    std::fs::write(
        two.path().join("copy.yaml"),
        monitor.replace(
            "name: node-agent, namespace",
            "name: node-agent-copy, namespace",
        ),
    )
    .unwrap();
    let twice = scrape_duplicates(two.path().to_str().unwrap());
    assert_eq!(
        twice,
        ["DaemonSet/observability/node-agent port agent:9100 (metrics) is scraped by 3 jobs: serviceMonitor/observability/node-agent/0, serviceMonitor/observability/node-agent-copy/0, kubernetes-pods"]
    );

    // The same jobs base64-encoded in `data`; without the Secret, a note.
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!("{dir}/prometheus.yaml")).unwrap();
    let (head, secret) = text.split_once("---\n").unwrap();
    let value = secret
        .split_once("prometheus-additional.yaml: |\n")
        .unwrap()
        .1;
    let value: String = value.lines().map(|l| format!("{}\n", &l[4..])).collect();
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, value);
    let with_data = format!(
        "{head}---\napiVersion: v1\nkind: Secret\nmetadata: {{name: additional-scrape-configs, namespace: monitoring}}\ndata:\n  prometheus-additional.yaml: {encoded}\n"
    );
    std::fs::write(tmp.path().join("p.yaml"), with_data).unwrap();
    let r = kdm(&["operator-config", tmp.path().to_str().unwrap()]);
    assert!(
        r.stdout.contains("- job_name: kubernetes-pods\n"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    std::fs::write(tmp.path().join("p.yaml"), head).unwrap();
    let r = kdm(&["operator-config", tmp.path().to_str().unwrap()]);
    assert!(!r.stdout.contains("kubernetes-pods"), "{}", r.stdout);
    assert!(
        r.stderr.contains("Prometheus monitoring/k8s: additionalScrapeConfigs names Secret monitoring/additional-scrape-configs, which is not in the input: its jobs are left out"),
        "{}",
        r.stderr
    );
}

#[test]
fn kube_prometheus_stack_values_carry_additional_scrape_configs() {
    let tmp = tempfile::tempdir().unwrap();
    let values = std::fs::read_to_string("testdata/operator/helm/values.yaml").unwrap();
    let values = values.replace(
        "    retention: 10d\n",
        "    retention: 10d\n    additionalScrapeConfigs:\n      - job_name: kubernetes-pods\n        kubernetes_sd_configs: [{role: pod}]\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]\n            action: keep\n            regex: \"true\"\n",
    );
    let path = tmp.path().join("values.yaml");
    std::fs::write(&path, values).unwrap();
    let r = kdm(&["operator-config", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let last = r.stdout.rsplit("- job_name: ").next().unwrap_or_default();
    assert!(last.starts_with("kubernetes-pods\n"), "{}", r.stdout);
    assert!(last.contains("regex: \"true\"\n"), "{last}");
}

/// The messages of `kdm lint`'s scrape-duplicate findings over `path`.
fn scrape_duplicates(path: &str) -> Vec<String> {
    let r = kdm(&["lint", "--format", "json", path]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "scrape-duplicate")
        .filter_map(|f| f["message"].as_str().map(String::from))
        .collect()
}
