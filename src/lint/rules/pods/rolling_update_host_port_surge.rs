use super::port_name_invalid::ports;
use super::{container_name, is_true};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct RollingUpdateHostPortSurge;

static META: RuleMeta = RuleMeta {
    id: "rolling-update-host-port-surge",
    severity: Severity::Error,
    summary: "DaemonSet surges (maxSurge > 0) while its pods bind a host port",
    explain: "\
## What it does
Flags a DaemonSet whose rolling update has a `maxSurge` above 0 (a number,
or any percentage above `0%`, which rounds up to one pod) while its pods
declare a port on the node: a non-zero `hostPort`, or any `containerPort`
of a `hostNetwork: true` pod (the API server sets its `hostPort`).

## Why is this bad?
With a surge, the controller starts the new pod on a node before it deletes
the old one. Both want the same host port, so the scheduler finds no node
with the port free (`didn't have free ports for the requested pod ports`):
the new pod stays Pending, the old one is never replaced, and the rollout
is stuck on the first node (kubernetes/kubernetes#106417). The API server
accepts the combination.

## Example
```yaml
spec:
  updateStrategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    spec:
      hostNetwork: true
      containers:
        - name: agent
          ports:
            - {name: metrics, containerPort: 9100}
```

## Use instead
```yaml
spec:
  updateStrategy:
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 1
```

## References
- https://github.com/kubernetes/kubernetes/issues/106417
- https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
",
};

/// Whether `maxSurge` lets a second pod start on a node.
fn surges(v: &Node) -> bool {
    match v.resolve() {
        Some(Resolved::Int(n)) => n > 0,
        Some(Resolved::UInt(_)) => true,
        Some(Resolved::Str) => v
            .as_str()
            .and_then(|s| s.trim().strip_suffix('%'))
            .and_then(|p| p.trim().parse::<u64>().ok())
            .is_some_and(|p| p > 0),
        _ => false,
    }
}

fn non_zero(n: Option<&Node>) -> bool {
    matches!(n.and_then(Node::resolve), Some(Resolved::Int(p)) if p != 0)
}

impl Rule for RollingUpdateHostPortSurge {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if w.object.kind != "DaemonSet" {
                continue;
            }
            let Some(strategy) = w.workload_spec.and_then(|s| s.get("updateStrategy")) else {
                continue;
            };
            if strategy.get("type").and_then(Node::as_str) == Some("OnDelete") {
                continue;
            }
            let Some(surge) = strategy
                .get("rollingUpdate")
                .and_then(|r| r.get("maxSurge"))
                .filter(|m| surges(m))
            else {
                continue;
            };
            let host_network = is_true(w.pod_spec.and_then(|s| s.get("hostNetwork")));
            let bound = w.containers().into_iter().find_map(|(_, c)| {
                ports(c).iter().find_map(|p| {
                    if non_zero(p.get("hostPort")) {
                        let port = p.get("hostPort")?;
                        Some((c, port, format!("hostPort {}", port.as_str().unwrap_or(""))))
                    } else if host_network && non_zero(p.get("containerPort")) {
                        let port = p.get("containerPort")?;
                        let number = port.as_str().unwrap_or("");
                        Some((c, port, format!("port {number} on the host network")))
                    } else {
                        None
                    }
                })
            });
            let Some((c, port, how)) = bound else {
                continue;
            };
            out.push(
                Finding::new(
                    &META,
                    w.object.file,
                    surge.span,
                    format!(
                        "{}: maxSurge {} starts a second pod on a node while container \"{}\" holds {how}: the new pod cannot be scheduled and the rollout stops",
                        w.object.display_name(),
                        surge.as_str().unwrap_or(""),
                        container_name(c)
                    ),
                )
                .related(w.object.file, port.span, "host port")
                .help("set `maxSurge: 0` and let `maxUnavailable` (1 or a small percentage) pace the rollout"),
            );
        }
    }
}
