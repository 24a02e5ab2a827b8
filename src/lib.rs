//! kdm: generate, lint and debug Kubernetes node-agent DaemonSets and the
//! Prometheus scrape configs that scrape them.
//!
//! Layout: `yaml` (span-aware loading and safe emitting) → `decode` (strict
//! reading of kdm's own formats) and `suggest` ("did you mean") → `relabel` (the
//! rule engine) and `prom` (config, target population, scrape URLs) → `sim`
//! (relabel-sim's inputs, runs and reports); `k8s` and `k8s_sd` (object views,
//! typed round trips, discovery labels); `lint` (rule registry and reports);
//! `report` (the one sink and a renderer per output format);
//! `values`, `template` and `generate` (generate daemonset); `cmd` (thin
//! subcommands over the core).

#![forbid(unsafe_code)]

pub mod cli;
pub mod cmd;
pub mod coverage;
pub mod decode;
pub mod diag;
pub mod generate;
pub mod input;
pub mod k8s;
pub mod k8s_sd;
pub mod lint;
pub mod operator;
pub mod output;
pub mod prom;
pub mod relabel;
pub mod report;
pub mod sim;
pub mod suggest;
pub mod template;
pub mod testfile;
pub mod values;
pub mod yaml;

/// Threads for parallel work: the machine's cores, at most 16. Asked once:
/// on Linux the answer reads several cgroup files.
pub(crate) fn worker_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 16)
    })
}

/// `items.iter().map(f)` on all cores, results in input order. Each thread
/// takes the next item when done with one, so uneven items share out; a
/// panic in `f` is passed on.
pub(crate) fn map_on_all_cores<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    map_in_order(items, None, f)
}

/// [`map_on_all_cores`], starting the costliest items first so that no
/// thread is left with a large one at the end; results in input order.
pub(crate) fn map_on_all_cores_costliest_first<T: Sync, R: Send>(
    items: &[T],
    cost: impl Fn(&T) -> u64,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    map_in_order(items, Some(&order), f)
}

/// Maps `items` on all cores, taking them in `order` (default: as given).
fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    order: Option<&[usize]>,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = worker_threads().min(items.len());
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let i = order.map_or(Some(n), |o| o.get(n).copied());
                        let Some((i, item)) = i.and_then(|i| Some((i, items.get(i)?))) else {
                            return mine;
                        };
                        mine.push((i, f(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Parses the command line and runs kdm; returns the process exit code.
/// `--help` and `--version` are printed through the report sink like any
/// report, so a failed write of them is an error too; usage errors go to
/// standard error as clap words them (exit code 2).
pub fn main(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    use clap::Parser;
    match cli::Cli::try_parse_from(args) {
        Ok(cli) => run(cli),
        Err(e) if !e.use_stderr() => {
            let mut sink = report::Sink::new(None);
            let styled = e.render();
            let text = if sink.stdout.color {
                styled.ansi().to_string()
            } else {
                styled.to_string()
            };
            let printed = sink.print(&text).map(|()| 0);
            sink.finish(printed)
        }
        Err(e) => e.exit(),
    }
}

/// Runs kdm with parsed arguments and returns the process exit code.
pub fn run(cli: cli::Cli) -> i32 {
    let mut sink = report::Sink::new(match cli.color {
        cli::ColorChoice::Always => Some(true),
        cli::ColorChoice::Never => Some(false),
        cli::ColorChoice::Auto => None,
    });
    let (out, err) = (sink.stdout, sink.stderr);
    sink.set_human(match &cli.command {
        cli::Command::Lint(args) => args.format == report::Format::Human,
        cli::Command::Test(args) => args.format == report::Format::Human,
        cli::Command::RelabelSim(args) => args.format == report::Format::Human,
        cli::Command::Generate(_)
        | cli::Command::Completions(_)
        | cli::Command::OperatorConfig(_) => false,
    });
    let result = match &cli.command {
        cli::Command::Lint(args) => cmd::lint::run(args, out, err).and_then(|o| o.print(&mut sink)),
        cli::Command::Generate(args) => cmd::generate::run(args, err).print(&mut sink),
        cli::Command::Test(args) => cmd::test::run(args, out, err).print(&mut sink),
        cli::Command::RelabelSim(args) => cmd::relabel_sim::run(args, out, &mut sink).map(|()| 0),
        cli::Command::OperatorConfig(args) => cmd::operator_config::run(args, err).print(&mut sink),
        cli::Command::Completions(args) => sink
            .print(&cmd::completions::script(args.shell))
            .map(|()| 0),
    };
    sink.finish(result)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parallel_maps_keep_input_order() {
        let items: Vec<u64> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        let want: Vec<u64> = items.iter().map(|x| x * 2).collect();
        assert_eq!(super::map_on_all_cores(&items, |x| x * 2), want);
        assert_eq!(
            super::map_on_all_cores_costliest_first(&items, |x| *x, |x| x * 2),
            want
        );
        let none: Vec<u64> = Vec::new();
        assert!(super::map_on_all_cores_costliest_first(&none, |x| *x, |x| *x).is_empty());
    }
}
