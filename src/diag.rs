//! User-facing errors: one message, optionally anchored in a source file
//! with labelled spans, rendered by miette (`file:line:col` plus a snippet).
//! Every such error ends the run with exit code 2.

use std::fmt;

use miette::{LabeledSpan, SourceCode};

use crate::yaml::{LoadError, Source, Span};

/// Boxed so that `Result<T, Error>` stays small on the happy path.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
#[doc(hidden)]
pub struct Inner {
    message: String,
    source: Option<Source>,
    labels: Vec<(Span, String)>,
    help: Option<String>,
    severity: Option<miette::Severity>,
    /// The file an error without a source is about (one that cannot be read).
    path: Option<String>,
    /// Further independent errors found in the same input (a config with
    /// several mistakes), reported after this one: see [`Error::each`].
    more: Vec<Error>,
}

impl std::ops::Deref for Error {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Inner {
        &mut self.0
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error without a location (missing file, bad flag combination).
    pub fn plain(message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            message: message.into(),
            source: None,
            labels: Vec::new(),
            help: None,
            severity: None,
            path: None,
            more: Vec::new(),
        }))
    }

    /// An error at `span` of `source`.
    pub fn at(
        source: &Source,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Error {
        Error(Box::new(Inner {
            message: message.into(),
            source: Some(source.clone()),
            labels: vec![(span, label.into())],
            help: None,
            severity: None,
            path: None,
            more: Vec::new(),
        }))
    }

    /// One error standing for all of `errors` (in order), or `None` when
    /// there are none: every report shows each of them.
    pub fn join(errors: impl IntoIterator<Item = Error>) -> Option<Error> {
        let mut all = errors.into_iter().flat_map(Error::into_each);
        let mut first = all.next()?;
        first.more.extend(all);
        Some(first)
    }

    /// This error, then the others joined to it ([`Error::join`]).
    pub fn each(&self) -> impl Iterator<Item = &Error> {
        std::iter::once(self).chain(self.more.iter())
    }

    /// [`Error::each`], owned.
    pub fn into_each(mut self) -> impl Iterator<Item = Error> {
        let more = std::mem::take(&mut self.more);
        std::iter::once(self).chain(more)
    }

    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> Error {
        self.labels.push((span, label.into()));
        self
    }

    /// Renders as a warning or advice instead of an error (lint findings).
    pub fn with_severity(mut self, severity: miette::Severity) -> Error {
        self.severity = Some(severity);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    pub fn from_load(source: &Source, e: LoadError) -> Error {
        let mut err = Error::at(source, e.span, e.message, e.label);
        if let Some((span, label)) = e.secondary {
            err = err.with_label(span, label);
        }
        err
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Names the file an error without a source is about, for reports that
    /// list errors per file.
    pub fn in_file(mut self, path: &str) -> Error {
        if self.source.is_none() && path != "-" {
            self.path = Some(path.to_string());
        }
        self
    }

    /// The name of the file the error is in or about, if any.
    pub fn file_name(&self) -> Option<&str> {
        match &self.source {
            Some(src) => Some(&src.name),
            None => self.path.as_deref(),
        }
    }

    /// The primary span in [`Error::file`], if any.
    pub fn span(&self) -> Option<Span> {
        self.source.as_ref()?;
        self.labels.first().map(|(span, _)| *span)
    }

    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The file the error is in, if any.
    pub fn file(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    /// `file:line:col` of the primary label, if any.
    pub fn location(&self) -> Option<String> {
        let src = self.source.as_ref()?;
        let (span, _) = self.labels.first()?;
        Some(src.location(span.start))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl miette::Diagnostic for Error {
    fn severity(&self) -> Option<miette::Severity> {
        self.severity
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source
            .as_ref()
            .map(|s| s.named.inner() as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let text = self.source.as_ref()?.named.inner();
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            move |(i, (span, l))| {
                let label = (!l.is_empty()).then(|| l.clone());
                // Marks on a long line stay in the part of it shown.
                let span = text.snippet_label(*span);
                if i == 0 {
                    LabeledSpan::new_primary_with_span(label, span)
                } else {
                    LabeledSpan::new_with_span(label, span)
                }
            },
        )))
    }

    fn help(&self) -> Option<Box<dyn fmt::Display + '_>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{human::render, Term};

    /// Any position renders: a snippet of a long line (minified JSON) shows
    /// a window around the mark, wherever it is, with its true location.
    #[test]
    fn marks_anywhere_on_long_lines_render() {
        let line = format!("{{\"a\": \"{}é\", \"b\": [1]}}", "h".repeat(70_000));
        let text = format!("x: 1\n{line}\ny: 2\n{line}");
        let src = Source::new("m.json", text.clone());
        let second = text.len() - line.len();
        for at in [5, 7, 6000, 65_535, 70_004, 70_007, 70_010, line.len() - 3] {
            for (start, len) in [
                (5 + at, 0),
                (5 + at, 3),
                (5 + at, 100_000),
                (second + at, 9),
            ] {
                let mut start = start.min(text.len());
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let span = Span::new(start, (start + len).min(text.len()));
                let err = Error::at(&src, span, "bad", "here").with_label(Span::new(0, 1), "x");
                let shown = render(&err, Term::PLAIN);
                let (l, c) = src.line_col(start);
                let col_bytes = start - text[..start].rfind('\n').map_or(0, |i| i + 1) + 1;
                assert!(
                    shown.contains(&format!("m.json:{l}:{col_bytes}"))
                        || shown.contains(&format!("m.json:{l}:{c}")),
                    "{start}: {shown}"
                );
                assert!(shown.contains("here"), "{start}: {shown}");
                assert!(shown.len() < 2_000, "{start}: {} bytes", shown.len());
            }
        }
    }

    /// Short lines keep their whole snippet, context lines and all.
    #[test]
    fn short_lines_render_whole() {
        let src = Source::new("s.yaml", "a: 1\nb: 2\nc: 3\n");
        let shown = render(
            &Error::at(&src, Span::new(8, 9), "bad", "here"),
            Term::PLAIN,
        );
        for line in ["1 │ a: 1", "2 │ b: 2", "3 │ c: 3"] {
            assert!(shown.contains(line), "{shown}");
        }
    }
}
