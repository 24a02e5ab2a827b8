use super::{clean, container_name, host_path_volumes, is_true, is_windows_path, mounts};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct HostPathSensitive;

static META: RuleMeta = RuleMeta {
    id: "host-path-sensitive",
    severity: Severity::Error,
    summary: "hostPath volume exposes a sensitive host path",
    explain: "\
## What it does
Flags hostPath volumes on host paths that hold node credentials, the
container runtime or the whole filesystem: `/`, `/etc`, `/etc/kubernetes`,
`/root`, `/home`, `/boot`, `/dev`, `/var/lib/kubelet`, `/var/lib/docker`,
`/var/lib/containerd`, any container runtime socket (`docker.sock`,
`containerd.sock`, `crio.sock`, `podman.sock`, `cri-dockerd.sock`), and any
parent directory of these (`/var`, `/var/lib`, `/run`, `/var/run`, ...).

`/proc` and `/sys` are reported only when some container mounts them
writable: node-exporter and similar agents mount them read-only by design,
while a writable host `/proc` or `/sys` lets a container rewrite kernel
settings such as `/proc/sys/kernel/core_pattern`, a known container escape.
Subdirectories such as `/var/lib/kubelet/pods`, `/sys/fs/bpf` or `/etc/cni/net.d`
are not reported here; `host-path-writable` covers writable mounts of them.

## Why is this bad?
A runtime socket gives full control of every container on the node (and so
root on the node), whether or not the mount is read-only. `/`, `/etc`,
`/var/lib/kubelet` and friends contain kubelet credentials, the service
account tokens and secrets of every pod on the node, and SSH keys. One
compromised agent becomes a compromised node and usually cluster.

## Example
```yaml
volumes:
  - name: docker-sock
    hostPath:
      path: /var/run/docker.sock
```

## Use instead
Mount only the narrow path the agent needs, read-only:
```yaml
volumes:
  - name: containers-logs
    hostPath:
      path: /var/log/pods
      type: Directory
```
Where the agent genuinely needs the path (a CSI node plugin and `/dev`,
node-exporter and `/`), keep the mount read-only and record the decision with
an `ignore.kdm.dev/host-path-sensitive: <reason>` annotation.

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
",
};

/// Sensitive paths and why.
const SENSITIVE: &[(&str, &str)] = &[
    ("/", "the whole host filesystem"),
    ("/etc", "host configuration and credentials"),
    ("/etc/kubernetes", "kubeconfigs and cluster PKI"),
    ("/root", "root's home directory and keys"),
    ("/home", "user home directories and keys"),
    ("/boot", "the kernel and boot loader"),
    ("/dev", "every host device"),
    (
        "/var/lib/kubelet",
        "kubelet state, including every pod's secrets",
    ),
    ("/var/lib/docker", "the container runtime's state"),
    ("/var/lib/containerd", "the container runtime's state"),
];

/// Where runtime sockets live, so that parents of these are sensitive too.
const SOCKET_HOMES: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
];

const SOCKET_NAMES: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "podman.sock",
    "cri-dockerd.sock",
];

/// Sensitive only when writable.
const KERNEL: &[&str] = &["/proc", "/sys"];

/// Why `path` (cleaned) is sensitive regardless of read-only mounting.
fn sensitive_reason(path: &str) -> Option<String> {
    if let Some((_, why)) = SENSITIVE.iter().find(|(p, _)| *p == path) {
        return Some((*why).to_string());
    }
    let file = path.rsplit('/').next().unwrap_or("");
    if SOCKET_NAMES.contains(&file) {
        return Some("a container runtime socket: control of every container on the node".into());
    }
    let prefix = format!("{path}/");
    let inner = SENSITIVE
        .iter()
        .map(|(p, _)| *p)
        .chain(SOCKET_HOMES.iter().copied())
        .find(|p| *p != "/" && path != "/" && p.starts_with(&prefix));
    inner.map(|p| format!("a parent of {p}"))
}

impl Rule for HostPathSensitive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let containers = w.containers();
            for v in host_path_volumes(w) {
                if is_windows_path(v.path_str) {
                    continue;
                }
                let path = clean(v.path_str);
                let vol = v.name.unwrap_or("<unnamed>");
                let file = w.object.file;
                if let Some(why) = sensitive_reason(&path) {
                    out.push(
                        Finding::new(
                            &META,
                            file,
                            v.path.span,
                            format!(
                                "{}: hostPath volume \"{vol}\" mounts {path}: {why}",
                                w.object.display_name()
                            ),
                        )
                        .help("mount the narrowest path the agent needs, read-only")
                        .privilege(crate::lint::Privilege::HostPath {
                            writable: containers.iter().any(|(_, c)| {
                                mounts(c, false).into_iter().any(|m| {
                                    v.name.is_some()
                                        && m.get("name").and_then(Node::as_str) == v.name
                                        && !is_true(m.get("readOnly"))
                                })
                            }),
                            path: path.clone(),
                            container: None,
                        }),
                    );
                    continue;
                }
                if !KERNEL.contains(&path.as_str()) {
                    continue;
                }
                let writable: Option<(&str, &Node)> = containers.iter().find_map(|(_, c)| {
                    mounts(c, false)
                        .into_iter()
                        .find(|m| {
                            v.name.is_some()
                                && m.get("name").and_then(Node::as_str) == v.name
                                && !is_true(m.get("readOnly"))
                        })
                        .map(|m| (container_name(c), m))
                });
                if let Some((cname, m)) = writable {
                    out.push(
                        Finding::new(
                            &META,
                            file,
                            v.path.span,
                            format!(
                                "{}: hostPath volume \"{vol}\" mounts host {path} writable in container \"{cname}\"",
                                w.object.display_name()
                            ),
                        )
                        .related(file, m.span, "mounted without readOnly: true")
                        .help(format!("add `readOnly: true` to the mount of {path}"))
                        .privilege(crate::lint::Privilege::HostPath {
                            path: path.clone(),
                            writable: true,
                            container: Some(cname.to_string()),
                        }),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_paths() {
        assert!(sensitive_reason("/").is_some());
        assert!(sensitive_reason("/etc").is_some());
        assert!(sensitive_reason("/var/run").is_some());
        assert!(sensitive_reason("/var/lib").is_some());
        assert!(sensitive_reason("/run/k3s/containerd/containerd.sock").is_some());
        assert!(sensitive_reason("/etc/cni/net.d").is_none());
        assert!(sensitive_reason("/var/lib/kubelet/pods").is_none());
        assert!(sensitive_reason("/proc").is_none());
        assert!(sensitive_reason("/var/log").is_none());
    }
}
