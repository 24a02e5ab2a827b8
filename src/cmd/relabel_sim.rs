use std::io::Write;

use crate::cli::{OutputFormat, PromVersion, RelabelSimArgs};
use crate::diag::{Error, Result};
use crate::input::{load_yaml, read_source};
use crate::prom::config::parse_config;
use crate::relabel::Flavor;
use crate::sim::report::Format;
use crate::sim::run::{self, Sink};
use crate::sim::{series, targets};

pub fn run(args: &RelabelSimArgs, color: bool, out: &mut dyn Write) -> Result<()> {
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
    let config_src = read_source(&args.config)?;
    let docs = load_yaml(&config_src)?;
    let root = match docs.as_slice() {
        [one] => one,
        [] => {
            return Err(Error::plain(format!(
                "{}: the config is empty",
                config_src.name
            )))
        }
        [_, second, ..] => {
            return Err(Error::at(
                &config_src,
                second.span,
                "the config has more than one YAML document",
                "second document",
            ))
        }
    };
    let config = parse_config(&config_src, root, flavor)?;
    let opts = run::Options {
        flavor,
        trace: args.trace,
        jobs: args.jobs.clone(),
        role: args.role.clone(),
    };
    let format = match args.output {
        OutputFormat::Text => Format::Text { color },
        OutputFormat::Json => Format::Json,
        OutputFormat::Yaml => Format::Yaml,
    };
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
        run::run_targets(&config, t.as_ref(), &opts, &mut sink)
    }
}
