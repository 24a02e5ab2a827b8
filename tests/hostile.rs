//! Hostile and malformed input: every case ends in a clear diagnostic with
//! exit code 2, or in a correct result — never a panic or a hang.

mod common;

use std::io::Write;

use common::{kdm_in, Run};

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write fixture");
}

const RULES: &str = "- source_labels: [keep_me]\n  regex: yes\n  action: keep\n";

/// Runs `relabel-sim` with `config` and `targets` contents; returns the run.
fn sim(config: &[u8], targets: &[u8]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "config.yml", config);
    write(dir.path(), "targets", targets);
    kdm_in(
        dir.path(),
        &["relabel-sim", "-c", "config.yml", "-t", "targets"],
    )
}

fn assert_input_error(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(needle),
        "expected {needle:?} in stderr:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn alias_bomb() {
    let mut s = String::from("- a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        s.push_str(&format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    assert_input_error(&sim(RULES.as_bytes(), s.as_bytes()), "billion laughs");
    assert_input_error(&sim(s.as_bytes(), b"[]"), "billion laughs");
}

/// `x{i}: &a{i} [*a{i-1}]` for i up to `n`: a few KB and a few hundred
/// alias nodes, but `n` levels deep once the aliases are expanded.
fn chained_aliases(n: usize) -> String {
    let mut s = String::from("x0: &a0 [1]\n");
    for i in 1..=n {
        s.push_str(&format!("x{i}: &a{i} [*a{}]\n", i - 1));
    }
    s
}

#[test]
fn nesting_too_deep_once_aliases_are_expanded() {
    let deep = chained_aliases(300);
    // Reported at the alias that crosses the limit, on line 256.
    let at = "t.yaml:256:14";
    let r = sim(RULES.as_bytes(), deep.as_bytes());
    assert_input_error(&r, "deeper than 256 levels once this alias is expanded");
    assert_input_error(&r, "targets:256:14");
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "t.yaml", deep.as_bytes());
    let r = kdm_in(dir.path(), &["lint", "t.yaml"]);
    assert_input_error(&r, at);
    let test = format!(
        "config: c.yml\ntests:\n  - name: deep\n    targets: [{{a: b}}]\n    expect: []\n{}",
        deep.lines().map(|l| format!("z{l}\n")).collect::<String>()
    );
    write(dir.path(), "c.yml", b"scrape_configs: []\n");
    write(dir.path(), "deep.test.yaml", test.as_bytes());
    let r = kdm_in(dir.path(), &["test", "deep.test.yaml"]);
    assert_input_error(&r, "deep.test.yaml:261:15");
    // Ten brackets a line, 4,000 levels from 8 KB: stopped at the limit.
    let mut s = String::from("a0: &a0 1\n");
    for i in 1..400 {
        s.push_str(&format!("a{i}: &a{i} [[[[[[[[[[*a{}]]]]]]]]]]\n", i - 1));
    }
    write(dir.path(), "brackets.yaml", s.as_bytes());
    let r = kdm_in(dir.path(), &["lint", "brackets.yaml"]);
    assert_input_error(&r, "deeper than 256 levels once this alias is expanded");
}

#[test]
fn alias_expansion_is_bounded_in_bytes() {
    // 3,000 aliases of a 1 MiB scalar: 3 GB expanded from a 1 MB file.
    let mut s = format!("a: &x \"{}\"\nb:\n", "y".repeat(1 << 20));
    s.push_str(&"- *x\n".repeat(3000));
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "big.yaml", s.as_bytes());
    let r = kdm_in(dir.path(), &["lint", "big.yaml"]);
    assert_input_error(&r, "64 times the input");
    assert_input_error(&r, "big.yaml:");
    let r = sim(RULES.as_bytes(), s.as_bytes());
    assert_input_error(&r, "64 times the input");
}

#[test]
fn deep_nesting() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let r = sim(RULES.as_bytes(), deep.as_bytes());
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = sim(deep.as_bytes(), b"[]");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let block: String = (0..10_000)
        .map(|i| format!("{}- a:\n", " ".repeat(i * 2)))
        .collect();
    let r = sim(block.as_bytes(), b"[]");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn invalid_utf8_and_binary() {
    let mut bad = RULES.as_bytes().to_vec();
    bad.extend_from_slice(&[0xff, 0xfe, b'\n']);
    assert_input_error(&sim(&bad, b"[]"), "not valid UTF-8");
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    let r = sim(RULES.as_bytes(), &binary);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = sim(b"\0\0\0\x01binary", b"[]");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn empty_inputs() {
    assert_input_error(&sim(b"", b"[]"), "empty");
    assert_input_error(&sim(b"# just a comment\n", b"[]"), "empty");
    assert_input_error(&sim(RULES.as_bytes(), b""), "no targets");
    assert_input_error(&sim(RULES.as_bytes(), b"---\n---\n"), "no targets");
}

#[test]
fn tabs_and_malformed_yaml() {
    let r = sim(b"- action: keep\n\tregex: x\n", b"[]");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("config.yml:"), "{}", r.stderr);
    let r = sim(b"scrape_configs: [\n", b"[]");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("config.yml:"), "{}", r.stderr);
}

#[test]
fn wrong_types_everywhere() {
    for cfg in [
        "- action: [keep]\n",
        "- modulus: -1\n  action: hashmod\n  target_label: x\n",
        "- separator: {a: b}\n",
        "scrape_configs: {job_name: x}\n",
        "scrape_configs:\n- job_name: x\n  scrape_interval: 5 minutes\n",
        "scrape_configs:\n- job_name: x\n  params: [a]\n",
        "global: []\n",
        "42\n",
    ] {
        let r = sim(cfg.as_bytes(), b"[]");
        assert_eq!(r.code, 2, "{cfg}: {}", r.stdout);
        assert!(r.stderr.contains("config.yml:"), "{cfg}: {}", r.stderr);
    }
    for targets in ["- [a]\n", "- a: {b: c}\n", "[{\"a\": 1}]", "{\"a\": [1]}"] {
        let r = sim(RULES.as_bytes(), targets.as_bytes());
        assert_eq!(r.code, 2, "{targets}: {}", r.stdout);
    }
}

#[test]
fn huge_regex() {
    let pattern = "a".repeat(100_000);
    let cfg = format!("- source_labels: [x]\n  regex: {pattern}\n  action: keep\n");
    let r = sim(cfg.as_bytes(), b"[{\"x\": \"a\"}]");
    assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
    let nested = format!("{}a{}", "(".repeat(5_000), ")".repeat(5_000));
    let cfg = format!("- source_labels: [x]\n  regex: '{nested}'\n  action: keep\n");
    let r = sim(cfg.as_bytes(), b"[{\"x\": \"a\"}]");
    assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn one_megabyte_line() {
    let value = "v".repeat(1 << 20);
    let targets =
        format!("[{{\"__address__\": \"a:1\", \"keep_me\": \"yes\", \"big\": \"{value}\"}}]");
    let r = sim(RULES.as_bytes(), targets.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 target: 1 kept"), "{}", r.stdout);
}

/// A 100 MB file_sd file: correct results, bounded memory (see the bench
/// script for peak RSS).
#[test]
fn hundred_megabyte_targets_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "config.yml", RULES.as_bytes());
    let path = dir.path().join("targets.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let filler = "x".repeat(300);
    let mut written = 0usize;
    let mut i = 0usize;
    f.write_all(b"[").expect("write");
    while written < 100 * 1024 * 1024 {
        let keep = if i == 123_456 { "yes" } else { "no" };
        let item = format!(
            "{}{{\"targets\":[\"10.{}.{}.{}:9100\"],\"labels\":{{\"keep_me\":\"{keep}\",\"pad\":\"{filler}\"}}}}",
            if i == 0 { "" } else { "," },
            i >> 16 & 255,
            i >> 8 & 255,
            i & 255
        );
        written += item.len();
        f.write_all(item.as_bytes()).expect("write");
        i += 1;
    }
    f.write_all(b"]").expect("write");
    f.flush().expect("flush");
    drop(f);
    let r = kdm_in(
        dir.path(),
        &["relabel-sim", "-c", "config.yml", "-t", "targets.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{i} targets: 1 kept, {} dropped", i - 1)),
        "{}",
        &r.stdout[r.stdout.len().saturating_sub(400)..]
    );
}

#[test]
fn directories_and_missing_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let r = kdm_in(dir.path(), &["relabel-sim", "-c", "sub"]);
    assert_input_error(&r, "directory");
    let r = kdm_in(dir.path(), &["relabel-sim", "-c", "missing.yml"]);
    assert_input_error(&r, "no such file");
}

/// generate and test get the same treatment: hostile values, paths and
/// template files end in a diagnostic.
#[test]
fn hostile_generate_and_test_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A --set path with thousands of segments.
    let deep = format!("{}=1", vec!["a"; 5000].join("."));
    let r = kdm_in(dir.path(), &["generate", "daemonset", "--set", &deep]);
    assert_input_error(&r, "the path is deeper than 256 levels");
    assert_input_error(&r, "--set:1:513");
    let indexes = format!("args{}=1", "[0]".repeat(5000));
    let r = kdm_in(dir.path(), &["generate", "daemonset", "--set", &indexes]);
    assert_input_error(&r, "the path is deeper than 256 levels");
    let indexes = format!("args{}=1", "[0]".repeat(100));
    let r = kdm_in(dir.path(), &["generate", "daemonset", "--set", &indexes]);
    assert_input_error(&r, "is not a list");
    // Values files: an alias bomb, tabs, binary, empty.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    write(dir.path(), "bomb.yaml", bomb.as_bytes());
    let r = kdm_in(dir.path(), &["generate", "daemonset", "-f", "bomb.yaml"]);
    assert_input_error(&r, "alias");
    write(dir.path(), "tabs.yaml", b"image:\n\ttag: v1\n");
    let r = kdm_in(dir.path(), &["generate", "daemonset", "-f", "tabs.yaml"]);
    assert_input_error(&r, "tabs.yaml:2:");
    write(dir.path(), "binary.yaml", &[0xff, 0xfe, 0, 1, 2]);
    let r = kdm_in(dir.path(), &["generate", "daemonset", "-f", "binary.yaml"]);
    assert_input_error(&r, "not valid UTF-8");
    write(dir.path(), "empty.yaml", b"");
    let r = kdm_in(dir.path(), &["generate", "daemonset", "-f", "empty.yaml"]);
    assert_eq!(r.code, 0, "an empty values file sets nothing: {}", r.stderr);
    // A template that loops forever or floods its output.
    std::fs::create_dir_all(dir.path().join("loop")).unwrap();
    write(
        &dir.path().join("loop"),
        "daemonset.yaml.j2",
        b"{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    );
    let r = kdm_in(dir.path(), &["generate", "daemonset", "--template", "loop"]);
    assert_input_error(&r, "fuel");
    // Test files: empty, binary, deeply nested, and one pointing at itself.
    write(dir.path(), "empty.test.yaml", b"");
    let r = kdm_in(dir.path(), &["test", "empty.test.yaml"]);
    assert_input_error(&r, "empty");
    write(
        dir.path(),
        "deep.test.yaml",
        format!("config: {}\n", "[".repeat(10_000)).as_bytes(),
    );
    let r = kdm_in(dir.path(), &["test", "deep.test.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    write(
        dir.path(),
        "self.test.yaml",
        b"config: self.test.yaml\ntests:\n  - name: x\n    targets: [{a: b}]\n    expect: []\n",
    );
    let r = kdm_in(dir.path(), &["test", "self.test.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// Files and directories kdm may not read. Root reads everything, so as
/// root the check runs a copy of kdm as `nobody` (util-linux `setpriv`).
#[cfg(unix)]
#[test]
fn unreadable_files_and_directories() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;

    let mode = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    mode(root, 0o755);
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/corpus/daemonsets/falco-exporter__daemonset.yaml"
        ),
        root.join("good.yaml"),
    )
    .expect("copy");
    write(root, "secret.yaml", b"a: 1\n");
    mode(&root.join("secret.yaml"), 0o000);
    std::fs::create_dir(root.join("locked")).expect("mkdir");
    write(&root.join("locked"), "inner.yaml", b"b: 1\n");
    mode(&root.join("locked"), 0o000);

    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let run = |args: &[&str]| -> Run {
        let mut cmd = if as_root {
            // The build directory may not be reachable by nobody: run a copy.
            let copy = root.join("kdm");
            if !copy.exists() {
                std::fs::copy(env!("CARGO_BIN_EXE_kdm"), &copy).expect("copy kdm");
                mode(&copy, 0o755);
            }
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&copy);
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_kdm"))
        };
        // As root this needs `setpriv` (util-linux).
        common::run(cmd.args(args).current_dir(root))
    };

    // A directory walk reports both, and still lints what it could read.
    let r = run(&["lint", "--format", "json", "."]);
    assert_input_error(&r, "cannot read ./secret.yaml: permission denied");
    assert!(
        r.stderr.contains("cannot read ./locked: permission denied"),
        "{}",
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
    assert_eq!(v["summary"]["files"], 1, "{}", r.stdout);

    let r = run(&["lint", "locked/inner.yaml"]);
    assert_input_error(&r, "cannot read locked/inner.yaml: permission denied");
    let r = run(&["relabel-sim", "-c", "secret.yaml"]);
    assert_input_error(&r, "cannot read secret.yaml: permission denied");
    write(root, "rules.yml", RULES.as_bytes());
    let r = run(&["relabel-sim", "-c", "rules.yml", "-t", "secret.yaml"]);
    assert_input_error(&r, "permission denied");
    let r = run(&["generate", "daemonset", "--values", "secret.yaml"]);
    assert_input_error(&r, "permission denied");
    let r = run(&["test", "secret.yaml"]);
    assert_input_error(&r, "permission denied");
    std::fs::create_dir(root.join("tpl")).expect("mkdir");
    write(&root.join("tpl"), "daemonset.yaml.j2", b"x\n");
    mode(&root.join("tpl/daemonset.yaml.j2"), 0o000);
    let r = run(&["generate", "daemonset", "--template", "tpl"]);
    assert_input_error(&r, "cannot read tpl/daemonset.yaml.j2: permission denied");
}

/// 2,000 DaemonSets sharing one selector: one selector-overlap finding per
/// workload (naming a few of the others), not one per pair, so the report
/// grows linearly with the input.
#[test]
fn many_workloads_sharing_one_selector() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 2_000;
    let mut yaml = String::new();
    for i in 0..n {
        yaml.push_str(&format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent-{i}, namespace: ns}}\n\
             spec:\n  selector: {{matchLabels: {{app: agent}}}}\n  template:\n    \
             metadata: {{labels: {{app: agent}}}}\n    spec: {{containers: [{{name: a, image: a:1}}]}}\n---\n"
        ));
    }
    write(dir.path(), "many.yaml", yaml.as_bytes());
    let r = kdm_in(dir.path(), &["lint", "-f", "json", "many.yaml"]);
    // Warnings only: below the default failure threshold.
    assert_eq!(r.code, 0, "{}", r.stderr);
    let overlaps = r.stdout.matches("\"selector-overlap\"").count();
    assert_eq!(overlaps, n - 1, "one finding per workload after the first");
    assert!(
        r.stdout.contains("overlaps with 1999 workloads"),
        "the last names the count"
    );
    // Pairwise reporting would print about n²/2 findings: hundreds of MB.
    assert!(r.stdout.len() < 40 << 20, "{} bytes", r.stdout.len());
}

/// Runs `kdm` in `dir`, killing it (and failing) if it has not ended within
/// a minute: a hang must fail the test, not stall the suite.
#[cfg(unix)]
fn kdm_within_a_minute(dir: &std::path::Path, args: &[&str]) -> Run {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let mut child = Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kdm");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kdm {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

/// A FIFO named like a manifest inside a linted directory is reported and
/// passed over, not opened (which would wait forever for a writer); named
/// on the command line, it is read.
#[cfg(unix)]
#[test]
fn fifos_in_directories_are_skipped() {
    use std::process::Command;

    let dir = tempfile::tempdir().expect("tempdir");
    let manifests = dir.path().join("manifests");
    std::fs::create_dir(&manifests).expect("mkdir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/corpus/daemonsets/falco-exporter__daemonset.yaml"
        ),
        manifests.join("good.yaml"),
    )
    .expect("copy");
    let made = Command::new("mkfifo")
        .arg(manifests.join("pipe.yaml"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let skipped = "skipped manifests/pipe.yaml: a FIFO, not a regular file";

    let r = kdm_within_a_minute(dir.path(), &["lint", "manifests"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(skipped), "{}", r.stderr);
    assert!(r.stdout.contains("1 file checked"), "{}", r.stdout);
    let r = kdm_within_a_minute(dir.path(), &["lint", "-f", "json", "manifests"]);
    assert!(r.stderr.contains(skipped), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
    assert!(
        v["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.starts_with(skipped))),
        "{}",
        r.stdout
    );
    assert_eq!(v["summary"]["files"], 1, "{}", r.stdout);

    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/scrape-configs/prometheus-community__prometheus.yml"
        ),
        dir.path().join("prometheus.yml"),
    )
    .expect("copy");
    let r = kdm_within_a_minute(
        dir.path(),
        &[
            "relabel-sim",
            "-c",
            "prometheus.yml",
            "--manifests",
            "manifests",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(skipped), "{}", r.stderr);

    // Named explicitly, a FIFO is read like `-`: here its writer sends a
    // manifest, then closes it.
    let fifo = manifests.join("pipe.yaml");
    let writer = std::thread::spawn(move || {
        std::fs::write(
            fifo,
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
        )
    });
    let r = kdm_within_a_minute(dir.path(), &["lint", "manifests/pipe.yaml"]);
    writer.join().expect("writer").expect("write to the FIFO");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 file checked"), "{}", r.stdout);
}

/// File and directory names that are not UTF-8 are read by their real path
/// and shown with U+FFFD, by lint (not skipped) and by test (not mangled
/// into a path that does not exist).
#[cfg(target_os = "linux")]
#[test]
fn names_that_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let manifests = dir.path().join("manifests");
    std::fs::create_dir(&manifests).expect("mkdir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/corpus/daemonsets/falco-exporter__daemonset.yaml"
        ),
        manifests.join(OsStr::from_bytes(b"falco-\xff.yaml")),
    )
    .expect("copy");
    let r = kdm_in(dir.path(), &["lint", "manifests"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 file checked"), "{}", r.stdout);
    assert!(
        r.stdout.contains("manifests/falco-\u{fffd}.yaml:64:11"),
        "{}",
        r.stdout
    );

    // A test file in a directory whose name is not UTF-8 either: its config
    // is found next to it, and its failure is reported under its name.
    let tests = dir.path().join(OsStr::from_bytes(b"tests-\xfe"));
    std::fs::create_dir(&tests).expect("mkdir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/scrape-configs/prometheus-community__prometheus.yml"
        ),
        tests.join("prometheus.yml"),
    )
    .expect("copy");
    let test = b"config: prometheus.yml\ntests:\n  - name: unannotated pods are kept\n    \
        job: kubernetes-pods\n    targets:\n      - {__address__: '10.0.0.1:80', \
        __meta_kubernetes_namespace: web, __meta_kubernetes_pod_name: web-1}\n    \
        expect:\n      - kept: {pod: web-1}\n";
    std::fs::write(tests.join(OsStr::from_bytes(b"pods-\xff.test.yaml")), test)
        .expect("write test");
    let r = kdm_in(dir.path(), &["test", "."]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("tests-\u{fffd}/pods-\u{fffd}.test.yaml"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("cannot read"), "{}", r.stderr);
}

/// Diagnostics past column 65,535 (minified JSON) render in every format:
/// the snippet shows the part of the line around the mark, the machine
/// formats the true column.
#[test]
fn diagnostics_far_along_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = "h".repeat(70_000);
    write(
        dir.path(),
        "min.json",
        format!("[{{\"__address__\": \"{long}\"}}]]").as_bytes(),
    );
    write(
        dir.path(),
        "prom.yml",
        b"scrape_configs:\n- job_name: node\n  static_configs: [{targets: [a:1]}]\n",
    );
    write(dir.path(), "rules.yml", RULES.as_bytes());
    write(
        dir.path(),
        "series.txt",
        format!("up{{a=\"{long}\"}}}}\n").as_bytes(),
    );
    let routes: [&[&str]; 3] = [
        &["lint", "min.json"],
        &["relabel-sim", "-c", "rules.yml", "-t", "min.json"],
        &[
            "relabel-sim",
            "-c",
            "prom.yml",
            "-j",
            "node",
            "--series",
            "series.txt",
        ],
    ];
    for route in routes {
        let file = route[route.len() - 1];
        let col = if file == "series.txt" { 70_009 } else { 70_022 };
        for format in ["human", "json"] {
            let args = [route, &["--format", format]].concat();
            let r = kdm_in(dir.path(), &args);
            assert_input_error(&r, &format!("{file}:1:{col}"));
            assert!(r.stderr.len() < 4_000, "{args:?}: {}", r.stderr);
            if format == "json" && route[0] == "lint" {
                let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
                assert_eq!(v["errors"][0]["column"], col, "{}", r.stdout);
            }
        }
    }
    let r = kdm_in(dir.path(), &["lint", "--format", "sarif", "min.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("sarif report");
    let place = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["locations"][0];
    assert_eq!(
        place["physicalLocation"]["region"]["startColumn"], 70_022,
        "{}",
        r.stdout
    );
    // Findings (not only parse errors) far along a line.
    let ds = format!(
        "{{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{{\"name\":\"x\",\
         \"annotations\":{{\"a\":\"{long}\"}}}},\"spec\":{{\"template\":{{\"spec\":\
         {{\"containers\":[{{\"name\":\"a\",\"image\":\"a:1\"}}]}}}}}}}}"
    );
    write(dir.path(), "ds.json", ds.as_bytes());
    let col = ds.find("\"spec\"").expect("spec") + 1;
    let r = kdm_in(dir.path(), &["lint", "ds.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("ds.json:1:{col}")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.len() < 20_000, "{} bytes", r.stdout.len());
}

/// A scrape config and a test file in a temporary directory, for
/// `kdm test --update`.
fn update_dir(test: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/scrape-configs/prometheus-community__prometheus.yml"
        ),
        dir.path().join("prometheus.yml"),
    )
    .expect("copy config");
    write(dir.path(), "t.test.yaml", test.as_bytes());
    dir
}

const UNANNOTATED: &str = "{__address__: 10.0.0.1:80}";
const ANNOTATED: &str =
    "{__address__: 10.0.0.2:80, __meta_kubernetes_namespace: web, __meta_kubernetes_pod_annotation_prometheus_io_scrape: \"true\"}";

fn read(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).expect("read")
}

/// Two failing tests sharing their `expect` list through an alias: when
/// both want the same new list the anchored one is rewritten once; when
/// they want different lists the file is refused at the alias, untouched.
#[test]
fn update_of_expectations_shared_through_an_alias() {
    let same = format!(
        "config: prometheus.yml\ntests:\n  - name: a\n    job: kubernetes-pods\n    targets: [{UNANNOTATED}]\n    expect: &e\n      - kept: true\n  - name: b\n    job: kubernetes-pods\n    targets: [{UNANNOTATED}]\n    expect: *e\n"
    );
    let dir = update_dir(&same);
    let run = kdm_in(dir.path(), &["test", "--update", "t.test.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        read(&dir, "t.test.yaml"),
        same.replace(
            "      - kept: true\n",
            "      - dropped:\n          rule: 0\n"
        )
    );

    // "kept" passes with the shared list, "dropped" would need another.
    let differ = format!(
        "config: prometheus.yml\ntests:\n  - name: kept\n    job: kubernetes-pods\n    targets: [{ANNOTATED}]\n    expect: &e\n      - kept: true\n  - name: dropped\n    job: kubernetes-pods\n    targets: [{UNANNOTATED}]\n    expect: *e\n"
    );
    let dir = update_dir(&differ);
    let run = kdm_in(dir.path(), &["test", "--update", "t.test.yaml"]);
    assert_input_error(&run, "through a YAML alias, and they need different values");
    assert!(run.stderr.contains("t.test.yaml:11:13"), "{}", run.stderr);
    assert!(run.stderr.contains("alias of &e"), "{}", run.stderr);
    assert_eq!(read(&dir, "t.test.yaml"), differ);
}

/// `--update` through anchors and aliases that every reader agrees with
/// (cases the property test in tests/update_properties.rs found refused):
/// an anchored first entry of a zero-indented list, a list holding an alias
/// entry that grows, a list holding an alias rewritten whole while its
/// anchored entry is patched for its own test, and a list growing after an
/// anchored value another test reads. An entry added to a list
/// shared through an alias is refused at the alias, even after a comment.
#[test]
fn update_through_anchors_and_aliases() {
    let cases = [
        (
            "config: prometheus.yml\ntests:\n- name: t\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}]\n  expect:\n  - &x\n    kept: true\n",
            "config: prometheus.yml\ntests:\n- name: t\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}]\n  expect:\n  - &x\n    dropped:\n      rule: 0\n",
        ),
        (
            "config: prometheus.yml\ntests:\n- name: a\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}]\n  expect:\n  - &gone\n    dropped: {rule: 0}\n- name: b\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}, {UNANNOTATED}, {ANNOTATED}]\n  expect:\n  - *gone  # same\n  - kept: true\n",
            "config: prometheus.yml\ntests:\n- name: a\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}]\n  expect:\n  - &gone\n    dropped: {rule: 0}\n- name: b\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}, {UNANNOTATED}, {ANNOTATED}]\n  expect:\n  - *gone  # same\n  - dropped:\n      rule: 0\n  - kept:\n      instance: 10.0.0.2:80\n      job: kubernetes-pods\n      namespace: web\n    scrape_url: http://10.0.0.2:80/metrics\n",
        ),
        (
            "config: prometheus.yml\ntests:\n- name: a\n  job: kubernetes-pods\n  targets: [{ANNOTATED}]\n  expect:\n  - &x\n    dropped: true\n- name: b\n  job: kubernetes-pods\n  targets: [{ANNOTATED}]\n  expect: [*x, {dropped: true}]\n",
            "config: prometheus.yml\ntests:\n- name: a\n  job: kubernetes-pods\n  targets: [{ANNOTATED}]\n  expect:\n  - &x\n    kept:\n      instance: 10.0.0.2:80\n      job: kubernetes-pods\n      namespace: web\n    scrape_url: http://10.0.0.2:80/metrics\n- name: b\n  job: kubernetes-pods\n  targets: [{ANNOTATED}]\n  expect: [{kept: {instance: 10.0.0.2:80, job: kubernetes-pods, namespace: web}, scrape_url: http://10.0.0.2:80/metrics}]\n",
        ),
        (
            // The list grows after an entry holding an anchor that another
            // test reads, and still wants.
            "config: prometheus.yml\ntests:\n- name: a\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}, {ANNOTATED}, {UNANNOTATED}]\n  expect:\n  - dropped: true\n  - kept: &k {}\n- name: b\n  job: kubernetes-pods\n  targets: [{ANNOTATED}]\n  expect:\n  - kept: *k\n",
            "config: prometheus.yml\ntests:\n- name: a\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}, {ANNOTATED}, {UNANNOTATED}]\n  expect:\n  - dropped: {rule: 0}\n  - kept: &k {}\n  - dropped: {rule: 0}\n- name: b\n  job: kubernetes-pods\n  targets: [{ANNOTATED}]\n  expect:\n  - kept: *k\n",
        ),
    ];
    let fill = |t: &str| {
        t.replace("{UNANNOTATED}", UNANNOTATED)
            .replace("{ANNOTATED}", ANNOTATED)
    };
    for (before, after) in cases {
        let (before, after) = (fill(before), fill(after));
        let dir = update_dir(&before);
        let run = kdm_in(dir.path(), &["test", "--update", "t.test.yaml"]);
        assert_eq!(run.code, 0, "{before}\n{}{}", run.stdout, run.stderr);
        assert_eq!(read(&dir, "t.test.yaml"), after, "{before}");
    }

    let shared = fill("config: prometheus.yml\ntests:\n- name: a\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}]\n  expect: &e\n  - dropped:\n      rule: 0  # why\n- name: b\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}, {UNANNOTATED}]\n  expect: *e\n");
    let dir = update_dir(&shared);
    let run = kdm_in(dir.path(), &["test", "--update", "t.test.yaml"]);
    assert_input_error(&run, "through a YAML alias, and they need different values");
    assert!(run.stderr.contains("t.test.yaml:12:11"), "{}", run.stderr);
    assert_eq!(read(&dir, "t.test.yaml"), shared);
}

/// `--update` keeps the file's layout: a zero-indented list, an anchored and
/// tagged list, CRLF and lone CR line endings, comments and flow mappings
/// stay as they were around the rewritten values, and the file passes when
/// run again.
#[test]
fn update_keeps_the_layout_around_rewritten_values() {
    let cases = [
        (
            // Zero-indented, kdm's own style; one target more than expected.
            format!("config: prometheus.yml\ntests:\n- name: t\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}, {ANNOTATED}]\n  expect:\n  - kept: true  # first\n# after\n"),
            "config: prometheus.yml\ntests:\n- name: t\n  job: kubernetes-pods\n  targets: [{UNANNOTATED}, {ANNOTATED}]\n  expect:\n  - dropped:\n      rule: 0  # first\n  - kept:\n      instance: 10.0.0.2:80\n      job: kubernetes-pods\n      namespace: web\n    scrape_url: http://10.0.0.2:80/metrics\n# after\n",
        ),
        (
            // An anchored, tagged list one entry too long, with CRLF lines.
            format!("config: prometheus.yml\r\ntests:\r\n  - name: t\r\n    job: kubernetes-pods\r\n    targets: [{UNANNOTATED}]\r\n    expect: &e !!seq\r\n      # why\r\n      - dropped: true\r\n      - kept: {{a: b}}  # gone\r\n"),
            "config: prometheus.yml\r\ntests:\r\n  - name: t\r\n    job: kubernetes-pods\r\n    targets: [{UNANNOTATED}]\r\n    expect: &e !!seq\r\n      # why\r\n      - dropped: {rule: 0}\r\n",
        ),
        (
            // Lone CR line breaks, which YAML reads as line breaks too: the
            // file was refused as if shared through an alias.
            format!("config: prometheus.yml\rtests:\r- name: t\r  job: kubernetes-pods\r  targets: [{UNANNOTATED}, {UNANNOTATED}]\r  expect:\r  - kept: true  # one\r"),
            "config: prometheus.yml\rtests:\r- name: t\r  job: kubernetes-pods\r  targets: [{UNANNOTATED}, {UNANNOTATED}]\r  expect:\r  - dropped:\r      rule: 0  # one\r  - dropped:\r      rule: 0\r",
        ),
        (
            // Flow mappings stay flow; only the failing value changes.
            format!("config: prometheus.yml\ntests:\n  - name: t\n    job: kubernetes-pods\n    targets: [{ANNOTATED}]\n    expect:\n      - kept: {{ namespace: api, pod: x }}   # was\n        scrape_url: \"http://10.0.0.2:80/metrics\"\n"),
            "config: prometheus.yml\ntests:\n  - name: t\n    job: kubernetes-pods\n    targets: [{ANNOTATED}]\n    expect:\n      - kept: { namespace: web }   # was\n        scrape_url: \"http://10.0.0.2:80/metrics\"\n",
        ),
    ];
    for (before, after) in cases {
        let after = after
            .replace("{UNANNOTATED}", UNANNOTATED)
            .replace("{ANNOTATED}", ANNOTATED);
        let dir = update_dir(&before);
        let run = kdm_in(dir.path(), &["test", "--update", "t.test.yaml"]);
        assert_eq!(run.code, 0, "{before}\n{}{}", run.stdout, run.stderr);
        assert_eq!(read(&dir, "t.test.yaml"), after, "{before}");
    }
}

/// `--update` writes through a symbolic link to its target, keeping the
/// link, and refuses what it cannot rewrite in place.
#[cfg(unix)]
#[test]
fn update_writes_through_links_and_refuses_standard_input() {
    let test = format!(
        "config: prometheus.yml\ntests:\n  - name: t\n    job: kubernetes-pods\n    targets: [{UNANNOTATED}]\n    expect: [{{kept: true}}]\n"
    );
    let dir = update_dir(&test);
    std::os::unix::fs::symlink("t.test.yaml", dir.path().join("link.test.yaml")).unwrap();
    let run = kdm_in(dir.path(), &["test", "--update", "link.test.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let link = std::fs::symlink_metadata(dir.path().join("link.test.yaml")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(
        read(&dir, "t.test.yaml"),
        test.replace("[{kept: true}]", "[{dropped: {rule: 0}}]")
    );

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(["test", "--update", "-"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(test.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("standard input cannot be rewritten"),
        "{stderr}"
    );
    assert!(!dir.path().join("<stdin>").exists());
}

/// One run of each command that prints a report, for the write-failure
/// tests: arguments and the exit code of a run whose output is read.
const REPORTS: &[(&[&str], i32)] = &[
    (&["lint", "testdata/lint/host-path-sensitive/bad.yaml"], 1),
    (
        &["lint", "--format", "json", "testdata/lint-cli/clean.yaml"],
        0,
    ),
    (&["test", "testdata/test"], 0),
    (&["generate", "daemonset"], 0),
    (&["generate", "daemonset", "--show-values"], 0),
    (
        &[
            "relabel-sim",
            "-c",
            "testdata/relabel-sim/rules.yaml",
            "-t",
            "testdata/relabel-sim/pods.yaml",
        ],
        0,
    ),
    (&["completions", "bash"], 0),
    (&["--help"], 0),
    (&["--version"], 0),
];

/// Runs kdm at the repository root with standard output going to `stdout`.
fn kdm_to(stdout: impl Into<std::process::Stdio>, args: &[&str]) -> Run {
    common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_kdm"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(stdout),
    )
}

/// A report that cannot be written (a full disk) is an error, exit code 2
/// with a message, whatever the command: never a silent empty file.
#[cfg(target_os = "linux")]
#[test]
fn full_disk_is_an_error_for_every_command() {
    for (args, _) in REPORTS {
        let full = std::fs::File::create("/dev/full").expect("open /dev/full");
        let r = kdm_to(full, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr
                .matches("cannot write to standard output: No space left on device")
                .count(),
            1,
            "{args:?}: {}",
            r.stderr
        );
    }
}

/// A reader that went away before kdm wrote anything (`kdm … | head -0`)
/// is not an error: no message, and the exit code the run would have had.
#[cfg(unix)]
#[test]
fn closed_pipe_is_quiet_for_every_command() {
    for (args, code) in REPORTS {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let r = kdm_to(writer, args);
        assert_eq!((r.code, r.stderr.as_str()), (*code, ""), "{args:?}");
    }
}

/// `generate -o` and `--scrape-config` naming one file, however spelt
/// (and whether it exists yet), is a usage error that writes nothing.
#[test]
fn manifests_and_scrape_config_go_to_two_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    write(dir.path(), "x.yaml", b"keep me\n");
    for (o, s) in [
        ("x.yaml", "./x.yaml"),
        ("x.yaml", "sub/../x.yaml"),
        ("new.yaml", "./sub/../new.yaml"),
        ("-", "-"),
    ] {
        let args = [
            "generate",
            "daemonset",
            "-o",
            o,
            "--scrape-config",
            s,
            "--force",
        ];
        let r = kdm_in(dir.path(), &args);
        assert_input_error(&r, "--output and --scrape-config name the same file");
        assert_eq!(r.stdout, "", "{args:?}");
    }
    assert_eq!(read(&dir, "x.yaml"), "keep me\n");
    assert!(!dir.path().join("new.yaml").exists());
    assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 2);
}

/// The two files of `generate` are written all or nothing: when the second
/// cannot be written, the first is left as it was.
#[test]
fn generated_files_are_written_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "ds.yaml", b"keep me\n");
    for (o, s) in [
        ("ds.yaml", "missing/scrape.yml"),
        ("missing/ds.yaml", "ds.yaml"),
    ] {
        let args = [
            "generate",
            "daemonset",
            "-o",
            o,
            "--scrape-config",
            s,
            "--force",
        ];
        let r = kdm_in(dir.path(), &args);
        assert_input_error(&r, "directory missing does not exist");
        assert!(!r.stderr.contains("wrote"), "{}", r.stderr);
        assert_eq!(read(&dir, "ds.yaml"), "keep me\n", "{args:?}");
        // No temporary file is left behind either.
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }
}

/// `-o` writes only regular files: a device or a FIFO is refused with or
/// without `--force` (as root, renaming over /dev/null would replace it).
#[cfg(unix)]
#[test]
fn generate_refuses_devices_and_fifos() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo.yaml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    for force in [false, true] {
        for (path, kind) in [("/dev/null", "a character device"), ("fifo.yaml", "a FIFO")] {
            let mut args = vec!["generate", "daemonset", "-o", path];
            if force {
                args.push("--force");
            }
            let r = kdm_within_a_minute(dir.path(), &args);
            assert_input_error(&r, &format!("it is {kind}, not a regular file"));
        }
    }
    let null = std::fs::symlink_metadata("/dev/null").expect("stat /dev/null");
    assert!(null.file_type().is_char_device());
    let fifo = std::fs::symlink_metadata(&fifo).expect("stat fifo");
    assert!(fifo.file_type().is_fifo());
}

/// A symbolic link is an existing file: refused without `--force`; with
/// it, written through to its file, the link kept, and kdm says so.
#[cfg(unix)]
#[test]
fn generate_writes_through_links_only_with_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    write(&dir.path().join("real"), "ds.yaml", b"keep me\n");
    std::os::unix::fs::symlink("real/ds.yaml", dir.path().join("ds.yaml")).expect("symlink");
    let r = kdm_in(dir.path(), &["generate", "daemonset", "-o", "ds.yaml"]);
    assert_input_error(&r, "ds.yaml already exists; not overwriting it");
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(read(&dir, "real/ds.yaml"), "keep me\n");

    let r = kdm_in(
        dir.path(),
        &["generate", "daemonset", "-o", "ds.yaml", "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "wrote through symbolic link ds.yaml to real/ds.yaml\n"
    );
    let link = std::fs::symlink_metadata(dir.path().join("ds.yaml")).expect("stat link");
    assert!(link.file_type().is_symlink());
    assert!(read(&dir, "real/ds.yaml").contains("kind: DaemonSet"));
}

/// `(line, column)` of the first finding of `rule` (or the first input
/// error, for `None`) in each of lint's formats: human, JSON, SARIF, GitHub.
fn places_in_every_format(
    dir: &std::path::Path,
    file: &str,
    rule: Option<&str>,
) -> Vec<(u64, u64)> {
    let run = |format: &str| kdm_in(dir, &["lint", "--format", format, file]);
    let number = |s: &str, key: &str| -> u64 {
        let at = s.find(key).unwrap_or_else(|| panic!("{key} in {s}")) + key.len();
        let digits: String = s[at..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse().expect("a number")
    };
    let mut places = Vec::new();
    // Human: the header of the snippet after the headline.
    let r = run("human");
    let text = match rule {
        Some(rule) => r.stdout.split(&format!("[{rule}]")).nth(1),
        None => Some(r.stderr.as_str()),
    }
    .unwrap_or_else(|| panic!("{}{}", r.stdout, r.stderr));
    let header = &text[text.find(&format!("[{file}:")).expect("a header")..];
    let line = number(header, ":");
    places.push((line, number(&header[1..], &format!(":{line}:"))));
    let json: serde_json::Value = serde_json::from_str(&run("json").stdout).expect("json");
    let item = match rule {
        Some(rule) => json["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["rule"] == rule)),
        None => json["errors"].get(0),
    }
    .unwrap_or_else(|| panic!("{json}"));
    places.push((
        item["line"].as_u64().unwrap(),
        item["column"].as_u64().unwrap(),
    ));
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif").stdout).expect("sarif");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let item = match rule {
        Some(rule) => run0["results"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["ruleId"] == rule)),
        None => run0["invocations"][0]["toolExecutionNotifications"].get(0),
    }
    .unwrap_or_else(|| panic!("{sarif}"));
    let region = &item["locations"][0]["physicalLocation"]["region"];
    places.push((
        region["startLine"].as_u64().unwrap(),
        region["startColumn"].as_u64().unwrap(),
    ));
    let github = run("github").stdout;
    let title = format!("title=kdm {}::", rule.unwrap_or("input error"));
    let line = github
        .lines()
        .find(|l| l.contains(&title))
        .unwrap_or_else(|| panic!("{github}"));
    places.push((number(line, ",line="), number(line, ",col=")));
    places
}

/// Every format shows one line:column for a place: columns count
/// characters (not bytes), a byte order mark is not a column, and lines end
/// at a lone CR (old Mac files) as they do at LF, in findings and errors.
#[test]
fn every_format_agrees_on_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = "apiVersion: apps/v1\nkind: DaemonSet\n\
        metadata: {annotations: {a: \"ééé\"}, name: agent, namespace: monitoring}\n\
        spec:\n  selector: {matchLabels: {app: agent}}\n  template:\n\
        \x20   metadata: {labels: {app: agent}}\n    spec:\n\
        \x20     containers: [{name: agent, image: \"example/agent:1.0.0\"}]\n";
    let one_line = "{apiVersion: apps/v1, kind: DaemonSet, metadata: {name: \"é-agent\", \
        namespace: monitoring}, spec: {selector: {matchLabels: {app: agent}}, template: \
        {metadata: {labels: {app: agent}}, spec: {containers: [{name: agent}]}}}}\n";
    let broken = "kind: ConfigMap\nmetadata: {name: \"é\"}\ndata: {a: [1, 2}\n";
    let finding = Some("missing-recommended-labels");
    let cases = [
        ("wide.yaml", manifest.into(), finding, (3, 43)),
        ("cr.yaml", manifest.replace('\n', "\r"), finding, (3, 43)),
        ("bom.yaml", format!("\u{feff}{manifest}"), finding, (3, 43)),
        (
            "bom-line-1.yaml",
            format!("\u{feff}{one_line}"),
            finding,
            (1, 57),
        ),
        (
            "bom-cr.yaml",
            format!("\u{feff}{}", one_line.replace('\n', "\r")),
            finding,
            (1, 57),
        ),
        ("broken-cr.yaml", broken.replace('\n', "\r"), None, (3, 16)),
        (
            "broken-bom.yaml",
            format!("\u{feff}{}", broken.replace('\n', "\r\n")),
            None,
            (3, 16),
        ),
    ];
    for (name, text, rule, want) in cases {
        write(dir.path(), name, text.as_bytes());
        let places = places_in_every_format(dir.path(), name, rule);
        assert_eq!(places, vec![want; 4], "{name}: human, JSON, SARIF, GitHub");
    }
}

/// Series files with a byte order mark or old Mac line ends are read, and
/// their line numbers are the ones an editor shows.
#[test]
fn series_with_a_byte_order_mark_and_old_mac_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "rules.yml",
        b"- action: labeldrop\n  regex: id\n",
    );
    let series = "# one per line\rup{job=\"a\", id=\"1\"}\rup{job=\"b\"}\r";
    write(dir.path(), "s.txt", format!("\u{feff}{series}").as_bytes());
    let r = kdm_in(
        dir.path(),
        &["relabel-sim", "-c", "rules.yml", "--series", "s.txt"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("line 2: up{id=\"1\", job=\"a\"}"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("line 3: up{job=\"b\"}"), "{}", r.stdout);
    write(
        dir.path(),
        "bad.txt",
        "\u{feff}up{job=\"a\"}\ré{".as_bytes(),
    );
    let r = kdm_in(
        dir.path(),
        &["relabel-sim", "-c", "rules.yml", "--series", "bad.txt"],
    );
    assert_input_error(&r, "bad.txt:2:1");
}

/// Control characters from the input (escape sequences in object names,
/// label values, file names, test names and target labels, quoted or raw)
/// reach the terminal escaped in the human format, in every command: a
/// name cannot retitle the terminal, clear it or hide a finding.
#[cfg(unix)]
#[test]
fn control_characters_from_the_input_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/scrape-configs/prometheus-community__prometheus.yml"
        ),
        dir.path().join("prometheus.yml"),
    )
    .expect("copy config");
    let manifest = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  \
        name: \"\\e[31mevil\\a\"\n  namespace: raw\x1b[2Jns\n  labels: {a: raw\x1b7z, team: \"x\\x07y\\x9b\"}\n\
        spec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    \
        metadata: {labels: {app: agent}, annotations: {prometheus.io/scrape: \"true\"}}\n    \
        spec:\n      containers: [{name: agent, image: \"example/agent:1.0.0\", \
        ports: [{name: metrics, containerPort: 9100}]}]\n";
    write(dir.path(), "evil\x1b]0;pwned\x07.yaml", manifest.as_bytes());
    let test = "config: prometheus.yml\ntests:\n  - name: \"t\\e[2Jx\"\n    \
        job: kubernetes-pods\n    targets: [{__address__: \"10.0.0.1:80\", \
        __meta_kubernetes_pod_name: \"p\\e[8m\"}]\n    expect: [{kept: true}]\n";
    write(dir.path(), "t.test.yaml", test.as_bytes());
    let targets = "- targets: [\"a:80\"]\n  labels: {__meta_kubernetes_pod_name: \"p\\e[8m\", \
        __meta_kubernetes_pod_annotation_prometheus_io_scrape: \"true\", \
        __meta_kubernetes_namespace: \"n\\a\"}\n";
    write(dir.path(), "targets.yaml", targets.as_bytes());
    write(dir.path(), "bad\x1b[2J.yaml", b"a: [\x1b]0;x\x07\n");

    let runs: [&[&str]; 6] = [
        &["lint", "."],
        &["test", "t.test.yaml"],
        &["relabel-sim", "-c", "prometheus.yml", "--manifests", "."],
        &[
            "relabel-sim",
            "-c",
            "prometheus.yml",
            "-j",
            "kubernetes-pods",
            "-t",
            "targets.yaml",
        ],
        &["lint", "bad\x1b[2J.yaml"],
        &["lint", "missing\x1b[2J.yaml"],
    ];
    for args in runs {
        for color in ["never", "always"] {
            let mut all = args.to_vec();
            all.extend(["--color", color]);
            let r = kdm_in(dir.path(), &all);
            assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
            for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
                // Colours are the only escape sequences kdm writes itself.
                let mut rest = text.as_str();
                while let Some(at) = rest.find(|c: char| c.is_control() && c != '\n') {
                    let sgr = rest[at..]
                        .strip_prefix("\x1b[")
                        .and_then(|s| s.find(|c: char| !(c.is_ascii_digit() || c == ';')))
                        .filter(|&n| rest.as_bytes()[at + 2 + n] == b'm');
                    assert!(
                        color == "always" && sgr.is_some(),
                        "{args:?} --color {color}: a control character on {stream}:\n{text:?}"
                    );
                    rest = &rest[at + 1..];
                }
            }
            let shown = format!("{}{}", r.stdout, r.stderr);
            assert!(shown.contains("\\u{1b}"), "{args:?}: {shown}");
        }
    }
    let r = kdm_in(dir.path(), &["lint", "."]);
    for shown in [
        "./evil\\u{1b}]0;pwned\\u{7}.yaml",
        "DaemonSet/raw\\u{1b}[2Jns/\\u{1b}[31mevil\\u{7}",
        "invalid label value \"x\\u{7}y\\u{9b}\"",
        // The snippet shows a raw escape escaped, the places after it unmoved.
        "namespace: raw\\u{1b}[2Jns",
        "labels: {a: raw\\u{1b}7z, team: \"x\\x07y\\x9b\"}",
        "pwned\\u{7}.yaml:6:29]",
    ] {
        assert!(r.stdout.contains(shown), "{shown} in\n{}", r.stdout);
    }
}

/// GitHub annotations escape what would end or split a workflow command:
/// `%`, CR and LF in messages, also `:` and `,` in properties.
#[test]
fn github_annotations_escape_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  \
        name: \"a\\r\\n::error::forged 100%\"\n  namespace: ns\nspec:\n  \
        selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    \
        spec:\n      containers: [{name: a, image: \"example/a:1.0.0\"}]\n";
    write(dir.path(), "a,b:c%.yaml", manifest.as_bytes());
    let r = kdm_in(dir.path(), &["lint", "--format", "github", "a,b:c%.yaml"]);
    assert!(!r.stdout.is_empty(), "{}", r.stderr);
    for line in r.stdout.lines() {
        assert!(
            ["::notice ", "::warning ", "::error "]
                .iter()
                .any(|l| line.starts_with(l)),
            "{line}"
        );
        assert!(line.contains("file=a%2Cb%3Ac%25.yaml,"), "{line}");
        assert!(
            line.contains("DaemonSet/ns/a%0D%0A::error::forged 100%25"),
            "{line}"
        );
    }
}

/// Label text built while relabeling one target is bounded: 2,500 `$1`
/// over a 1 MiB label, or the same label joined 2,500 times, fail that
/// target with the rule's line instead of building gigabytes; labelmap over
/// 80,000 labels stays linear (the builder indexes large change sets).
#[test]
fn relabeling_builds_bounded_text() {
    let big = "x".repeat(1 << 20);
    let targets = format!("[{{\"targets\": [\"a:1\"], \"labels\": {{\"big\": \"{big}\"}}}}]");
    let job = "scrape_configs:\n- job_name: j\n  static_configs: [{targets: ['a:1']}]\n  relabel_configs:\n";
    let expand = format!(
        "{job}  - source_labels: [big]\n    regex: (.*)\n    target_label: out\n    replacement: '{}'\n",
        "$1".repeat(2500)
    );
    let join = format!(
        "{job}  - source_labels: [{}]\n    target_label: out\n",
        vec!["big"; 2500].join(", ")
    );
    // 2,500 copies of the label, with 2,499 `;` between them when joined.
    for (config, bytes) in [(expand, 2_621_440_000u64), (join, 2_621_442_499)] {
        let r = sim(config.as_bytes(), targets.as_bytes());
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(
            r.stdout.contains(&format!(
                "the replace rule at line 5 would build {bytes} bytes of label text"
            )),
            "{}",
            &r.stdout[..r.stdout.len().min(2000)]
        );
        assert!(r.stdout.contains("1 failed"), "{}", r.stdout.len());
    }

    let labels: Vec<String> = (0..80_000)
        .map(|i| format!("\"__meta_x_{i}\": \"v\""))
        .collect();
    let targets = format!(
        "[{{\"targets\": [\"a:1\"], \"labels\": {{{}}}}}]",
        labels.join(", ")
    );
    let labelmap = format!("{job}  - action: labelmap\n    regex: __meta_x_(.+)\n");
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "config.yml", labelmap.as_bytes());
    write(dir.path(), "targets.json", targets.as_bytes());
    let r = kdm_in(
        dir.path(),
        &[
            "relabel-sim",
            "-c",
            "config.yml",
            "-t",
            "targets.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let target = &v["results"][0]["target"];
    assert_eq!(target["79999"], "v");
    let mapped = target.as_object().map_or(0, |m| {
        m.keys()
            .filter(|k| k.bytes().all(|b| b.is_ascii_digit()))
            .count()
    });
    assert_eq!(mapped, 80_000);
}
