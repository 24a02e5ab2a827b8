//! Where a rule of a generated config was written. prometheus-operator's
//! configs are generated from monitors: a rule's line in the generated text
//! means nothing to the user, its place in the monitor does.

use serde::Serialize;

/// The place a rule (or a job) came from, shown instead of its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The user's file, as named on the command line.
    pub file: String,
    pub line: usize,
    /// For what the generator wrote itself rather than copied from the
    /// user: who wrote it and for what, e.g. `prometheus-operator for
    /// ServiceMonitor monitoring/node-exporter`; the place is then that
    /// monitor's (or its endpoint's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added_by: Option<String>,
}

impl Origin {
    /// `file.yaml:12`, or `added by prometheus-operator for ServiceMonitor
    /// ns/name, file.yaml:12`.
    pub fn describe(&self) -> String {
        match &self.added_by {
            None => format!("{}:{}", self.file, self.line),
            Some(by) => format!("added by {by}, {}:{}", self.file, self.line),
        }
    }
}

impl Origin {
    /// A generated job's place, `file.yaml:12` (its name says what it
    /// was generated for).
    pub fn describe_job(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// `line N` in the config itself, or the origin of a generated rule.
pub fn place(line: usize, origin: Option<&Origin>) -> String {
    match origin {
        Some(o) => o.describe(),
        None => format!("line {line}"),
    }
}
