//! JSON read as values: label maps, the Prometheus targets API response,
//! Kubernetes objects, and file_sd groups the fast path did not take (for
//! serde's precise error).

use serde_json::Value;

use super::file_sd::FileSdGroup;
use super::{Group, GroupLabels, Targets};
use crate::diag::{Error, Result};
use crate::k8s_sd::KubeObject;
use crate::relabel::{to_pairs, Flavor, LabelPairs, Labels};
use crate::yaml::{Source, Span};

fn check_names(src: &Source, labels: &LabelPairs<'_>, flavor: Flavor, span: Span) -> Result<()> {
    for (name, _) in labels {
        if !flavor.label_scheme().is_valid_label_name(name) {
            return Err(Error::at(
                src,
                span,
                format!("{name:?} is not a valid label name"),
                "invalid label name",
            ));
        }
    }
    Ok(())
}

pub(super) fn label_maps<'a>(
    src: &Source,
    maps: Vec<LabelPairs<'a>>,
    flavor: Flavor,
    span: Span,
) -> Result<Targets<'a>> {
    for m in &maps {
        check_names(src, m, flavor, span)?;
    }
    Ok(Targets::Groups(vec![Group {
        source: src.name.clone(),
        labels: GroupLabels::default(),
        targets: maps,
    }]))
}

fn is_kube_object(v: &Value) -> bool {
    v.get("kind").is_some_and(Value::is_string) && v.get("apiVersion").is_some()
}

fn flatten_kube(src: &Source, value: Value, span: Span, out: &mut Vec<KubeObject>) {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    if is_list {
        if let Some(Value::Array(items)) = value.get("items").cloned() {
            for item in items {
                flatten_kube(src, item, span, out);
            }
        }
    } else {
        out.push(KubeObject {
            value,
            span,
            source: src.clone(),
        });
    }
}

fn string_labels(src: &Source, v: &Value, what: &str) -> Result<Labels> {
    let Some(obj) = v.as_object() else {
        return Err(Error::plain(format!(
            "{}: {what} must be a map of label names to strings",
            src.name
        )));
    };
    obj.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(Error::plain(format!(
                "{}: label {k:?} in {what} has a non-string value {other}",
                src.name
            ))),
        })
        .collect()
}

pub(super) fn from_api(src: &Source, data: &Value, flavor: Flavor) -> Result<Targets<'static>> {
    let mut out = Vec::new();
    for key in ["activeTargets", "droppedTargets"] {
        for t in data
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let discovered = t.get("discoveredLabels").ok_or_else(|| {
                Error::plain(format!(
                    "{}: a target in {key} has no discoveredLabels",
                    src.name
                ))
            })?;
            let labels = string_labels(src, discovered, "discoveredLabels")?;
            check_names(src, &to_pairs(labels.clone()), flavor, Span::default())?;
            let job = t
                .get("scrapePool")
                .and_then(Value::as_str)
                .or_else(|| labels.get("job").map(String::as_str))
                .unwrap_or_default()
                .to_string();
            out.push((job, labels));
        }
    }
    Ok(Targets::Api(out))
}

pub(super) fn from_value(src: &Source, value: Value, flavor: Flavor) -> Result<Targets<'static>> {
    let whole = Span::new(0, src.text.len().min(1));
    if let Some(data) = value
        .get("data")
        .filter(|d| d.get("activeTargets").is_some())
    {
        return from_api(src, data, flavor);
    }
    let items: Vec<Value> = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    if items.iter().any(is_kube_object) {
        let mut out = Vec::new();
        for item in items {
            flatten_kube(src, item, whole, &mut out);
        }
        return Ok(Targets::Kubernetes(out));
    }
    if items.iter().any(|i| i.get("targets").is_some()) {
        // The typed parse failed: report serde's precise reason and position.
        let e = serde_json::from_str::<Vec<FileSdGroup<'_>>>(&src.text)
            .err()
            .map(|e| json_error(src, &e))
            .unwrap_or_else(|| {
                Error::plain(format!("{}: invalid file_sd target groups", src.name))
            });
        return Err(e);
    }
    let maps = items
        .iter()
        .map(|i| string_labels(src, i, "a target").map(to_pairs))
        .collect::<Result<Vec<_>>>()?;
    label_maps(src, maps, flavor, whole)
}

/// A serde_json error as a diagnostic at its line and column.
fn json_error(src: &Source, e: &serde_json::Error) -> Error {
    let (line, col) = (e.line(), e.column());
    let offset = src
        .text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + col.saturating_sub(1);
    let offset = offset.min(src.text.len());
    Error::at(
        src,
        Span::new(offset, offset),
        format!("invalid target groups: {e}"),
        "here",
    )
}
