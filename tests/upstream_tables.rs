//! Prometheus's own test tables, run through kdm with exact comparison.
//!
//! Source: github.com/prometheus/prometheus at commit
//! d15adb9ad7e5d9fbde3a9a8f30200593a5a14d86 — model/relabel/relabel_test.go
//! (TestRelabel, TestRelabelValidate, TestTargetLabelLegacyValidity),
//! scrape/manager_test.go (TestPopulateLabels) and scrape/target_test.go
//! (TestTargetsFromGroupWithLabelKeepDrop, TestTargetURL*), transcribed into
//! testdata/relabel/upstream.yaml and testdata/population/upstream.yaml, and
//! discovery/kubernetes/*_test.go (the Kubernetes SD role tests), transcribed
//! into testdata/upstream/k8s_sd/<role>.yaml, and scrape/scrape_test.go (the
//! labels of scraped samples), transcribed into
//! testdata/upstream/scrape/sample_labels.yaml.
//! Licence of the tables: Apache-2.0, Copyright The Prometheus Authors.
//!
//! A case marked `known_failure: "<reason>"` documents a known difference
//! from Prometheus: it still runs, but only its outcome is printed.

use std::path::Path;

use kdm::k8s_sd::{discover, SdConfig, TargetGroup};
use kdm::prom::config::{parse_config, ConfigInput};
use kdm::prom::target::populate;
use kdm::prom::url::scrape_url;
use kdm::relabel::{
    parse_rules, process, Flavor, LabelBuilder, Labels, NameScheme, Rule, RuleContext, SortedLabels,
};
use kdm::sim::scrape::merge_target;
use kdm::sim::series::parse_series;
use kdm::yaml::{load_stream, Limits, Node, Source};
use serde_json::Value;

/// Upstream table sizes at the pinned commit, so a lost case is noticed.
const RELABEL_CASES: usize = 34;
/// TestRelabelValidate + TestTargetLabelLegacyValidity.
const VALIDATION_CASES: usize = 10 + 16;
/// TestPopulateLabels (18, one unrepresentable) + TestTargetsFromGroupWithLabelKeepDrop.
const POPULATE_CASES: usize = 17 + 3;
/// TestTargetURL, TestTargetURL_Unix, TestTargetURL_UnixEmptyAddress.
const URL_CASES: usize = 3;
/// discovery/kubernetes per role: the Go tests' cases and the variants kdm adds.
const K8S_SD_POD_CASES: usize = 16;
const K8S_SD_NODE_CASES: usize = 8;
const K8S_SD_SERVICE_CASES: usize = 6;
const K8S_SD_ENDPOINTS_CASES: usize = 11;
const K8S_SD_ENDPOINTSLICE_CASES: usize = 15;
const K8S_SD_INGRESS_CASES: usize = 6;
/// scrape/scrape_test.go: HonorLabels (4), ConflictingPrefixedLabels (6),
/// Append (1), HonorLabelsWiring (2), DropsSeriesFromMetricRelabeling (3).
const SAMPLE_LABEL_CASES: usize = 4 + 6 + 1 + 2 + 3;

struct Table {
    src: Source,
    root: Node,
}

impl Table {
    fn load(rel: &str) -> Table {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let src = Source::new(rel, text);
        let mut docs = load_stream(&src, Limits::default())
            .unwrap_or_else(|e| panic!("{rel}: invalid YAML: {}", e.message));
        assert_eq!(docs.len(), 1, "{rel}: expected one YAML document");
        let root = docs.remove(0);
        Table { src, root }
    }

    fn list(&self, key: &str) -> &[Node] {
        self.root
            .get(key)
            .and_then(Node::as_seq)
            .unwrap_or_else(|| panic!("{}: missing list `{key}`", self.src.name))
    }

    fn at(&self, node: &Node) -> String {
        self.src.location(node.span.start)
    }

    fn rules(&self, case: &Node, key: &str, scheme: NameScheme) -> Result<Vec<Rule>, String> {
        let node = field(case, key);
        let ctx = RuleContext {
            source: &self.src,
            flavor: Flavor::V3,
            scheme,
            metric: key == "metric_relabel_configs",
            root: None,
        };
        parse_rules(node, &ctx).map_err(|e| e.message().to_string())
    }

    /// The discovery settings of the case's scrape config (its first
    /// kubernetes_sd_configs entry), as Prometheus's config loader reads them.
    fn sd_config(&self, case: &Node) -> Result<SdConfig, String> {
        match parse_config(&self.src, field(case, "config"), Flavor::V3) {
            Ok(ConfigInput::Jobs(jobs)) => jobs
                .into_iter()
                .next()
                .and_then(|job| job.kubernetes_sd.into_iter().next())
                .map(|sd| sd.config)
                .ok_or_else(|| "config has no kubernetes_sd_configs entry".into()),
            Ok(ConfigInput::Rules(_)) => Err("config is not a scrape config".into()),
            Err(e) => Err(format!("config rejected: {}", e.message())),
        }
    }
}

fn field<'a>(case: &'a Node, key: &str) -> &'a Node {
    case.get(key)
        .unwrap_or_else(|| panic!("case {:?} has no `{key}`", name(case)))
}

fn text(case: &Node, key: &str) -> Option<String> {
    case.get(key).and_then(Node::as_str).map(str::to_string)
}

fn name(case: &Node) -> String {
    text(case, "name").unwrap_or_else(|| "<unnamed>".into())
}

fn flag(case: &Node, key: &str) -> bool {
    case.get(key).and_then(Node::as_str) == Some("true")
}

fn labels(node: &Node) -> Labels {
    node.as_map()
        .expect("a label set is a mapping")
        .iter()
        .map(|(k, v)| {
            let value = v.as_str().expect("label values are strings");
            (k.key_string(), value.to_string())
        })
        .collect()
}

fn scheme(case: &Node) -> NameScheme {
    match text(case, "scheme").as_deref() {
        Some("utf8") => NameScheme::Utf8,
        Some("legacy") => NameScheme::Legacy,
        other => panic!("case {:?}: bad scheme {other:?}", name(case)),
    }
}

fn compare(what: &str, expected: &Labels, got: &Labels) -> Result<(), String> {
    if expected == got {
        return Ok(());
    }
    let mut out = format!("{what} differ:\n    expected {expected:?}\n    got      {got:?}");
    for (k, v) in expected {
        match got.get(k) {
            None => out.push_str(&format!("\n    missing {k}={v:?}")),
            Some(g) if g != v => out.push_str(&format!("\n    {k}: expected {v:?}, got {g:?}")),
            _ => {}
        }
    }
    for (k, v) in got {
        if !expected.contains_key(k) {
            out.push_str(&format!("\n    unexpected {k}={v:?}"));
        }
    }
    Err(out)
}

/// Collects every case's outcome so one run reports all failures.
struct Report<'t> {
    table: &'t Table,
    failures: Vec<String>,
}

impl<'t> Report<'t> {
    fn new(table: &'t Table) -> Self {
        Report {
            table,
            failures: Vec::new(),
        }
    }

    fn check(&mut self, case: &Node, outcome: Result<(), String>) {
        let header = format!("{} {}", self.table.at(case), name(case));
        match (text(case, "known_failure"), outcome) {
            (None, Ok(())) => {}
            (None, Err(e)) => self.failures.push(format!("{header}\n  {e}")),
            (Some(reason), Err(e)) => {
                eprintln!("known failure: {header}\n  reason: {reason}\n  {e}");
            }
            (Some(reason), Ok(())) => eprintln!(
                "known failure now passes, remove its marker: {header}\n  reason was: {reason}"
            ),
        }
    }

    fn finish(self, total: usize) {
        assert!(
            self.failures.is_empty(),
            "{} of {total} upstream cases differ from Prometheus:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

/// Upstream cases that cannot be written as YAML must say why.
fn check_unrepresentable(table: &Table) {
    for item in table.list("unrepresentable") {
        assert!(
            text(item, "reason").is_some(),
            "{}: {} needs a reason",
            table.at(item),
            name(item)
        );
    }
}

#[test]
fn relabel_upstream() {
    let table = Table::load("testdata/relabel/upstream.yaml");
    check_unrepresentable(&table);
    let cases = table.list("relabel");
    assert_eq!(
        cases.len(),
        RELABEL_CASES,
        "TestRelabel has {RELABEL_CASES} cases"
    );
    let mut report = Report::new(&table);
    for case in cases {
        let outcome = (|| {
            // TestRelabel validates and runs every rule with the utf8 scheme.
            let rules = table
                .rules(case, "rules", NameScheme::Utf8)
                .map_err(|e| format!("rules rejected: {e}"))?;
            let input = labels(field(case, "input"));
            let mut lb = LabelBuilder::from_sorted(&input);
            let outcome = process(&rules, &mut lb, Flavor::V3, false);
            match (flag(case, "dropped"), outcome.dropped_by) {
                (true, Some(_)) => Ok(()),
                (true, None) => Err(format!("expected a drop, got {:?}", lb.labels())),
                (false, Some(i)) => Err(format!("unexpectedly dropped by rule {i}")),
                (false, None) => compare("labels", &labels(field(case, "output")), &lb.labels()),
            }
        })();
        report.check(case, outcome);
    }
    report.finish(cases.len());
}

#[test]
fn relabel_validation_upstream() {
    let table = Table::load("testdata/relabel/upstream.yaml");
    let cases = table.list("validation");
    assert_eq!(cases.len(), VALIDATION_CASES);
    let mut report = Report::new(&table);
    for case in cases {
        let result = table.rules(case, "rules", scheme(case));
        let outcome = match (text(case, "error"), result) {
            (Some(want), Err(got)) if want == got => Ok(()),
            (Some(want), Err(got)) => Err(format!("expected error {want:?}, got {got:?}")),
            (Some(want), Ok(_)) => Err(format!("accepted; expected error {want:?}")),
            (None, Ok(_)) => {
                assert!(
                    flag(case, "ok"),
                    "case {:?} needs `error` or `ok`",
                    name(case)
                );
                Ok(())
            }
            (None, Err(got)) => Err(format!("rejected with {got:?}; expected it to be valid")),
        };
        report.check(case, outcome);
    }
    report.finish(cases.len());
}

#[test]
fn population_upstream() {
    let table = Table::load("testdata/population/upstream.yaml");
    check_unrepresentable(&table);
    let cases = table.list("populate");
    assert_eq!(cases.len(), POPULATE_CASES);
    let mut report = Report::new(&table);
    for case in cases {
        let outcome = (|| {
            let job = match parse_config(&table.src, field(case, "config"), Flavor::V3) {
                Ok(ConfigInput::Jobs(jobs)) => jobs.into_iter().next(),
                Ok(ConfigInput::Rules(_)) => None,
                Err(e) => return Err(format!("config rejected: {}", e.message())),
            }
            .ok_or("config has no scrape config")?;
            let input = labels(field(case, "input"));
            // The Go tests pass no group labels.
            let r = populate(&job, &input, &Labels::new(), Flavor::V3, false);
            let got = || match (&r.error, r.dropped_by_rule, &r.target) {
                (Some(e), _, _) => format!("error {e:?}"),
                (None, Some(i), _) => format!("dropped by rule {i}"),
                (None, None, Some(t)) => format!("target {t:?}"),
                (None, None, None) => "no target".into(),
            };
            if let Some(want) = text(case, "error") {
                if r.error.as_deref() != Some(want.as_str()) {
                    return Err(format!("expected error {want:?}, got {}", got()));
                }
                return Ok(());
            }
            if flag(case, "dropped") {
                if r.error.is_some() || r.dropped_by_rule.is_none() {
                    return Err(format!("expected a drop, got {}", got()));
                }
                return Ok(());
            }
            let Some(target) = r.target.as_ref().filter(|_| r.error.is_none()) else {
                return Err(format!("expected a target, got {}", got()));
            };
            if let Some(discovered) = case.get("discovered") {
                compare(
                    "discovered labels",
                    &labels(discovered),
                    &r.discovered.to_labels(),
                )?;
            }
            match case.get("result") {
                Some(result) => compare("populated labels", &labels(result), &target.to_labels()),
                None if flag(case, "kept") => Ok(()),
                None => panic!("case {:?} has no expectation", name(case)),
            }
        })();
        report.check(case, outcome);
    }
    report.finish(cases.len());
}

#[test]
fn scrape_url_upstream() {
    let table = Table::load("testdata/population/upstream.yaml");
    let cases = table.list("url");
    assert_eq!(cases.len(), URL_CASES);
    let mut report = Report::new(&table);
    for case in cases {
        let mut params: Vec<(String, Vec<String>)> = field(case, "params")
            .as_map()
            .expect("params is a mapping")
            .iter()
            .map(|(k, v)| {
                let values = v.as_seq().expect("param values are a list");
                let values = values.iter().map(|s| s.as_str().unwrap_or("").to_string());
                (k.key_string(), values.collect())
            })
            .collect();
        params.sort();
        let got = scrape_url(&SortedLabels::of(&labels(field(case, "labels"))), &params);
        let want = text(case, "url").expect("url");
        let outcome = if got == want {
            Ok(())
        } else {
            Err(format!("expected {want:?}, got {got:?}"))
        };
        report.check(case, outcome);
    }
    report.finish(cases.len());
}

/// Runs one table of Prometheus's discovery/kubernetes tests: each case's
/// objects through discovery with its config, compared group by group.
fn k8s_sd_table(rel: &str, expected_cases: usize) {
    let table = Table::load(rel);
    let cases = table.list("cases");
    assert_eq!(
        cases.len(),
        expected_cases,
        "{rel} has {expected_cases} cases"
    );
    let mut report = Report::new(&table);
    for case in cases {
        let outcome = (|| {
            let cfg = table.sd_config(case)?;
            let objects: Vec<Value> = field(case, "objects")
                .as_seq()
                .expect("objects is a list")
                .iter()
                .map(Node::to_json)
                .collect();
            let got = discover(&objects, &cfg).map_err(|e| format!("discovery failed: {e}"))?;
            let want = field(case, "groups").as_seq().expect("groups is a list");
            compare_groups(want, &got)
        })();
        report.check(case, outcome);
    }
    report.finish(cases.len());
}

/// Expected groups in order: sources, then labels and targets one by one.
fn compare_groups(want: &[Node], got: &[TargetGroup]) -> Result<(), String> {
    let want_sources: Vec<String> = want
        .iter()
        .map(|g| text(g, "source").expect("a group has a source"))
        .collect();
    let got_sources: Vec<&str> = got.iter().map(|g| g.source.as_str()).collect();
    if want_sources != got_sources {
        return Err(format!(
            "group sources differ:\n    expected {want_sources:?}\n    got      {got_sources:?}"
        ));
    }
    for (w, g) in want.iter().zip(got) {
        compare(
            &format!("labels of {}", g.source),
            &labels(field(w, "labels")),
            &g.labels,
        )?;
        let targets = field(w, "targets").as_seq().expect("targets is a list");
        if targets.len() != g.targets.len() {
            return Err(format!(
                "{}: expected {} targets, got {:#?}",
                g.source,
                targets.len(),
                g.targets
            ));
        }
        for (i, (wt, gt)) in targets.iter().zip(&g.targets).enumerate() {
            compare(&format!("target #{i} of {}", g.source), &labels(wt), gt)?;
        }
    }
    Ok(())
}

#[test]
fn k8s_sd_pod_upstream() {
    k8s_sd_table("testdata/upstream/k8s_sd/pod.yaml", K8S_SD_POD_CASES);
}

#[test]
fn k8s_sd_node_upstream() {
    k8s_sd_table("testdata/upstream/k8s_sd/node.yaml", K8S_SD_NODE_CASES);
}

#[test]
fn k8s_sd_service_upstream() {
    k8s_sd_table(
        "testdata/upstream/k8s_sd/service.yaml",
        K8S_SD_SERVICE_CASES,
    );
}

#[test]
fn k8s_sd_endpoints_upstream() {
    k8s_sd_table(
        "testdata/upstream/k8s_sd/endpoints.yaml",
        K8S_SD_ENDPOINTS_CASES,
    );
}

#[test]
fn k8s_sd_endpointslice_upstream() {
    k8s_sd_table(
        "testdata/upstream/k8s_sd/endpointslice.yaml",
        K8S_SD_ENDPOINTSLICE_CASES,
    );
}

#[test]
fn k8s_sd_ingress_upstream() {
    k8s_sd_table(
        "testdata/upstream/k8s_sd/ingress.yaml",
        K8S_SD_INGRESS_CASES,
    );
}

#[test]
fn sample_labels_upstream() {
    let table = Table::load("testdata/upstream/scrape/sample_labels.yaml");
    let cases = table.list("cases");
    assert_eq!(cases.len(), SAMPLE_LABEL_CASES);
    let mut report = Report::new(&table);
    for case in cases {
        let outcome = (|| {
            let text = text(case, "series").expect("a case has a series");
            let series = parse_series(&Source::new("series", text))
                .map_err(|e| format!("series rejected: {}", e.message()))?;
            let merged = merge_target(
                &series[0].labels,
                &labels(field(case, "target")),
                flag(case, "honor_labels"),
            );
            let rules = match case.get("metric_relabel_configs") {
                Some(_) => table.rules(case, "metric_relabel_configs", NameScheme::Utf8)?,
                None => Vec::new(),
            };
            let mut lb = LabelBuilder::from_sorted(&merged);
            let outcome = process(&rules, &mut lb, Flavor::V3, false);
            match (flag(case, "dropped"), outcome.dropped_by) {
                (true, Some(_)) => Ok(()),
                (true, None) => Err(format!("expected a drop, got {:?}", lb.labels())),
                (false, Some(i)) => Err(format!("unexpectedly dropped by rule {i}")),
                (false, None) => compare("labels", &labels(field(case, "expected")), &lb.labels()),
            }
        })();
        report.check(case, outcome);
    }
    report.finish(cases.len());
}
