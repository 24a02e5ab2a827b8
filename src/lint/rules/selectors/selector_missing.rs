use super::{is_apps_workload, selector_key};
use crate::lint::rules::string_entries;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct SelectorMissing;

static META: RuleMeta = RuleMeta {
    id: "selector-missing",
    severity: Severity::Error,
    summary: "apps/v1 workload has no spec.selector",
    explain: "\
## What it does
Flags apps/v1 DaemonSets, Deployments, StatefulSets and ReplicaSets without
a `spec.selector` (or with `selector: null`).

## Why is this bad?
Since apps/v1 the selector is no longer defaulted from the template labels:
the API server rejects the object with `spec.selector: Required value`.
Manifests written for `extensions/v1beta1` or `apps/v1beta1` often lack it
and break when only the `apiVersion` is updated.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/name: node-exporter}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: node-exporter}
  template:
    metadata:
      labels: {app.kubernetes.io/name: node-exporter}
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#pod-selector
",
};

impl Rule for SelectorMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let o = &w.object;
            if o.api_version != "apps/v1" || !is_apps_workload(o.kind) {
                continue;
            }
            if w.selector.is_some_and(|s| !s.is_null()) {
                continue;
            }
            let at = selector_key(w)
                .or_else(|| o.node.entry("spec").map(|(k, _)| k))
                .map_or_else(|| o.anchor(), |n| n.span);
            let labels: Vec<String> = string_entries(w.template_labels())
                .into_iter()
                .map(|(_, _, k, v)| format!("{k}: {v}"))
                .collect();
            let help = if labels.is_empty() {
                "add spec.selector.matchLabels and the same labels on the pod template".to_string()
            } else {
                format!(
                    "add `selector: {{matchLabels: {{{}}}}}` under spec",
                    labels.join(", ")
                )
            };
            out.push(
                Finding::new(
                    &META,
                    o.file,
                    at,
                    format!("{}: apps/v1 requires spec.selector", o.display_name()),
                )
                .help(help),
            );
        }
    }
}
