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
