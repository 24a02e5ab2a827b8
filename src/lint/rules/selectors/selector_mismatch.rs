use super::selector::labels_of;
use crate::k8s::selector::LabelSelector;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct SelectorMismatch;

static META: RuleMeta = RuleMeta {
    id: "selector-mismatch",
    severity: Severity::Error,
    summary: "spec.selector does not match the pod template's labels",
    explain: "\
## What it does
Checks that a workload's `spec.selector` (`matchLabels` and `matchExpressions`)
selects the labels of its own pod template.

## Why is this bad?
The API server rejects the object (`selector does not match template labels`),
so the rollout fails; with older API versions the controller would never see
its own pods.

## Example
```yaml
spec:
  selector:
    matchLabels: {app: node-exporter}
  template:
    metadata:
      labels: {app.kubernetes.io/name: node-exporter}
```

## Use instead
```yaml
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

impl Rule for SelectorMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let (Some(selector), Some(_)) = (w.selector, w.template) else {
                continue;
            };
            if selector.as_map().is_none() {
                continue;
            }
            let labels = labels_of(w.template_labels());
            let (parsed, read_from) = LabelSelector::from_node_at(selector);
            if let Some(at) = parsed.first_unmet(&labels).map(|i| read_from[i]) {
                let mut f = Finding::new(
                    &META,
                    w.object.file,
                    at.span,
                    format!(
                        "{}: selector does not match template labels",
                        w.object.display_name()
                    ),
                )
                .help("make spec.selector select spec.template.metadata.labels");
                if let Some(l) = w.template_labels() {
                    f = f.related(w.object.file, l.span, "template labels");
                }
                out.push(f);
            }
        }
    }
}
