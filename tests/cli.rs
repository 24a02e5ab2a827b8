//! End-to-end tests of the `kdm` binary over `testdata/`, with snapshots of
//! what users see.

mod common;

use std::process::Command;

use common::kdm;

const COMMUNITY: &str = "testdata/scrape-configs/prometheus-community__prometheus.yml";

#[test]
fn pods_through_the_community_chart_jobs() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        COMMUNITY,
        "-t",
        "testdata/relabel-sim/pods.yaml",
        "-j",
        "kubernetes-pods",
        "-j",
        "kubernetes-pods-slow",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn bare_rules_with_trace() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/relabel-sim/rules.yaml",
        "-t",
        "testdata/relabel-sim/labels.json",
        "--trace",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn bare_rules_json_contract() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/relabel-sim/rules.yaml",
        "-t",
        "testdata/relabel-sim/labels.json",
        "--output",
        "json",
        "--trace",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    for result in v["results"].as_array().expect("results") {
        assert!(result["job"].is_null());
        assert!(result["target"].is_null());
        assert!(result["scrape_url"].is_null());
    }
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn job_json_contract() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        COMMUNITY,
        "-t",
        "testdata/relabel-sim/pods.yaml",
        "-j",
        "kubernetes-pods",
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn yaml_output_matches_json() {
    let args = |fmt| {
        [
            "relabel-sim",
            "-c",
            "testdata/relabel-sim/rules.yaml",
            "-t",
            "testdata/relabel-sim/labels.json",
            "-o",
            fmt,
        ]
    };
    let json = kdm(&args("json"));
    let yaml = kdm(&args("yaml"));
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    let from_json: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let src = kdm::yaml::Source::new("out.yaml", yaml.stdout.clone());
    let docs = kdm::yaml::load_stream(&src, kdm::yaml::Limits::default()).expect("yaml");
    assert_eq!(docs[0].to_json(), from_json);
    insta::assert_snapshot!(yaml.stdout);
}

#[test]
fn static_configs_are_the_default_targets() {
    let r = kdm(&["relabel-sim", "-c", COMMUNITY, "-j", "prometheus"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn series_through_metric_relabel_configs() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/relabel-sim/metric-relabel.yml",
        "--series",
        "testdata/relabel-sim/series.txt",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

/// Samples carry their target's labels into metric_relabel_configs, as the
/// scrape loop merges them (honor_labels, exported_ prefixes, empty values).
#[test]
fn series_carry_their_target_labels() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/relabel-sim/series-target-labels.yml",
        "--series",
        "testdata/relabel-sim/series-target-labels.txt",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

/// `--remote-write`: the series a job keeps go through that remote write's
/// write_relabel_configs; a series dropped there is stored, not sent.
#[test]
fn series_through_a_remote_writes_write_relabel_configs() {
    let run = |rw: &str, format: &str| {
        kdm(&[
            "relabel-sim",
            "-c",
            "testdata/relabel-sim/remote-write.yml",
            "--series",
            "testdata/relabel-sim/series.txt",
            "--remote-write",
            rw,
            "--trace",
            "--format",
            format,
        ])
    };
    let by_name = run("grafana-cloud", "human");
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    insta::assert_snapshot!(by_name.stdout);
    assert_eq!(run("0", "human").stdout, by_name.stdout);
    let json = run("1", "json");
    assert_eq!(json.code, 0, "{}", json.stderr);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let sent = &doc["results"][3]["remote_write"];
    assert_eq!(sent["index"], 1);
    assert!(sent["relabeled"].get("fstype").is_none(), "{sent}");
    assert_eq!(sent["steps"][0]["action"], "labeldrop", "{sent}");
    let yaml = run("1", "yaml");
    assert!(yaml.stdout.contains("remote_write:"), "{}", yaml.stdout);

    let unknown = run("mimir", "human");
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no such remote write")
            && unknown
                .stderr
                .contains(r#"remote_write[0] "grafana-cloud", remote_write[1]"#),
        "{}",
        unknown.stderr
    );
    assert_eq!(run("2", "human").code, 2);
    let without_series = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/relabel-sim/remote-write.yml",
        "--remote-write",
        "0",
    ]);
    assert_eq!(without_series.code, 2, "{}", without_series.stderr);
}

/// Targets identical after relabeling are scraped once; the report says so.
#[test]
fn identical_targets_are_reported_as_duplicates() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        COMMUNITY,
        "-j",
        "kubernetes-pods",
        "-t",
        "testdata/relabel-sim/pod-two-ports.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

/// JSON names duplicates by their place in `results`: the second port's
/// target is the first's.
#[test]
fn duplicate_targets_in_json() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        COMMUNITY,
        "-j",
        "kubernetes-pods",
        "-t",
        "testdata/relabel-sim/pod-two-ports.yaml",
        "-f",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(
        v["duplicates"],
        serde_json::json!([{"job": "kubernetes-pods", "result": 1, "duplicate_of": 0}])
    );
    let results = v["results"].as_array().expect("results");
    assert_eq!(results[0]["target"], results[1]["target"]);
}

/// "Why is my pod not scraped?": `--target` narrows the report to one pod,
/// and the trace says which value did not match which regex.
#[test]
fn target_selector_with_trace_says_why() {
    let args = |format: &str| {
        kdm(&[
            "relabel-sim",
            "-c",
            COMMUNITY,
            "-j",
            "kubernetes-pods",
            "-t",
            "testdata/relabel-sim/why-not-scraped.yaml",
            "--target",
            "pod=web-0",
            "--trace",
            "-f",
            format,
        ])
    };
    let r = args("human");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(r#""True" does not match "true""#));
    insta::assert_snapshot!(r.stdout);
    let r = args("json");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let results = v["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    let why = &results[0]["steps"][0]["why"];
    assert_eq!(why["value"], "True");
    assert_eq!(why["regex"], "true");
    assert_eq!(why["matched"], false);
    // The other pod, and a selector matching nothing.
    let r = kdm(&[
        "relabel-sim",
        "-c",
        COMMUNITY,
        "-j",
        "kubernetes-pods",
        "-t",
        "testdata/relabel-sim/why-not-scraped.yaml",
        "--target",
        "namespace=shop,pod!=web-0",
        "--target",
        "pod=~nothing.*",
    ]);
    assert!(r.stdout.contains("--target selects 1 of 2"), "{}", r.stdout);
    assert!(r.stdout.contains("kept    pod shop/web-1"), "{}", r.stdout);
}

/// A bad selector is a usage error pointing into the argument.
#[test]
fn bad_target_selector_is_an_input_error() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        COMMUNITY,
        "-t",
        "testdata/relabel-sim/why-not-scraped.yaml",
        "--target",
        "pod=~(web",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--target:1:6"), "{}", r.stderr);
}

#[test]
fn targets_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args([
            "relabel-sim",
            "-c",
            "testdata/relabel-sim/rules.yaml",
            "-t",
            "-",
            "-o",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(br#"[{"__address__":"a:1","env":"prod"}]"#)
            .expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["results"][0]["relabeled"]["host"], "a");
}

/// A config with several independent mistakes lists them all in JSON's
/// `errors`, as on standard error; exit code 2.
#[test]
fn every_config_error_is_in_the_json_errors() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/errors/several-errors.yml",
        "-t",
        "testdata/relabel-sim/pods.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let lines: Vec<u64> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines, [4, 7, 12, 14, 16], "{}", r.stdout);
    assert_eq!(r.stderr.matches("several-errors.yml:").count(), 5);
}

/// Every invalid config is a diagnostic at the offending line, exit code 2.
#[test]
fn config_errors_point_at_the_line() {
    let mut all = String::new();
    let mut paths: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/errors"))
            .expect("errors dir")
            .map(|e| e.expect("entry").path())
            .collect();
    paths.sort();
    for path in paths {
        let rel = format!(
            "testdata/errors/{}",
            path.file_name().expect("name").to_string_lossy()
        );
        let r = kdm(&[
            "relabel-sim",
            "-c",
            &rel,
            "-t",
            "testdata/relabel-sim/pods.yaml",
        ]);
        assert_eq!(r.code, 2, "{rel}: {}", r.stdout);
        assert!(
            r.stderr.contains(&format!("[{rel}:")),
            "{rel}: {}",
            r.stderr
        );
        all.push_str(&format!("== {rel}\n{}\n", r.stderr));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(kdm(&["relabel-sim"]).code, 2);
    assert_eq!(kdm(&["no-such-command"]).code, 2);
    let r = kdm(&["relabel-sim", "-c", "testdata/nope.yml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no such file"));
    let r = kdm(&["relabel-sim", "-c", COMMUNITY, "-j", "missing"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("job \"missing\" not found"));
    // A directory is read for prometheus-operator resources only.
    let r = kdm(&["relabel-sim", "-c", "testdata/scrape-configs"]);
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .contains("no Prometheus, PrometheusAgent or monitor in the directory"));
    assert_eq!(kdm(&["relabel-sim", "-c", "testdata"]).code, 2);
}

#[test]
fn help_has_examples() {
    let r = kdm(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Examples:"));
    let r = kdm(&["relabel-sim", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("kdm relabel-sim -c prometheus.yml"));
}

/// Every job of the Prometheus documentation's Kubernetes example over real
/// `kubectl get` output: each role's meta labels feed the job's rules.
#[test]
fn documentation_example_over_kubernetes_objects() {
    let mut args = vec![
        "relabel-sim",
        "-c",
        "testdata/scrape-configs/prometheus__prometheus-kubernetes.yml",
    ];
    for f in [
        "k9s__po.json",
        "k9s__no.json",
        "k9s__svc.json",
        "k9s__ep.json",
        "k9s__eps.json",
        "k9s__ing.json",
        "kubectl-neat__list1-raw.yaml",
        "popeye__pod-list-with-daemonset-owner.yaml",
        "popeye__endpoints-list.yaml",
        "popeye__service-list.yaml",
        "popeye__node-list.yaml",
        "popeye__ingress-list.yaml",
    ] {
        args.push("-t");
        args.push(Box::leak(
            format!("testdata/k8s-objects/{f}").into_boxed_str(),
        ));
    }
    let r = kdm(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn mixed_target_kinds_are_rejected() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        COMMUNITY,
        "-t",
        "testdata/relabel-sim/pods.yaml",
        "-t",
        "testdata/k8s-objects/k9s__po.json",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("must be of one kind"), "{}", r.stderr);
}

/// Prometheus's own negative tests for kubernetes_sd_configs are rejected
/// with Prometheus's messages.
#[test]
fn upstream_bad_kubernetes_sd_configs_are_rejected() {
    for (file, message) in [
        (
            "prometheus__kubernetes_role.bad.yml",
            "unknown Kubernetes SD role \"vacation\"",
        ),
        (
            "prometheus__kubernetes_selectors_duplicated_role.bad.yml",
            "duplicated selector role: pod",
        ),
    ] {
        let path = format!("testdata/corpus/scrape-configs/{file}");
        let r = kdm(&["relabel-sim", "-c", &path]);
        assert_eq!(r.code, 2, "{file}");
        assert!(r.stderr.contains(message), "{file}: {}", r.stderr);
    }
    for file in [
        "prometheus__kubernetes_selectors_pod.good.yml",
        "prometheus__kubernetes_selectors_endpoints.good.yml",
    ] {
        let path = format!("testdata/corpus/scrape-configs/{file}");
        assert_eq!(kdm(&["relabel-sim", "-c", &path]).code, 0, "{file}");
    }
}

/// `--format` chooses the report in every command; relabel-sim's older
/// `--output`/`-o` and the name `text` still work, and a format a command
/// does not write is a usage error.
#[test]
fn format_is_one_flag_everywhere() {
    let sim = |flag: &str, format: &str| {
        let r = kdm(&[
            "relabel-sim",
            "-c",
            "testdata/relabel-sim/rules.yaml",
            "-t",
            "testdata/relabel-sim/labels.json",
            flag,
            format,
        ]);
        assert_eq!(r.code, 0, "{flag} {format}: {}", r.stderr);
        r.stdout
    };
    let json = sim("--format", "json");
    assert!(json.starts_with("{\"results\": ["), "{json}");
    assert_eq!(sim("--output", "json"), json);
    assert_eq!(sim("-o", "json"), json);
    assert_eq!(sim("-f", "json"), json);
    let human = sim("--format", "human");
    assert!(human.starts_with("relabel rules:"), "{human}");
    assert_eq!(sim("--output", "text"), human);
    let test = kdm(&["test", "--format", "text", "testdata/test"]);
    assert_eq!(test.code, 0);
    assert_eq!(
        test.stdout,
        kdm(&["test", "--format", "human", "testdata/test"]).stdout
    );
    for (args, offered) in [
        (
            &["test", "--format", "sarif", "testdata/test"][..],
            "human, json, junit",
        ),
        (
            &["lint", "--format", "yaml", "testdata/lint-cli/ds.yaml"][..],
            "human, json, sarif, github, junit",
        ),
    ] {
        let r = kdm(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(offered), "{args:?}: {}", r.stderr);
    }
}

/// An input error (a bad config, a bad targets file) stops relabel-sim: the
/// JSON and YAML reports end with it in their `errors`, placed as lint's
/// are, standard error shows the same diagnostic as the human report, and
/// the exit code is 2.
#[test]
fn relabel_sim_input_errors_are_in_every_report() {
    for (name, inputs, file, line) in [
        (
            "config",
            [
                "-c",
                "testdata/errors/unknown-action.yml",
                "-t",
                "testdata/relabel-sim/pods.yaml",
            ],
            "testdata/errors/unknown-action.yml",
            5,
        ),
        (
            "targets",
            [
                "-c",
                "testdata/relabel-sim/rules.yaml",
                "-t",
                "testdata/relabel-sim/broken-targets.yaml",
            ],
            "testdata/relabel-sim/broken-targets.yaml",
            3,
        ),
    ] {
        let sim = |format: &str| {
            let mut args = vec!["relabel-sim", "--format", format];
            args.extend_from_slice(&inputs);
            kdm(&args)
        };
        let human = sim("human");
        assert_eq!(human.code, 2, "{name}");
        assert_eq!(human.stdout, "", "{name}");
        assert!(
            human.stderr.contains(&format!("{file}:{line}:")),
            "{name}: {}",
            human.stderr
        );
        let json = sim("json");
        assert_eq!((json.code, &json.stderr), (2, &human.stderr), "{name}");
        let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
        assert_eq!(v["results"], serde_json::json!([]), "{name}");
        assert_eq!(v["errors"][0]["file"], file, "{name}");
        assert_eq!(v["errors"][0]["line"], line, "{name}");
        insta::assert_snapshot!(format!("relabel-sim-input-error-{name}.json"), json.stdout);
        let yaml = sim("yaml");
        assert_eq!((yaml.code, &yaml.stderr), (2, &human.stderr), "{name}");
        let src = kdm::yaml::Source::new("out.yaml", yaml.stdout.clone());
        let docs = kdm::yaml::load_stream(&src, kdm::yaml::Limits::default()).expect("YAML");
        assert_eq!(docs[0].to_json(), v, "{name}");
        insta::assert_snapshot!(format!("relabel-sim-input-error-{name}.yaml"), yaml.stdout);
    }
}

/// Without input errors the JSON and YAML reports still carry an empty
/// `duplicates` and `errors`, and the YAML report ends its last line.
#[test]
fn relabel_sim_reports_end_with_their_errors() {
    let sim = |format: &str| {
        kdm(&[
            "relabel-sim",
            "-c",
            "testdata/relabel-sim/rules.yaml",
            "-t",
            "testdata/relabel-sim/labels.json",
            "--format",
            format,
        ])
        .stdout
    };
    assert!(sim("json").ends_with("\n], \"duplicates\": [], \"errors\": []}\n"));
    assert!(sim("yaml").ends_with("\n  steps: []\nduplicates: []\nerrors: []\n"));
}

/// An input error met after some results were written (the second job
/// cannot decode a Pod) ends the JSON and YAML reports after those results.
#[test]
fn relabel_sim_input_error_after_results() {
    let sim = |format: &str| {
        kdm(&[
            "relabel-sim",
            "-c",
            "testdata/relabel-sim/stopped/prometheus.yml",
            "-t",
            "testdata/relabel-sim/stopped/objects.yaml",
            "--format",
            format,
        ])
    };
    let json = sim("json");
    assert_eq!(json.code, 2, "{}", json.stderr);
    assert!(
        json.stderr.contains("stopped/objects.yaml:8:1"),
        "{}",
        json.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    assert_eq!(v["results"][0]["job"], "nodes");
    assert_eq!(v["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["errors"][0]["line"], 8);
    let yaml = sim("yaml");
    assert_eq!(yaml.code, 2);
    let src = kdm::yaml::Source::new("out.yaml", yaml.stdout.clone());
    let docs = kdm::yaml::load_stream(&src, kdm::yaml::Limits::default()).expect("YAML");
    assert_eq!(docs[0].to_json(), v);
    insta::assert_snapshot!(yaml.stdout);
}

/// A Promtail config is not a Prometheus config: relabel-sim says so and
/// simulates its relabel_configs; lint reports no Prometheus errors on it.
#[test]
fn promtail_configs_are_recognised() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/promtail/promtail-local-config.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("is a Promtail config, not a Prometheus config"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("1 job, 1 target: 1 kept"), "{}", r.stdout);
    let r = kdm(&["lint", "testdata/promtail"]);
    assert!(!r.stdout.contains("relabel-config-invalid"), "{}", r.stdout);
    assert_ne!(r.code, 2, "{}", r.stderr);
}

/// file_sd_configs files (globs relative to the config) are read without
/// --targets; promtool check service-discovery, which reads them the same
/// way, keeps and drops the same targets.
#[test]
fn file_sd_files_are_read_relative_to_the_config() {
    let config = "testdata/relabel-sim/file-sd/prometheus.yml";
    let r = kdm(&["relabel-sim", "-c", config, "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let mut kdm_kept: Vec<(String, bool)> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|t| {
            let address = t["discovered"]["__address__"].as_str().unwrap_or("");
            (address.to_string(), !t["relabeled"].is_null())
        })
        .collect();
    kdm_kept.sort();
    let want = [
        ("a:9100", true),
        ("b:9100", true),
        ("c:9100", false),
        ("d:9100", true),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(a, k)| (a.to_string(), *k)).collect();
    assert_eq!(kdm_kept, want);
    let Some(promtool) = common::oracle("promtool", "apt-get install prometheus") else {
        return;
    };
    let out = std::process::Command::new(promtool)
        .args(["check", "service-discovery", "--timeout=2s", config, "node"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("promtool");
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("promtool json");
    let mut oracle: Vec<(String, bool)> = found
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            let address = t["discoveredLabels"]["__address__"].as_str().unwrap_or("");
            let kept = t["labels"].as_object().is_some_and(|l| !l.is_empty());
            (address.to_string(), kept)
        })
        .collect();
    oracle.sort();
    assert_eq!(kdm_kept, oracle);
}
