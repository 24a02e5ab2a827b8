//! The relabel rules the operator writes around the user's: the job-name
//! capture, selector filters, sharding, the enforced namespace label.

use super::{Generator, Map, MonitorKind};
use crate::operator::model::common::Selector;
use crate::operator::model::{Meta, RelabelConfig};
use crate::yaml::GoYaml;

/// `sanitizeLabelName`: every character outside `[a-zA-Z0-9_]` becomes `_`.
pub fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `generateRelabelConfig`: the user's rules in Prometheus's field names.
pub fn rules(rcs: &[RelabelConfig]) -> Vec<GoYaml> {
    rcs.iter().map(rule).collect()
}

fn rule(c: &RelabelConfig) -> GoYaml {
    let mut m = Map::default();
    if !c.source_labels.is_empty() {
        m.push("source_labels", GoYaml::strs(&c.source_labels));
    }
    if let Some(sep) = &c.separator {
        m.str("separator", sep);
    }
    if !c.target_label.is_empty() {
        m.str("target_label", &c.target_label);
    }
    if !c.regex.is_empty() {
        m.str("regex", &c.regex);
    }
    if c.modulus != 0 {
        m.push("modulus", GoYaml::Int(c.modulus as i64));
    }
    if let Some(r) = &c.replacement {
        m.str("replacement", r);
    }
    if !c.action.is_empty() {
        m.str("action", c.action.to_lowercase());
    }
    m.done()
}

/// A rule from `(key, value)` pairs of strings and string lists.
pub fn simple(pairs: &[(&str, GoYaml)]) -> GoYaml {
    GoYaml::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

pub fn s(v: &str) -> GoYaml {
    GoYaml::str(v)
}

pub fn list(v: &[&str]) -> GoYaml {
    GoYaml::strs(v)
}

/// The first rule of every job: keep the configured job name in
/// `__tmp_prometheus_job_name`.
pub fn init() -> Vec<GoYaml> {
    vec![simple(&[
        ("source_labels", list(&["job"])),
        ("target_label", s("__tmp_prometheus_job_name")),
    ])]
}

pub fn running_filter() -> GoYaml {
    simple(&[
        ("action", s("drop")),
        ("source_labels", list(&["__meta_kubernetes_pod_phase"])),
        ("regex", s("(Failed|Succeeded)")),
    ])
}

/// A selector as keep/drop rules on `__meta_kubernetes_<object>_label*`.
pub fn selector_filters(out: &mut Vec<GoYaml>, selector: &Selector, object: &str) {
    let label = |k: &str| format!("__meta_kubernetes_{object}_label_{}", sanitize(k));
    let present = |k: &str| format!("__meta_kubernetes_{object}_labelpresent_{}", sanitize(k));
    for (k, v) in &selector.match_labels {
        out.push(simple(&[
            ("action", s("keep")),
            ("source_labels", GoYaml::strs(&[label(k), present(k)])),
            ("regex", GoYaml::str(format!("({v});true"))),
        ]));
    }
    for e in &selector.match_expressions {
        let (action, sources, regex) = match &*e.operator {
            "In" => (
                "keep",
                vec![label(&e.key), present(&e.key)],
                format!("({});true", e.values.join("|")),
            ),
            "NotIn" => (
                "drop",
                vec![label(&e.key), present(&e.key)],
                format!("({});true", e.values.join("|")),
            ),
            "Exists" => ("keep", vec![present(&e.key)], "true".to_string()),
            _ => ("drop", vec![present(&e.key)], "true".to_string()),
        };
        out.push(simple(&[
            ("action", s(action)),
            ("source_labels", GoYaml::strs(&sources)),
            ("regex", GoYaml::str(regex)),
        ]));
    }
}

/// `target_label`/`replacement` copying a discovered label when set.
pub fn copy_label(source: &str, target: &str) -> GoYaml {
    simple(&[
        ("source_labels", GoYaml::strs(&[source])),
        ("target_label", s(target)),
        ("regex", s("(.+)")),
        ("replacement", s("${1}")),
    ])
}

impl Generator<'_> {
    /// The user's rules, with the enforced namespace label appended last
    /// (so no rule can override it) when it applies.
    pub(super) fn enforced(
        &self,
        kind: MonitorKind,
        meta: &Meta,
        rcs: &[RelabelConfig],
    ) -> Vec<RelabelConfig> {
        let mut out = rcs.to_vec();
        if self.enforces_namespace(kind, meta) {
            out.push(RelabelConfig {
                target_label: self.prom.enforced_namespace_label.clone(),
                replacement: Some(meta.namespace.clone()),
                ..RelabelConfig::default()
            });
        }
        out
    }

    /// Sharding: hash `label` into `__tmp_hash` and keep this shard's
    /// targets (`$(SHARD)` is substituted per Prometheus pod).
    pub(super) fn sharding(&self, out: &mut Vec<GoYaml>, shards: i64, label: &str) {
        if self.opts.retention_policies {
            out.push(simple(&[
                ("target_label", s("__tmp_current_shard")),
                ("replacement", s("$(SHARD)")),
                ("action", s("replace")),
            ]));
            let active: Vec<String> = (0..shards).map(|i| i.to_string()).collect();
            out.push(simple(&[
                ("source_labels", list(&["__tmp_current_shard"])),
                ("regex", GoYaml::str(active.join("|"))),
                ("action", s("keep")),
            ]));
        }
        out.push(simple(&[
            ("source_labels", GoYaml::strs(&[label, "__tmp_hash"])),
            ("target_label", s("__tmp_hash")),
            ("regex", s("(.+);")),
            ("replacement", s("$1")),
            ("action", s("replace")),
        ]));
        out.push(simple(&[
            ("source_labels", list(&["__tmp_hash"])),
            ("target_label", s("__tmp_hash")),
            ("modulus", GoYaml::Int(shards)),
            ("action", s("hashmod")),
        ]));
        out.push(simple(&[
            (
                "source_labels",
                list(&["__tmp_hash", "__tmp_disable_sharding"]),
            ),
            ("regex", s("$(SHARD);|.+;.+")),
            ("action", s("keep")),
        ]));
    }
}

/// Whether a job's rules shard it already (`hashmod`).
pub(super) fn has_hashmod(rules: &[GoYaml]) -> bool {
    rules
        .iter()
        .any(|r| r.get("action").and_then(GoYaml::as_str) == Some("hashmod"))
}
