use std::path::Path;

use serde_json::Value;

use crate::cli::{DaemonsetArgs, GenerateCommand};
use crate::cmd::Outcome;
use crate::diag::Error;
use crate::generate::{generate, Options, ScrapeWith};
use crate::input::read_source;
use crate::lint::runner::LintResult;
use crate::lint::Severity;
use crate::output::Target;
use crate::report::human::render;
use crate::report::Term;
use crate::template::{Template, BUILTINS};
use crate::values::{Segment, Values};
use crate::yaml::Source;

/// Runs `kdm generate ...`.
pub fn run(cmd: &GenerateCommand, err: Term) -> Outcome {
    match cmd {
        GenerateCommand::Daemonset(args) => match daemonset(args, err) {
            Ok(outcome) => outcome,
            Err(errors) => {
                let mut stderr: String = errors.iter().map(|e| render(e, err)).collect();
                if errors.len() > 1 {
                    stderr.push_str(&format!("{} errors; nothing was written\n", errors.len()));
                }
                Outcome {
                    code: 2,
                    stdout: String::new(),
                    stderr,
                }
            }
        },
    }
}

fn daemonset(args: &DaemonsetArgs, err: Term) -> Result<Outcome, Vec<Error>> {
    if args.list_templates {
        let mut out = String::new();
        let width = BUILTINS.iter().map(|b| b.name.len()).max().unwrap_or(0);
        for b in BUILTINS {
            out.push_str(&format!("{:<width$} {}\n", b.name, b.summary));
        }
        return Ok(Outcome::stdout(out));
    }
    crate::k8s::schema::require_version(&args.kubernetes_version).map_err(|e| vec![e])?;
    let template = Template::load(&args.template).map_err(|e| vec![e])?;
    let mut stderr: String = template.note.iter().map(|n| format!("{n}\n")).collect();
    let overrides = overrides(args).map_err(|e| vec![e])?;
    let values = values(&template, &overrides, None).map_err(|e| vec![e])?;
    if args.show_values {
        let schema = template.schema.as_ref().map(|(_, s)| s);
        return Ok(Outcome {
            code: 0,
            stdout: crate::values::annotated(&values.tree, schema),
            stderr,
        });
    }
    if args.scrape_config.as_deref() == Some("-") && args.output.is_none() {
        return Err(vec![Error::plain(
            "--scrape-config - needs --output FILE for the manifests",
        )]);
    }
    // Refuse before doing any work, and before writing either file.
    let target = |path: &Option<String>| match path.as_deref() {
        Some(p) if p != "-" => Target::resolve(Path::new(p), args.force).map(Some),
        _ => Ok(None),
    };
    let manifests = target(&args.output).map_err(|e| vec![e])?;
    let scrape = target(&args.scrape_config).map_err(|e| vec![e])?;
    let same = match (&manifests, &scrape) {
        (Some(m), Some(s)) => m.same_file(s),
        _ => args.output.as_deref() == Some("-") && args.scrape_config.as_deref() == Some("-"),
    };
    if same {
        return Err(vec![Error::plain(
            "--output and --scrape-config name the same file",
        )
        .with_help("write the manifests and the scrape config to two files")]);
    }
    let options = Options {
        kubernetes_version: &args.kubernetes_version,
        output_name: args
            .output
            .as_deref()
            .filter(|o| *o != "-")
            .unwrap_or("<stdout>"),
        scrape_config: args.scrape_config.is_some(),
    };
    let generated = generate(&template, &values, &options)?;
    let lint = &generated.lint;
    let refused = refused_values(&values, usize::from(template.defaults.is_some()), lint);
    if !refused.is_empty() {
        return Err(refused);
    }
    let errors = lint
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Error)
        .count();
    if errors > 0 && !args.allow_findings {
        stderr.push_str(&format!(
            "kdm lint found {errors} error(s) in the generated manifests, so nothing was \
             written (lines are those of the output as it would be):\n"
        ));
        stderr.push_str(&crate::lint::report::human(lint, err));
        stderr.push_str(&blame(&template, &overrides, lint, &options));
        stderr.push_str(
            "help: change the overrides named above, or write the manifests anyway with --allow-findings\n",
        );
        return Ok(Outcome {
            code: 1,
            stdout: String::new(),
            stderr,
        });
    }
    let mut stdout = String::new();
    let mut files = Vec::new();
    match &manifests {
        Some(t) => files.push((t, generated.manifests.as_str())),
        None => stdout.push_str(&generated.manifests),
    }
    if let Some(text) = &generated.scrape_config {
        match &scrape {
            Some(t) => files.push((t, text.as_str())),
            None if args.scrape_config.is_some() => stdout.push_str(text),
            None => {}
        }
    }
    if args.dry_run {
        for (t, text) in &files {
            let verb = if t.file().exists() {
                "replace"
            } else {
                "write"
            };
            stdout.push_str(&format!("# would {verb} {}\n{text}", t.named()));
            stderr.push_str(&format!(
                "would {verb} {} ({} bytes); --dry-run wrote nothing\n",
                t.named(),
                text.len()
            ));
        }
    } else {
        crate::output::write_all(&files).map_err(|e| vec![e])?;
        stderr.extend(files.iter().map(|(t, _)| t.wrote() + "\n"));
    }
    if !lint.findings.is_empty() {
        stderr.push_str(&format!(
            "kdm lint found {} issue(s) in the generated manifests:\n",
            lint.findings.len()
        ));
        stderr.push_str(&crate::lint::report::human(lint, err));
    }
    Ok(Outcome {
        code: 0,
        stdout,
        stderr,
    })
}

/// Values of the user's that the API server would refuse in the output
/// (`api-invalid`, `schema-invalid`): each an input error at the value as
/// the user wrote it (the `--set` argument or the values file line), which
/// `--allow-findings` cannot wave through.
fn refused_values(values: &Values, skip: usize, lint: &LintResult) -> Vec<Error> {
    let mut out = Vec::new();
    for f in &lint.findings {
        if !matches!(f.rule, "api-invalid" | "schema-invalid") {
            continue;
        }
        let text = &lint.files[f.file].source.text;
        let Some(written) = text.get(f.span.start..f.span.end) else {
            continue;
        };
        let written = written.trim().trim_matches(|c| c == '"' || c == '\'');
        if written.is_empty() {
            continue;
        }
        let Some(pointer) = values.scalars_written(written, skip).into_iter().next() else {
            continue;
        };
        let Some((src, span, _)) = values.locate(&pointer) else {
            continue;
        };
        let e = Error::at(
            src,
            span,
            format!(
                "the API server would refuse the generated manifests: {}",
                f.message
            ),
            format!("value {}", crate::values::dotted(&pointer)),
        );
        out.push(match &f.help {
            Some(h) => e.with_help(h.clone()),
            None => e,
        });
    }
    out
}

/// Names the override behind each lint error: the one without which the
/// output has no finding of that rule (the defaults are lint-clean).
fn blame(
    template: &Template,
    overrides: &[Override],
    lint: &LintResult,
    options: &Options<'_>,
) -> String {
    let errors: Vec<_> = lint
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Error)
        .collect();
    let mut causes = vec![Vec::new(); errors.len()];
    for (i, o) in overrides.iter().enumerate() {
        let Ok(without) = values(template, overrides, Some(i)) else {
            continue;
        };
        let Ok(other) = generate(template, &without, options) else {
            continue;
        };
        for (k, f) in errors.iter().enumerate() {
            if !other.lint.findings.iter().any(|g| g.rule == f.rule) {
                causes[k].push(o.shown());
            }
        }
    }
    let mut out = String::new();
    for (f, by) in errors.iter().zip(causes) {
        let at = lint.files[f.file].source.location(f.span.start);
        let by = if by.is_empty() {
            "your overrides together".to_string()
        } else {
            by.join(", ")
        };
        out.push_str(&format!("{} at {at} comes from {by}\n", f.rule));
    }
    out
}

/// One input over the template's defaults, in the order it applies.
enum Override {
    File(Source),
    Set(String),
    Flag(&'static str, String),
    ScrapeWith(ScrapeWith, &'static str),
    /// `--scrape-config FILE` in a template that offers the choice.
    ScrapeConfigFile,
}

impl Override {
    /// How the user wrote it.
    fn shown(&self) -> String {
        match self {
            Override::File(src) => format!("--values {}", src.name),
            Override::Set(expr) => format!("--set {expr}"),
            Override::Flag(flag, value) => format!("{flag} {value}"),
            Override::ScrapeWith(with, flag) => format!("{flag} {}", with.as_str()),
            Override::ScrapeConfigFile => "--scrape-config".to_string(),
        }
    }
}

/// The `--values` files (read once: `-` is standard input), `--set`s and
/// named flags, in the order they apply.
fn overrides(args: &DaemonsetArgs) -> crate::diag::Result<Vec<Override>> {
    let mut out = Vec::new();
    if args.values.iter().filter(|p| *p == "-").count() > 1 {
        return Err(Error::plain(
            "--values - is given twice; standard input is read once",
        ));
    }
    for path in &args.values {
        out.push(Override::File(read_source(path)?));
    }
    out.extend(args.set.iter().cloned().map(Override::Set));
    for (flag, value) in [
        ("--name", &args.name),
        ("--namespace", &args.namespace),
        ("--image", &args.image),
    ] {
        if let Some(v) = value {
            out.push(Override::Flag(flag, v.clone()));
        }
    }
    if let Some(port) = args.port {
        out.push(Override::Flag("--port", port.to_string()));
    }
    match (args.scrape_with, &args.scrape_config) {
        (Some(with), Some(_)) if with != ScrapeWith::ScrapeConfig => {
            return Err(Error::plain(format!(
                "--scrape-config FILE writes a scrape job, but --scrape-with {} chooses {}",
                with.as_str(),
                with.help()
            ))
            .with_help(
                "choose one discovery: drop --scrape-config, or use --scrape-with scrape-config",
            ));
        }
        (Some(with), _) => out.push(Override::ScrapeWith(with, "--scrape-with")),
        (None, Some(_)) => out.push(Override::ScrapeConfigFile),
        _ => {}
    }
    Ok(out)
}

/// Defaults, then the overrides (all but `skip`).
fn values(
    template: &Template,
    overrides: &[Override],
    skip: Option<usize>,
) -> crate::diag::Result<Values> {
    let mut values = Values::default();
    if let Some(defaults) = &template.defaults {
        values.merge_file(defaults.clone())?;
    }
    let key = |k: &str| vec![Segment::key(k)];
    for (i, o) in overrides.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        match o {
            Override::File(src) => values.merge_file(src.clone())?,
            Override::Set(expr) => values.set(expr)?,
            Override::Flag("--image", image) => {
                let (repository, tag, digest) = split_image(image);
                let parts = [("repository", repository), ("tag", tag), ("digest", digest)]
                    .into_iter()
                    .map(|(field, v)| {
                        let path = vec![Segment::key("image"), Segment::key(field)];
                        (path, Value::from(v))
                    })
                    .collect();
                values.set_flag_parts("--image", image, parts)?;
            }
            Override::Flag("--port", port) => {
                let path = vec![Segment::key("port"), Segment::key("containerPort")];
                let port: u16 = port.parse().unwrap_or_default();
                values.set_flag("--port", &path, Value::from(port))?;
            }
            Override::Flag(flag, v) => {
                values.set_flag(flag, &key(&flag[2..]), Value::from(v.as_str()))?;
            }
            Override::ScrapeWith(with, flag) => {
                let path = vec![Segment::key("metrics"), Segment::key("scrapeWith")];
                values.set_flag(flag, &path, Value::from(with.as_str()))?;
            }
            // `--scrape-config FILE` chooses scrape-config, in templates that
            // offer the choice (the built-ins do).
            Override::ScrapeConfigFile => {
                if values.tree.pointer("/metrics/scrapeWith").is_some() {
                    let path = vec![Segment::key("metrics"), Segment::key("scrapeWith")];
                    let with = ScrapeWith::ScrapeConfig.as_str();
                    values.set_flag("--scrape-config", &path, Value::from(with))?;
                }
            }
        }
    }
    Ok(values)
}

/// `registry:5000/repo:tag@sha256:...` → (repository, tag, digest).
fn split_image(image: &str) -> (&str, &str, &str) {
    let (rest, digest) = image.split_once('@').unwrap_or((image, ""));
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], &rest[last_slash + i + 1..], digest),
        None => (rest, "", digest),
    }
}

#[cfg(test)]
mod tests {
    use super::split_image;

    #[test]
    fn image_references() {
        assert_eq!(split_image("quay.io/a/b:v1"), ("quay.io/a/b", "v1", ""));
        assert_eq!(
            split_image("localhost:5000/b"),
            ("localhost:5000/b", "", "")
        );
        assert_eq!(
            split_image("localhost:5000/b:2@sha256:ab"),
            ("localhost:5000/b", "2", "sha256:ab")
        );
        assert_eq!(split_image("b@sha256:ab"), ("b", "", "sha256:ab"));
    }
}
