//! What relabel-sim reports besides each target's (or series')
//! [`TargetResult`]: the jobs it ran through, and the counts of kept,
//! dropped and failed.

use crate::prom::config::RemoteWrite;
use crate::prom::config::ScrapeJob;
pub use crate::prom::target::{Outcome, TargetResult, WriteStage};
use crate::relabel::Rule;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub kept: usize,
    pub dropped: usize,
    pub failed: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.kept + self.dropped + self.failed
    }
    pub(super) fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Kept => self.kept += 1,
            Outcome::Dropped => self.dropped += 1,
            Outcome::Failed => self.failed += 1,
        }
    }
    pub(super) fn merge(&mut self, o: Counts) {
        self.kept += o.kept;
        self.dropped += o.dropped;
        self.failed += o.failed;
    }
}

#[derive(Debug, Clone)]
pub struct RuleRef {
    pub index: usize,
    pub action: &'static str,
    /// `line N`, or where a generated rule was written.
    pub place: String,
}

/// What the report says about a job (or a bare rule list).
#[derive(Debug, Clone)]
pub struct JobInfo {
    pub job: Option<String>,
    pub line: Option<usize>,
    /// Where a generated job came from (see [`crate::relabel::Origin`]).
    pub origin: Option<crate::relabel::Origin>,
    /// `relabel_configs` or `metric_relabel_configs`.
    pub rules_key: &'static str,
    pub rules: Vec<RuleRef>,
    pub notes: Vec<String>,
    /// With `--remote-write`, the remote write kept series go through.
    pub write: Option<WriteInfo>,
}

/// The remote write of `--remote-write` as the report names it.
#[derive(Debug, Clone)]
pub struct WriteInfo {
    /// `remote_write "NAME"` or `remote_write[INDEX]`.
    pub title: String,
    pub rules: Vec<RuleRef>,
}

impl WriteInfo {
    pub fn new(w: &RemoteWrite) -> WriteInfo {
        WriteInfo {
            title: write_title(&w.name, w.index),
            rules: rule_refs(&w.rules),
        }
    }
}

/// How the report names a remote write.
pub fn write_title(name: &str, index: usize) -> String {
    if name.is_empty() {
        format!("remote_write[{index}]")
    } else {
        format!("remote_write[{index}] {name:?}")
    }
}

impl JobInfo {
    /// The report header data of a job's `relabel_configs` (or, for
    /// `series`, its `metric_relabel_configs`).
    pub fn for_job(job: &ScrapeJob, series: bool) -> JobInfo {
        let (rules_key, rules) = if series {
            ("metric_relabel_configs", &job.metric_relabel)
        } else {
            ("relabel_configs", &job.relabel)
        };
        JobInfo {
            job: Some(job.name.clone()),
            line: Some(job.line),
            origin: job.origin.as_deref().cloned(),
            rules_key,
            rules: rule_refs(rules),
            notes: Vec::new(),
            write: None,
        }
    }

    pub fn is_series(&self) -> bool {
        self.rules_key == "metric_relabel_configs"
    }
}

pub(super) fn rule_refs(rules: &[Rule]) -> Vec<RuleRef> {
    rules
        .iter()
        .map(|r| RuleRef {
            index: r.index,
            action: r.action.as_str(),
            place: r.place(),
        })
        .collect()
}
