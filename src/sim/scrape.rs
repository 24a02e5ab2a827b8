//! What a scraped sample carries into `metric_relabel_configs`: its own
//! labels merged with its target's, as Prometheus's scrape loop does
//! (`mutateSampleLabels` in `scrape/scrape.go`).

use super::groups::{group_targets, job_groups};
use super::targets::Targets;
use crate::diag::Result;
use crate::prom::config::ScrapeJob;
use crate::prom::target::populate_with;
use crate::relabel::{Flavor, Labels};

const EXPORTED: &str = "exported_";

/// The sample's labels before `metric_relabel_configs`: the target's public
/// labels (no `__` prefix) are added; on a conflict the exposed value wins
/// with `honor_labels`, else it moves to `exported_<name>` (prefixed again
/// while that name is taken). Empty exposed values are no labels.
pub fn merge_target(series: &Labels, target: &Labels, honor_labels: bool) -> Labels {
    let public = || target.iter().filter(|(k, _)| !k.starts_with("__"));
    let mut out = series.clone();
    if honor_labels {
        for (k, v) in public() {
            // A label exposed with an empty value still hides the target's.
            if !series.contains_key(k) {
                out.insert(k.clone(), v.clone());
            }
        }
        out.retain(|_, v| !v.is_empty());
        return out;
    }
    out.retain(|_, v| !v.is_empty());
    let mut conflicts: Vec<(&str, &str)> = Vec::new();
    for (k, v) in public() {
        if let Some(exposed) = series.get(k).filter(|e| !e.is_empty()) {
            conflicts.push((k, exposed));
        }
        out.insert(k.clone(), v.clone());
    }
    // Shorter names first, so `foo` claims `exported_foo` before
    // `exported_foo` needs `exported_exported_foo`.
    conflicts.sort_by_key(|(k, _)| k.len());
    for (name, value) in conflicts {
        let mut new = name.to_string();
        loop {
            new.insert_str(0, EXPORTED);
            if out.get(&new).is_none_or(String::is_empty) {
                out.insert(new, value.to_string());
                break;
            }
        }
    }
    out
}

/// The labels of every distinct target a job keeps from `targets` (or its
/// `static_configs`), or a note saying why there are none.
pub fn job_target_labels(
    job: &ScrapeJob,
    targets: Option<&Targets<'_>>,
    flavor: Flavor,
) -> Result<(Vec<Labels>, Option<String>)> {
    let (groups, _) = job_groups(job, targets)?;
    let items = group_targets(&groups);
    let mut out: Vec<Labels> = Vec::new();
    for (group, target) in &items {
        let group = group.pairs();
        let r = populate_with(job, target, &group, flavor, false, false);
        if let (Some(t), None) = (&r.target, &r.error) {
            let labels = t.to_labels();
            if !out.contains(&labels) {
                out.push(labels);
            }
        }
    }
    let note = if !out.is_empty() {
        None
    } else if items.is_empty() {
        Some(format!(
            "no targets (pass --targets, or give the job static_configs): series get only job={:?} from their target",
            job.name
        ))
    } else {
        Some(format!(
            "relabel_configs keep none of the {} target(s): series get only job={:?} from their target",
            items.len(),
            job.name
        ))
    };
    if out.is_empty() {
        out.push(Labels::from([("job".to_string(), job.name.clone())]));
    }
    Ok((out, note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relabel::labels;

    // Cases from prometheus/prometheus scrape/scrape_test.go
    // (TestScrapeLoopAppend_HonorLabels,
    // TestScrapeLoopAppendForConflictingPrefixedLabels); Apache-2.0, see
    // testdata/PROVENANCE.md.
    fn case(target: &[(&str, &str)], exposed: &[(&str, &str)], honor: bool) -> Labels {
        let mut series = labels(exposed);
        series.insert("__name__".into(), "metric".into());
        merge_target(&series, &labels(target), honor)
    }

    fn with_name(pairs: &[(&str, &str)]) -> Labels {
        let mut l = labels(pairs);
        l.insert("__name__".into(), "metric".into());
        l
    }

    #[test]
    fn honor_labels() {
        assert_eq!(
            case(&[("n", "2")], &[("n", "1")], false),
            with_name(&[("exported_n", "1"), ("n", "2")])
        );
        assert_eq!(
            case(&[("n", "2"), ("exported_n", "2")], &[("n", "1")], false),
            with_name(&[
                ("n", "2"),
                ("exported_n", "2"),
                ("exported_exported_n", "1")
            ])
        );
        assert_eq!(case(&[], &[("n", "")], false), with_name(&[]));
        assert_eq!(
            case(&[("n", "2")], &[("n", "1")], true),
            with_name(&[("n", "1")])
        );
    }

    #[test]
    fn conflicting_prefixed_labels() {
        assert_eq!(
            case(
                &[("foo", "2"), ("exported_foo", "3")],
                &[("foo", "1")],
                false
            ),
            with_name(&[
                ("exported_exported_foo", "1"),
                ("exported_foo", "3"),
                ("foo", "2")
            ])
        );
        assert_eq!(
            case(
                &[("foo", "3")],
                &[("foo", "1"), ("exported_foo", "2")],
                false
            ),
            with_name(&[
                ("exported_exported_foo", "1"),
                ("exported_foo", "2"),
                ("foo", "3")
            ])
        );
        assert_eq!(
            case(&[("exported_foo", "2")], &[("exported_foo", "1")], false),
            with_name(&[("exported_exported_foo", "1"), ("exported_foo", "2")])
        );
        assert_eq!(
            case(
                &[("foo", "3"), ("exported_foo", "4")],
                &[("foo", "1"), ("exported_foo", "2")],
                false
            ),
            with_name(&[
                ("exported_exported_foo", "1"),
                ("exported_exported_exported_foo", "2"),
                ("exported_foo", "4"),
                ("foo", "3")
            ])
        );
        assert_eq!(
            case(
                &[
                    ("foo", "0"),
                    ("exported_exported_foo", "1"),
                    ("exported_exported_exported_foo", "2")
                ],
                &[
                    ("foo", "3"),
                    ("exported_foo", "4"),
                    ("exported_exported_exported_foo", "5")
                ],
                false
            ),
            with_name(&[
                ("exported_exported_exported_exported_exported_foo", "5"),
                ("exported_exported_exported_exported_foo", "3"),
                ("exported_exported_exported_foo", "2"),
                ("exported_exported_foo", "1"),
                ("exported_foo", "4"),
                ("foo", "0")
            ])
        );
    }

    #[test]
    fn internal_target_labels_stay_out() {
        assert_eq!(
            case(&[("__address__", "a:1"), ("instance", "a:1")], &[], false),
            with_name(&[("instance", "a:1")])
        );
    }

    #[test]
    fn honored_empty_exposed_label_hides_the_target_label() {
        assert_eq!(case(&[("n", "2")], &[("n", "")], true), with_name(&[]));
    }
}
