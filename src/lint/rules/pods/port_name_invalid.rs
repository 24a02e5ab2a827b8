use super::container_name;
use crate::k8s::names::iana_service_name_problem;
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
                    let Some(problem) = iana_service_name_problem(name) else {
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
