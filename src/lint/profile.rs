//! Node-agent profiles. CSI node plugins, CNI agents and node monitoring
//! (metrics and log) agents need privileges that are errors in any other
//! workload. kdm recognises these agents from their manifests (or reads the
//! profile `.kdm.yaml` declares for a workload) and keeps reporting each
//! privilege, but a privilege the profile needs is lowered to info with a
//! help that says why that kind of agent needs it. A privilege the profile
//! does not need keeps its severity: a CNI agent's writable `/etc` is still
//! an error, and so is a privileged log shipper.
//!
//! ```yaml
//! profiles:
//!   - profile: csi-node          # csi-node | cni | node-monitoring | none
//!     namespace: kube-system     # globs, as exemptions select
//!     name: "ebs-csi-node*"
//!     kind: DaemonSet
//! ```

use std::collections::HashMap;

use super::place::Places;
use super::rules::volumes::{clean, host_path_volumes, is_true, mounts};
use super::suppress::exemption::Pattern;
use super::{Finding, Privilege, Severity};
use crate::decode::Decoder;
use crate::diag::Result;
use crate::k8s::Workload;
use crate::yaml::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    CsiNode,
    Cni,
    NodeMonitoring,
}

impl Profile {
    const ALL: [Profile; 3] = [Profile::CsiNode, Profile::Cni, Profile::NodeMonitoring];

    pub fn id(self) -> &'static str {
        match self {
            Profile::CsiNode => "csi-node",
            Profile::Cni => "cni",
            Profile::NodeMonitoring => "node-monitoring",
        }
    }

    fn described(self) -> &'static str {
        match self {
            Profile::CsiNode => "a CSI node plugin",
            Profile::Cni => "a CNI agent",
            Profile::NodeMonitoring => "a node metrics or log agent",
        }
    }
}

/// A `profiles` entry of `.kdm.yaml`.
#[derive(Debug, Clone)]
pub struct Declared {
    /// `None`: `profile: none`, no profile even where one is recognised.
    pub profile: Option<Profile>,
    pub kind: Option<String>,
    pub namespace: Option<Pattern>,
    pub name: Option<Pattern>,
    /// `file:line:col` of the entry.
    pub at: String,
}

const FIELDS: [&str; 4] = ["profile", "kind", "namespace", "name"];

/// The `profiles` list of a config.
pub fn parse(d: &Decoder<'_>, list: &Node) -> Result<Vec<Declared>> {
    let mut out = Vec::new();
    for item in d.seq(list, "a list of profiles")? {
        let mut declared = Declared {
            profile: None,
            kind: None,
            namespace: None,
            name: None,
            at: d.source().location(item.span.start),
        };
        let mut named = false;
        for (k, v) in d.mapping(item, "a profile", &FIELDS)? {
            match &*k.key_str() {
                "profile" => {
                    let id = d.string(v, "a profile")?;
                    named = true;
                    declared.profile = match Profile::ALL.into_iter().find(|p| p.id() == id) {
                        Some(p) => Some(p),
                        None if id == "none" => None,
                        None => {
                            let ids = Profile::ALL.map(Profile::id);
                            let mut e = d.error(v, format!("unknown profile {id:?}"), "unknown");
                            e = match crate::suggest::closest(&id, ids) {
                                Some(best) => e.with_help(crate::suggest::did_you_mean(best)),
                                None => {
                                    e.with_help(format!("profiles: {}, or none", ids.join(", ")))
                                }
                            };
                            return Err(e);
                        }
                    };
                }
                "kind" => declared.kind = Some(d.string(v, "a kind")?),
                "namespace" => declared.namespace = Some(Pattern::parse(d, v, "namespace")?),
                "name" => declared.name = Some(Pattern::parse(d, v, "name")?),
                _ => {}
            }
        }
        if !named {
            return Err(d
                .error(item, "a profiles entry names no profile", "no `profile`")
                .with_help("profile: csi-node, cni, node-monitoring or none"));
        }
        if declared.kind.is_none() && declared.namespace.is_none() && declared.name.is_none() {
            return Err(d
                .error(
                    item,
                    "a profiles entry selects no workload",
                    "no kind, namespace or name",
                )
                .with_help("select the workloads by `name` (a glob), `namespace` or `kind`"));
        }
        out.push(declared);
    }
    Ok(out)
}

impl Declared {
    fn selects(&self, w: &Workload<'_>) -> bool {
        let o = &w.object;
        let fits = |p: &Option<Pattern>, value: Option<&str>| {
            p.as_ref()
                .is_none_or(|p| value.is_some_and(|v| p.matches(v)))
        };
        self.kind.as_deref().is_none_or(|k| k == o.kind)
            && fits(&self.namespace, o.namespace)
            && fits(&self.name, o.name)
    }
}

/// A hostPath a container mounts.
struct Mount {
    host: String,
    writable: bool,
    bidirectional: bool,
}

fn container_mounts(w: &Workload<'_>, c: &Node) -> Vec<Mount> {
    let volumes = host_path_volumes(w);
    mounts(c, false)
        .into_iter()
        .filter_map(|m| {
            let name = m.get("name").and_then(Node::as_str)?;
            let v = volumes.iter().find(|v| v.name == Some(name))?;
            Some(Mount {
                host: clean(v.path_str),
                writable: !is_true(m.get("readOnly")),
                bidirectional: m.get("mountPropagation").and_then(Node::as_str)
                    == Some("Bidirectional"),
            })
        })
        .collect()
}

fn under(path: &str, root: &str) -> bool {
    path == root
        || (root == "/" && path.starts_with('/'))
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn under_any(path: &str, roots: &[&str]) -> bool {
    roots.iter().any(|r| under(path, r))
}

const KUBELET: &str = "/var/lib/kubelet";
const CNI_PATHS: &[&str] = &["/opt/cni", "/etc/cni", "/var/lib/cni"];
const LOGS: &[&str] = &["/var/log", "/var/lib/docker/containers", "/run/log/journal"];

/// A container runtime's socket or state: needed by no profile.
fn is_runtime(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    file.ends_with(".sock")
        || under_any(
            path,
            &[
                "/run/containerd",
                "/var/run/containerd",
                "/run/crio",
                "/var/run/crio",
                "/run/docker",
                "/var/run/docker",
                "/var/lib/docker",
                "/var/lib/containerd",
                "/var/lib/containers",
            ],
        )
}

/// An agent's own state directory: `/var/lib/<agent>`, `/run/<agent>`.
fn state_dir(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    let (first, second) = (parts.next().unwrap_or(""), parts.next());
    let name = match (first, second) {
        ("var", Some("lib" | "run")) => parts.next(),
        ("run", Some(name)) => Some(name),
        _ => None,
    };
    name.is_some_and(|n| !matches!(n, "" | "kubelet" | "etcd" | "secrets")) && !is_runtime(path)
}

/// How `w` is recognised as `profile`, if it is one.
fn recognise(w: &Workload<'_>) -> Option<(Profile, String)> {
    let containers = w.containers();
    let host_paths: Vec<(String, bool)> = containers
        .iter()
        .flat_map(|(_, c)| container_mounts(w, c))
        .map(|m| (m.host, m.writable))
        .collect();
    if let Some((_, c)) = containers.iter().find(|(_, c)| {
        c.get("image")
            .and_then(Node::as_str)
            .is_some_and(|i| i.contains("csi-node-driver-registrar"))
    }) {
        let name = c.get("name").and_then(Node::as_str).unwrap_or("");
        return Some((
            Profile::CsiNode,
            format!("container {name:?} runs csi-node-driver-registrar"),
        ));
    }
    let found = |roots: &[&str]| {
        host_paths
            .iter()
            .find(|(p, _)| under_any(p, roots))
            .map(|(p, _)| format!("hostPath {p}"))
    };
    if let Some(why) = found(&[
        "/var/lib/kubelet/plugins_registry",
        "/var/lib/kubelet/plugins",
    ]) {
        return Some((Profile::CsiNode, why));
    }
    if let Some(why) = found(CNI_PATHS) {
        return Some((Profile::Cni, why));
    }
    if let Some(why) = found(LOGS) {
        return Some((Profile::NodeMonitoring, why));
    }
    host_paths
        .iter()
        .find(|(p, writable)| !writable && ["/", "/proc", "/sys"].contains(&p.as_str()))
        .map(|(p, _)| (Profile::NodeMonitoring, format!("read-only hostPath {p}")))
}

/// Why `profile` needs `privilege` in workload `w`, or `None` when it
/// does not.
fn needed(profile: Profile, privilege: &Privilege, w: &Workload<'_>) -> Option<&'static str> {
    let container = |name: &str| {
        w.containers()
            .into_iter()
            .find(|(_, c)| c.get("name").and_then(Node::as_str) == Some(name))
            .map(|(_, c)| container_mounts(w, c))
            .unwrap_or_default()
    };
    match (profile, privilege) {
        (Profile::CsiNode, Privilege::Privileged { container: c })
        | (Profile::CsiNode, Privilege::Capability { container: c, .. }) => {
            let is_sys_admin = match privilege {
                Privilege::Capability { name, .. } => {
                    name.trim_start_matches("CAP_") == "SYS_ADMIN"
                }
                _ => true,
            };
            let mounts = container(c);
            let driver = mounts
                .iter()
                .any(|m| m.bidirectional || under(&m.host, "/dev"));
            (is_sys_admin && driver).then_some(
                "its driver container mounts volumes for pods and propagates them back to the kubelet (Bidirectional), which needs privileges",
            )
        }
        (Profile::CsiNode, Privilege::Bidirectional { host_path, .. }) => host_path
            .as_deref()
            .is_some_and(|p| under(p, KUBELET))
            .then_some("the volumes it mounts for pods must reach the kubelet's directory"),
        (Profile::CsiNode, Privilege::HostPath { path, writable, .. }) => {
            if under(path, KUBELET) {
                Some("the kubelet's plugin registration and pod volume directories are where a CSI node plugin works")
            } else if under(path, "/dev") {
                Some("it formats and mounts the node's block devices")
            } else if !writable && under_any(path, &["/sys", "/run/udev", "/lib/modules"]) {
                Some("it reads device information from the node")
            } else {
                None
            }
        }
        (Profile::CsiNode, Privilege::RunAsRoot { container: c }) => container(c)
            .iter()
            .any(|m| under(&m.host, KUBELET))
            .then_some("registering with the kubelet and mounting in its directory needs root"),
        (Profile::Cni, Privilege::HostNamespace(ns)) if ns == "hostNetwork" => {
            Some("a CNI agent configures the node's own network")
        }
        (Profile::Cni, Privilege::Privileged { container: c }) => (!container(c).is_empty())
            .then_some(
                "programming the node's interfaces, routes and packet filters needs privileges",
            ),
        (Profile::Cni, Privilege::Capability { container: c, name }) => {
            let name = name.trim_start_matches("CAP_");
            let network = matches!(
                name,
                "NET_ADMIN"
                    | "NET_RAW"
                    | "SYS_ADMIN"
                    | "SYS_MODULE"
                    | "BPF"
                    | "PERFMON"
                    | "SYS_RESOURCE"
            );
            (network && !container(c).is_empty())
                .then_some("programming the node's interfaces, routes and packet filters needs this capability")
        }
        (Profile::Cni, Privilege::HostPath { path, writable, .. }) => {
            if under_any(path, CNI_PATHS) {
                Some("a CNI agent installs its plugins and network configuration there")
            } else if under_any(
                path,
                &["/sys/fs/bpf", "/sys/fs/cgroup", "/run/xtables.lock"],
            ) || (!writable && under_any(path, &["/lib/modules", "/proc", "/sys"]))
            {
                Some("it attaches to the node's network stack (BPF maps, cgroups, iptables lock, kernel modules)")
            } else if state_dir(path) {
                Some("it keeps its own state on the node")
            } else {
                None
            }
        }
        (Profile::Cni, Privilege::Bidirectional { host_path, .. }) => host_path
            .as_deref()
            .is_some_and(|p| under_any(p, &["/sys/fs/bpf", "/run/netns", "/var/run/netns"]))
            .then_some("network namespaces and BPF filesystems it mounts must reach the node"),
        (Profile::Cni, Privilege::RunAsRoot { container: c }) => {
            (!container(c).is_empty()).then_some("configuring the node's network needs root")
        }
        (Profile::NodeMonitoring, Privilege::HostNamespace(ns))
            if ns == "hostNetwork" || ns == "hostPID" =>
        {
            Some("node metrics report the node's own interfaces and processes")
        }
        (Profile::NodeMonitoring, Privilege::HostPath { path, writable, .. }) => {
            if is_runtime(path) {
                None
            } else if !writable
                && (["/", "/proc", "/sys"].contains(&path.as_str()) || under_any(path, LOGS))
            {
                Some("a node agent reports what it reads there, read-only")
            } else if *writable && state_dir(path) {
                Some("it keeps its read positions and buffers on the node, so a restart neither loses nor repeats data")
            } else {
                None
            }
        }
        (Profile::NodeMonitoring, Privilege::RunAsRoot { container: c }) => container(c)
            .iter()
            .any(|m| under_any(&m.host, LOGS))
            .then_some("the node's container log files are readable by root only"),
        _ => None,
    }
}

/// The profile of `w`, declared or recognised, and how it was found.
fn profile_of(w: &Workload<'_>, declared: &[Declared]) -> Option<(Profile, String)> {
    match declared.iter().find(|d| d.selects(w)) {
        Some(d) => d.profile.map(|p| (p, format!("declared at {}", d.at))),
        None => recognise(w).map(|(p, why)| (p, format!("recognised by {why}"))),
    }
}

/// Lowers to info the findings about privileges their workload's profile
/// needs, saying so in their help.
pub fn apply(places: &Places<'_, '_>, findings: &mut [Finding], declared: &[Declared]) {
    if findings.iter().all(|f| f.privilege.is_none()) {
        return;
    }
    let mut profiles: HashMap<*const Node, Option<(Profile, String)>> = HashMap::new();
    for f in findings.iter_mut() {
        let Some(privilege) = &f.privilege else {
            continue;
        };
        let Some(w) = places.workload(f) else {
            continue;
        };
        let profile = profiles
            .entry(std::ptr::from_ref(w.object.node))
            .or_insert_with(|| profile_of(w, declared));
        let Some((profile, how)) = profile else {
            continue;
        };
        let Some(why) = needed(*profile, privilege, w) else {
            continue;
        };
        f.severity = f.severity.min(Severity::Info);
        f.help = Some(format!(
            "required for {} ({how}): {why}; reported at info for this kind of agent",
            profile.described()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_roots() {
        assert!(under("/var/lib/kubelet", KUBELET));
        assert!(under("/var/lib/kubelet/plugins", KUBELET));
        assert!(!under("/var/lib/kubelet2", KUBELET));
        assert!(under("/etc", "/"));
    }

    #[test]
    fn state_directories_are_the_agents_own() {
        assert!(state_dir("/var/lib/fluent-bit"));
        assert!(state_dir("/run/flannel"));
        assert!(state_dir("/var/run/calico"));
        for not in [
            "/var/lib/kubelet",
            "/var/lib/docker/containers",
            "/var/run/docker.sock",
            "/run/containerd/containerd.sock",
            "/var/lib",
            "/etc/fluent-bit",
            "/var/log",
        ] {
            assert!(!state_dir(not), "{not}");
        }
    }
}
