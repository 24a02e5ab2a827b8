use super::container_name;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct PortNameInvalid;

static META: RuleMeta = RuleMeta {
    id: "port-name-invalid",
    severity: Severity::Error,
    summary: "container port name is not a valid IANA service name",
    explain: "\
## What it does
Checks `ports[].name` of every container against the IANA service name
syntax Kubernetes enforces: at most 15 characters, only lowercase letters,
digits and `-`, at least one letter, no leading, trailing or doubled `-`.

## Why is this bad?
The API server rejects the pod (`must be no more than 15 characters`,
`must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`).
Names like `http_metrics` or `prometheus-metrics` (18 characters) are common
mistakes.

## Example
```yaml
ports:
  - name: http_metrics
    containerPort: 9100
  - name: prometheus-metrics
    containerPort: 8080
```

## Use instead
```yaml
ports:
  - name: http-metrics
    containerPort: 9100
  - name: prom-metrics
    containerPort: 8080
```

## References
- https://www.rfc-editor.org/rfc/rfc6335#section-5.1
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
",
};

/// Why `name` is not an IANA service name (RFC 6335 5.1), if it is not.
pub(crate) fn iana_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if name.len() > 15 {
        return Some("is longer than 15 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("may contain only lowercase letters, digits and '-'");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("must contain at least one letter");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("must not begin or end with '-'");
    }
    if name.contains("--") {
        return Some("must not contain '--'");
    }
    None
}

/// The `ports` entries of a container.
pub(crate) fn ports(c: &Node) -> &[Node] {
    c.get("ports").and_then(Node::as_seq).unwrap_or(&[])
}

impl Rule for PortNameInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (_, c) in w.containers() {
                for p in ports(c) {
                    let Some(n) = p.get("name") else { continue };
                    let Some(name) = n.as_str() else { continue };
                    let Some(problem) = iana_problem(name) else {
                        continue;
                    };
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            n.span,
                            format!(
                                "{}: container \"{}\" port name {name:?} {problem}",
                                w.object.display_name(),
                                container_name(c)
                            ),
                        )
                        .help("use at most 15 lowercase letters, digits and single '-', e.g. `http-metrics`"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::iana_problem;

    #[test]
    fn valid_names() {
        for n in [
            "http",
            "metrics",
            "http-metrics",
            "dns-tcp",
            "p9100",
            "a",
            "abcdefghijklmno",
        ] {
            assert_eq!(iana_problem(n), None, "{n}");
        }
    }

    #[test]
    fn invalid_names() {
        for n in [
            "",
            "abcdefghijklmnop",
            "http_metrics",
            "HTTP",
            "9100",
            "-http",
            "http-",
            "http--metrics",
            "prometheus-metrics",
            "métrics",
        ] {
            assert!(iana_problem(n).is_some(), "{n}");
        }
    }
}
