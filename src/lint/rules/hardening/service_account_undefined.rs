use crate::k8s::Object;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ServiceAccountUndefined;

static META: RuleMeta = RuleMeta {
    id: "service-account-undefined",
    severity: Severity::Warning,
    summary: "pod names a ServiceAccount that the input's ServiceAccounts do not include",
    explain: "\
## What it does
When the workload's file defines ServiceAccounts for its namespace (or
without a namespace), flags the workload's `serviceAccountName` (or the
deprecated `serviceAccount`) when no ServiceAccount of the input in that
namespace has that name. `default`, which every namespace has, and
unrendered templates pass; a file without ServiceAccounts is not checked,
since they are then managed elsewhere.

## Why is this bad?
The API server refuses pods whose ServiceAccount does not exist
(`error looking up service account`), so the DaemonSet creates no pod on
any node. It usually means a renamed ServiceAccount (and its RBAC bindings)
or a typo, and it is only noticed after rollout.

## Example
```yaml
kind: ServiceAccount
metadata: {name: fluent-bit, namespace: logging}
---
kind: DaemonSet
metadata: {name: fluent-bit, namespace: logging}
spec:
  template:
    spec:
      serviceAccountName: fluentbit
```

## Use instead
```yaml
      serviceAccountName: fluent-bit
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
",
};

impl Rule for ServiceAccountUndefined {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let accounts: Vec<&Object<'_>> = ctx
            .objects
            .iter()
            .filter(|o| o.kind == "ServiceAccount" && o.api_version == "v1")
            .collect();
        if accounts.is_empty() {
            return;
        }
        for w in &ctx.workloads {
            let Some(spec) = w.pod_spec else { continue };
            let Some(node) = ["serviceAccountName", "serviceAccount"]
                .iter()
                .find_map(|k| spec.get(k).filter(|v| !v.is_null()))
            else {
                continue;
            };
            let Some(name) = node.as_str().map(str::trim) else {
                continue;
            };
            if name.is_empty() || name == "default" || name.contains("{{") {
                continue;
            }
            // Only a file that defines ServiceAccounts for the workload is
            // taken as complete: other files of a run are other bundles.
            let compatible = |sa: &&&Object<'_>| sa.may_share_namespace(&w.object);
            if !accounts
                .iter()
                .filter(compatible)
                .any(|sa| sa.file == w.object.file)
            {
                continue;
            }
            let here: Vec<&str> = accounts
                .iter()
                .filter(compatible)
                .filter_map(|sa| sa.name)
                .collect();
            if here.contains(&name) {
                continue;
            }
            let help = match crate::suggest::closest(name, here.iter().copied()) {
                Some(best) => format!(
                    "{} or define ServiceAccount {name:?}",
                    crate::suggest::did_you_mean(best)
                ),
                None => format!(
                    "define ServiceAccount {name:?} with the workload, or name one of: {}",
                    here.join(", ")
                ),
            };
            out.push(
                Finding::new(
                    &META,
                    w.object.file,
                    node.span,
                    format!(
                        "{}: ServiceAccount {name:?} is not among the input's ServiceAccounts{}, so no pod can be created",
                        w.object.display_name(),
                        w.object
                            .namespace
                            .map(|ns| format!(" in namespace {ns}"))
                            .unwrap_or_default()
                    ),
                )
                .help(help),
            );
        }
    }
}
