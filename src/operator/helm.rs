//! kube-prometheus-stack Helm values, read as the resources the chart
//! renders from them: `prometheus.prometheusSpec` is the spec of its
//! Prometheus, `prometheus.additionalServiceMonitors` and
//! `additionalPodMonitors` its extra monitors. The chart writes a field
//! only when it is set (`{{- if ... }}`), so empty values (`""`, `false`,
//! `{}`, `0`) are left out, and an empty `*Selector` becomes `release:
//! <release>` while `*SelectorNilUsesHelmValues` is true, its default.
//! Every node keeps its place in the values file.

use std::collections::BTreeMap;

use super::model::common::Selector;
use super::model::prometheus::MonitorSelection;
use super::model::{PodMonitor, Prometheus, Resources, ServerKind, ServiceMonitor};
use super::read::Reader;
use crate::diag::Result;
use crate::yaml::{Node, NodeKind, Resolved, Source, Span, Style};

/// The release name assumed when none is given.
pub const DEFAULT_RELEASE: &str = "kps";

/// The namespace assumed for the release (the values do not say).
const DEFAULT_NAMESPACE: &str = "monitoring";

/// The chart's name, in the names it gives its objects.
const CHART: &str = "kube-prometheus-stack";

/// The Prometheus and monitors the kube-prometheus-stack values among
/// `docs` (per file, `sources[i]` holding `docs[i]`) define for `release`,
/// and a note per values file read.
pub fn read(
    sources: &[&Source],
    docs: &[&[Node]],
    release: &str,
) -> Result<(Resources, Vec<String>)> {
    let mut out = Resources::default();
    let mut notes = Vec::new();
    for (file, (src, docs)) in sources.iter().zip(docs).enumerate() {
        for doc in docs.iter() {
            let Some((values, prometheus)) = chart_values(doc) else {
                continue;
            };
            let r = Reader::new(src);
            let names = Names::of(values, release);
            if let Some(spec) = prometheus
                .get("prometheusSpec")
                .filter(|_| prometheus.get("enabled").is_none_or(truthy))
            {
                out.servers
                    .push(server(&r, file, &names, prometheus, spec, release)?);
            }
            for (key, kind) in [
                ("additionalServiceMonitors", "ServiceMonitor"),
                ("additionalPodMonitors", "PodMonitor"),
            ] {
                for entry in r.seq(Some(prometheus), key)? {
                    let obj = object(&names, entry, entry.get("name"), release, entry.span);
                    match kind {
                        "ServiceMonitor" => out
                            .service_monitors
                            .push(ServiceMonitor::read(&r, file, &obj)?),
                        _ => out.pod_monitors.push(PodMonitor::read(&r, file, &obj)?),
                    }
                }
            }
            notes.push(format!(
                "{}: kube-prometheus-stack values: the Prometheus and monitors the chart renders from them for release {release:?} in namespace {} (the chart's own monitors come from its templates: add `helm template` output to include them)",
                src.location(prometheus.span.start),
                names.namespace
            ));
        }
    }
    Ok((out, notes))
}

/// Whether `doc` holds kube-prometheus-stack values kdm reads.
pub fn holds_values(doc: &Node) -> bool {
    chart_values(doc).is_some()
}

/// The values mapping and its `prometheus` entry, when `doc` holds
/// kube-prometheus-stack values (at the top, or under a parent chart's key
/// for the subchart).
fn chart_values(doc: &Node) -> Option<(&Node, &Node)> {
    if doc.get("apiVersion").is_some() {
        return None;
    }
    let is_chart = |p: &Node| {
        [
            "prometheusSpec",
            "additionalServiceMonitors",
            "additionalPodMonitors",
        ]
        .iter()
        .any(|k| p.get(k).is_some_and(|v| !v.is_null()))
    };
    if let Some(p) = doc.get("prometheus").filter(|p| is_chart(p)) {
        return Some((doc, p));
    }
    doc.as_map()?.iter().find_map(|(_, v)| {
        let p = v.get("prometheus").filter(|p| is_chart(p))?;
        Some((v, p))
    })
}

/// What the chart names its objects.
struct Names {
    /// The Prometheus: `kube-prometheus-stack.prometheus.crname`.
    prometheus: String,
    namespace: String,
}

impl Names {
    fn of(values: &Node, release: &str) -> Names {
        let text = |key: &str| {
            values
                .get(key)
                .filter(|v| truthy(v))
                .and_then(Node::as_str)
                .map(str::to_string)
        };
        // `kube-prometheus-stack.fullname`: the override, else the release
        // name when it contains the chart's name, else both, in 26 characters.
        let fullname = match text("fullnameOverride") {
            Some(f) => trunc(&f, 26),
            None => {
                let name = text("nameOverride").unwrap_or_else(|| CHART.to_string());
                if release.contains(&name) {
                    trunc(release, 26)
                } else {
                    trunc(&format!("{release}-{name}"), 26)
                }
            }
        };
        let clean = values
            .get("cleanPrometheusOperatorObjectNames")
            .is_some_and(truthy);
        Names {
            prometheus: if clean {
                fullname
            } else {
                format!("{fullname}-prometheus")
            },
            namespace: text("namespaceOverride").unwrap_or_else(|| DEFAULT_NAMESPACE.to_string()),
        }
    }
}

/// `trunc N | trimSuffix "-"`.
fn trunc(s: &str, n: usize) -> String {
    let cut: String = s.chars().take(n).collect();
    cut.strip_suffix('-').unwrap_or(&cut).to_string()
}

/// Whether a Go template's `if` takes the value: not null, false, 0, "",
/// or an empty list or mapping.
fn truthy(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Map(m) => !m.is_empty(),
        NodeKind::Seq(s) => !s.is_empty(),
        NodeKind::Scalar { text, .. } => match n.resolve() {
            Some(Resolved::Null) => false,
            Some(Resolved::Bool(b)) => b,
            Some(Resolved::Int(i)) => i != 0,
            Some(Resolved::Float(f)) => f != 0.0,
            _ => !text.is_empty(),
        },
    }
}

/// A plain scalar placed at `span`.
fn scalar(text: &str, span: Span) -> Node {
    Node {
        span,
        tag: None,
        kind: NodeKind::Scalar {
            text: text.into(),
            style: Style::Quoted,
        },
    }
}

fn map(span: Span, entries: Vec<(Node, Node)>) -> Node {
    Node {
        span,
        tag: None,
        kind: NodeKind::Map(entries.into_boxed_slice()),
    }
}

/// `spec` without the entries the chart would leave out.
fn written(spec: &Node) -> Node {
    let entries = spec
        .as_map()
        .unwrap_or(&[])
        .iter()
        .filter(|(_, v)| truthy(v))
        .cloned()
        .collect();
    map(spec.span, entries)
}

/// An object as the chart renders it: `metadata` (the name written at
/// `name`, or the chart's), the chart's labels, and `spec`.
fn object(names: &Names, spec: &Node, name: Option<&Node>, release: &str, at: Span) -> Node {
    let mut labels = vec![
        (
            scalar("app", at),
            scalar(&format!("{CHART}-prometheus"), at),
        ),
        (scalar("release", at), scalar(release, at)),
    ];
    if let Some(extra) = spec.get("additionalLabels").and_then(Node::as_map) {
        labels.extend(extra.iter().cloned());
    }
    let name = name
        .cloned()
        .unwrap_or_else(|| scalar(&names.prometheus, at));
    let metadata = map(
        at,
        vec![
            (scalar("name", at), name),
            (scalar("namespace", at), scalar(&names.namespace, at)),
            (scalar("labels", at), map(at, labels)),
        ],
    );
    map(
        at,
        vec![
            (scalar("metadata", at), metadata),
            (scalar("spec", at), written(spec)),
        ],
    )
}

/// The chart's Prometheus, named after the release, with its selectors.
fn server(
    r: &Reader,
    file: usize,
    names: &Names,
    prometheus: &Node,
    spec: &Node,
    release: &str,
) -> Result<Prometheus> {
    let at = prometheus
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("prometheusSpec")))
        .map_or(spec.span, |(k, _)| k.span);
    // `version` is the image's tag.
    let mut spec_with_version = written(spec);
    if spec.get("version").is_none() {
        if let (Some(tag), NodeKind::Map(entries)) = (
            spec.get("image")
                .and_then(|i| i.get("tag"))
                .filter(|t| truthy(t)),
            &spec_with_version.kind,
        ) {
            let mut entries = entries.to_vec();
            entries.push((scalar("version", tag.span), tag.clone()));
            spec_with_version = map(spec.span, entries);
        }
    }
    // The chart writes the list into a Secret the Prometheus names.
    let additional = spec.get("additionalScrapeConfigs").and_then(Node::as_seq);
    if let (Some(_), NodeKind::Map(entries)) = (additional, &spec_with_version.kind) {
        let entries = entries
            .iter()
            .filter(|(k, _)| k.as_str() != Some("additionalScrapeConfigs"))
            .cloned()
            .collect();
        spec_with_version = map(spec.span, entries);
    }
    let obj = object(names, &spec_with_version, None, release, at);
    let mut prom = Prometheus::read(r, file, &obj, ServerKind::Prometheus)?;
    prom.additional = super::additional::from_list(file, additional.unwrap_or(&[]));
    let release_selector = Selector {
        match_labels: BTreeMap::from([("release".to_string(), release.to_string())]),
        match_expressions: Vec::new(),
        present: true,
    };
    let every = || Selector {
        present: true,
        ..Selector::default()
    };
    let selections: [(&str, &mut MonitorSelection); 4] = [
        ("serviceMonitor", &mut prom.service_monitors),
        ("podMonitor", &mut prom.pod_monitors),
        ("probe", &mut prom.probes),
        ("scrapeConfig", &mut prom.scrape_configs),
    ];
    for (kind, selection) in selections {
        let field = |suffix: &str| spec.get(&format!("{kind}{suffix}"));
        if !field("Selector").is_some_and(truthy) {
            let nil_uses = field("SelectorNilUsesHelmValues");
            selection.selector = Some(if nil_uses.is_none_or(truthy) {
                release_selector.clone()
            } else {
                every()
            });
            selection.selector_span = Some(nil_uses.map_or(at, |n| n.span));
        }
        if !field("NamespaceSelector").is_some_and(truthy) {
            selection.namespace_selector = Some(every());
        }
    }
    Ok(prom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load_yaml;

    fn names(values: &str, release: &str) -> (String, String) {
        let src = Source::new("values.yaml", values);
        let docs = load_yaml(&src).unwrap();
        let n = Names::of(&docs[0], release);
        (n.prometheus, n.namespace)
    }

    /// `kube-prometheus-stack.fullname` and `prometheus.crname`.
    #[test]
    fn the_chart_names_its_prometheus_after_the_release() {
        assert_eq!(names("{}", "kps").0, "kps-kube-prometheus-stack-prometheus");
        // A release containing the chart's name is the full name.
        assert_eq!(
            names("{}", "kube-prometheus-stack").0,
            "kube-prometheus-stack-prometheus"
        );
        // 26 characters, without a trailing dash.
        assert_eq!(
            names("{}", "monitoring").0,
            "monitoring-kube-prometheus-prometheus"
        );
        assert_eq!(
            names("fullnameOverride: kps\nnamespaceOverride: obs", "x"),
            ("kps-prometheus".to_string(), "obs".to_string())
        );
        assert_eq!(
            names(
                "nameOverride: stack\ncleanPrometheusOperatorObjectNames: true",
                "prod"
            )
            .0,
            "prod-stack"
        );
    }

    #[test]
    fn empty_values_are_not_written() {
        let src = Source::new("v.yaml", "[a, '', false, 0, {}, [], ~, x, 1, true, {a: 1}]");
        let docs = load_yaml(&src).unwrap();
        let got: Vec<bool> = docs[0].as_seq().unwrap().iter().map(truthy).collect();
        assert_eq!(
            got,
            [true, false, false, false, false, false, false, true, true, true, true]
        );
    }

    #[test]
    fn selectors_default_to_the_release_or_everything() {
        let text = "prometheus:\n  prometheusSpec:\n    podMonitorSelectorNilUsesHelmValues: false\n    probeSelector:\n      matchLabels: {probe: yes}\n    scrapeConfigNamespaceSelector:\n      matchLabels: {team: a}\n";
        let src = Source::new("values.yaml", text);
        let docs = load_yaml(&src).unwrap();
        let (res, notes) = read(&[&src], &[docs.as_slice()], "prod").unwrap();
        assert_eq!(notes.len(), 1);
        let p = &res.servers[0];
        assert_eq!(p.meta.name, "prod-kube-prometheus-stack-prometheus");
        let labels = |s: &MonitorSelection| s.selector.as_ref().unwrap().match_labels.clone();
        assert_eq!(
            labels(&p.service_monitors),
            BTreeMap::from([("release".to_string(), "prod".to_string())])
        );
        assert!(labels(&p.pod_monitors).is_empty());
        assert_eq!(labels(&p.probes)["probe"], "yes");
        assert!(p.service_monitors.namespace_selector.is_some());
        let ns = p.scrape_configs.namespace_selector.as_ref().unwrap();
        assert_eq!(ns.match_labels["team"], "a");
        // Not kube-prometheus-stack values: nothing.
        let other = Source::new("v.yaml", "prometheus:\n  enabled: true\n");
        let docs = load_yaml(&other).unwrap();
        assert!(read(&[&other], &[docs.as_slice()], "kps")
            .unwrap()
            .0
            .servers
            .is_empty());
    }
}
