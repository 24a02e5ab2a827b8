use crate::k8s::deprecations::{self, Status};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ApiVersionDeprecated;

static META: RuleMeta = RuleMeta {
    id: "api-version-deprecated",
    severity: Severity::Warning,
    summary: "apiVersion is deprecated in the Kubernetes version linted for (still served)",
    explain: "\
## What it does
Flags objects whose `apiVersion` the Kubernetes version given by
`--kubernetes-version` still serves but has deprecated, naming the release
that removes it (as Pluto does, offline and at the line). Versions already
removed are `api-version-removed` errors instead.

## Why is this bad?
The API server answers with a deprecation warning today and refuses the
object after the upgrade that removes the version; moving before the
upgrade is cheaper than during it.

## Example
```yaml
apiVersion: flowcontrol.apiserver.k8s.io/v1beta3   # with --kubernetes-version 1.29
kind: FlowSchema
```

## Use instead
```yaml
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
```

## References
- https://kubernetes.io/docs/reference/using-api/deprecation-guide/
",
};

impl Rule for ApiVersionDeprecated {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(minor) = deprecations::minor_of(&ctx.kubernetes_version) else {
            return;
        };
        for o in &ctx.objects {
            let Some(Status::Deprecated(d)) = deprecations::status(o.api_version, o.kind, minor)
            else {
                continue;
            };
            let span = o.api_version_span();
            let removal = match d.removed_in {
                Some(r) => format!("removed in 1.{r}"),
                None => "not yet scheduled for removal".to_string(),
            };
            out.push(
                Finding::new(
                    &META,
                    o.file,
                    span,
                    format!(
                        "{}: {} {} is deprecated since Kubernetes 1.{} ({removal})",
                        o.display_name(),
                        o.api_version,
                        o.kind,
                        d.deprecated_in
                    ),
                )
                .help(format!("use {}", d.replacement)),
            );
        }
    }
}
