use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct ServiceAccountDeprecatedField;

static META: RuleMeta = RuleMeta {
    id: "service-account-deprecated-field",
    severity: Severity::Info,
    summary: "pod spec uses the deprecated serviceAccount field",
    explain: "\
## What it does
Flags `serviceAccount:` in a pod spec, the deprecated alias of
`serviceAccountName`.

## Why is this bad?
The API server copies `serviceAccount` into `serviceAccountName` only when
the latter is empty; when both are set and differ, `serviceAccountName`
wins and `serviceAccount` is silently ignored, so a reader (or a policy
checking the field) can be looking at the wrong account. Tools and policies
written for current Kubernetes read `serviceAccountName` only.

## Example
```yaml
spec:
  serviceAccount: fluentd
```

## Use instead
```yaml
spec:
  serviceAccountName: fluentd
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context
",
};

impl Rule for ServiceAccountDeprecatedField {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let Some(spec) = w.pod_spec else { continue };
            let Some((key, value)) = spec.entry("serviceAccount") else {
                continue;
            };
            let Some(old) = value.as_str() else { continue };
            let current = spec
                .get("serviceAccountName")
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty());
            let (message, help) = match current {
                None => (
                    format!("deprecated `serviceAccount: {old}`"),
                    format!("write `serviceAccountName: {old}`"),
                ),
                Some(name) if name == old => (
                    "`serviceAccount` repeats serviceAccountName".to_string(),
                    "drop `serviceAccount`".to_string(),
                ),
                Some(name) => (
                    format!("`serviceAccount: {old}` is ignored: serviceAccountName {name} wins"),
                    format!("drop `serviceAccount`, and keep whichever of {name} and {old} is meant in serviceAccountName"),
                ),
            };
            out.push(
                Finding::new(
                    &META,
                    w.object.file,
                    key.span,
                    format!("{}: {message}", w.object.display_name()),
                )
                .help(help),
            );
        }
    }
}
