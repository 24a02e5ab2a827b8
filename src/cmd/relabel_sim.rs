use std::io::Write;

use crate::cli::{PromVersion, RelabelSimArgs};
use crate::diag::{Error, Result};
use crate::input::{discover, load_yaml, read_source};
use crate::prom::config::{ConfigInput, ScrapeJob};
use crate::relabel::Flavor;
use crate::report::{self, Term};
use crate::sim::report::Format;
use crate::sim::run;
use crate::sim::sink::Sink;
use crate::sim::{series, targets};

pub fn run(args: &RelabelSimArgs, term: Term, out: &mut report::Sink) -> Result<()> {
    let flavor = match args.prometheus_version {
        PromVersion::V2 => Flavor::V2,
        PromVersion::V3 => Flavor::V3,
    };
    let stdin_readers = usize::from(args.config == "-")
        + args.targets.iter().filter(|t| *t == "-").count()
        + usize::from(args.series.as_deref() == Some("-"));
    if stdin_readers > 1 {
        return Err(Error::plain("only one input can be read from stdin (`-`)"));
    }
    let config = crate::sim::config::load(&args.config, flavor)?;
    let opts = run::Options {
        flavor,
        trace: args.trace,
        jobs: args.jobs.clone(),
        role: args.role,
    };
    let format = match args.format {
        report::Format::Human => Format::Text { color: term.color },
        report::Format::Json => Format::Json,
        report::Format::Yaml => Format::Yaml,
        other => return Err(other.unsupported("relabel-sim")),
    };
    if !args.manifests.is_empty() {
        let text = coverage_report(args, &config, flavor, format, out)?;
        return out
            .write_all(text.as_bytes())
            .map_err(crate::report::write_error);
    }
    let mut sink = Sink::new(out, format);
    if let Some(path) = &args.series {
        let src = read_source(path)?;
        let s = series::parse_series(&src)?;
        run::run_series(&config, &s, &opts, &mut sink)
    } else {
        let sources = args
            .targets
            .iter()
            .map(|p| read_source(p))
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
        let result = run::run_targets(&config, t.as_ref(), &opts, &mut sink);
        // The process ends next: freeing 100k target groups one by one would
        // only delay it.
        std::mem::forget(t);
        std::mem::forget(sources);
        result
    }
}

/// `--manifests`: the coverage report of the selected jobs.
fn coverage_report(
    args: &RelabelSimArgs,
    config: &ConfigInput,
    flavor: Flavor,
    format: Format,
    sink: &mut report::Sink,
) -> Result<String> {
    let ConfigInput::Jobs(all) = config else {
        return Err(Error::plain(
            "--manifests needs scrape jobs (a prometheus.yml or scrape configs), not a bare rule list",
        ));
    };
    let jobs: Vec<&ScrapeJob> = all
        .iter()
        .filter(|j| args.jobs.is_empty() || args.jobs.contains(&j.name))
        .collect();
    for name in &args.jobs {
        if !all.iter().any(|j| &j.name == name) {
            return Err(Error::plain(format!(
                "no job named {name:?} in {}",
                args.config
            )));
        }
    }
    let found = discover(&args.manifests, &|_| false);
    if let Some(e) = found.errors.into_iter().next() {
        return Err(e);
    }
    for skipped in &found.skipped {
        let warning = Error::plain(skipped.as_str()).with_severity(miette::Severity::Warning);
        sink.error(&warning);
    }
    let mut files = Vec::new();
    for p in &found.files {
        let src = read_source(&p.path)?;
        let docs = load_yaml(&src)?;
        files.push((src, docs));
    }
    let mut objects = Vec::new();
    let mut places = Vec::new();
    for (i, (src, docs)) in files.iter().enumerate() {
        for o in crate::k8s::objects_in(i, docs) {
            objects.push(o.node.to_json());
            places.push(src.location(o.node.span.start));
        }
    }
    if objects.is_empty() {
        return Err(Error::plain(format!(
            "no Kubernetes objects in {}",
            args.manifests.join(", ")
        )));
    }
    let c = crate::coverage::analyze(&objects, &jobs, usize::from(args.nodes), flavor);
    Ok(match format {
        Format::Text { .. } => {
            crate::coverage::report::text(&c, &|i| places.get(i).cloned().unwrap_or_default())
        }
        Format::Json => crate::coverage::report::json(&c),
        Format::Yaml => {
            let json: serde_json::Value =
                serde_json::from_str(&crate::coverage::report::json(&c)).unwrap_or_default();
            crate::yaml::to_yaml(&json).map_err(Error::plain)?
        }
    })
}
