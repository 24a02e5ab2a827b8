//! `role: ingress` (discovery/kubernetes/ingress.go).

use k8s_openapi::api::networking::v1::Ingress;

use super::{
    add_namespace_labels, add_object_meta_labels, meta_name, meta_namespace, set, Env, LabelSet,
    Role, TargetGroup, ADDRESS_LABEL, NAMESPACE_LABEL,
};

/// Equal names, or a `*.rest` pattern whose labels after the first equal
/// the host's (same number of labels).
fn matches_hostname_pattern(pattern: &str, host: &str) -> bool {
    if pattern == host {
        return true;
    }
    let pattern_parts: Vec<&str> = pattern.split('.').collect();
    let host_parts: Vec<&str> = host.split('.').collect();
    if pattern_parts.first() != Some(&"*") || pattern_parts.len() != host_parts.len() {
        return false;
    }
    pattern_parts.iter().skip(1).eq(host_parts.iter().skip(1))
}

pub(super) fn build(ingress: &Ingress, env: &Env) -> TargetGroup {
    let ns = meta_namespace(&ingress.metadata);
    let name = meta_name(&ingress.metadata);
    let spec = ingress.spec.as_ref();
    let mut labels = LabelSet::new();
    set(&mut labels, NAMESPACE_LABEL, ns);
    if let Some(class) = spec.and_then(|s| s.ingress_class_name.as_deref()) {
        set(&mut labels, "__meta_kubernetes_ingress_class_name", class);
    }
    add_object_meta_labels(&mut labels, &ingress.metadata, Role::Ingress);
    if env.cfg.attach_metadata.namespace {
        add_namespace_labels(&mut labels, env, ns);
    }

    let tls_hosts: Vec<&str> = spec
        .and_then(|s| s.tls.as_deref())
        .unwrap_or_default()
        .iter()
        .flat_map(|t| t.hosts.as_deref().unwrap_or_default())
        .map(String::as_str)
        .collect();
    let mut targets = Vec::new();
    for rule in spec.and_then(|s| s.rules.as_deref()).unwrap_or_default() {
        let host = rule.host.as_deref().unwrap_or("");
        let scheme = if tls_hosts.iter().any(|p| matches_hostname_pattern(p, host)) {
            "https"
        } else {
            "http"
        };
        // A rule without `http` stands for "/"; an `http` block with no
        // paths yields no targets; an empty path is "/".
        let paths: Vec<&str> = match &rule.http {
            None => vec!["/"],
            Some(http) => http
                .paths
                .iter()
                .map(|p| match p.path.as_deref() {
                    None | Some("") => "/",
                    Some(path) => path,
                })
                .collect(),
        };
        for path in paths {
            let mut t = LabelSet::new();
            set(&mut t, ADDRESS_LABEL, host);
            set(&mut t, "__meta_kubernetes_ingress_scheme", scheme);
            set(&mut t, "__meta_kubernetes_ingress_host", host);
            set(&mut t, "__meta_kubernetes_ingress_path", path);
            targets.push(t);
        }
    }
    TargetGroup {
        source: format!("ingress/{ns}/{name}"),
        labels,
        targets,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testutil::{assert_groups, cfg, corpus, group, ls, run};
    use super::super::{LabelSet, Role};
    use super::matches_hostname_pattern;

    fn target(scheme: &str, host: &str, path: &str) -> LabelSet {
        ls(&[
            ("__meta_kubernetes_ingress_scheme", scheme),
            ("__meta_kubernetes_ingress_host", host),
            ("__meta_kubernetes_ingress_path", path),
            ("__address__", host),
        ])
    }

    #[test]
    fn rule_without_http_and_without_host() {
        let obj = json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "namespace": "default"},
            "spec": {"rules": [{"host": "a.example"}, {"http": {"paths": [{"path": "/x"}]}}]},
        });
        assert_groups(
            &run(&[obj], &cfg(Role::Ingress)),
            &[group(
                "ingress/default/i",
                ls(&[
                    ("__meta_kubernetes_namespace", "default"),
                    ("__meta_kubernetes_ingress_name", "i"),
                ]),
                vec![target("http", "a.example", "/"), target("http", "", "/x")],
            )],
        );
    }

    #[test]
    fn older_api_versions_are_read() {
        for api_version in ["extensions/v1beta1", "networking.k8s.io/v1beta1"] {
            let obj = json!({
                "apiVersion": api_version, "kind": "Ingress",
                "metadata": {"name": "old", "namespace": "default"},
                "spec": {
                    "backend": {"serviceName": "svc", "servicePort": 80},
                    "tls": [{"hosts": ["*.example.com"], "secretName": "s"}],
                    "rules": [{"host": "www.example.com", "http": {"paths": [
                        {"path": "/api", "backend": {"serviceName": "svc", "servicePort": "http"}},
                    ]}}],
                },
            });
            assert_groups(
                &run(&[obj], &cfg(Role::Ingress)),
                &[group(
                    "ingress/default/old",
                    ls(&[
                        ("__meta_kubernetes_namespace", "default"),
                        ("__meta_kubernetes_ingress_name", "old"),
                    ]),
                    vec![target("https", "www.example.com", "/api")],
                )],
            );
        }
        // Same kind name, unrelated API group: not a Kubernetes Ingress.
        let knative = json!({
            "apiVersion": "networking.internal.knative.dev/v1alpha1", "kind": "Ingress",
            "metadata": {"name": "k", "namespace": "default"},
            "spec": {"rules": [{"hosts": ["x"]}]},
        });
        assert!(run(&[knative], &cfg(Role::Ingress)).is_empty());
    }

    #[test]
    fn hostname_patterns() {
        for (pattern, host, want) in [
            ("example.com", "example.com", true),
            ("*.example.com", "test.example.com", true),
            ("*.example.com", "example.com", false),
            ("*.example.com", "a.b.example.com", false),
            ("*.example.com", "test.example.org", false),
            ("test.*.com", "test.example.com", false),
            ("*", "anything", true),
            ("*", "a.b", false),
            ("", "", true),
        ] {
            assert_eq!(
                matches_hostname_pattern(pattern, host),
                want,
                "{pattern} vs {host}"
            );
        }
    }

    #[test]
    fn corpus_k9s_ingress() {
        let obj = corpus(include_str!("../../testdata/k8s-objects/k9s__ing.json"));
        let applied = obj["metadata"]["annotations"]
            ["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut labels = ls(&[
            ("__meta_kubernetes_namespace", "default"),
            ("__meta_kubernetes_ingress_name", "test-ingress"),
            ("__meta_kubernetes_ingress_label_role", "ingress"),
            ("__meta_kubernetes_ingress_labelpresent_role", "true"),
            ("__meta_kubernetes_ingress_annotation_nginx_ingress_kubernetes_io_rewrite_target", "/"),
            (
                "__meta_kubernetes_ingress_annotationpresent_nginx_ingress_kubernetes_io_rewrite_target",
                "true",
            ),
            (
                "__meta_kubernetes_ingress_annotationpresent_kubectl_kubernetes_io_last_applied_configuration",
                "true",
            ),
        ]);
        labels.insert(
            "__meta_kubernetes_ingress_annotation_kubectl_kubernetes_io_last_applied_configuration"
                .into(),
            applied,
        );
        assert_groups(
            &run(&[obj], &cfg(Role::Ingress)),
            &[group(
                "ingress/default/test-ingress",
                labels,
                vec![target("http", "", "/testpath")],
            )],
        );
    }
}
