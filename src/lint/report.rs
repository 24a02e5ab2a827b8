//! Renders lint results: human (miette snippets grouped per file), JSON,
//! SARIF 2.1.0 (code scanning) and GitHub Actions annotations.

use std::fmt::Write;

use serde_json::json;

use super::runner::LintResult;
use super::{registry, Finding, Severity};
use crate::diag::Error;
use crate::report::Term;

/// A finding's file name, line, column, end line and end column.
fn loc<'r>(result: &'r LintResult, f: &Finding) -> (&'r str, usize, usize, usize, usize) {
    let src = &result.files[f.file].source;
    let (l, c) = src.line_col(f.span.start);
    let (el, ec) = src.line_col(f.span.end.max(f.span.start));
    (&src.name, l, c, el, ec)
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
    let mut out = String::new();
    let mut current = usize::MAX;
    for f in &result.findings {
        if f.file != current {
            current = f.file;
            let _ = writeln!(out, "{}", result.files[f.file].source.name);
        }
        let rendered = crate::report::human::render(&as_error(result, f), term.indented(2));
        for line in rendered.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    for note in &result.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let (e, w, i) = counts(&result.findings);
    let _ = writeln!(
        out,
        "{} file{} checked: {e} error{}, {w} warning{}, {i} info",
        result.files.len(),
        if result.files.len() == 1 { "" } else { "s" },
        if e == 1 { "" } else { "s" },
        if w == 1 { "" } else { "s" },
    );
    out
}

pub fn json(result: &LintResult) -> String {
    // Typed and borrowed rather than `json!` values: a large run has
    // hundreds of thousands of findings.
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
    #[derive(serde::Serialize)]
    struct Summary {
        files: usize,
        errors: usize,
        warnings: usize,
        info: usize,
    }
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        findings: [(); 0],
        notes: &'a [String],
        summary: Summary,
    }
    let findings = pretty_elements(&result.findings, FINDINGS_PER_CHUNK, |f| {
        let (file, line, column, end_line, end_column) = loc(result, f);
        JsonFinding {
            rule: f.rule,
            severity: f.severity,
            message: &f.message,
            file,
            line,
            column,
            end_line,
            end_column,
            help: f.help.as_deref(),
        }
    });
    let (errors, warnings, info) = counts(&result.findings);
    let doc = Doc {
        findings: [],
        notes: &result.notes,
        summary: Summary {
            files: result.files.len(),
            errors,
            warnings,
            info,
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

/// `items` mapped by `to_json` and pretty-printed as the elements of an
/// array one level deep in a document, without the brackets: what
/// `serde_json::to_string_pretty` writes there, but serialized on all cores.
/// Returns the text in parts, to be joined with `",\n"`.
fn pretty_elements<'a, T: Sync, J: serde::Serialize>(
    items: &'a [T],
    chunk_len: usize,
    to_json: impl Fn(&'a T) -> J + Sync,
) -> Vec<String> {
    let chunks: Vec<&'a [T]> = items.chunks(chunk_len.max(1)).collect();
    crate::map_on_all_cores(&chunks, |chunk: &&'a [T]| {
        let values: Vec<J> = chunk.iter().map(&to_json).collect();
        let array = serde_json::to_string_pretty(&values).unwrap_or_default();
        // "[\n  {…},\n  {…}\n]": drop the brackets and indent one more
        // level. JSON strings hold no raw newlines, so every newline here
        // starts a line of the layout.
        let inner = array
            .strip_prefix("[\n")
            .and_then(|a| a.strip_suffix("\n]"))
            .unwrap_or("");
        let mut out = String::with_capacity(inner.len() + inner.len() / 16);
        let mut line_start = 0;
        for newline in memchr::memchr_iter(b'\n', inner.as_bytes()) {
            out.push_str("  ");
            out.push_str(&inner[line_start..=newline]);
            line_start = newline + 1;
        }
        out.push_str("  ");
        out.push_str(&inner[line_start..]);
        out
    })
}

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
    let results: Vec<_> = result
        .findings
        .iter()
        .map(|f| {
            let (file, line, column, end_line, end_column) = loc(result, f);
            json!({
                "ruleId": f.rule,
                "level": sarif_level(f.severity),
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file.trim_start_matches("./")},
                        "region": {
                            "startLine": line,
                            "startColumn": column,
                            "endLine": end_line,
                            "endColumn": end_column.max(if end_line == line { column + 1 } else { 1 }),
                        }
                    }
                }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kdm",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/kdm-dev/kdm",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
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
    let esc_prop = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    };
    let esc_msg = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut out = String::new();
    for f in &result.findings {
        let (file, line, col, end_line, end_col) = loc(result, f);
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            esc_prop(file),
            esc_prop(&format!("kdm {}", f.rule)),
            esc_msg(&f.message)
        );
    }
    out
}

/// JUnit XML for CI test reports: a test suite per file, a failing test case
/// per finding (a file without findings has one passing case).
pub fn junit(result: &LintResult) -> String {
    use crate::text::xml_escape as xml;
    use std::fmt::Write as _;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = (0..result.files.len())
        .map(|i| {
            result
                .findings
                .iter()
                .filter(|f| f.file == i)
                .count()
                .max(1)
        })
        .sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"kdm lint\" tests=\"{total}\" failures=\"{}\">",
        result.findings.len()
    );
    for (i, file) in result.files.iter().enumerate() {
        let name = xml(&file.source.name);
        let findings: Vec<_> = result.findings.iter().filter(|f| f.file == i).collect();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\">",
            findings.len().max(1),
            findings.len()
        );
        if findings.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"kdm lint\" classname=\"{name}\"/>"
            );
        }
        for f in findings {
            let (_, line, column, _, _) = loc(result, f);
            let _ = writeln!(
                out,
                "    <testcase name=\"{} {line}:{column}\" classname=\"{name}\" file=\"{name}\" line=\"{line}\">",
                xml(f.rule)
            );
            let mut detail = format!("{}:{line}:{column}: {}", file.source.name, f.message);
            if let Some(help) = &f.help {
                detail.push_str(&format!("\nhelp: {help}"));
            }
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                f.severity.as_str(),
                xml(&f.message),
                xml(&detail)
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_elements_lay_out_as_serde_json_does() {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            findings: &'a [serde_json::Value],
            after: u8,
        }
        let items: Vec<serde_json::Value> = (0..7)
            .map(|i| {
                json!({
                    "n": i,
                    "text": "two\nlines \"quoted\"",
                    "nested": {"list": [1, {"x": null}], "empty": [], "none": {}},
                    "help": if i % 2 == 0 { json!(null) } else { json!("h") },
                })
            })
            .collect();
        let whole = serde_json::to_string_pretty(&Doc {
            findings: &items,
            after: 1,
        })
        .unwrap();
        for chunk in [1, 2, 3, 7, 100] {
            let elements = pretty_elements(&items, chunk, |v| v).join(",\n");
            let joined = format!("{{\n  \"findings\": [\n{elements}\n  ],\n  \"after\": 1\n}}");
            assert_eq!(whole, joined, "chunks of {chunk}");
        }
    }
}
