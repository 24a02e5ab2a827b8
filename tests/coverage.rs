//! Scrape coverage over real corpus pairs: `relabel-sim --manifests` reports
//! and the coverage lint rules, with snapshots.

mod common;

use common::kdm;

const COMMUNITY: &str = "testdata/scrape-configs/prometheus-community__prometheus.yml";
const DOCS: &str = "testdata/corpus/scrape-configs/prometheus__prometheus-kubernetes.yml";
const AGENTS: &[&str] = &[
    "testdata/corpus/daemonsets/fluent-bit-kubernetes-logging__fluent-bit-ds.yaml",
    "testdata/corpus/daemonsets/metallb__speaker.yaml",
    "testdata/corpus/daemonsets/falco-exporter__daemonset.yaml",
    "testdata/corpus/daemonsets/kube-prometheus__nodeExporter-daemonset.yaml",
];
const NODE_LOCAL_DNS: &str = "testdata/corpus/daemonsets/kubernetes__nodelocaldns.yaml";

fn coverage(config: &str, manifests: &[&str], extra: &[&str]) -> common::Run {
    let mut args = vec!["relabel-sim", "--config", config, "--manifests"];
    args.extend_from_slice(manifests);
    args.extend_from_slice(extra);
    kdm(&args)
}

/// The prometheus-community chart's annotation-driven pod job against four
/// real agents: two annotated (scraped), falco-exporter with only a
/// `metrics` port (asks, not scraped), kube-prometheus's node-exporter
/// (scraped through a ServiceMonitor upstream, so not by these jobs).
#[test]
fn community_chart_against_real_agents() {
    let run = coverage(COMMUNITY, AGENTS, &["--nodes", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(
        "DaemonSet default/falco-exporter (testdata/corpus/daemonsets/falco-exporter__daemonset.yaml:1:1): 2 simulated pod(s); asks to be scraped (port named \"metrics\")"
    ));
    assert!(
        run.stdout
            .contains("1 asking to be scraped but not scraped"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("community-agents", run.stdout);
}

/// The Prometheus documentation's example against node-local-dns and its
/// annotated Service: the endpoints job and the pod job both keep it.
#[test]
fn documentation_example_with_a_service() {
    let run = coverage(DOCS, &[NODE_LOCAL_DNS], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("scraped twice: DaemonSet kube-system/node-local-dns node-cache:9253 (metrics) by kubernetes-service-endpoints and kubernetes-pods"), "{}", run.stdout);
    insta::assert_snapshot!("docs-node-local-dns", run.stdout);

    let json = coverage(DOCS, &[NODE_LOCAL_DNS], &["--output", "json"]);
    assert_eq!(json.code, 0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    let w = &v["coverage"]["workloads"][0];
    assert_eq!(w["name"], "node-local-dns");
    assert_eq!(w["pods"], 3);
    let metrics = w["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["port_name"] == "metrics")
        .unwrap();
    let endpoints = metrics["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == "kubernetes-service-endpoints")
        .unwrap();
    assert_eq!(endpoints["kept"], 3);
    assert_eq!(endpoints["scrape_url"], "http://198.18.0.1:9253/metrics");
    assert_eq!(endpoints["target"]["service"], "node-local-dns");
    assert_eq!(v["scraped_twice"].as_array().unwrap().len(), 3);

    let yaml = coverage(DOCS, &[NODE_LOCAL_DNS], &["--output", "yaml"]);
    assert_eq!(yaml.code, 0);
    assert!(yaml.stdout.contains("scraped_twice:"), "{}", yaml.stdout);
    let src = kdm::yaml::Source::new("out.yaml", yaml.stdout.clone());
    let docs = kdm::yaml::load_stream(&src, kdm::yaml::Limits::default()).expect("YAML report");
    assert_eq!(docs[0].to_json(), v);
    insta::assert_snapshot!("docs-node-local-dns.yaml", yaml.stdout);
}

#[test]
fn simulation_is_deterministic_and_sized_by_nodes() {
    let a = coverage(COMMUNITY, AGENTS, &["--nodes", "5"]);
    let b = coverage(COMMUNITY, AGENTS, &["--nodes", "5"]);
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.contains("(simulated-node-1 .. simulated-node-5)"));
    assert!(a.stdout.contains("5 simulated pod(s)"));
    let one = coverage(
        COMMUNITY,
        AGENTS,
        &["--nodes", "1", "--job", "kubernetes-pods"],
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        !one.stdout.contains("kubernetes-pods-slow"),
        "{}",
        one.stdout
    );
}

#[test]
fn input_errors() {
    let run = coverage("testdata/relabel-sim/rules.yaml", AGENTS, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--manifests needs scrape jobs"),
        "{}",
        run.stderr
    );
    let run = coverage(COMMUNITY, &["testdata/no-such.yaml"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read testdata/no-such.yaml"),
        "{}",
        run.stderr
    );
    let run = coverage(COMMUNITY, AGENTS, &["--job", "nope"]);
    assert_eq!(run.code, 2);
    let run = kdm(&["relabel-sim", "--config", COMMUNITY, "--nodes", "2"]);
    assert_eq!(run.code, 2, "--nodes needs --manifests");
    let run = coverage(COMMUNITY, &["testdata/scrape-configs"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no Kubernetes objects"),
        "{}",
        run.stderr
    );
}

/// `kdm lint` over the same pairs: the coverage rules' findings.
#[test]
fn lint_reports_coverage_findings() {
    let mut args = vec!["lint", "--format", "json", COMMUNITY];
    args.extend_from_slice(AGENTS);
    let run = kdm(&args);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("lint JSON");
    let coverage: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("scrape-")))
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!("lint-community-agents", coverage.join("\n"));

    let run = kdm(&["lint", "--format", "json", DOCS, NODE_LOCAL_DNS]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("lint JSON");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .filter(|r| r.starts_with("scrape-"))
        .collect();
    assert!(rules.contains(&"scrape-duplicate"), "{rules:?}");

    // Without a Prometheus config, the coverage rules stay silent.
    let run = kdm(&["lint", "--format", "json", NODE_LOCAL_DNS]);
    assert!(!run.stdout.contains("\"scrape-"), "{}", run.stdout);
}

/// Configs inside other YAML: a ConfigMap (Istio's Prometheus addon), Helm
/// values (the prometheus-community chart), an OpenTelemetry collector with
/// several prometheus receivers; a VictoriaMetrics config is rejected where
/// it uses a vmagent-only action, at its real line.
#[test]
fn embedded_prometheus_configs() {
    let istio = "testdata/corpus/scrape-configs/istio__addons-prometheus.yaml";
    let run = coverage(istio, &[NODE_LOCAL_DNS], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("kubernetes-pods (line "),
        "{}",
        run.stdout
    );

    let values =
        "testdata/corpus/scrape-configs/prometheus-community-helm-charts__prometheus-values.yaml";
    let run = coverage(values, &[NODE_LOCAL_DNS], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("scraped  kubernetes-service-endpoints"),
        "{}",
        run.stdout
    );

    let otel = "testdata/corpus/scrape-configs/opentelemetry-kube-stack__daemonset-prometheus-presets-collector.yaml";
    let run = coverage(otel, &[NODE_LOCAL_DNS], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("kubelet (line 45, static_configs)")
            && run.stdout.contains("kubernetes-pods (line 103"),
        "{}",
        run.stdout
    );

    let vm = "testdata/corpus/scrape-configs/victoriametrics-helm-charts__victoria-metrics-agent-values.yaml";
    let run = coverage(vm, &[NODE_LOCAL_DNS], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown relabel action \"keep_if_equal\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("victoria-metrics-agent-values.yaml:620:19"),
        "{}",
        run.stderr
    );

    // kdm lint reads the ConfigMap's config too, with real line numbers.
    let run = kdm(&["lint", "--format", "json", istio, NODE_LOCAL_DNS]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("lint JSON");
    assert!(
        v["findings"].as_array().unwrap().iter().any(|f| f["rule"]
            .as_str()
            .is_some_and(|r| r.starts_with("scrape-"))
            && f["file"] == istio),
        "{}",
        run.stdout
    );
}

/// An input error stops the coverage report: JSON and YAML name it in
/// `errors` (the analysis is null), standard error shows the diagnostic,
/// and the exit code is 2.
#[test]
fn input_errors_are_in_every_report() {
    for (name, config, manifest, place) in [
        (
            "config",
            "testdata/relabel-sim/rules.yaml",
            NODE_LOCAL_DNS,
            ("testdata/relabel-sim/rules.yaml", serde_json::Value::Null),
        ),
        (
            "manifest",
            DOCS,
            "testdata/lint-cli/broken.yaml",
            ("testdata/lint-cli/broken.yaml", serde_json::json!(5)),
        ),
    ] {
        let human = coverage(config, &[manifest], &[]);
        assert_eq!((human.code, human.stdout.as_str()), (2, ""), "{name}");
        let json = coverage(config, &[manifest], &["--format", "json"]);
        assert_eq!((json.code, &json.stderr), (2, &human.stderr), "{name}");
        let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
        assert!(v["coverage"].is_null(), "{name}");
        assert_eq!(v["errors"][0]["file"], place.0, "{name}");
        assert_eq!(v["errors"][0]["line"], place.1, "{name}");
        insta::assert_snapshot!(format!("input-error-{name}.json"), json.stdout);
        let yaml = coverage(config, &[manifest], &["--format", "yaml"]);
        assert_eq!((yaml.code, &yaml.stderr), (2, &human.stderr), "{name}");
        insta::assert_snapshot!(format!("input-error-{name}.yaml"), yaml.stdout);
    }
}

/// Every manifest is read: each one that cannot be read or parsed is an
/// error in the report and on standard error, not only the first.
#[test]
fn every_manifest_error_is_reported() {
    let manifests = [
        "testdata/lint-cli/broken.yaml",
        NODE_LOCAL_DNS,
        "testdata/errors/duplicate-key.yml",
    ];
    let run = coverage(DOCS, &manifests, &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let places: Vec<String> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}",
                e["file"].as_str().unwrap_or(""),
                e["line"],
                e["column"]
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            "testdata/lint-cli/broken.yaml:5:3",
            "testdata/errors/duplicate-key.yml:6:9"
        ]
    );
    for place in &places {
        assert!(
            run.stderr.contains(place.as_str()),
            "{place}: {}",
            run.stderr
        );
    }
}

/// A Service selects the pods but its named targetPort is no port of
/// theirs: the report says so, not "no Service selects these pods".
#[test]
fn service_with_an_undeclared_target_port() {
    let run = coverage(
        COMMUNITY,
        &["testdata/relabel-sim/service-target-port-undeclared.yaml"],
        &["--nodes", "1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "not discovered (Service monitoring/agent selects these pods, but its targetPort metrics names no port they declare)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("no Service in the input"),
        "{}",
        run.stdout
    );
}

/// `--trace` and `--target` with `--manifests`: the real falco-exporter
/// DaemonSet, selected by its pods' labels, and why the annotation job
/// does not keep its `metrics` port.
#[test]
fn trace_and_target_with_manifests() {
    let run = coverage(
        COMMUNITY,
        AGENTS,
        &[
            "--nodes",
            "1",
            "--job",
            "kubernetes-pods",
            "--target",
            "namespace=default,pod=~falco-exporter-.*",
            "--trace",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("--target selects 1 of "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(r#"does not match "true""#),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("node-exporter"), "{}", run.stdout);
    insta::assert_snapshot!("trace-and-target", run.stdout);

    let json = coverage(
        COMMUNITY,
        AGENTS,
        &[
            "--nodes",
            "1",
            "--target",
            "pod=~falco.*",
            "--trace",
            "-f",
            "json",
        ],
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    let workloads = v["coverage"]["workloads"].as_array().expect("workloads");
    assert_eq!(workloads.len(), 1);
    let job = &workloads[0]["ports"][0]["jobs"][0];
    assert_eq!(job["steps"][0]["why"]["matched"], false, "{job}");
}

const TUTORIAL: &str = "testdata/coverage/tutorial-node-exporter.yml";
const KUBE_PROMETHEUS_NODE_EXPORTER: &str =
    "testdata/corpus/daemonsets/kube-prometheus__nodeExporter-daemonset.yaml";

/// The documentation example's node jobs scrape the kubelet (port 10250 of
/// every node), not kube-prometheus's node-exporter on port 9100; its pod
/// job keeps every pod port.
#[test]
fn node_jobs_of_the_documentation_example() {
    let run = coverage(DOCS, &[KUBE_PROMETHEUS_NODE_EXPORTER], &["--nodes", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "kubernetes-nodes (line 65, role node): kept 2 of 2 simulated target(s): 2 scrape the kubelet"
        ),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("docs-node-exporter", run.stdout);
}

/// The tutorials' node-exporter job (`(.*):10250` rewritten to `${1}:9100`)
/// scrapes kube-prometheus's node-exporter through hostNetwork; its cAdvisor
/// job goes to the kubelet through the API server's node proxy.
#[test]
fn tutorial_node_exporter_job() {
    let run = coverage(
        TUTORIAL,
        &[KUBE_PROMETHEUS_NODE_EXPORTER],
        &["--nodes", "2"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "scraped  node-exporter http://198.18.0.1:9100/metrics (×2 targets) through hostNetwork"
        ),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("tutorial-node-exporter", run.stdout);

    // The input's Node objects (a real `kubectl get nodes` list) are the
    // nodes: the pods run there and the job scrapes their addresses.
    let nodes = "testdata/k8s-objects/popeye__node-list.yaml";
    let run = coverage(TUTORIAL, &[KUBE_PROMETHEUS_NODE_EXPORTER, nodes], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("the input's 1 node(s) (n1)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "scraped  node-exporter http://192.168.228.3:9100/metrics through hostNetwork"
        ),
        "{}",
        run.stdout
    );
}

/// A node-exporter in the pod network is not reached by the node job: the
/// report and `scrape-not-covered` say where the job scrapes and what to
/// change; with hostNetwork, lint is silent.
#[test]
fn node_job_and_a_pod_network_port() {
    let pod_network = "testdata/coverage/node-exporter-pod-network.yaml";
    let want = "job node-exporter scrapes 198.18.0.1:9100 but pod node-exporter-sim01 listens on 9100 only in the pod network; add hostNetwork or hostPort";
    let run = coverage(TUTORIAL, &[pod_network], &["--nodes", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("    -        {want}\n")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("NOT SCRAPED, although it asks to be"));

    // --trace shows the rewrite that sent the job to the node's port, and
    // --target keeps the port of the pods it names.
    let traced = coverage(
        TUTORIAL,
        &[pod_network],
        &[
            "--nodes",
            "2",
            "--trace",
            "--target",
            "pod=~node-exporter-.*",
        ],
    );
    assert_eq!(traced.code, 0, "{}", traced.stderr);
    assert!(
        traced.stdout.contains(want)
            && traced
                .stdout
                .contains("[__address__] \"198.18.0.1:10250\" matches \"(.*):10250\""),
        "{}",
        traced.stdout
    );
    let other = coverage(TUTORIAL, &[pod_network], &["--target", "pod=other"]);
    assert!(!other.stdout.contains(want), "{}", other.stdout);

    let json = coverage(TUTORIAL, &[pod_network], &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    assert_eq!(v["not_scraped"][0]["why"][0], want);
    assert_eq!(v["coverage"]["jobs"][0]["reach"]["pod_network_only"], 3);

    let lint = |manifest: &str| {
        let run = kdm(&["lint", "--format", "json", TUTORIAL, manifest]);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("lint JSON");
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("scrape-")))
            .map(|f| {
                format!(
                    "{}: {}",
                    f["rule"].as_str().unwrap_or(""),
                    f["help"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(lint(pod_network), [format!("scrape-not-covered: {want}")]);
    assert!(lint("testdata/coverage/node-exporter-host-network.yaml").is_empty());
}
