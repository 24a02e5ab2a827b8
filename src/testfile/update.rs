//! `kdm test --update`: rewrites the `expect` lists of failing tests with
//! what the job does now. Only those lists change; the rest of the file,
//! comments included, is kept byte for byte.

use super::run::{expectation_for, TestOutcome};
use super::TestFile;
use crate::diag::{Error, Result};

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
        let expect: Vec<serde_json::Value> = outcome
            .results
            .iter()
            .map(|(_, r)| expectation_for(r, series))
            .collect();
        let span = test.expect_span;
        let replacement = if test.expect_flow || expect.is_empty() {
            serde_json::to_string(&expect)
                .map_err(|e| Error::plain(format!("cannot write expectations: {e}")))?
        } else {
            let yaml = crate::yaml::to_yaml(&expect).map_err(Error::plain)?;
            // Continuation lines keep the list's indentation.
            let (_, col) = file.source.line_col(span.start);
            let pad = " ".repeat(col - 1);
            let mut lines = yaml.trim_end().lines();
            let mut out = lines.next().unwrap_or_default().to_string();
            for l in lines {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(l);
            }
            out
        };
        edits.push((span.start, span.end, replacement));
        changed.push(format!(
            "{}: updated {} expectation(s) of {:?} (line {})",
            file.source.name,
            expect.len(),
            test.name,
            outcome.line
        ));
    }
    if edits.is_empty() {
        return Ok(None);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, replacement) in edits {
        out.push_str(&text[at..start]);
        out.push_str(&replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(Some((out, changed)))
}
