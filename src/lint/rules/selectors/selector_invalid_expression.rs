use super::selector::label_selectors;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Span};

pub struct SelectorInvalidExpression;

static META: RuleMeta = RuleMeta {
    id: "selector-invalid-expression",
    severity: Severity::Error,
    summary: "label selector requirement is rejected by the API server",
    explain: "\
## What it does
Checks each `matchExpressions` requirement of a workload's label selectors
(`spec.selector`, pod (anti-)affinity terms, topology spread constraints)
against the API server's `ValidateLabelSelectorRequirement`:
- `key` must be present and non-empty;
- `operator` must be exactly `In`, `NotIn`, `Exists` or `DoesNotExist`
  (case-sensitive; `Gt`/`Lt` exist only for node affinity);
- `In` and `NotIn` need at least one value;
- `Exists` and `DoesNotExist` must not have values.

Invalid keys and values are reported by `label-key-invalid` and
`label-value-invalid`.

## Why is this bad?
The API server rejects the whole object, e.g.
`spec.selector.matchExpressions[0].values: Required value: must be specified
when operator is 'In' or 'NotIn'`.

## Example
```yaml
selector:
  matchExpressions:
    - key: app.kubernetes.io/name
      operator: in
      values: [node-exporter]
    - key: kubernetes.io/os
      operator: Exists
      values: [linux]
```

## Use instead
```yaml
selector:
  matchExpressions:
    - key: app.kubernetes.io/name
      operator: In
      values: [node-exporter]
    - key: kubernetes.io/os
      operator: In
      values: [linux]
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
",
};

const OPERATORS: [&str; 4] = ["In", "NotIn", "Exists", "DoesNotExist"];

/// A problem with one requirement: where, what, and an optional hint.
type Problem = (Span, String, Option<String>);

/// Problems of one `matchExpressions` entry, as the API server finds them.
fn check_requirement(expr: &Node) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(entries) = expr.as_map() else {
        return out;
    };
    let first_key = entries.first().map_or(expr.span, |(k, _)| k.span);
    match expr.entry("key") {
        None => out.push((first_key, "requirement has no key".to_string(), None)),
        Some((k, v)) if v.as_str().is_none_or(str::is_empty) => {
            out.push((k.span, "requirement key is empty".to_string(), None))
        }
        Some(_) => {}
    }
    let values = expr.entry("values");
    let value_count = match values {
        None => Some(0),
        Some((_, v)) if v.is_null() => Some(0),
        Some((_, v)) => v.as_seq().map(<[_]>::len),
    };
    let Some((op_key, op)) = expr.entry("operator") else {
        out.push((
            first_key,
            "requirement has no operator".to_string(),
            Some(format!("use one of {}", OPERATORS.join(", "))),
        ));
        return out;
    };
    let op_text = op.as_str().unwrap_or("");
    let op_at = if op.span.is_empty() {
        op_key.span
    } else {
        op.span
    };
    match op_text {
        "In" | "NotIn" => {
            if value_count == Some(0) {
                let at = values.map_or(op_at, |(k, _)| k.span);
                out.push((
                    at,
                    format!("operator {op_text} requires at least one value"),
                    Some("list the values, or use Exists / DoesNotExist".to_string()),
                ));
            }
        }
        "Exists" | "DoesNotExist" => {
            if value_count.is_some_and(|n| n > 0) {
                if let Some((k, _)) = values {
                    out.push((
                        k.span,
                        format!("operator {op_text} must not have values"),
                        Some("remove values, or use In / NotIn to match them".to_string()),
                    ));
                }
            }
        }
        _ => {
            let hint =
                if let Some(right) = OPERATORS.iter().find(|o| o.eq_ignore_ascii_case(op_text)) {
                    format!("operators are case-sensitive: use {right}")
                } else if matches!(op_text, "Gt" | "Lt") {
                    "Gt and Lt exist only in node affinity (nodeSelectorTerms); label \
                 selectors support In, NotIn, Exists, DoesNotExist"
                        .to_string()
                } else {
                    format!("use one of {}", OPERATORS.join(", "))
                };
            out.push((
                op_at,
                format!("`{op_text}` is not a valid label selector operator"),
                Some(hint),
            ));
        }
    }
    out
}

impl Rule for SelectorInvalidExpression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (what, selector) in label_selectors(w) {
                let exprs = selector
                    .get("matchExpressions")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]);
                for (i, expr) in exprs.iter().enumerate() {
                    for (span, msg, help) in check_requirement(expr) {
                        let mut f = Finding::new(
                            &META,
                            w.object.file,
                            span,
                            format!(
                                "{}: {what} matchExpressions[{i}]: {msg}",
                                w.object.display_name()
                            ),
                        );
                        if let Some(h) = help {
                            f = f.help(h);
                        }
                        out.push(f);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    fn problems(yaml: &str) -> Vec<String> {
        let src = Source::new("t.yaml", yaml);
        let docs = load_stream(&src, Limits::default()).unwrap_or_default();
        docs.first()
            .map(check_requirement)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, m, _)| m)
            .collect()
    }

    #[test]
    fn api_server_rules() {
        assert!(problems("{key: a, operator: In, values: [x]}").is_empty());
        assert!(problems("{key: a, operator: NotIn, values: ['']}").is_empty());
        assert!(problems("{key: a, operator: Exists}").is_empty());
        assert!(problems("{key: a, operator: DoesNotExist, values: []}").is_empty());
        assert_eq!(problems("{key: a, operator: In}").len(), 1);
        assert_eq!(problems("{key: a, operator: NotIn, values: []}").len(), 1);
        assert_eq!(problems("{key: a, operator: Exists, values: [x]}").len(), 1);
        assert_eq!(problems("{key: a, operator: in, values: [x]}").len(), 1);
        assert_eq!(problems("{key: a, operator: Gt, values: ['1']}").len(), 1);
        assert_eq!(problems("{key: a}").len(), 1);
        assert_eq!(problems("{operator: Exists}").len(), 1);
        assert_eq!(problems("{key: '', operator: Exists}").len(), 1);
        assert_eq!(problems("{operator: In}").len(), 2);
    }
}
