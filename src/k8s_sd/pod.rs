//! `role: pod` (discovery/kubernetes/pod.go), plus the pod labels the
//! endpoints and endpointslice roles attach.

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod};

use super::{
    add_namespace_labels, add_node_labels, add_object_meta_labels, controller_of, go_lower,
    join_host_port, meta_name, meta_namespace, set, Env, LabelSet, Role, TargetGroup,
    ADDRESS_LABEL, NAMESPACE_LABEL,
};

pub(super) const CONTAINER_NAME: &str = "__meta_kubernetes_pod_container_name";
pub(super) const CONTAINER_ID: &str = "__meta_kubernetes_pod_container_id";
pub(super) const CONTAINER_IMAGE: &str = "__meta_kubernetes_pod_container_image";
pub(super) const CONTAINER_PORT_NAME: &str = "__meta_kubernetes_pod_container_port_name";
pub(super) const CONTAINER_PORT_NUMBER: &str = "__meta_kubernetes_pod_container_port_number";
pub(super) const CONTAINER_PORT_PROTOCOL: &str = "__meta_kubernetes_pod_container_port_protocol";
pub(super) const CONTAINER_INIT: &str = "__meta_kubernetes_pod_container_init";

pub(super) fn source(namespace: &str, name: &str) -> String {
    format!("pod/{namespace}/{name}")
}

pub(super) fn pod_ip(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.pod_ip.as_deref())
        .unwrap_or("")
}

pub(super) fn node_name(pod: &Pod) -> &str {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or("")
}

/// The regular containers followed by the init containers, each with its
/// `init` flag.
pub(super) fn containers(pod: &Pod) -> impl Iterator<Item = (&Container, bool)> {
    let spec = pod.spec.as_ref();
    let regular = spec.map(|s| s.containers.as_slice()).unwrap_or_default();
    let init = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or_default();
    regular
        .iter()
        .map(|c| (c, false))
        .chain(init.iter().map(|c| (c, true)))
}

/// Go formats container/endpoint ports via `uint64(int32)`, which
/// sign-extends negative values; `as u64` does the same.
pub(super) fn port_uint(port: i32) -> String {
    (port as u64).to_string()
}

/// Lower-cased status of the Ready condition, `unknown` without one.
fn pod_ready(pod: &Pod) -> String {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .map_or_else(|| "unknown".to_string(), |c| go_lower(&c.status))
}

/// Pod-level labels (no namespace), shared with the endpoints roles.
pub(super) fn pod_labels(pod: &Pod, env: &Env) -> LabelSet {
    let am = &env.cfg.attach_metadata;
    let status = pod.status.as_ref();
    let mut ls = LabelSet::new();
    set(&mut ls, "__meta_kubernetes_pod_ip", pod_ip(pod));
    set(&mut ls, "__meta_kubernetes_pod_ready", pod_ready(pod));
    set(
        &mut ls,
        "__meta_kubernetes_pod_phase",
        status.and_then(|s| s.phase.as_deref()).unwrap_or(""),
    );
    set(&mut ls, "__meta_kubernetes_pod_node_name", node_name(pod));
    set(
        &mut ls,
        "__meta_kubernetes_pod_host_ip",
        status.and_then(|s| s.host_ip.as_deref()).unwrap_or(""),
    );
    set(
        &mut ls,
        "__meta_kubernetes_pod_uid",
        pod.metadata.uid.as_deref().unwrap_or(""),
    );
    add_object_meta_labels(&mut ls, &pod.metadata, Role::Pod);

    let Some(owner) = controller_of(&pod.metadata) else {
        return ls;
    };
    if !owner.kind.is_empty() {
        set(
            &mut ls,
            "__meta_kubernetes_pod_controller_kind",
            owner.kind.as_str(),
        );
    }
    if !owner.name.is_empty() {
        set(
            &mut ls,
            "__meta_kubernetes_pod_controller_name",
            owner.name.as_str(),
        );
    }
    let ns = meta_namespace(&pod.metadata);
    match owner.kind.as_str() {
        "ReplicaSet" if am.deployment => {
            let deployment = env
                .cluster
                .replica_sets
                .get(ns, &owner.name)
                .and_then(|rs| controller_of(&rs.metadata))
                .filter(|o| o.kind == "Deployment");
            if let Some(d) = deployment {
                set(
                    &mut ls,
                    "__meta_kubernetes_pod_deployment_name",
                    d.name.as_str(),
                );
            }
        }
        "Job" => {
            if am.job {
                set(
                    &mut ls,
                    "__meta_kubernetes_pod_job_name",
                    owner.name.as_str(),
                );
            }
            if am.cronjob {
                let cronjob = env
                    .cluster
                    .jobs
                    .get(ns, &owner.name)
                    .and_then(|job| controller_of(&job.metadata))
                    .filter(|o| o.kind == "CronJob");
                if let Some(c) = cronjob {
                    set(
                        &mut ls,
                        "__meta_kubernetes_pod_cronjob_name",
                        c.name.as_str(),
                    );
                }
            }
        }
        _ => {}
    }
    ls
}

/// Container ID from the first status entry with the container's name.
fn container_id<'a>(statuses: Option<&'a Vec<ContainerStatus>>, name: &str) -> &'a str {
    statuses
        .and_then(|ss| ss.iter().find(|s| s.name == name))
        .and_then(|s| s.container_id.as_deref())
        .unwrap_or("")
}

pub(super) fn build(pod: &Pod, env: &Env) -> TargetGroup {
    let ns = meta_namespace(&pod.metadata);
    let mut tg = TargetGroup {
        source: source(ns, meta_name(&pod.metadata)),
        labels: LabelSet::new(),
        targets: Vec::new(),
    };
    // A pod without IP (starting, evicted) yields an empty group.
    let ip = pod_ip(pod);
    if ip.is_empty() {
        return tg;
    }
    let am = &env.cfg.attach_metadata;
    // Pods on nodes missing from the node cache (e.g. filtered out by a node
    // selector) yield an empty group too.
    if am.node && env.cluster.nodes.get("", node_name(pod)).is_none() {
        return tg;
    }

    tg.labels = pod_labels(pod, env);
    set(&mut tg.labels, NAMESPACE_LABEL, ns);
    if am.node {
        add_node_labels(&mut tg.labels, env, Some(node_name(pod)));
    }
    if am.namespace {
        add_namespace_labels(&mut tg.labels, env, ns);
    }

    let status = pod.status.as_ref();
    for (c, init) in containers(pod) {
        let statuses = if init {
            status.and_then(|s| s.init_container_statuses.as_ref())
        } else {
            status.and_then(|s| s.container_statuses.as_ref())
        };
        let mut base = LabelSet::new();
        set(&mut base, CONTAINER_NAME, c.name.as_str());
        set(&mut base, CONTAINER_ID, container_id(statuses, &c.name));
        set(&mut base, CONTAINER_IMAGE, c.image.as_deref().unwrap_or(""));
        set(&mut base, CONTAINER_INIT, init.to_string());

        let ports = c.ports.as_deref().unwrap_or_default();
        if ports.is_empty() {
            // No port: the bare pod IP; a port has to be added by relabeling.
            let mut t = base;
            set(&mut t, ADDRESS_LABEL, ip);
            tg.targets.push(t);
            continue;
        }
        for port in ports {
            let number = port_uint(port.container_port);
            let mut t = base.clone();
            set(&mut t, ADDRESS_LABEL, join_host_port(ip, &number));
            set(&mut t, CONTAINER_PORT_NUMBER, number);
            set(
                &mut t,
                CONTAINER_PORT_NAME,
                port.name.as_deref().unwrap_or(""),
            );
            set(
                &mut t,
                CONTAINER_PORT_PROTOCOL,
                port.protocol.as_deref().unwrap_or(""),
            );
            tg.targets.push(t);
        }
    }
    tg
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testutil::{assert_groups, cfg, corpus, group, ls, run};
    use super::super::Role;

    /// The upstream tests' `makePods`.
    fn simple_pod(ns: &str) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "testpod", "namespace": ns, "uid": "abc123"},
            "spec": {
                "nodeName": "testnode",
                "containers": [{"name": "testcontainer", "image": "testcontainer:latest", "ports": [
                    {"name": "testport", "protocol": "TCP", "containerPort": 9000},
                ]}],
            },
            "status": {
                "podIP": "1.2.3.4", "hostIP": "2.3.4.5", "phase": "Running",
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "testcontainer", "containerID": "docker://a1b2c3d4e5f6"}],
            },
        })
    }

    #[test]
    fn controller_is_first_owner_marked_controller_and_empty_fields_skipped() {
        let mut pod = simple_pod("default");
        pod["metadata"]["ownerReferences"] = json!([
            {"apiVersion": "v1", "kind": "Other", "name": "o", "uid": ""},
            {"apiVersion": "v1", "kind": "", "name": "ctrl", "uid": "", "controller": true},
            {"apiVersion": "v1", "kind": "Later", "name": "l", "uid": "", "controller": true},
        ]);
        let groups = run(&[pod], &cfg(Role::Pod));
        let labels = groups.first().map(|g| g.labels.clone()).unwrap_or_default();
        assert_eq!(
            labels
                .get("__meta_kubernetes_pod_controller_name")
                .map(String::as_str),
            Some("ctrl")
        );
        assert!(!labels.contains_key("__meta_kubernetes_pod_controller_kind"));
    }

    #[test]
    fn ipv6_pod_ip_is_bracketed() {
        let mut pod = simple_pod("default");
        pod["status"]["podIP"] = json!("fd00::5");
        let groups = run(&[pod], &cfg(Role::Pod));
        let addrs: Vec<&str> = groups
            .iter()
            .flat_map(|g| &g.targets)
            .filter_map(|t| t.get("__address__").map(String::as_str))
            .collect();
        assert_eq!(addrs, ["[fd00::5]:9000"]);
    }

    #[test]
    fn corpus_k9s_pod() {
        let obj = corpus(include_str!("../../testdata/k8s-objects/k9s__po.json"));
        let applied = obj["metadata"]["annotations"]
            ["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(applied.starts_with("{\"apiVersion\":\"v1\",\"kind\":\"Pod\""));
        let mut labels = ls(&[
            ("__meta_kubernetes_namespace", "default"),
            ("__meta_kubernetes_pod_name", "nginx"),
            ("__meta_kubernetes_pod_ip", "172.17.0.6"),
            ("__meta_kubernetes_pod_ready", "true"),
            ("__meta_kubernetes_pod_phase", "Running"),
            ("__meta_kubernetes_pod_node_name", "minikube"),
            ("__meta_kubernetes_pod_host_ip", "192.168.64.104"),
            ("__meta_kubernetes_pod_uid", "614908ed-415b-4506-8370-e3e36fa8cc13"),
            (
                "__meta_kubernetes_pod_annotationpresent_kubectl_kubernetes_io_last_applied_configuration",
                "true",
            ),
        ]);
        labels.insert(
            "__meta_kubernetes_pod_annotation_kubectl_kubernetes_io_last_applied_configuration"
                .into(),
            applied,
        );
        let target = ls(&[
            ("__address__", "172.17.0.6:80"),
            ("__meta_kubernetes_pod_container_name", "nginx"),
            (
                "__meta_kubernetes_pod_container_id",
                "docker://421bd26d6c682f14b5ea1dcaf06e14a509b2b702fc7793e820520eb1e28e2eaf",
            ),
            ("__meta_kubernetes_pod_container_image", "nginx:alpine"),
            ("__meta_kubernetes_pod_container_port_name", ""),
            ("__meta_kubernetes_pod_container_port_number", "80"),
            ("__meta_kubernetes_pod_container_port_protocol", "TCP"),
            ("__meta_kubernetes_pod_container_init", "false"),
        ]);
        assert_groups(
            &run(&[obj], &cfg(Role::Pod)),
            &[group("pod/default/nginx", labels, vec![target])],
        );
    }
}
