//! `kdm test --update`: rewrites the failing expectations of failing tests
//! with what the job does now. Only those expectations change, and each
//! keeps its form: a subset of labels stays the same subset (labels the
//! target no longer has are dropped), `scrape_url` is kept only where it was
//! written. The rest of the file, comments included, is kept byte for byte.

//!
//! The edits are made in the text: a mapping or list keeps its anchor, tag,
//! comments and line endings, and only the values that differ are written,
//! in the style they were written in (`patch`, `render`). Text shared
//! through an alias is rewritten only when every test that reads it wants
//! the same (`shared`). The new text is read back before it is written: it
//! must hold exactly the intended expectations and nothing else changed.

mod layout;
mod patch;
mod render;
mod shared;
mod write;

use serde_json::{json, Map, Value};

pub use patch::Edit;
pub use write::write_back;

use super::run::{expectation_for, final_labels, TestOutcome};
use super::{Expectation, Expected, TestFile};
use crate::diag::{Error, Result};
use crate::input::load_yaml;
use crate::prom::target::TargetResult;
use crate::yaml::{Node, Source};

/// An updated test file.
#[derive(Debug)]
pub struct Update {
    /// The new text.
    pub text: String,
    /// What replaced which bytes of the old text, in order; every other
    /// byte is kept.
    pub edits: Vec<Edit>,
    /// A line per updated test.
    pub changed: Vec<String>,
}

/// The file with the failing expectations of its failing tests rewritten;
/// `None` when nothing is to change. An error, and no new text, when the
/// change cannot be made safely (text shared through an alias that the
/// tests need different values of).
pub fn rewrite(file: &TestFile, outcomes: &[TestOutcome]) -> Result<Option<Update>> {
    let source = &file.source;
    let docs = load_yaml(source)?;
    let Some(root) = docs.first() else {
        return Ok(None);
    };
    let tests_at = root
        .as_map()
        .and_then(|m| m.iter().position(|(k, _)| k.as_str() == Some("tests")));
    let nodes = root.get("tests").and_then(Node::as_seq).unwrap_or(&[]);
    let mut intended = root.to_json();
    let mut patcher = patch::Patcher::new(&source.text);
    let mut changed = Vec::new();
    for (i, (test, outcome)) in file.tests.iter().zip(outcomes).enumerate() {
        if outcome.passed() {
            continue;
        }
        let (Some(tests_at), Some(node)) = (tests_at, nodes.get(i)) else {
            continue;
        };
        let Some(expect_at) = node
            .as_map()
            .and_then(|m| m.iter().position(|(k, _)| k.as_str() == Some("expect")))
        else {
            continue;
        };
        let expect = &node.as_map().unwrap_or(&[])[expect_at].1;
        let series = test.input.is_series();
        let new = |i: usize, r: &TargetResult<'_>| match test.expect.get(i) {
            Some(e) => updated(e, r, series),
            None => expectation_for(r, series),
        };
        let old = expect.to_json();
        let (values, count) = if outcome.results.len() == test.expect.len() {
            // Only the expectations that failed.
            let mut values = Vec::new();
            let mut count = 0;
            for (j, (_, r)) in outcome.results.iter().enumerate() {
                if outcome.failures.iter().any(|f| f.target == Some(j)) {
                    values.push(new(j, r));
                    count += 1;
                } else {
                    values.push(old.get(j).cloned().unwrap_or(Value::Null));
                }
            }
            (values, count)
        } else {
            // A different number of targets: the whole list, each entry
            // kept in the form of the expectation at its place.
            let values = (outcome.results.iter().enumerate())
                .map(|(j, (_, r))| new(j, r))
                .collect();
            (values, outcome.results.len())
        };
        let values = Value::Array(values);
        let mut path = vec![2 * tests_at + 1, i, 2 * expect_at + 1];
        patcher
            .patch(expect, &values, &mut path, false)
            .map_err(|patch::Unpatchable(span)| {
                Error::at(
                    source,
                    span,
                    format!(
                        "cannot update {}: the expectations of test {:?} hold an alias kdm cannot rewrite in place",
                        source.name, test.name
                    ),
                    "this list",
                )
                .with_help("write the expectations out in place of the alias, then run --update again; the file is left as it was")
            })?;
        if let Some(slot) = intended
            .get_mut("tests")
            .and_then(|t| t.get_mut(i))
            .and_then(|t| t.get_mut("expect"))
        {
            *slot = values;
        }
        changed.push(format!(
            "{}: updated {count} expectation(s) of {:?} (line {})",
            source.name, test.name, outcome.line
        ));
    }
    if patcher.edits.is_empty() {
        return Ok(None);
    }
    let edits = shared::check(source, root, patcher.edits)?;
    let mut text = String::with_capacity(source.text.len());
    let mut at = 0;
    for e in &edits {
        text.push_str(&source.text[at..e.span.start]);
        text.push_str(&e.text);
        at = e.span.end;
    }
    text.push_str(&source.text[at..]);
    verify(file, &text, &intended, &edits)?;
    Ok(Some(Update {
        text,
        edits,
        changed,
    }))
}

/// The new text read back: a valid test file holding exactly `intended`.
fn verify(file: &TestFile, text: &str, intended: &Value, edits: &[Edit]) -> Result<()> {
    let source = Source::new(file.source.name.clone(), text);
    let same = load_yaml(&source)
        .ok()
        .and_then(|docs| docs.into_iter().next())
        .is_some_and(|root| root.to_json() == *intended)
        && super::parse(source, std::path::Path::new(&file.source.name)).is_ok();
    if same {
        return Ok(());
    }
    let span = edits.first().map_or_else(Default::default, |e| e.span);
    Err(Error::at(
        &file.source,
        span,
        format!(
            "cannot update {}: kdm could not rewrite its expectations without changing more of the file",
            file.source.name
        ),
        "an expectation to update",
    )
    .with_help("the file is left as it was; update these expectations by hand"))
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
