//! Typed round trip through k8s-openapi: a generated object must
//! deserialize into its Kubernetes type and serialize back to the same
//! JSON, so nothing the API types do not know slips through.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, Service, ServiceAccount};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::scheduling::v1::PriorityClass;

/// `Ok(false)` when kdm has no typed model for the kind; `Err` describes the
/// first difference.
pub fn round_trip(object: &Value) -> Result<bool, String> {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    match kind {
        "DaemonSet" => check::<DaemonSet>(object),
        "ServiceAccount" => check::<ServiceAccount>(object),
        "ConfigMap" => check::<ConfigMap>(object),
        "Secret" => check::<Secret>(object),
        "Service" => check::<Service>(object),
        "Namespace" => check::<Namespace>(object),
        "ClusterRole" => check::<ClusterRole>(object),
        "ClusterRoleBinding" => check::<ClusterRoleBinding>(object),
        "Role" => check::<Role>(object),
        "RoleBinding" => check::<RoleBinding>(object),
        "PodDisruptionBudget" => check::<PodDisruptionBudget>(object),
        "PriorityClass" => check::<PriorityClass>(object),
        _ => Ok(false),
    }
}

fn check<T: DeserializeOwned + Serialize>(object: &Value) -> Result<bool, String> {
    let typed: T = serde_json::from_value(object.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    match first_loss(object, &back, String::new()) {
        Some(path) => Err(format!(
            "{path} does not survive a round trip through the Kubernetes API types"
        )),
        None => Ok(true),
    }
}

/// The first path of `original` that `back` lacks or changed.
fn first_loss(original: &Value, back: &Value, path: String) -> Option<String> {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| match b.get(k) {
            Some(w) => first_loss(v, w, format!("{path}.{k}")),
            // The types omit empty optional collections and nulls.
            None if v.is_null() || is_empty(v) => None,
            None => Some(format!("{path}.{k}")),
        }),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (v, w))| first_loss(v, w, format!("{path}[{i}]"))),
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        _ if original == back => None,
        _ => Some(if path.is_empty() { ".".into() } else { path }),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_kinds_round_trip_and_unknown_fields_do_not() {
        let sa = serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "a"}, "automountServiceAccountToken": false});
        assert_eq!(round_trip(&sa), Ok(true));
        let bad = serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "a", "labelz": {"x": "y"}}});
        assert_eq!(
            round_trip(&bad),
            Err(
                ".metadata.labelz does not survive a round trip through the Kubernetes API types"
                    .into()
            )
        );
        let wrong = serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "automountServiceAccountToken": "yes"});
        assert!(round_trip(&wrong).is_err());
        assert_eq!(
            round_trip(&serde_json::json!({"kind": "Widget"})),
            Ok(false)
        );
    }
}
