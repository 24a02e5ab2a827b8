//! Readable names for discovered targets in the text report and kdm test.

use std::borrow::Cow;

use crate::relabel::pair_get;

type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// A readable name for a discovered target (`pod ns/name container c port p`).
pub fn target_name(group: &[Pair<'_>], target: &[Pair<'_>], fallback: usize) -> String {
    let get = |k: &str| {
        pair_get(target, k)
            .or_else(|| pair_get(group, k))
            .unwrap_or("")
    };
    let ns = get("__meta_kubernetes_namespace");
    let addr = get("__address__");
    let port = {
        let name = [
            "__meta_kubernetes_pod_container_port_name",
            "__meta_kubernetes_endpoint_port_name",
            "__meta_kubernetes_endpointslice_port_name",
            "__meta_kubernetes_service_port_name",
        ]
        .iter()
        .map(|k| get(k))
        .find(|v| !v.is_empty())
        .unwrap_or("");
        match (name.is_empty(), addr.rsplit_once(':')) {
            (false, _) => format!(" port {name}"),
            (true, Some((_, p))) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                format!(" port {p}")
            }
            _ => String::new(),
        }
    };
    let pod = get("__meta_kubernetes_pod_name");
    if !pod.is_empty() {
        let container = get("__meta_kubernetes_pod_container_name");
        let c = if container.is_empty() {
            String::new()
        } else {
            format!(" container {container}")
        };
        return format!("pod {ns}/{pod}{c}{port}");
    }
    for (key, kind) in [
        ("__meta_kubernetes_endpoints_name", "endpoints"),
        ("__meta_kubernetes_endpointslice_name", "endpointslice"),
    ] {
        let v = get(key);
        if !v.is_empty() {
            return format!("{kind} {ns}/{v} {addr}");
        }
    }
    for (key, kind) in [
        ("__meta_kubernetes_node_name", "node"),
        ("__meta_kubernetes_service_name", "service"),
        ("__meta_kubernetes_ingress_name", "ingress"),
    ] {
        let v = get(key);
        if !v.is_empty() {
            let ns = if ns.is_empty() || kind == "node" {
                String::new()
            } else {
                format!("{ns}/")
            };
            let extra = if kind == "ingress" {
                format!(
                    " {}{}",
                    get("__meta_kubernetes_ingress_host"),
                    get("__meta_kubernetes_ingress_path")
                )
            } else {
                port.clone()
            };
            return format!("{kind} {ns}{v}{extra}");
        }
    }
    if !addr.is_empty() {
        return addr.to_string();
    }
    format!("target #{fallback}")
}
