use crate::cli::{InputKind, Level, LintArgs};
use crate::diag::{Error, Result};
use crate::lint::config::LintConfig;
use crate::lint::runner::{self, LintOptions};
use crate::lint::{registry, report, Severity};
use crate::report::{Format, Term};

use crate::cmd::Outcome;
use crate::lint::runner::LintResult;
use crate::lint::suppress::baseline::{self, Baseline, Entry};

fn done(code: i32, stdout: String) -> Outcome {
    Outcome {
        code,
        stdout,
        stderr: String::new(),
    }
}

/// Runs `kdm lint`.
pub fn run(args: &LintArgs, out: Term, err: Term) -> Result<Outcome> {
    if args.list_rules {
        let mut out = String::new();
        for r in registry::all() {
            let m = r.meta();
            out.push_str(&format!(
                "{:<34} {:<8} {}\n",
                m.id,
                m.severity.as_str(),
                m.summary
            ));
        }
        return Ok(done(0, out));
    }
    if let Some(id) = &args.explain {
        let rule = registry::find(id).ok_or_else(|| {
            Error::plain(format!("unknown rule {id:?}")).with_help(registry::unknown_rule_help(id))
        })?;
        let m = rule.meta();
        return Ok(done(
            0,
            format!(
                "# {} ({})\n\n{}\n\n{}",
                m.id,
                m.severity.as_str(),
                m.summary,
                m.explain
            ),
        ));
    }
    let ids: Vec<&str> = registry::all().iter().map(|r| r.meta().id).collect();
    let config = match &args.config {
        Some(path) => LintConfig::load(path, &ids)?,
        None if std::path::Path::new(".kdm.yaml").is_file() => LintConfig::load(".kdm.yaml", &ids)?,
        None => LintConfig::default(),
    };
    let kubernetes_version = args
        .kubernetes_version
        .clone()
        .or_else(|| config.kubernetes_version.clone())
        .unwrap_or_else(|| crate::k8s::schema::DEFAULT_VERSION.to_string());
    crate::k8s::schema::require_version(&kubernetes_version)?;
    let fail_level = match args.fail_level {
        Some(Level::Info) => Severity::Info,
        Some(Level::Warning) => Severity::Warning,
        Some(Level::Error) => Severity::Error,
        None => config.fail_level.unwrap_or(Severity::Error),
    };
    let mut config = config;
    if let Some(release) = &args.helm_release {
        config.helm_release = Some(release.clone());
    }
    config.prometheus_version = Some(args.prometheus_version.flavor_or(config.prometheus_version));
    // The command line's CRDs count before the config's.
    config.crds.splice(0..0, args.crds.iter().cloned());
    config.suppress.disabled = args.no_suppressions;
    config.suppress.record_keys = args.write_baseline.is_some();
    if let Some(path) = &args.baseline {
        config.suppress.baseline = Some(Baseline::load(path)?);
    }
    let opts = LintOptions {
        paths: args.paths.clone(),
        force_prometheus: args.kind == InputKind::Prometheus,
        kubernetes_version,
        config,
    };
    let mut result = runner::run(&opts);
    if result.files.is_empty() && result.errors.is_empty() {
        result.errors.push(
            Error::plain(format!(
                "nothing to lint: no YAML or JSON files in {}",
                args.paths.join(", ")
            ))
            .with_help(
                "kdm lint reads .yaml, .yml and .json files below each directory, and every file named on the command line",
            ),
        );
    }
    // What a walk passed over goes to stderr in every format, and into the
    // notes of the formats that carry notes.
    let mut stderr = String::new();
    for skipped in &result.skipped {
        let warning = Error::plain(skipped.as_str()).with_severity(miette::Severity::Warning);
        stderr.push_str(&crate::report::human::render(&warning, err));
    }
    if args.format != Format::Human {
        result.notes.extend(result.skipped.iter().cloned());
    }
    if let Some(path) = &args.write_baseline {
        return write_baseline(&result, path, args.force, stderr, err);
    }
    let out = match args.format {
        // With no file checked, the errors say it all: no "0 files checked".
        Format::Human if result.files.is_empty() => String::new(),
        Format::Human => report::human_with(&result, out, args.show_suppressed),
        Format::Json => report::json(&result),
        Format::Sarif => report::sarif(&result),
        Format::Github => report::github(&result),
        Format::Junit => report::junit(&result, fail_level)?,
        Format::Yaml => return Err(Format::Yaml.unsupported("lint")),
    };
    if !result.errors.is_empty() {
        // Unreadable or malformed input: report every one, exit 2; the
        // findings of the other files are still printed.
        for e in &result.errors {
            stderr.push_str(&crate::report::human::render(e, err));
        }
        stderr.push_str(&format!("{} input error(s)\n", result.errors.len()));
        return Ok(Outcome {
            code: 2,
            stdout: out,
            stderr,
        });
    }
    let failed = result.findings.iter().any(|f| f.severity >= fail_level);
    // The process ends once the report is printed: freeing every parsed
    // node of 10,000 documents one by one would only delay it.
    std::mem::forget(result);
    Ok(Outcome {
        code: i32::from(failed),
        stdout: out,
        stderr,
    })
}

/// `--write-baseline`: every finding of the run, written atomically; on
/// input errors nothing is written (a baseline of a partial run would
/// accept less than the project has).
fn write_baseline(
    result: &LintResult,
    path: &str,
    force: bool,
    mut stderr: String,
    err: Term,
) -> Result<Outcome> {
    if !result.errors.is_empty() {
        for e in &result.errors {
            stderr.push_str(&crate::report::human::render(e, err));
        }
        stderr.push_str(&format!(
            "{} input error(s); {path} not written\n",
            result.errors.len()
        ));
        return Ok(Outcome {
            code: 2,
            stdout: String::new(),
            stderr,
        });
    }
    let mut entries: Vec<Entry<'_>> = result
        .findings
        .iter()
        .zip(&result.baseline_keys)
        .map(|(f, key)| Entry {
            key,
            message: &f.message,
        })
        .collect();
    let text = baseline::render(&mut entries);
    crate::output::write_atomic(std::path::Path::new(path), &text, force)?;
    stderr.push_str(&format!(
        "wrote {} finding(s) to {path}; `kdm lint --baseline {path}` reports only new ones\n",
        entries.len()
    ));
    Ok(Outcome {
        code: 0,
        stdout: String::new(),
        stderr,
    })
}
