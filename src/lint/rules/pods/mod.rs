//! Rules of the `pods` group: container security, resources, probes, ports
//! and DaemonSet rollout hygiene.

mod capabilities_dangerous;
mod env_duplicate;
mod host_namespaces;
mod host_port;
mod image_tag_latest;
mod image_tag_mutable;
mod port_name_duplicate;
mod port_name_invalid;
mod priority_class_missing;
mod privilege_escalation;
mod privileged;
mod probe_port_undeclared;
mod probes_missing;
mod read_only_root_filesystem;
mod resources_missing;
mod rolling_update_host_port_surge;
mod run_as_root;
mod tolerations_missing;
mod update_strategy_unsafe;

pub(crate) use port_name_invalid::ports;

use crate::k8s::Workload;
use crate::lint::Rule;
use crate::yaml::{Node, Resolved, Span};

pub const RULES: &[&dyn Rule] = &[
    &resources_missing::ResourcesMissing,
    &image_tag_latest::ImageTagLatest,
    &image_tag_mutable::ImageTagMutable,
    &probes_missing::ProbesMissing,
    &probe_port_undeclared::ProbePortUndeclared,
    &env_duplicate::EnvDuplicate,
    &privileged::Privileged,
    &privilege_escalation::PrivilegeEscalation,
    &capabilities_dangerous::CapabilitiesDangerous,
    &host_namespaces::HostNamespaces,
    &run_as_root::RunAsRoot,
    &read_only_root_filesystem::ReadOnlyRootFilesystem,
    &tolerations_missing::TolerationsMissing,
    &update_strategy_unsafe::UpdateStrategyUnsafe,
    &rolling_update_host_port_surge::RollingUpdateHostPortSurge,
    &priority_class_missing::PriorityClassMissing,
    &port_name_invalid::PortNameInvalid,
    &port_name_duplicate::PortNameDuplicate,
    &host_port::HostPort,
];

pub(crate) fn is_true(node: Option<&Node>) -> bool {
    matches!(node.and_then(Node::resolve), Some(Resolved::Bool(true)))
}

pub(crate) fn is_false(node: Option<&Node>) -> bool {
    matches!(node.and_then(Node::resolve), Some(Resolved::Bool(false)))
}

pub(crate) fn container_name(c: &Node) -> &str {
    c.get("name").and_then(Node::as_str).unwrap_or("<unnamed>")
}

/// Where to report a container-level finding when the field is absent.
pub(crate) fn container_anchor(c: &Node) -> Span {
    c.get("name").map_or(c.span, |n| n.span)
}

/// Where to report a pod-level finding when the field is absent: the pod
/// template's `spec` key, else the object's name.
pub(crate) fn pod_anchor(w: &Workload<'_>) -> Span {
    w.template
        .and_then(|t| t.entry("spec"))
        .map_or_else(|| w.object.anchor(), |(k, _)| k.span)
}

/// A field of the container's `securityContext` (null means unset).
pub(crate) fn container_sc<'a>(c: &'a Node, key: &str) -> Option<&'a Node> {
    c.get("securityContext")?.get(key).filter(|v| !v.is_null())
}

/// A field of the pod's `securityContext` (null means unset).
pub(crate) fn pod_sc<'a>(w: &Workload<'a>, key: &str) -> Option<&'a Node> {
    w.pod_spec?
        .get("securityContext")?
        .get(key)
        .filter(|v| !v.is_null())
}

/// Linux-only securityContext fields are rejected on Windows pods, and root
/// there is a different notion.
pub(crate) fn is_windows(w: &Workload<'_>) -> bool {
    let Some(spec) = w.pod_spec else {
        return false;
    };
    spec.get("os")
        .and_then(|o| o.get("name"))
        .and_then(Node::as_str)
        == Some("windows")
        || is_true(
            spec.get("securityContext")
                .and_then(|s| s.get("windowsOptions"))
                .and_then(|o| o.get("hostProcess")),
        )
        || spec
            .get("nodeSelector")
            .and_then(|n| n.get("kubernetes.io/os"))
            .and_then(Node::as_str)
            == Some("windows")
}

pub(crate) fn is_privileged(c: &Node) -> bool {
    is_true(container_sc(c, "privileged"))
}
