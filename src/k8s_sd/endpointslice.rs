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

    use super::super::testutil::{
        assert_groups, cfg, cfg_meta, cfg_ns, corpus, group, ls, namespace, node, run,
    };
    use super::super::{AttachMetadata, LabelSet, Role, TargetGroup};

    const P: &str = "__meta_kubernetes_endpointslice_";

    /// The upstream tests' `makeEndpointSliceV1`.
    fn slice(ns: &str) -> Value {
        json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "testendpoints", "namespace": ns,
                "labels": {"kubernetes.io/service-name": "testendpoints"},
                "annotations": {"test.annotation": "test"}},
            "addressType": "IPv4",
            "ports": [{"name": "testport", "port": 9000, "protocol": "TCP", "appProtocol": "http"}],
            "endpoints": [
                {"addresses": ["1.2.3.4"],
                 "conditions": {"ready": true, "serving": true, "terminating": false},
                 "hostname": "testendpoint1", "targetRef": {}, "nodeName": "foobar",
                 "deprecatedTopology": {"topology": "value"}, "zone": "us-east-1a"},
                {"addresses": ["2.3.4.5"],
                 "conditions": {"ready": true, "serving": true, "terminating": false},
                 "zone": "us-east-1b"},
                {"addresses": ["3.4.5.6"],
                 "conditions": {"ready": false, "serving": true, "terminating": true},
                 "zone": "us-east-1c"},
                {"addresses": ["4.5.6.7"],
                 "conditions": {"ready": true, "serving": true, "terminating": false},
                 "targetRef": {"kind": "Node", "name": "barbaz"}, "zone": "us-east-1a"},
            ],
        })
    }

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

    fn port_labels() -> Vec<(&'static str, &'static str)> {
        vec![
            ("port", "9000"),
            ("port_app_protocol", "http"),
            ("port_name", "testport"),
            ("port_protocol", "TCP"),
        ]
    }

    fn conditions(
        ready: &'static str,
        terminating: &'static str,
    ) -> Vec<(&'static str, &'static str)> {
        vec![
            ("endpoint_conditions_ready", ready),
            ("endpoint_conditions_serving", "true"),
            ("endpoint_conditions_terminating", terminating),
        ]
    }

    fn slice_targets() -> Vec<LabelSet> {
        let mk = |extra: Vec<(&'static str, &'static str)>| {
            let mut pairs = port_labels();
            pairs.extend(extra);
            t(&pairs)
        };
        let mut first = vec![
            ("__address__", "1.2.3.4:9000"),
            ("address_target_kind", ""),
            ("address_target_name", ""),
            ("endpoint_hostname", "testendpoint1"),
            ("endpoint_node_name", "foobar"),
            ("endpoint_topology_present_topology", "true"),
            ("endpoint_topology_topology", "value"),
            ("endpoint_zone", "us-east-1a"),
        ];
        first.extend(conditions("true", "false"));
        let mut second = vec![
            ("__address__", "2.3.4.5:9000"),
            ("endpoint_zone", "us-east-1b"),
        ];
        second.extend(conditions("true", "false"));
        let mut third = vec![
            ("__address__", "3.4.5.6:9000"),
            ("endpoint_zone", "us-east-1c"),
        ];
        third.extend(conditions("false", "true"));
        let mut fourth = vec![
            ("__address__", "4.5.6.7:9000"),
            ("address_target_kind", "Node"),
            ("address_target_name", "barbaz"),
            ("endpoint_zone", "us-east-1a"),
        ];
        fourth.extend(conditions("true", "false"));
        vec![mk(first), mk(second), mk(third), mk(fourth)]
    }

    fn slice_labels(ns: &str) -> LabelSet {
        let mut l = t(&[
            ("address_type", "IPv4"),
            ("name", "testendpoints"),
            ("label_kubernetes_io_service_name", "testendpoints"),
            ("labelpresent_kubernetes_io_service_name", "true"),
            ("annotation_test_annotation", "test"),
            ("annotationpresent_test_annotation", "true"),
        ]);
        l.insert("__meta_kubernetes_namespace".into(), ns.into());
        l
    }

    fn slice_group(ns: &str) -> TargetGroup {
        group(
            &format!("endpointslice/{ns}/testendpoints"),
            slice_labels(ns),
            slice_targets(),
        )
    }

    fn service(ns: &str, labels: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "testendpoints", "namespace": ns, "labels": labels},
        })
    }

    fn service_labels(pairs: &[(&str, &str)]) -> LabelSet {
        let mut l = ls(&[("__meta_kubernetes_service_name", "testendpoints")]);
        for (k, v) in pairs {
            l.insert(
                format!("__meta_kubernetes_service_label_{k}"),
                v.to_string(),
            );
            l.insert(
                format!("__meta_kubernetes_service_labelpresent_{k}"),
                "true".into(),
            );
        }
        l
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

    fn pod_slice(ns: &str, name: &str, ports: Value, conditions: Value) -> Value {
        json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "namespace": ns},
            "addressType": "IPv4",
            "ports": ports,
            "endpoints": [{"addresses": ["4.3.2.1"],
                "targetRef": {"kind": "Pod", "name": "testpod", "namespace": ns},
                "conditions": conditions}],
        })
    }

    fn plain_labels(ns: &str, name: &str) -> LabelSet {
        let mut l = t(&[("address_type", "IPv4"), ("name", name)]);
        l.insert("__meta_kubernetes_namespace".into(), ns.into());
        l
    }

    fn pod_target(port: &str, port_name: &str, pod_ip: &str, c: LabelSet) -> LabelSet {
        let mut target = t(&[
            ("__address__", &format!("4.3.2.1:{port}")),
            ("address_target_kind", "Pod"),
            ("address_target_name", "testpod"),
            ("port", port),
            ("port_name", port_name),
            ("port_protocol", "TCP"),
        ]);
        target.extend(pod_meta(pod_ip));
        target.extend(c);
        target
    }

    fn extra_target(addr: &str, pod_ip: &str, c: LabelSet) -> LabelSet {
        let mut target = ls(&[("__address__", addr)]);
        target.extend(pod_meta(pod_ip));
        target.extend(c);
        target
    }

    #[test]
    fn endpoints_ports_conditions_and_topology() {
        assert_groups(
            &run(
                &[slice("default")],
                &cfg_ns(Role::EndpointSlice, &["default"]),
            ),
            &[slice_group("default")],
        );
    }

    #[test]
    fn pod_enrichment_and_uncovered_container_ports() {
        let objs = [
            pod(
                "default",
                "1.2.3.4",
                json!([
                    {"name": "c1", "image": "c1:latest", "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]},
                    {"name": "c2", "image": "c2:latest", "ports": [{"name": "sideport", "containerPort": 9001, "protocol": "TCP"}]},
                ]),
                json!(null),
            ),
            pod_slice(
                "default",
                "testendpoints",
                json!([{"name": "testport", "port": 9000, "protocol": "TCP"}]),
                json!({"ready": false}),
            ),
        ];
        let mut first = pod_target(
            "9000",
            "testport",
            "1.2.3.4",
            container("c1", "mainport", "9000", "false"),
        );
        first.extend(t(&[("endpoint_conditions_ready", "false")]));
        assert_groups(
            &run(&objs, &cfg_ns(Role::EndpointSlice, &["default"])),
            &[group(
                "endpointslice/default/testendpoints",
                plain_labels("default", "testendpoints"),
                vec![
                    first,
                    extra_target(
                        "1.2.3.4:9001",
                        "1.2.3.4",
                        container("c2", "sideport", "9001", "false"),
                    ),
                ],
            )],
        );
    }

    #[test]
    fn without_labels_and_fewer_endpoints() {
        let mut obj = slice("default");
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("labels");
            m.remove("annotations");
        }
        if let Some(eps) = obj["endpoints"].as_array_mut() {
            eps.truncate(2);
        }
        let mut targets = slice_targets();
        targets.truncate(2);
        assert_groups(
            &run(&[obj], &cfg(Role::EndpointSlice)),
            &[group(
                "endpointslice/default/testendpoints",
                plain_labels("default", "testendpoints"),
                targets,
            )],
        );
    }

    #[test]
    fn empty_endpoints() {
        let mut obj = slice("default");
        obj["endpoints"] = json!([]);
        assert_groups(
            &run(&[obj], &cfg(Role::EndpointSlice)),
            &[group(
                "endpointslice/default/testendpoints",
                slice_labels("default"),
                vec![],
            )],
        );
    }

    #[test]
    fn service_labels_via_service_name_label() {
        for labels in [
            vec![("app_name", "test")],
            vec![("app_name", "svc"), ("component", "testing")],
        ] {
            let raw: serde_json::Map<String, Value> = labels
                .iter()
                .map(|(k, v)| (k.replace('_', "/"), json!(v)))
                .collect();
            let objs = [slice("default"), service("default", Value::Object(raw))];
            let mut want = slice_group("default");
            want.labels.extend(service_labels(&labels));
            assert_groups(
                &run(&objs, &cfg_ns(Role::EndpointSlice, &["default"])),
                &[want],
            );
        }
    }

    #[test]
    fn node_metadata() {
        let objs = [
            slice("default"),
            node("foobar", "", "", json!({"az": "us-east1"})),
            node("barbaz", "", "", json!({"az": "us-west2"})),
            service("default", json!({"app/name": "test"})),
        ];
        let mut want = slice_group("default");
        want.labels.extend(service_labels(&[("app_name", "test")]));
        let node_labels = |name: &str, az: &str| {
            ls(&[
                ("__meta_kubernetes_node_label_az", az),
                ("__meta_kubernetes_node_labelpresent_az", "true"),
                ("__meta_kubernetes_node_name", name),
            ])
        };
        if let Some(x) = want.targets.get_mut(0) {
            x.extend(node_labels("foobar", "us-east1"));
        }
        if let Some(x) = want.targets.get_mut(3) {
            x.extend(node_labels("barbaz", "us-west2"));
        }
        let attach = AttachMetadata {
            node: true,
            ..AttachMetadata::default()
        };
        assert_groups(&run(&objs, &cfg_meta(Role::EndpointSlice, attach)), &[want]);
    }

    #[test]
    fn namespaces() {
        let mut ns1_slice = slice("default");
        ns1_slice["metadata"]["namespace"] = json!("ns1");
        let objs = [
            ns1_slice,
            pod_slice(
                "ns2",
                "testendpoints",
                json!([{"name": "testport", "port": 9000, "protocol": "TCP"}]),
                json!(null),
            ),
            service("ns1", json!({"app": "app1"})),
            pod(
                "ns2",
                "4.3.2.1",
                json!([{"name": "c1", "image": "c1:latest", "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]}]),
                json!(null),
            ),
            slice("non-own-ns"),
        ];
        let mut ns1 = slice_group("ns1");
        ns1.labels.extend(service_labels(&[("app", "app1")]));
        let ns2 = group(
            "endpointslice/ns2/testendpoints",
            plain_labels("ns2", "testendpoints"),
            vec![pod_target(
                "9000",
                "testport",
                "4.3.2.1",
                container("c1", "mainport", "9000", "false"),
            )],
        );
        assert_groups(
            &run(&objs, &cfg_ns(Role::EndpointSlice, &["ns1", "ns2"])),
            &[ns1, ns2],
        );
    }

    #[test]
    fn sidecar_init_containers_use_container_protocol() {
        let objs = [
            pod_slice(
                "default",
                "testsidecar",
                json!([
                    {"name": "testport", "port": 9000, "protocol": "TCP"},
                    {"name": "initport", "port": 9111, "protocol": "UDP"},
                ]),
                json!(null),
            ),
            pod(
                "default",
                "4.3.2.1",
                json!([{"name": "c1", "image": "c1:latest", "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]}]),
                json!([
                    {"name": "ic1", "image": "ic1:latest", "ports": [{"name": "initport", "containerPort": 1111, "protocol": "TCP"}]},
                    {"name": "ic2", "image": "ic2:latest", "ports": [{"name": "initport", "containerPort": 9111, "protocol": "TCP"}]},
                ]),
            ),
        ];
        let mut init_target = pod_target(
            "9111",
            "initport",
            "4.3.2.1",
            container("ic2", "initport", "9111", "true"),
        );
        init_target.insert(format!("{P}port_protocol"), "UDP".into());
        assert_groups(
            &run(&objs, &cfg(Role::EndpointSlice)),
            &[group(
                "endpointslice/default/testsidecar",
                plain_labels("default", "testsidecar"),
                vec![
                    pod_target(
                        "9000",
                        "testport",
                        "4.3.2.1",
                        container("c1", "mainport", "9000", "false"),
                    ),
                    init_target,
                    extra_target(
                        "4.3.2.1:1111",
                        "4.3.2.1",
                        container("ic1", "initport", "1111", "true"),
                    ),
                ],
            )],
        );
    }

    #[test]
    fn namespace_metadata() {
        let objs = [
            namespace(
                "test-ns",
                json!({"service": "web", "layer": "frontend"}),
                json!({"contact": "platform", "release": "v5.6.7"}),
            ),
            service("test-ns", json!({"app/name": "test"})),
            slice("test-ns"),
        ];
        let mut want = slice_group("test-ns");
        want.labels.extend(service_labels(&[("app_name", "test")]));
        want.labels.extend(ls(&[
            ("__meta_kubernetes_namespace_annotation_contact", "platform"),
            (
                "__meta_kubernetes_namespace_annotationpresent_contact",
                "true",
            ),
            ("__meta_kubernetes_namespace_annotation_release", "v5.6.7"),
            (
                "__meta_kubernetes_namespace_annotationpresent_release",
                "true",
            ),
            ("__meta_kubernetes_namespace_label_service", "web"),
            ("__meta_kubernetes_namespace_labelpresent_service", "true"),
            ("__meta_kubernetes_namespace_label_layer", "frontend"),
            ("__meta_kubernetes_namespace_labelpresent_layer", "true"),
        ]));
        let attach = AttachMetadata {
            namespace: true,
            ..AttachMetadata::default()
        };
        assert_groups(&run(&objs, &cfg_meta(Role::EndpointSlice, attach)), &[want]);
    }

    fn dual_stack_service(policy: &str, families: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "testsvc", "namespace": "default"},
            "spec": {"ipFamilyPolicy": policy, "ipFamilies": families},
        })
    }

    fn dual_stack_slice(name: &str, addr_type: &str, addr: &str) -> Value {
        json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "namespace": "default",
                "labels": {"kubernetes.io/service-name": "testsvc"}},
            "addressType": addr_type,
            "ports": [{"name": "http", "port": 9000, "protocol": "TCP"}],
            "endpoints": [{"addresses": [addr], "conditions": {"ready": true}}],
        })
    }

    fn dual_stack_group(addr_type: &str, name: &str, addr: Option<&str>) -> TargetGroup {
        let mut labels = t(&[
            ("address_type", addr_type),
            ("name", name),
            ("label_kubernetes_io_service_name", "testsvc"),
            ("labelpresent_kubernetes_io_service_name", "true"),
        ]);
        labels.extend(ls(&[
            ("__meta_kubernetes_namespace", "default"),
            ("__meta_kubernetes_service_name", "testsvc"),
        ]));
        let targets = addr
            .map(|a| {
                vec![t(&[
                    ("__address__", a),
                    ("endpoint_conditions_ready", "true"),
                    ("port", "9000"),
                    ("port_name", "http"),
                    ("port_protocol", "TCP"),
                ])]
            })
            .unwrap_or_default();
        group(&format!("endpointslice/default/{name}"), labels, targets)
    }

    #[test]
    fn dual_stack_secondary_slice_has_no_targets() {
        for policy in ["PreferDualStack", "RequireDualStack"] {
            let objs = [
                dual_stack_service(policy, json!(["IPv4", "IPv6"])),
                dual_stack_slice("testsvc-ipv4", "IPv4", "1.2.3.4"),
                dual_stack_slice("testsvc-ipv6", "IPv6", "fd00::1"),
            ];
            assert_groups(
                &run(&objs, &cfg_ns(Role::EndpointSlice, &["default"])),
                &[
                    dual_stack_group("IPv4", "testsvc-ipv4", Some("1.2.3.4:9000")),
                    dual_stack_group("IPv6", "testsvc-ipv6", None),
                ],
            );
        }
        let objs = [
            dual_stack_service("PreferDualStack", json!(["IPv6", "IPv4"])),
            dual_stack_slice("testsvc-ipv6", "IPv6", "fd00::1"),
            dual_stack_slice("testsvc-ipv4", "IPv4", "1.2.3.4"),
        ];
        assert_groups(
            &run(&objs, &cfg_ns(Role::EndpointSlice, &["default"])),
            &[
                dual_stack_group("IPv6", "testsvc-ipv6", Some("[fd00::1]:9000")),
                dual_stack_group("IPv4", "testsvc-ipv4", None),
            ],
        );
    }

    #[test]
    fn single_stack_is_unaffected() {
        for (family, name, addr, want) in [
            ("IPv4", "testsvc-ipv4", "1.2.3.4", "1.2.3.4:9000"),
            ("IPv6", "testsvc-ipv6", "fd00::1", "[fd00::1]:9000"),
        ] {
            let objs = [
                dual_stack_service("SingleStack", json!([family])),
                dual_stack_slice(name, family, addr),
            ];
            assert_groups(
                &run(&objs, &cfg_ns(Role::EndpointSlice, &["default"])),
                &[dual_stack_group(family, name, Some(want))],
            );
        }
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
