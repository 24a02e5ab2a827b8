//! Cross-role behaviour: configuration checks, selectors, object loading and
//! robustness against malformed input.

use serde_json::{json, Value};

use super::testutil::{cfg, cfg_ns, corpus, field_selector, label_selector, run};
use super::{
    discover, go_lower, join_host_port, sanitize_label_name, AttachMetadata, Role, RoleSelector,
    SdConfig,
};

const ALL_ROLES: [Role; 6] = Role::ALL;

fn sources(objs: &[Value], c: &SdConfig) -> Vec<String> {
    run(objs, c).into_iter().map(|g| g.source).collect()
}

fn pod(ns: &str, name: &str, ip: &str, node: &str, phase: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"nodeName": node, "containers": [{"name": "c"}]},
        "status": {"podIP": ip, "phase": phase},
    })
}

fn error_of(objs: &[Value], c: &SdConfig) -> super::SdError {
    match discover(objs, c) {
        Ok(g) => panic!("expected an error, got {g:?}"),
        Err(e) => e,
    }
}

#[test]
fn role_names_round_trip() {
    for role in ALL_ROLES {
        assert_eq!(Role::parse(role.as_str()), Some(role));
    }
    assert_eq!(Role::parse("Endpoints"), None);
    assert_eq!(Role::parse("endpoint"), None);
}

#[test]
fn sanitize_and_join() {
    assert_eq!(
        sanitize_label_name("app.kubernetes.io/name"),
        "app_kubernetes_io_name"
    );
    assert_eq!(sanitize_label_name("Unschedulable"), "Unschedulable");
    // One underscore per Unicode character, not per byte.
    assert_eq!(sanitize_label_name("ünï-日本"), "_n____");
    assert_eq!(go_lower("ReadyΣ\u{130}"), "readyσi");
    assert_eq!(join_host_port("::1", "80"), "[::1]:80");
    assert_eq!(join_host_port("10.0.0.1", "80"), "10.0.0.1:80");
    assert_eq!(join_host_port("", "80"), ":80");
}

#[test]
fn selector_roles_are_validated() {
    let mut c = cfg(Role::Pod);
    c.selectors = vec![label_selector(Role::Service, "a=b")];
    assert_eq!(
        error_of(&[], &c).message,
        "pod role supports only pod, node selectors"
    );
    let mut c = cfg(Role::Endpoints);
    c.selectors = vec![label_selector(Role::Node, "a=b")];
    assert_eq!(
        error_of(&[], &c).message,
        "endpoints role supports only pod, service, endpoints selectors"
    );
    let mut c = cfg(Role::Pod);
    c.selectors = vec![
        label_selector(Role::Pod, "a=b"),
        field_selector(Role::Pod, ""),
    ];
    assert_eq!(error_of(&[], &c).message, "duplicated selector role: pod");
    let mut c = cfg(Role::Pod);
    c.selectors = vec![label_selector(Role::Pod, "a in b")];
    let e = error_of(&[], &c);
    assert_eq!(e.object_index, None);
    assert!(
        e.message.contains("invalid label selector"),
        "{}",
        e.message
    );
}

#[test]
fn unsupported_field_selector_is_an_error() {
    let mut c = cfg(Role::Pod);
    c.selectors = vec![field_selector(Role::Pod, "spec.containers=x")];
    let e = error_of(&[], &c);
    assert!(
        e.message.contains("field label not supported"),
        "{}",
        e.message
    );
    assert!(e.message.contains("spec.containers"), "{}", e.message);
    let mut c = cfg(Role::Node);
    c.selectors = vec![field_selector(Role::Node, "metadata.namespace=x")];
    assert!(discover(&[], &c).is_err());
    let mut c = cfg(Role::Pod);
    c.selectors = vec![field_selector(Role::Pod, "metadata.name")];
    assert!(discover(&[], &c).is_err());
}

#[test]
fn pod_field_selectors() {
    let objs = [
        pod("ns1", "a", "1.1.1.1", "n1", "Running"),
        pod("ns2", "b", "1.1.1.2", "n2", "Pending"),
        pod("ns2", "c", "1.1.1.3", "n1", "Running"),
    ];
    for (field, want) in [
        ("metadata.name=a", vec!["pod/ns1/a"]),
        ("metadata.name==b", vec!["pod/ns2/b"]),
        ("metadata.namespace=ns2", vec!["pod/ns2/b", "pod/ns2/c"]),
        ("metadata.namespace!=ns2", vec!["pod/ns1/a"]),
        ("spec.nodeName=n1", vec!["pod/ns1/a", "pod/ns2/c"]),
        ("spec.nodeName!=n1", vec!["pod/ns2/b"]),
        ("status.phase=Running", vec!["pod/ns1/a", "pod/ns2/c"]),
        ("status.phase=Running,metadata.name!=a", vec!["pod/ns2/c"]),
        ("status.podIP=1.1.1.2", vec!["pod/ns2/b"]),
        (
            "spec.hostNetwork=false",
            vec!["pod/ns1/a", "pod/ns2/b", "pod/ns2/c"],
        ),
        ("", vec!["pod/ns1/a", "pod/ns2/b", "pod/ns2/c"]),
    ] {
        let mut c = cfg(Role::Pod);
        c.selectors = vec![field_selector(Role::Pod, field)];
        assert_eq!(sources(&objs, &c), want, "field selector {field:?}");
    }
}

#[test]
fn label_selector_on_primary_objects() {
    let svc = |name: &str, labels: Value| {
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "d", "labels": labels}})
    };
    let objs = [
        svc("a", json!({"app": "web", "tier": "fe"})),
        svc("b", json!({"app": "db"})),
        svc("c", json!(null)),
    ];
    for (label, want) in [
        ("app=web", vec!["svc/d/a"]),
        ("app!=web", vec!["svc/d/b", "svc/d/c"]),
        ("app in (web, db)", vec!["svc/d/a", "svc/d/b"]),
        ("!app", vec!["svc/d/c"]),
        // An absent label satisfies `notin`.
        ("app,tier notin (be)", vec!["svc/d/a", "svc/d/b"]),
        ("app,tier", vec!["svc/d/a"]),
    ] {
        let mut c = cfg(Role::Service);
        c.selectors = vec![RoleSelector {
            role: Role::Service,
            label: Some(label.to_string()),
            field: Some("metadata.namespace=d".to_string()),
        }];
        assert_eq!(sources(&objs, &c), want, "label selector {label:?}");
    }
}

#[test]
fn namespace_filter_and_empty_name_means_all() {
    let objs = [
        pod("a", "p", "1.1.1.1", "n", ""),
        pod("b", "p", "1.1.1.1", "n", ""),
    ];
    assert_eq!(sources(&objs, &cfg_ns(Role::Pod, &["b"])), ["pod/b/p"]);
    assert_eq!(sources(&objs, &cfg_ns(Role::Pod, &["b", "b"])), ["pod/b/p"]);
    assert_eq!(
        sources(&objs, &cfg_ns(Role::Pod, &["b", ""])),
        ["pod/a/p", "pod/b/p"]
    );
    // Nodes are cluster-scoped: the node role ignores namespaces.
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
        "status": {"addresses": [{"type": "InternalIP", "address": "1.2.3.4"}]}});
    assert_eq!(sources(&[node], &cfg_ns(Role::Node, &["x"])), ["node/n"]);
}

#[test]
fn duplicates_last_copy_wins_at_first_position() {
    let objs = [
        pod("d", "a", "1.1.1.1", "n", ""),
        pod("d", "b", "2.2.2.2", "n", ""),
        pod("d", "a", "3.3.3.3", "n", ""),
    ];
    let groups = run(&objs, &cfg(Role::Pod));
    let got: Vec<(&str, &str)> = groups
        .iter()
        .map(|g| {
            (
                g.source.as_str(),
                g.labels
                    .get("__meta_kubernetes_pod_ip")
                    .map_or("", String::as_str),
            )
        })
        .collect();
    assert_eq!(got, [("pod/d/a", "3.3.3.3"), ("pod/d/b", "2.2.2.2")]);
}

#[test]
fn sanitized_label_collisions_are_deterministic() {
    let p = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "d",
            "labels": {"a_b": "underscore", "a.b": "dot", "a-b": "dash"}},
        "spec": {"containers": []}, "status": {"podIP": "1.1.1.1"}});
    let groups = run(&[p], &cfg(Role::Pod));
    assert_eq!(
        groups
            .first()
            .and_then(|g| g.labels.get("__meta_kubernetes_pod_label_a_b"))
            .map(String::as_str),
        Some("underscore")
    );
}

#[test]
fn decode_errors_name_the_object() {
    let bad = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns", "labels": {"a": 1}}});
    let objs = [
        pod("d", "ok", "1.1.1.1", "n", ""),
        json!({"kind": "Other"}),
        bad,
    ];
    let e = error_of(&objs, &cfg(Role::Pod));
    assert_eq!(e.object_index, Some(2));
    assert!(e.message.contains("Pod \"ns/p\""), "{}", e.message);
    assert!(e.message.contains("invalid type"), "{}", e.message);
    assert!(e.to_string().starts_with("object #2: "));

    let bad_node = json!({"kind": "Node", "metadata": {"name": "n"}, "spec": 5});
    let e = error_of(&[bad_node], &cfg(Role::Node));
    assert!(e.message.contains("Node \"n\""), "{}", e.message);
}

#[test]
fn kinds_a_role_does_not_read_are_ignored() {
    let bad_service = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "s", "namespace": "d"}, "spec": 5});
    let objs = [pod("d", "p", "1.1.1.1", "n", ""), bad_service];
    assert_eq!(sources(&objs, &cfg(Role::Pod)), ["pod/d/p"]);
    // The endpoints role reads Services, so there the same object is an error.
    assert_eq!(error_of(&objs, &cfg(Role::Endpoints)).object_index, Some(1));
    // A ReplicaSet is read only with attach_metadata.deployment.
    let bad_rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": 7});
    let objs = [pod("d", "p", "1.1.1.1", "n", ""), bad_rs];
    assert!(discover(&objs, &cfg(Role::Pod)).is_ok());
    let mut c = cfg(Role::Pod);
    c.attach_metadata.deployment = true;
    assert!(discover(&objs, &c).is_err());
}

#[test]
fn all_corpus_objects_together() {
    let objs: Vec<Value> = [
        include_str!("../../testdata/k8s-objects/k9s__po.json"),
        include_str!("../../testdata/k8s-objects/k9s__no.json"),
        include_str!("../../testdata/k8s-objects/k9s__svc.json"),
        include_str!("../../testdata/k8s-objects/k9s__ep.json"),
        include_str!("../../testdata/k8s-objects/k9s__eps.json"),
        include_str!("../../testdata/k8s-objects/k9s__ing.json"),
        include_str!("../../testdata/k8s-objects/k9s__ds.json"),
    ]
    .iter()
    .map(|s| corpus(s))
    .collect();
    for (role, want) in [
        (Role::Pod, "pod/default/nginx"),
        (Role::Node, "node/minikube"),
        (Role::Service, "svc/default/dictionary1"),
        (Role::Endpoints, "endpoints/ns-1/blee"),
        (Role::EndpointSlice, "endpointslice/blee/fred"),
        (Role::Ingress, "ingress/default/test-ingress"),
    ] {
        assert_eq!(sources(&objs, &cfg(role)), [want], "role {}", role.as_str());
    }
    // The pod's node is in the input: node metadata attaches.
    let mut c = cfg(Role::Pod);
    c.attach_metadata.node = true;
    let groups = run(&objs, &c);
    assert_eq!(
        groups
            .first()
            .and_then(|g| g
                .labels
                .get("__meta_kubernetes_node_label_kubernetes_io_hostname"))
            .map(String::as_str),
        Some("minikube")
    );
}

fn odd_objects() -> Vec<Value> {
    let mut objs = vec![
        json!(null),
        json!(1),
        json!("Pod"),
        json!([]),
        json!({}),
        json!({"kind": 5}),
        json!({"kind": "Pod", "apiVersion": 5}),
        json!({"kind": "Pod", "apiVersion": "v2/weird/x"}),
    ];
    for kind in [
        "Pod",
        "Node",
        "Service",
        "Endpoints",
        "EndpointSlice",
        "Ingress",
        "Namespace",
        "ReplicaSet",
        "Job",
    ] {
        objs.extend([
            json!({"kind": kind}),
            json!({"kind": kind, "metadata": null, "spec": null, "status": null}),
            json!({"kind": kind, "metadata": {}}),
            json!({"kind": kind, "metadata": {"name": "", "namespace": ""}}),
            json!({"kind": kind, "metadata": {"name": 5}}),
            json!({"kind": kind, "metadata": {"labels": {"a": null}}}),
            json!({"kind": kind, "metadata": {"ownerReferences": [{}]}}),
            json!({"kind": kind, "metadata": {"ownerReferences": [{"controller": "yes"}]}}),
            json!({"kind": kind, "spec": [], "status": "x"}),
            json!({"kind": kind, "apiVersion": "v1", "metadata": {"name": "x"}, "spec": {}, "status": {}}),
        ]);
    }
    objs.extend([
        json!({"kind": "Pod", "metadata": {"name": "p",
            "ownerReferences": [{"controller": true}, {"kind": "ReplicaSet", "controller": true}]},
            "spec": {"containers": [{}, {"ports": [{}, {"containerPort": -1}]}], "initContainers": null},
            "status": {"podIP": "::1", "conditions": [{}], "containerStatuses": [{}]}}),
        json!({"kind": "Pod", "metadata": {"name": "q"}, "spec": {"containers": null},
            "status": {"podIP": "1.1.1.1", "initContainerStatuses": []}}),
        json!({"kind": "Node", "metadata": {"name": "n"},
            "status": {"addresses": [{}], "conditions": [{}], "daemonEndpoints": {}}}),
        json!({"kind": "Node", "metadata": {"name": ""},
            "status": {"addresses": [{"type": "Hostname"}], "daemonEndpoints": {"kubeletEndpoint": {}}}}),
        json!({"kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{}], "type": "LoadBalancer", "ipFamilyPolicy": "RequireDualStack", "ipFamilies": []},
            "status": {"loadBalancer": {"ingress": [{}, {"ip": ""}]}}}),
        json!({"kind": "Service", "metadata": {"name": "s2"}, "spec": {"type": "ExternalName"}}),
        json!({"kind": "Endpoints", "metadata": {"name": "e"},
            "subsets": [{}, {"ports": [{}], "addresses": [{}], "notReadyAddresses": null},
                {"ports": [{"port": 1}], "addresses": [{"targetRef": {}}, {"targetRef": {"kind": "Pod"}},
                    {"targetRef": {"kind": "Node"}, "nodeName": ""}]}]}),
        json!({"kind": "EndpointSlice", "metadata": {"name": "es",
            "labels": {"kubernetes.io/service-name": "s"}},
            "endpoints": [{}, {"addresses": []}, {"addresses": ["a"], "conditions": {},
                "targetRef": {"kind": "Pod"}, "deprecatedTopology": {"": ""}}],
            "ports": [{}, {"port": 0}]}),
        json!({"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1beta1",
            "endpoints": [{"addresses": ["b"], "topology": null}, 5], "ports": null}),
        json!({"kind": "Ingress", "metadata": {"name": "i"},
            "spec": {"rules": [{}, {"http": null}, {"http": {"paths": null}}, {"http": {"paths": [{}]}}],
                "tls": [{}, {"hosts": ["*"]}, {"hosts": []}]}}),
        json!({"kind": "ReplicaSet", "metadata": {"name": "rs", "ownerReferences": [{"kind": "Deployment"}]}}),
        json!({"kind": "Job", "metadata": {"name": "j", "ownerReferences": [{"kind": "CronJob", "controller": true}]}}),
        json!({"kind": "Namespace", "metadata": {"name": "", "labels": {"": ""}}}),
    ]);
    objs
}

#[test]
fn odd_shapes_never_panic() {
    let attach_all = AttachMetadata {
        node: true,
        namespace: true,
        deployment: true,
        job: true,
        cronjob: true,
    };
    let objs = odd_objects();
    for role in ALL_ROLES {
        for attach in [AttachMetadata::default(), attach_all.clone()] {
            for namespaces in [vec![], vec![String::new()], vec!["x".to_string()]] {
                let c = SdConfig {
                    role,
                    namespaces,
                    attach_metadata: attach.clone(),
                    selectors: vec![],
                };
                // Every object alone, then all at once (stops at the first bad one).
                for (i, obj) in objs.iter().enumerate() {
                    if let Err(e) = discover(std::slice::from_ref(obj), &c) {
                        assert_eq!(e.object_index, Some(0), "object {i}: {e}");
                    }
                }
                let _ = discover(&objs, &c);
                let decodable: Vec<Value> = objs
                    .iter()
                    .filter(|o| discover(std::slice::from_ref(o), &c).is_ok())
                    .cloned()
                    .collect();
                assert!(discover(&decodable, &c).is_ok());
            }
        }
    }
}
