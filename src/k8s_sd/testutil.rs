//! Helpers shared by the role tests.

use serde_json::Value;

use super::{discover, AttachMetadata, LabelSet, Role, RoleSelector, SdConfig, TargetGroup};

pub(super) fn ls(pairs: &[(&str, &str)]) -> LabelSet {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(super) fn cfg(role: Role) -> SdConfig {
    SdConfig::new(role)
}

pub(super) fn cfg_ns(role: Role, namespaces: &[&str]) -> SdConfig {
    let mut c = cfg(role);
    c.namespaces = namespaces.iter().map(|s| s.to_string()).collect();
    c
}

pub(super) fn cfg_meta(role: Role, attach: AttachMetadata) -> SdConfig {
    let mut c = cfg(role);
    c.attach_metadata = attach;
    c
}

pub(super) fn label_selector(role: Role, label: &str) -> RoleSelector {
    RoleSelector {
        role,
        label: Some(label.to_string()),
        field: None,
    }
}

pub(super) fn field_selector(role: Role, field: &str) -> RoleSelector {
    RoleSelector {
        role,
        label: None,
        field: Some(field.to_string()),
    }
}

pub(super) fn run(objects: &[Value], cfg: &SdConfig) -> Vec<TargetGroup> {
    match discover(objects, cfg) {
        Ok(groups) => groups,
        Err(e) => panic!("discover failed: {e}"),
    }
}

pub(super) fn group(source: &str, labels: LabelSet, targets: Vec<LabelSet>) -> TargetGroup {
    TargetGroup {
        source: source.to_string(),
        labels,
        targets,
    }
}

/// Compares target by target for readable failures, then the whole group.
pub(super) fn assert_groups(got: &[TargetGroup], want: &[TargetGroup]) {
    let got_sources: Vec<&str> = got.iter().map(|g| g.source.as_str()).collect();
    let want_sources: Vec<&str> = want.iter().map(|g| g.source.as_str()).collect();
    assert_eq!(got_sources, want_sources, "group sources");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.labels, w.labels, "labels of {}", w.source);
        assert_eq!(
            g.targets.len(),
            w.targets.len(),
            "target count of {}: got {:#?}",
            w.source,
            g.targets
        );
        for (i, (gt, wt)) in g.targets.iter().zip(&w.targets).enumerate() {
            assert_eq!(gt, wt, "target #{i} of {}", w.source);
        }
        assert_eq!(g, w);
    }
}

/// Parses a corpus file copied into testdata/k8s-objects.
pub(super) fn corpus(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("corpus file is not JSON: {e}"),
    }
}

/// A Node as built by the upstream tests' `makeNode`: one InternalIP
/// address and kubelet port 10250.
pub(super) fn node(name: &str, address: &str, provider_id: &str, labels: Value) -> Value {
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {"providerID": provider_id},
        "status": {
            "addresses": [{"type": "InternalIP", "address": address}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        },
    })
}
