//! The YAML tree as a jsonschema instance: objects are validated in place,
//! without first being copied into a `serde_json::Value` (that copy was half
//! of the rule's cost). Scalars read as [`Node::to_json`] reads them — go-yaml
//! v2 resolution, non-finite floats as strings, null keys as `"null"` — and a
//! test holds the two readings to the same errors.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::Value;

use crate::yaml::{Node, NodeKind, Resolved};

/// The representation: `Validator<YamlJson>` validates [`Instance`]s.
pub struct YamlJson;

impl Json for YamlJson {
    type Node<'a> = Instance<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    // A lookup scans the mapping's entries, so one pass over the members
    // beats even two lookups.
    const KEYS_PER_LOOKUP: usize = 16;
    // A tree: aliases are expanded into copies when loading.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(Instance<'_>) -> T) -> T {
        f(Instance {
            node: None,
            view: View::String(string),
        })
    }
}

/// One value of the tree, its scalar resolved once.
#[derive(Clone, Copy)]
pub struct Instance<'a> {
    /// `None` for a property name handed over as a string.
    node: Option<&'a Node>,
    view: View<'a>,
}

#[derive(Clone, Copy)]
enum View<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(&'a str),
    Array(&'a [Node]),
    Object(&'a [(Node, Node)]),
}

impl<'a> Instance<'a> {
    pub fn new(node: &'a Node) -> Instance<'a> {
        let view = match &node.kind {
            NodeKind::Seq(items) => View::Array(items),
            NodeKind::Map(entries) => View::Object(entries),
            NodeKind::Scalar { text, .. } => match node.resolve() {
                Some(Resolved::Null) => View::Null,
                Some(Resolved::Bool(b)) => View::Bool(b),
                Some(Resolved::Int(i)) => View::Number(Number::Int(i)),
                Some(Resolved::UInt(u)) => View::Number(Number::UInt(u)),
                Some(Resolved::Float(f)) => match crate::yaml::json_float(f) {
                    Some(n) => match n.as_i64() {
                        Some(i) => View::Number(Number::Int(i)),
                        None => View::Number(Number::Float(f)),
                    },
                    None => View::String(text),
                },
                _ => View::String(text),
            },
        };
        Instance {
            node: Some(node),
            view,
        }
    }
}

impl<'a> JsonNode<'a, YamlJson> for Instance<'a> {
    type Object = Members<'a>;
    type Array = Items<'a>;
    type Number = Number;

    fn as_object(&self) -> Option<Members<'a>> {
        match self.view {
            View::Object(entries) => Some(Members(entries)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Items<'a>> {
        match self.view {
            View::Array(items) => Some(Items(items)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self.view {
            View::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        match self.view {
            View::Number(n) => Some(n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.view {
            View::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.view, View::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.view {
            View::Null => JsonType::Null,
            View::Bool(_) => JsonType::Boolean,
            View::Number(_) => JsonType::Number,
            View::String(_) => JsonType::String,
            View::Array(_) => JsonType::Array,
            View::Object(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(match (self.view, self.node) {
            (View::Null, _) => Value::Null,
            (View::Bool(b), _) => Value::Bool(b),
            (View::Number(n), _) => Value::Number(n.to_number().into_owned()),
            (View::String(s), _) => Value::String(s.to_string()),
            (View::Array(_) | View::Object(_), Some(node)) => node.to_json(),
            (View::Array(_) | View::Object(_), None) => Value::Null,
        })
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(match self.node {
            Some(node) => NodeIdentity::new(std::ptr::from_ref(node) as usize),
            // Names live in key text, never where a `Node` lives; the tag
            // keeps them apart regardless.
            None => match self.view {
                View::String(s) => NodeIdentity::tagged(s.as_ptr() as usize, 1),
                _ => return None,
            },
        })
    }
}

/// A number as go-yaml resolves it; floats are finite.
#[derive(Clone, Copy)]
pub enum Number {
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::Int(i) => u64::try_from(i).ok(),
            Number::UInt(u) => Some(u),
            Number::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::Int(i) => Some(i),
            Number::UInt(u) => i64::try_from(u).ok(),
            Number::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Number::Int(i) => i as f64,
            Number::UInt(u) => u as f64,
            Number::Float(f) => f,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            Number::Int(i) => i.into(),
            Number::UInt(u) => u.into(),
            // Only finite floats become a `Number` (see `Instance::new`).
            Number::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
        })
    }
}

/// A mapping's entries. The loader refuses repeated scalar keys, so keys
/// repeat only where collections are keys (all read as `"<mapping>"` or
/// `"<sequence>"`); then, as in `to_json`, the first place and the last
/// value count.
#[derive(Clone, Copy)]
pub struct Members<'a>(&'a [(Node, Node)]);

impl<'a> Members<'a> {
    fn may_repeat(&self) -> bool {
        self.0
            .iter()
            .any(|(k, _)| !matches!(k.kind, NodeKind::Scalar { .. }))
    }

    /// The entry a key reads as, when it is the first with its name.
    fn member(&self, at: usize, may_repeat: bool) -> Option<(Cow<'a, str>, Instance<'a>)> {
        let (key, value) = &self.0[at];
        let name = key.key_str();
        if !may_repeat {
            return Some((name, Instance::new(value)));
        }
        if self.0[..at].iter().any(|(k, _)| k.key_str() == name) {
            return None;
        }
        let last = self.0[at..]
            .iter()
            .rev()
            .find(|(k, _)| k.key_str() == name)
            .map_or(value, |(_, v)| v);
        Some((name, Instance::new(last)))
    }
}

/// Whether a key reads as `name` (see [`Node::key_str`]).
fn key_is(key: &Node, name: &str) -> bool {
    match &key.kind {
        // Most keys are plain text that is not a null: compare it first.
        NodeKind::Scalar { text, .. } if &**text == name && key.tag.is_none() && name != "null" => {
            !key.is_null()
        }
        _ => key.key_str() == name,
    }
}

impl<'a> Object<'a, YamlJson> for Members<'a> {
    type Node = Instance<'a>;
    type MemberName = Cow<'a, str>;
    type MembersIter = MembersIter<'a>;

    fn len(&self) -> usize {
        if self.may_repeat() {
            self.members().count()
        } else {
            self.0.len()
        }
    }

    fn get(&self, key: &Box<str>) -> Option<Instance<'a>> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| key_is(k, key))
            .map(|(_, v)| Instance::new(v))
    }

    fn members(&self) -> MembersIter<'a> {
        MembersIter {
            members: *self,
            may_repeat: self.may_repeat(),
            next: 0,
        }
    }
}

pub struct MembersIter<'a> {
    members: Members<'a>,
    may_repeat: bool,
    next: usize,
}

impl<'a> Iterator for MembersIter<'a> {
    type Item = (Cow<'a, str>, Instance<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.next < self.members.0.len() {
            let at = self.next;
            self.next += 1;
            if let Some(member) = self.members.member(at, self.may_repeat) {
                return Some(member);
            }
        }
        None
    }
}

/// A sequence's items.
#[derive(Clone, Copy)]
pub struct Items<'a>(&'a [Node]);

impl<'a> Array<'a, YamlJson> for Items<'a> {
    type Node = Instance<'a>;
    type ElementsIter = std::iter::Map<std::slice::Iter<'a, Node>, fn(&'a Node) -> Instance<'a>>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        self.0
            .iter()
            .map(Instance::new as fn(&'a Node) -> Instance<'a>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    fn load(text: &str) -> Node {
        let mut docs = load_stream(&Source::new("t.yaml", text), Limits::default())
            .unwrap_or_else(|e| panic!("{text}: {}", e.message));
        docs.remove(0)
    }

    #[test]
    fn meets_the_validators_contract() {
        let text = jsonschema::json::conformance::document().to_string();
        let root = load(&text);
        jsonschema::json::conformance::assert_conformance::<YamlJson>(&Instance::new(&root));
    }

    /// Every value reads as `to_json` reads it.
    #[test]
    fn reads_values_as_to_json_does() {
        let text = "{a: yes, b: '1', c: 0x1F, d: 1e3, e: .inf, f: ~, g: [1, 2.5, -3, 2.0e0], \
                    h: {null: 1}, i: 18446744073709551615, j: !!str 12, k: 1_000, \
                    [x]: 1, {y: 1}: 2, [z]: 3}";
        let root = load(text);
        assert_eq!(value(Instance::new(&root)), root.to_json());
    }

    /// Every object in the test data, real published manifests and lint
    /// fixtures alike, custom resources too, gets the same errors as its
    /// `to_json` copy.
    #[test]
    fn validates_as_the_json_copy_does() {
        let Some(entries) = super::super::for_version(super::super::DEFAULT_VERSION) else {
            panic!("the default version is bundled");
        };
        let testdata = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata").to_string();
        let files = crate::input::discover(&[testdata], &|_| false).files;
        let (mut checked, mut errors) = (0, 0);
        let mut json_validators = std::collections::HashMap::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file.path) else {
                continue;
            };
            let Ok(docs) = load_stream(&Source::new("t.yaml", text), Limits::default()) else {
                continue;
            };
            for o in crate::k8s::objects_in(0, &docs) {
                let super::super::Lookup::Check(entry) = entries.lookup(o.kind, o.api_version)
                else {
                    continue;
                };
                let Ok(ours) = entry.validator() else {
                    panic!("{} compiles", entry.kind);
                };
                let json = o.node.to_json();
                let theirs = json_validators
                    .entry((entry.kind.clone(), entry.api_version.clone()))
                    .or_insert_with(|| {
                        super::super::bundle::options::<jsonschema::json::SerdeJson>(entry.crd)
                            .build(&serde_json::from_str(&entry.schema_text()).unwrap())
                            .unwrap()
                    });
                let show = |e: jsonschema::ValidationError<'_>| {
                    format!("{} at {} ({})", e, e.instance_path(), e.instance())
                };
                let mut want: Vec<String> = theirs.iter_errors(&json).map(show).collect();
                let mut got: Vec<String> =
                    ours.iter_errors(Instance::new(o.node)).map(show).collect();
                want.sort();
                got.sort();
                assert_eq!(got, want, "{} in {}", o.kind, file.path.display());
                checked += 1;
                errors += got.len();
            }
        }
        assert!(
            checked > 200 && errors > 20,
            "{checked} objects, {errors} errors"
        );
    }

    fn value(i: Instance<'_>) -> Value {
        if let Some(o) = i.as_object() {
            let members: serde_json::Map<String, Value> = o
                .members()
                .map(|(k, v)| (k.into_owned(), value(v)))
                .collect();
            assert_eq!(o.len(), members.len());
            for (k, v) in &members {
                let got = o.get(&YamlJson::prepare_key(k)).map(value);
                assert_eq!(got.as_ref(), Some(v), "get({k})");
            }
            return Value::Object(members);
        }
        if let Some(a) = i.as_array() {
            return Value::Array(a.elements().map(value).collect());
        }
        i.to_value().into_owned()
    }
}
