//! `schema-invalid` on prometheus-operator's custom resources: one fixture
//! per behaviour in `testdata/lint/schema-invalid/crd/` (each expected
//! finding marked on its line with `# expect: schema-invalid`) and one
//! snapshot of its findings and skipped-kind notes; real kube-prometheus
//! manifests are clean, and the operator's own golden-test inputs are
//! valid but for the ones listed here.

use std::collections::BTreeSet;
use std::path::Path;

use kdm::lint::config::LintConfig;
use kdm::lint::report;
use kdm::lint::runner::{run, LintOptions, LintResult};

const RULE: &str = "schema-invalid";

/// The notes about kinds left unchecked.
fn skipped(r: &LintResult) -> Vec<String> {
    r.notes
        .iter()
        .filter(|n| n.starts_with("not linted") || n.starts_with("not schema-checked"))
        .cloned()
        .collect()
}

/// Lints `path` with `schema-invalid` alone (the operator rules simulate
/// every Prometheus of the input, which the golden-test inputs make slow).
fn lint(path: &str) -> LintResult {
    let mut config = LintConfig::default();
    for rule in kdm::lint::registry::all() {
        if rule.meta().id != RULE {
            config.rules.insert(rule.meta().id.to_string(), None);
        }
    }
    run(&LintOptions {
        paths: vec![path.to_string()],
        force_prometheus: false,
        kubernetes_version: kdm::k8s::schema::DEFAULT_VERSION.to_string(),
        config,
    })
}

/// `(file, line, message)` of each schema-invalid finding.
fn findings(r: &LintResult) -> Vec<(String, usize, String)> {
    r.findings
        .iter()
        .filter(|f| f.rule == RULE)
        .map(|f| {
            let file = &r.files[f.file].source;
            let name = Path::new(&file.name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, file.line_col(f.span.start).0, f.message.clone())
        })
        .collect()
}

#[test]
fn each_behaviour_is_reported_where_its_fixture_expects() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint/schema-invalid/crd");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|f| f.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let path = format!("testdata/lint/schema-invalid/crd/{name}");
        let r = lint(&path);
        // A monitor kdm cannot read is also an input error (exit 2): only
        // where the schema check reports it.
        let schema_lines: BTreeSet<usize> =
            findings(&r).into_iter().map(|(_, line, _)| line).collect();
        for e in &r.errors {
            let line = e
                .file()
                .zip(e.span())
                .map(|(src, span)| src.line_col(span.start).0);
            assert!(
                line.is_some_and(|l| schema_lines.contains(&l)),
                "{path}: input error {e} at {line:?}"
            );
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let want: BTreeSet<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(&format!("# expect: {RULE}")))
            .map(|(i, _)| i + 1)
            .collect();
        let got: BTreeSet<usize> = findings(&r).into_iter().map(|(_, line, _)| line).collect();
        assert_eq!(got, want, "{path}");
        let notes = skipped(&r);
        let only_rule = LintResult {
            findings: r
                .findings
                .iter()
                .filter(|f| f.rule == RULE)
                .cloned()
                .collect(),
            files: r.files,
            errors: Vec::new(),
            notes,
            skipped: Vec::new(),
            suppressed: Vec::new(),
            baseline_keys: Vec::new(),
        };
        let stem = name.trim_end_matches(".yaml");
        insta::assert_snapshot!(
            format!("crd-{stem}"),
            report::human(&only_rule, kdm::report::Term::PLAIN)
        );
    }
}

/// prometheus-operator's own CRDs given with `--crds` replace the bundled
/// schemas of their kinds with the same verdicts: the bundled schemas are
/// their translation (testdata/crds/ holds the ServiceMonitor and
/// PrometheusRule CRDs of v0.93.0).
#[test]
fn the_operators_crds_given_as_crds_check_as_the_bundled_schemas() {
    let dir = "testdata/lint/schema-invalid/crd";
    let mut config = LintConfig::default();
    for rule in kdm::lint::registry::all() {
        if rule.meta().id != RULE {
            config.rules.insert(rule.meta().id.to_string(), None);
        }
    }
    config.crds = vec!["testdata/crds/prometheus-operator".to_string()];
    let given = run(&LintOptions {
        paths: vec![dir.to_string()],
        force_prometheus: false,
        kubernetes_version: kdm::k8s::schema::DEFAULT_VERSION.to_string(),
        config,
    });
    let bundled = lint(dir);
    assert_eq!(given.errors.len(), bundled.errors.len());
    // Only who serves the versions is worded differently.
    let by_crd = "by the CustomResourceDefinition servicemonitors.monitoring.coreos.com";
    let mut worded = 0;
    let given: Vec<_> = findings(&given)
        .into_iter()
        .map(|(file, line, message)| {
            worded += usize::from(message.contains(by_crd));
            let message = message.replace(by_crd, "by prometheus-operator v0.93.0's CRDs");
            (file, line, message)
        })
        .collect();
    assert_eq!(worded, 1);
    assert!(given.len() > 20);
    assert_eq!(given, findings(&bundled));
}

/// Real manifests of kube-prometheus (a Prometheus and ServiceMonitors) are
/// clean, and every resource in them is schema-checked.
#[test]
fn kube_prometheus_is_clean() {
    let r = lint("testdata/operator/kube-prometheus");
    assert!(r.errors.is_empty());
    assert_eq!(findings(&r), []);
    assert_eq!(skipped(&r), Vec::<String>::new());
    let docs = r.files.iter().map(|f| f.docs.len()).sum::<usize>();
    assert!(docs >= 7, "{docs}");
}

/// The inputs transcribed from prometheus-operator's golden tests
/// (`testdata/operator/cases/`, see its README) are valid custom resources,
/// but for these, which the Go tests build as structs the API server would
/// refuse.
#[test]
fn the_operators_golden_test_inputs_are_schema_valid_but_for_three() {
    let r = lint("testdata/operator/cases");
    assert!(r.errors.is_empty());
    let known = [
        // TestPromAgentDaemonSetPodMonitorConfig passes a Prometheus with a
        // probeSelector to the DaemonSet agent generator; the CRD's rule
        // forbids it on a PrometheusAgent in DaemonSet mode.
        (
            "PromAgentDaemonSetPodMonitorConfig.yaml",
            11,
            "spec: probeSelector cannot be set when mode is DaemonSet",
        ),
        // TestPodMonitorPortNumber sets portNumber to a pointer to 0 next
        // to targetPort; the CRD's minimum is 1.
        (
            "podMonitorObjectWithTargetPortInt.yaml",
            35,
            "spec.podMetricsEndpoints[0].portNumber: 0 is less than the minimum of 1",
        ),
        (
            "podMonitorObjectWithTargetPortString.yaml",
            35,
            "spec.podMetricsEndpoints[0].portNumber: 0 is less than the minimum of 1",
        ),
    ];
    let want: Vec<(String, usize, String)> = known
        .iter()
        .map(|(f, l, m)| (f.to_string(), *l, m.to_string()))
        .collect();
    assert_eq!(findings(&r), want);
    // Every document was checked: no kind went unlinted.
    assert_eq!(skipped(&r), Vec::<String>::new());
}
