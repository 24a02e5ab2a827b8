//! Lint results in each output format: human (miette snippets grouped per
//! file), JSON, SARIF 2.1.0 (code scanning), GitHub Actions annotations and
//! JUnit XML, built on the shared renderers of [`crate::report`]. Every
//! format carries the run's input errors.

use std::fmt::Write;

use serde_json::json;

use crate::report::json::pretty_elements;

use super::runner::LintResult;
use super::suppress::{Kind, Suppression};
use super::{registry, Finding, Severity};
use crate::diag::{Error, Result};
use crate::report::{github, json::JsonError, junit, sarif, Region, Term};
use crate::yaml::escape_controls as esc;

/// Where a finding is.
fn loc<'r>(result: &'r LintResult, f: &Finding) -> Region<'r> {
    Region::of(&result.files[f.file].source, f.span)
}

/// A finding as a miette diagnostic on its file.
fn as_error(result: &LintResult, f: &Finding) -> Error {
    let src = &result.files[f.file].source;
    let mut e = Error::at(
        src,
        f.span,
        format!("{}[{}]: {}", f.severity.as_str(), f.rule, f.message),
        "",
    );
    for (file, span, label) in &f.related {
        if *file == f.file {
            e = e.with_label(*span, label.clone());
        }
    }
    if let Some(h) = &f.help {
        e = e.with_help(h.clone());
    }
    e.with_severity(match f.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    })
}

fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

pub fn human(result: &LintResult, term: Term) -> String {
    human_with(result, term, false)
}

/// The human report; with `show_suppressed`, the suppressed findings follow
/// the others, each with what suppressed it and why.
pub fn human_with(result: &LintResult, term: Term, show_suppressed: bool) -> String {
    let mut out = String::new();
    let mut current = usize::MAX;
    for f in &result.findings {
        if f.file != current {
            current = f.file;
            let _ = writeln!(out, "{}", esc(&result.files[f.file].source.name));
        }
        let rendered = crate::report::human::render(&as_error(result, f), term.indented(2));
        for line in rendered.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if show_suppressed && !result.suppressed.is_empty() {
        let _ = writeln!(out, "suppressed:");
        for s in &result.suppressed {
            let f = &s.finding;
            let r = loc(result, f);
            let _ = writeln!(
                out,
                "  {}:{}:{}: {}[{}]: {}",
                esc(r.file),
                r.line,
                r.column,
                f.severity.as_str(),
                f.rule,
                esc(&f.message)
            );
            let _ = writeln!(
                out,
                "    by {} at {}: {}",
                kind_name(s.by.kind),
                esc(&s.by.at),
                esc(&s.by.reason)
            );
        }
    }
    for note in &result.notes {
        let _ = writeln!(out, "note: {}", esc(note));
    }
    let (e, w, i) = counts(&result.findings);
    let suppressed = match result.suppressed.len() {
        0 => String::new(),
        n if show_suppressed => format!("; {n} suppressed"),
        n => format!("; {n} suppressed (--show-suppressed lists them)"),
    };
    let _ = writeln!(
        out,
        "{} file{} checked: {e} error{}, {w} warning{}, {i} info{suppressed}",
        result.files.len(),
        if result.files.len() == 1 { "" } else { "s" },
        if e == 1 { "" } else { "s" },
        if w == 1 { "" } else { "s" },
    );
    out
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Annotation => "annotation",
        Kind::Comment => "kdm-ignore comment",
        Kind::Exemption => "exemption",
        Kind::Baseline => "baseline",
    }
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: Option<&'a str>,
}

fn json_finding<'r>(result: &'r LintResult, f: &'r Finding) -> JsonFinding<'r> {
    let r = loc(result, f);
    JsonFinding {
        rule: f.rule,
        severity: f.severity,
        message: &f.message,
        file: r.file,
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
        help: f.help.as_deref(),
    }
}

pub fn json(result: &LintResult) -> String {
    // Typed and borrowed rather than `json!` values: a large run has
    // hundreds of thousands of findings.
    #[derive(serde::Serialize)]
    struct Summary {
        files: usize,
        errors: usize,
        warnings: usize,
        info: usize,
        suppressed: usize,
    }
    #[derive(serde::Serialize)]
    struct SuppressedFinding<'a> {
        #[serde(flatten)]
        finding: JsonFinding<'a>,
        suppression: &'a Suppression,
    }
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        findings: [(); 0],
        suppressed: Vec<SuppressedFinding<'a>>,
        errors: Vec<JsonError<'a>>,
        notes: &'a [String],
        summary: Summary,
    }
    let findings = pretty_elements(&result.findings, FINDINGS_PER_CHUNK, |f| {
        json_finding(result, f)
    });
    let (errors, warnings, info) = counts(&result.findings);
    let doc = Doc {
        findings: [],
        suppressed: result
            .suppressed
            .iter()
            .map(|s| SuppressedFinding {
                finding: json_finding(result, &s.finding),
                suppression: &s.by,
            })
            .collect(),
        errors: crate::report::json::errors(&result.errors),
        notes: &result.notes,
        summary: Summary {
            files: result.files.len(),
            errors,
            warnings,
            info,
            suppressed: result.suppressed.len(),
        },
    };
    let rest = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let size: usize = findings.iter().map(|part| part.len() + 2).sum();
    let mut s = String::with_capacity(size + rest.len() + 16);
    match rest.strip_prefix(EMPTY_FINDINGS) {
        Some(rest) if !findings.is_empty() => {
            s.push_str("{\n  \"findings\": [\n");
            for (i, part) in findings.iter().enumerate() {
                if i > 0 {
                    s.push_str(",\n");
                }
                s.push_str(part);
            }
            s.push_str("\n  ]");
            s.push_str(rest);
        }
        _ => s.push_str(&rest),
    }
    s.push('\n');
    s
}

/// How the report starts when `findings` is serialized empty.
const EMPTY_FINDINGS: &str = "{\n  \"findings\": []";

/// Findings serialized per task in [`pretty_elements`].
const FINDINGS_PER_CHUNK: usize = 2048;

/// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
pub fn sarif(result: &LintResult) -> String {
    let rules: Vec<_> = registry::all()
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.summary},
                "help": {"text": m.explain, "markdown": m.explain},
                "defaultConfiguration": {"level": sarif_level(m.severity)},
            })
        })
        .collect();
    let as_result = |f: &Finding| {
        json!({
            "ruleId": f.rule,
            "level": sarif_level(f.severity),
            "message": {"text": f.message},
            "locations": [sarif::location(&loc(result, f))],
        })
    };
    let mut results: Vec<_> = result.findings.iter().map(as_result).collect();
    // Suppressed results are listed with their suppression, as SARIF
    // readers (code scanning) expect, and shown as dismissed.
    results.extend(result.suppressed.iter().map(|s| {
        let mut r = as_result(&s.finding);
        let kind = match s.by.kind {
            Kind::Annotation | Kind::Comment => "inSource",
            Kind::Exemption | Kind::Baseline => "external",
        };
        r["suppressions"] = json!([{
            "kind": kind,
            "status": "accepted",
            "justification": format!("{} ({})", s.by.reason, s.by.at),
        }]);
        r
    }));
    sarif::document(rules, results, &result.errors)
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
pub fn github(result: &LintResult) -> String {
    let mut out = String::new();
    for e in &result.errors {
        github::error(&mut out, e);
    }
    for f in &result.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = format!("kdm {}", f.rule);
        github::annotation(&mut out, level, Some(&loc(result, f)), &title, &f.message);
    }
    out
}

/// JUnit XML for CI test reports: a test suite per file, a test case per
/// finding (a file without findings has one passing case). Findings at or
/// above `fail_level` are failures; those below pass, with the finding as
/// their output, as the exit code does. Input errors are `<error>` cases.
pub fn junit(result: &LintResult, fail_level: Severity) -> Result<String> {
    let mut report = junit::Report::new("kdm lint");
    junit::add_errors(&mut report, "kdm lint", &result.errors);
    let mut findings = result.findings.iter().peekable();
    for (i, file) in result.files.iter().enumerate() {
        let name = file.source.name.as_str();
        let mut suite = junit::TestSuite::new(name);
        while let Some(f) = findings.next_if(|f| f.file <= i) {
            let r = loc(result, f);
            let mut detail = format!("{}:{}:{}: {}", r.file, r.line, r.column, f.message);
            if let Some(help) = &f.help {
                detail.push_str("\nhelp: ");
                detail.push_str(help);
            }
            let case_name = format!("{} {}:{}", f.rule, r.line, r.column);
            let place = Some((r.file, r.line));
            let case = if f.severity >= fail_level {
                let status = junit::failure(&f.message, Some(f.severity.as_str()), &detail);
                junit::case(case_name, name, place, status)
            } else {
                let mut case =
                    junit::case(case_name, name, place, junit::TestCaseStatus::success());
                case.set_system_out(format!("{}: {detail}", f.severity.as_str()));
                case
            };
            suite.add_test_case(case);
        }
        if suite.test_cases.is_empty() {
            suite.add_test_case(junit::case(
                "kdm lint",
                name,
                None,
                junit::TestCaseStatus::success(),
            ));
        }
        report.add_test_suite(suite);
    }
    junit::to_string(&report)
}
