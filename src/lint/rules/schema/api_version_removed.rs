use crate::k8s::deprecations::{self, Status};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ApiVersionRemoved;

static META: RuleMeta = RuleMeta {
    id: "api-version-removed",
    severity: Severity::Error,
    summary: "apiVersion was removed from Kubernetes before the version linted for",
    explain: "\
## What it does
Flags objects whose `apiVersion` the Kubernetes version given by
`--kubernetes-version` (or `kubernetes-version` in `.kdm.yaml`) no longer
serves, for every built-in kind the Kubernetes deprecation guide lists
(PodSecurityPolicy, CSIDriver, CustomResourceDefinition, webhooks,
APIService, Ingress, CronJob, PodDisruptionBudget, RBAC, FlowSchema, ...),
with the release that removed it and what to use instead.

## Why is this bad?
`kubectl apply` fails with `no matches for kind ... in version ...`, and a
Helm release or GitOps sync that contains the object stops at it. Old
charts and copied manifests carry these versions for years.

## Example
```yaml
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
```

## Use instead
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
```
(`policy/v1beta1` PodSecurityPolicy has no successor kind: use Pod Security
Admission.)

## References
- https://kubernetes.io/docs/reference/using-api/deprecation-guide/
",
};

impl Rule for ApiVersionRemoved {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(minor) = deprecations::minor_of(&ctx.kubernetes_version) else {
            return;
        };
        for o in &ctx.objects {
            let Some(Status::Removed(d)) = deprecations::status(o.api_version, o.kind, minor)
            else {
                continue;
            };
            let span = o.api_version_span();
            let removed = d.removed_in.unwrap_or(minor);
            out.push(
                Finding::new(
                    &META,
                    o.file,
                    span,
                    format!(
                        "{}: {} {} was removed in Kubernetes 1.{removed} (linting for {})",
                        o.display_name(),
                        o.api_version,
                        o.kind,
                        ctx.kubernetes_version
                    ),
                )
                .help(format!("use {}", d.replacement)),
            );
        }
    }
}
