//! Where relabel-sim's results go: the report format, the writer, and the
//! counts for the summary. Each job's results are rendered in parallel
//! chunks and written in input order.

use std::io::Write;
use std::sync::Mutex;

use super::ordered::for_each_chunk_ordered;
use super::report;
use super::result::{Counts, JobInfo, TargetResult};
use crate::diag::{Error, Result};
use crate::report::Format;

/// Chunk buffers kept for reuse; the writer holds few chunks in flight.
const SPARE_BUFFERS: usize = 8;

/// Where results go: the format, and the writer with its JSON comma state.
pub struct Sink<'w> {
    out: &'w mut dyn Write,
    /// Human, JSON or YAML.
    pub(super) format: Format,
    /// Colours in the human report.
    color: bool,
    began: bool,
    wrote_result: bool,
    pub counts: Counts,
    jobs: usize,
    any_series: bool,
    only_rule_list: bool,
    /// Results written before the current job's.
    results: usize,
    /// Kept targets identical to an earlier one of their job, for the
    /// machine formats: (job, result index, index of the first).
    duplicates: Vec<(Option<String>, usize, usize)>,
}

impl<'w> Sink<'w> {
    pub fn new(out: &'w mut dyn Write, format: Format, color: bool) -> Self {
        Sink {
            out,
            format,
            color,
            began: false,
            wrote_result: false,
            counts: Counts::default(),
            jobs: 0,
            any_series: false,
            only_rule_list: true,
            results: 0,
            duplicates: Vec::new(),
        }
    }

    fn write(&mut self, s: &str) -> Result<()> {
        self.write_bytes(s.as_bytes())
    }

    fn write_bytes(&mut self, b: &[u8]) -> Result<()> {
        self.out.write_all(b).map_err(crate::report::write_error)
    }

    pub(super) fn begin(&mut self) -> Result<()> {
        self.began = true;
        match self.format {
            Format::Json => self.write("{\"results\": ["),
            Format::Yaml => self.write("results:"),
            _ => Ok(()),
        }
    }

    pub(super) fn end(&mut self) -> Result<()> {
        match self.format {
            Format::Json | Format::Yaml => self.close(&[]),
            _ => {
                let s = report::text_summary(
                    self.jobs,
                    self.only_rule_list,
                    self.any_series,
                    self.counts,
                    self.color,
                );
                self.write(&s)
            }
        }
    }

    /// Ends the JSON and YAML reports of a run stopped by an input error
    /// with that error, after the results written so far. The human report
    /// leaves it to standard error alone.
    pub fn fail(&mut self, error: &Error) -> Result<()> {
        if matches!(self.format, Format::Json | Format::Yaml) {
            if !self.began {
                self.begin()?;
            }
            self.close(std::slice::from_ref(error))?;
        }
        Ok(())
    }

    /// Closes the results and writes the input errors after them, as
    /// every report's `errors` array.
    fn close(&mut self, errors: &[Error]) -> Result<()> {
        let results_end = match (self.format, self.wrote_result) {
            (Format::Json, true) => "\n]",
            (Format::Json, false) => "]",
            (_, true) => "\n",
            (_, false) => " []\n",
        };
        self.write(results_end)?;
        let duplicates: Vec<serde_json::Value> = self
            .duplicates
            .iter()
            .map(|(job, result, first)| {
                serde_json::json!({"job": job, "result": result, "duplicate_of": first})
            })
            .collect();
        if self.format == Format::Yaml {
            let doc = serde_json::json!({ "duplicates": duplicates });
            self.write(&crate::report::yaml::document(&doc)?)?;
            return self.write(&crate::report::yaml::errors(errors));
        }
        self.write(", \"duplicates\": [")?;
        for (i, d) in duplicates.iter().enumerate() {
            self.write(&format!("{}\n  {d}", if i > 0 { "," } else { "" }))?;
        }
        self.write(if duplicates.is_empty() { "]" } else { "\n]" })?;
        let errors = crate::report::json::errors(errors);
        self.write(", \"errors\": [")?;
        for (i, e) in errors.iter().enumerate() {
            let e = serde_json::to_string(e).unwrap_or_default();
            self.write(&format!("{}\n  {e}", if i > 0 { "," } else { "" }))?;
        }
        self.write(if errors.is_empty() { "]}\n" } else { "\n]}\n" })
    }

    /// Renders and writes one job's results, in parallel chunks. `eval`
    /// gets an item's index, whether the report shows names, and `emit`, to
    /// which it hands the item's name (empty when not shown) and result;
    /// the result is rendered there, while it can still borrow the item.
    pub(super) fn job<T: Sync>(
        &mut self,
        info: &JobInfo,
        items: &[T],
        eval: impl Fn(usize, &T, bool, &mut Emit<'_>) + Sync,
    ) -> Result<()> {
        self.jobs += 1;
        self.any_series |= info.is_series();
        self.only_rule_list &= info.job.is_none();
        let color = self.color;
        let human = self.format == Format::Human;
        if human {
            let s = report::text_job_header(info, color);
            self.write(&s)?;
        }
        let format = self.format;
        // Written chunk buffers are handed back to the workers: a fresh
        // multi-megabyte buffer per chunk costs more in page faults than
        // rendering into it.
        let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
        // Kept targets by their final labels: Prometheus scrapes identical
        // targets of a job once (the scrape pool keys them by label hash).
        let dedup = !info.is_series();
        let render = |start: usize, chunk: &[T]| -> (Vec<u8>, Counts, Vec<(u64, usize, String)>) {
            let mut out = spare
                .lock()
                .ok()
                .and_then(|mut s| s.pop())
                .unwrap_or_default();
            out.clear();
            let mut counts = Counts::default();
            let mut kept = Vec::new();
            let mut index = start;
            // Only the text report shows a name for each input.
            let named = human;
            let mut emit = |name: &str, result: &TargetResult<'_>| {
                counts.add(result.outcome());
                if let (true, Some(t), None) = (dedup, &result.target, &result.error) {
                    kept.push((label_hash(t), index, name.to_string()));
                }
                index += 1;
                match format {
                    Format::Json => {
                        if !out.is_empty() {
                            out.push(b',');
                        }
                        out.extend_from_slice(b"\n  ");
                        report::write_json_result(&mut out, info.job.as_deref(), result);
                    }
                    Format::Yaml => out.extend_from_slice(
                        report::yaml_result(info.job.as_deref(), result).as_bytes(),
                    ),
                    _ => out.extend_from_slice(
                        report::text_entry(info, name, result, color).as_bytes(),
                    ),
                }
            };
            for (i, item) in chunk.iter().enumerate() {
                eval(start + i, item, named, &mut emit);
            }
            (out, counts, kept)
        };
        let mut job_counts = Counts::default();
        let mut first: std::collections::HashMap<u64, (usize, String)> = Default::default();
        let mut duplicates: Vec<(String, String)> = Vec::new();
        let base = self.results;
        for_each_chunk_ordered(items, render, |(chunk_out, counts, kept)| {
            for (hash, index, name) in kept {
                match first.get(&hash) {
                    Some((f, first_name)) => {
                        if human {
                            duplicates.push((name, first_name.clone()));
                        } else {
                            self.duplicates
                                .push((info.job.clone(), base + index, base + f));
                        }
                    }
                    None => {
                        first.insert(hash, (index, name));
                    }
                }
            }
            if chunk_out.is_empty() {
                return Ok(());
            }
            if self.format == Format::Json && self.wrote_result {
                self.write(",")?;
            }
            self.wrote_result = true;
            job_counts.merge(counts);
            self.write_bytes(&chunk_out)?;
            if let Ok(mut s) = spare.lock() {
                if s.len() < SPARE_BUFFERS {
                    s.push(chunk_out);
                }
            }
            Ok(())
        })?;
        self.counts.merge(job_counts);
        self.results += items.len();
        if human && !duplicates.is_empty() {
            self.write(&report::text_duplicates(&duplicates))?;
        }
        if human {
            let s = report::text_job_footer(info, job_counts, color);
            self.write(&s)?;
        }
        Ok(())
    }
}

/// Takes one result and its name (empty when the report shows none).
pub(super) type Emit<'e> = dyn FnMut(&str, &TargetResult<'_>) + 'e;

/// A hash of a target's final labels (a collision only merges two lines of
/// the duplicate note, never a result). foldhash, not SipHash: every kept
/// target of a 100k-target JSON run is hashed.
fn label_hash(labels: &crate::relabel::SortedLabels<'_>) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::default().build_hasher();
    for (k, v) in labels.iter() {
        (k, v).hash(&mut h);
    }
    h.finish()
}
