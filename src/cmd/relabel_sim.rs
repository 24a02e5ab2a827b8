use std::io::Write;

use crate::cli::RelabelSimArgs;
use crate::coverage::Coverage;
use crate::diag::{Error, Result};
use crate::input::{discover, load_yaml, read_source};
use crate::prom::config::{ConfigInput, RemoteWrite, ScrapeJob};
use crate::relabel::Flavor;
use crate::report::{self, Format, Term};
use crate::sim::run;
use crate::sim::sink::Sink;
use crate::sim::{series, targets};

/// Runs `kdm relabel-sim`. An input error ends the JSON and YAML reports
/// too, in their `errors`, besides going to standard error.
pub fn run(args: &RelabelSimArgs, term: Term, out: &mut report::Sink) -> Result<()> {
    if !matches!(args.format, Format::Human | Format::Json | Format::Yaml) {
        return Err(args.format.unsupported("relabel-sim"));
    }
    let flavor = args.prometheus_version.flavor_or(None);
    if !args.manifests.is_empty() {
        return coverage(args, flavor, out);
    }
    let config = check_stdin(args).and_then(|()| load_config(args, flavor, out));
    let mut sink = Sink::new(out, args.format, term.color);
    let result = config.and_then(|config| {
        let write = remote_write(args, &config.remote_writes)?;
        simulate(args, flavor, &config.input, write, &mut sink)
    });
    if let Err(e) = &result {
        // After a failed write there is nothing more to say on stdout.
        let _ = sink.fail(e);
    }
    result
}

/// Reads `--config`, saying on standard error how a config generated from
/// prometheus-operator resources was made and which monitors it refuses.
fn load_config(
    args: &RelabelSimArgs,
    flavor: Flavor,
    out: &mut report::Sink,
) -> Result<crate::sim::config::Loaded> {
    let choice = crate::operator::configs::Choice {
        only: args.prometheus.as_deref(),
        release: &args.helm_release,
        file_sd: args.targets.is_empty(),
        ..Default::default()
    };
    let loaded = crate::sim::config::load_with(std::path::Path::new(&args.config), flavor, choice)?;
    for note in &loaded.notes {
        out.eprint(&format!("note: {note}\n"));
    }
    for w in &loaded.warnings {
        out.error(w);
    }
    Ok(loaded)
}

/// Relabels `--targets` (or `--series`) and streams the results.
fn simulate(
    args: &RelabelSimArgs,
    flavor: Flavor,
    config: &ConfigInput,
    write: Option<RemoteWrite>,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let opts = run::Options {
        write,
        flavor,
        trace: args.trace,
        jobs: args.jobs.clone(),
        role: args.role,
        select: crate::prom::matchers::TargetFilter::parse(&args.target)?,
    };
    let sources = args
        .targets
        .iter()
        .map(read_source)
        .collect::<Result<Vec<_>>>()?;
    let parsed = sources
        .iter()
        .map(|src| targets::parse_targets(src, flavor))
        .collect::<Result<Vec<_>>>()?;
    let t = if parsed.is_empty() {
        None
    } else {
        Some(targets::Targets::merge(parsed)?)
    };
    let result = if let Some(path) = &args.series {
        let src = read_source(path)?;
        let s = series::parse_series(&src)?;
        run::run_series(config, &s, t.as_ref(), &opts, sink)
    } else {
        run::run_targets(config, t.as_ref(), &opts, sink)
    };
    // The process ends next: freeing 100k target groups one by one would
    // only delay it.
    std::mem::forget(t);
    std::mem::forget(sources);
    result
}

/// The remote write `--remote-write` names, by name or else by index; a
/// usage error listing the config's remote writes when there is none.
fn remote_write(args: &RelabelSimArgs, writes: &[RemoteWrite]) -> Result<Option<RemoteWrite>> {
    let Some(wanted) = args.remote_write.as_deref() else {
        return Ok(None);
    };
    let found = writes.iter().find(|w| w.name == wanted).or_else(|| {
        let index = wanted.parse::<usize>().ok()?;
        writes.iter().find(|w| w.index == index)
    });
    if let Some(w) = found {
        return Ok(Some(w.clone()));
    }
    let listed: Vec<String> = writes
        .iter()
        .map(|w| crate::sim::result::write_title(&w.name, w.index))
        .collect();
    let help = if listed.is_empty() {
        "the config has no remote_write".to_string()
    } else {
        format!("the config's remote writes: {}", listed.join(", "))
    };
    Err(Error::plain(format!("--remote-write {wanted:?}: no such remote write")).with_help(help))
}

fn check_stdin(args: &RelabelSimArgs) -> Result<()> {
    let stdin_readers = usize::from(args.config == "-")
        + args.targets.iter().filter(|t| *t == "-").count()
        + usize::from(args.series.as_deref() == Some("-"));
    if stdin_readers > 1 {
        return Err(Error::plain("only one input can be read from stdin (`-`)"));
    }
    Ok(())
}

/// `--manifests`: the coverage report of the selected jobs, or of the
/// input error that stopped it.
fn coverage(args: &RelabelSimArgs, flavor: Flavor, out: &mut report::Sink) -> Result<()> {
    let analysis = analyze(args, flavor, out);
    let text = match (&analysis, args.format) {
        (Ok((c, places)), Format::Human) => {
            crate::coverage::report::text(c, &|i| places.get(i).cloned().unwrap_or_default())
        }
        (Err(_), Format::Human) => String::new(),
        (Ok((c, _)), format) => machine(format, &crate::coverage::report::document(Some(c), &[]))?,
        (Err(errors), format) => machine(format, &crate::coverage::report::document(None, errors))?,
    };
    out.write_all(text.as_bytes())
        .map_err(crate::report::write_error)?;
    match analysis {
        Ok(_) => Ok(()),
        // Every error on stderr too; the last one ends the run.
        Err(mut errors) => {
            let last = errors.pop();
            for e in &errors {
                out.error(e);
            }
            Err(last.unwrap_or_else(|| Error::plain("no coverage report")))
        }
    }
}

/// A report document in JSON or YAML.
fn machine(format: Format, doc: &serde_json::Value) -> Result<String> {
    match format {
        Format::Yaml => report::yaml::document(doc),
        _ => Ok(report::json::document(doc)),
    }
}

/// The coverage of the selected jobs over `--manifests`, with the place
/// of each object found, or every input error (all manifests are read);
/// files passed over are warned about on `sink`.
fn analyze(
    args: &RelabelSimArgs,
    flavor: Flavor,
    sink: &mut report::Sink,
) -> std::result::Result<(Coverage, Vec<String>), Vec<Error>> {
    check_stdin(args).map_err(|e| vec![e])?;
    let loaded = load_config(args, flavor, sink).map_err(|e| vec![e])?;
    let ConfigInput::Jobs(all) = &loaded.input else {
        return Err(vec![Error::plain(
            "--manifests needs scrape jobs (a prometheus.yml or scrape configs), not a bare rule list",
        )
        .in_file(&args.config)]);
    };
    let jobs: Vec<&ScrapeJob> = all
        .iter()
        .filter(|j| args.jobs.is_empty() || args.jobs.contains(&j.name))
        .collect();
    for name in &args.jobs {
        if !all.iter().any(|j| &j.name == name) {
            return Err(vec![Error::plain(format!(
                "no job named {name:?} in {}",
                args.config
            ))
            .in_file(&args.config)]);
        }
    }
    let found = discover(&args.manifests, &|_| false);
    for skipped in &found.skipped {
        let warning = Error::plain(skipped.as_str()).with_severity(miette::Severity::Warning);
        sink.error(&warning);
    }
    let mut errors = found.errors;
    let mut files = Vec::new();
    for p in &found.files {
        let loaded = read_source(&p.path).and_then(|src| Ok((load_yaml(&src)?, src)));
        match loaded {
            Ok((docs, src)) => files.push((src, docs)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut objects = Vec::new();
    let mut places = Vec::new();
    let mut views = Vec::new();
    for (i, (src, docs)) in files.iter().enumerate() {
        for o in crate::k8s::objects_in(i, docs) {
            objects.push(o.node.to_json());
            places.push(src.location(o.node.span.start));
            views.push(o);
        }
    }
    if objects.is_empty() {
        return Err(vec![Error::plain(format!(
            "no Kubernetes objects in {}",
            args.manifests.join(", ")
        ))]);
    }
    let opts = crate::coverage::Options {
        trace: args.trace,
        select: crate::prom::matchers::TargetFilter::parse(&args.target).map_err(|e| vec![e])?,
    };
    let mut c =
        crate::coverage::analyze_with(&objects, &jobs, usize::from(args.nodes), flavor, &opts);
    if let Some(monitors) = &loaded.monitors {
        crate::coverage::explain_unscraped(&mut c, monitors, &views);
    }
    Ok((c, places))
}
