//! `role: service` (discovery/kubernetes/service.go).

use k8s_openapi::api::core::v1::Service;

use super::{
    add_namespace_labels, add_object_meta_labels, join_host_port, meta_name, meta_namespace, set,
    Env, LabelSet, Role, TargetGroup, ADDRESS_LABEL, NAMESPACE_LABEL,
};

/// Group labels of a service; the endpoints roles merge them into theirs.
pub(super) fn service_labels(svc: &Service) -> LabelSet {
    let mut ls = LabelSet::new();
    set(&mut ls, NAMESPACE_LABEL, meta_namespace(&svc.metadata));
    add_object_meta_labels(&mut ls, &svc.metadata, Role::Service);
    ls
}

/// status.loadBalancer.ingress IPs joined with ',', falling back to the
/// deprecated spec.loadBalancerIP.
fn load_balancer_ips(svc: &Service) -> String {
    let ips: Vec<&str> = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_deref())
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i.ip.as_deref())
        .filter(|ip| !ip.is_empty())
        .collect();
    if ips.is_empty() {
        svc.spec
            .as_ref()
            .and_then(|s| s.load_balancer_ip.clone())
            .unwrap_or_default()
    } else {
        ips.join(",")
    }
}

pub(super) fn build(svc: &Service, env: &Env) -> TargetGroup {
    let ns = meta_namespace(&svc.metadata);
    let name = meta_name(&svc.metadata);
    let mut labels = service_labels(svc);
    if env.cfg.attach_metadata.namespace {
        add_namespace_labels(&mut labels, env, ns);
    }
    let spec = svc.spec.as_ref();
    let svc_type = spec.and_then(|s| s.type_.as_deref()).unwrap_or("");
    let mut targets = Vec::new();
    for port in spec.and_then(|s| s.ports.as_deref()).unwrap_or_default() {
        let number = i64::from(port.port).to_string();
        let mut t = LabelSet::new();
        set(
            &mut t,
            ADDRESS_LABEL,
            join_host_port(&format!("{name}.{ns}.svc"), &number),
        );
        set(
            &mut t,
            "__meta_kubernetes_service_port_name",
            port.name.as_deref().unwrap_or(""),
        );
        set(&mut t, "__meta_kubernetes_service_port_number", number);
        set(
            &mut t,
            "__meta_kubernetes_service_port_protocol",
            port.protocol.as_deref().unwrap_or(""),
        );
        set(&mut t, "__meta_kubernetes_service_type", svc_type);
        if svc_type == "ExternalName" {
            set(
                &mut t,
                "__meta_kubernetes_service_external_name",
                spec.and_then(|s| s.external_name.as_deref()).unwrap_or(""),
            );
        } else {
            set(
                &mut t,
                "__meta_kubernetes_service_cluster_ip",
                spec.and_then(|s| s.cluster_ip.as_deref()).unwrap_or(""),
            );
        }
        if svc_type == "LoadBalancer" {
            set(
                &mut t,
                "__meta_kubernetes_service_loadbalancer_ip",
                load_balancer_ips(svc),
            );
        }
        targets.push(t);
    }
    TargetGroup {
        source: format!("svc/{ns}/{name}"),
        labels,
        targets,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::testutil::{assert_groups, cfg, corpus, group, ls, run};
    use super::super::{LabelSet, Role};

    /// The upstream tests' `makeService`.
    fn service(ns: &str) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "testservice", "namespace": ns},
            "spec": {
                "ports": [{"name": "testport", "protocol": "TCP", "port": 30900}],
                "type": "ClusterIP", "clusterIP": "10.0.0.1",
            },
        })
    }

    fn port_target(addr: &str, name: &str, number: &str, proto: &str, ty: &str) -> LabelSet {
        ls(&[
            ("__address__", addr),
            ("__meta_kubernetes_service_port_name", name),
            ("__meta_kubernetes_service_port_number", number),
            ("__meta_kubernetes_service_port_protocol", proto),
            ("__meta_kubernetes_service_type", ty),
        ])
    }

    #[test]
    fn no_ports_no_targets() {
        let mut svc = service("default");
        svc["spec"]["ports"] = json!([]);
        let groups = run(&[svc], &cfg(Role::Service));
        assert_eq!(groups.len(), 1);
        assert!(groups.iter().all(|g| g.targets.is_empty()));
    }

    #[test]
    fn corpus_k9s_service() {
        let obj = corpus(include_str!("../../testdata/k8s-objects/k9s__svc.json"));
        let applied = obj["metadata"]["annotations"]
            ["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut labels = ls(&[
            ("__meta_kubernetes_namespace", "default"),
            ("__meta_kubernetes_service_name", "dictionary1"),
            (
                "__meta_kubernetes_service_annotationpresent_kubectl_kubernetes_io_last_applied_configuration",
                "true",
            ),
        ]);
        labels.insert(
            "__meta_kubernetes_service_annotation_kubectl_kubernetes_io_last_applied_configuration"
                .into(),
            applied,
        );
        let mut t = port_target(
            "dictionary1.default.svc:4001",
            "http",
            "4001",
            "TCP",
            "ClusterIP",
        );
        t.insert(
            "__meta_kubernetes_service_cluster_ip".into(),
            "10.47.248.116".into(),
        );
        assert_groups(
            &run(&[obj], &cfg(Role::Service)),
            &[group("svc/default/dictionary1", labels, vec![t])],
        );
    }
}
