use super::{label_maps, requirements};
use crate::k8s::names::qualified_name_errors;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct LabelKeyInvalid;

static META: RuleMeta = RuleMeta {
    id: "label-key-invalid",
    severity: Severity::Error,
    summary: "label key is not a valid qualified name",
    explain: "\
## What it does
Checks label keys in `metadata.labels`, pod and job template labels,
label selectors (`matchLabels` keys and `matchExpressions` keys), Service
selectors and pod `nodeSelector`s against Kubernetes' rule: an optional
prefix and `/`, then a name.
- The prefix is a DNS subdomain: at most 253 characters, lowercase
  alphanumerics, `-` and `.`, each dot-separated part starting and ending
  with an alphanumeric.
- The name is 1 to 63 characters of alphanumerics, `-`, `_` and `.`,
  starting and ending with an alphanumeric.

## Why is this bad?
The API server rejects the object: `metadata.labels: Invalid value:
\"Example.com/app\": prefix part a lowercase RFC 1123 subdomain must
consist of ...`.

## Example
```yaml
metadata:
  labels:
    Example.com/component: agent
    app.kubernetes.io/: node-exporter
    k8s-app-: fluentd
```

## Use instead
```yaml
metadata:
  labels:
    example.com/component: agent
    app.kubernetes.io/name: node-exporter
    k8s-app: fluentd
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
",
};

fn finding(file: usize, key: &Node, text: &str, msg: String, errs: &[String]) -> Finding {
    Finding::new(&META, file, key.span, msg).help(format!(
        "\"{}\": {}",
        text.escape_debug(),
        errs.join("; ")
    ))
}

impl Rule for LabelKeyInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in label_maps(ctx) {
            for (k, _) in m.node.as_map().unwrap_or(&[]) {
                let Some(text) = k.as_str() else { continue };
                let errs = qualified_name_errors(text);
                if errs.is_empty() {
                    continue;
                }
                let msg = format!("{}: invalid key in {}", m.owner.display_name(), m.what);
                out.push(finding(m.owner.file, k, text, msg, &errs));
            }
        }
        for r in requirements(ctx) {
            let Some(k) = r.node.get("key") else { continue };
            // A missing or empty key is selector-invalid-expression's finding.
            let Some(text) = k.as_str().filter(|t| !t.is_empty()) else {
                continue;
            };
            let errs = qualified_name_errors(text);
            if errs.is_empty() {
                continue;
            }
            let msg = format!("{}: invalid key in {}", r.owner.display_name(), r.what);
            out.push(finding(r.owner.file, k, text, msg, &errs));
        }
    }
}
