use std::collections::HashMap;

use super::selector::{is_empty, labels_of, LabelIndex};
use super::{controller_selector, namespace_key, selector_key, NamespaceKey};
use crate::k8s::selector::LabelSelector;
use crate::k8s::Workload;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct SelectorOverlap;

static META: RuleMeta = RuleMeta {
    id: "selector-overlap",
    severity: Severity::Warning,
    summary: "two workloads select each other's pods",
    explain: "\
## What it does
Finds two controllers in the same namespace (DaemonSets, Deployments,
StatefulSets, ReplicaSets, ReplicationControllers, Jobs with
`manualSelector: true`) whose selectors each match the other's pod template
labels. The finding is on the later one, pointing back at the earlier ones
it overlaps with (the first few are named, the rest counted), so a group of
workloads sharing one selector gives one finding per workload, not one per
pair.

Objects without `metadata.namespace` are compared only with namespace-less
objects of the same file, since they may be applied to different
namespaces. Objects with `ownerReferences` (e.g. a Deployment's ReplicaSet
in a cluster dump) and two copies of the same object are not compared.

## Why is this bad?
Controllers find their pods by selector. When selectors overlap, each sees
the other's pods: a Deployment's ReplicaSets scale against pods they do not
own, `kubectl rollout status` never settles, a DaemonSet's status counts
are wrong, and Services or PodDisruptionBudgets selecting one of them catch
both. The Kubernetes documentation warns to keep selectors unique.

## Example
```yaml
kind: DaemonSet
metadata: {name: fluent-bit, namespace: logging}
spec:
  selector: {matchLabels: {k8s-app: logging}}
  template: {metadata: {labels: {k8s-app: logging}}}
---
kind: DaemonSet
metadata: {name: fluentd, namespace: logging}
spec:
  selector: {matchLabels: {k8s-app: logging}}
  template: {metadata: {labels: {k8s-app: logging}}}
```

## Use instead
Give each workload an identifying label and select on it:
```yaml
spec:
  selector: {matchLabels: {app.kubernetes.io/name: fluentd}}
  template: {metadata: {labels: {app.kubernetes.io/name: fluentd}}}
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector
",
};

fn is_owned(w: &Workload<'_>) -> bool {
    w.object
        .metadata()
        .and_then(|m| m.get("ownerReferences"))
        .and_then(Node::as_seq)
        .is_some_and(|s| !s.is_empty())
}

impl Rule for SelectorOverlap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let candidates: Vec<(&Workload<'_>, &Node, LabelSelector)> = ctx
            .workloads
            .iter()
            .filter(|w| !is_owned(w) && w.template_labels().is_some())
            .filter_map(|w| Some((w, controller_selector(w)?)))
            .filter(|(_, s)| !is_empty(s))
            .map(|(w, s)| (w, s, LabelSelector::from_node(s)))
            .collect();
        // Earlier candidates by namespace: only those can overlap, and of
        // them only those whose template carries the label `b` pins.
        let mut earlier: HashMap<NamespaceKey<'_>, LabelIndex<'_, usize>> = HashMap::new();
        for (at_b, (b, sel_b, parsed_b)) in candidates.iter().enumerate() {
            let labels_b = labels_of(b.template_labels());
            let group = earlier.entry(namespace_key(&b.object)).or_default();
            let overlapping: Vec<(&Workload<'_>, &Node)> = group
                .may_match(parsed_b)
                .map(|at| &group.items[at])
                .map(|(at_a, labels_a)| (&candidates[*at_a], labels_a))
                .filter(|((a, _, parsed_a), labels_a)| {
                    !(a.object.kind == b.object.kind && a.object.name == b.object.name)
                        && parsed_a.matches(&labels_b)
                        && parsed_b.matches(*labels_a)
                })
                .map(|((a, sel_a, _), _)| (*a, *sel_a))
                .collect();
            if !overlapping.is_empty() {
                out.push(overlap_finding(ctx, (b, sel_b), &overlapping));
            }
            group.push(at_b, labels_b);
        }
    }
}

/// Overlapping workloads named in one finding; the rest are counted.
const NAMED_AT_MOST: usize = 3;

/// One finding on `b` naming the earlier workloads it overlaps with.
fn overlap_finding(
    ctx: &Context<'_>,
    (b, sel_b): (&Workload<'_>, &Node),
    overlapping: &[(&Workload<'_>, &Node)],
) -> Finding {
    let at = selector_key(b).map_or(sel_b.span, |k| k.span);
    let named = &overlapping[..overlapping.len().min(NAMED_AT_MOST)];
    let mut names = Vec::with_capacity(named.len());
    for (a, sel_a) in named {
        let related = selector_key(a).map_or(sel_a.span, |k| k.span);
        // Human output only draws related spans of the same file.
        let elsewhere = if a.object.file == b.object.file {
            String::new()
        } else {
            format!(" ({})", ctx.source(a.object.file).location(related.start))
        };
        names.push(format!("{}{elsewhere}", a.object.display_name()));
    }
    let more = overlapping.len() - named.len();
    let message = match (names.as_slice(), more) {
        ([one], 0) => format!(
            "{}: selector overlaps with {one}: each selects the other's pods",
            b.object.display_name()
        ),
        _ => {
            let mut list = names.join(", ");
            if more > 0 {
                list.push_str(&format!(" and {more} more"));
            }
            format!(
                "{}: selector overlaps with {} workloads ({list}): each selects the others' pods",
                b.object.display_name(),
                overlapping.len()
            )
        }
    };
    let mut finding = Finding::new(&META, b.object.file, at, message)
        .help("add a label unique to each workload to its template and selector");
    for (a, sel_a) in named {
        let related = selector_key(a).map_or(sel_a.span, |k| k.span);
        finding = finding.related(
            a.object.file,
            related,
            format!("selector of {}", a.object.display_name()),
        );
    }
    finding
}
