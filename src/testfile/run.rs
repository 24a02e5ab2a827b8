//! Running a test file: each test's input through its job, and each result
//! compared with its expectation.

use super::{Expectation, Expected, Input, TestCase, TestFile};
use crate::diag::{Error, Result};
use crate::k8s_sd::KubeObject;
use crate::prom::config::{ConfigInput, ScrapeJob};
use crate::relabel::{to_pairs, Labels, SortedLabels};
use crate::sim::result::{JobInfo, TargetResult};
use crate::sim::run::{job_results, series_results};
use crate::sim::series::parse_series;
use crate::sim::targets::{Group, Targets};
use crate::yaml::{Source, Span};

/// One test's outcome.
#[derive(Debug)]
pub struct TestOutcome {
    pub name: String,
    pub line: usize,
    pub job: String,
    pub failures: Vec<Failure>,
    /// What the job did with each target, for `--update` and reports.
    pub results: Vec<(String, TargetResult<'static>)>,
    pub info: JobInfo,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One failed expectation.
#[derive(Debug)]
pub struct Failure {
    /// Index of the target (None: the count of targets is wrong).
    pub target: Option<usize>,
    pub message: String,
    /// `- expected` / `+ actual` lines.
    pub diff: Vec<String>,
}

/// Runs every test of a file. Errors (a missing config, an unknown job, an
/// invalid series) make the file invalid: exit code 2.
pub fn run_file(file: &TestFile) -> Result<Vec<TestOutcome>> {
    run_tests(file, &load_jobs(file)?)
}

/// The scrape jobs of the file's config.
pub fn load_jobs(file: &TestFile) -> Result<Vec<ScrapeJob>> {
    let choice = crate::operator::configs::Choice {
        only: file.prometheus.as_deref(),
        release: file
            .helm_release
            .as_deref()
            .unwrap_or(crate::operator::helm::DEFAULT_RELEASE),
        ..Default::default()
    };
    let config = crate::sim::config::load_with(&file.config_path, file.flavor, choice)
        .map(|loaded| loaded.input)
        .map_err(|e| {
            if e.location().is_some() {
                e
            } else {
                let placed = Error::at(
                    &file.source,
                    file.config_span,
                    format!("config {}: {}", file.config, e.message()),
                    "this config",
                );
                match e.help_text() {
                    Some(help) => placed.with_help(help),
                    None => placed,
                }
            }
        })?;
    let ConfigInput::Jobs(jobs) = config else {
        return Err(Error::at(
            &file.source,
            file.config_span,
            "kdm test needs scrape jobs, not a bare list of relabel rules",
            "this config",
        ));
    };
    Ok(jobs)
}

/// Runs every test of a file against jobs already loaded (for callers that
/// run many files against one config).
pub fn run_tests(file: &TestFile, jobs: &[ScrapeJob]) -> Result<Vec<TestOutcome>> {
    file.tests.iter().map(|t| run_test(file, jobs, t)).collect()
}

fn pick_job<'j>(file: &TestFile, jobs: &'j [ScrapeJob], test: &TestCase) -> Result<&'j ScrapeJob> {
    let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    match &test.job {
        Some((name, span)) => jobs.iter().find(|j| &j.name == name).ok_or_else(|| {
            Error::at(
                &file.source,
                *span,
                format!("no job {name:?} in {}", file.config),
                "unknown job",
            )
            .with_help(format!("jobs: {}", names.join(", ")))
        }),
        None => match jobs {
            [only] => Ok(only),
            _ => Err(Error::at(
                &file.source,
                test.span,
                format!(
                    "test {:?} needs `job:`; the config has {} jobs",
                    test.name,
                    jobs.len()
                ),
                "this test",
            )
            .with_help(format!("jobs: {}", names.join(", ")))),
        },
    }
}

/// The discovered targets of a `targets`, `objects` or `manifests` input.
fn targets_of(file: &TestFile, test: &TestCase, input: &Input) -> Targets<'static> {
    let kube = |objects: Vec<serde_json::Value>, span: &dyn Fn(usize) -> Span| {
        objects
            .into_iter()
            .enumerate()
            .map(|(i, value)| KubeObject {
                value,
                span: span(i),
                source: file.source.clone(),
            })
            .collect()
    };
    match input {
        Input::Targets(maps) => Targets::Groups(vec![Group {
            source: "test".into(),
            labels: Default::default(),
            targets: maps.iter().map(|m| to_pairs(m.clone())).collect(),
        }]),
        Input::Objects(objects) => Targets::Kubernetes(kube(
            objects.iter().map(|(v, _)| v.clone()).collect(),
            &|i| objects[i].1,
        )),
        Input::Manifests { objects, nodes } => {
            let sim = crate::k8s::simulate::simulate(objects, *nodes);
            Targets::Kubernetes(kube(sim.objects, &|_| test.span))
        }
        Input::Series { .. } => Targets::Groups(Vec::new()),
    }
}

fn run_test(file: &TestFile, jobs: &[ScrapeJob], test: &TestCase) -> Result<TestOutcome> {
    let job = pick_job(file, jobs, test)?;
    let results = match &test.input {
        Input::Series { lines, targets } => {
            let mut series = Vec::new();
            for (text, span) in lines {
                let src = Source::new(file.source.name.clone(), text.clone());
                let mut parsed = parse_series(&src).map_err(|e| {
                    Error::at(&file.source, *span, e.message().to_string(), "this series")
                })?;
                if parsed.len() != 1 {
                    return Err(Error::at(
                        &file.source,
                        *span,
                        "each entry of `series` is one series",
                        "this entry",
                    ));
                }
                series.append(&mut parsed);
            }
            let targets = targets.as_deref().map(|t| targets_of(file, test, t));
            series_results(job, &series, targets.as_ref(), file.flavor)?
        }
        input => job_results(job, &targets_of(file, test, input), file.flavor)?,
    };
    let series = test.input.is_series();
    let mut failures = Vec::new();
    if results.len() != test.expect.len() {
        let mut diff = Vec::new();
        for (name, r) in &results {
            diff.push(format!("+ {name}: {}", describe(r, series)));
        }
        failures.push(Failure {
            target: None,
            message: format!(
                "{} {} discovered, {} expected",
                results.len(),
                if series { "series" } else { "targets" },
                test.expect.len()
            ),
            diff,
        });
    } else {
        for (i, (e, (_, r))) in test.expect.iter().zip(&results).enumerate() {
            if let Some(mut f) = compare(e, r, series) {
                f.target = Some(i);
                failures.push(f);
            }
        }
    }
    Ok(TestOutcome {
        name: test.name.clone(),
        line: file.source.line_col(test.span.start).0,
        job: job.name.clone(),
        failures,
        results,
        info: JobInfo::for_job(job, series),
    })
}

/// The labels a result ends with: the target's for scrape targets, the
/// relabeled set for series.
pub fn final_labels<'r>(r: &'r TargetResult<'_>, series: bool) -> Option<&'r SortedLabels<'r>> {
    if series {
        r.relabeled.as_ref()
    } else {
        r.target.as_ref()
    }
}

/// One line about a result.
pub fn describe(r: &TargetResult<'_>, series: bool) -> String {
    if let Some(e) = &r.error {
        return format!("error: {e}");
    }
    match final_labels(r, series) {
        Some(l) => {
            let shown: Labels = l
                .iter()
                .filter(|(k, _)| series || !k.starts_with("__"))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            format!("kept {}", crate::sim::report::fmt_labels(&shown, series))
        }
        None => match r.dropped_by_rule {
            Some(i) => format!("dropped by rule {i}"),
            None => "dropped".to_string(),
        },
    }
}

fn compare(e: &Expectation, r: &TargetResult<'_>, series: bool) -> Option<Failure> {
    let fail = |message: String, diff: Vec<String>| {
        Some(Failure {
            target: None,
            message,
            diff,
        })
    };
    let actual = describe(r, series);
    match &e.outcome {
        Expected::Error(text) => match &r.error {
            Some(err) if err.contains(text.as_str()) => None,
            _ => fail(
                format!("expected an error containing {text:?}"),
                vec![format!("- error: {text}"), format!("+ {actual}")],
            ),
        },
        Expected::Dropped(rule) => {
            let dropped = r.error.is_none() && final_labels(r, series).is_none();
            if !dropped {
                return fail(
                    "expected dropped".into(),
                    vec!["- dropped".into(), format!("+ {actual}")],
                );
            }
            match rule {
                Some(want) if r.dropped_by_rule != Some(*want) => fail(
                    format!("expected dropped by rule {want}"),
                    vec![format!("- dropped by rule {want}"), format!("+ {actual}")],
                ),
                _ => None,
            }
        }
        Expected::Kept(want) => {
            let Some(got) = final_labels(r, series) else {
                return fail(
                    "expected kept".into(),
                    vec!["- kept".into(), format!("+ {actual}")],
                );
            };
            let mut diff = Vec::new();
            if let Some(want) = want {
                for (k, v) in want {
                    match got.get(k) {
                        Some(g) if g == v => {}
                        Some(g) => {
                            diff.push(format!("- {k}={v:?}"));
                            diff.push(format!("+ {k}={g:?}"));
                        }
                        None => diff.push(format!("- {k}={v:?}")),
                    }
                }
                if e.exact {
                    for (k, g) in got.iter() {
                        let public = series || !k.starts_with("__");
                        if public && !want.contains_key(k) {
                            diff.push(format!("+ {k}={g:?}"));
                        }
                    }
                }
            }
            if let Some(url) = &e.scrape_url {
                if r.scrape_url.as_deref() != Some(url.as_str()) {
                    diff.push(format!("- scrape_url {url}"));
                    diff.push(format!(
                        "+ scrape_url {}",
                        r.scrape_url.as_deref().unwrap_or("(none)")
                    ));
                }
            }
            if diff.is_empty() {
                None
            } else {
                fail("kept, but not as expected".into(), diff)
            }
        }
    }
}

/// The expectation that describes a result exactly (for `--update`).
pub fn expectation_for(r: &TargetResult<'_>, series: bool) -> serde_json::Value {
    use serde_json::json;
    if let Some(e) = &r.error {
        return json!({"error": e});
    }
    match final_labels(r, series) {
        Some(l) => {
            let labels: serde_json::Map<String, serde_json::Value> = l
                .iter()
                .filter(|(k, _)| series || !k.starts_with("__"))
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            let mut e = serde_json::Map::new();
            e.insert("kept".into(), serde_json::Value::Object(labels));
            if let Some(url) = &r.scrape_url {
                e.insert("scrape_url".into(), json!(url));
            }
            serde_json::Value::Object(e)
        }
        None => match r.dropped_by_rule {
            Some(i) => json!({"dropped": {"rule": i}}),
            None => json!({"dropped": true}),
        },
    }
}
