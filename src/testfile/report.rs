//! Test reports: text (diffs and traces of failures), JSON, and JUnit XML
//! for CI test reports, built on the shared renderers of [`crate::report`].
//! The machine formats carry every invalid test file as an input error.

use std::fmt::Write as _;

use super::run::TestOutcome;
use crate::diag::{Error, Result};
use crate::report::junit;
use crate::report::style::{paint, BAD, GOOD};
use crate::sim::report::text_entry;
use crate::yaml::escape_controls as esc;

/// The outcomes of one test file.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub outcomes: &'a [TestOutcome],
}

pub fn counts(files: &[FileReport<'_>]) -> (usize, usize) {
    let all = files.iter().flat_map(|f| f.outcomes);
    let passed = all.clone().filter(|o| o.passed()).count();
    (passed, all.count() - passed)
}

pub fn text(files: &[FileReport<'_>], color: bool) -> String {
    let paint = |style, s: &str| paint(color, style, s);
    let mut out = String::new();
    for f in files {
        let _ = writeln!(out, "{}", esc(f.path));
        for o in f.outcomes {
            if o.passed() {
                let _ = writeln!(
                    out,
                    "  {} {} (line {})",
                    paint(GOOD, "ok  "),
                    esc(&o.name),
                    o.line
                );
                continue;
            }
            let _ = writeln!(
                out,
                "  {} {} (line {}, job {})",
                paint(BAD, "FAIL"),
                esc(&o.name),
                o.line,
                esc(&o.job)
            );
            for failure in &o.failures {
                if let Some(i) = failure.target {
                    let name = o.results.get(i).map_or("", |(n, _)| n.as_str());
                    let _ = writeln!(
                        out,
                        "       target {} of {}: {}",
                        i + 1,
                        o.results.len(),
                        esc(name)
                    );
                }
                let _ = writeln!(out, "         {}", esc(&failure.message));
                for line in &failure.diff {
                    let style = if line.starts_with('-') { BAD } else { GOOD };
                    let _ = writeln!(out, "           {}", paint(style, line));
                }
                if let Some((name, r)) = failure.target.and_then(|i| o.results.get(i)) {
                    let _ = writeln!(out, "         trace:");
                    for line in text_entry(&o.info, name, r, color).lines() {
                        let _ = writeln!(out, "       {line}");
                    }
                }
            }
        }
    }
    let (passed, failed) = counts(files);
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    out
}

pub fn json(files: &[FileReport<'_>], errors: &[Error]) -> String {
    use serde_json::json;
    let (passed, failed) = counts(files);
    let value = json!({
        "files": files.iter().map(|f| json!({
            "file": f.path,
            "tests": f.outcomes.iter().map(|o| json!({
                "name": o.name,
                "line": o.line,
                "job": o.job,
                "passed": o.passed(),
                "failures": o.failures.iter().map(|x| json!({
                    "target": x.target,
                    "target_name": x.target.and_then(|i| o.results.get(i)).map(|(n, _)| n),
                    "message": x.message,
                    "diff": x.diff,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "errors": crate::report::json::errors(errors),
        "passed": passed,
        "failed": failed,
    });
    crate::report::json::document(&value)
}

/// JUnit XML: a test suite per file, a test case per test, a `<failure>`
/// per failed test with its diff and trace, and an `<error>` case per
/// invalid test file.
pub fn junit(files: &[FileReport<'_>], errors: &[Error]) -> Result<String> {
    let mut report = junit::Report::new("kdm test");
    junit::add_errors(&mut report, "kdm test", errors);
    for f in files {
        let mut suite = junit::TestSuite::new(f.path);
        for o in f.outcomes {
            let status = if o.passed() {
                junit::TestCaseStatus::success()
            } else {
                let single = FileReport {
                    path: f.path,
                    outcomes: std::slice::from_ref(o),
                };
                let detail = text(std::slice::from_ref(&single), false);
                let first = o.failures.first().map_or("", |x| x.message.as_str());
                junit::failure(first, None, &detail)
            };
            suite.add_test_case(junit::case(&o.name, &o.job, Some((f.path, o.line)), status));
        }
        report.add_test_suite(suite);
    }
    junit::to_string(&report)
}
