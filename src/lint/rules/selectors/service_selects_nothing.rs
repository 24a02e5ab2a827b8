use std::collections::BTreeMap;

use super::{namespace_key, workloads_by_namespace};
use crate::k8s::selector::LabelSelector;
use crate::lint::rules::string_entries;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::suggest;
use crate::yaml::Node;

/// How a label set stands to one `key: value` pair a selector wants.
enum PairFit<'l> {
    Has,
    /// The key, with another value.
    Differs(&'l str),
    /// The value, under this other key.
    Elsewhere(&'l str),
    Lacks,
}

fn fit<'l>(labels: &'l BTreeMap<&str, &str>, key: &str, value: &str) -> PairFit<'l> {
    match labels.get(key) {
        Some(&have) if have == value => PairFit::Has,
        Some(&have) => PairFit::Differs(have),
        None => match labels.iter().find(|(_, have)| **have == value) {
            Some((&other, _)) => PairFit::Elsewhere(other),
            None => PairFit::Lacks,
        },
    }
}

/// How closely `labels` resemble what the selector wants: 3 for each pair
/// it has, 2 for a near miss (a typo, or the value under another key).
fn near_miss_score(wanted: &[(&Node, &Node, &str, &str)], labels: &BTreeMap<&str, &str>) -> usize {
    let mut score = 0;
    for (_, _, k, v) in wanted {
        score += match fit(labels, k, v) {
            PairFit::Has => 3,
            PairFit::Differs(have) if suggest::is_close(have, v) => 2,
            PairFit::Elsewhere(_) => 2,
            PairFit::Differs(_) | PairFit::Lacks => 0,
        };
    }
    score
}

/// What the labels lack, for the help text (only of the closest workload).
fn gaps(wanted: &[(&Node, &Node, &str, &str)], labels: &BTreeMap<&str, &str>) -> Vec<String> {
    wanted
        .iter()
        .filter_map(|(_, _, k, v)| match fit(labels, k, v) {
            PairFit::Has => None,
            PairFit::Differs(have) => Some(format!("has {k}: {have}, not {v}")),
            PairFit::Elsewhere(other) => Some(format!("has {other}: {v}, not {k}: {v}")),
            PairFit::Lacks => Some(format!("lacks {k}: {v}")),
        })
        .collect()
}

pub struct ServiceSelectsNothing;

static META: RuleMeta = RuleMeta {
    id: "service-selects-nothing",
    severity: Severity::Warning,
    summary: "Service selector matches no pod template in the input",
    explain: "\
## What it does
For each Service with a non-empty `spec.selector`, checks that some
workload's pod template labels (in the same namespace, among the linted
files) contain every `key: value` of the selector.

To avoid false alarms on partial inputs, the rule only speaks when the input
holds a workload in the Service's namespace that looks like the intended
target: its template labels share a `key: value` pair with the selector,
carry a selector value under another key (a renamed label), or a value
within two edits of the selector's (a typo). A Service linted alone, or
whose selector shares nothing with the workloads in the input, usually
selects pods defined elsewhere (cluster add-ons such as CoreDNS) or labels
that a controller adds to pods at runtime, and is not reported. Objects
without `metadata.namespace` are compared only with namespace-less objects
of the same file. `ExternalName` Services are skipped.

## Why is this bad?
A Service whose selector matches no pod has no endpoints: connections are
refused or time out, and nothing in `kubectl apply` warns about it. It
usually comes from a renamed label on the workload that was not carried
over to the Service.

## Example
```yaml
kind: Service
spec:
  selector: {app: node-exporter}
---
kind: DaemonSet
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/name: node-exporter}
```

## Use instead
```yaml
kind: Service
spec:
  selector: {app.kubernetes.io/name: node-exporter}
```

## References
- https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
",
};

impl Rule for ServiceSelectsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let by_namespace = workloads_by_namespace(&ctx.workloads);
        for svc in ctx.objects.iter().filter(|o| o.kind == "Service") {
            let Some(spec) = svc.node.get("spec") else {
                continue;
            };
            if spec.get("type").and_then(Node::as_str) == Some("ExternalName") {
                continue;
            }
            let Some((sel_key, sel)) = spec.entry("selector") else {
                continue;
            };
            let wanted = string_entries(Some(sel));
            if wanted.is_empty() {
                continue;
            }
            let Some(peers) = by_namespace.get(&namespace_key(svc)) else {
                continue;
            };
            let selector = LabelSelector::from_map_node(sel);
            if peers
                .may_match(&selector)
                .any(|at| selector.matches(&peers.items[at].1))
            {
                continue;
            }
            // Only speak when a workload looks like the intended target:
            // selectors sharing nothing with the input select pods defined
            // elsewhere or labeled at runtime by a controller.
            let Some((_, w, labels)) = peers
                .items
                .iter()
                .map(|(w, labels)| (near_miss_score(&wanted, labels), *w, labels))
                .filter(|(score, _, _)| *score > 0)
                .max_by_key(|(score, _, _)| *score)
            else {
                continue;
            };
            let gaps = gaps(&wanted, labels);
            let mut f = Finding::new(
                &META,
                svc.file,
                sel_key.span,
                format!(
                    "{}: selector matches no pod template in its namespace; closest is {}",
                    svc.display_name(),
                    w.object.display_name()
                ),
            )
            .help(format!(
                "the pod template of {} {}",
                w.object.display_name(),
                gaps.join(", ")
            ));
            if let Some(l) = w.template_labels() {
                f = f.related(
                    w.object.file,
                    l.span,
                    format!("template labels of {}", w.object.display_name()),
                );
            }
            out.push(f);
        }
    }
}
