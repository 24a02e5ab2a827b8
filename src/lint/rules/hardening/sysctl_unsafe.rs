use crate::k8s::deprecations::minor_of;
use crate::lint::rules::pods::{is_true, is_windows};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct SysctlUnsafe;

static META: RuleMeta = RuleMeta {
    id: "sysctl-unsafe",
    severity: Severity::Warning,
    summary: "pod sets a sysctl outside the kubelet's safe set, or one its host namespaces forbid",
    explain: "\
## What it does
Flags `spec.securityContext.sysctls` entries whose name is not in the
kubelet's safe set for the `--kubernetes-version` linted against, and
`net.*` sysctls on a `hostNetwork` pod or IPC sysctls (`kernel.shm*`,
`kernel.msg*`, `kernel.sem`, `fs.mqueue.*`) on a `hostIPC` pod. Names written
with slashes (`net/ipv4/tcp_syncookies`) are read as the kubelet reads them.

The safe set: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
`net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
`net.ipv4.ip_unprivileged_port_start`; since 1.27
`net.ipv4.ip_local_reserved_ports`; since 1.29 `net.ipv4.tcp_keepalive_time`,
`net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`,
`net.ipv4.tcp_keepalive_probes`; since 1.32 `net.ipv4.tcp_rmem`,
`net.ipv4.tcp_wmem`.

## Why is this bad?
A sysctl outside the safe set is either not namespaced (it changes the whole
node, for every pod) or can starve other pods; the kubelet refuses such a pod
(`SysctlForbidden`) unless every node's kubelet lists it in
`--allowed-unsafe-sysctls`, and the Pod Security Standards' baseline level
rejects it. A DaemonSet whose pods are refused runs on no node. A pod sharing
the host's network (or IPC) namespace would set the host's value, so the
kubelet refuses even safe sysctls of that namespace there.

## Example
```yaml
spec:
  hostNetwork: true
  securityContext:
    sysctls:
      - {name: net.core.somaxconn, value: \"4096\"}
```

## Use instead
Set node-wide kernel parameters on the node (its image, or a privileged
init container that writes them once, recorded with an
`ignore.kdm.dev/sysctl-unsafe: <reason>` annotation), and keep pod sysctls to
the safe set on pods with their own network namespace:
```yaml
spec:
  securityContext:
    sysctls:
      - {name: net.ipv4.ip_local_port_range, value: \"1024 65000\"}
```

## References
- https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
- https://kubernetes.io/docs/reference/node/kernel-version-requirements/#pod-sysctls
",
};

/// The kubelet's safe sysctls and the Kubernetes minor version that added
/// each (`pkg/kubelet/sysctl/safe_sysctls.go`).
const SAFE: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
];

/// A sysctl name with dots as separators: the kubelet swaps `.` and `/`
/// when the first separator is a slash (`net/ipv4/conf/eth0.100/...`).
fn dotted(name: &str) -> String {
    match name.find(['.', '/']) {
        Some(i) if name.as_bytes()[i] == b'/' => name
            .chars()
            .map(|c| match c {
                '/' => '.',
                '.' => '/',
                c => c,
            })
            .collect(),
        _ => name.to_string(),
    }
}

/// The host namespace that forbids a sysctl, as the kubelet groups them.
fn host_namespace(name: &str) -> Option<&'static str> {
    if name.starts_with("net.") {
        Some("hostNetwork")
    } else if name.starts_with("kernel.shm")
        || name.starts_with("kernel.msg")
        || name == "kernel.sem"
        || name.starts_with("fs.mqueue.")
    {
        Some("hostIPC")
    } else {
        None
    }
}

/// Why a sysctl is unsafe at Kubernetes minor `minor`, if it is.
fn unsafe_reason(name: &str, minor: u32) -> Option<String> {
    match SAFE.iter().find(|(n, _)| *n == name) {
        Some((_, since)) if *since > minor => Some(format!(
            "is in the kubelet's safe set only from Kubernetes 1.{since} (linting for 1.{minor})"
        )),
        Some(_) => None,
        None => Some("is not in the kubelet's safe set".to_string()),
    }
}

impl Rule for SysctlUnsafe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let minor = minor_of(&ctx.kubernetes_version).unwrap_or(u32::MAX);
        for w in &ctx.workloads {
            let Some(spec) = w.pod_spec else { continue };
            if is_windows(w) {
                continue;
            }
            let sysctls = spec
                .get("securityContext")
                .and_then(|s| s.get("sysctls"))
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            for s in sysctls {
                let Some(name_node) = s.get("name") else {
                    continue;
                };
                let Some(raw) = name_node.as_str() else {
                    continue;
                };
                if raw.contains("{{") {
                    continue;
                }
                let name = dotted(raw.trim());
                let shared = host_namespace(&name).filter(|ns| is_true(spec.get(ns)));
                let (message, help) = if let Some(ns) = shared {
                    (
                        format!("sysctl {raw} on a pod with `{ns}: true`: the kubelet refuses the pod, since it would set the host's value"),
                        format!("set it on the node, or drop `{ns}` if the pod can have its own namespace"),
                    )
                } else if let Some(why) = unsafe_reason(&name, minor) {
                    (
                        format!("sysctl {raw} {why}: the kubelet refuses the pod (SysctlForbidden) unless every node allows it with --allowed-unsafe-sysctls"),
                        "set node-wide kernel parameters on the node itself; keep pod sysctls to the safe set".to_string(),
                    )
                } else {
                    continue;
                };
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        name_node.span,
                        format!("{}: {message}", w.object.display_name()),
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

    #[test]
    fn slashes_are_read_as_the_kubelet_reads_them() {
        assert_eq!(dotted("net/ipv4/tcp_syncookies"), "net.ipv4.tcp_syncookies");
        assert_eq!(
            dotted("net/ipv4/conf/eth0.100/forwarding"),
            "net.ipv4.conf.eth0/100.forwarding"
        );
        assert_eq!(dotted("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
    }

    #[test]
    fn the_safe_set_follows_the_version() {
        assert!(unsafe_reason("net.ipv4.tcp_rmem", 31).is_some());
        assert!(unsafe_reason("net.ipv4.tcp_rmem", 32).is_none());
        assert!(unsafe_reason("net.ipv4.tcp_keepalive_time", 29).is_none());
        assert!(unsafe_reason("kernel.shm_rmid_forced", 27).is_none());
        assert!(unsafe_reason("net.core.somaxconn", 37).is_some());
        assert_eq!(host_namespace("kernel.shmmax"), Some("hostIPC"));
        assert_eq!(host_namespace("vm.max_map_count"), None);
    }
}
