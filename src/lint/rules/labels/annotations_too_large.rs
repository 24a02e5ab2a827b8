use super::annotation_maps;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct AnnotationsTooLarge;

/// `TotalAnnotationSizeLimitB` in the API server's object meta validation.
const LIMIT: usize = 256 * 1024;

static META: RuleMeta = RuleMeta {
    id: "annotations-too-large",
    severity: Severity::Error,
    summary: "annotations exceed the API server's 256 KiB total",
    explain: "\
## What it does
Adds up the bytes of every key and value of an annotation map
(`metadata.annotations`, pod and job template annotations) and flags maps
above 262144 bytes (256 KiB), the API server's limit.

## Why is this bad?
The API server rejects the object: `metadata.annotations: Too long: must
have at most 262144 bytes`. Annotations are not a storage for large
documents (dashboards, full configs, certificates bundles).

Note that client-side `kubectl apply` also stores the whole object in the
`kubectl.kubernetes.io/last-applied-configuration` annotation, so objects
close to this size (large CRDs) fail there too; use
`kubectl apply --server-side` for those.

## Example
```yaml
metadata:
  annotations:
    grafana.example.com/dashboard: |
      { ... 300 KiB of JSON ... }
```

## Use instead
Keep the document in a ConfigMap (up to 1 MiB) and reference it:
```yaml
metadata:
  annotations:
    grafana.example.com/dashboard-configmap: node-exporter-dashboard
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
",
};

impl Rule for AnnotationsTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in annotation_maps(ctx) {
            let entries = m.node.as_map().unwrap_or(&[]);
            let total: usize = entries
                .iter()
                .map(|(k, v)| k.key_string().len() + v.as_str().map_or(0, str::len))
                .sum();
            if total <= LIMIT {
                continue;
            }
            let largest = entries
                .iter()
                .max_by_key(|(k, v)| k.key_string().len() + v.as_str().map_or(0, str::len));
            let mut f = Finding::new(
                &META,
                m.owner.file,
                m.key.span,
                format!(
                    "{}: {} total {total} bytes, above the {LIMIT}-byte limit",
                    m.owner.display_name(),
                    m.what
                ),
            );
            if let Some((k, v)) = largest {
                f = f.help(format!(
                    "the largest is \"{}\" ({} bytes); move large documents to a ConfigMap",
                    k.key_string().escape_debug(),
                    k.key_string().len() + v.as_str().map_or(0, str::len)
                ));
            }
            out.push(f);
        }
    }
}
