use std::path::Path;

use serde_json::Value;

use crate::cli::{DaemonsetArgs, GenerateCommand};
use crate::cmd::Outcome;
use crate::diag::Error;
use crate::generate::{generate, Options, ScrapeWith};
use crate::input::read_source;
use crate::output::Target;
use crate::report::human::render;
use crate::report::Term;
use crate::template::{Template, BUILTINS};
use crate::values::{Segment, Values};

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
        for b in BUILTINS {
            out.push_str(&format!("{:<14} {}\n", b.name, b.summary));
        }
        return Ok(Outcome::stdout(out));
    }
    crate::k8s::schema::require_version(&args.kubernetes_version).map_err(|e| vec![e])?;
    let template = Template::load(&args.template).map_err(|e| vec![e])?;
    let values = values(&template, args).map_err(|e| vec![e])?;
    if args.show_values {
        let schema = template.schema.as_ref().map(|(_, s)| s);
        return Ok(Outcome::stdout(crate::values::annotated(
            &values.tree,
            schema,
        )));
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
    let generated = generate(
        &template,
        &values,
        &Options {
            kubernetes_version: &args.kubernetes_version,
            output_name: args
                .output
                .as_deref()
                .filter(|o| *o != "-")
                .unwrap_or("<stdout>"),
            scrape_config: args.scrape_config.is_some(),
        },
    )?;
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
    crate::output::write_all(&files).map_err(|e| vec![e])?;
    let mut stderr: String = files.iter().map(|(t, _)| t.wrote() + "\n").collect();
    if !generated.lint.findings.is_empty() {
        stderr.push_str(&format!(
            "kdm lint found {} issue(s) in the generated manifests:\n",
            generated.lint.findings.len()
        ));
        stderr.push_str(&crate::lint::report::human(&generated.lint, err));
    }
    Ok(Outcome {
        code: 0,
        stdout,
        stderr,
    })
}

/// Defaults, then `--values` files, `--set`s and the named flags.
fn values(template: &Template, args: &DaemonsetArgs) -> crate::diag::Result<Values> {
    let mut values = Values::default();
    if let Some(defaults) = &template.defaults {
        values.merge_file(defaults.clone())?;
    }
    for path in &args.values {
        values.merge_file(read_source(path)?)?;
    }
    for expr in &args.set {
        values.set(expr)?;
    }
    let key = |k: &str| vec![Segment::key(k)];
    if let Some(name) = &args.name {
        values.set_flag("--name", &key("name"), Value::from(name.as_str()))?;
    }
    if let Some(ns) = &args.namespace {
        values.set_flag("--namespace", &key("namespace"), Value::from(ns.as_str()))?;
    }
    if let Some(image) = &args.image {
        let (repository, tag, digest) = split_image(image);
        for (field, v) in [("repository", repository), ("tag", tag), ("digest", digest)] {
            let path = vec![Segment::key("image"), Segment::key(field)];
            values.set_flag("--image", &path, Value::from(v))?;
        }
    }
    if let Some(port) = args.port {
        let path = vec![Segment::key("port"), Segment::key("containerPort")];
        values.set_flag("--port", &path, Value::from(port))?;
    }
    // `--scrape-config FILE` chooses scrape-config, in templates that offer
    // the choice (the built-ins do).
    let scrape_with = match (args.scrape_with, &args.scrape_config) {
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
        (Some(with), _) => Some((with, "--scrape-with")),
        (None, Some(_)) if values.tree.pointer("/metrics/scrapeWith").is_some() => {
            Some((ScrapeWith::ScrapeConfig, "--scrape-config"))
        }
        _ => None,
    };
    if let Some((with, flag)) = scrape_with {
        let path = vec![Segment::key("metrics"), Segment::key("scrapeWith")];
        values.set_flag(flag, &path, Value::from(with.as_str()))?;
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
