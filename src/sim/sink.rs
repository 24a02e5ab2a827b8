//! Where relabel-sim's results go: the report format, the writer, and the
//! counts for the summary. Each job's results are rendered in parallel
//! chunks and written in input order.

use std::io::Write;

use super::ordered::for_each_chunk_ordered;
use super::report::{self, Format};
use super::result::{Counts, JobInfo, TargetResult};
use crate::diag::{Error, Result};

/// Where results go: the format, and the writer with its JSON comma state.
pub struct Sink<'w> {
    out: &'w mut dyn Write,
    pub(super) format: Format,
    wrote_result: bool,
    pub counts: Counts,
    jobs: usize,
    any_series: bool,
    only_rule_list: bool,
}

impl<'w> Sink<'w> {
    pub fn new(out: &'w mut dyn Write, format: Format) -> Self {
        Sink {
            out,
            format,
            wrote_result: false,
            counts: Counts::default(),
            jobs: 0,
            any_series: false,
            only_rule_list: true,
        }
    }

    fn write(&mut self, s: &str) -> Result<()> {
        self.out
            .write_all(s.as_bytes())
            .map_err(|e| Error::plain(format!("cannot write output: {e}")))
    }

    pub(super) fn begin(&mut self) -> Result<()> {
        match self.format {
            Format::Json => self.write("{\"results\": ["),
            Format::Yaml => self.write("results:"),
            Format::Text { .. } => Ok(()),
        }
    }

    pub(super) fn end(&mut self) -> Result<()> {
        match self.format {
            Format::Json => {
                let close = if self.wrote_result { "\n]}\n" } else { "]}\n" };
                self.write(close)
            }
            Format::Yaml => {
                if self.wrote_result {
                    Ok(())
                } else {
                    self.write(" []\n")
                }
            }
            Format::Text { color } => {
                let s = report::text_summary(
                    self.jobs,
                    self.only_rule_list,
                    self.any_series,
                    self.counts,
                    color,
                );
                self.write(&s)
            }
        }
    }

    /// Renders and writes one job's results, in parallel chunks. `eval`
    /// gets an item's index and whether the report shows names, and returns
    /// the name (empty when not wanted) and the result.
    pub(super) fn job<T: Sync>(
        &mut self,
        info: &JobInfo,
        items: &[T],
        eval: impl Fn(usize, &T, bool) -> (String, TargetResult) + Sync,
    ) -> Result<()> {
        self.jobs += 1;
        self.any_series |= info.is_series();
        self.only_rule_list &= info.job.is_none();
        if let Format::Text { color } = self.format {
            let s = report::text_job_header(info, color);
            self.write(&s)?;
        }
        let format = self.format;
        let render = |start: usize, chunk: &[T]| -> (String, Counts) {
            let mut out = String::new();
            let mut counts = Counts::default();
            // Only the text report shows a name for each input.
            let named = matches!(format, Format::Text { .. });
            for (i, item) in chunk.iter().enumerate() {
                let (name, result) = eval(start + i, item, named);
                counts.add(result.outcome());
                match format {
                    Format::Text { color } => {
                        out.push_str(&report::text_entry(info, &name, &result, color))
                    }
                    Format::Json => {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str("\n  ");
                        out.push_str(&report::json_result(info.job.as_deref(), &result));
                    }
                    Format::Yaml => {
                        out.push_str(&report::yaml_result(info.job.as_deref(), &result))
                    }
                }
            }
            (out, counts)
        };
        let mut job_counts = Counts::default();
        for_each_chunk_ordered(items, render, |chunk_out, counts| {
            if chunk_out.is_empty() {
                return Ok(());
            }
            if self.format == Format::Json && self.wrote_result {
                self.write(",")?;
            }
            self.wrote_result = true;
            job_counts.merge(counts);
            self.write(&chunk_out)
        })?;
        self.counts.merge(job_counts);
        if let Format::Text { color } = self.format {
            let s = report::text_job_footer(info, job_counts, color);
            self.write(&s)?;
        }
        Ok(())
    }
}
