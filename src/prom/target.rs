//! Target population (`scrape/target.go`): scrape defaults before
//! relabeling, then the checks, `instance` default and meta-label removal
//! after it — for Prometheus 3.x or 2.x.

use std::borrow::Cow;

use serde::Serialize;

use super::config::ScrapeJob;
use super::duration;
use super::url::scrape_url;
use crate::relabel::{
    pair_get, process, Flavor, LabelBuilder, LabelPairs, Labels, SortedLabels, Step,
};

/// Everything relabel-sim and kdm test report about one discovered target
/// (or, with only relabeling run, one series). Label sets borrow from the
/// input and the job where they can.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetResult<'a> {
    /// Labels after scrape defaults, before relabeling (what the UI calls
    /// "discovered labels").
    pub discovered: SortedLabels<'a>,
    /// What relabel processing returned; `None` when dropped.
    pub relabeled: Option<SortedLabels<'a>>,
    pub dropped_by_rule: Option<usize>,
    /// The populated target labels, `__`-prefixed ones included.
    pub target: Option<SortedLabels<'a>>,
    pub scrape_url: Option<String>,
    pub error: Option<String>,
    pub steps: Vec<Step>,
    /// With `relabel-sim --remote-write`: what that remote write's
    /// `write_relabel_configs` did to a series the scrape kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_write: Option<Box<WriteStage>>,
}

/// The second stage of a series: one remote write's
/// `write_relabel_configs` over the series as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteStage {
    /// The remote write's `name` (empty when it has none) and position.
    pub name: String,
    pub index: usize,
    /// The series as sent; `None` when write relabeling dropped it.
    pub relabeled: Option<SortedLabels<'static>>,
    pub dropped_by_rule: Option<usize>,
    pub error: Option<String>,
    pub steps: Vec<Step>,
}

/// What became of a target or series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    Dropped,
    Failed,
}

impl TargetResult<'_> {
    /// A series followed through a remote write is kept when it is sent.
    pub fn outcome(&self) -> Outcome {
        let sent = self.remote_write.as_deref();
        if self.error.is_some() || sent.is_some_and(|w| w.error.is_some()) {
            Outcome::Failed
        } else if self.relabeled.is_some() && sent.is_none_or(|w| w.relabeled.is_some()) {
            Outcome::Kept
        } else {
            Outcome::Dropped
        }
    }

    /// A copy that borrows nothing, to keep beyond its input.
    pub fn into_owned(self) -> TargetResult<'static> {
        TargetResult {
            discovered: self.discovered.into_owned(),
            relabeled: self.relabeled.map(SortedLabels::into_owned),
            dropped_by_rule: self.dropped_by_rule,
            target: self.target.map(SortedLabels::into_owned),
            scrape_url: self.scrape_url,
            error: self.error,
            steps: self.steps,
            remote_write: self.remote_write,
        }
    }
}

/// Merges target and group labels as Prometheus does: the target wins, and
/// a target label present with an empty value still hides the group's.
fn merged<'p>(
    target: &'p [(Cow<'_, str>, Cow<'_, str>)],
    group: &'p [(Cow<'_, str>, Cow<'_, str>)],
) -> Vec<(&'p str, &'p str)> {
    let mut out: Vec<(&str, &str)> = target
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    for (k, v) in group {
        if pair_get(target, k).is_none() && !v.is_empty() {
            out.push((k, v));
        }
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// `PopulateDiscoveredLabels`: the builder holding the discovered labels.
pub fn discovered_builder<'a>(
    job: &'a ScrapeJob,
    target: &'a [(Cow<'a, str>, Cow<'a, str>)],
    group: &'a [(Cow<'a, str>, Cow<'a, str>)],
    flavor: Flavor,
) -> LabelBuilder<'a> {
    let mut lb = match flavor {
        // 3.x sets every label on an empty builder, so all count as added.
        Flavor::V3 => {
            // Room for every discovered label and a few set by rules: the
            // additions then grow once at most, not five times.
            let defaults = job.defaults_v3.len() + job.param_labels.len();
            let mut lb = LabelBuilder::with_capacity(target.len() + group.len() + defaults + 8);
            for (k, v) in target {
                lb.push_new(k, v);
            }
            for (k, v) in group {
                if pair_get(target, k).is_none() {
                    lb.push_new(k, v);
                }
            }
            lb
        }
        Flavor::V2 => LabelBuilder::from_sorted_pairs(merged(target, group)),
    };
    let defaults = match flavor {
        Flavor::V2 => &job.defaults_v2,
        Flavor::V3 => &job.defaults_v3,
    };
    for (name, value) in defaults {
        if lb.get(name).is_empty() {
            lb.push_new(name, value);
        }
    }
    for (name, first) in &job.param_labels {
        // 2.x let the config overwrite a discovered `__param_*`.
        if flavor == Flavor::V2 {
            lb.set(name, first);
        } else if lb.get(name).is_empty() {
            lb.push_new(name, first);
        }
    }
    lb
}

/// Runs one discovered target through a job: defaults, relabeling and
/// population.
pub fn populate(
    job: &ScrapeJob,
    target: &Labels,
    group: &Labels,
    flavor: Flavor,
    trace: bool,
) -> TargetResult<'static> {
    fn pairs(l: &Labels) -> LabelPairs<'_> {
        l.iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
            .collect()
    }
    let (target, group) = (pairs(target), pairs(group));
    populate_with(job, &target, &group, flavor, trace, true).into_owned()
}

/// [`populate`] over sorted label pairs, optionally without the
/// `discovered` and `relabeled` label sets (left empty) when only the
/// outcome is needed.
pub fn populate_with<'a>(
    job: &'a ScrapeJob,
    target: &'a [(Cow<'a, str>, Cow<'a, str>)],
    group: &'a [(Cow<'a, str>, Cow<'a, str>)],
    flavor: Flavor,
    trace: bool,
    detail: bool,
) -> TargetResult<'a> {
    let mut lb = discovered_builder(job, target, group, flavor);
    let discovered = if detail {
        lb.sorted()
    } else {
        SortedLabels::default()
    };
    let outcome = process(&job.relabel, &mut lb, flavor, trace);
    let mut result = TargetResult {
        discovered,
        relabeled: None,
        dropped_by_rule: outcome.dropped_by,
        target: None,
        scrape_url: None,
        error: outcome.error,
        steps: outcome.steps,
        remote_write: None,
    };
    if outcome.dropped_by.is_some() || result.error.is_some() {
        return result;
    }
    let relabeled = lb.into_sorted();
    // Meta labels are removed after relabeling.
    let target = relabeled.filtered(|n| !n.starts_with("__meta_"));
    result.relabeled = Some(if detail {
        relabeled
    } else {
        SortedLabels::default()
    });
    match finish(job, target, flavor) {
        Ok(labels) => {
            result.scrape_url = Some(scrape_url(&labels, &job.params));
            result.target = Some(labels);
        }
        Err(e) => result.error = Some(e),
    }
    result
}

/// The checks and finishing touches after relabeling (`PopulateLabels`).
fn finish<'a>(
    job: &ScrapeJob,
    mut labels: SortedLabels<'a>,
    flavor: Flavor,
) -> Result<SortedLabels<'a>, String> {
    let get = |l: &SortedLabels<'_>, k: &str| l.get(k).unwrap_or("").to_string();
    let mut addr = get(&labels, "__address__");
    if addr.is_empty() {
        return Err("no address".into());
    }
    if flavor == Flavor::V2 && needs_default_port(&addr) {
        match labels.get("__scheme__").unwrap_or("") {
            "http" | "" => addr.push_str(":80"),
            "https" => addr.push_str(":443"),
            // 2.x printed the job's configured scheme, not the label.
            _ => return Err(format!("invalid scheme: {:?}", job.scheme)),
        }
        labels.insert(Cow::Borrowed("__address__"), Cow::Owned(addr.clone()));
    }
    if addr.contains('/') {
        return Err(format!("{addr:?} is not a valid hostname"));
    }
    let interval_text = get(&labels, "__scrape_interval__");
    let interval = duration::parse(&interval_text, flavor)
        .map_err(|e| format!("error parsing scrape interval: {e}"))?;
    if interval == 0 {
        return Err("scrape interval cannot be 0".into());
    }
    let timeout_text = get(&labels, "__scrape_timeout__");
    let timeout = duration::parse(&timeout_text, flavor)
        .map_err(|e| format!("error parsing scrape timeout: {e}"))?;
    if timeout == 0 {
        return Err("scrape timeout cannot be 0".into());
    }
    if timeout > interval {
        return Err(format!(
            "scrape timeout cannot be greater than scrape interval ({timeout_text:?} > {interval_text:?})"
        ));
    }
    if flavor == Flavor::V3 {
        for (name, desc) in [
            (
                "__convert_classic_histograms_to_nhcb__",
                "convert classic histograms to nhcb",
            ),
            (
                "__always_scrape_classic_histograms__",
                "always scrape classic histograms",
            ),
            ("__scrape_native_histograms__", "scrape native histograms"),
        ] {
            let v = labels.get(name).unwrap_or("");
            if !v.is_empty() && parse_go_bool(v).is_none() {
                return Err(format!(
                    "error parsing {desc}: strconv.ParseBool: parsing {v:?}: invalid syntax"
                ));
            }
        }
    }
    if labels.get("instance").unwrap_or("").is_empty() {
        labels.insert(Cow::Borrowed("instance"), Cow::Owned(addr));
    }
    Ok(labels)
}

fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// 2.x added a default port when `net.SplitHostPort` failed on the address
/// but would succeed with `:1234` appended.
fn needs_default_port(addr: &str) -> bool {
    split_host_port(addr).is_none() && split_host_port(&format!("{addr}:1234")).is_some()
}

/// Go's `net.SplitHostPort`, reduced to whether it succeeds.
pub(crate) fn split_host_port(s: &str) -> Option<(&str, &str)> {
    let i = s.rfind(':')?;
    let (host, port) = (&s[..i], &s[i + 1..]);
    if let Some(rest) = host.strip_prefix('[') {
        let end = rest.find(']')?;
        // `]` must be immediately before the last ':'.
        if end + 1 != rest.len() {
            return None;
        }
        let inner = &rest[..end];
        if inner.contains('[') || inner.contains(']') || port.contains(']') {
            return None;
        }
        return Some((inner, port));
    }
    if host.contains(':')
        || host.contains('[')
        || host.contains(']')
        || port.contains('[')
        || port.contains(']')
    {
        return None;
    }
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_host_port_like_go() {
        assert_eq!(split_host_port("a:1"), Some(("a", "1")));
        assert_eq!(split_host_port("10.0.0.1:"), Some(("10.0.0.1", "")));
        assert_eq!(split_host_port("[::1]:80"), Some(("::1", "80")));
        assert_eq!(split_host_port("::1"), None);
        assert_eq!(split_host_port("[::1]"), None);
        assert_eq!(split_host_port("a"), None);
        assert!(needs_default_port("[::1]"));
        assert!(!needs_default_port("::1"));
        assert!(needs_default_port("1.2.3.4"));
        assert!(!needs_default_port("1.2.3.4:"));
    }
}
