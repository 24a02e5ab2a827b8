//! Loading the Prometheus config of relabel-sim and kdm test: a
//! prometheus.yml, scrape configs, a bare rule list, a config embedded in
//! a ConfigMap, Helm values or an OpenTelemetry collector, or the config
//! prometheus-operator generates from Prometheus resources and monitors
//! (in a file or a directory).

use std::path::Path;

use crate::diag::{Error, Result};
use crate::input::{discover, load_yaml, read_source};
use crate::operator::configs::{define, Choice};
use crate::prom::config::{parse_config, remote_writes, ConfigInput, RemoteWrite};
use crate::prom::embedded::{is_config, Embedded};
use crate::relabel::Flavor;
use crate::yaml::{Node, Source};

/// A config and what to say about how it was made.
pub struct Loaded {
    pub input: ConfigInput,
    /// For standard error: which Prometheus the jobs are generated for,
    /// monitors it does not select.
    pub notes: Vec<String>,
    /// Monitors prometheus-operator would refuse (they get no job), at
    /// their line.
    pub warnings: Vec<Error>,
    /// The monitors a generated config comes from.
    pub monitors: Option<crate::operator::chain::Monitors>,
    /// A prometheus.yml's `remote_write` entries, with their rules.
    pub remote_writes: Vec<RemoteWrite>,
}

/// Reads and validates the config at `path` (`-` for stdin).
pub fn load(path: impl AsRef<Path>, flavor: Flavor) -> Result<ConfigInput> {
    Ok(load_with(path.as_ref(), flavor, Choice::default())?.input)
}

/// Reads and validates the config at `path` (`-` for stdin, a directory
/// for prometheus-operator resources); `choice` says which Prometheus
/// resource's config is wanted when the input defines several, and the
/// release kube-prometheus-stack values are read for.
pub fn load_with(path: &Path, flavor: Flavor, choice: Choice<'_>) -> Result<Loaded> {
    let prometheus = choice.only;
    let is_dir = path.is_dir();
    let sources = if is_dir {
        let found = discover(&[path.to_string_lossy().into_owned()], &|_| false);
        if let Some(e) = found.errors.into_iter().next() {
            return Err(e);
        }
        found
            .files
            .iter()
            .map(|f| read_source(&f.path))
            .collect::<Result<Vec<_>>>()?
    } else {
        vec![read_source(path)?]
    };
    let docs = sources.iter().map(load_yaml).collect::<Result<Vec<_>>>()?;
    let refs: Vec<&Source> = sources.iter().collect();
    let doc_refs: Vec<&[Node]> = docs.iter().map(Vec::as_slice).collect();
    if let Some(mut defined) = define(&refs, &doc_refs, choice)? {
        let config = defined.pick(prometheus)?;
        let jobs = config.scrape_jobs(&refs, flavor)?;
        let mut notes = vec![format!(
            "{} job(s) of {}, as prometheus-operator {} generates them; rules and jobs are shown at the monitor lines they come from",
            jobs.len(),
            config.name,
            crate::operator::OPERATOR_RELEASE
        )];
        notes.extend(defined.notes.iter().cloned());
        notes.extend(defined.unselected.iter().cloned());
        return Ok(Loaded {
            input: ConfigInput::Jobs(jobs),
            notes,
            warnings: defined.warnings(&refs),
            monitors: Some(std::mem::take(&mut defined.monitors)),
            remote_writes: Vec::new(),
        });
    }
    let shown = path.to_string_lossy();
    if is_dir {
        return Err(Error::plain(format!(
            "{shown}: no Prometheus, PrometheusAgent or monitor in the directory"
        ))
        .with_help("a directory is read for prometheus-operator resources; name a prometheus.yml as a file"));
    }
    if prometheus.is_some() {
        return Err(Error::plain(format!(
            "{shown}: --prometheus chooses among Prometheus resources, and there are none"
        )));
    }
    let (Some(src), Some(docs)) = (sources.first(), docs.first()) else {
        return Err(Error::plain(format!("{shown}: the config is empty")));
    };
    if let [doc] = docs.as_slice() {
        if let Some(program) = crate::prom::config::others::other_program(doc) {
            // Its relabel_configs are Prometheus relabeling: simulate them.
            let part = crate::prom::config::others::scrape_part(doc);
            return Ok(Loaded {
                input: parse_config(src, &part, flavor)?,
                notes: vec![format!(
                    "{shown} is a {program} config, not a Prometheus config: its scrape_configs' discovery and relabel_configs are simulated as Prometheus would run them ({program} relabels the same way; pipeline stages and log-specific settings are not read)"
                )],
                warnings: Vec::new(),
                monitors: None,
                remote_writes: Vec::new(),
            });
        }
    }
    let parsed = plain(src, docs, flavor);
    let (input, remote_writes) = match docs.as_slice() {
        // A config may keep all its jobs in included files.
        [doc] if is_config(doc) || doc.get("scrape_config_files").is_some() => (
            with_included(src, doc, path, flavor, parsed, choice.file_sd)?,
            remote_writes(src, doc, flavor),
        ),
        _ => {
            let mut input = parsed?;
            if choice.file_sd {
                super::file_sd::read_into(&mut input, path, flavor)?;
            }
            (input, Vec::new())
        }
    };
    Ok(Loaded {
        input,
        notes: Vec::new(),
        warnings: Vec::new(),
        monitors: None,
        remote_writes,
    })
}

/// A prometheus.yml's jobs (their file SD files read), then those of the
/// files its `scrape_config_files` name; the errors of all in one run.
fn with_included(
    src: &Source,
    doc: &Node,
    path: &Path,
    flavor: Flavor,
    parsed: Result<ConfigInput>,
    file_sd: bool,
) -> Result<ConfigInput> {
    let mut included = Vec::new();
    let followed = super::include::follow(src, doc, path, flavor, file_sd, &mut included);
    match (parsed, followed) {
        (Ok(mut input), Ok(())) => {
            if file_sd {
                super::file_sd::read_into(&mut input, path, flavor)?;
            }
            if let ConfigInput::Jobs(jobs) = &mut input {
                jobs.extend(included);
            }
            Ok(input)
        }
        (parsed, followed) => {
            let errors = parsed.err().into_iter().chain(followed.err());
            Err(Error::join(errors.flat_map(Error::into_each))
                .unwrap_or_else(|| Error::plain("the config is invalid")))
        }
    }
}

/// A config written by hand, or embedded in other YAML.
fn plain(config_src: &Source, docs: &[Node], flavor: Flavor) -> Result<ConfigInput> {
    let embedded = |docs: &[Node]| -> Vec<Embedded> {
        docs.iter()
            .filter(|d| !is_config(d))
            .flat_map(|d| crate::prom::embedded::find(config_src, d))
            .collect()
    };
    let plain_config =
        |d: &Node| is_config(d) || d.get("job_name").is_some() || d.as_seq().is_some();
    let found;
    let mut merged = None;
    let root = match docs {
        [one] if plain_config(one) => one,
        [] => {
            return Err(Error::plain(format!(
                "{}: the config is empty",
                config_src.name
            )))
        }
        _ => {
            found = embedded(docs);
            match (found.as_slice(), docs) {
                ([one], _) => &one.root,
                ([], [one]) => one,
                ([], [_, second, ..]) => return Err(Error::at(
                    config_src,
                    second.span,
                    "the config has more than one YAML document and none holds a Prometheus config",
                    "second document",
                )),
                (many, _) => {
                    // Several configs in one file (an OpenTelemetry collector
                    // with several prometheus receivers): simulate every job.
                    let mut jobs = Vec::new();
                    for e in many {
                        match parse_config(config_src, &e.root, flavor)? {
                            ConfigInput::Jobs(js) => jobs.extend(js),
                            ConfigInput::Rules(_) => {}
                        }
                    }
                    merged = Some(ConfigInput::Jobs(jobs));
                    &many[0].root
                }
            }
        }
    };
    match merged {
        Some(c) => Ok(c),
        None => parse_config(config_src, root, flavor),
    }
}
