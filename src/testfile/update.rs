//! `kdm test --update`: rewrites the failing expectations of failing tests
//! with what the job does now. Only those expectations change, and each
//! keeps its form: a subset of labels stays the same subset (labels the
//! target no longer has are dropped), `scrape_url` is kept only where it was
//! written. The rest of the file, comments included, is kept byte for byte.

use serde_json::{json, Map, Value};

use super::run::{expectation_for, final_labels, TestOutcome};
use super::{Expectation, Expected, TestFile};
use crate::diag::{Error, Result};
use crate::prom::target::TargetResult;
use crate::yaml::Span;

/// The new text of the file, and a line per updated test; `None` when no
/// test failed.
pub fn rewrite(file: &TestFile, outcomes: &[TestOutcome]) -> Result<Option<(String, Vec<String>)>> {
    let text = file.source.text.as_str();
    let mut edits = Vec::new();
    let mut changed = Vec::new();
    for (test, outcome) in file.tests.iter().zip(outcomes) {
        if outcome.passed() {
            continue;
        }
        let series = test.input.is_series();
        let new = |i: usize, r: &TargetResult<'_>| match test.expect.get(i) {
            Some(e) => updated(e, r, series),
            None => expectation_for(r, series),
        };
        let count = if outcome.results.len() == test.expect.len() {
            // Only the expectations that failed.
            let mut count = 0;
            for (i, (e, (_, r))) in test.expect.iter().zip(&outcome.results).enumerate() {
                if outcome.failures.iter().any(|f| f.target == Some(i)) {
                    let flow = test.expect_flow || text[e.span.start..].starts_with('{');
                    edits.push((e.span, render(file, e.span, &new(i, r), flow)?));
                    count += 1;
                }
            }
            count
        } else {
            // A different number of targets: the whole list, each entry
            // kept in the form of the expectation at its place.
            let expect: Vec<Value> = (outcome.results.iter().enumerate())
                .map(|(i, (_, r))| new(i, r))
                .collect();
            let value = Value::Array(expect);
            let flow = test.expect_flow || outcome.results.is_empty();
            edits.push((
                test.expect_span,
                render(file, test.expect_span, &value, flow)?,
            ));
            outcome.results.len()
        };
        changed.push(format!(
            "{}: updated {count} expectation(s) of {:?} (line {})",
            file.source.name, test.name, outcome.line
        ));
    }
    if edits.is_empty() {
        return Ok(None);
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (span, replacement) in edits {
        out.push_str(&text[at..span.start]);
        out.push_str(&replacement);
        at = span.end;
    }
    out.push_str(&text[at..]);
    Ok(Some((out, changed)))
}

/// `e` brought up to date with `r`, in the same form: the same labels of a
/// subset (less those the target lost), `exact` and `scrape_url` where they
/// were written. A different outcome is written out in full.
fn updated(e: &Expectation, r: &TargetResult<'_>, series: bool) -> Value {
    let (want, got) = match (&e.outcome, final_labels(r, series)) {
        (Expected::Kept(want), Some(got)) if r.error.is_none() => (want, got),
        _ => return expectation_for(r, series),
    };
    let public = |k: &str| series || !k.starts_with("__");
    let mut out = Map::new();
    match want {
        Some(want) => {
            let mut labels = Map::new();
            for k in want.keys() {
                if let Some(v) = got.get(k) {
                    labels.insert(k.clone(), json!(v));
                }
            }
            if e.exact {
                for (k, v) in got.iter().filter(|(k, _)| public(k)) {
                    labels.insert(k.to_string(), json!(v));
                }
            }
            out.insert("kept".into(), Value::Object(labels));
            if e.exact {
                out.insert("exact".into(), json!(true));
            }
        }
        None if e.scrape_url.is_none() => {
            out.insert("kept".into(), json!(true));
        }
        None => {}
    }
    if e.scrape_url.is_some() {
        if let Some(url) = &r.scrape_url {
            out.insert("scrape_url".into(), json!(url));
        }
    }
    if out.is_empty() {
        out.insert("kept".into(), json!(true));
    }
    Value::Object(out)
}

/// `value` as YAML text to put at `span`: flow (JSON) inside a flow
/// collection, else block YAML whose continuation lines keep the column.
fn render(file: &TestFile, span: Span, value: &Value, flow: bool) -> Result<String> {
    if flow {
        return serde_json::to_string(value)
            .map_err(|e| Error::plain(format!("cannot write expectations: {e}")));
    }
    let yaml = crate::yaml::to_yaml(value).map_err(Error::plain)?;
    let (_, col) = file.source.line_col(span.start);
    let pad = " ".repeat(col - 1);
    let mut lines = yaml.trim_end().lines();
    let mut out = lines.next().unwrap_or_default().to_string();
    for l in lines {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(l);
    }
    Ok(out)
}
