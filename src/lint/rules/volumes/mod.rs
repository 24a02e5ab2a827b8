//! Rules of the `volumes` group: hostPath volumes, volume mounts and their
//! consistency with `spec.volumes`.
mod host_path_not_normalized;
mod host_path_sensitive;
mod host_path_sub_path;
mod host_path_type_missing;
mod host_path_writable;
mod mount_path_duplicate;
mod mount_propagation_bidirectional;
mod volume_mount_undeclared;
mod volume_unused;

use crate::k8s::Workload;
use crate::lint::Rule;
use crate::yaml::{Node, Resolved};

pub const RULES: &[&dyn Rule] = &[
    &host_path_sensitive::HostPathSensitive,
    &host_path_writable::HostPathWritable,
    &host_path_type_missing::HostPathTypeMissing,
    &host_path_not_normalized::HostPathNotNormalized,
    &host_path_sub_path::HostPathSubPath,
    &mount_propagation_bidirectional::MountPropagationBidirectional,
    &volume_mount_undeclared::VolumeMountUndeclared,
    &volume_unused::VolumeUnused,
    &mount_path_duplicate::MountPathDuplicate,
];

/// A `spec.volumes[]` entry that is a hostPath volume.
pub(crate) struct HostPathVolume<'a> {
    pub volume: &'a Node,
    pub name: Option<&'a str>,
    pub host_path: &'a Node,
    /// The `path` value node (absent paths are the schema rule's business).
    pub path: &'a Node,
    pub path_str: &'a str,
}

/// The declared volumes of a pod spec.
pub(crate) fn volumes<'a>(w: &Workload<'a>) -> &'a [Node] {
    w.pod_spec
        .and_then(|s| s.get("volumes"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
}

pub(crate) fn host_path_volumes<'a>(w: &Workload<'a>) -> Vec<HostPathVolume<'a>> {
    volumes(w)
        .iter()
        .filter_map(|v| {
            let host_path = v.get("hostPath")?;
            let path = host_path.get("path")?;
            Some(HostPathVolume {
                volume: v,
                name: v.get("name").and_then(Node::as_str),
                host_path,
                path,
                path_str: path.as_str()?,
            })
        })
        .collect()
}

/// `volumeMounts` (and optionally `volumeDevices`) entries of a container.
pub(crate) fn mounts(container: &Node, devices: bool) -> Vec<&Node> {
    let keys: &[&str] = if devices {
        &["volumeMounts", "volumeDevices"]
    } else {
        &["volumeMounts"]
    };
    keys.iter()
        .flat_map(|k| {
            container
                .get(k)
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
        })
        .collect()
}

pub(crate) fn is_true(node: Option<&Node>) -> bool {
    matches!(node.and_then(Node::resolve), Some(Resolved::Bool(true)))
}

pub(crate) fn container_name(c: &Node) -> &str {
    c.get("name").and_then(Node::as_str).unwrap_or("<unnamed>")
}

/// Windows hostPath volumes (`C:\var\...`) follow other rules.
pub(crate) fn is_windows_path(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with("\\\\")
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
        || p.contains('\\')
}

/// Collapses `//` and drops a trailing `/`, for comparing hostPaths.
pub(crate) fn clean(p: &str) -> String {
    let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    let joined = parts.join("/");
    if p.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_collapses_slashes() {
        assert_eq!(clean("/"), "/");
        assert_eq!(clean("//"), "/");
        assert_eq!(clean("/var//run/"), "/var/run");
        assert_eq!(clean("var/log"), "var/log");
    }

    #[test]
    fn windows_paths() {
        assert!(is_windows_path("C:\\var\\lib\\kubelet\\pods\\"));
        assert!(is_windows_path("c:/k"));
        assert!(is_windows_path("\\\\.\\pipe\\containerd-containerd"));
        assert!(!is_windows_path("/var/lib/kubelet"));
    }
}
