//! The human format: a diagnostic as miette draws it, `file:line:col` and
//! a snippet. Prose is wrapped only on a terminal, and only at spaces, so
//! names such as `falco-socket-dir` stay whole for `grep`.

use std::fmt;

use std::borrow::Cow;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::Term;
use crate::diag::Error;
use crate::yaml::{escape_controls, IndexedText};

/// Renders an error for a terminal or a pipe: the message, then a snippet
/// headed by `file:line:col` (for each error joined to it too).
pub fn render(err: &Error, term: Term) -> String {
    let theme = if term.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme);
    let handler = match term.width {
        Some(width) => handler
            .with_width(width)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_break_words(false),
        None => handler.with_wrap_lines(false),
    };
    let mut out = String::new();
    // Errors joined to this one ([`Error::join`]) follow, each whole.
    for (i, e) in err.each().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = handler.render_report(&mut out, &Shown::of(e));
    }
    out
}

/// An error as the terminal may see it: what came from the input (the
/// message, labels, help and file name) with its control characters
/// escaped; the snippet escapes its own (see [`crate::yaml::IndexedText`]).
struct Shown<'a> {
    err: &'a Error,
    message: Cow<'a, str>,
    /// The file, named for miette's snippet header.
    source: Option<NamedSource<IndexedText>>,
}

impl<'a> Shown<'a> {
    fn of(err: &'a Error) -> Shown<'a> {
        let source = match (err.file(), err.location()) {
            (Some(src), Some(_)) => Some(
                NamedSource::new(escape_controls(&src.name), src.named.inner().clone())
                    .with_language("yaml"),
            ),
            _ => None,
        };
        Shown {
            err,
            message: escape_controls(err.message()),
            source,
        }
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.err, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.err)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match &self.source {
            Some(named) => Some(named),
            None => miette::Diagnostic::source_code(self.err),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = miette::Diagnostic::labels(self.err)?;
        Some(Box::new(labels.map(|l| {
            let text = l.label().map(|t| escape_controls(t).into_owned());
            if l.primary() {
                LabeledSpan::new_primary_with_span(text, *l.inner())
            } else {
                LabeledSpan::new_with_span(text, *l.inner())
            }
        })))
    }

    fn help(&self) -> Option<Box<dyn fmt::Display + '_>> {
        let help = self.err.help_text()?;
        Some(Box::new(escape_controls(help).into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Source, Span};

    fn finding() -> Error {
        let src = Source::new("ds.yaml", "spec:\n  volumes:\n  - name: falco-socket-dir\n");
        Error::at(
            &src,
            Span::new(27, 43),
            "the hostPath volume falco-socket-dir mounts the container runtime socket \
             read-write into the pod, which lets it control every container on the node",
            "",
        )
        .with_help("mount falco-socket-dir read-only, or use the runtime's read-only API")
    }

    #[test]
    fn piped_output_is_not_wrapped() {
        let text = render(&finding(), Term::PLAIN);
        let first = text.lines().next().unwrap_or_default();
        assert!(first.ends_with("every container on the node"), "{text}");
        assert!(text.contains("ds.yaml:3:11"), "{text}");
    }

    #[test]
    fn terminals_wrap_at_spaces_only() {
        for width in [30, 41, 47, 52, 60, 80] {
            let term = Term {
                color: false,
                width: Some(width),
            };
            let text = render(&finding(), term);
            let wrapped = text.lines().count() > 8;
            assert_eq!(wrapped, width < 80, "{width}: {text}");
            assert_eq!(
                text.matches("falco-socket-dir").count(),
                3,
                "{width}: {text}"
            );
            for line in text.lines() {
                assert!(!line.trim_end().ends_with('-'), "{width}: {text}");
            }
        }
    }
}
