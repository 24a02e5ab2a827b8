//! Label selectors as the API server evaluates them
//! (`k8s.io/apimachinery/pkg/labels`): one requirement type for a
//! `metav1.LabelSelector` (`matchLabels` and `matchExpressions`), a Service's
//! plain selector map and the selector strings of Prometheus's discovery
//! (parsed in `k8s_sd`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::yaml::Node;

/// Operator of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `a=b`, a `matchLabels` pair, a Service selector pair
    Equals,
    /// `a==b`
    DoubleEquals,
    /// `a!=b`
    NotEquals,
    /// `a in (x,y)`, `operator: In`
    In,
    /// `a notin (x,y)`, `operator: NotIn`
    NotIn,
    /// `a`, `operator: Exists`
    Exists,
    /// `!a`, `operator: DoesNotExist`
    DoesNotExist,
    /// `a>5`
    GreaterThan,
    /// `a<5`
    LessThan,
}

/// One requirement on a label set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

/// A label set a selector is evaluated against.
pub trait Labels {
    /// The value of the label `key`, if the set has it.
    fn label(&self, key: &str) -> Option<&str>;
}

impl Labels for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl Labels for BTreeMap<&str, &str> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).copied()
    }
}

/// A JSON object's string values (objects decoded from manifests).
impl Labels for serde_json::Map<String, Value> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
}

impl Requirement {
    fn equals(key: &str, value: &str) -> Requirement {
        Requirement {
            key: key.to_string(),
            operator: Operator::Equals,
            values: vec![value.to_string()],
        }
    }

    pub fn matches(&self, labels: &impl Labels) -> bool {
        let value = labels.label(&self.key);
        let listed = |v: &str| self.values.iter().any(|w| w == v);
        match self.operator {
            Operator::Equals | Operator::DoubleEquals | Operator::In => value.is_some_and(listed),
            // An absent label satisfies the negative operators.
            Operator::NotEquals | Operator::NotIn => value.is_none_or(|v| !listed(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(have) = value.and_then(|v| v.parse::<i64>().ok()) else {
                    return false;
                };
                let Some(want) = self.values.first().and_then(|v| v.parse::<i64>().ok()) else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

/// A label selector: every requirement must hold. No requirements (the
/// empty selector) selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// A `metav1.LabelSelector` in YAML. Malformed requirements (keys or
    /// `matchLabels` values that are not strings, unknown operators) are
    /// left out: the rules that check selectors report them.
    pub fn from_node(selector: &Node) -> LabelSelector {
        LabelSelector::from_node_at(selector).0
    }

    /// [`LabelSelector::from_node`], with the node each requirement was read
    /// from (the key of its `matchLabels` pair or of its expression), to
    /// point at the one that fails.
    pub fn from_node_at(selector: &Node) -> (LabelSelector, Vec<&Node>) {
        let mut requirements = Vec::new();
        let mut at = Vec::new();
        for (k, v) in selector
            .get("matchLabels")
            .and_then(Node::as_map)
            .unwrap_or(&[])
        {
            if let (Some(key), Some(value)) = (k.as_str(), v.as_str()) {
                requirements.push(Requirement::equals(key, value));
                at.push(k);
            }
        }
        for expr in selector
            .get("matchExpressions")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let Some((key_node, key)) = expr.entry("key").and_then(|(_, k)| Some((k, k.as_str()?)))
            else {
                continue;
            };
            let operator = match expr.get("operator").and_then(Node::as_str) {
                Some("In") => Operator::In,
                Some("NotIn") => Operator::NotIn,
                Some("Exists") => Operator::Exists,
                Some("DoesNotExist") => Operator::DoesNotExist,
                _ => continue,
            };
            let values = expr
                .get("values")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect();
            requirements.push(Requirement {
                key: key.to_string(),
                operator,
                values,
            });
            at.push(key_node);
        }
        (LabelSelector { requirements }, at)
    }

    /// A Service's `spec.selector` map in YAML: a requirement per entry
    /// with a string key; a value that is not a string reads as "".
    pub fn from_map_node(selector: &Node) -> LabelSelector {
        let requirements = selector
            .as_map()
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| Some(Requirement::equals(k.as_str()?, v.as_str().unwrap_or(""))))
            .collect();
        LabelSelector { requirements }
    }

    /// A Service's `spec.selector` map in JSON; `None` when it is not a map
    /// of strings (the API server rejects it).
    pub fn from_json_map(selector: &Value) -> Option<LabelSelector> {
        let requirements = selector
            .as_object()?
            .iter()
            .map(|(k, v)| Some(Requirement::equals(k, v.as_str()?)))
            .collect::<Option<_>>()?;
        Some(LabelSelector { requirements })
    }

    pub fn matches(&self, labels: &impl Labels) -> bool {
        self.first_unmet(labels).is_none()
    }

    /// The position of the first requirement `labels` fail.
    pub fn first_unmet(&self, labels: &impl Labels) -> Option<usize> {
        self.requirements.iter().position(|r| !r.matches(labels))
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// A `key: value` pair every matching label set carries (the first
    /// equality requirement), for looking up candidates by label.
    pub fn pinned_label(&self) -> Option<(&str, &str)> {
        self.requirements
            .iter()
            .find_map(|r| match (r.operator, r.values.as_slice()) {
                (Operator::Equals | Operator::DoubleEquals | Operator::In, [value]) => {
                    Some((r.key.as_str(), value.as_str()))
                }
                _ => None,
            })
    }
}

/// A label map node (`metadata.labels`, `matchLabels`) as strings; entries
/// whose value is not a string are left out.
pub fn label_map(node: Option<&Node>) -> BTreeMap<String, String> {
    node.and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| Some((k.key_string(), v.as_str()?.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};
    use serde_json::json;

    fn yaml(text: &str) -> Node {
        let mut docs =
            load_stream(&Source::new("t.yaml", text.to_string()), Limits::default()).unwrap();
        docs.pop().unwrap()
    }

    fn labels<'a>(pairs: &[(&'a str, &'a str)]) -> BTreeMap<&'a str, &'a str> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn label_selectors_from_yaml() {
        let web = labels(&[("app", "web"), ("tier", "frontend")]);
        for (selector, want) in [
            ("{}", true),
            ("{matchLabels: {app: web}}", true),
            ("{matchLabels: {app: db}}", false),
            ("{matchLabels: {app: web, tier: backend}}", false),
            // Malformed requirements are left to the rules reporting them.
            ("{matchLabels: {app: web, tier: null}}", true),
            ("{matchLabels: {tier: {x: 1}}}", true),
            ("{matchLabels: oops}", true),
            (
                "{matchExpressions: [{key: app, operator: In, values: [db, web]}]}",
                true,
            ),
            (
                "{matchExpressions: [{key: app, operator: In, values: [db]}]}",
                false,
            ),
            (
                "{matchExpressions: [{key: app, operator: NotIn, values: [db]}]}",
                true,
            ),
            (
                "{matchExpressions: [{key: x, operator: NotIn, values: [db]}]}",
                true,
            ),
            (
                "{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}",
                false,
            ),
            ("{matchExpressions: [{key: app, operator: Exists}]}", true),
            ("{matchExpressions: [{key: x, operator: Exists}]}", false),
            (
                "{matchExpressions: [{key: x, operator: DoesNotExist}]}",
                true,
            ),
            (
                "{matchExpressions: [{key: app, operator: DoesNotExist}]}",
                false,
            ),
            (
                "{matchExpressions: [{key: app, operator: in, values: [db]}]}",
                true,
            ),
            ("{matchExpressions: [{operator: Exists}]}", true),
        ] {
            let node = yaml(selector);
            assert_eq!(
                LabelSelector::from_node(&node).matches(&web),
                want,
                "{selector}"
            );
        }
    }

    #[test]
    fn the_first_unmet_requirement_is_located() {
        let node = yaml(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [db]}\n",
        );
        let (selector, at) = LabelSelector::from_node_at(&node);
        assert_eq!(at.len(), selector.requirements.len());
        let web = labels(&[("app", "web"), ("tier", "frontend")]);
        let unmet = selector.first_unmet(&web);
        assert_eq!(unmet, Some(1));
        assert_eq!(unmet.and_then(|i| at[i].as_str()), Some("tier"));
        assert_eq!(selector.first_unmet(&labels(&[("tier", "db")])), Some(0));
        assert_eq!(
            selector.first_unmet(&labels(&[("app", "web"), ("tier", "db")])),
            None
        );
    }

    #[test]
    fn service_selectors() {
        let node = yaml("{app: web, tier: null, 7: x}");
        let selector = LabelSelector::from_map_node(&node);
        assert_eq!(selector.requirements.len(), 3);
        assert!(selector.matches(&labels(&[("app", "web"), ("tier", ""), ("7", "x")])));
        assert!(!selector.matches(&labels(&[("app", "web"), ("7", "x")])));
        assert_eq!(selector.pinned_label(), Some(("app", "web")));

        let pod = json!({"app": "web", "n": 1});
        let Some(Value::Object(pod)) = Some(pod) else {
            unreachable!()
        };
        let select = |s: Value| LabelSelector::from_json_map(&s).map(|s| s.matches(&pod));
        assert_eq!(select(json!({"app": "web"})), Some(true));
        assert_eq!(select(json!({"app": "db"})), Some(false));
        assert_eq!(select(json!({"n": "1"})), Some(false));
        assert_eq!(select(json!({})), Some(true));
        assert_eq!(select(json!({"n": 1})), None);
        assert_eq!(select(json!("app=web")), None);
    }

    #[test]
    fn pinned_labels() {
        let pinned = |s: &str| {
            let node = yaml(s);
            LabelSelector::from_node(&node)
                .pinned_label()
                .map(|(k, v)| format!("{k}={v}"))
        };
        assert_eq!(
            pinned("{matchLabels: {app: a, tier: b}}"),
            Some("app=a".into())
        );
        assert_eq!(
            pinned("{matchExpressions: [{key: x, operator: Exists}, {key: app, operator: In, values: [a]}]}"),
            Some("app=a".into())
        );
        assert_eq!(
            pinned("{matchExpressions: [{key: app, operator: In, values: [a, b]}]}"),
            None
        );
        assert_eq!(
            pinned("{matchExpressions: [{key: app, operator: NotIn, values: [a]}]}"),
            None
        );
        assert_eq!(pinned("{}"), None);
    }
}
