use super::{is_apps_workload, manual_selector, selector_key};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct SelectorEmpty;

static META: RuleMeta = RuleMeta {
    id: "selector-empty",
    severity: Severity::Error,
    summary: "spec.selector has no requirements and would select every pod",
    explain: "\
## What it does
Flags a `spec.selector` with neither `matchLabels` entries nor
`matchExpressions` (`selector: {}`, `matchLabels: {}`) on DaemonSets,
Deployments, StatefulSets, ReplicaSets, and Jobs with `manualSelector: true`.

## Why is this bad?
An empty label selector matches every pod in the namespace. The API server
rejects it for the apps kinds (`empty selector is invalid for deployment`);
a Job with a manual empty selector would count and delete pods it does not
own. Rendered Helm charts produce it when the selector's labels come from
a value that was left empty.

## Example
```yaml
spec:
  selector:
    matchLabels: {}
  template:
    metadata:
      labels: {app.kubernetes.io/name: fluent-bit}
```

## Use instead
```yaml
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: fluent-bit}
  template:
    metadata:
      labels: {app.kubernetes.io/name: fluent-bit}
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
",
};

/// No `matchLabels` entries and no `matchExpressions` (absent, null or
/// empty); other types are left to schema validation.
fn has_no_requirements(selector: &Node) -> bool {
    let empty = |key: &str| match selector.get(key) {
        None => true,
        Some(n) if n.is_null() => true,
        Some(n) => {
            n.as_map().is_some_and(<[_]>::is_empty) || n.as_seq().is_some_and(<[_]>::is_empty)
        }
    };
    selector.as_map().is_some() && empty("matchLabels") && empty("matchExpressions")
}

impl Rule for SelectorEmpty {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let o = &w.object;
            if !(is_apps_workload(o.kind) || manual_selector(w)) {
                continue;
            }
            let Some(selector) = w.selector else { continue };
            if !has_no_requirements(selector) {
                continue;
            }
            let at = selector_key(w).map_or(selector.span, |k| k.span);
            out.push(
                Finding::new(
                    &META,
                    o.file,
                    at,
                    format!(
                        "{}: spec.selector is empty and would select every pod in the namespace",
                        o.display_name()
                    ),
                )
                .help("select the pod template's identifying labels with matchLabels"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    fn empty(yaml: &str) -> bool {
        let src = Source::new("t.yaml", yaml);
        let docs = load_stream(&src, Limits::default()).unwrap_or_default();
        docs.first().is_some_and(has_no_requirements)
    }

    #[test]
    fn requirements() {
        assert!(empty("{}"));
        assert!(empty("matchLabels: {}"));
        assert!(empty("matchLabels:\nmatchExpressions: []"));
        assert!(!empty("matchLabels: {app: x}"));
        assert!(!empty("matchExpressions: [{key: app, operator: Exists}]"));
        assert!(!empty("matchLabels: oops"));
    }
}
