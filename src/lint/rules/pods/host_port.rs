use super::port_name_invalid::ports;
use super::{container_name, is_true};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Resolved;

pub struct HostPort;

static META: RuleMeta = RuleMeta {
    id: "host-port",
    severity: Severity::Warning,
    summary: "container port sets hostPort",
    explain: "\
## What it does
Flags container ports with a non-zero `hostPort`. Pods with
`hostNetwork: true` are skipped: there the port is on the host anyway and the
API server fills `hostPort` in (`host-namespaces` reports `hostNetwork`).

## Why is this bad?
A hostPort exposes the agent on every node's IP, outside NetworkPolicy and
often outside the firewall rules meant for the pod network, and two pods
wanting the same hostPort cannot share a node, which blocks rolling updates
with `maxSurge`. Prometheus can scrape the pod IP instead.

## Example
```yaml
ports:
  - name: metrics
    containerPort: 9100
    hostPort: 9100
```

## Use instead
```yaml
ports:
  - name: metrics
    containerPort: 9100
```
and scrape the pod IP (a PodMonitor or `kubernetes_sd_configs` role `pod`).

## References
- https://kubernetes.io/docs/concepts/configuration/overview/#services
",
};

impl Rule for HostPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if is_true(w.pod_spec.and_then(|s| s.get("hostNetwork"))) {
                continue;
            }
            for (_, c) in w.containers() {
                for p in ports(c) {
                    let Some(h) = p.get("hostPort") else { continue };
                    if matches!(h.resolve(), Some(Resolved::Int(0)) | Some(Resolved::Null)) {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            h.span,
                            format!(
                                "{}: container \"{}\" binds hostPort {}",
                                w.object.display_name(),
                                container_name(c),
                                h.as_str().unwrap_or("")
                            ),
                        )
                        .help("drop hostPort and reach the pod through its IP or a Service"),
                    );
                }
            }
        }
    }
}
