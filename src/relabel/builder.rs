use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::{Labels, SortedLabels};

/// Mirrors Prometheus's `labels.Builder`: a sorted base plus ordered
/// additions and deletions. The order matters for `labelmap`, which visits
/// untouched base labels first and then labels set since, in the order they
/// were first set; when two names map onto one, the later one wins.
///
/// Names and values borrow from the input where they can: most labels pass
/// through relabeling unchanged, and copying them dominated run time.
///
/// Additions and deletions are searched linearly while there are few of them
/// (the usual case, and the fastest); past `INDEX_AFTER` an index takes
/// over, so a `labelmap` or `labeldrop` over tens of thousands of labels
/// stays linear.
#[derive(Debug, Clone, Default)]
pub struct LabelBuilder<'a> {
    base: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    del: Vec<Cow<'a, str>>,
    add: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    index: Option<Box<Index>>,
}

/// Additions and deletions above which lookups go through [`Index`]. A
/// Kubernetes target carries 30 to 60 labels, which a scan over names
/// (compared last byte first) finds faster than hashing them.
const INDEX_AFTER: usize = 128;

/// Hash lookups over `add` and `del`. An addition deleted while indexed is
/// left in `add` as a dead entry (removing it would shift every later
/// position) and skipped; dead entries are swept once they are half.
#[derive(Debug, Clone, Default)]
struct Index {
    /// Live additions: name -> position in `add`.
    added: HashMap<String, usize>,
    dead: Vec<bool>,
    dead_count: usize,
    deleted: HashSet<String>,
}

/// Label names of one target mostly share a long prefix
/// (`__meta_kubernetes_pod_…`) and differ near the end: comparing the last
/// byte first spares most of the full comparisons in the linear lookups.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// Sorts labels by name. They come as a few sorted runs (the base, labels
/// discovered in input order, defaults, labels set by rules), which the
/// stable sort finds and merges: fewer comparisons of long, alike names
/// than sorting from scratch. Names are unique, so the order is the same.
fn sort_by_name(pairs: &mut [(Cow<'_, str>, Cow<'_, str>)]) {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
}

impl<'a> LabelBuilder<'a> {
    /// A builder whose base is `labels` (sorted, empty values skipped).
    pub fn from_sorted(labels: &'a Labels) -> LabelBuilder<'a> {
        Self::from_sorted_pairs(labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// An empty builder with room for `additions`.
    pub fn with_capacity(additions: usize) -> Self {
        LabelBuilder {
            add: Vec::with_capacity(additions),
            ..Default::default()
        }
    }

    /// Starts from pairs that are already sorted by name and unique; empty
    /// values are skipped.
    pub fn from_sorted_pairs(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        LabelBuilder {
            base: pairs
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (Cow::Borrowed(k), Cow::Borrowed(v)))
                .collect(),
            ..Default::default()
        }
    }

    /// Position of the live addition named `name`.
    fn added(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.added.get(name).copied(),
            None => self.add.iter().position(|(n, _)| same_name(n, name)),
        }
    }

    fn is_deleted(&self, name: &str) -> bool {
        match &self.index {
            Some(ix) => ix.deleted.contains(name),
            None => self.del.iter().any(|n| same_name(n, name)),
        }
    }

    pub fn get(&self, name: &str) -> &str {
        if let Some(i) = self.added(name) {
            return &self.add[i].1;
        }
        if self.is_deleted(name) {
            return "";
        }
        match self.base.binary_search_by(|(n, _)| n.as_ref().cmp(name)) {
            Ok(i) => &self.base[i].1,
            Err(_) => "",
        }
    }

    /// Sets a label; an empty value deletes it, as in Prometheus.
    pub fn set(&mut self, name: &str, value: &str) {
        if value.is_empty() {
            self.del(name);
            return;
        }
        if let Some(i) = self.added(name) {
            self.add[i].1 = Cow::Owned(value.to_string());
            return;
        }
        self.append(Cow::Owned(name.to_string()), Cow::Owned(value.to_string()));
    }

    /// [`set`](Self::set) for a name known to be absent from the additions
    /// (building the discovered labels), without copying.
    pub(crate) fn push_new(&mut self, name: &'a str, value: &'a str) {
        if value.is_empty() {
            self.del(name);
        } else {
            self.append(Cow::Borrowed(name), Cow::Borrowed(value));
        }
    }

    fn append(&mut self, name: Cow<'a, str>, value: Cow<'a, str>) {
        if let Some(ix) = &mut self.index {
            ix.added.insert(name.to_string(), self.add.len());
            ix.dead.push(false);
        }
        self.add.push((name, value));
        self.index_if_large();
    }

    pub fn del(&mut self, name: &str) {
        match &mut self.index {
            Some(ix) => {
                if let Some(i) = ix.added.remove(name) {
                    ix.dead[i] = true;
                    ix.dead_count += 1;
                }
                if ix.deleted.insert(name.to_string()) {
                    self.del.push(Cow::Owned(name.to_string()));
                }
                if ix.dead_count > INDEX_AFTER && ix.dead_count * 2 > self.add.len() {
                    self.sweep();
                }
            }
            None => {
                self.add.retain(|(n, _)| !same_name(n, name));
                if !self.del.iter().any(|n| same_name(n, name)) {
                    self.del.push(Cow::Owned(name.to_string()));
                }
                self.index_if_large();
            }
        }
    }

    fn index_if_large(&mut self) {
        if self.index.is_some() || self.add.len() + self.del.len() <= INDEX_AFTER {
            return;
        }
        let mut ix = Index {
            dead: vec![false; self.add.len()],
            deleted: self.del.iter().map(|n| n.to_string()).collect(),
            ..Default::default()
        };
        for (i, (n, _)) in self.add.iter().enumerate() {
            ix.added.insert(n.to_string(), i);
        }
        self.index = Some(Box::new(ix));
    }

    /// Drops dead additions, keeping the order of the live ones.
    fn sweep(&mut self) {
        let Some(ix) = &mut self.index else { return };
        let mut i = 0;
        self.add.retain(|_| {
            i += 1;
            !ix.dead[i - 1]
        });
        ix.dead = vec![false; self.add.len()];
        ix.dead_count = 0;
        ix.added.clear();
        for (i, (n, _)) in self.add.iter().enumerate() {
            ix.added.insert(n.to_string(), i);
        }
    }

    /// The live additions, in the order they were first set.
    fn live_additions(&self) -> impl Iterator<Item = &(Cow<'a, str>, Cow<'a, str>)> {
        let dead = self.index.as_ref().map(|ix| ix.dead.as_slice());
        self.add
            .iter()
            .enumerate()
            .filter(move |(i, _)| !dead.is_some_and(|d| d[*i]))
            .map(|(_, a)| a)
    }

    /// Visits the labels in Prometheus's `Builder.Range` order.
    pub fn for_each(&self, mut f: impl FnMut(&str, &str)) {
        for (n, v) in &self.base {
            if !self.is_deleted(n) && self.added(n).is_none() {
                f(n, v);
            }
        }
        for (n, v) in self.live_additions() {
            f(n, v);
        }
    }

    /// The labels in Prometheus's `Builder.Range` order.
    pub fn snapshot(&self) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(self.base.len() + self.add.len());
        self.for_each(|n, v| out.push((n.to_string(), v.to_string())));
        out
    }

    pub fn labels(&self) -> Labels {
        let mut out = Labels::new();
        self.for_each(|n, v| {
            out.insert(n.to_string(), v.to_string());
        });
        out
    }

    /// The labels sorted by name, sharing the builder's borrowed names and
    /// values (owned ones are copied).
    fn merged(&self) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
        let mut merged: Vec<(Cow<'a, str>, Cow<'a, str>)> =
            Vec::with_capacity(self.base.len() + self.add.len());
        for (n, v) in &self.base {
            if !self.is_deleted(n) && self.added(n).is_none() {
                merged.push((n.clone(), v.clone()));
            }
        }
        merged.extend(self.live_additions().cloned());
        sort_by_name(&mut merged);
        merged
    }

    /// The labels as a sorted set.
    pub fn sorted(&self) -> SortedLabels<'a> {
        SortedLabels::from_sorted(self.merged())
    }

    /// [`sorted`](Self::sorted), moving the labels out instead of copying
    /// the owned ones.
    pub fn into_sorted(mut self) -> SortedLabels<'a> {
        let keep: Vec<bool> = self
            .base
            .iter()
            .map(|(n, _)| !self.is_deleted(n) && self.added(n).is_none())
            .collect();
        let dead = self.index.take().map(|ix| ix.dead);
        let mut merged = Vec::with_capacity(self.base.len() + self.add.len());
        merged.extend(
            std::mem::take(&mut self.base)
                .into_iter()
                .zip(keep)
                .filter_map(|(pair, keep)| keep.then_some(pair)),
        );
        merged.extend(
            std::mem::take(&mut self.add)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !dead.as_ref().is_some_and(|d| d[*i]))
                .map(|(_, pair)| pair),
        );
        sort_by_name(&mut merged);
        SortedLabels::from_sorted(merged)
    }

    /// Folds additions and deletions into a new sorted base, as Prometheus
    /// 2.x did before every rule.
    pub fn rebase(&mut self) {
        *self = LabelBuilder {
            base: self.merged(),
            ..Default::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_base_labels_move_to_the_end() {
        let base: Labels = [("a", "1"), ("b", "2"), ("c", "3")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut b = LabelBuilder::from_sorted(&base);
        b.set("a", "x");
        b.set("z", "9");
        b.del("b");
        let names: Vec<_> = b.snapshot().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["c", "a", "z"]);
        assert_eq!(b.get("b"), "");
        b.set("b", "again");
        assert_eq!(b.get("b"), "again");
        b.set("z", "");
        assert_eq!(b.labels().len(), 3);
        b.rebase();
        let names: Vec<_> = b.snapshot().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    /// Prometheus's `labels.Builder` written the plain way: the reference
    /// the indexed builder must agree with.
    #[derive(Default)]
    struct Model {
        base: Vec<(String, String)>,
        del: Vec<String>,
        add: Vec<(String, String)>,
    }

    impl Model {
        fn get(&self, name: &str) -> String {
            if let Some((_, v)) = self.add.iter().find(|(n, _)| n == name) {
                return v.clone();
            }
            if self.del.iter().any(|n| n == name) {
                return String::new();
            }
            let found = self.base.iter().find(|(n, _)| n == name);
            found.map(|(_, v)| v.clone()).unwrap_or_default()
        }
        fn set(&mut self, name: &str, value: &str) {
            if value.is_empty() {
                return self.del(name);
            }
            match self.add.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = value.to_string(),
                None => self.add.push((name.to_string(), value.to_string())),
            }
        }
        fn del(&mut self, name: &str) {
            self.add.retain(|(n, _)| n != name);
            if !self.del.iter().any(|n| n == name) {
                self.del.push(name.to_string());
            }
        }
        fn range(&self) -> Vec<(String, String)> {
            let untouched = self
                .base
                .iter()
                .filter(|(n, _)| !self.del.contains(n) && !self.add.iter().any(|(a, _)| a == n));
            untouched.chain(&self.add).cloned().collect()
        }
        fn rebase(&mut self) {
            let mut merged = self.range();
            merged.sort();
            *self = Model {
                base: merged,
                ..Default::default()
            };
        }
    }

    #[test]
    fn indexed_builder_agrees_with_the_plain_model() {
        let base: Labels = (0..200)
            .map(|i| (format!("l{i:03}"), format!("v{i}")))
            .collect();
        // A small linear congruential generator: repeatable, no dependency.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for round in 0..40 {
            let mut b = LabelBuilder::from_sorted(&base);
            let mut m = Model {
                base: base.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                ..Default::default()
            };
            let mut indexed = false;
            let ops = 300 + round * 10;
            for _ in 0..ops {
                let name = format!("l{:03}", next(400));
                match next(10) {
                    0..=4 => {
                        let value = format!("x{}", next(3));
                        b.set(&name, &value);
                        m.set(&name, &value);
                    }
                    5 => {
                        b.set(&name, "");
                        m.set(&name, "");
                    }
                    6..=7 => {
                        b.del(&name);
                        m.del(&name);
                    }
                    8 if round % 2 == 1 => {
                        b.rebase();
                        m.rebase();
                    }
                    _ => assert_eq!(b.get(&name), m.get(&name), "get {name}"),
                }
                assert_eq!(b.snapshot(), m.range(), "round {round}");
                let mut sorted = m.range();
                sorted.sort();
                let got: Vec<(String, String)> = b
                    .clone()
                    .into_sorted()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                assert_eq!(got, sorted, "round {round}, into_sorted");
                assert_eq!(b.clone().into_sorted(), b.sorted(), "round {round}");
                indexed |= b.index.is_some();
            }
            // Rounds without rebasing grow past the index threshold.
            assert!(indexed || round % 2 == 1, "round {round} never indexed");
        }
    }
}
