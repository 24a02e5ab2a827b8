//! Repeated mapping keys, refused with both locations.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use super::LoadError;
use crate::yaml::{Node, NodeKind};

/// Refuses `k` as the next key of a mapping whose entries so far are
/// `entries`; `index` is the mapping's hash index of its scalar keys, built
/// here once it is large enough.
#[inline]
pub(super) fn check_unique(
    entries: &[(Node, Node)],
    index: &mut Option<HashMap<u64, usize>>,
    hasher: &RandomState,
    k: &Node,
) -> Result<(), LoadError> {
    // A mapping may merge more than once (see `merge`).
    if let NodeKind::Scalar { .. } = k.kind {
        if super::merge::is_merge_key(k) {
            return Ok(());
        }
        if index.is_none() && entries.len() >= 16 {
            let mut map = HashMap::new();
            for (at, (ek, _)) in entries.iter().enumerate() {
                if let NodeKind::Scalar { .. } = ek.kind {
                    let h = hasher.hash_one(ek.key_str().as_ref());
                    map.entry(h).or_insert(at);
                }
            }
            *index = Some(map);
        }
        let hash = index
            .as_ref()
            .map(|_| hasher.hash_one(k.key_str().as_ref()));
        let previous = match index.as_ref().zip(hash).map(|(m, h)| m.get(&h)) {
            // Indexed, and no key has this hash.
            Some(None) => None,
            Some(Some(&at)) if same_key(&entries[at].0, k) => Some(at),
            // A small mapping, or two keys share a hash.
            _ => entries.iter().position(|(ek, _)| same_key(ek, k)),
        };
        if let Some(at) = previous {
            return Err(LoadError {
                message: format!("duplicate key `{}` in mapping", k.key_str()),
                span: k.span,
                label: "duplicate key".into(),
                secondary: Some((entries[at].0.span, "first defined here".into())),
            });
        }
        if let (Some(map), Some(hash)) = (index, hash) {
            map.entry(hash).or_insert(entries.len());
        }
    }
    Ok(())
}

/// Whether two keys of a mapping are the same key: equal as text, a null
/// being "null" (see [`Node::key_str`]).
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar { text: ta, .. }, NodeKind::Scalar { text: tb, .. }) => {
            // Untagged keys longer than "null" are not nulls: their text is
            // the key, so the common case skips the null checks.
            if a.tag.is_some() || b.tag.is_some() {
                a.key_str() == b.key_str()
            } else if ta.len() > 4 && tb.len() > 4 {
                ta == tb
            } else {
                match (a.is_null(), b.is_null()) {
                    (false, false) => ta == tb,
                    (true, true) => true,
                    (true, false) => &**tb == "null",
                    (false, true) => &**ta == "null",
                }
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::load;
    use super::*;

    #[test]
    fn duplicate_keys_report_both_places() {
        let err = load("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(err.message.contains("duplicate key `a`"));
        assert_eq!(err.span.start, 10);
        assert_eq!(err.secondary.unwrap().0.start, 0);
    }

    #[test]
    fn duplicate_keys_in_large_maps() {
        let mut s: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        s.push_str("k7: again\n");
        assert!(load(&s).unwrap_err().message.contains("`k7`"));
    }

    #[test]
    fn null_keys_are_one_key_in_small_and_large_maps() {
        for filler in [0, 30] {
            let mut s: String = (0..filler).map(|i| format!("key{i}: {i}\n")).collect();
            s.push_str("~: a\n");
            s.push_str(
                &(filler..filler + 20)
                    .map(|i| format!("key{i}: {i}\n"))
                    .collect::<String>(),
            );
            s.push_str("null: b\n");
            let err = load(&s).unwrap_err();
            assert!(
                err.message.contains("duplicate key `null`"),
                "{}",
                err.message
            );
            assert_eq!(err.secondary.unwrap().0.start, s.find("~:").unwrap());
        }
        // Long keys that differ, and a tagged long key equal to a plain one.
        let mut s: String = (0..40).map(|i| format!("long-key-{i}: {i}\n")).collect();
        assert!(load(&s).is_ok());
        s.push_str("!!str long-key-7: again\n");
        assert!(load(&s).unwrap_err().message.contains("`long-key-7`"));
    }

    #[test]
    fn same_key_agrees_with_key_text() {
        let keys = "[~, null, Null, NULL, '~', 'null', \"\", '', a, 'a', nul, abcd, !!str ~, \
                    !!null x, long-key, 'long-key']\n";
        let docs = load(keys).unwrap();
        let keys = docs[0].as_seq().unwrap();
        for a in keys {
            for b in keys {
                assert_eq!(same_key(a, b), a.key_str() == b.key_str(), "{a:?} {b:?}");
            }
        }
    }
}
