//! What the API server checks beyond JSON Schema, as keywords of the bundled
//! CRD schemas (written by `tools/gen_crd_schemas.py`):
//!
//! - `x-kdm-list-map`: an `x-kubernetes-list-type: map` list, whose items
//!   must differ in their key fields (a missing key field counts as its
//!   default, as the API server defaults before it validates);
//! - `x-kdm-validations`: `x-kubernetes-validations` CEL rules, each
//!   translated by the generator into a schema that holds exactly when the
//!   rule does, reported with the rule's own message.
//!
//! Generic over the instance representation, so the YAML tree and its JSON
//! copy get the same verdicts.

use jsonschema::json::{Array, Json, Node as JsonNode, Object};
use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError, Validator};
use serde_json::Value;

/// Registers the keywords on validator options.
pub fn register<'i, R, F: Json>(
    options: jsonschema::ValidationOptions<'i, R, F>,
) -> jsonschema::ValidationOptions<'i, R, F> {
    options
        .with_keyword("x-kdm-list-map", |_, value: &Value, _: Location| {
            Ok(Box::new(ListMap::<F>::new(value)?) as Box<dyn for<'x> Keyword<'x, F>>)
        })
        .with_keyword("x-kdm-validations", |_, value: &Value, _: Location| {
            Ok(Box::new(Rules::<F>::new(value)?) as Box<dyn for<'x> Keyword<'x, F>>)
        })
}

fn schema_error(message: &str) -> ValidationError<'static> {
    ValidationError::schema(message.to_string())
}

/// Items of a list keyed by some of their fields.
struct ListMap<F: Json> {
    keys: Vec<(String, F::PreparedKey, Option<Value>)>,
}

impl<F: Json> ListMap<F> {
    fn new(value: &Value) -> Result<ListMap<F>, ValidationError<'static>> {
        let keys = value
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| schema_error("x-kdm-list-map without keys"))?;
        let defaults = value.get("defaults").and_then(Value::as_object);
        let keys = keys
            .iter()
            .map(|k| {
                let name = k
                    .as_str()
                    .ok_or_else(|| schema_error("x-kdm-list-map key is not a string"))?;
                let default = defaults.and_then(|d| d.get(name)).cloned();
                Ok((name.to_string(), F::prepare_key(name), default))
            })
            .collect::<Result<_, ValidationError<'static>>>()?;
        Ok(ListMap { keys })
    }

    /// An item's key fields, as the API server compares them.
    fn key_of<'i>(&self, item: &F::Node<'i>) -> Option<Vec<Value>> {
        let object = item.as_object()?;
        self.keys
            .iter()
            .map(
                |(_, prepared, default)| match object.get(prepared).filter(|v| !v.is_null()) {
                    Some(v) => Some(v.to_value().into_owned()),
                    None => default.clone(),
                },
            )
            .collect()
    }

    /// `(first, repeated)` indexes of items with equal keys.
    fn duplicates<'i>(&self, instance: &F::Node<'i>) -> Vec<(usize, usize, Vec<Value>)> {
        let Some(items) = instance.as_array() else {
            return Vec::new();
        };
        let mut seen: Vec<(Vec<Value>, usize)> = Vec::new();
        let mut out = Vec::new();
        for (i, item) in items.elements().enumerate() {
            let Some(key) = self.key_of(&item) else {
                continue; // not an object, or a key field missing: other errors
            };
            match seen.iter().find(|(k, _)| *k == key) {
                Some((_, first)) => out.push((*first, i, key)),
                None => seen.push((key, i)),
            }
        }
        out
    }

    fn message(&self, first: usize, repeated: usize, key: &[Value]) -> String {
        let fields: Vec<String> = self
            .keys
            .iter()
            .zip(key)
            .map(|((name, _, _), v)| format!("{name}: {v}"))
            .collect();
        format!(
            "duplicate entry: [{repeated}] has the same {} as [{first}]",
            fields.join(", ")
        )
    }
}

impl<'i, F: Json> Keyword<'i, F> for ListMap<F> {
    fn validate(&self, instance: F::Node<'i>) -> Result<(), ValidationError<'i>> {
        match self.duplicates(&instance).first() {
            Some((first, repeated, key)) => Err(ValidationError::custom(
                self.message(*first, *repeated, key),
            )),
            None => Ok(()),
        }
    }

    fn is_valid(&self, instance: F::Node<'i>) -> bool {
        self.duplicates(&instance).is_empty()
    }

    fn iter_errors(
        &self,
        instance: F::Node<'i>,
    ) -> Box<dyn Iterator<Item = ValidationError<'i>> + 'i> {
        let errors: Vec<ValidationError<'i>> = self
            .duplicates(&instance)
            .into_iter()
            .map(|(first, repeated, key)| {
                ValidationError::custom(self.message(first, repeated, &key))
            })
            .collect();
        Box::new(errors.into_iter())
    }
}

/// Translated CEL rules: a message and the schema that holds when the rule
/// does.
struct Rules<F: Json> {
    rules: Vec<(String, Validator<F>)>,
}

impl<F: Json> Rules<F> {
    fn new(value: &Value) -> Result<Rules<F>, ValidationError<'static>> {
        let list = value
            .as_array()
            .ok_or_else(|| schema_error("x-kdm-validations is not a list"))?;
        let mut rules = Vec::new();
        for rule in list {
            let message = rule
                .get("message")
                .and_then(Value::as_str)
                .ok_or_else(|| schema_error("x-kdm-validations rule without a message"))?;
            let holds = rule
                .get("holds")
                .ok_or_else(|| schema_error("x-kdm-validations rule without a schema"))?;
            let validator = jsonschema::options_for::<F>()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(false)
                .build(holds)?;
            rules.push((message.to_string(), validator));
        }
        Ok(Rules { rules })
    }
}

impl<F: Json> Rules<F> {
    /// The messages of the rules `instance` breaks. The rules are about
    /// objects: a null one was dropped by the API server, and another type
    /// is the `type` keyword's error.
    fn broken(&self, instance: &F::Node<'_>) -> Vec<&String> {
        if instance.as_object().is_none() {
            return Vec::new();
        }
        self.rules
            .iter()
            .filter(|(_, holds)| !holds.is_valid(instance.clone()))
            .map(|(message, _)| message)
            .collect()
    }
}

impl<'i, F: Json> Keyword<'i, F> for Rules<F> {
    fn validate(&self, instance: F::Node<'i>) -> Result<(), ValidationError<'i>> {
        match self.broken(&instance).first() {
            Some(message) => Err(ValidationError::custom((*message).clone())),
            None => Ok(()),
        }
    }

    fn is_valid(&self, instance: F::Node<'i>) -> bool {
        instance.as_object().is_none()
            || self
                .rules
                .iter()
                .all(|(_, holds)| holds.is_valid(instance.clone()))
    }

    fn iter_errors(
        &self,
        instance: F::Node<'i>,
    ) -> Box<dyn Iterator<Item = ValidationError<'i>> + 'i> {
        let errors: Vec<ValidationError<'i>> = self
            .broken(&instance)
            .into_iter()
            .map(|message| ValidationError::custom(message.clone()))
            .collect();
        Box::new(errors.into_iter())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
        super::register(jsonschema::options())
            .with_draft(jsonschema::Draft::Draft202012)
            .build(schema)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn errors(v: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<String> {
        v.iter_errors(instance).map(|e| e.to_string()).collect()
    }

    #[test]
    fn list_map_items_differ_in_their_keys_with_defaults_applied() {
        let v = validator(&json!({"x-kdm-list-map": {
            "keys": ["containerPort", "protocol"], "defaults": {"protocol": "TCP"}}}));
        let ok = json!([{"containerPort": 80}, {"containerPort": 80, "protocol": "UDP"}]);
        assert!(errors(&v, &ok).is_empty());
        let dup = json!([{"containerPort": 80}, {"containerPort": 81},
            {"containerPort": 80, "protocol": "TCP"}]);
        assert_eq!(
            errors(&v, &dup),
            ["duplicate entry: [2] has the same containerPort: 80, protocol: \"TCP\" as [0]"]
        );
        assert!(!v.is_valid(&dup));
        // not lists, items that are not objects, items without a key: other
        // keywords' business
        for other in [
            json!({}),
            json!([1, 1]),
            json!([{"protocol": "TCP"}, {"protocol": "TCP"}]),
        ] {
            assert!(v.is_valid(&other), "{other}");
        }
    }

    #[test]
    fn rules_report_their_message_when_their_schema_fails() {
        let v = validator(&json!({"x-kdm-validations": [
            {"rule": "!has(self.a) || has(self.b)", "message": "a needs b",
             "holds": {"anyOf": [{"not": {"required": ["a"]}}, {"required": ["b"]}]}},
            {"rule": "!has(self.c)", "message": "no c", "holds": {"not": {"required": ["c"]}}}
        ]}));
        assert!(errors(&v, &json!({"a": 1, "b": 2})).is_empty());
        // only objects are held to the rules
        for other in [json!(null), json!("c"), json!([{"c": 1}])] {
            assert!(errors(&v, &other).is_empty(), "{other}");
        }
        assert_eq!(errors(&v, &json!({"a": 1, "c": 1})), ["a needs b", "no c"]);
        assert!(!v.is_valid(&json!({"c": 1})));
        let broken = super::register(jsonschema::options())
            .build(&json!({"x-kdm-validations": [{"message": "m"}]}));
        assert!(broken.is_err());
    }
}
