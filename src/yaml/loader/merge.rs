//! Merge keys (`<<: *base`, `<<: [*a, *b]`), resolved as go-yaml v2 does
//! when kubectl (through `sigs.k8s.io/yaml`) and Prometheus decode: a
//! mapping's entries apply in order, a merge applying the merged mapping's
//! entries, so keys written after `<<` override merged ones; of a list of
//! mappings, earlier ones win. Merged entries keep their spans: a finding
//! about one points at the text it came from.

use std::collections::HashMap;

use super::LoadError;
use crate::yaml::{Node, NodeKind, Style};

/// Whether `k` is a merge key: a plain `<<`, or one tagged `!!merge`.
pub(super) fn is_merge_key(k: &Node) -> bool {
    match &k.kind {
        NodeKind::Scalar { text, style } => {
            &**text == "<<"
                && match k.tag.as_deref() {
                    None => *style == Style::Plain,
                    Some(tag) => tag == "!!merge",
                }
        }
        _ => false,
    }
}

/// A mapping's entries with its merge keys resolved, or the entries as
/// they were when it has none.
pub(super) fn resolve(entries: Box<[(Node, Node)]>) -> Result<Box<[(Node, Node)]>, LoadError> {
    if !entries.iter().any(|(k, _)| is_merge_key(k)) {
        return Ok(entries);
    }
    let mut merged = Merged::default();
    for (k, v) in entries.into_vec() {
        if !is_merge_key(&k) {
            merged.set(k, v);
            continue;
        }
        match v.kind {
            NodeKind::Map(from) => merged.extend(from),
            NodeKind::Seq(maps) => {
                if let Some(bad) = maps.iter().find(|m| m.as_map().is_none()) {
                    return Err(not_a_map(&k, bad));
                }
                for map in maps.into_vec().into_iter().rev() {
                    if let NodeKind::Map(from) = map.kind {
                        merged.extend(from);
                    }
                }
            }
            NodeKind::Scalar { .. } => return Err(not_a_map(&k, &v)),
        }
    }
    Ok(merged.entries.into_boxed_slice())
}

/// At the merge key: what it merges may be an alias of text elsewhere.
fn not_a_map(key: &Node, value: &Node) -> LoadError {
    LoadError {
        message: "map merge requires map or sequence of maps as the value".into(),
        span: key.span,
        label: "this merge key".into(),
        secondary: Some((
            value.span,
            format!("a {}, not a mapping", value.type_name()),
        )),
    }
}

/// Entries in the order their keys first appear, each with the value set
/// last.
#[derive(Default)]
struct Merged {
    entries: Vec<(Node, Node)>,
    /// Scalar keys (as [`Node::key_str`] reads them) to their entry.
    at: HashMap<String, usize>,
}

impl Merged {
    fn set(&mut self, k: Node, v: Node) {
        if !matches!(k.kind, NodeKind::Scalar { .. }) {
            // Collection keys are never the same key (see `keys`).
            self.entries.push((k, v));
            return;
        }
        let name = k.key_string();
        match self.at.get(&name) {
            Some(&i) => self.entries[i] = (k, v),
            None => {
                self.at.insert(name, self.entries.len());
                self.entries.push((k, v));
            }
        }
    }

    fn extend(&mut self, from: Box<[(Node, Node)]>) {
        for (k, v) in from.into_vec() {
            self.set(k, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::load;
    use crate::yaml::Node;

    fn json(src: &str) -> serde_json::Value {
        load(src).unwrap()[0].to_json()
    }

    #[test]
    fn merged_keys_apply_in_order_and_earlier_maps_win() {
        let base = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\n";
        let got = json(&format!("{base}c:\n  <<: *a\n  y: 3\n"));
        assert_eq!(got["c"], serde_json::json!({"x": 1, "y": 3}));
        let got = json(&format!("{base}c:\n  <<: [*b, *a]\n  w: 0\n"));
        assert_eq!(
            got["c"],
            serde_json::json!({"y": 2, "z": 2, "x": 1, "w": 0})
        );
        // As go-yaml v2 applies entries in order, a merge after a key
        // overrides it.
        let got = json(&format!("{base}c: {{y: 0, <<: *a}}\n"));
        assert_eq!(got["c"], serde_json::json!({"y": 1, "x": 1}));
        // Inline maps, several merge keys, and `!!merge`.
        let got = json("c: {<<: {p: 1}, !!merge <<: {q: 2}, <<: [{r: 3}]}\n");
        assert_eq!(got["c"], serde_json::json!({"p": 1, "q": 2, "r": 3}));
        // A quoted "<<" is an ordinary key.
        let got = json("c: {'<<': {p: 1}}\n");
        assert_eq!(got["c"], serde_json::json!({"<<": {"p": 1}}));
    }

    #[test]
    fn merged_entries_point_at_their_source() {
        let src = "base: &b\n  port: 9100\njob:\n  <<: *b\n";
        let docs = load(src).unwrap();
        let port: &Node = docs[0].get("job").unwrap().get("port").unwrap();
        assert_eq!(&src[port.span.start..port.span.end], "9100");
        assert_eq!(port.span.start, src.find("9100").unwrap());
    }

    #[test]
    fn merging_what_is_not_a_map_is_an_error_at_it() {
        for (src, at) in [
            ("a: &s x\nb:\n  <<: *s\n", "&s x"),
            ("b:\n  <<: [{a: 1}, [x]]\n", "[x]"),
            ("b: {<<: ~}\n", "~"),
        ] {
            let err = load(src).unwrap_err();
            assert!(err.message.contains("map merge requires"), "{src}");
            assert_eq!(err.span.start, src.find("<<").unwrap(), "{src}");
            assert_eq!(
                err.secondary.unwrap().0.start,
                src.find(at).unwrap(),
                "{src}"
            );
        }
    }

    #[test]
    fn repeated_keys_are_still_refused_beside_merges() {
        let err = load("a: &a {x: 1}\nb: {<<: *a, y: 1, y: 2}\n").unwrap_err();
        assert!(err.message.contains("duplicate key `y`"), "{}", err.message);
    }
}
