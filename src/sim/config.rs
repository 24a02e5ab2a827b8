//! Loading the Prometheus config of relabel-sim and kdm test: a
//! prometheus.yml, scrape configs, a bare rule list, or a config embedded in
//! a ConfigMap, Helm values or an OpenTelemetry collector.

use crate::diag::{Error, Result};
use crate::input::{load_yaml, read_source};
use crate::prom::config::{parse_config, ConfigInput};
use crate::prom::embedded::{is_config, Embedded};
use crate::relabel::Flavor;
use crate::yaml::Node;

/// Reads and validates the config at `path` (`-` for stdin).
pub fn load(path: impl AsRef<std::path::Path>, flavor: Flavor) -> Result<ConfigInput> {
    let config_src = read_source(path)?;
    let docs = load_yaml(&config_src)?;
    let embedded = |docs: &[Node]| -> Vec<Embedded> {
        docs.iter()
            .filter(|d| !is_config(d))
            .flat_map(|d| crate::prom::embedded::find(&config_src, d))
            .collect()
    };
    let plain_config =
        |d: &Node| is_config(d) || d.get("job_name").is_some() || d.as_seq().is_some();
    let found;
    let mut merged = None;
    let root = match docs.as_slice() {
        [one] if plain_config(one) => one,
        [] => {
            return Err(Error::plain(format!(
                "{}: the config is empty",
                config_src.name
            )))
        }
        _ => {
            found = embedded(&docs);
            match (found.as_slice(), docs.as_slice()) {
                ([one], _) => &one.root,
                ([], [one]) => one,
                ([], [_, second, ..]) => return Err(Error::at(
                    &config_src,
                    second.span,
                    "the config has more than one YAML document and none holds a Prometheus config",
                    "second document",
                )),
                (many, _) => {
                    // Several configs in one file (an OpenTelemetry collector
                    // with several prometheus receivers): simulate every job.
                    let mut jobs = Vec::new();
                    for e in many {
                        match parse_config(&config_src, &e.root, flavor)? {
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
        None => parse_config(&config_src, root, flavor),
    }
}
