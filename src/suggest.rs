//! "Did you mean …?": the one rule for when a misspelt name is close enough
//! to a known one to suggest it. Config readers, `generate` and the lint
//! rules all ask here, so a typo gets the same answer everywhere.
//!
//! Distance is the optimal-string-alignment edit distance over characters:
//! inserting, deleting or replacing a character, or swapping two
//! neighbours, is one edit (`lable` is one edit from `label`). A known name
//! is close when it is at most one edit per three characters of the longer
//! of the two names away: `tagg` → `tag` and `relabel_config` →
//! `relabel_configs` are close, `db` → `mq` and `kube-dns` →
//! `node-local-dns` are not. Among close names, the fewest edits win, then
//! the nearest in length, then the first given.

/// Edits between two names (see the module doc).
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Whether `typed` is close enough to `known` to be a likely typo of it.
pub fn is_close(typed: &str, known: &str) -> bool {
    edits_if_close(typed, known).is_some()
}

/// The edits between `typed` and `known` when they are close, for callers
/// that rank candidates of their own making.
pub fn edits_if_close(typed: &str, known: &str) -> Option<usize> {
    let edits = distance(typed, known);
    let longer = typed.chars().count().max(known.chars().count());
    (3 * edits <= longer).then_some(edits)
}

/// The known name closest to `typed`, when one is close (see the module doc).
pub fn closest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = typed.chars().count();
    known
        .into_iter()
        .filter_map(|k| Some((edits_if_close(typed, k)?, k)))
        .min_by_key(|&(d, k)| (d, k.chars().count().abs_diff(len)))
        .map(|(_, k)| k)
}

/// The help line for a suggestion.
pub fn did_you_mean(name: &str) -> String {
    format!("did you mean `{name}`?")
}

/// The help for a rule id that names none of `rule_ids`: the closest one,
/// when one is close, and where the ids are listed.
pub fn unknown_rule_help<'a>(id: &str, rule_ids: impl IntoIterator<Item = &'a str>) -> String {
    const LIST: &str = "`kdm lint --list-rules` lists the rules";
    match closest(id, rule_ids) {
        Some(best) => format!("{} {LIST}", did_you_mean(best)),
        None => LIST.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_a_swap_as_one_edit() {
        assert_eq!(distance("lable", "label"), 1);
        assert_eq!(distance("node-exportr", "node-exporter"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("pod", "pod"), 0);
        assert_eq!(distance("héllo", "hello"), 1, "characters, not bytes");
    }

    #[test]
    fn one_edit_per_three_characters() {
        assert!(is_close("tagg", "tag"));
        assert!(is_close("lable", "label"));
        assert!(is_close("relabel_config", "relabel_configs"));
        assert!(is_close("node-exportr", "node-exporter"));
        assert!(!is_close("db", "mq"));
        assert!(!is_close("a", "b"));
        assert!(!is_close("kube-dns", "node-local-dns"));
        // Four edits in twelve characters is the limit.
        assert!(is_close("abcdefghijkl", "abcdefghwxyz"));
        assert!(!is_close("abcdefghijkl", "abcdefgvwxyz"));
        assert_eq!(edits_if_close("pod_nme", "pod_name"), Some(1));
        assert_eq!(edits_if_close("db", "mq"), None);
    }

    #[test]
    fn the_closest_name_wins_then_the_nearest_length_then_the_first() {
        let fields = ["relabel_configs", "metric_relabel_configs", "metrics_path"];
        assert_eq!(closest("relabel_config", fields), Some("relabel_configs"));
        assert_eq!(closest("metric_path", fields), Some("metrics_path"));
        assert_eq!(closest("scheme", fields), None);
        assert_eq!(closest("ab", ["abc", "abd"]), Some("abc"));
        assert_eq!(closest("abcd", ["abc", "abcde"]), Some("abc"));
        assert_eq!(closest("abcd", ["abcdef", "abc"]), Some("abc"));
        assert_eq!(closest("x", std::iter::empty()), None);
        assert_eq!(did_you_mean("tag"), "did you mean `tag`?");
    }
}
