//! Typed round trip through k8s-openapi: a generated object must
//! deserialize into its Kubernetes type and serialize back to the same
//! JSON, so nothing the API types do not know slips through.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The round trip through `T`; `Err` describes the first difference. Which
/// kinds have a typed model is the `typed` column of the kind table.
pub(super) fn check<T: DeserializeOwned + Serialize>(object: &Value) -> Result<bool, String> {
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
    use crate::k8s::kinds::round_trip;

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
