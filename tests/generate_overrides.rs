//! `kdm generate daemonset` overrides: each reaches every use of its value
//! (the agent's own flags and config files included), errors point at the
//! user's input, and an override that makes the output fail lint is refused
//! and named.

mod common;

use common::{kdm, kdm_in};

fn generate(extra: &[&str]) -> common::Run {
    let mut args = vec!["generate", "daemonset"];
    args.extend_from_slice(extra);
    kdm(&args)
}

#[test]
fn port_and_name_reach_the_agent_configuration() {
    let run = generate(&["--port", "9200"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("--web.listen-address=:9200"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("9100"), "{}", run.stdout);

    let run = generate(&[
        "--template",
        "fluent-bit",
        "--port",
        "2021",
        "--name",
        "fb",
        "--namespace",
        "ops",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("http_port: 2021"), "{}", run.stdout);
    assert!(!run.stdout.contains("2020"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("exclude_path: /var/log/containers/fb-*_ops_fb-*.log"),
        "{}",
        run.stdout
    );
    // The config file keeps its final newline through the rendering.
    assert!(
        run.stdout.contains("fluent-bit.yaml: |\n"),
        "{}",
        run.stdout
    );
}

/// The collector's own config follows its values: the metrics reader and
/// the health check listen on the declared ports, the OTLP exporter sends
/// where `otlp` says, and the name reaches its log exclusion and its
/// checkpoint directory.
#[test]
fn opentelemetry_collector_values_reach_its_config() {
    let run = generate(&[
        "--template",
        "opentelemetry-collector",
        "--name",
        "otel",
        "--namespace",
        "ops",
        "--port",
        "9464",
        "--set",
        "healthPort.containerPort=13134",
        "--set",
        "otlp={endpoint: gateway.telemetry.svc:4317, insecure: true}",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "                    port: 9464\n",
        "endpoint: ${env:MY_POD_IP}:13134\n",
        "containerPort: 13134\n",
        "endpoint: \"gateway.telemetry.svc:4317\"\n",
        "insecure: true\n",
        "exclude: [/var/log/pods/ops_otel-*_*/otel/*.log]\n",
        "path: /var/lib/otelcol/otel\n",
        "extensions: [health_check, file_storage]\n",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?}:\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains("13133"), "{}", run.stdout);

    // Without a health port: no health_check, no probes on it; without a
    // metrics port the collector serves no metrics at all.
    let run = generate(&[
        "--template",
        "opentelemetry-collector",
        "--set",
        "healthPort=null",
        "--set",
        "port=null",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("health"), "{}", run.stdout);
    assert!(!run.stdout.contains("Probe:"), "{}", run.stdout);
    assert!(run.stdout.contains("level: none\n"), "{}", run.stdout);
    assert!(run.stderr.contains("probes-missing"), "{}", run.stderr);

    // Health checks survive without a metrics port.
    let run = generate(&[
        "--template",
        "opentelemetry-collector",
        "--set",
        "port=null",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("port: health\n"), "{}", run.stdout);
    assert_eq!(run.stderr, "", "lint-clean");

    let run = generate(&[
        "--template",
        "opentelemetry-collector",
        "--set",
        "otlp.endpoint=gateway",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("otlp.endpoint"), "{}", run.stderr);
}

/// Alloy's HTTP server listens where `port` says (probes and metrics), its
/// exporter sends where `otlp` says, and without a port it keeps Alloy's
/// loopback default and has no probes.
#[test]
fn alloy_values_reach_its_config() {
    let run = generate(&[
        "--template",
        "alloy",
        "--port",
        "12400",
        "--set",
        "otlp.endpoint=gateway.telemetry.svc:4317",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "- --server.http.listen-addr=0.0.0.0:12400\n",
        "containerPort: 12400\n",
        "prometheus.io/port: \"12400\"\n",
        "endpoint = \"gateway.telemetry.svc:4317\"\n",
        "- /etc/alloy/config.alloy\n",
        "mountPath: /etc/alloy\n",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?}:\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains("12345"), "{}", run.stdout);

    let run = generate(&["--template", "alloy", "--set", "port=null"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("listen-addr"), "{}", run.stdout);
    assert!(!run.stdout.contains("Probe:"), "{}", run.stdout);
    assert!(run.stderr.contains("probes-missing"), "{}", run.stderr);
}

#[test]
fn no_port_means_no_probe_on_it() {
    let run = generate(&[
        "--template",
        "generic",
        "--image",
        "a:1",
        "--set",
        "port=null",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Probe:"), "{}", run.stdout);
    assert!(run.stderr.contains("probes-missing"), "{}", run.stderr);
    // node-exporter without a declared port: no listen flag naming one.
    let run = generate(&["--set", "port=null"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("listen-address"), "{}", run.stdout);
}

#[test]
fn errors_point_at_the_users_flag() {
    let run = generate(&["--set", "imag.tag=v1"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("[--set:1:1]"), "{}", run.stderr);
    assert!(run.stderr.contains("imag.tag=v1"), "{}", run.stderr);
    assert!(!run.stderr.contains("values.yaml"), "{}", run.stderr);
    assert!(run.stderr.lines().count() < 12, "{}", run.stderr);

    let run = generate(&["--image", "registry:5000/ne"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("image needs a tag or a digest"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[--image:1:9]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("--image registry:5000/ne"),
        "{}",
        run.stderr
    );

    let run = generate(&["--set", "podAnnotations.example.com/team=sre"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--set 'podAnnotations.example\\.com/team=sre'"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("quotes"), "{}", run.stderr);
    let run = generate(&["--set", "podAnnotations.example\\.com/team=sre"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("example.com/team: sre"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_directory_named_like_a_builtin_does_not_shadow_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("fluent-bit")).unwrap();
    std::fs::write(dir.path().join("fluent-bit/daemonset.yaml.j2"), "x: 1\n").unwrap();
    let run = kdm_in(
        dir.path(),
        &["generate", "daemonset", "--template", "fluent-bit"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("kind: DaemonSet"), "{}", run.stdout);
    assert!(
        run.stderr.contains("write --template ./fluent-bit"),
        "{}",
        run.stderr
    );
    let run = kdm_in(
        dir.path(),
        &["generate", "daemonset", "--template", "./fluent-bit"],
    );
    assert_eq!(run.code, 2, "the directory is used when named as a path");
}

#[test]
fn lint_errors_from_overrides_are_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "generate",
        "daemonset",
        "--port",
        "9300",
        "--set",
        "securityContext.privileged=true",
        "-o",
        "ds.yaml",
    ];
    let run = kdm_in(dir.path(), &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!dir.path().join("ds.yaml").exists());
    assert!(
        run.stderr.contains(
            "privileged at ds.yaml:110:23 comes from --set securityContext.privileged=true\n"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--allow-findings"), "{}", run.stderr);
    let mut allowed = args.to_vec();
    allowed.push("--allow-findings");
    let run = kdm_in(dir.path(), &allowed);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("error[privileged]"), "{}", run.stderr);
    assert!(dir.path().join("ds.yaml").exists());
}

/// The descriptions of every schema property present in `values`.
fn descriptions(
    values: &serde_json::Value,
    schema: &serde_json::Value,
    root: &serde_json::Value,
    out: &mut Vec<String>,
) {
    let resolve = |s: &serde_json::Value| -> serde_json::Value {
        match s.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => root.pointer(&r[1..]).cloned().unwrap_or_default(),
            None => s.clone(),
        }
    };
    let schema = resolve(schema);
    match values {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let Some(prop) = schema.get("properties").and_then(|p| p.get(k)) else {
                    continue;
                };
                let resolved = resolve(prop);
                let desc = prop["description"]
                    .as_str()
                    .or(resolved["description"].as_str());
                out.extend(desc.map(str::to_string));
                descriptions(v, prop, root, out);
            }
        }
        serde_json::Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for v in items {
                    descriptions(v, item, root, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn show_values_documents_every_key() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/schemas/templates/daemonset.values.schema.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    for template in kdm::template::BUILTINS.iter().map(|b| b.name) {
        let run = generate(&["--template", template, "--show-values"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let src = kdm::yaml::Source::new("out", run.stdout.clone());
        let values = kdm::input::load_yaml(&src).unwrap()[0].to_json();
        let mut wanted = Vec::new();
        descriptions(&values, &schema, &schema, &mut wanted);
        assert!(wanted.len() > 50, "{template}: {}", wanted.len());
        for d in wanted {
            assert!(
                run.stdout.contains(&format!("# {d}\n")),
                "{template}: {d:?} is not shown:\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn values_from_stdin_and_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args([
            "generate",
            "daemonset",
            "-f",
            "-",
            "-o",
            "ds.yaml",
            "--dry-run",
        ])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"namespace: ops\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with("# would write ds.yaml\n# Generated by kdm"),
        "{stdout}"
    );
    assert!(stdout.contains("namespace: ops\n"), "{stdout}");
    assert!(stderr.starts_with("would write ds.yaml ("), "{stderr}");
    assert!(!dir.path().join("ds.yaml").exists(), "--dry-run wrote");

    // Bad values on stdin: located at <stdin>, exit 2.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(["generate", "daemonset", "-f", "-"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"port:\n  containerPort: nine\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("<stdin>:2:18"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// A value the API server would refuse is an input error at the value as
/// the user wrote it (exit 2, nothing written), even with --allow-findings.
#[test]
fn values_the_api_server_refuses_are_errors_at_their_source() {
    let run = generate(&["--set", "resources.limits.memory=1Gb", "--allow-findings"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("--set:1:25"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(r#"Invalid value: "1Gb": quantities must match"#),
        "{}",
        run.stderr
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let values = dir.path().join("values.yaml");
    std::fs::write(&values, "tolerations:\n  - operator: exists\n").expect("write");
    let values = values.to_string_lossy().into_owned();
    let run = generate(&["-f", &values, "--set", "tolerations[0].effect=NoSchedule"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("values.yaml:2:15"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `Exists`?"),
        "{}",
        run.stderr
    );
}
