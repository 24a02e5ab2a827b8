use super::{label_maps, requirements};
use crate::k8s::names::label_value_errors;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct LabelValueInvalid;

static META: RuleMeta = RuleMeta {
    id: "label-value-invalid",
    severity: Severity::Error,
    summary: "label value is not a valid label value or not a string",
    explain: "\
## What it does
Checks label values in `metadata.labels`, pod and job template labels,
label selectors (`matchLabels` values and `matchExpressions` values),
Service selectors and pod `nodeSelector`s: a value is empty or at most 63
characters of alphanumerics, `-`, `_` and `.`, starting and ending with an
alphanumeric. It also flags values that YAML reads as something other than
a string: `version: 1.0` is a float, `enabled: true` a boolean,
`tier: 1` an integer. A null value is read as the empty string and is
accepted.

## Why is this bad?
The API server rejects invalid values (`metadata.labels: Invalid value:
\"v1.0-\": a valid label must be an empty string or consist of ...`), and
`kubectl` refuses non-string values before sending anything (`cannot
unmarshal number into Go struct field ObjectMeta.metadata.labels of type
string`). Versions and image tags are the usual culprits: `1.0` becomes
`1`, and tags like `v1.2.3+build` contain `+`.

## Example
```yaml
metadata:
  labels:
    app.kubernetes.io/version: 1.0
    app.kubernetes.io/part-of: monitoring stack
```

## Use instead
```yaml
metadata:
  labels:
    app.kubernetes.io/version: \"1.0\"
    app.kubernetes.io/part-of: monitoring-stack
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
",
};

/// The problem with a label value node, as (message, help).
fn value_problem(v: &Node) -> Option<(String, String)> {
    match v.resolve() {
        None => Some((
            format!(
                "label value is {}, not a string",
                with_article(v.type_name())
            ),
            "a label value is a single string".to_string(),
        )),
        Some(Resolved::Null) => None,
        Some(Resolved::Str) => {
            let text = v.as_str().unwrap_or("");
            let errs = label_value_errors(text);
            (!errs.is_empty()).then(|| {
                (
                    format!("invalid label value \"{}\"", text.escape_debug()),
                    errs.join("; "),
                )
            })
        }
        Some(_) => {
            let text = v.as_str().unwrap_or("");
            Some((
                format!(
                    "label value {text} is {} in YAML, not a string",
                    with_article(v.type_name())
                ),
                format!("quote it: \"{}\"", text.escape_debug()),
            ))
        }
    }
}

fn with_article(type_name: &str) -> String {
    match type_name.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

impl Rule for LabelValueInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in label_maps(ctx) {
            for (k, v) in m.node.as_map().unwrap_or(&[]) {
                let Some((msg, help)) = value_problem(v) else {
                    continue;
                };
                // An empty plain scalar has an empty span; fall back to the key.
                let at = if v.span.is_empty() { k.span } else { v.span };
                out.push(
                    Finding::new(
                        &META,
                        m.owner.file,
                        at,
                        format!("{}: {} in {}", m.owner.display_name(), msg, m.what),
                    )
                    .help(help),
                );
            }
        }
        for r in requirements(ctx) {
            let values = r.node.get("values").and_then(Node::as_seq).unwrap_or(&[]);
            for (i, v) in values.iter().enumerate() {
                let Some((msg, help)) = value_problem(v) else {
                    continue;
                };
                out.push(
                    Finding::new(
                        &META,
                        r.owner.file,
                        v.span,
                        format!(
                            "{}: {} in {}.values[{i}]",
                            r.owner.display_name(),
                            msg,
                            r.what
                        ),
                    )
                    .help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    fn problem(yaml: &str) -> Option<String> {
        let src = Source::new("t.yaml", format!("v: {yaml}"));
        let docs = load_stream(&src, Limits::default()).unwrap_or_default();
        let v = docs.first().and_then(|d| d.get("v"))?;
        value_problem(v).map(|(m, _)| m)
    }

    #[test]
    fn yaml_types() {
        assert!(problem("1.0").is_some_and(|m| m.contains("float")));
        assert!(problem("true").is_some_and(|m| m.contains("bool")));
        assert!(problem("yes").is_some_and(|m| m.contains("bool")));
        assert!(problem("8080").is_some_and(|m| m.contains("int")));
        assert!(problem("[a]").is_some_and(|m| m.contains("sequence")));
        assert_eq!(problem("\"1.0\""), None);
        assert_eq!(problem("'true'"), None);
        assert_eq!(problem("!!str 1"), None);
        assert_eq!(problem("v1.0"), None);
        assert_eq!(problem("~"), None);
        assert_eq!(problem("\"\""), None);
        assert!(problem("\"v1.0-\"").is_some());
    }
}
