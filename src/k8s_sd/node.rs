//! `role: node` (discovery/kubernetes/node.go).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Node;

use super::{
    add_object_meta_labels, go_lower, join_host_port, meta_name, sanitize_label_name, set,
    LabelSet, Role, TargetGroup, ADDRESS_LABEL, INSTANCE_LABEL, META_PREFIX,
};

/// Address types in the order Prometheus picks the target address from.
const ADDRESS_PRIORITY: [&str; 6] = [
    "InternalIP",
    "InternalDNS",
    "ExternalIP",
    "ExternalDNS",
    "LegacyHostIP",
    "Hostname",
];

fn node_labels(node: &Node) -> LabelSet {
    let mut ls = LabelSet::new();
    set(
        &mut ls,
        format!("{META_PREFIX}node_provider_id"),
        node.spec
            .as_ref()
            .and_then(|s| s.provider_id.as_deref())
            .unwrap_or(""),
    );
    let conditions = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    for c in conditions {
        let name = sanitize_label_name(&go_lower(&c.type_));
        set(
            &mut ls,
            format!("{META_PREFIX}node_condition_{name}"),
            go_lower(&c.status),
        );
    }
    add_object_meta_labels(&mut ls, &node.metadata, Role::Node);
    ls
}

/// `None` when the node has no address of a known type: Prometheus then
/// sends no group at all (and logs a warning).
pub(super) fn build(node: &Node) -> Option<TargetGroup> {
    let name = meta_name(&node.metadata);
    let status = node.status.as_ref();
    // Addresses per type, in object order; a BTreeMap gives the per-type
    // labels a fixed order where Go iterates a map.
    let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in status
        .and_then(|s| s.addresses.as_deref())
        .unwrap_or_default()
    {
        by_type
            .entry(a.type_.as_str())
            .or_default()
            .push(a.address.as_str());
    }
    let addr = ADDRESS_PRIORITY
        .iter()
        .find_map(|t| by_type.get(t).and_then(|v| v.first()))?;
    let port = status
        .and_then(|s| s.daemon_endpoints.as_ref())
        .and_then(|d| d.kubelet_endpoint.as_ref())
        .map_or(0, |k| k.port);

    let mut target = LabelSet::new();
    set(
        &mut target,
        ADDRESS_LABEL,
        join_host_port(addr, &i64::from(port).to_string()),
    );
    set(&mut target, INSTANCE_LABEL, name);
    // When two types sanitize to the same label name, the later type in
    // sorted order wins.
    for (ty, addrs) in &by_type {
        if let Some(first) = addrs.first() {
            set(
                &mut target,
                sanitize_label_name(&format!("{META_PREFIX}node_address_{ty}")),
                *first,
            );
        }
    }
    Some(TargetGroup {
        source: format!("node/{name}"),
        labels: node_labels(node),
        targets: vec![target],
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testutil::{
        assert_groups, cfg, corpus, group, label_selector, ls, node, run,
    };
    use super::super::Role;

    #[test]
    fn address_priority_first_per_type_and_ipv6() {
        let mut obj = node("n", "unused", "", json!({}));
        obj["status"]["addresses"] = json!([
            {"type": "Hostname", "address": "host-a"},
            {"type": "ExternalIP", "address": "2001:db8::1"},
            {"type": "ExternalIP", "address": "203.0.113.9"},
            {"type": "Internal-Custom", "address": "x"},
        ]);
        let groups = run(&[obj], &cfg(Role::Node));
        let want = ls(&[
            ("__address__", "[2001:db8::1]:10250"),
            ("instance", "n"),
            ("__meta_kubernetes_node_address_Hostname", "host-a"),
            ("__meta_kubernetes_node_address_ExternalIP", "2001:db8::1"),
            ("__meta_kubernetes_node_address_Internal_Custom", "x"),
        ]);
        assert_eq!(groups.first().map(|g| &g.targets), Some(&vec![want]));
    }

    #[test]
    fn no_known_address_means_no_group_and_missing_port_is_zero() {
        let mut none = node("none", "1.2.3.4", "", json!({}));
        none["status"]["addresses"] = json!([{"type": "Custom", "address": "1.1.1.1"}]);
        let mut noport = node("noport", "10.0.0.1", "", json!({}));
        noport["status"]["daemonEndpoints"] = json!(null);
        let groups = run(&[none, noport], &cfg(Role::Node));
        assert_eq!(groups.len(), 1);
        assert_eq!(
            groups
                .first()
                .and_then(|g| g.targets.first())
                .and_then(|t| t.get("__address__"))
                .map(String::as_str),
            Some("10.0.0.1:0")
        );
    }

    #[test]
    fn node_selector_filters_nodes() {
        let a = node("a", "1.1.1.1", "", json!({"node-type": "worker"}));
        let b = node("b", "2.2.2.2", "", json!({"node-type": "master"}));
        let mut c = cfg(Role::Node);
        c.selectors = vec![label_selector(Role::Node, "node-type=worker")];
        let groups = run(&[a, b], &c);
        let sources: Vec<&str> = groups.iter().map(|g| g.source.as_str()).collect();
        assert_eq!(sources, ["node/a"]);
    }

    #[test]
    fn corpus_k9s_node() {
        let obj = corpus(include_str!("../../testdata/k8s-objects/k9s__no.json"));
        let p = "__meta_kubernetes_node_";
        let mut labels = ls(&[
            ("__meta_kubernetes_node_name", "minikube"),
            ("__meta_kubernetes_node_provider_id", ""),
            ("__meta_kubernetes_node_condition_memorypressure", "false"),
            ("__meta_kubernetes_node_condition_diskpressure", "false"),
            ("__meta_kubernetes_node_condition_pidpressure", "false"),
            ("__meta_kubernetes_node_condition_ready", "true"),
        ]);
        for (k, v) in [
            ("beta_kubernetes_io_arch", "amd64"),
            ("beta_kubernetes_io_os", "linux"),
            ("kubernetes_io_arch", "amd64"),
            ("kubernetes_io_hostname", "minikube"),
            ("kubernetes_io_os", "linux"),
            ("node_role_kubernetes_io_master", ""),
        ] {
            labels.insert(format!("{p}label_{k}"), v.to_string());
            labels.insert(format!("{p}labelpresent_{k}"), "true".to_string());
        }
        for (k, v) in [
            (
                "kubeadm_alpha_kubernetes_io_cri_socket",
                "/var/run/dockershim.sock",
            ),
            ("node_alpha_kubernetes_io_ttl", "0"),
            (
                "volumes_kubernetes_io_controller_managed_attach_detach",
                "true",
            ),
        ] {
            labels.insert(format!("{p}annotation_{k}"), v.to_string());
            labels.insert(format!("{p}annotationpresent_{k}"), "true".to_string());
        }
        assert_groups(
            &run(&[obj], &cfg(Role::Node)),
            &[group(
                "node/minikube",
                labels,
                vec![ls(&[
                    ("__address__", "192.168.64.107:10250"),
                    ("instance", "minikube"),
                    (
                        "__meta_kubernetes_node_address_InternalIP",
                        "192.168.64.107",
                    ),
                    ("__meta_kubernetes_node_address_Hostname", "minikube"),
                ])],
            )],
        );
    }
}
