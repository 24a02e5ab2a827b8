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
    if args.config == "-" && matches!(args.targets.as_deref(), Some("-")) {
        return Err(Error::plain(
            "--config and --targets cannot both read stdin",
        ));
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
        let src = args.targets.as_deref().map(read_source).transpose()?;
        let t = match &src {
            Some(src) => Some(targets::parse_targets(src, flavor)?),
            None => None,
        };
        run::run_targets(&config, t.as_ref(), &opts, &mut sink)
    }
}
