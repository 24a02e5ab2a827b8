//! `role: endpoints` (discovery/kubernetes/endpoints.go).

use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, Endpoints, Pod};

use super::pod::{
    containers, pod_ip, pod_labels, port_uint, CONTAINER_IMAGE, CONTAINER_INIT, CONTAINER_NAME,
    CONTAINER_PORT_NAME, CONTAINER_PORT_NUMBER, CONTAINER_PORT_PROTOCOL,
};
use super::service::service_labels;
use super::{
    add_namespace_labels, add_node_labels, add_object_meta_labels, join_host_port, meta_name,
    meta_namespace, set, Env, LabelSet, Role, TargetGroup, ADDRESS_LABEL, NAMESPACE_LABEL,
};

/// A pod referenced by the object's addresses and the ports already targeted.
pub(super) struct SeenPod<'a> {
    pub(super) pod: &'a Pod,
    pub(super) ports: Vec<i32>,
}

/// Records `port` for `pod`. Pods are kept in first-reference order; Go keeps
/// them in a map, so the order of the extra per-port targets is unspecified
/// there.
pub(super) fn remember<'a>(seen: &mut Vec<SeenPod<'a>>, pod: &'a Pod, port: Option<i32>) {
    let key = (meta_namespace(&pod.metadata), meta_name(&pod.metadata));
    let idx = match seen
        .iter()
        .position(|s| (meta_namespace(&s.pod.metadata), meta_name(&s.pod.metadata)) == key)
    {
        Some(i) => i,
        None => {
            seen.push(SeenPod {
                pod,
                ports: Vec::new(),
            });
            seen.len() - 1
        }
    };
    if let (Some(s), Some(p)) = (seen.get_mut(idx), port) {
        s.ports.push(p);
    }
}

/// One target per container port of each seen pod with an IP that no
/// endpoint port covered.
pub(super) fn extra_pod_targets(seen: &[SeenPod], env: &Env, targets: &mut Vec<LabelSet>) {
    for s in seen {
        let ip = pod_ip(s.pod);
        if ip.is_empty() {
            continue;
        }
        for (c, init) in containers(s.pod) {
            for cport in c.ports.as_deref().unwrap_or_default() {
                if s.ports.contains(&cport.container_port) {
                    continue;
                }
                let number = port_uint(cport.container_port);
                let mut t = LabelSet::new();
                set(&mut t, ADDRESS_LABEL, join_host_port(ip, &number));
                set(&mut t, CONTAINER_NAME, c.name.as_str());
                set(&mut t, CONTAINER_IMAGE, c.image.as_deref().unwrap_or(""));
                set(
                    &mut t,
                    CONTAINER_PORT_NAME,
                    cport.name.as_deref().unwrap_or(""),
                );
                set(&mut t, CONTAINER_PORT_NUMBER, number);
                set(
                    &mut t,
                    CONTAINER_PORT_PROTOCOL,
                    cport.protocol.as_deref().unwrap_or(""),
                );
                set(&mut t, CONTAINER_INIT, init.to_string());
                t.extend(pod_labels(s.pod, env));
                targets.push(t);
            }
        }
    }
}

/// Container labels for the container exposing `port`; when several do, the
/// last one wins. `protocol` is what the role reports as the port protocol:
/// the endpoint's for endpoints, the container's own for endpointslice.
pub(super) fn add_matching_container_labels(
    target: &mut LabelSet,
    pod: &Pod,
    port: i32,
    endpoint_protocol: Option<&str>,
) {
    for (c, init) in containers(pod) {
        if let Some(cport) = c
            .ports
            .as_deref()
            .unwrap_or_default()
            .iter()
            .find(|p| p.container_port == port)
        {
            let protocol = endpoint_protocol.unwrap_or(cport.protocol.as_deref().unwrap_or(""));
            set(target, CONTAINER_NAME, c.name.as_str());
            set(target, CONTAINER_IMAGE, c.image.as_deref().unwrap_or(""));
            set(
                target,
                CONTAINER_PORT_NAME,
                cport.name.as_deref().unwrap_or(""),
            );
            set(target, CONTAINER_PORT_NUMBER, port_uint(port));
            set(target, CONTAINER_PORT_PROTOCOL, protocol);
            set(target, CONTAINER_INIT, init.to_string());
        }
    }
}

fn address_target<'a>(
    eps: &Endpoints,
    addr: &EndpointAddress,
    port: &EndpointPort,
    ready: bool,
    env: &Env<'a>,
    seen: &mut Vec<SeenPod<'a>>,
) -> LabelSet {
    let mut t = LabelSet::new();
    set(
        &mut t,
        ADDRESS_LABEL,
        join_host_port(&addr.ip, &port_uint(port.port)),
    );
    set(
        &mut t,
        "__meta_kubernetes_endpoint_port_name",
        port.name.as_deref().unwrap_or(""),
    );
    set(
        &mut t,
        "__meta_kubernetes_endpoint_port_protocol",
        port.protocol.as_deref().unwrap_or(""),
    );
    set(
        &mut t,
        "__meta_kubernetes_endpoint_ready",
        ready.to_string(),
    );
    if let Some(r) = &addr.target_ref {
        set(
            &mut t,
            "__meta_kubernetes_endpoint_address_target_kind",
            r.kind.as_deref().unwrap_or(""),
        );
        set(
            &mut t,
            "__meta_kubernetes_endpoint_address_target_name",
            r.name.as_deref().unwrap_or(""),
        );
    }
    if let Some(n) = &addr.node_name {
        set(&mut t, "__meta_kubernetes_endpoint_node_name", n.as_str());
    }
    if let Some(h) = addr.hostname.as_deref().filter(|h| !h.is_empty()) {
        set(&mut t, "__meta_kubernetes_endpoint_hostname", h);
    }
    if env.cfg.attach_metadata.node {
        if let Some(n) = &addr.node_name {
            add_node_labels(&mut t, env, Some(n));
        } else if let Some(r) = addr
            .target_ref
            .as_ref()
            .filter(|r| r.kind.as_deref() == Some("Node"))
        {
            add_node_labels(&mut t, env, Some(r.name.as_deref().unwrap_or("")));
        }
    }
    let Some(pod) = env.resolve_pod_ref(addr.target_ref.as_ref(), meta_namespace(&eps.metadata))
    else {
        return t;
    };
    t.extend(pod_labels(pod, env));
    add_matching_container_labels(
        &mut t,
        pod,
        port.port,
        Some(port.protocol.as_deref().unwrap_or("")),
    );
    remember(seen, pod, Some(port.port));
    t
}

pub(super) fn build<'a>(eps: &Endpoints, env: &Env<'a>) -> TargetGroup {
    let ns = meta_namespace(&eps.metadata);
    let name = meta_name(&eps.metadata);
    let mut labels = LabelSet::new();
    set(&mut labels, NAMESPACE_LABEL, ns);
    if let Some(svc) = env.cluster.services.get(ns, name) {
        labels.extend(service_labels(svc));
    }
    add_object_meta_labels(&mut labels, &eps.metadata, Role::Endpoints);
    if env.cfg.attach_metadata.namespace {
        add_namespace_labels(&mut labels, env, ns);
    }

    let mut targets = Vec::new();
    let mut seen: Vec<SeenPod<'a>> = Vec::new();
    for subset in eps.subsets.as_deref().unwrap_or_default() {
        let ready = subset.addresses.as_deref().unwrap_or_default();
        let not_ready = subset.not_ready_addresses.as_deref().unwrap_or_default();
        for port in subset.ports.as_deref().unwrap_or_default() {
            for addr in ready {
                targets.push(address_target(eps, addr, port, true, env, &mut seen));
            }
            for addr in not_ready {
                targets.push(address_target(eps, addr, port, false, env, &mut seen));
            }
        }
    }
    extra_pod_targets(&seen, env, &mut targets);

    TargetGroup {
        source: format!("endpoints/{ns}/{name}"),
        labels,
        targets,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testutil::{
        assert_groups, cfg, cfg_meta, cfg_ns, corpus, group, label_selector, ls, run,
    };
    use super::super::{AttachMetadata, LabelSet, Role, TargetGroup};

    /// A pod as in the upstream endpoints tests (no phase, no conditions).
    fn pod(ns: &str, ip: &str, containers: Value, init: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "testpod", "namespace": ns, "uid": "deadbeef"},
            "spec": {"nodeName": "testnode", "containers": containers, "initContainers": init},
            "status": {"hostIP": "2.3.4.5", "podIP": ip},
        })
    }

    fn pod_ref_endpoints(ns: &str, name: &str, ip: &str, ports: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": name, "namespace": ns},
            "subsets": [{
                "addresses": [{"ip": ip, "targetRef": {"kind": "Pod", "name": "testpod", "namespace": ns}}],
                "ports": ports,
            }],
        })
    }

    fn plain_group(ns: &str, name: &str, targets: Vec<LabelSet>) -> TargetGroup {
        group(
            &format!("endpoints/{ns}/{name}"),
            ls(&[
                ("__meta_kubernetes_namespace", ns),
                ("__meta_kubernetes_endpoints_name", name),
            ]),
            targets,
        )
    }

    fn two_container_pod(ns: &str) -> Value {
        pod(
            ns,
            "1.2.3.4",
            json!([
                {"name": "c1", "image": "c1:latest", "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]},
                {"name": "c2", "image": "c2:latest", "ports": [{"name": "sideport", "containerPort": 9001, "protocol": "TCP"}]},
            ]),
            json!(null),
        )
    }

    #[test]
    fn last_container_with_the_port_wins_and_endpoint_protocol_is_used() {
        let objs = [
            pod_ref_endpoints(
                "default",
                "e",
                "4.3.2.1",
                json!([{"name": "p", "port": 8080, "protocol": "UDP"}]),
            ),
            pod(
                "default",
                "",
                json!([
                    {"name": "a", "image": "a:latest", "ports": [{"name": "first", "containerPort": 8080, "protocol": "TCP"}]},
                    {"name": "b", "image": "b:latest", "ports": [{"name": "second", "containerPort": 8080, "protocol": "TCP"}]},
                ]),
                json!(null),
            ),
        ];
        let groups = run(&objs, &cfg(Role::Endpoints));
        let targets: Vec<&LabelSet> = groups.iter().flat_map(|g| &g.targets).collect();
        // No pod IP: no extra targets, but the referenced target is enriched.
        assert_eq!(targets.len(), 1);
        let t = targets.first().copied().cloned().unwrap_or_default();
        assert_eq!(
            t.get("__meta_kubernetes_pod_container_name")
                .map(String::as_str),
            Some("b")
        );
        assert_eq!(
            t.get("__meta_kubernetes_pod_container_port_name")
                .map(String::as_str),
            Some("second")
        );
        assert_eq!(
            t.get("__meta_kubernetes_pod_container_port_protocol")
                .map(String::as_str),
            Some("UDP")
        );
        assert!(!t.contains_key("__meta_kubernetes_pod_container_id"));
    }

    #[test]
    fn pod_selector_and_namespace_scope_limit_enrichment() {
        let mut p = two_container_pod("other");
        p["metadata"]["labels"] = json!({"app": "x"});
        let eps = json!({
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "e", "namespace": "default"},
            "subsets": [{
                "addresses": [{"ip": "4.3.2.1", "targetRef": {"kind": "Pod", "name": "testpod", "namespace": "other"}}],
                "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}],
            }],
        });
        let objs = [eps, p];
        let enriched = |c: &super::super::SdConfig| {
            run(&objs, c)
                .iter()
                .flat_map(|g| &g.targets)
                .any(|t| t.contains_key("__meta_kubernetes_pod_name"))
        };
        // All namespaces: one pod informer sees the pod in "other".
        assert!(enriched(&cfg(Role::Endpoints)));
        // Per-namespace informers only see pods of the endpoints' namespace.
        assert!(!enriched(&cfg_ns(Role::Endpoints, &["default", "other"])));
        let mut c = cfg(Role::Endpoints);
        c.selectors = vec![label_selector(Role::Pod, "app=y")];
        assert!(!enriched(&c));
        c.selectors = vec![label_selector(Role::Pod, "app=x")];
        assert!(enriched(&c));
    }

    #[test]
    fn pod_owner_metadata_reaches_endpoint_targets() {
        let mut p = two_container_pod("default");
        p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1",
            "kind": "ReplicaSet", "name": "rs", "uid": "", "controller": true}]);
        // An older API version of the ReplicaSet is read all the same.
        let rs = json!({"apiVersion": "extensions/v1beta1", "kind": "ReplicaSet",
            "metadata": {"name": "rs", "namespace": "default", "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "dep", "uid": "", "controller": true}]}});
        let objs = [
            pod_ref_endpoints(
                "default",
                "e",
                "4.3.2.1",
                json!([{"name": "testport", "port": 9000, "protocol": "TCP"}]),
            ),
            p,
            rs,
        ];
        let attach = AttachMetadata {
            deployment: true,
            ..AttachMetadata::default()
        };
        let groups = run(&objs, &cfg_meta(Role::Endpoints, attach));
        let targets: Vec<&LabelSet> = groups.iter().flat_map(|g| &g.targets).collect();
        assert_eq!(targets.len(), 2);
        for t in targets {
            assert_eq!(
                t.get("__meta_kubernetes_pod_deployment_name")
                    .map(String::as_str),
                Some("dep")
            );
            assert_eq!(
                t.get("__meta_kubernetes_pod_controller_kind")
                    .map(String::as_str),
                Some("ReplicaSet")
            );
        }
    }

    #[test]
    fn corpus_k9s_endpoints() {
        let obj = corpus(include_str!("../../testdata/k8s-objects/k9s__ep.json"));
        assert_groups(
            &run(&[obj], &cfg(Role::Endpoints)),
            &[plain_group(
                "ns-1",
                "blee",
                vec![ls(&[
                    ("__address__", "10.0.0.67:8080"),
                    ("__meta_kubernetes_endpoint_port_name", "http"),
                    ("__meta_kubernetes_endpoint_port_protocol", "TCP"),
                    ("__meta_kubernetes_endpoint_ready", "true"),
                    ("__meta_kubernetes_endpoint_address_target_kind", "Pod"),
                    ("__meta_kubernetes_endpoint_address_target_name", "blah"),
                    ("__meta_kubernetes_endpoint_node_name", "n-1"),
                ])],
            )],
        );
    }
}
