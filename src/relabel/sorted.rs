use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{LabelPairs, Labels};

/// A label set as sorted, unique pairs that borrow from the input where
/// they can. Results hold these rather than maps of owned strings: most
/// labels pass through relabeling unchanged, and copying them into maps
/// dominated the cost of a detailed report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortedLabels<'a>(LabelPairs<'a>);

impl<'a> SortedLabels<'a> {
    /// Pairs that are already sorted by name and unique.
    pub fn from_sorted(pairs: LabelPairs<'a>) -> Self {
        debug_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
        SortedLabels(pairs)
    }

    /// Borrows a label set.
    pub fn of(labels: &'a Labels) -> Self {
        SortedLabels(
            labels
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
                .collect(),
        )
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| n.as_ref().cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name).ok().map(|i| self.0[i].1.as_ref())
    }

    /// Sets a label, keeping the order.
    pub fn insert(&mut self, name: Cow<'a, str>, value: Cow<'a, str>) {
        match self.position(&name) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (name, value)),
        }
    }

    /// The pairs, sorted by name.
    pub fn pairs(&self) -> &[(Cow<'a, str>, Cow<'a, str>)] {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.0.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// The labels whose names `keep` accepts, sharing borrowed names and
    /// values.
    pub fn filtered(&self, keep: impl Fn(&str) -> bool) -> SortedLabels<'a> {
        SortedLabels(self.0.iter().filter(|(n, _)| keep(n)).cloned().collect())
    }

    /// The labels whose names start with `prefix`, in order.
    pub fn with_prefix<'s>(
        &'s self,
        prefix: &'s str,
    ) -> impl Iterator<Item = (&'s str, &'s str)> + 's {
        let start = self.0.partition_point(|(n, _)| n.as_ref() < prefix);
        self.0[start..]
            .iter()
            .take_while(move |(n, _)| n.starts_with(prefix))
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> SortedLabels<'static> {
        SortedLabels(
            self.0
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned())))
                .collect(),
        )
    }

    pub fn to_labels(&self) -> Labels {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

/// A JSON object (or YAML mapping) of names to values, in name order: the
/// same text a [`Labels`] map gives.
impl Serialize for SortedLabels<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_inserts_and_serialization_follow_the_map() {
        let mut map: Labels = [("b", "2"), ("d", "4"), ("__param_x", "p")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut sorted = SortedLabels::of(&map).into_owned();
        for (k, v) in [("a", "1"), ("d", "5"), ("__param_a", "q")] {
            sorted.insert(Cow::Borrowed(k), Cow::Borrowed(v));
            map.insert(k.to_string(), v.to_string());
        }
        assert_eq!(sorted.to_labels(), map);
        assert_eq!(sorted.get("d"), Some("5"));
        assert_eq!(sorted.get("c"), None);
        let params: Vec<_> = sorted.with_prefix("__param_").collect();
        assert_eq!(params, [("__param_a", "q"), ("__param_x", "p")]);
        assert_eq!(
            serde_json::to_string(&sorted).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
    }
}
