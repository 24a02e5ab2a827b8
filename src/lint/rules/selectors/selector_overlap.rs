use std::collections::HashMap;

use super::selector::{evaluate, is_empty, labels_of, Eval, Labels};
use super::{controller_selector, namespace_key, selector_key, NamespaceKey};
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
labels. The finding is on the second one, pointing back at the first.

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
        let candidates: Vec<(&Workload<'_>, &Node)> = ctx
            .workloads
            .iter()
            .filter(|w| !is_owned(w) && w.template_labels().is_some())
            .filter_map(|w| Some((w, controller_selector(w)?)))
            .filter(|(_, s)| !is_empty(s))
            .collect();
        // Earlier candidates by namespace: only those can overlap.
        let mut earlier: HashMap<NamespaceKey<'_>, Earlier<'_>> = HashMap::new();
        for (b, sel_b) in candidates {
            let labels_b = labels_of(b.template_labels());
            let group = earlier.entry(namespace_key(&b.object)).or_default();
            for at in group.could_select(&labels_b) {
                let (a, sel_a, labels_a) = &group.items[at];
                if a.object.kind == b.object.kind && a.object.name == b.object.name {
                    continue;
                }
                if evaluate(sel_a, &labels_b) != Eval::Matches
                    || evaluate(sel_b, labels_a) != Eval::Matches
                {
                    continue;
                }
                let at = selector_key(b).map_or(sel_b.span, |k| k.span);
                let related = selector_key(a).map_or(sel_a.span, |k| k.span);
                // Human output only draws related spans of the same file.
                let elsewhere = if a.object.file == b.object.file {
                    String::new()
                } else {
                    format!(" ({})", ctx.source(a.object.file).location(related.start))
                };
                out.push(
                    Finding::new(
                        &META,
                        b.object.file,
                        at,
                        format!(
                            "{}: selector overlaps with {}{elsewhere}: each selects the other's pods",
                            b.object.display_name(),
                            a.object.display_name()
                        ),
                    )
                    .related(
                        a.object.file,
                        related,
                        format!("selector of {}", a.object.display_name()),
                    )
                    .help("add a label unique to each workload to its template and selector"),
                );
            }
            group.push(b, sel_b, labels_b);
        }
    }
}

/// The candidates of one namespace so far, indexed by one label each must
/// find in a template to select it: each new workload is compared only with
/// those that could select it, not with the whole namespace.
#[derive(Default)]
struct Earlier<'a> {
    items: Vec<(&'a Workload<'a>, &'a Node, Labels<'a>)>,
    /// Positions in `items` by the first `matchLabels` pair of their selector.
    by_label: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Selectors without `matchLabels` pairs (only `matchExpressions`).
    unindexed: Vec<usize>,
}

impl<'a> Earlier<'a> {
    fn push(&mut self, w: &'a Workload<'a>, selector: &'a Node, labels: Labels<'a>) {
        let at = self.items.len();
        // The first pair `evaluate` requires (it skips non-string ones).
        let first_pair = selector
            .get("matchLabels")
            .and_then(Node::as_map)
            .unwrap_or(&[])
            .iter()
            .find_map(|(k, v)| Some((k.as_str()?, v.as_str()?)));
        match first_pair {
            Some(pair) => self.by_label.entry(pair).or_default().push(at),
            None => self.unindexed.push(at),
        }
        self.items.push((w, selector, labels));
    }

    /// Positions of the items whose selector may match `labels`, in order.
    fn could_select(&self, labels: &Labels<'_>) -> Vec<usize> {
        let mut out = self.unindexed.clone();
        for (&k, &v) in labels {
            if let Some(found) = self.by_label.get(&(k, v)) {
                out.extend_from_slice(found);
            }
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    /// The index never hides a workload whose selector matches: every
    /// selector is checked against every template, as a full scan would.
    #[test]
    fn the_label_index_keeps_every_selector_that_matches() {
        let selectors = [
            "{matchLabels: {app: a}}",
            "{matchLabels: {app: a, tier: web}}",
            "{matchLabels: {tier: null, app: a}}",
            "{matchLabels: {tier: {x: 1}, app: b}}",
            "{matchLabels: {port: 9100}}",
            "{matchLabels: {}, matchExpressions: [{key: app, operator: In, values: [a, b]}]}",
            "{matchExpressions: [{key: app, operator: Exists}]}",
            "{matchExpressions: [{key: app, operator: DoesNotExist}]}",
        ];
        let labels = [
            "{app: a}",
            "{app: a, tier: web}",
            "{app: b, tier: null}",
            "{port: '9100'}",
            "{port: 9100, app: c}",
            "{}",
            "{tier: web}",
        ];
        let mut text = String::new();
        for (i, sel) in selectors.iter().enumerate() {
            for (j, l) in labels.iter().enumerate() {
                text.push_str(&format!(
                    "---\nkind: Deployment\napiVersion: apps/v1\nmetadata: {{name: d{i}-{j}}}\n\
                     spec: {{selector: {sel}, template: {{metadata: {{labels: {l}}}}}}}\n"
                ));
            }
        }
        let docs = load_stream(&Source::new("t.yaml", text), Limits::default()).unwrap();
        let workloads: Vec<Workload<'_>> = crate::k8s::objects_in(0, &docs)
            .into_iter()
            .filter_map(Workload::from_object)
            .collect();
        assert_eq!(workloads.len(), selectors.len() * labels.len());
        let mut earlier = Earlier::default();
        for w in &workloads {
            let Some(sel) = w.selector else {
                panic!("every workload has a selector");
            };
            earlier.push(w, sel, labels_of(w.template_labels()));
        }
        let mut matches = 0;
        for b in &workloads {
            let labels_b = labels_of(b.template_labels());
            let found = earlier.could_select(&labels_b);
            for (at, (_, sel_a, _)) in earlier.items.iter().enumerate() {
                if evaluate(sel_a, &labels_b) == Eval::Matches {
                    matches += 1;
                    assert!(found.contains(&at), "{at} is missed");
                }
            }
        }
        assert!(matches > 100, "{matches}");
    }
}
