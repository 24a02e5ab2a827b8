use super::annotation_maps;
use crate::k8s::names::qualified_name_errors;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct AnnotationKeyInvalid;

static META: RuleMeta = RuleMeta {
    id: "annotation-key-invalid",
    severity: Severity::Error,
    summary: "annotation key is not a valid qualified name",
    explain: "\
## What it does
Checks the keys of `metadata.annotations` and of pod and job template
annotations. The rule is the label key rule (an optional DNS subdomain
prefix and `/`, then a name of at most 63 alphanumerics, `-`, `_`, `.`,
starting and ending with an alphanumeric), except that case does not
matter: the API server lowercases annotation keys before checking.

## Why is this bad?
The API server rejects the object: `metadata.annotations: Invalid value:
\"prometheus.io/scrape port\": name part must consist of ...`. Long
human-readable keys and copy-pasted URLs (`https://example.com/owner`) are
common causes.

## Example
```yaml
metadata:
  annotations:
    description of the agent: collects node metrics
    https://example.com/owner: team-observability
```

## Use instead
```yaml
metadata:
  annotations:
    description: collects node metrics
    example.com/owner: team-observability
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set
",
};

impl Rule for AnnotationKeyInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in annotation_maps(ctx) {
            for (k, _) in m.node.as_map().unwrap_or(&[]) {
                let Some(text) = k.as_str() else { continue };
                let errs = qualified_name_errors(&text.to_lowercase());
                if errs.is_empty() {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        m.owner.file,
                        k.span,
                        format!("{}: invalid key in {}", m.owner.display_name(), m.what),
                    )
                    .help(format!(
                        "\"{}\": {}",
                        text.escape_debug(),
                        errs.join("; ")
                    )),
                );
            }
        }
    }
}
