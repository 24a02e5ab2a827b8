//! The human format: a diagnostic as miette draws it, `file:line:col` and
//! a snippet. Prose is wrapped only on a terminal, and only at spaces, so
//! names such as `falco-socket-dir` stay whole for `grep`.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::Term;
use crate::diag::Error;
use crate::yaml::Source;

/// Renders an error for a terminal or a pipe: the message, then a snippet
/// headed by `file:line:col`.
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
    match (err.file(), err.location()) {
        (Some(src), Some(_)) => {
            // miette's header names `file:line:col`.
            let wrapped = WithSource { err, src };
            let _ = handler.render_report(&mut out, &wrapped);
        }
        _ => {
            let _ = handler.render_report(&mut out, err);
        }
    }
    out
}

/// Attaches the file name to the snippet (miette reads it from the source).
struct WithSource<'a> {
    err: &'a Error,
    src: &'a Source,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.err, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.err, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.err)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src.named)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        miette::Diagnostic::labels(self.err)
    }
    fn help(&self) -> Option<Box<dyn fmt::Display + '_>> {
        miette::Diagnostic::help(self.err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Span;

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
