use super::container_name;
use super::port_name_invalid::ports;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct ProbePortUndeclared;

static META: RuleMeta = RuleMeta {
    id: "probe-port-undeclared",
    severity: Severity::Error,
    summary: "a probe names a port its container does not declare",
    explain: "\
## What it does
Flags an `httpGet` or `tcpSocket` probe (liveness, readiness or startup)
whose `port` is a name that none of the container's own `ports` carries.
Probes by number are not checked: a container may listen on ports it does
not declare.

## Why is this bad?
The kubelet looks a probe's named port up in the container's `ports`
only. When the name is missing (the port was renamed, or removed with
`port: null` in a chart's values) the probe fails on every pod: readiness
never passes, and a liveness probe restarts the container in a loop. The
API server accepts the pod, so nothing warns before rollout.

## Example
```yaml
containers:
  - name: agent
    ports:
      - {name: http-metrics, containerPort: 9100}
    livenessProbe:
      httpGet: {path: /, port: metrics}
```

## Use instead
```yaml
containers:
  - name: agent
    ports:
      - {name: http-metrics, containerPort: 9100}
    livenessProbe:
      httpGet: {path: /, port: http-metrics}
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port
",
};

impl Rule for ProbePortUndeclared {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (_, c) in w.containers() {
                let declared: Vec<&str> = ports(c)
                    .iter()
                    .filter_map(|p| p.get("name").and_then(Node::as_str))
                    .collect();
                for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                    let Some(p) = c.get(probe) else { continue };
                    for handler in ["httpGet", "tcpSocket"] {
                        let Some(port) = p.get(handler).and_then(|h| h.get("port")) else {
                            continue;
                        };
                        if !matches!(port.resolve(), Some(Resolved::Str)) {
                            continue;
                        }
                        let Some(name) = port.as_str() else { continue };
                        if declared.contains(&name) {
                            continue;
                        }
                        let cname = container_name(c);
                        let help = match declared.as_slice() {
                            [] => format!(
                                "container \"{cname}\" declares no ports: declare {name:?} under `ports`, probe a port number, or use an exec probe"
                            ),
                            names => format!(
                                "the container's ports are named {}; name one of them, or declare {name:?}",
                                names.join(", ")
                            ),
                        };
                        out.push(
                            Finding::new(
                                &META,
                                w.object.file,
                                port.span,
                                format!(
                                    "{}: {probe} of container \"{cname}\" names port {name:?}, which the container does not declare",
                                    w.object.display_name()
                                ),
                            )
                            .help(help),
                        );
                    }
                }
            }
        }
    }
}
