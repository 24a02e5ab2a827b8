use crate::lint::rules::pods::{container_name, is_true, is_windows, ports};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct PrivilegedPort;

static META: RuleMeta = RuleMeta {
    id: "privileged-port",
    severity: Severity::Info,
    summary: "container port or hostPort below 1024",
    explain: "\
## What it does
Notes container ports below 1024: a `hostPort`, a `containerPort` of a
`hostNetwork: true` pod (a port on the node itself), and a `containerPort`
on the pod network unless the pod lowers
`net.ipv4.ip_unprivileged_port_start` to it with a sysctl. Windows pods are
skipped.

It is a note (`info`), not a warning: some agents bind a privileged port on
purpose (a node-local DNS cache on 53), and an `ignore.kdm.dev/privileged-port`
annotation records that.

## Why is this bad?
Binding a port below 1024 takes root or `NET_BIND_SERVICE`, so an agent
with such a port cannot run as non-root with `drop: [ALL]`, unless the
container runtime sets `ip_unprivileged_port_start` to 0 in the pod's network
namespace, which not every runtime does. On the node's network (hostNetwork
or hostPort) the port also competes with the node's own services (sshd,
systemd-resolved on 53, an ingress on 80 and 443), and the pod fails to
start wherever the port is taken.

## Example
```yaml
ports:
  - name: http
    containerPort: 80
```

## Use instead
```yaml
ports:
  - name: http
    containerPort: 8080
```
and map 80 to it in a Service (`port: 80`, `targetPort: http`) where clients
need 80.

## References
- https://man7.org/linux/man-pages/man7/capabilities.7.html
- https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
",
};

fn number(n: Option<&Node>) -> Option<i64> {
    match n?.resolve()? {
        Resolved::Int(p) => Some(p),
        _ => None,
    }
}

/// The pod's `net.ipv4.ip_unprivileged_port_start` sysctl, if it sets one.
fn unprivileged_port_start(spec: &Node) -> Option<i64> {
    let sysctls = spec.get("securityContext")?.get("sysctls")?.as_seq()?;
    sysctls.iter().find_map(|s| {
        let name = s.get("name")?.as_str()?;
        matches!(
            name,
            "net.ipv4.ip_unprivileged_port_start" | "net/ipv4/ip_unprivileged_port_start"
        )
        .then(|| s.get("value")?.as_str()?.trim().parse().ok())?
    })
}

impl Rule for PrivilegedPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let Some(spec) = w.pod_spec else { continue };
            if is_windows(w) {
                continue;
            }
            let host_network = is_true(spec.get("hostNetwork"));
            let start = unprivileged_port_start(spec).unwrap_or(1024);
            for (_, c) in w.containers() {
                for p in ports(c) {
                    let host = number(p.get("hostPort")).filter(|&h| h > 0);
                    let (node, place) = match (host, number(p.get("containerPort"))) {
                        (Some(h), _) if h < 1024 => (p.get("hostPort"), format!("hostPort {h}")),
                        (Some(_), _) => continue,
                        (None, Some(n)) if n > 0 && n < 1024 && host_network => (
                            p.get("containerPort"),
                            format!("port {n} on the node's network"),
                        ),
                        (None, Some(n)) if n > 0 && n < start.min(1024) => {
                            (p.get("containerPort"), format!("containerPort {n}"))
                        }
                        _ => continue,
                    };
                    let Some(node) = node else { continue };
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            node.span,
                            format!(
                                "{}: container \"{}\" uses privileged {place}",
                                w.object.display_name(),
                                container_name(c)
                            ),
                        )
                        .help("listen on a port from 1024 up (a Service can still expose it as the low port), or keep it and grant only NET_BIND_SERVICE"),
                    );
                }
            }
        }
    }
}
