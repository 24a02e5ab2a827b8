//! `kdm generate daemonset`: default output of every built-in template,
//! many value combinations checked by the bundled schemas, the k8s-openapi
//! types, `kdm lint` and (when installed) `kubernetes-validate`; value and
//! template errors; overwrite protection; and the closed loop from a
//! generated DaemonSet and scrape job through `kdm relabel-sim`.

mod common;

use std::process::Command;

use common::{kdm, kdm_in, Run};
use serde_json::{json, Value};

/// Built-in templates with the arguments their defaults need.
const BUILTINS: &[(&str, &[&str])] = &[
    ("node-exporter", &[]),
    ("fluent-bit", &[]),
    ("opentelemetry-collector", &[]),
    ("alloy", &[]),
    ("generic", &["--image", "ghcr.io/acme/node-agent:1.4.2"]),
];

fn generate(template: &str, extra: &[&str]) -> Run {
    let mut args = vec!["generate", "daemonset", "--template", template];
    args.extend_from_slice(extra);
    kdm(&args)
}

fn docs(yaml: &str) -> Vec<Value> {
    let src = kdm::yaml::Source::new("out", yaml.to_string());
    kdm::input::load_yaml(&src)
        .expect("generated YAML parses")
        .iter()
        .map(|d| d.to_json())
        .collect()
}

#[test]
fn default_output_of_every_builtin() {
    for t in kdm::template::BUILTINS {
        assert!(
            BUILTINS.iter().any(|(name, _)| *name == t.name),
            "built-in template {} is not tested",
            t.name
        );
    }
    for (name, extra) in BUILTINS {
        let run = generate(name, extra);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        // Clean under the default lint rules: nothing on stderr.
        assert_eq!(run.stderr, "", "{name}");
        insta::assert_snapshot!(format!("default-{name}"), run.stdout);
    }
    let bare = kdm(&["generate", "daemonset"]);
    assert_eq!(bare.stdout, generate("node-exporter", &[]).stdout);
}

#[test]
fn builtin_output_is_clean_under_kdm_lint() {
    let dir = tempfile::tempdir().unwrap();
    for (name, extra) in BUILTINS {
        // Each discovery: the monitors too, and the manifests with their
        // scrape job (linted together: coverage rules run).
        for with in [
            "annotations",
            "pod-monitor",
            "service-monitor",
            "scrape-config",
        ] {
            let path = dir.path().join(format!("{name}-{with}.yaml"));
            let path = path.to_str().unwrap();
            let job = dir.path().join(format!("{name}-{with}.yml"));
            let job = job.to_str().unwrap();
            let mut args = vec!["generate", "daemonset", "--template", name, "-o", path];
            args.extend(["--scrape-with", with]);
            if with == "scrape-config" {
                args.extend(["--scrape-config", job]);
            }
            args.extend_from_slice(extra);
            let run = kdm(&args);
            assert_eq!(run.code, 0, "{name} {with}: {}", run.stderr);
            let mut lint_args = vec!["lint", "--fail-level", "info", path];
            if with == "scrape-config" {
                lint_args.push(job);
            }
            let lint = kdm(&lint_args);
            assert_eq!(lint.code, 0, "{name} {with}: {}", lint.stdout);
            assert!(
                lint.stdout.contains("0 errors, 0 warnings, 0 info"),
                "{name} {with}: {}",
                lint.stdout
            );
        }
    }
}

/// Value combinations a team might use; each must produce valid objects.
const COMBINATIONS: &[&[&str]] = &[
    &[],
    &["-f", "testdata/generate/prod-values.yaml"],
    &["--set", "service.enabled=true", "--set", "metrics.scheme=https"],
    &["--name", "agent-x", "--namespace", "ops", "--set", "instance=blue"],
    &["--image", "registry.local:5000/team/agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
    &["--set", "hostNetwork=false", "--set", "hostPID=true", "--port", "9999"],
    &["--set", "writableDirs=[/tmp, /var/cache/agent]", "--set", "configFiles={agent.conf: \"a: 1\\n\"}"],
    &["--set", "rbac.rules=[{apiGroups: [\"\"], resources: [nodes], verbs: [get]}]", "--set", "serviceAccount.automountToken=true"],
    &["--set", "tolerations=[{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]",
      "--set", "nodeSelector={}", "--set", "priorityClassName=\"\"", "--set", "maxUnavailable=2"],
    &["--set", "affinity={nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}]}]}}}"],
    &["--set", "env=[{name: LOG_LEVEL, value: \"on\"}]", "--set", "labels={team: sre, tier: \"0755\"}",
      "--set", "podAnnotations.example\\.com/owner=sre"],
    &["--set", "port=null", "--set", "livenessProbe={exec: {command: [/bin/agent, health]}}", "--set", "readinessProbe={}"],
    &["--set", "serviceAccount.create=false", "--set", "serviceAccount.name=default"],
    &["--set", "securityContext.capabilities.add=[NET_BIND_SERVICE]", "--set", "component=\"\""],
];

#[test]
fn value_combinations_produce_valid_objects() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, base) in BUILTINS {
        for (i, combo) in COMBINATIONS.iter().enumerate() {
            let mut extra: Vec<&str> = base.to_vec();
            extra.extend_from_slice(combo);
            let run = generate(name, &extra);
            assert_eq!(run.code, 0, "{name} {combo:?}: {}", run.stderr);
            assert!(
                !run.stderr.contains("error["),
                "{name} {combo:?}: {}",
                run.stderr
            );
            for doc in docs(&run.stdout) {
                assert_eq!(
                    kdm::k8s::kinds::round_trip(&doc),
                    Ok(true),
                    "{name} {combo:?}: {doc}"
                );
            }
            let path = dir.path().join(format!("{name}-{i}.yaml"));
            std::fs::write(&path, &run.stdout).unwrap();
            files.push(path);
        }
    }
    // The combinations change the output.
    let distinct: std::collections::BTreeSet<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(distinct.len(), files.len());
    kubernetes_validate(&files);
}

/// Every object passes PyPI's kubernetes-validate (strict, 1.37), when installed.
fn kubernetes_validate(files: &[std::path::PathBuf]) {
    let found = Command::new("python3")
        .args(["-c", "import kubernetes_validate"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("KDM_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "KDM_REQUIRE_ORACLES=1 but kubernetes-validate is not installed"
        );
        eprintln!(
            "skipped kubernetes-validate check: not installed (pip install kubernetes-validate)"
        );
        return;
    }
    let out = Command::new("python3")
        .args(["-m", "kubernetes_validate", "--strict", "-k", "1.37"])
        .args(files)
        .output()
        .expect("run kubernetes-validate");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let passed = text.matches(" passed for resource ").count();
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("did not validate"), "{text}");
    let objects: usize = files
        .iter()
        .map(|f| docs(&std::fs::read_to_string(f).unwrap()).len())
        .sum();
    assert_eq!(passed, objects, "{text}");
}

#[test]
fn values_errors_point_at_file_line_col() {
    let run = generate(
        "node-exporter",
        &["-f", "testdata/generate/bad-values.yaml"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("values-errors", run.stderr);

    let run = generate(
        "node-exporter",
        &["--set", "image.tag=on", "--set", "args[9]=x"],
    );
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("set-errors", run.stderr);

    let run = generate(
        "node-exporter",
        &["--set", "lintExceptions.no-such-rule=because"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("lintExceptions.no-such-rule names no kdm lint rule"),
        "{}",
        run.stderr
    );

    let run = generate("generic", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("value image.repository is empty"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--image REPOSITORY:TAG"),
        "{}",
        run.stderr
    );

    let run = generate("node-exporter", &["-f", "testdata/generate/missing.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read testdata/generate/missing.yaml: no such file"),
        "{}",
        run.stderr
    );
}

#[test]
fn kubernetes_versions() {
    let run = generate("node-exporter", &["--kubernetes-version", "1.36"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = generate("node-exporter", &["--kubernetes-version", "1.12"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no bundled schemas for Kubernetes \"1.12\""),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_templates() {
    let run = generate("node-exportr", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown template \"node-exportr\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `node-exporter`?"),
        "{}",
        run.stderr
    );
    let run = generate("testdata/generate/no-such-dir", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    let run = generate("testdata/generate", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("has no daemonset.yaml.j2"),
        "{}",
        run.stderr
    );
}

#[test]
fn user_template_directories() {
    let dir = "testdata/generate/template-dir";
    let run = generate(dir, &["--set", "image=ghcr.io/acme/tiny:0.3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("user-template", run.stdout);

    // The template's own `required` check, at its line.
    let run = generate(dir, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("template error: invalid operation: set image"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("template-dir/daemonset.yaml.j2:25:36"),
        "{}",
        run.stderr
    );

    // Its schema: unknown values and the named flags it lacks.
    let run = generate(dir, &["--port", "70000"]);
    assert_eq!(run.code, 2, "clap rejects the port");
    let run = generate(dir, &["--image", "a:1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--image: image is not a mapping"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--image:1:9"), "{}", run.stderr);

    let run = generate("testdata/generate/broken-template", &[]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("broken-template", run.stderr);

    let run = generate("testdata/generate/invalid-output", &[]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("invalid-output", run.stderr);
}

#[test]
fn list_templates_and_show_values() {
    let run = kdm(&["generate", "daemonset", "--list-templates"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("list-templates", run.stdout);

    for (name, _) in BUILTINS {
        let run = generate(name, &["--show-values"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        // Documented, and reads back as exactly the defaults.
        assert!(run.stdout.contains("# Container image"), "{}", run.stdout);
        let defaults = std::fs::read_to_string(format!(
            "{}/src/template/builtin/{name}.values.yaml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert_eq!(docs(&run.stdout), docs(&defaults), "{name}");
    }
    let run = generate("node-exporter", &["--show-values"]);
    insta::assert_snapshot!("show-values-node-exporter", run.stdout);

    // --show-values shows the values after --set.
    let run = generate(
        "node-exporter",
        &["--show-values", "--set", "image.tag=v2.0.0"],
    );
    assert!(run.stdout.contains("  tag: v2.0.0\n"), "{}", run.stdout);
}

#[test]
fn output_files_are_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds.yaml");
    let scrape = dir.path().join("scrape.yml");
    std::fs::write(&ds, "keep me\n").unwrap();
    let args = |force: bool| {
        let mut a = vec![
            "generate",
            "daemonset",
            "-o",
            "ds.yaml",
            "--scrape-config",
            "scrape.yml",
        ];
        if force {
            a.push("--force");
        }
        a
    };
    let run = kdm_in(dir.path(), &args(false));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("ds.yaml already exists; not overwriting it"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&ds).unwrap(), "keep me\n");
    assert!(
        !scrape.exists(),
        "nothing is written when one output is refused"
    );

    let run = kdm_in(dir.path(), &args(true));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(std::fs::read_to_string(&ds)
        .unwrap()
        .contains("kind: DaemonSet"));
    assert!(std::fs::read_to_string(&scrape)
        .unwrap()
        .contains("job_name: node-exporter"));
    // Only the two outputs: no temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

    let run = kdm_in(
        dir.path(),
        &[
            "generate",
            "daemonset",
            "-o",
            "x.yaml",
            "--scrape-config",
            "x.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    let run = kdm_in(
        dir.path(),
        &["generate", "daemonset", "--scrape-config", "-"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("needs --output FILE"), "{}", run.stderr);
}

/// Generates each built-in with its scrape job, schedules the DaemonSet's
/// pods on three simulated nodes next to a pod of another app, and runs the
/// job over them with `kdm relabel-sim`: every agent pod must become exactly
/// one target with the expected address, job and labels, the other pod none.
#[test]
fn closed_loop_scrape_config_scrapes_every_pod_once() {
    let scenarios: &[(&str, &[&str], &str, &str)] = &[
        ("node-exporter", &[], "http", "/metrics"),
        ("fluent-bit", &[], "http", "/api/v2/metrics/prometheus"),
        (
            "generic",
            &[
                "--image",
                "ghcr.io/acme/agent:1.0",
                "--port",
                "9400",
                "--set",
                "metrics.scheme=https",
                "--set",
                "metrics.path=/stats",
            ],
            "https",
            "/stats",
        ),
        (
            "node-exporter",
            &["--name", "ne2", "--namespace", "mon"],
            "http",
            "/metrics",
        ),
    ];
    for (template, extra, scheme, path) in scenarios {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "generate",
            "daemonset",
            "--template",
            template,
            "-o",
            "ds.yaml",
            "--scrape-config",
            "scrape.yml",
        ];
        args.extend_from_slice(extra);
        let run = kdm_in(dir.path(), &args);
        assert_eq!(run.code, 0, "{template}: {}", run.stderr);

        let manifests = docs(&std::fs::read_to_string(dir.path().join("ds.yaml")).unwrap());
        let ds = manifests.iter().find(|d| d["kind"] == "DaemonSet").unwrap();
        let nodes = kdm::k8s::simulate::nodes(3);
        let mut pods = kdm::k8s::simulate::daemonset_pods(ds, &nodes);
        let agents = pods.clone();
        // A pod of another app in the same namespace, with a `metrics` port.
        let mut other = pods[0].clone();
        other["metadata"]["name"] = json!("other-app-1");
        other["metadata"]["labels"] = json!({"app.kubernetes.io/name": "other-app"});
        pods.push(other);
        std::fs::write(
            dir.path().join("pods.json"),
            serde_json::to_string(&json!({"apiVersion": "v1", "kind": "List", "items": pods}))
                .unwrap(),
        )
        .unwrap();

        let run = kdm_in(
            dir.path(),
            &[
                "relabel-sim",
                "--config",
                "scrape.yml",
                "--targets",
                "pods.json",
                "--output",
                "json",
            ],
        );
        assert_eq!(run.code, 0, "{template}: {}", run.stderr);
        let results: Vec<Value> = serde_json::from_str::<Value>(&run.stdout)
            .map(|v| v["results"].as_array().cloned().unwrap_or_default())
            .unwrap_or_else(|_| {
                run.stdout
                    .lines()
                    .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                    .flat_map(|v| v["results"].as_array().cloned().unwrap_or_default())
                    .collect()
            });
        let kept: Vec<&Value> = results.iter().filter(|r| !r["target"].is_null()).collect();
        assert_eq!(kept.len(), agents.len(), "{template}: {}", run.stdout);

        let name = ds["metadata"]["name"].as_str().unwrap();
        let namespace = ds["metadata"]["namespace"].as_str().unwrap();
        let port = ds["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
            .as_i64()
            .unwrap();
        for (pod, node) in agents.iter().zip(&nodes) {
            let pod_name = pod["metadata"]["name"].as_str().unwrap();
            let ip = pod["status"]["podIP"].as_str().unwrap();
            let target: Vec<&&Value> = kept
                .iter()
                .filter(|r| r["target"]["pod"] == pod_name)
                .collect();
            assert_eq!(target.len(), 1, "{template}: {pod_name} is scraped once");
            let t = &target[0]["target"];
            assert_eq!(t["__address__"], format!("{ip}:{port}"), "{template}");
            let visible: serde_json::Map<String, Value> = t
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| !k.starts_with("__"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(
                Value::Object(visible),
                json!({
                    "instance": node.name, "job": name, "namespace": namespace,
                    "node": node.name, "pod": pod_name,
                }),
                "{template}"
            );
            assert_eq!(
                target[0]["scrape_url"],
                format!("{scheme}://{ip}:{port}{path}"),
                "{template}"
            );
        }
    }
}
