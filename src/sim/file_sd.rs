//! The `file_sd_configs` files a job names, read when they exist (paths
//! and globs relative to the config's directory, as Prometheus resolves
//! them), so that `relabel-sim -c prometheus.yml` simulates file SD jobs
//! without `--targets`. A pattern matching nothing gives no targets, as in
//! Prometheus; a file that cannot be read or parsed is an error.

use std::path::{Path, PathBuf};

use crate::diag::{Error, Result};
use crate::input::read_source;
use crate::prom::config::{ConfigInput, ScrapeJob, StaticGroup};
use crate::relabel::Flavor;
use crate::sim::targets::{parse_targets, Targets};

/// Adds each job's file SD target groups to its static groups.
pub fn read_into(input: &mut ConfigInput, config: &Path, flavor: Flavor) -> Result<()> {
    let ConfigInput::Jobs(jobs) = input else {
        return Ok(());
    };
    let dir = config.parent().unwrap_or(Path::new(""));
    for job in jobs.iter_mut() {
        read_job(job, dir, flavor)?;
    }
    Ok(())
}

/// Adds one job's file SD target groups, its paths relative to `dir`.
pub(super) fn read_job(job: &mut ScrapeJob, dir: &Path, flavor: Flavor) -> Result<()> {
    for pattern in job.file_sd_files.clone() {
        for file in matching(dir, &pattern, "file_sd_configs")? {
            job.static_groups.extend(groups_in(&file, flavor)?);
        }
    }
    Ok(())
}

/// The files a pattern names, sorted; a glob only in the last element.
pub(super) fn matching(dir: &Path, pattern: &str, key: &str) -> Result<Vec<PathBuf>> {
    let full = dir.join(pattern);
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = full.parent().unwrap_or(Path::new("")).to_path_buf();
    if !name.contains(['*', '?', '[']) {
        return Ok(if full.is_file() {
            vec![full]
        } else {
            Vec::new()
        });
    }
    let glob = globset::Glob::new(&name)
        .map_err(|e| Error::plain(format!("{key}: invalid pattern {pattern:?}: {e}")))?
        .compile_matcher();
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| glob.is_match(n)))
        .collect();
    found.sort();
    Ok(found)
}

/// The target groups of one file SD file, `__meta_filepath` included.
fn groups_in(file: &Path, flavor: Flavor) -> Result<Vec<StaticGroup>> {
    let src = read_source(file)?;
    let Targets::Groups(groups) = parse_targets(&src, flavor)? else {
        return Err(Error::plain(format!(
            "{}: not a file_sd target group list",
            file.display()
        )));
    };
    Ok(groups
        .iter()
        .map(|g| StaticGroup {
            labels: g
                .labels
                .pairs()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            targets: g
                .targets
                .iter()
                .filter_map(|t| {
                    t.iter()
                        .find(|(k, _)| k == "__address__")
                        .map(|(_, v)| v.to_string())
                })
                .collect(),
        })
        .collect())
}
