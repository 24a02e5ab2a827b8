//! Every built-in template over a matrix of overrides (port, name,
//! namespace, image, metrics off, host mounts, each --scrape-with): each
//! output must use one value everywhere (the agent's flags and config files
//! listen where `containerPort`, the probes and the annotations say), probe
//! only declared ports, mention no overridden default, be lint-clean at
//! warning level, pass kubernetes-validate (when installed), and be scraped
//! exactly once (or not at all without metrics) through
//! `kdm relabel-sim --manifests`.

mod common;

use common::kdm_in;
use serde_json::{json, Value};

const CHART_CONFIG: &str = "testdata/scrape-configs/prometheus-community__prometheus.yml";
const NODES: usize = 2;

struct Builtin {
    name: &'static str,
    base: &'static [&'static str],
    /// The defaults an override must leave no trace of.
    port: u16,
    namespace: &'static str,
    tag: &'static str,
    /// Paths the agent's image defines, which may contain the default name.
    image_paths: &'static [&'static str],
}

const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "node-exporter",
        base: &[],
        port: 9100,
        namespace: "monitoring",
        tag: "v1.9.1",
        image_paths: &[],
    },
    Builtin {
        name: "fluent-bit",
        base: &[],
        port: 2020,
        namespace: "logging",
        tag: "4.0.3",
        image_paths: &["/fluent-bit/"],
    },
    Builtin {
        name: "opentelemetry-collector",
        base: &[],
        port: 8888,
        namespace: "observability",
        tag: "0.158.0",
        image_paths: &[],
    },
    Builtin {
        name: "alloy",
        base: &[],
        port: 12345,
        namespace: "monitoring",
        tag: "v1.18.1",
        image_paths: &["/etc/alloy", "/tmp/alloy"],
    },
    Builtin {
        name: "generic",
        base: &["--image", "ghcr.io/acme/node-agent:1.4.2"],
        port: 8080,
        namespace: "kube-system",
        tag: "1.4.2",
        image_paths: &[],
    },
];

const VARIANTS: &[&[&str]] = &[
    &[],
    &["--port", "9311"],
    &["--name", "agent-x"],
    &["--namespace", "ops"],
    &["--image", "registry.local:5000/team/agent:2.0"],
    &["--set", "metrics.enabled=false"],
    &["--set", "hostMounts=[]"],
    &[
        "--port",
        "9311",
        "--name",
        "agent-x",
        "--namespace",
        "ops",
        "--image",
        "registry.local:5000/team/agent:2.0",
        "--set",
        "port.name=web",
    ],
];

const SCRAPE_WITH: &[&str] = &[
    "annotations",
    "scrape-config",
    "pod-monitor",
    "service-monitor",
];

fn root(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn docs(text: &str) -> Vec<Value> {
    let src = kdm::yaml::Source::new("out", text.to_string());
    kdm::input::load_yaml(&src)
        .expect("YAML parses")
        .iter()
        .map(|d| d.to_json())
        .collect()
}

fn jobs_of(text: &str) -> Vec<Value> {
    docs(text)
        .into_iter()
        .flat_map(|d| d["scrape_configs"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// Every string in `v`, with the path it is at.
fn strings(v: &Value, at: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((at, s.clone())),
        Value::Number(n) => out.push((at, n.to_string())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{at}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                strings(item, format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

fn flag<'a>(args: &[&'a str], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| *a == name)
        .and_then(|i| args.get(i + 1).copied())
}

#[test]
fn every_override_reaches_every_use_and_is_scraped_once() {
    let chart = jobs_of(&std::fs::read_to_string(root(CHART_CONFIG)).unwrap());
    let mut checked = 0;
    // Outputs without custom resources, for the API-schema oracle.
    let kept = tempfile::tempdir().unwrap();
    let mut plain = Vec::new();
    for b in BUILTINS {
        for variant in VARIANTS {
            let metrics = !variant.contains(&"metrics.enabled=false");
            let choices: &[&str] = if variant.len() <= 2 && variant.first() != Some(&"--set") {
                SCRAPE_WITH
            } else if metrics {
                &SCRAPE_WITH[..2]
            } else {
                &SCRAPE_WITH[..1]
            };
            for with in choices {
                let what = format!("{} {variant:?} --scrape-with {with}", b.name);
                let dir = tempfile::tempdir().unwrap();
                let mut args = vec!["generate", "daemonset", "--template", b.name];
                args.extend(["-o", "ds.yaml", "--scrape-with", with]);
                if *with == "scrape-config" {
                    args.extend(["--scrape-config", "scrape.yml"]);
                }
                args.extend_from_slice(b.base);
                args.extend_from_slice(variant);
                let run = kdm_in(dir.path(), &args);
                assert_eq!(run.code, 0, "{what}: {}", run.stderr);
                assert!(
                    !run.stderr.contains("warning[") && !run.stderr.contains("error["),
                    "{what}: not lint-clean at warning level: {}",
                    run.stderr
                );
                let text = std::fs::read_to_string(dir.path().join("ds.yaml")).unwrap();
                let objects = docs(&text);
                check_consistent(b, variant, &objects, &what);
                let added = match *with {
                    "scrape-config" => {
                        jobs_of(&std::fs::read_to_string(dir.path().join("scrape.yml")).unwrap())
                    }
                    "pod-monitor" | "service-monitor" => {
                        let run = kdm_in(dir.path(), &["operator-config", "ds.yaml"]);
                        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
                        jobs_of(&run.stdout.replace("$(SHARD)", "0"))
                    }
                    _ => Vec::new(),
                };
                let mut jobs = chart.clone();
                jobs.extend(added);
                scraped_once(dir.path(), jobs, &objects, metrics, &what);
                if !with.ends_with("monitor") {
                    let copy = kept.path().join(format!("{checked}.yaml"));
                    std::fs::write(&copy, &text).unwrap();
                    plain.push(copy);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "{checked}");
    for t in kdm::template::BUILTINS {
        assert!(
            BUILTINS.iter().any(|b| b.name == t.name),
            "built-in template {} is not in the matrix",
            t.name
        );
    }
    kubernetes_validate(&plain);
}

/// Every object passes PyPI's kubernetes-validate (strict, 1.37), when installed.
fn kubernetes_validate(files: &[std::path::PathBuf]) {
    let found = std::process::Command::new("python3")
        .args(["-c", "import kubernetes_validate"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("KDM_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "KDM_REQUIRE_ORACLES=1 but kubernetes-validate is not installed"
        );
        eprintln!("skipped kubernetes-validate check: not installed");
        return;
    }
    let out = std::process::Command::new("python3")
        .args(["-m", "kubernetes_validate", "--strict", "-k", "1.37"])
        .args(files)
        .output()
        .expect("run kubernetes-validate");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("did not validate"), "{text}");
    let objects: usize = files
        .iter()
        .map(|f| docs(&std::fs::read_to_string(f).unwrap()).len())
        .sum();
    assert_eq!(
        text.matches(" passed for resource ").count(),
        objects,
        "{text}"
    );
}

/// One value, one use: ports, probes, annotations and the agent's own
/// configuration agree, and no overridden default is left.
fn check_consistent(b: &Builtin, variant: &[&str], objects: &[Value], what: &str) {
    let ds = objects.iter().find(|o| o["kind"] == "DaemonSet").unwrap();
    let pod = &ds["spec"]["template"];
    let c = &pod["spec"]["containers"][0];
    let declared: Vec<&str> = c["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    let container_port = c["ports"][0]["containerPort"].as_u64();
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(p) = c.get(probe) else { continue };
        for handler in ["httpGet", "tcpSocket"] {
            if let Some(port) = p[handler]["port"].as_str() {
                assert!(declared.contains(&port), "{what}: {probe} on {port:?}");
            }
        }
    }
    if container_port.is_none() {
        assert!(c.get("livenessProbe").is_none(), "{what}");
    }
    if let Some(port) = pod["metadata"]["annotations"]["prometheus.io/port"].as_str() {
        assert_eq!(
            Some(port.to_string()),
            container_port.map(|p| p.to_string()),
            "{what}"
        );
    }
    let mut all = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        strings(
            o,
            format!("[{i}]{}", o["kind"].as_str().unwrap_or("")),
            &mut all,
        );
    }
    // The agent's own configuration listens on containerPort.
    if let Some(port) = container_port {
        let agent_config: Vec<&String> = all
            .iter()
            .filter(|(at, _)| at.contains(".args[") || at.contains("ConfigMap.data."))
            .map(|(_, s)| s)
            .collect();
        let listens = agent_config
            .iter()
            .any(|s| s.contains(&format!(":{port}")) || s.contains(&format!("port: {port}\n")));
        assert_eq!(listens, b.name != "generic", "{what}: {agent_config:?}");
    }
    // Every `{{ values.… }}` in a default was rendered (a value that names
    // another templated value is not rendered twice).
    for (at, s) in &all {
        assert!(
            !s.contains("{{") && !s.contains("{%"),
            "{what}: {at} = {s:?}"
        );
    }
    let image = c["image"].as_str().unwrap_or("");
    // Strings the agent's image defines, not derived from the values.
    let image_defined = |at: &str, s: &str| {
        s == image || b.image_paths.iter().any(|p| s.contains(p)) || at.contains("ignore.kdm.dev/")
    };
    let mut stale: Vec<(&str, String)> = Vec::new();
    if flag(variant, "--port").is_some() {
        stale.push(("port", b.port.to_string()));
    }
    if let Some(ns) = flag(variant, "--namespace") {
        assert_eq!(ds["metadata"]["namespace"], ns, "{what}");
        stale.push(("namespace", format!("_{}_", b.namespace)));
    }
    if flag(variant, "--name").is_some() {
        stale.push(("name", b.name.to_string()));
    }
    if flag(variant, "--image").is_some() {
        stale.push(("image tag", b.tag.to_string()));
    }
    for (what_value, old) in &stale {
        for (at, s) in &all {
            if image_defined(at, s) && *what_value == "name" {
                continue;
            }
            assert!(
                !s.contains(old.as_str()),
                "{what}: {at} = {s:?} still mentions the default {what_value} {old:?}"
            );
        }
    }
    if let Some(ns) = flag(variant, "--namespace") {
        for (at, s) in &all {
            assert!(
                s != b.namespace || at.ends_with("namespace") && s == ns,
                "{what}: {at} = {s:?}"
            );
        }
    }
}

/// Scraped by exactly one job, once per pod, on containerPort; not at all
/// without metrics.
fn scraped_once(
    dir: &std::path::Path,
    jobs: Vec<Value>,
    objects: &[Value],
    metrics: bool,
    what: &str,
) {
    std::fs::write(
        dir.join("prometheus.json"),
        serde_json::to_string(&json!({ "scrape_configs": jobs })).unwrap(),
    )
    .unwrap();
    let nodes = NODES.to_string();
    let run = kdm_in(
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
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("relabel-sim JSON");
    assert_eq!(report["scraped_twice"], json!([]), "{what}");
    let workload = report["coverage"]["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "DaemonSet")
        .unwrap();
    // What is scraped: (job, URL, targets). A pod role job that rewrites
    // every declared port's address to the annotated one makes the same
    // target of each port, which Prometheus scrapes once.
    let mut kept = Vec::new();
    for p in workload["ports"].as_array().unwrap() {
        for j in p["jobs"].as_array().unwrap() {
            let entry = (j["job"].clone(), j["scrape_url"].clone(), j["kept"].clone());
            if j["kept"].as_u64().unwrap_or(0) > 0 && !kept.contains(&entry) {
                kept.push(entry);
            }
        }
    }
    if !metrics {
        assert!(kept.is_empty(), "{what}: scraped without metrics: {kept:?}");
        return;
    }
    let ds = objects.iter().find(|o| o["kind"] == "DaemonSet").unwrap();
    let port = &ds["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"];
    assert_eq!(kept.len(), 1, "{what}: {kept:?}");
    let url = kept[0].1.as_str().unwrap_or("");
    let path_start = url.find("://").map_or(0, |i| i + 3);
    let authority = url[path_start..].split('/').next().unwrap_or("");
    assert!(authority.ends_with(&format!(":{port}")), "{what}: {url}");
    assert_eq!(kept[0].2, json!(NODES), "{what}: one target per pod");
}
