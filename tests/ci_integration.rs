//! The CI integrations stay runnable: the pre-commit hooks' entries run on
//! fixtures, and every kdm command in the example workflow and docs/ci.md
//! parses with the current CLI.

mod common;

use clap::Parser;
use common::kdm;

fn yaml(path: &str) -> serde_json::Value {
    let src = kdm::input::read_source(path).expect("read");
    kdm::input::load_yaml(&src).expect("YAML")[0].to_json()
}

fn hook(id: &str) -> serde_json::Value {
    yaml(".pre-commit-hooks.yaml")
        .as_array()
        .expect("a list of hooks")
        .iter()
        .find(|h| h["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("hook {id}"))
}

/// Runs a hook's entry on files, as pre-commit would (entry + file names).
fn run_hook(id: &str, files: &[&str]) -> common::Run {
    let h = hook(id);
    assert_eq!(h["language"], "rust");
    let entry = h["entry"].as_str().unwrap();
    let mut args: Vec<&str> = entry.split_whitespace().collect();
    assert_eq!(args.remove(0), "kdm");
    args.extend_from_slice(files);
    kdm(&args)
}

#[test]
fn pre_commit_hooks_run_on_fixtures() {
    assert_eq!(
        run_hook("kdm-lint", &["testdata/lint-cli/clean.yaml"]).code,
        0
    );
    assert_eq!(run_hook("kdm-lint", &["testdata/lint-cli/ds.yaml"]).code, 1);

    // kdm-test gets the files its `files` pattern selects.
    let pattern = regex::Regex::new(hook("kdm-test")["files"].as_str().unwrap()).unwrap();
    let select = |dir: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path().to_string_lossy().into_owned())
            .filter(|p| pattern.is_match(p))
            .collect();
        v.sort();
        v
    };
    let passing = select("testdata/test");
    assert_eq!(passing.len(), 4);
    let refs: Vec<&str> = passing.iter().map(String::as_str).collect();
    assert_eq!(run_hook("kdm-test", &refs).code, 0);
    let failing = select("testdata/test-failing");
    let refs: Vec<&str> = failing.iter().map(String::as_str).collect();
    assert_eq!(run_hook("kdm-test", &refs).code, 1);
    assert!(!pattern.is_match("testdata/scrape-configs/prometheus-community__prometheus.yml"));
}

/// The kdm command lines of a text (shell lines starting with `kdm `), with
/// redirections and `|| true` removed.
fn kdm_commands(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ")
        })
        .filter(|l| l.starts_with("kdm "))
        .map(|l| {
            let l = l.split(" #").next().unwrap_or(l);
            let l = l.split(" > ").next().unwrap_or(l);
            l.split(" ||")
                .next()
                .unwrap_or(l)
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn documented_ci_commands_parse() {
    let workflow = std::fs::read_to_string("examples/github-actions.yml").unwrap();
    // It is valid YAML with the steps the docs describe.
    let w = yaml("examples/github-actions.yml");
    let steps = w["jobs"]["kdm"]["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))));
    let docs = std::fs::read_to_string("docs/ci.md").unwrap();
    let mut commands = kdm_commands(&workflow);
    commands.extend(kdm_commands(&docs));
    assert!(commands.len() >= 7, "{commands:?}");
    for c in &commands {
        if let Err(e) = kdm::cli::Cli::try_parse_from(c) {
            panic!("{}: {e}", c.join(" "));
        }
    }
    for format in ["github", "sarif", "junit"] {
        assert!(
            commands.iter().any(|c| c.contains(&format.to_string())),
            "{format}"
        );
    }
}

/// Colour only when asked for or on a terminal: piped output is plain,
/// `--color always` forces it, `NO_COLOR` is honoured by `auto`.
#[test]
fn colour_only_on_request_or_terminal() {
    let plain = kdm(&["lint", "testdata/lint-cli/ds.yaml"]);
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.stdout);
    let forced = kdm(&["--color", "always", "lint", "testdata/lint-cli/ds.yaml"]);
    assert!(forced.stdout.contains('\x1b'));
    let never = kdm(&[
        "--color",
        "never",
        "test",
        "testdata/test-failing/pods.test.yaml",
    ]);
    assert!(!never.stdout.contains('\x1b'));
    let forced = kdm(&[
        "--color",
        "always",
        "test",
        "testdata/test-failing/pods.test.yaml",
    ]);
    assert!(forced.stdout.contains('\x1b'));
    // The same findings either way.
    let strip = |s: &str| {
        regex::Regex::new("\x1b\\[[0-9;]*m")
            .unwrap()
            .replace_all(s, "")
            .into_owned()
    };
    let a = kdm(&["lint", "testdata/lint-cli/ds.yaml"]);
    let b = kdm(&["--color", "always", "lint", "testdata/lint-cli/ds.yaml"]);
    assert_eq!(
        strip(&a.stdout).lines().count(),
        strip(&b.stdout).lines().count()
    );
}

/// Piped output is not wrapped: each message stays on one line, names
/// whole, for `grep`.
#[test]
fn piped_output_keeps_each_message_on_one_line() {
    let r = kdm(&[
        "lint",
        "testdata/corpus/daemonsets/falco-exporter__daemonset.yaml",
    ]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("info[host-path-type-missing]"))
        .unwrap_or_default();
    assert!(
        line.ends_with("hostPath volume \"falco-socket-dir\" (/run/falco) has no type"),
        "{}",
        r.stdout
    );
}

/// A reader that stops early (`kdm … | head`) is not an error.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("tempdir");
    let targets: Vec<String> = (0..20_000)
        .map(|i| format!("{{\"__address__\": \"10.0.{}.{}:80\"}}", i / 250, i % 250))
        .collect();
    let path = dir.path().join("targets.json");
    std::fs::write(&path, format!("[{}]", targets.join(","))).expect("write targets");
    for format in ["text", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kdm"))
            .args(["relabel-sim", "-c", "testdata/relabel-sim/rules.yaml", "-t"])
            .arg(&path)
            .args(["--output", format])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kdm");
        let mut head = [0u8; 64];
        let mut stdout = child.stdout.take().expect("stdout");
        stdout.read_exact(&mut head).expect("some output");
        drop(stdout);
        let out = child.wait_with_output().expect("kdm ends");
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
    }
}
