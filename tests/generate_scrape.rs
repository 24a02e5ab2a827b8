//! `kdm generate daemonset --scrape-with`: each discovery mechanism, proven
//! through the simulation users run. The generated manifests are scheduled
//! on simulated nodes by `kdm relabel-sim --manifests`, against a Prometheus
//! that already runs the prometheus-community chart's annotation-driven jobs
//! (kubernetes-pods, kubernetes-service-endpoints, ...) plus what the chosen
//! mechanism adds (the written scrape job, or the jobs `kdm operator-config`
//! compiles from the monitors): every DaemonSet must be scraped exactly once,
//! on its metrics port, at its path.

mod common;

use common::{kdm, kdm_in, Run};
use serde_json::{json, Value};

const NODES: usize = 3;
/// Annotation-driven jobs (pods and Services annotated prometheus.io/scrape).
const CHART_CONFIG: &str = "testdata/scrape-configs/prometheus-community__prometheus.yml";
/// The Prometheus documentation's example: its kubernetes-pods job keeps
/// every pod port, annotated or not.
const DOCS_CONFIG: &str = "testdata/scrape-configs/prometheus__prometheus-kubernetes.yml";

fn root(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn yaml_docs(text: &str) -> Vec<Value> {
    let src = kdm::yaml::Source::new("out", text.to_string());
    kdm::input::load_yaml(&src)
        .expect("YAML parses")
        .iter()
        .map(|d| d.to_json())
        .collect()
}

fn jobs_of(text: &str) -> Vec<Value> {
    yaml_docs(text)
        .into_iter()
        .flat_map(|d| d["scrape_configs"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// What one DaemonSet scenario expects.
struct Scenario {
    template: &'static str,
    args: &'static [&'static str],
    scheme: &'static str,
    path: &'static str,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        template: "node-exporter",
        args: &[],
        scheme: "http",
        path: "/metrics",
    },
    Scenario {
        template: "fluent-bit",
        args: &[],
        scheme: "http",
        path: "/api/v2/metrics/prometheus",
    },
    Scenario {
        template: "opentelemetry-collector",
        args: &[],
        scheme: "http",
        path: "/metrics",
    },
    Scenario {
        template: "alloy",
        args: &[],
        scheme: "http",
        path: "/metrics",
    },
    Scenario {
        template: "generic",
        args: &[
            "--image",
            "ghcr.io/acme/agent:1.0",
            "--name",
            "acme-agent",
            "--namespace",
            "ops",
            "--port",
            "9400",
            "--set",
            "metrics.scheme=https",
            "--set",
            "metrics.path=/stats",
        ],
        scheme: "https",
        path: "/stats",
    },
];

/// Generates `scenario` scraped `with`, into `dir`: the manifests
/// (`ds.yaml`) and the jobs the mechanism adds to the cluster's Prometheus.
fn generate(dir: &std::path::Path, scenario: &Scenario, with: &str) -> (Vec<Value>, Vec<Value>) {
    let mut args = vec![
        "generate",
        "daemonset",
        "--template",
        scenario.template,
        "-o",
        "ds.yaml",
        "--scrape-with",
        with,
    ];
    if with == "scrape-config" {
        args.extend(["--scrape-config", "scrape.yml"]);
    }
    args.extend_from_slice(scenario.args);
    let run = kdm_in(dir, &args);
    assert_eq!(run.code, 0, "{} {with}: {}", scenario.template, run.stderr);
    // Lint-clean: only the "wrote" lines.
    assert!(
        run.stderr.lines().all(|l| l.starts_with("wrote ")),
        "{} {with}: {}",
        scenario.template,
        run.stderr
    );
    let manifests = yaml_docs(&std::fs::read_to_string(dir.join("ds.yaml")).unwrap());
    let added = match with {
        "scrape-config" => jobs_of(&std::fs::read_to_string(dir.join("scrape.yml")).unwrap()),
        "pod-monitor" | "service-monitor" => operator_jobs(dir),
        _ => Vec::new(),
    };
    (manifests, added)
}

/// The jobs prometheus-operator would write for the generated monitors.
fn operator_jobs(dir: &std::path::Path) -> Vec<Value> {
    let run = kdm_in(dir, &["operator-config", "ds.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The operator's config reloader substitutes each Prometheus pod's shard
    // number for $(SHARD); an unsharded Prometheus is shard 0.
    jobs_of(&run.stdout.replace("$(SHARD)", "0"))
}

/// Runs coverage of `ds.yaml` in `dir` against `jobs`.
fn coverage(dir: &std::path::Path, jobs: Vec<Value>) -> Value {
    std::fs::write(
        dir.join("prometheus.json"),
        serde_json::to_string_pretty(&json!({ "scrape_configs": jobs })).unwrap(),
    )
    .unwrap();
    let nodes = NODES.to_string();
    let run: Run = kdm_in(
        dir,
        &[
            "relabel-sim",
            "-c",
            "prometheus.json",
            "--manifests",
            "ds.yaml",
            "--nodes",
            &nodes,
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("relabel-sim JSON")
}

/// Asserts that the DaemonSet is scraped by exactly one job, once per pod,
/// on its metrics port; returns that job's outcome.
fn scraped_once(report: &Value, ds: &Value, scenario: &Scenario, what: &str) -> Value {
    assert_eq!(report["scraped_twice"], json!([]), "{what}");
    let workload = report["coverage"]["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "DaemonSet")
        .unwrap_or_else(|| panic!("{what}: no DaemonSet in {report}"));
    let port = &ds["spec"]["template"]["spec"]["containers"][0]["ports"][0];
    // A pod role job that rewrites every declared port's address to the
    // annotated one makes the same target (job and URL) of each port, which
    // Prometheus scrapes once: it counts at the port it names.
    let mut scraped: Vec<(Value, Value)> = Vec::new();
    for p in workload["ports"].as_array().unwrap() {
        for j in p["jobs"].as_array().unwrap() {
            let same = |(_, k): &(Value, Value)| {
                k["job"] == j["job"] && k["scrape_url"] == j["scrape_url"]
            };
            if j["kept"].as_u64().unwrap_or(0) == 0 {
                continue;
            }
            match scraped.iter().position(same) {
                Some(i) if p["port"] == port["containerPort"] => {
                    scraped[i] = (p.clone(), j.clone())
                }
                Some(_) => {}
                None => scraped.push((p.clone(), j.clone())),
            }
        }
    }
    assert_eq!(scraped.len(), 1, "{what}: scraped by {scraped:?}");
    let (p, j) = scraped.remove(0);
    assert_eq!(p["port"], port["containerPort"], "{what}");
    assert_eq!(p["port_name"], port["name"], "{what}");
    assert_eq!(j["kept"], json!(NODES), "{what}: one target per pod");
    let url = j["scrape_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}://", scenario.scheme))
            && url.ends_with(&format!(":{}{}", port["containerPort"], scenario.path)),
        "{what}: {url}"
    );
    j
}

#[test]
fn each_choice_is_scraped_exactly_once() {
    let chart = jobs_of(&std::fs::read_to_string(root(CHART_CONFIG)).unwrap());
    for scenario in SCENARIOS {
        for with in [
            "annotations",
            "scrape-config",
            "pod-monitor",
            "service-monitor",
        ] {
            let what = format!("{} --scrape-with {with}", scenario.template);
            let dir = tempfile::tempdir().unwrap();
            let (manifests, added) = generate(dir.path(), scenario, with);
            let ds = manifests.iter().find(|d| d["kind"] == "DaemonSet").unwrap();
            let name = ds["metadata"]["name"].as_str().unwrap();
            let namespace = ds["metadata"]["namespace"].as_str().unwrap();
            let annotated = ds["spec"]["template"]["metadata"]["annotations"]
                .get("prometheus.io/scrape")
                .is_some();
            assert_eq!(annotated, with == "annotations", "{what}");
            let kinds: Vec<&str> = manifests
                .iter()
                .filter_map(|d| d["kind"].as_str())
                .collect();
            assert_eq!(
                kinds.contains(&"PodMonitor"),
                with == "pod-monitor",
                "{what}"
            );
            assert_eq!(
                kinds.contains(&"ServiceMonitor") && kinds.contains(&"Service"),
                with == "service-monitor",
                "{what}"
            );
            assert_eq!(added.is_empty(), with == "annotations", "{what}");

            let mut jobs = chart.clone();
            jobs.extend(added);
            let report = coverage(dir.path(), jobs);
            let outcome = scraped_once(&report, ds, scenario, &what);
            let job = outcome["job"].as_str().unwrap();
            let labels = &outcome["target"];
            match with {
                "annotations" => assert_eq!(job, "kubernetes-pods", "{what}"),
                "scrape-config" => assert_eq!(job, name, "{what}"),
                "pod-monitor" => {
                    assert_eq!(job, format!("podMonitor/{namespace}/{name}/0"), "{what}")
                }
                _ => assert_eq!(
                    job,
                    format!("serviceMonitor/{namespace}/{name}/0"),
                    "{what}"
                ),
            }
            if with != "annotations" {
                // Every kdm-written discovery names the node the same way.
                assert_eq!(labels["job"], name, "{what}");
                assert_eq!(labels["instance"], labels["node"], "{what}");
                assert!(
                    labels["node"]
                        .as_str()
                        .is_some_and(|n| n.starts_with("simulated-node-")),
                    "{what}: {labels}"
                );
                assert_eq!(labels["namespace"], namespace, "{what}");
            }
        }
    }
}

/// The Prometheus documentation's kubernetes-pods job, which keeps every pod
/// port: the annotated default is scraped once by it.
#[test]
fn annotations_with_the_documentation_job() {
    let docs: Vec<Value> = jobs_of(&std::fs::read_to_string(root(DOCS_CONFIG)).unwrap())
        .into_iter()
        .filter(|j| j["job_name"] == "kubernetes-pods")
        .collect();
    let scenario = &SCENARIOS[0];
    let dir = tempfile::tempdir().unwrap();
    let (manifests, _) = generate(dir.path(), scenario, "annotations");
    let ds = manifests.iter().find(|d| d["kind"] == "DaemonSet").unwrap();
    let report = coverage(dir.path(), docs);
    let outcome = scraped_once(&report, ds, scenario, "documentation job");
    assert_eq!(outcome["job"], "kubernetes-pods");
}

#[test]
fn monitors() {
    for with in ["pod-monitor", "service-monitor"] {
        let run = kdm(&["generate", "daemonset", "--scrape-with", with]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stderr, "", "lint-clean");
        insta::assert_snapshot!(format!("node-exporter-{with}"), run.stdout);
    }
    // Labels a Prometheus selects monitors by.
    for (with, value) in [
        ("pod-monitor", "podMonitor.labels.release=kps"),
        ("service-monitor", "serviceMonitor.labels.release=kps"),
    ] {
        let run = kdm(&[
            "generate",
            "daemonset",
            "--scrape-with",
            with,
            "--set",
            value,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let monitor = yaml_docs(&run.stdout)
            .into_iter()
            .find(|d| d["kind"].as_str().is_some_and(|k| k.ends_with("Monitor")))
            .unwrap();
        assert_eq!(monitor["metadata"]["labels"]["release"], "kps");
        assert_eq!(
            monitor["metadata"]["labels"]["app.kubernetes.io/name"],
            "node-exporter"
        );
    }
}

#[test]
fn choices_that_cannot_work_are_refused() {
    let refused = |args: &[&str], expected: &[&str]| {
        let mut all = vec!["generate", "daemonset"];
        all.extend_from_slice(args);
        let run = kdm(&all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        for e in expected {
            assert!(run.stderr.contains(e), "{args:?}: {}", run.stderr);
        }
    };
    for with in ["scrape-config", "pod-monitor", "service-monitor"] {
        refused(
            &["--scrape-with", with, "--set", "metrics.enabled=false"],
            &[
                &format!("cannot scrape with {with} (chosen by --scrape-with)"),
                "metrics.enabled is false",
                "--set:1:17",
            ],
        );
    }
    refused(
        &[
            "--template",
            "generic",
            "--image",
            "a:1",
            "--set",
            "port=null",
            "--scrape-with",
            "pod-monitor",
        ],
        &["cannot scrape with pod-monitor", "port is null"],
    );
    // --scrape-config used to write a job for a DaemonSet without metrics.
    let dir = tempfile::tempdir().unwrap();
    let run = kdm_in(
        dir.path(),
        &[
            "generate",
            "daemonset",
            "--set",
            "metrics.enabled=false",
            "--scrape-config",
            "s.yml",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot scrape with scrape-config (chosen by --scrape-config)"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("s.yml").exists());
    // Without metrics, annotations (the default) is fine: nothing is annotated.
    let run = kdm(&["generate", "daemonset", "--set", "metrics.enabled=false"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("prometheus.io/"), "{}", run.stdout);

    refused(
        &["--scrape-with", "scrape-config"],
        &["no --scrape-config FILE says where", "--scrape-with:1:15"],
    );
    refused(
        &["--scrape-with", "pod-monitor", "--scrape-config", "s.yml"],
        &["--scrape-config FILE writes a scrape job, but --scrape-with pod-monitor"],
    );
    refused(
        &["--set", "metrics.scrapeWith=podmonitor"],
        &["metrics.scrapeWith", "pod-monitor"],
    );
    refused(
        &["-f", "testdata/generate/scrape-with-old-values.yaml"],
        &[
            "unknown field \"annotations\"",
            "scrape-with-old-values.yaml:3:3",
            "replaced by metrics.scrapeWith",
        ],
    );
    // A values file can choose; the flags still win.
    refused(
        &["-f", "testdata/generate/scrape-with-values.yaml"],
        &["no --scrape-config FILE", "scrape-with-values.yaml:2:15"],
    );
    let run = kdm(&[
        "generate",
        "daemonset",
        "-f",
        "testdata/generate/scrape-with-values.yaml",
        "--scrape-with",
        "pod-monitor",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("kind: PodMonitor"), "{}", run.stdout);
    // Help names the choices.
    let run = kdm(&["generate", "daemonset", "--help"]);
    assert!(
        run.stdout.contains("pod-monitor") && run.stdout.contains("podMonitor.labels"),
        "{}",
        run.stdout
    );
}

/// A user template that ignores `metrics.scrapeWith` (it has no such value
/// and annotates its pods) cannot be scraped a second way.
#[test]
fn user_templates_must_follow_the_choice() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("t");
    std::fs::create_dir(&template).unwrap();
    let main = std::fs::read_to_string(root("testdata/generate/template-dir/daemonset.yaml.j2"))
        .unwrap()
        .replace(
            "      labels: {{ selector(values.name) }}\n    spec:",
            "      labels: {{ selector(values.name) }}\n      annotations: {prometheus.io/scrape: \"true\"}\n    spec:",
        );
    assert!(main.contains("prometheus.io/scrape"));
    std::fs::write(template.join("daemonset.yaml.j2"), main).unwrap();
    std::fs::copy(
        root("testdata/generate/template-dir/labels.j2"),
        template.join("labels.j2"),
    )
    .unwrap();
    std::fs::write(
        template.join("values.yaml"),
        "name: tiny\nnamespace: default\nimage: a:1\nport: 9400\n",
    )
    .unwrap();
    let t = template.to_str().unwrap();
    let run = kdm_in(
        dir.path(),
        &[
            "generate",
            "daemonset",
            "--template",
            t,
            "--scrape-config",
            "s.yml",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("would scrape them a second time"),
        "{}",
        run.stderr
    );
    let run = kdm_in(
        dir.path(),
        &[
            "generate",
            "daemonset",
            "--template",
            t,
            "--scrape-with",
            "pod-monitor",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    // Without annotations, --scrape-config works on any template.
    std::fs::write(
        template.join("daemonset.yaml.j2"),
        std::fs::read_to_string(root("testdata/generate/template-dir/daemonset.yaml.j2")).unwrap(),
    )
    .unwrap();
    let run = kdm_in(
        dir.path(),
        &[
            "generate",
            "daemonset",
            "--template",
            t,
            "--scrape-config",
            "s.yml",
            "-o",
            "ds.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = kdm_in(
        dir.path(),
        &[
            "generate",
            "daemonset",
            "--template",
            t,
            "--scrape-with",
            "pod-monitor",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("needs a PodMonitor, and the template wrote none"),
        "{}",
        run.stderr
    );
}
