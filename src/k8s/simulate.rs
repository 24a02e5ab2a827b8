//! Pods a workload would create, for simulating discovery before anything is
//! deployed. Node names and addresses are deterministic and clearly not real:
//! nodes are `simulated-node-N` at 198.18.0.N and pods get 198.19.N.10
//! (RFC 2544's benchmarking range, never routed on the internet), or the
//! node's address with hostNetwork.

use serde_json::{json, Value};

/// One simulated node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimNode {
    pub name: String,
    pub ip: String,
}

/// `count` simulated nodes (at most 254).
pub fn nodes(count: usize) -> Vec<SimNode> {
    (1..=count.clamp(1, 254))
        .map(|n| SimNode {
            name: format!("simulated-node-{n}"),
            ip: format!("198.18.0.{n}"),
        })
        .collect()
}

/// The running pods of a DaemonSet: one per node, as its controller would
/// create them (labels, annotations and spec from the pod template, an owner
/// reference, the node name, Running and Ready).
pub fn daemonset_pods(ds: &Value, nodes: &[SimNode]) -> Vec<Value> {
    let name = ds
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("daemonset");
    let namespace = ds
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let template = ds.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let host_network = template
        .pointer("/spec/hostNetwork")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let mut meta = template.get("metadata").cloned().unwrap_or(json!({}));
            meta["name"] = json!(format!("{name}-sim{:02}", i + 1));
            meta["namespace"] = json!(namespace);
            meta["uid"] = json!(format!("00000000-0000-4000-8000-{:012}", i + 1));
            let labels = meta
                .as_object_mut()
                .map(|m| m.entry("labels").or_insert(json!({})));
            if let Some(Value::Object(labels)) = labels {
                labels.insert("controller-revision-hash".into(), json!("simulated"));
                labels.insert("pod-template-generation".into(), json!("1"));
            }
            meta["ownerReferences"] = json!([{
                "apiVersion": "apps/v1", "kind": "DaemonSet", "name": name,
                "uid": "00000000-0000-4000-8000-000000000000",
                "controller": true, "blockOwnerDeletion": true,
            }]);
            let mut spec = template.get("spec").cloned().unwrap_or(json!({}));
            spec["nodeName"] = json!(node.name);
            let pod_ip = if host_network {
                node.ip.clone()
            } else {
                format!("198.19.{}.10", i + 1)
            };
            let statuses = |key: &str| -> Vec<Value> {
                spec.get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        let cname = c.get("name").and_then(Value::as_str).unwrap_or("");
                        json!({
                            "name": cname,
                            "ready": key == "containers",
                            "containerID": format!("containerd://simulated-{name}-{}-{cname}", i + 1),
                        })
                    })
                    .collect()
            };
            let mut status = json!({
                "phase": "Running",
                "hostIP": node.ip, "hostIPs": [{"ip": node.ip}],
                "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": statuses("containers"),
            });
            let init = statuses("initContainers");
            if !init.is_empty() {
                status["initContainerStatuses"] = Value::Array(init);
            }
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_running_pod_per_node() {
        let ds = json!({"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "ops"},
            "spec": {"template": {"metadata": {"labels": {"app": "agent"}},
                "spec": {"hostNetwork": true, "containers": [{"name": "c"}]}}}});
        let pods = daemonset_pods(&ds, &nodes(2));
        assert_eq!(pods.len(), 2);
        assert_eq!(pods[1]["metadata"]["name"], "agent-sim02");
        assert_eq!(pods[1]["metadata"]["labels"]["app"], "agent");
        assert_eq!(pods[1]["spec"]["nodeName"], "simulated-node-2");
        assert_eq!(pods[1]["status"]["podIP"], "198.18.0.2");
        assert_eq!(pods[1]["status"]["containerStatuses"][0]["ready"], true);
        assert_eq!(
            pods[0]["metadata"]["ownerReferences"][0]["kind"],
            "DaemonSet"
        );
    }
}
