//! Follows a prometheus.yml's `scrape_config_files` as Prometheus's
//! `GetScrapeConfigs` does: each pattern relative to the config's
//! directory, a pattern matching nothing is no error, each file holds only
//! `scrape_configs:`, its jobs come after the main file's (paths in them
//! relative to their own file), and a job name already taken is an error
//! naming the first place.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Error, Result};
use crate::input::{load_yaml, read_source};
use crate::prom::config::files::{parse_included, patterns};
use crate::prom::config::{ScrapeJob, DUPLICATE_JOB};
use crate::relabel::{Flavor, Origin};
use crate::yaml::{Node, Source};

/// Included files read at most, over all patterns (a glob over a big
/// directory is a mistake, not a config).
pub const MAX_FILES: usize = 1000;
/// An included file larger than this is refused before it is read: scrape
/// configs are kilobytes.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// The files `root`'s `scrape_config_files` name, read (relative to the
/// directory of `config`, in pattern order, each pattern's files sorted),
/// and the errors of those that could not be, at their entry.
pub fn read_included(src: &Source, root: &Node, config: &Path) -> (Vec<Source>, Vec<Error>) {
    let dir = config.parent().unwrap_or(Path::new(""));
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let mut read = 0;
    for (pattern, span) in patterns(root) {
        let at = |message: String, label: &str| Error::at(src, span, message, label);
        let files = match super::file_sd::matching(dir, &pattern, "scrape_config_files") {
            Ok(f) => f,
            Err(e) => {
                errors.push(at(
                    format!(
                        "error retrieving scrape config files for {pattern:?}: {}",
                        e.message()
                    ),
                    "bad pattern",
                ));
                continue;
            }
        };
        for file in files {
            read += 1;
            if read > MAX_FILES {
                errors.push(at(
                    format!(
                        "scrape_config_files name more than {MAX_FILES} files; kdm reads no more"
                    ),
                    "too many files",
                ));
                return (sources, errors);
            }
            let too_big = std::fs::metadata(&file).is_ok_and(|m| m.len() > MAX_FILE_BYTES);
            let included = if too_big {
                Err(Error::plain(format!(
                    "{} is larger than {} MiB; refusing to read it as scrape configs",
                    file.display(),
                    MAX_FILE_BYTES >> 20
                )))
            } else {
                read_source(&file)
            };
            match included {
                Ok(s) => sources.push(s),
                // Invalid UTF-8, at its place in the file.
                Err(e) if e.span().is_some() => errors.push(e),
                Err(e) => errors.push(at(e.message().to_string(), "included file cannot be read")),
            }
        }
    }
    (sources, errors)
}

/// Appends the jobs of every file `root`'s `scrape_config_files` name to
/// `jobs` (the main config's); every error in every file is reported.
pub fn follow(
    src: &Source,
    root: &Node,
    config: &Path,
    flavor: Flavor,
    file_sd: bool,
    jobs: &mut Vec<ScrapeJob>,
) -> Result<()> {
    let mut first: HashMap<String, String> = jobs
        .iter()
        .map(|j| {
            (
                j.name.clone(),
                format!("main config file ({}:{})", src.name, j.line),
            )
        })
        .collect();
    let (sources, mut errors) = read_included(src, root, config);
    for included in &sources {
        let docs = match load_yaml(included) {
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some(doc) = docs.first() else { continue };
        let (found, file_errors) = parse_included(included, doc, (src, root), flavor);
        errors.extend(file_errors);
        let shown = &included.name;
        let file_dir = Path::new(shown).parent().unwrap_or(Path::new(""));
        for mut job in found {
            if let Some(place) = first.get(&job.name) {
                errors.push(
                    Error::at(
                        included,
                        job.span,
                        format!("{DUPLICATE_JOB} {:?}, first found in {place}", job.name),
                        "duplicate job",
                    )
                    .with_help(format!("first defined in {place}")),
                );
                continue;
            }
            first.insert(job.name.clone(), format!("{shown}:{}", job.line));
            mark_origin(&mut job, shown);
            if file_sd {
                if let Err(e) = super::file_sd::read_job(&mut job, file_dir, flavor) {
                    errors.push(e);
                }
            }
            jobs.push(job);
        }
    }
    match Error::join(errors) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Reports and traces place an included job and its rules in their file.
fn mark_origin(job: &mut ScrapeJob, file: &str) {
    let origin = |line: usize| {
        Some(Arc::new(Origin {
            file: file.to_string(),
            line,
            added_by: None,
        }))
    };
    job.origin = origin(job.line);
    for rule in job.relabel.iter_mut().chain(job.metric_relabel.iter_mut()) {
        rule.origin = origin(rule.line);
    }
}
