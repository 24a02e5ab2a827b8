//! prometheus-operator's own golden tests (testdata/operator, transcribed
//! from pkg/prometheus/promcfg_test.go at the pinned release): every job kdm
//! generates must equal the operator's, byte for byte, and so must `global`.

use std::fs;
use std::path::Path;

use kdm::operator::compile::Options;
use kdm::operator::model::Resources;
use kdm::yaml::{to_go_yaml, GoYaml, Source};

/// Generator options behind feature gates kdm does not model, and why.
const UNMODELLED_OPTIONS: &[(&str, &str)] = &[
    (
        "topology-sharding",
        "the PrometheusTopologySharding feature gate",
    ),
    (
        "pod-topology-labels",
        "the PrometheusTopologySharding feature gate",
    ),
    ("inline-tls", "TLS assets read from Secrets"),
];

struct Case {
    name: String,
    text: String,
    golden: String,
    options: Vec<String>,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/operator");
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir.join("cases"))
        .expect("testdata/operator/cases")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let text = fs::read_to_string(&path).expect("case");
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let golden_path = dir.join("golden").join(format!("{name}.golden"));
        let golden = fs::read_to_string(&golden_path).expect("golden");
        let options = text
            .lines()
            .find_map(|l| l.strip_prefix("# options: "))
            .map(|o| o.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default();
        out.push(Case {
            name,
            text,
            golden,
            options,
        });
    }
    out
}

/// The top-level blocks of a golden: `global:` and each `- job_name` item.
fn golden_parts(golden: &str) -> (String, Vec<String>) {
    let mut global = String::new();
    let mut jobs: Vec<String> = Vec::new();
    let mut section = "";
    for line in golden.split_inclusive('\n') {
        if !line.starts_with(' ') && !line.starts_with('-') {
            section = if line.starts_with("global:") {
                "global"
            } else if line.starts_with("scrape_configs:") {
                "jobs"
            } else {
                "other"
            };
            if section == "global" {
                global.push_str(line);
            }
            continue;
        }
        match section {
            "global" => global.push_str(line),
            "jobs" if line.starts_with("- ") => jobs.push(line.to_string()),
            "jobs" => {
                if let Some(last) = jobs.last_mut() {
                    last.push_str(line);
                }
            }
            _ => {}
        }
    }
    (global, jobs)
}

fn compile(case: &Case) -> Result<(String, Vec<String>), String> {
    let src = Source::new(format!("{}.yaml", case.name), case.text.clone());
    let docs = kdm::input::load_yaml(&src).map_err(|e| e.message().to_string())?;
    let objects = kdm::k8s::objects_in(0, &docs);
    let mut res = Resources::read(&[&src], &objects).map_err(|e| e.message().to_string())?;
    // additionalScrapeConfigs: the Go tests pass the Secret's value.
    kdm::operator::additional::resolve(&[&src], &objects, &mut res.servers)
        .map_err(|e| e.message().to_string())?;
    let prom = res.servers.first().ok_or("no Prometheus in the case")?;
    let opts = Options {
        endpoint_slice: case.options.iter().any(|o| o == "endpointslice"),
        no_version_check: case.options.iter().any(|o| o == "no-version-check"),
        retention_policies: case.options.iter().any(|o| o == "retention-policies"),
        ..Options::default()
    };
    let compiled = kdm::operator::generate(prom, &res, opts)?;
    let global = to_go_yaml(&GoYaml::Map(vec![(
        "global".into(),
        compiled
            .config
            .get("global")
            .cloned()
            .unwrap_or(GoYaml::Null),
    )]));
    let jobs = compiled
        .jobs
        .iter()
        .map(|j| to_go_yaml(&GoYaml::Seq(vec![j.config.clone()])))
        .collect();
    Ok((global, jobs))
}

#[test]
fn every_job_equals_the_operators_golden() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut skipped = Vec::new();
    for case in &cases {
        if let Some((opt, why)) = UNMODELLED_OPTIONS
            .iter()
            .find(|(o, _)| case.options.iter().any(|c| c == o))
        {
            skipped.push(format!("{} ({opt}: {why})", case.name));
            continue;
        }
        let (want_global, want_jobs) = golden_parts(&case.golden);
        match compile(case) {
            Err(e) => failures.push(format!("{}: {e}", case.name)),
            Ok((global, jobs)) => {
                compared += 1;
                if global != want_global {
                    failures.push(format!(
                        "{}: global differs\n--- want\n{want_global}--- got\n{global}",
                        case.name
                    ));
                }
                if jobs.len() != want_jobs.len() {
                    failures.push(format!(
                        "{}: {} jobs, want {}\n--- got\n{}",
                        case.name,
                        jobs.len(),
                        want_jobs.len(),
                        jobs.concat()
                    ));
                    continue;
                }
                for (got, want) in jobs.iter().zip(&want_jobs) {
                    if got != want {
                        failures.push(format!(
                            "{}: job differs\n--- want\n{want}--- got\n{got}",
                            case.name
                        ));
                    }
                }
            }
        }
    }
    // The feature-gated cases are few; the rest must all be compared.
    assert!(skipped.len() <= 12, "skipped: {skipped:#?}");
    assert!(
        failures.is_empty(),
        "{} of {compared} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
