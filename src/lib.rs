//! kdm: generate, lint and debug Kubernetes node-agent DaemonSets and the
//! Prometheus scrape configs that scrape them.
//!
//! Layout: `yaml` (span-aware loading) → `relabel` (the rule engine) and
//! `prom` (config, target population, scrape URLs) → `sim` (relabel-sim's
//! inputs, runs and reports) → `cmd` (thin subcommands over the core).

pub mod cli;
pub mod cmd;
pub mod diag;
pub mod input;
pub mod k8s_sd;
pub mod prom;
pub mod relabel;
pub mod sim;
pub mod yaml;

use std::io::{IsTerminal, Write};

/// Runs kdm with parsed arguments and returns the process exit code.
pub fn run(cli: cli::Cli) -> i32 {
    let color = match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let err_color = match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    let result = match &cli.command {
        cli::Command::RelabelSim(args) => cmd::relabel_sim::run(args, color),
        cli::Command::Completions(args) => Ok(cmd::completions::script(args.shell)),
    };
    match result {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`kdm ... | head`) is not an error.
            let _ = stdout.write_all(out.as_bytes());
            let _ = stdout.flush();
            0
        }
        Err(e) => {
            eprint!("{}", diag::render(&e, err_color));
            2
        }
    }
}
