//! `role: endpointslice` (discovery/kubernetes/endpointslice.go).

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort, EndpointSlice};

use super::endpoints::{add_matching_container_labels, extra_pod_targets, remember, SeenPod};
use super::pod::{pod_labels, port_uint};
use super::service::service_labels;
use super::{
    add_namespace_labels, add_node_labels, add_object_meta_labels, join_host_port, meta_name,
    meta_namespace, sanitize_label_name, set, Env, LabelSet, Role, TargetGroup, ADDRESS_LABEL,
    META_PREFIX, NAMESPACE_LABEL, PRESENT_VALUE,
};

const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// Whether the slice is the secondary-family slice of a dual-stack service:
/// its targets would duplicate the primary family's, so the group keeps its
/// labels but gets no targets.
fn non_primary_ip_family_slice(svc: Option<&Service>, eps: &EndpointSlice) -> bool {
    let Some(spec) = svc.and_then(|s| s.spec.as_ref()) else {
        return false;
    };
    let dual = matches!(
        spec.ip_family_policy.as_deref(),
        Some("PreferDualStack" | "RequireDualStack")
    );
    match spec.ip_families.as_deref().and_then(|f| f.first()) {
        Some(primary) if dual => eps.address_type != *primary,
        _ => false,
    }
}

fn endpoint_target<'a>(
    eps: &EndpointSlice,
    addr: &str,
    ep: &Endpoint,
    port: &EndpointPort,
    env: &Env<'a>,
    seen: &mut Vec<SeenPod<'a>>,
) -> LabelSet {
    let mut t = LabelSet::new();
    let address = match port.port {
        Some(p) => join_host_port(addr, &port_uint(p)),
        None => addr.to_string(),
    };
    set(&mut t, ADDRESS_LABEL, address);
    let p = "__meta_kubernetes_endpointslice_";
    if let Some(n) = &port.name {
        set(&mut t, format!("{p}port_name"), n.as_str());
    }
    if let Some(proto) = &port.protocol {
        set(&mut t, format!("{p}port_protocol"), proto.as_str());
    }
    if let Some(n) = port.port {
        set(&mut t, format!("{p}port"), port_uint(n));
    }
    if let Some(ap) = &port.app_protocol {
        set(&mut t, format!("{p}port_app_protocol"), ap.as_str());
    }
    if let Some(c) = &ep.conditions {
        if let Some(b) = c.ready {
            set(
                &mut t,
                format!("{p}endpoint_conditions_ready"),
                b.to_string(),
            );
        }
        if let Some(b) = c.serving {
            set(
                &mut t,
                format!("{p}endpoint_conditions_serving"),
                b.to_string(),
            );
        }
        if let Some(b) = c.terminating {
            set(
                &mut t,
                format!("{p}endpoint_conditions_terminating"),
                b.to_string(),
            );
        }
    }
    if let Some(h) = &ep.hostname {
        set(&mut t, format!("{p}endpoint_hostname"), h.as_str());
    }
    // Present even for an empty targetRef, with empty values.
    if let Some(r) = &ep.target_ref {
        set(
            &mut t,
            format!("{p}address_target_kind"),
            r.kind.as_deref().unwrap_or(""),
        );
        set(
            &mut t,
            format!("{p}address_target_name"),
            r.name.as_deref().unwrap_or(""),
        );
    }
    if let Some(n) = &ep.node_name {
        set(&mut t, format!("{p}endpoint_node_name"), n.as_str());
    }
    if let Some(z) = &ep.zone {
        set(&mut t, format!("{p}endpoint_zone"), z.as_str());
    }
    // Keys in sorted order: on a sanitized-name collision the later key wins.
    for (k, v) in ep.deprecated_topology.iter().flatten() {
        let s = sanitize_label_name(k);
        set(&mut t, format!("{p}endpoint_topology_{s}"), v.as_str());
        set(
            &mut t,
            format!("{p}endpoint_topology_present_{s}"),
            PRESENT_VALUE,
        );
    }
    if env.cfg.attach_metadata.node {
        match &ep.target_ref {
            Some(r) if r.kind.as_deref() == Some("Node") => {
                add_node_labels(&mut t, env, Some(r.name.as_deref().unwrap_or("")));
            }
            _ => add_node_labels(&mut t, env, ep.node_name.as_deref()),
        }
    }
    let Some(pod) = env.resolve_pod_ref(ep.target_ref.as_ref(), meta_namespace(&eps.metadata))
    else {
        return t;
    };
    t.extend(pod_labels(pod, env));
    if let Some(n) = port.port {
        add_matching_container_labels(&mut t, pod, n, None);
    }
    remember(seen, pod, port.port);
    t
}

pub(super) fn build<'a>(eps: &EndpointSlice, env: &Env<'a>) -> TargetGroup {
    let ns = meta_namespace(&eps.metadata);
    let name = meta_name(&eps.metadata);
    let mut labels = LabelSet::new();
    set(&mut labels, NAMESPACE_LABEL, ns);
    set(
        &mut labels,
        format!("{META_PREFIX}endpointslice_address_type"),
        eps.address_type.as_str(),
    );
    add_object_meta_labels(&mut labels, &eps.metadata, Role::EndpointSlice);
    let svc = eps
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(SERVICE_NAME_LABEL))
        .and_then(|svc_name| env.cluster.services.get(ns, svc_name));
    if let Some(s) = svc {
        labels.extend(service_labels(s));
    }
    if env.cfg.attach_metadata.namespace {
        add_namespace_labels(&mut labels, env, ns);
    }
    let mut tg = TargetGroup {
        source: format!("endpointslice/{ns}/{name}"),
        labels,
        targets: Vec::new(),
    };
    if non_primary_ip_family_slice(svc, eps) {
        return tg;
    }

    let mut seen: Vec<SeenPod<'a>> = Vec::new();
    let ports = eps.ports.as_deref().unwrap_or_default();
    for ep in eps.endpoints.as_deref().unwrap_or_default() {
        for port in ports {
            for addr in &ep.addresses {
                tg.targets
                    .push(endpoint_target(eps, addr, ep, port, env, &mut seen));
            }
        }
    }
    extra_pod_targets(&seen, env, &mut tg.targets);
    tg
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testutil::{assert_groups, cfg, corpus, group, ls, run};
    use super::super::{LabelSet, Role};

    const P: &str = "__meta_kubernetes_endpointslice_";

    fn t(pairs: &[(&str, &str)]) -> LabelSet {
        pairs
            .iter()
            .map(|(k, v)| {
                let name = if k.starts_with("__") {
                    k.to_string()
                } else {
                    format!("{P}{k}")
                };
                (name, v.to_string())
            })
            .collect()
    }

    fn pod(ns: &str, ip: &str, containers: Value, init: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "testpod", "namespace": ns, "uid": "deadbeef"},
            "spec": {"nodeName": "testnode", "containers": containers, "initContainers": init},
            "status": {"hostIP": "2.3.4.5", "podIP": ip},
        })
    }

    fn pod_meta(ip: &str) -> LabelSet {
        ls(&[
            ("__meta_kubernetes_pod_name", "testpod"),
            ("__meta_kubernetes_pod_ip", ip),
            ("__meta_kubernetes_pod_ready", "unknown"),
            ("__meta_kubernetes_pod_phase", ""),
            ("__meta_kubernetes_pod_node_name", "testnode"),
            ("__meta_kubernetes_pod_host_ip", "2.3.4.5"),
            ("__meta_kubernetes_pod_uid", "deadbeef"),
        ])
    }

    fn container(name: &str, port_name: &str, number: &str, init: &str) -> LabelSet {
        ls(&[
            ("__meta_kubernetes_pod_container_name", name),
            (
                "__meta_kubernetes_pod_container_image",
                &format!("{name}:latest"),
            ),
            ("__meta_kubernetes_pod_container_port_name", port_name),
            ("__meta_kubernetes_pod_container_port_number", number),
            ("__meta_kubernetes_pod_container_port_protocol", "TCP"),
            ("__meta_kubernetes_pod_container_init", init),
        ])
    }

    fn plain_labels(ns: &str, name: &str) -> LabelSet {
        let mut l = t(&[("address_type", "IPv4"), ("name", name)]);
        l.insert("__meta_kubernetes_namespace".into(), ns.into());
        l
    }

    fn extra_target(addr: &str, pod_ip: &str, c: LabelSet) -> LabelSet {
        let mut target = ls(&[("__address__", addr)]);
        target.extend(pod_meta(pod_ip));
        target.extend(c);
        target
    }

    #[test]
    fn nil_port_gives_bare_address_and_all_container_ports() {
        let objs = [
            json!({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": "s", "namespace": "default"},
                "addressType": "IPv4",
                "ports": [{}],
                "endpoints": [{"addresses": ["4.3.2.1"],
                    "targetRef": {"kind": "Pod", "name": "testpod", "namespace": "default"}}],
            }),
            pod(
                "default",
                "4.3.2.1",
                json!([{"name": "c1", "image": "c1:latest", "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]}]),
                json!(null),
            ),
        ];
        let mut first = t(&[
            ("__address__", "4.3.2.1"),
            ("address_target_kind", "Pod"),
            ("address_target_name", "testpod"),
        ]);
        first.extend(pod_meta("4.3.2.1"));
        assert_groups(
            &run(&objs, &cfg(Role::EndpointSlice)),
            &[group(
                "endpointslice/default/s",
                plain_labels("default", "s"),
                vec![
                    first,
                    extra_target(
                        "4.3.2.1:9000",
                        "4.3.2.1",
                        container("c1", "mainport", "9000", "false"),
                    ),
                ],
            )],
        );
    }

    #[test]
    fn v1beta1_topology_is_read_as_deprecated_topology() {
        let obj = json!({
            "apiVersion": "discovery.k8s.io/v1beta1", "kind": "EndpointSlice",
            "metadata": {"name": "old", "namespace": "default"},
            "addressType": "IPv4",
            "ports": [{"port": 80}],
            "endpoints": [{"addresses": ["10.0.0.1"], "topology": {"kubernetes.io/hostname": "n1"}}],
        });
        assert_groups(
            &run(&[obj], &cfg(Role::EndpointSlice)),
            &[group(
                "endpointslice/default/old",
                plain_labels("default", "old"),
                vec![t(&[
                    ("__address__", "10.0.0.1:80"),
                    ("port", "80"),
                    ("endpoint_topology_kubernetes_io_hostname", "n1"),
                    ("endpoint_topology_present_kubernetes_io_hostname", "true"),
                ])],
            )],
        );
    }

    #[test]
    fn corpus_k9s_endpointslice() {
        let obj = corpus(include_str!("../../testdata/k8s-objects/k9s__eps.json"));
        let target = |addr: &str| {
            t(&[
                ("__address__", addr),
                ("port", "4244"),
                ("port_name", "peer-service"),
                ("port_protocol", "TCP"),
                ("endpoint_conditions_ready", "true"),
                ("endpoint_conditions_serving", "true"),
                ("endpoint_conditions_terminating", "false"),
                ("endpoint_node_name", "n-1"),
                ("address_target_kind", "Pod"),
                ("address_target_name", "zorg"),
            ])
        };
        assert_groups(
            &run(&[obj], &cfg(Role::EndpointSlice)),
            &[group(
                "endpointslice/blee/fred",
                plain_labels("blee", "fred"),
                vec![target("172.20.0.2:4244"), target("172.20.0.3:4244")],
            )],
        );
    }
}
