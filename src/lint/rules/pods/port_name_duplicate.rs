use super::container_name;
use super::port_name_invalid::ports;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct PortNameDuplicate;

static META: RuleMeta = RuleMeta {
    id: "port-name-duplicate",
    severity: Severity::Error,
    summary: "two container ports in one pod share a name",
    explain: "\
## What it does
Flags a container port whose `name` was already used by an earlier port of
the same pod (in the same or another container, init containers included).

## Why is this bad?
Within one container the API server rejects the pod (`Duplicate value`).
Across containers the pod is accepted, but a Service `targetPort` naming it
silently picks whichever container comes first; duplicates across containers
are therefore reported only when a Service in the input targets that name
(CSI sidecars each exposing `healthz` are fine).

## Example
```yaml
containers:
  - name: agent
    ports:
      - {name: metrics, containerPort: 8080}
  - name: kube-rbac-proxy
    ports:
      - {name: metrics, containerPort: 8443}
```

## Use instead
```yaml
containers:
  - name: agent
    ports:
      - {name: metrics-local, containerPort: 8080}
  - name: kube-rbac-proxy
    ports:
      - {name: metrics, containerPort: 8443}
```

## References
- https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
",
};

impl Rule for PortNameDuplicate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        // Port names Services in the input target by name.
        let targeted: Vec<&str> = ctx
            .objects
            .iter()
            .filter(|o| o.kind == "Service")
            .flat_map(|o| {
                o.node
                    .get("spec")
                    .and_then(|s| s.get("ports"))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
            })
            .filter_map(|p| p.get("targetPort").and_then(Node::as_str))
            .collect();
        for w in &ctx.workloads {
            let mut seen: Vec<(&str, &str, &Node)> = Vec::new();
            for (_, c) in w.containers() {
                let cname = container_name(c);
                for p in ports(c) {
                    let Some(n) = p.get("name") else { continue };
                    let Some(name) = n.as_str() else { continue };
                    let Some(&(_, first_c, first)) = seen.iter().find(|(s, _, _)| *s == name)
                    else {
                        seen.push((name, cname, n));
                        continue;
                    };
                    if first_c != cname && !targeted.contains(&name) {
                        continue;
                    }
                    let (message, help) = if first_c == cname {
                        (
                            format!("container \"{cname}\" has two ports named {name:?}"),
                            "rename one of the ports; the API server rejects duplicates",
                        )
                    } else {
                        (
                            format!(
                                "port name {name:?} of container \"{cname}\" is also used by container \"{first_c}\""
                            ),
                            "rename one: a Service targets this port by name and picks the first container",
                        )
                    };
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            n.span,
                            format!("{}: {message}", w.object.display_name()),
                        )
                        .related(w.object.file, first.span, "first used here")
                        .help(help),
                    );
                }
            }
        }
    }
}
