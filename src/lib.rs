//! kdm: generate, lint and debug Kubernetes node-agent DaemonSets and the
//! Prometheus scrape configs that scrape them.
//!
//! Layout: `yaml` (span-aware loading and safe emitting) → `relabel` (the
//! rule engine) and `prom` (config, target population, scrape URLs) → `sim`
//! (relabel-sim's inputs, runs and reports); `k8s` and `k8s_sd` (object views,
//! typed round trips, discovery labels); `lint` (rule registry and reports);
//! `values`, `template` and `generate` (generate daemonset); `cmd` (thin
//! subcommands over the core).

#![forbid(unsafe_code)]

pub mod cli;
pub mod cmd;
pub mod coverage;
pub mod diag;
pub mod generate;
pub mod input;
pub mod k8s;
pub mod k8s_sd;
pub mod lint;
pub mod output;
pub mod prom;
pub mod relabel;
pub mod sim;
pub mod template;
pub mod testfile;
pub mod text;
pub mod values;
pub mod yaml;

use std::io::{IsTerminal, Write};

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
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let outcome = match &cli.command {
        cli::Command::Lint(args) => Some(cmd::lint::run(args, color, err_color)),
        cli::Command::Generate(args) => Some(Ok(cmd::generate::run(args, color, err_color))),
        cli::Command::Test(args) => Some(Ok(cmd::test::run(args, color, err_color))),
        _ => None,
    };
    if let Some(outcome) = outcome {
        return match outcome {
            Ok(outcome) => {
                let _ = out.write_all(outcome.stdout.as_bytes());
                let _ = out.flush();
                eprint!("{}", outcome.stderr);
                outcome.code
            }
            Err(e) => {
                eprint!("{}", diag::render(&e, err_color));
                2
            }
        };
    }
    let result = match &cli.command {
        cli::Command::Lint(_) | cli::Command::Generate(_) | cli::Command::Test(_) => Ok(()),
        cli::Command::RelabelSim(args) => cmd::relabel_sim::run(args, color, &mut out),
        cli::Command::Completions(args) => out
            .write_all(cmd::completions::script(args.shell).as_bytes())
            .map_err(|e| diag::Error::plain(format!("cannot write output: {e}"))),
    };
    let flushed = out.flush();
    match result {
        Ok(()) => {
            // A closed pipe (`kdm ... | head`) is not an error.
            match flushed {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("error: cannot write output: {e}");
                    2
                }
                _ => 0,
            }
        }
        Err(e) if e.message().contains("Broken pipe") => 0,
        Err(e) => {
            eprint!("{}", diag::render(&e, err_color));
            2
        }
    }
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
