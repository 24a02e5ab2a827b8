//! Kubernetes JSON schemas embedded in the binary (see `schemas/README.md`):
//! one standalone strict schema per (minor version, kind), compiled on first
//! use. Nothing is read from disk or the network at run time.

use std::sync::OnceLock;

use jsonschema::Validator;

use super::instance::YamlJson;

/// The schema of one kind at one Kubernetes minor version.
pub struct Entry {
    pub kind: &'static str,
    /// The only apiVersion the bundled version serves for this kind.
    pub api_version: &'static str,
    text: &'static str,
    validator: OnceLock<Result<Validator<YamlJson>, String>>,
}

impl Entry {
    #[cfg(test)]
    pub fn schema_text(&self) -> &'static str {
        self.text
    }

    /// The compiled validator; `Err` only if the bundled schema is broken.
    pub fn validator(&self) -> Result<&Validator<YamlJson>, &str> {
        self.validator
            .get_or_init(|| {
                let schema: serde_json::Value =
                    serde_json::from_str(self.text).map_err(|e| e.to_string())?;
                // Formats (int32, date-time, byte) are annotations to the API
                // server's schema validation too.
                jsonschema::options_for::<YamlJson>()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(false)
                    .build(&schema)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

macro_rules! entries {
    ($dir:literal: $(($kind:literal, $api:literal, $file:literal)),* $(,)?) => {
        [$(Entry {
            kind: $kind,
            api_version: $api,
            text: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"), "/schemas/kubernetes/", $dir, "/", $file, ".json"
            )),
            validator: OnceLock::new(),
        }),*]
    };
}

/// The kinds `tools/gen_k8s_schemas.py` bundles, for one version directory.
macro_rules! kinds {
    ($dir:literal) => {
        entries!($dir:
            ("ClusterRole", "rbac.authorization.k8s.io/v1", "clusterrole-rbac-v1"),
            ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebinding-rbac-v1"),
            ("ConfigMap", "v1", "configmap-v1"),
            ("CronJob", "batch/v1", "cronjob-batch-v1"),
            ("DaemonSet", "apps/v1", "daemonset-apps-v1"),
            ("Deployment", "apps/v1", "deployment-apps-v1"),
            ("Endpoints", "v1", "endpoints-v1"),
            ("EndpointSlice", "discovery.k8s.io/v1", "endpointslice-discovery-v1"),
            ("Ingress", "networking.k8s.io/v1", "ingress-networking-v1"),
            ("Job", "batch/v1", "job-batch-v1"),
            ("Namespace", "v1", "namespace-v1"),
            ("NetworkPolicy", "networking.k8s.io/v1", "networkpolicy-networking-v1"),
            ("Pod", "v1", "pod-v1"),
            ("PodDisruptionBudget", "policy/v1", "poddisruptionbudget-policy-v1"),
            ("PriorityClass", "scheduling.k8s.io/v1", "priorityclass-scheduling-v1"),
            ("ReplicaSet", "apps/v1", "replicaset-apps-v1"),
            ("ReplicationController", "v1", "replicationcontroller-v1"),
            ("Role", "rbac.authorization.k8s.io/v1", "role-rbac-v1"),
            ("RoleBinding", "rbac.authorization.k8s.io/v1", "rolebinding-rbac-v1"),
            ("Secret", "v1", "secret-v1"),
            ("Service", "v1", "service-v1"),
            ("ServiceAccount", "v1", "serviceaccount-v1"),
            ("StatefulSet", "apps/v1", "statefulset-apps-v1"),
        )
    };
}

static V1_36: [Entry; 23] = kinds!("v1.36");
static V1_37: [Entry; 23] = kinds!("v1.37");

/// Bundled minor versions, oldest first.
static VERSIONS: [(&str, &[Entry]); 2] = [("1.36", &V1_36), ("1.37", &V1_37)];

/// The bundled minor versions, oldest first.
pub fn versions() -> impl Iterator<Item = &'static str> {
    VERSIONS.iter().map(|(v, _)| *v)
}

/// The schemas of a Kubernetes version: `1.37`, `v1.37` and `1.37.2` all
/// select 1.37 (patch releases do not change the API's schema).
pub fn for_version(version: &str) -> Option<&'static [Entry]> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.splitn(3, '.');
    let minor = match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => format!("{major}.{minor}"),
        _ => return None,
    };
    VERSIONS
        .iter()
        .find(|(name, _)| *name == minor)
        .map(|(_, entries)| *entries)
}

#[cfg(test)]
mod tests {
    use super::super::instance::Instance;
    use super::*;
    use crate::yaml::{load_stream, Limits, Node, Source};

    /// A JSON value as the YAML tree lint validates (JSON is YAML).
    fn tree(value: &serde_json::Value) -> Node {
        let src = Source::new("t.json", value.to_string());
        match load_stream(&src, Limits::default()) {
            Ok(mut docs) if docs.len() == 1 => docs.remove(0),
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn version_spellings() {
        assert!(for_version("1.37").is_some());
        assert!(for_version("v1.36").is_some());
        assert!(for_version("1.37.4").is_some());
        assert!(for_version("1.3").is_none());
        assert!(for_version("1").is_none());
        assert!(for_version("").is_none());
        assert_eq!(versions().collect::<Vec<_>>(), ["1.36", "1.37"]);
    }

    #[test]
    fn every_bundled_schema_compiles_and_is_strict() {
        let invalid = serde_json::json!({"spec": {}, "metadata": {"nmae": "x"}});
        for (version, entries) in &VERSIONS {
            assert_eq!(entries.len(), 23);
            for e in entries.iter() {
                let v = e
                    .validator()
                    .unwrap_or_else(|err| panic!("{version} {}: {err}", e.kind));
                // metadata is strict in every kind: an unknown field fails
                assert!(
                    !v.is_valid(Instance::new(&tree(&invalid))),
                    "{version} {} accepts a typo",
                    e.kind
                );
                let kind_only = serde_json::json!({"kind": e.kind, "apiVersion": e.api_version});
                let wrong_api = serde_json::json!({"kind": e.kind, "apiVersion": "example.com/v9"});
                assert!(
                    !v.is_valid(Instance::new(&tree(&wrong_api))),
                    "{version} {}",
                    e.kind
                );
                // a bare object misses at most required fields
                let kind_only = tree(&kind_only);
                for err in v.iter_errors(Instance::new(&kind_only)) {
                    assert!(
                        matches!(
                            err.kind(),
                            jsonschema::error::ValidationErrorKind::Required { .. }
                        ),
                        "{version} {}: {err}",
                        e.kind
                    );
                }
            }
        }
    }

    #[test]
    fn int_or_string_and_quantity_accept_what_the_api_server_accepts() {
        let Some(entries) = for_version("1.37") else {
            panic!("1.37 is bundled");
        };
        let Some(ds) = entries.iter().find(|e| e.kind == "DaemonSet") else {
            panic!("DaemonSet is bundled");
        };
        let Ok(v) = ds.validator() else {
            panic!("compiles");
        };
        for max_unavailable in [
            serde_json::json!(1),
            serde_json::json!("10%"),
            serde_json::Value::Null,
        ] {
            for cpu in [
                serde_json::json!("100m"),
                serde_json::json!(1),
                serde_json::json!(0.5),
            ] {
                let ds = serde_json::json!({
                    "apiVersion": "apps/v1", "kind": "DaemonSet",
                    "spec": {
                        "selector": {"matchLabels": {"app": "x"}},
                        "updateStrategy": {"rollingUpdate": {"maxUnavailable": max_unavailable}},
                        "template": {"spec": {"containers": [{
                            "name": "x",
                            "resources": {"limits": {"cpu": cpu}},
                        }]}}
                    }
                });
                let ds = tree(&ds);
                let errs: Vec<String> = v
                    .iter_errors(Instance::new(&ds))
                    .map(|e| e.to_string())
                    .collect();
                assert!(errs.is_empty(), "{max_unavailable} {cpu}: {errs:?}");
            }
        }
        let bad = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": true}}}
        });
        assert!(!v.is_valid(Instance::new(&tree(&bad))));
    }
}
