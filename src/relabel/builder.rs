use super::Labels;

/// Mirrors Prometheus's `labels.Builder`: a sorted base plus ordered
/// additions and deletions. The order matters for `labelmap`, which visits
/// untouched base labels first and then labels set since, in the order they
/// were first set; when two names map onto one, the later one wins.
#[derive(Debug, Clone, Default)]
pub struct LabelBuilder {
    base: Vec<(String, String)>,
    del: Vec<String>,
    add: Vec<(String, String)>,
}

impl LabelBuilder {
    /// A builder whose base is `labels` (sorted, empty values skipped).
    pub fn from_sorted(labels: &Labels) -> LabelBuilder {
        LabelBuilder {
            base: labels
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            del: Vec::new(),
            add: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> &str {
        if let Some((_, v)) = self.add.iter().find(|(n, _)| n == name) {
            return v;
        }
        if self.del.iter().any(|n| n == name) {
            return "";
        }
        match self.base.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
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
        if let Some(slot) = self.add.iter_mut().find(|(n, _)| n == name) {
            slot.1.clear();
            slot.1.push_str(value);
            return;
        }
        self.add.push((name.to_string(), value.to_string()));
    }

    pub fn del(&mut self, name: &str) {
        self.add.retain(|(n, _)| n != name);
        if !self.del.iter().any(|n| n == name) {
            self.del.push(name.to_string());
        }
    }

    /// Visits the labels in Prometheus's `Builder.Range` order.
    pub fn for_each(&self, mut f: impl FnMut(&str, &str)) {
        for (n, v) in &self.base {
            if !self.del.iter().any(|d| d == n) && !self.add.iter().any(|(a, _)| a == n) {
                f(n, v);
            }
        }
        for (n, v) in &self.add {
            f(n, v);
        }
    }

    /// Starts from pairs that are already sorted by name and unique; empty
    /// values are skipped.
    pub fn from_sorted_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        LabelBuilder {
            base: pairs
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            del: Vec::new(),
            add: Vec::new(),
        }
    }

    /// The labels in Prometheus's `Builder.Range` order.
    pub fn snapshot(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .base
            .iter()
            .filter(|(n, _)| {
                !self.del.iter().any(|d| d == n) && !self.add.iter().any(|(a, _)| a == n)
            })
            .cloned()
            .collect();
        out.extend(self.add.iter().cloned());
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
        let labels = self.labels();
        *self = LabelBuilder::from_sorted(&labels);
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
    }
}
