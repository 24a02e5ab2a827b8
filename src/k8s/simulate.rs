//! Pods a workload would create, and the Endpoints and EndpointSlices of the
//! Services that select them, for simulating discovery before anything is
//! deployed. Node names and addresses are deterministic and clearly not real:
//! nodes are `simulated-node-N` at 198.18.0.N and pods get 198.19.N.10
//! (RFC 2544's benchmarking range, never routed on the internet), or the
//! node's address with hostNetwork.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::kinds::{lookup, PodTemplate, Scope};
use super::selector::LabelSelector;

/// The kubelet's port on a simulated node (its usual default).
pub const KUBELET_PORT: i64 = 10250;

/// At most this many nodes, simulated or read from the input.
const MAX_NODES: usize = 254;

/// One node pods are placed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimNode {
    pub name: String,
    /// The address its pods get as `hostIP`.
    pub ip: String,
    /// Every address of the node (a simulated one: its IP and its name).
    pub addresses: Vec<String>,
    pub kubelet_port: i64,
}

/// `count` simulated nodes (at most 254).
pub fn nodes(count: usize) -> Vec<SimNode> {
    (1..=count.clamp(1, MAX_NODES))
        .map(|n| {
            let name = format!("simulated-node-{n}");
            let ip = format!("198.18.0.{n}");
            SimNode {
                addresses: vec![ip.clone(), name.clone()],
                name,
                ip,
                kubelet_port: KUBELET_PORT,
            }
        })
        .collect()
}

/// The Node object of a simulated node, as the API server would list it
/// for `role: node`: an InternalIP and a Hostname address, the well-known
/// labels (no node-role label), Ready, and the kubelet port.
pub fn node_object(node: &SimNode) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": node.name, "labels": {
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": node.name,
            "kubernetes.io/os": "linux",
        }},
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": node.ip},
                {"type": "Hostname", "address": node.name},
            ],
            "conditions": [{"type": "Ready", "status": "True"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": node.kubelet_port}},
        },
    })
}

/// The input's Node objects as nodes to place pods on (the first 254):
/// a pod's `hostIP` is the node's first InternalIP, else its first
/// ExternalIP, as the kubelet picks it; a Node with neither is left out.
fn input_nodes(input: &[Value]) -> Vec<(SimNode, Value)> {
    let mut out = Vec::new();
    for o in input.iter().filter(|o| o["kind"] == "Node") {
        let Some(name) = str_at(o, "/metadata/name") else {
            continue;
        };
        let addresses: Vec<(&str, &str)> = o
            .pointer("/status/addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| Some((a.get("type")?.as_str()?, a.get("address")?.as_str()?)))
            .collect();
        let first = |ty: &str| addresses.iter().find(|(t, _)| *t == ty).map(|(_, a)| *a);
        let Some(ip) = first("InternalIP").or_else(|| first("ExternalIP")) else {
            continue;
        };
        let kubelet_port = o
            .pointer("/status/daemonEndpoints/kubeletEndpoint/Port")
            .and_then(Value::as_i64)
            .unwrap_or(KUBELET_PORT);
        out.push((
            SimNode {
                name: name.to_string(),
                ip: ip.to_string(),
                addresses: addresses.iter().map(|(_, a)| a.to_string()).collect(),
                kubelet_port,
            },
            o.clone(),
        ));
        if out.len() == MAX_NODES {
            break;
        }
    }
    out
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
    let template = PodTemplate::Spec.template(ds).cloned().unwrap_or(json!({}));
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
            let spec = template.get("spec").cloned().unwrap_or(json!({}));
            running(
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}),
                node,
                i,
            )
        })
        .collect()
}

/// One workload of the input and its simulated pods.
#[derive(Debug, Clone)]
pub struct SimWorkload {
    /// Index of the object in the input.
    pub object: usize,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// Names of its simulated pods.
    pub pods: Vec<String>,
    /// Why it has no pods, when it has none.
    pub note: Option<String>,
}

/// What discovery would see: the input's Services and other objects, plus
/// simulated Pods, Endpoints and EndpointSlices.
#[derive(Debug, Clone, Default)]
pub struct Simulation {
    pub objects: Vec<Value>,
    pub workloads: Vec<SimWorkload>,
    pub nodes: Vec<SimNode>,
    /// The nodes' Node objects, for `role: node`. Simulated ones are not in
    /// `objects`, so pod discovery (`attach_metadata: node`) and `kdm test`
    /// see only the Nodes of the input, as before nodes were simulated.
    pub node_objects: Vec<Value>,
    /// Whether the nodes are the input's Node objects, not simulated ones.
    pub nodes_from_input: bool,
    /// Namespace, then Service name, to the indices (in `objects`) of the
    /// pods it selects.
    selected: HashMap<(String, String), Vec<usize>>,
    /// Namespace, then pod name, to the first workload with that pod
    /// (nested so a lookup borrows its keys).
    owners: HashMap<String, HashMap<String, usize>>,
}

impl Simulation {
    /// The workload a simulated pod belongs to.
    pub fn workload_of(&self, namespace: &str, pod: &str) -> Option<usize> {
        self.owners.get(namespace)?.get(pod).copied()
    }

    /// The pods a Service selects.
    pub fn selected_pods<'a>(&'a self, service: &Value) -> impl Iterator<Item = &'a Value> {
        let key = (
            str_at(service, "/metadata/namespace")
                .unwrap_or("default")
                .to_string(),
            str_at(service, "/metadata/name").unwrap_or("").to_string(),
        );
        self.selected
            .get(&key)
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
    }

    /// The pods behind one port of a Service (an entry of `spec.ports`):
    /// each selected pod and the container port its targetPort resolves to.
    pub fn backends<'a>(&'a self, service: &Value, port: &Value) -> Vec<(&'a Value, i64)> {
        self.selected_pods(service)
            .filter_map(|pod| Some((pod, target_port(port, pod)?)))
            .collect()
    }
}

/// Simulates the pods of every workload in `input` on `node_count` nodes,
/// and the endpoints of every Service that selects them. Objects without a
/// namespace are placed in `default`, as `kubectl apply` would.
///
/// The input's Node objects, when it has some, are the nodes (`node_count`
/// is then ignored): pods get their addresses and `role: node` discovers
/// them as written. Otherwise `node_count` nodes are simulated.
pub fn simulate(input: &[Value], node_count: usize) -> Simulation {
    let from_input = input_nodes(input);
    let nodes_from_input = !from_input.is_empty();
    let (nodes, node_objects): (Vec<SimNode>, Vec<Value>) = if nodes_from_input {
        from_input.into_iter().unzip()
    } else {
        let nodes = nodes(node_count);
        let objects = nodes.iter().map(node_object).collect();
        (nodes, objects)
    };
    let mut sim = Simulation {
        nodes: nodes.clone(),
        node_objects,
        nodes_from_input,
        ..Default::default()
    };
    let mut pods = Vec::new();
    for (index, object) in input.iter().enumerate() {
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
        let Some(template_at) = PodTemplate::of(kind) else {
            if matches!(kind, "Service" | "Namespace" | "Node" | "Ingress") {
                sim.objects.push(with_namespace(object));
            }
            continue;
        };
        let object = with_namespace(object);
        let namespace = str_at(&object, "/metadata/namespace")
            .unwrap_or("default")
            .to_string();
        let name = str_at(&object, "/metadata/name")
            .unwrap_or("unnamed")
            .to_string();
        let (made, note) = if template_at == PodTemplate::Itself {
            (vec![running(object.clone(), &nodes[0], 0)], None)
        } else {
            workload_pods(&object, kind, template_at, &nodes)
        };
        sim.workloads.push(SimWorkload {
            object: index,
            kind: kind.to_string(),
            namespace,
            name,
            pods: made
                .iter()
                .filter_map(|p| str_at(p, "/metadata/name").map(str::to_string))
                .collect(),
            note,
        });
        pods.extend(made);
    }
    for (index, w) in sim.workloads.iter().enumerate() {
        for pod in &w.pods {
            sim.owners
                .entry(w.namespace.clone())
                .or_default()
                .entry(pod.clone())
                .or_insert(index);
        }
    }
    let services: Vec<Value> = sim
        .objects
        .iter()
        .filter(|o| o["kind"] == "Service")
        .cloned()
        .collect();
    // Pods by namespace and label: a Service looks only at the pods that
    // carry its selector's first label, not at every pod of the input.
    let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
    for (i, pod) in pods.iter().enumerate() {
        let namespace = str_at(pod, "/metadata/namespace").unwrap_or("");
        let labels = pod.pointer("/metadata/labels").and_then(Value::as_object);
        for (key, value) in labels.into_iter().flatten() {
            if let Some(value) = value.as_str() {
                by_label.entry((namespace, key, value)).or_default().push(i);
            }
        }
    }
    // Pods are appended to `objects` after the Services' endpoints.
    let mut selected_pods = Vec::new();
    for service in &services {
        let selector = service
            .pointer("/spec/selector")
            .and_then(LabelSelector::from_json_map);
        let Some((key, value)) = selector.as_ref().and_then(LabelSelector::pinned_label) else {
            continue; // an empty or malformed selector selects nothing
        };
        let namespace = str_at(service, "/metadata/namespace").unwrap_or("");
        let candidates = by_label.get(&(namespace, key, value));
        let indices: Vec<usize> = candidates
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| selects(service, &pods[i]))
            .collect();
        if !indices.is_empty() {
            let selected: Vec<&Value> = indices.iter().map(|&i| &pods[i]).collect();
            sim.objects.push(endpoints(service, &selected));
            sim.objects.push(endpoint_slice(service, &selected));
            let name = str_at(service, "/metadata/name").unwrap_or("").to_string();
            selected_pods.push(((namespace.to_string(), name), indices));
        }
    }
    let base = sim.objects.len();
    for (key, indices) in selected_pods {
        let at = sim.selected.entry(key).or_default();
        at.extend(indices.into_iter().map(|i| base + i));
    }
    sim.objects.extend(pods);
    sim
}

fn with_namespace(object: &Value) -> Value {
    let mut o = object.clone();
    let cluster_scoped = o["kind"]
        .as_str()
        .and_then(lookup)
        .is_some_and(|k| k.scope == Scope::Cluster);
    if !cluster_scoped && str_at(&o, "/metadata/namespace").is_none() {
        if let Some(meta) = o.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), json!("default"));
        }
    }
    o
}

/// Pods of a controller: one per node for a DaemonSet, otherwise
/// `replicas` (default 1, at most one per node).
fn workload_pods(
    object: &Value,
    kind: &str,
    template_at: PodTemplate,
    nodes: &[SimNode],
) -> (Vec<Value>, Option<String>) {
    if kind == "DaemonSet" {
        return (daemonset_pods(object, nodes), None);
    }
    let template = template_at.template(object).cloned().unwrap_or(json!({}));
    let name = str_at(object, "/metadata/name").unwrap_or("unnamed");
    let namespace = str_at(object, "/metadata/namespace").unwrap_or("default");
    let count_key = match kind {
        "Job" | "CronJob" => "parallelism",
        _ => "replicas",
    };
    let replicas = template_at
        .workload_spec(object)
        .and_then(|s| s.get(count_key))
        .and_then(Value::as_u64)
        .unwrap_or(1);
    if replicas == 0 {
        return (
            Vec::new(),
            Some(format!("{kind} has 0 replicas: no pods to scrape")),
        );
    }
    let count = (replicas as usize).min(nodes.len());
    // The controller that owns the pods, as Kubernetes names it.
    let (owner_kind, owner_name) = match kind {
        "Deployment" => ("ReplicaSet", format!("{name}-sim")),
        "CronJob" => ("Job", format!("{name}-sim")),
        other => (other, name.to_string()),
    };
    let pods = (0..count)
        .map(|i| {
            let pod_name = match kind {
                "StatefulSet" => format!("{name}-{i}"),
                _ => format!("{owner_name}-sim{:02}", i + 1),
            };
            let mut meta = template.get("metadata").cloned().unwrap_or(json!({}));
            meta["name"] = json!(pod_name);
            meta["namespace"] = json!(namespace);
            meta["ownerReferences"] = json!([{
                "apiVersion": if matches!(owner_kind, "Job") { "batch/v1" } else { "apps/v1" },
                "kind": owner_kind, "name": owner_name,
                "uid": "00000000-0000-4000-8000-000000000000", "controller": true,
            }]);
            let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                "spec": template.get("spec").cloned().unwrap_or(json!({}))});
            running(pod, &nodes[i], i)
        })
        .collect();
    (pods, None)
}

/// A pod scheduled on `node` and running, with simulated addresses.
fn running(mut pod: Value, node: &SimNode, i: usize) -> Value {
    let host_network = pod
        .pointer("/spec/hostNetwork")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let name = str_at(&pod, "/metadata/name").unwrap_or("pod").to_string();
    if !pod["spec"].is_object() {
        pod["spec"] = json!({});
    }
    pod["spec"]["nodeName"] = json!(node.name);
    let pod_ip = if host_network {
        node.ip.clone()
    } else {
        format!("198.19.{}.{}", i + 1, 10 + (fnv(&name) % 240))
    };
    let statuses = |key: &str| -> Vec<Value> {
        pod["spec"]
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|c| {
                let cname = c.get("name").and_then(Value::as_str).unwrap_or("");
                json!({
                    "name": cname,
                    "ready": key == "containers",
                    "containerID": format!("containerd://simulated-{name}-{cname}"),
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
    pod["status"] = status;
    pod
}

/// A small stable hash, so pod addresses do not depend on input order.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

#[cfg(test)]
thread_local! {
    /// Pods checked against a Service selector, for the test that holds
    /// the simulation linear.
    static SELECTOR_CHECKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Whether a Service's selector picks this pod (same namespace, every
/// selector label equal; a Service without a selector, or with one the API
/// server would reject, picks nothing).
pub fn selects(service: &Value, pod: &Value) -> bool {
    #[cfg(test)]
    SELECTOR_CHECKS.with(|c| c.set(c.get() + 1));
    let Some(selector) = service
        .pointer("/spec/selector")
        .and_then(LabelSelector::from_json_map)
    else {
        return false;
    };
    if selector.is_empty()
        || str_at(service, "/metadata/namespace") != str_at(pod, "/metadata/namespace")
    {
        return false;
    }
    let no_labels = serde_json::Map::new();
    let labels = pod
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .unwrap_or(&no_labels);
    selector.matches(labels)
}

/// The container port a Service port's targetPort resolves to on `pod`.
fn target_port(service_port: &Value, pod: &Value) -> Option<i64> {
    let port = service_port.get("port").and_then(Value::as_i64);
    match service_port.get("targetPort") {
        None => port,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => pod
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .flat_map(|c| {
                    c.get("ports")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                })
                .find(|p| p.get("name").and_then(Value::as_str) == Some(s))
                .and_then(|p| p.get("containerPort").and_then(Value::as_i64)),
        },
        _ => port,
    }
}

/// The ports of a Service's endpoints: each Service port with its
/// targetPort resolved on `pod` (Endpoints and EndpointSlices list the same).
fn endpoint_ports(service: &Value, pod: &Value) -> Vec<Value> {
    service
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|sp| {
            let port = target_port(sp, pod)?;
            let protocol = sp.get("protocol").cloned().unwrap_or(json!("TCP"));
            let mut p = json!({"port": port, "protocol": protocol});
            if let Some(n) = sp.get("name") {
                p["name"] = n.clone();
            }
            Some(p)
        })
        .collect()
}

fn endpoints(service: &Value, pods: &[&Value]) -> Value {
    let name = str_at(service, "/metadata/name").unwrap_or("");
    let namespace = str_at(service, "/metadata/namespace").unwrap_or("default");
    let ports = endpoint_ports(service, pods[0]);
    let addresses: Vec<Value> = pods
        .iter()
        .map(|p| json!({
            "ip": p.pointer("/status/podIP").cloned().unwrap_or(Value::Null),
            "nodeName": p.pointer("/spec/nodeName").cloned().unwrap_or(Value::Null),
            "targetRef": {"kind": "Pod", "name": p.pointer("/metadata/name"), "namespace": namespace},
        }))
        .collect();
    json!({"apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": name, "namespace": namespace,
            "labels": service.pointer("/metadata/labels").cloned().unwrap_or(json!({}))},
        "subsets": [{"addresses": addresses, "ports": ports}]})
}

fn endpoint_slice(service: &Value, pods: &[&Value]) -> Value {
    let name = str_at(service, "/metadata/name").unwrap_or("");
    let namespace = str_at(service, "/metadata/namespace").unwrap_or("default");
    let ports = endpoint_ports(service, pods[0]);
    let endpoints: Vec<Value> = pods
        .iter()
        .map(|p| json!({
            "addresses": [p.pointer("/status/podIP").cloned().unwrap_or(Value::Null)],
            "conditions": {"ready": true, "serving": true, "terminating": false},
            "nodeName": p.pointer("/spec/nodeName").cloned().unwrap_or(Value::Null),
            "targetRef": {"kind": "Pod", "name": p.pointer("/metadata/name"), "namespace": namespace},
        }))
        .collect();
    let mut labels = service
        .pointer("/metadata/labels")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    labels["kubernetes.io/service-name"] = json!(name);
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": format!("{name}-sim"), "namespace": namespace, "labels": labels},
        "addressType": "IPv4", "endpoints": endpoints, "ports": ports})
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each Service is checked against the pods carrying its selector's
    /// first label only: 1,000 DaemonSets and Services on 3 nodes make
    /// 3,000 checks, not 3 million.
    #[test]
    fn services_check_only_candidate_pods() {
        let mut input = Vec::new();
        for i in 0..1000 {
            let labels = json!({"app": format!("a{i}"), "tier": "agents"});
            input.push(json!({
                "apiVersion": "apps/v1", "kind": "DaemonSet",
                "metadata": {"name": format!("a{i}"), "namespace": "ns"},
                "spec": {"selector": {"matchLabels": labels},
                         "template": {"metadata": {"labels": labels},
                                      "spec": {"containers": [{"name": "c", "image": "i"}]}}}
            }));
            input.push(json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": format!("a{i}"), "namespace": "ns"},
                "spec": {"selector": {"app": format!("a{i}")}, "ports": [{"port": 80}]}
            }));
        }
        SELECTOR_CHECKS.with(|c| c.set(0));
        let sim = simulate(&input, 3);
        assert_eq!(SELECTOR_CHECKS.with(|c| c.get()), 3000);
        let endpoints = sim.objects.iter().filter(|o| o["kind"] == "Endpoints");
        assert_eq!(endpoints.count(), 1000);
        let pod = &sim.workloads[999].pods[2];
        assert_eq!(sim.workload_of("ns", pod), Some(999));
        assert_eq!(sim.workload_of("other", pod), None);
    }

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

    #[test]
    fn workloads_services_and_endpoints() {
        let input = vec![
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                "spec": {"replicas": 5, "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]}}}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                "spec": {"selector": {"app": "web"}, "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "data"},
                "spec": {"replicas": 0, "template": {"spec": {"containers": [{"name": "db"}]}}}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}),
        ];
        let sim = simulate(&input, 2);
        assert_eq!(sim.workloads.len(), 2);
        assert_eq!(sim.workloads[0].pods, ["web-sim-sim01", "web-sim-sim02"]);
        assert_eq!(sim.workloads[0].namespace, "default");
        assert!(sim.workloads[1]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("0 replicas")));
        let kinds: Vec<&str> = sim
            .objects
            .iter()
            .filter_map(|o| o["kind"].as_str())
            .collect();
        assert_eq!(
            kinds,
            ["Service", "Endpoints", "EndpointSlice", "Pod", "Pod"]
        );
        let ep = &sim.objects[1];
        assert_eq!(ep["subsets"][0]["ports"][0]["port"], 8080);
        assert_eq!(ep["subsets"][0]["addresses"].as_array().unwrap().len(), 2);
        let pod = &sim.objects[3];
        assert_eq!(pod["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
        assert_eq!(sim.workload_of("default", "web-sim-sim02"), Some(0));
        // deterministic
        assert_eq!(
            format!("{:?}", simulate(&input, 2).objects),
            format!("{:?}", sim.objects)
        );
    }
}
