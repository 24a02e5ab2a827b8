use std::borrow::Cow;

use super::Labels;

/// Mirrors Prometheus's `labels.Builder`: a sorted base plus ordered
/// additions and deletions. The order matters for `labelmap`, which visits
/// untouched base labels first and then labels set since, in the order they
/// were first set; when two names map onto one, the later one wins.
///
/// Names and values borrow from the input where they can: most labels pass
/// through relabeling unchanged, and copying them dominated run time.
#[derive(Debug, Clone, Default)]
pub struct LabelBuilder<'a> {
    base: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    del: Vec<Cow<'a, str>>,
    add: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

/// Label names of one target mostly share a long prefix
/// (`__meta_kubernetes_pod_…`) and differ near the end: comparing the last
/// byte first spares most of the full comparisons in the linear lookups.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

impl<'a> LabelBuilder<'a> {
    /// A builder whose base is `labels` (sorted, empty values skipped).
    pub fn from_sorted(labels: &'a Labels) -> LabelBuilder<'a> {
        Self::from_sorted_pairs(labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
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
            del: Vec::new(),
            add: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> &str {
        if let Some((_, v)) = self.add.iter().find(|(n, _)| same_name(n, name)) {
            return v;
        }
        if self.del.iter().any(|n| same_name(n, name)) {
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
        if let Some(slot) = self.add.iter_mut().find(|(n, _)| same_name(n, name)) {
            slot.1 = Cow::Owned(value.to_string());
            return;
        }
        self.add
            .push((Cow::Owned(name.to_string()), Cow::Owned(value.to_string())));
    }

    /// [`set`](Self::set) for a name known to be absent from the additions
    /// (building the discovered labels), without copying.
    pub(crate) fn push_new(&mut self, name: &'a str, value: &'a str) {
        if value.is_empty() {
            self.del(name);
        } else {
            self.add.push((Cow::Borrowed(name), Cow::Borrowed(value)));
        }
    }

    pub fn del(&mut self, name: &str) {
        self.add.retain(|(n, _)| !same_name(n, name));
        if !self.del.iter().any(|n| same_name(n, name)) {
            self.del.push(Cow::Owned(name.to_string()));
        }
    }

    /// Visits the labels in Prometheus's `Builder.Range` order.
    pub fn for_each(&self, mut f: impl FnMut(&str, &str)) {
        for (n, v) in &self.base {
            if !self.del.iter().any(|d| same_name(d, n))
                && !self.add.iter().any(|(a, _)| same_name(a, n))
            {
                f(n, v);
            }
        }
        for (n, v) in &self.add {
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

    /// Folds additions and deletions into a new sorted base, as Prometheus
    /// 2.x did before every rule.
    pub fn rebase(&mut self) {
        let mut merged: Vec<(Cow<'a, str>, Cow<'a, str>)> =
            Vec::with_capacity(self.base.len() + self.add.len());
        let base = std::mem::take(&mut self.base);
        let add = std::mem::take(&mut self.add);
        let del = std::mem::take(&mut self.del);
        for (n, v) in base {
            if !del.iter().any(|d| d == &n) && !add.iter().any(|(a, _)| a == &n) {
                merged.push((n, v));
            }
        }
        merged.extend(add);
        merged.sort_by(|a, b| a.0.cmp(&b.0));
        self.base = merged;
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
}
