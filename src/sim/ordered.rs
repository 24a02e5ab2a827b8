//! Parallel rendering in input order with bounded memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use crate::diag::Result;

/// Items per chunk. A chunk's text (about 1 MB of JSON for 256 Kubernetes
/// targets) is still in cache when the writer copies it out, and the few
/// chunks in flight need little fresh memory: 2048 took ~10% more CPU
/// time and 40 MB more memory.
const CHUNK: usize = 256;

/// Stops the other workers when one panics: they would otherwise wait
/// forever for the writer to pass the chunk that never came.
struct StopOnPanic<'a>(&'a Mutex<Option<usize>>, &'a Condvar);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
            self.1.notify_all();
        }
    }
}

/// Maps chunks of `items` on all cores and hands the results to `sink` in
/// input order. Workers take the next chunk as soon as they finish one, but
/// stay at most a few chunks ahead of the writer, so memory stays bounded.
pub(super) fn for_each_chunk_ordered<T: Sync, R: Send>(
    items: &[T],
    render: impl Fn(usize, &[T]) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<()>,
) -> Result<()> {
    let threads = crate::worker_threads();
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    if threads == 1 || chunks.len() <= 1 {
        for (i, c) in chunks.iter().enumerate() {
            sink(render(i * CHUNK, c))?;
        }
        return Ok(());
    }
    let ahead = threads * 2;
    let next = AtomicUsize::new(0);
    // How many chunks the writer has written, or `None` once it stopped.
    let written = Mutex::new(Some(0usize));
    let progress = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (chunks, next, written, progress, render) =
                (&chunks, &next, &written, &progress, &render);
            scope.spawn(move || {
                let _guard = StopOnPanic(written, progress);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= chunks.len() {
                        return;
                    }
                    {
                        let mut w = written.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            match *w {
                                None => return,
                                Some(done) if i < done + ahead => break,
                                Some(_) => w = progress.wait(w).unwrap_or_else(|e| e.into_inner()),
                            }
                        }
                    }
                    if tx.send((i, render(i * CHUNK, chunks[i]))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        let mut result = Ok(());
        for (i, out) in rx.iter() {
            pending.insert(i, out);
            while let Some(out) = pending.remove(&want) {
                result = sink(out);
                want += 1;
                let mut w = written.lock().unwrap_or_else(|e| e.into_inner());
                *w = if result.is_ok() { Some(want) } else { None };
                progress.notify_all();
                if result.is_err() {
                    break;
                }
            }
            if result.is_err() {
                break;
            }
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Error;

    #[test]
    fn chunks_are_written_in_order_and_errors_stop_the_workers() {
        let items: Vec<usize> = (0..CHUNK * 9 + 7).collect();
        let render = |start: usize, chunk: &[usize]| {
            assert_eq!(chunk[0], start);
            chunk.iter().map(|i| format!("{i},")).collect::<String>()
        };
        let mut all = String::new();
        for_each_chunk_ordered(&items, render, |out| {
            all.push_str(&out);
            Ok(())
        })
        .unwrap();
        let want: String = items.iter().map(|i| format!("{i},")).collect();
        assert_eq!(all, want);

        let mut calls = 0;
        let result = for_each_chunk_ordered(&items, render, |_| {
            calls += 1;
            if calls == 3 {
                Err(Error::plain("broken pipe"))
            } else {
                Ok(())
            }
        });
        assert!(result.is_err());
        assert_eq!(calls, 3);

        // A worker that panics ends the run (with its panic), not a hang.
        let panicked = std::panic::catch_unwind(|| {
            for_each_chunk_ordered(
                &items,
                |start, chunk| {
                    assert_ne!(start, 0, "boom");
                    render(start, chunk)
                },
                |_| Ok(()),
            )
        });
        assert!(panicked.is_err());
    }
}
