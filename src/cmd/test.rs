use std::path::{Path, PathBuf};

use crate::cli::TestArgs;
use crate::cmd::Outcome;
use crate::diag::Error;
use crate::report::human::render;
use crate::report::{Format, Term};
use crate::testfile::report::{self, FileReport};
use crate::testfile::update::{rewrite, write_back};
use crate::testfile::{load, run::run_file};

/// Runs `kdm test`.
pub fn run(args: &TestArgs, out: Term, err: Term) -> Outcome {
    let mut errors = Vec::new();
    let files = expand(&args.files).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    let mut loaded = Vec::new();
    for path in &files {
        match load(path).and_then(|f| run_file(&f).map(|o| (f, o))) {
            Ok(x) => loaded.push((path, x)),
            Err(e) => errors.push(e),
        }
    }
    let mut stderr = String::new();
    if args.update {
        let mut updated = 0;
        for (path, entry) in &mut loaded {
            let (file, outcomes) = &*entry;
            match rewrite(file, outcomes) {
                Ok(Some(update)) => {
                    match write_back(path, &file.source, &update.text) {
                        Ok(()) => {
                            updated += 1;
                            for line in update.changed {
                                stderr.push_str(&line);
                                stderr.push('\n');
                            }
                            // Report what the file does now, not what it did.
                            match load(path).and_then(|f| run_file(&f).map(|o| (f, o))) {
                                Ok(again) => *entry = again,
                                Err(e) => errors.push(e),
                            }
                        }
                        Err(e) => errors.push(e),
                    }
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        if updated > 0 {
            stderr.push_str(&format!(
                "re-ran the {updated} updated file(s): the report shows their results now\n"
            ));
        }
    }
    let names: Vec<_> = loaded.iter().map(|(p, _)| p.to_string_lossy()).collect();
    let reports: Vec<FileReport<'_>> = loaded
        .iter()
        .zip(&names)
        .map(|((_, (_, outcomes)), path)| FileReport { path, outcomes })
        .collect();
    let stdout = match args.format {
        Format::Human if reports.is_empty() => String::new(),
        Format::Human => report::text(&reports, out.color),
        Format::Json => report::json(&reports, &errors),
        other @ (Format::Yaml | Format::Sarif | Format::Github) => {
            errors.push(other.unsupported("test"));
            String::new()
        }
        Format::Junit => report::junit(&reports, &errors).unwrap_or_else(|e| {
            stderr.push_str(&render(&e, err));
            String::new()
        }),
    };
    let (_, failed) = report::counts(&reports);
    for e in &errors {
        stderr.push_str(&render(e, err));
    }
    let code = if !errors.is_empty() {
        2
    } else if failed > 0 {
        1
    } else {
        0
    };
    Outcome {
        code,
        stdout,
        stderr,
    }
}

/// Files as given; directories are searched for `*.test.yaml` and
/// `*.test.yml`, sorted. Names need not be UTF-8.
fn expand(paths: &[String]) -> crate::diag::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if !path.is_dir() {
            out.push(path.to_path_buf());
            continue;
        }
        let mut found = Vec::new();
        walk(path, &mut found, 0)?;
        if found.is_empty() {
            return Err(Error::plain(format!("no *.test.yaml files in {p}")));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> crate::diag::Result<()> {
    if depth > 32 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::plain(format!("cannot read {}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, out, depth + 1)?;
        } else if kind.is_file() {
            let name = path.to_string_lossy();
            if name.ends_with(".test.yaml") || name.ends_with(".test.yml") {
                out.push(path);
            }
        }
    }
    Ok(())
}
