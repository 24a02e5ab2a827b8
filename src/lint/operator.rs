//! prometheus-operator resources in a lint run: the configs their
//! Prometheus resources define (with the monitors each selects) are linted
//! as Prometheus configs, appended to the run as generated files, and every
//! finding in generated text is moved to what the user wrote: the field of
//! the relabeling in the monitor, or the monitor's endpoint for what the
//! operator wrote itself.

use super::{Finding, LintFile};
use crate::diag::Error;
use crate::operator::configs::{define, user_place, Choice, Defined, Generated as Config};
use crate::prom::config::ScrapeJob;
use crate::relabel::Flavor;
use crate::yaml::{Source, Span};

/// The generated configs of a run.
pub struct Generated {
    pub defined: Defined,
    /// The run's files before the generated ones were appended.
    pub first: usize,
    /// The Helm release kube-prometheus-stack values were read for.
    pub release: String,
}

/// Appends to `files` the config of each Prometheus their resources define
/// (kube-prometheus-stack values rendered for `release`);
/// `None` when they hold no prometheus-operator resources, an error when
/// one cannot be read or compiled.
pub fn append(files: &mut Vec<LintFile>, release: &str) -> Result<Option<Generated>, Error> {
    let first = files.len();
    let defined = {
        let sources: Vec<&Source> = files.iter().map(|f| &f.source).collect();
        let docs: Vec<&[crate::yaml::Node]> = files.iter().map(|f| f.docs.as_slice()).collect();
        let choice = Choice {
            only: None,
            release,
            keep_going: true,
            file_sd: false,
        };
        define(&sources, &docs, choice)?
    };
    let Some(defined) = defined else {
        return Ok(None);
    };
    files.extend(
        defined
            .configs
            .iter()
            .map(|g| LintFile::new(g.source.clone(), vec![g.root.clone()])),
    );
    Ok(Some(Generated {
        defined,
        first,
        release: release.to_string(),
    }))
}

impl Generated {
    /// The generated config in file `file` of the run, if it is one.
    pub fn config(&self, file: usize) -> Option<&Config> {
        self.defined.configs.get(file.checked_sub(self.first)?)
    }

    /// The jobs of the generated config in file `file`, each job and rule
    /// with the place the user wrote it.
    pub fn scrape_jobs(&self, files: &[LintFile], file: usize) -> Option<Vec<ScrapeJob>> {
        let sources: Vec<&Source> = files[..self.first].iter().map(|f| &f.source).collect();
        self.config(file)?.scrape_jobs(&sources, Flavor::V3).ok()
    }

    /// `f` moved out of generated text to where the user wrote it; `None`
    /// for a place nobody wrote (it cannot happen: every job has a monitor).
    pub fn remap(&self, mut f: Finding, files: &[LintFile]) -> Option<Finding> {
        if f.file < self.first {
            return Some(f);
        }
        let (file, span, by) = self.place(f.file, f.span, files)?;
        f.file = file;
        f.span = span;
        // A rule the operator wrote is named as such; a job is named
        // after its monitor already.
        if let Some(by) = by {
            f.message = format!("{} (in a rule written by {by})", f.message);
        }
        f.related = std::mem::take(&mut f.related)
            .into_iter()
            .filter_map(|(file, span, label)| {
                let (file, span, _) = self.place(file, span, files)?;
                Some((file, span, label))
            })
            .collect();
        Some(f)
    }

    /// A place in a run's file, generated or not, in the user's files.
    fn place(
        &self,
        file: usize,
        span: Span,
        files: &[LintFile],
    ) -> Option<(usize, Span, Option<String>)> {
        let Some(config) = self.config(file) else {
            return (file < self.first).then_some((file, span, None));
        };
        let at = config.locate(span)?;
        let by = at.added_by.clone().filter(|_| at.rule.is_some());
        let user = at
            .rule
            .as_ref()
            .filter(|_| at.added_by.is_none())
            .and_then(|rule| {
                let written = files
                    .get(at.at.file)?
                    .docs
                    .iter()
                    .find_map(|d| d.find(at.at.span))?;
                Some(user_place(rule, span, written))
            });
        Some((at.at.file, user.unwrap_or(at.at.span), by))
    }
}
