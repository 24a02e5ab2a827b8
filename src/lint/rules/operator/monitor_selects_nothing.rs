use std::collections::BTreeMap;

use super::{labels, namespace_of, shared, watches};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::operator::model::common::Selector;
use crate::operator::model::monitors::MonitorCommon;
use crate::operator::model::Meta;

pub struct MonitorSelectsNothing;

static META: RuleMeta = RuleMeta {
    id: "monitor-selects-nothing",
    severity: Severity::Warning,
    summary: "monitor selector matches no Service (ServiceMonitor) or pod template (PodMonitor) in the input",
    explain: "\
## What it does
For each ServiceMonitor, checks that its `selector` matches some Service in
the namespaces its `namespaceSelector` watches (its own namespace when it
has none); for each PodMonitor, that it matches the pod template labels of
some workload there.

To avoid false alarms on partial inputs, the rule only speaks when a
Service (or pod template) in those namespaces looks like the intended
target: it carries at least one `key: value` pair of the selector. The
finding names that nearest candidate and what it lacks. Monitors of objects
defined elsewhere (the kubelet's Service, which the operator creates) are
not reported.

## Why is this bad?
A monitor that selects nothing produces a job with no targets: Prometheus
shows nothing for it, and no error anywhere says why. It usually follows a
label renamed on the Service or pods and not on the monitor.

## Example
```yaml
kind: ServiceMonitor
spec:
  selector: {matchLabels: {app: node-exporter, tier: infra}}
---
kind: Service
metadata:
  labels: {app: node-exporter}
```

## Use instead
```yaml
kind: ServiceMonitor
spec:
  selector: {matchLabels: {app: node-exporter}}
```
",
};

impl Rule for MonitorSelectsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = super::data(ctx) else {
            return;
        };
        let services: Vec<(String, BTreeMap<String, String>, usize, crate::yaml::Span)> = ctx
            .objects
            .iter()
            .filter(|o| o.kind == "Service")
            .map(|o| {
                (
                    format!("{}\u{0}{}", namespace_of(o), o.display_name()),
                    labels(o.labels()),
                    o.file,
                    o.labels().map_or(o.anchor(), |l| l.span),
                )
            })
            .collect();
        let templates: Vec<(String, BTreeMap<String, String>, usize, crate::yaml::Span)> = ctx
            .workloads
            .iter()
            .map(|w| {
                let o = &w.object;
                (
                    format!("{}\u{0}{}", namespace_of(o), o.display_name()),
                    labels(w.template_labels()),
                    o.file,
                    w.template_labels().map_or(o.anchor(), |l| l.span),
                )
            })
            .collect();
        for m in &data.res.service_monitors {
            check(
                out,
                &m.meta,
                m.file,
                &m.common,
                "ServiceMonitor",
                "Service",
                &services,
            );
        }
        for m in &data.res.pod_monitors {
            check(
                out,
                &m.meta,
                m.file,
                &m.common,
                "PodMonitor",
                "pod template",
                &templates,
            );
        }
    }
}

/// `candidates`: (namespace NUL display name, labels, file, span).
fn check(
    out: &mut Vec<Finding>,
    meta: &Meta,
    file: usize,
    common: &MonitorCommon,
    kind: &str,
    what: &str,
    candidates: &[(String, BTreeMap<String, String>, usize, crate::yaml::Span)],
) {
    let selector: &Selector = &common.selector;
    if !selector.present {
        return;
    }
    let matcher = selector.to_label_selector();
    let in_scope: Vec<_> = candidates
        .iter()
        .filter(|(key, ..)| {
            let ns = key.split('\u{0}').next().unwrap_or("");
            watches(&common.namespace_selector, &meta.namespace, ns)
        })
        .collect();
    if in_scope.iter().any(|c| matcher.matches(&c.1)) {
        return;
    }
    let Some((key, have, cfile, cspan)) = in_scope
        .iter()
        .map(|c| (shared(&selector.match_labels, &c.1), c))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, c)| *c)
    else {
        return;
    };
    let name = key.split('\u{0}').nth(1).unwrap_or("");
    let lacks: Vec<String> = selector
        .match_labels
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, v)| match have.get(k) {
            Some(other) => format!("has {k}: {other}, not {v}"),
            None => format!("lacks {k}: {v}"),
        })
        .collect();
    let mut help = format!("the nearest {what} is {name}");
    if !lacks.is_empty() {
        help.push_str(&format!(", which {}", lacks.join(", ")));
    }
    let span = common.selector_span.unwrap_or(meta.anchor);
    out.push(
        Finding::new(
            &META,
            file,
            span,
            format!(
                "{kind} {}: selector matches no {what} in the namespaces it watches",
                meta.key()
            ),
        )
        .help(help)
        .related(*cfile, *cspan, format!("labels of {name}")),
    );
}
