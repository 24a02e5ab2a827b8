//! The report layer: every command prints through one [`Sink`], which owns
//! standard output, knows each stream's colour and terminal width, and
//! tells a closed pipe (`kdm … | head`) from a real write error. Findings
//! and input errors are [`crate::diag::Error`]s; each output format has one
//! renderer here (`human`, `json`, `sarif`, `github`, `junit`, `yaml`),
//! which the commands fill with their results.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod style;
pub mod yaml;

use std::io::{self, BufWriter, StdoutLock, Write};

use crate::diag::Error;
use crate::yaml::{Source, Span};

/// An output format. Each command offers some of them, through `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: colours and wrapping on a terminal (also called `text`).
    Human,
    Json,
    Yaml,
    Sarif,
    Github,
    Junit,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
        }
    }

    /// The error for a format that `command` does not write (the flag's
    /// parser already refuses it).
    pub fn unsupported(self, command: &str) -> Error {
        Error::plain(format!("kdm {command} has no {} format", self.name()))
    }
}

/// Where a diagnostic is: file, 1-based line and column of its start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl<'a> Region<'a> {
    pub fn of(src: &'a Source, span: Span) -> Region<'a> {
        let (line, column) = src.line_col(span.start);
        let (end_line, end_column) = src.line_col(span.end.max(span.start));
        Region {
            file: &src.name,
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The primary place of an error, if it has one.
    pub fn of_error(e: &'a Error) -> Option<Region<'a>> {
        Some(Region::of(e.file()?, e.span()?))
    }
}

/// What one output stream can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Term {
    /// Emit ANSI colours.
    pub color: bool,
    /// Wrap prose at this many columns: set only on a terminal, so piped
    /// output keeps each message on one line for `grep`.
    pub width: Option<usize>,
}

impl Term {
    /// No colours, no wrapping: files, pipes and tests.
    pub const PLAIN: Term = Term {
        color: false,
        width: None,
    };

    /// The capabilities of `stream` under `--color choice`.
    fn of<S: anstream::stream::RawStream>(
        stream: &S,
        columns: Option<usize>,
        color: Option<bool>,
    ) -> Term {
        // Unless asked: NO_COLOR, CLICOLOR(_FORCE), TERM=dumb and whether it is a terminal.
        let color = color.unwrap_or_else(|| {
            anstream::AutoStream::<S>::choice(stream) != anstream::ColorChoice::Never
        });
        let width = stream.is_terminal().then(|| columns.unwrap_or(100));
        Term { color, width }
    }

    /// This stream indented by `n` columns.
    pub fn indented(self, n: usize) -> Term {
        Term {
            width: self.width.map(|w| w.saturating_sub(n).max(40)),
            ..self
        }
    }
}

/// Standard output (buffered) and standard error, with what each can show.
/// What goes to standard error, and the report on standard output when it
/// is in the human format, reaches the terminal only through
/// [`style::terminal_safe`]: control characters from the input are escaped.
pub struct Sink {
    out: BufWriter<StdoutLock<'static>>,
    pub stdout: Term,
    pub stderr: Term,
    closed: bool,
    /// Whether the report on standard output is for people.
    human: bool,
}

impl Sink {
    /// `color`: forced on or off, or `None` to ask each stream.
    pub fn new(color: Option<bool>) -> Sink {
        let stdout = io::stdout();
        let stderr = io::stderr();
        Sink {
            stdout: Term::of(&stdout, columns(&stdout), color),
            stderr: Term::of(&stderr, columns(&stderr), color),
            out: BufWriter::with_capacity(1 << 16, stdout.lock()),
            closed: false,
            human: false,
        }
    }

    /// Declares the report on standard output to be in the human format.
    pub fn set_human(&mut self, human: bool) {
        self.human = human;
    }

    /// Whether the reader of standard output went away.
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// Writes to standard error (unbuffered; errors there have nowhere to go).
    pub fn eprint(&mut self, text: &str) {
        if !text.is_empty() {
            let _ = self.out.flush();
            let text = style::terminal_safe(text, self.stderr.color);
            let _ = io::stderr().lock().write_all(text.as_bytes());
        }
    }

    /// Prints an error for humans on standard error.
    pub fn error(&mut self, e: &Error) {
        let text = human::render(e, self.stderr);
        self.eprint(&text);
    }

    /// Ends the run: flushes standard output and returns the exit code, 2
    /// for an error, a failed write or flush included (a full disk must not
    /// leave an empty file behind a successful exit). A closed pipe is not
    /// an error: the reader had enough.
    pub fn finish(mut self, result: Result<i32, Error>) -> i32 {
        let flushed = self.flush();
        match result {
            Err(_) if self.closed => 0,
            Err(e) => {
                self.error(&e);
                2
            }
            Ok(code) => match flushed {
                Err(e) if !self.closed => {
                    self.error(&write_error(e));
                    2
                }
                _ => code,
            },
        }
    }

    /// Writes `text` to standard output as a command's report.
    pub fn print(&mut self, text: &str) -> Result<(), Error> {
        self.write_all(text.as_bytes()).map_err(write_error)
    }
}

/// The width of the terminal behind `stream`, if it is one.
#[cfg(unix)]
fn columns(stream: &impl std::os::fd::AsFd) -> Option<usize> {
    terminal_size::terminal_size_of(stream).map(|(w, _)| usize::from(w.0))
}

#[cfg(windows)]
fn columns(stream: &impl std::os::windows::io::AsHandle) -> Option<usize> {
    terminal_size::terminal_size_of(stream).map(|(w, _)| usize::from(w.0))
}

/// The error a failed write of the report to standard output becomes.
pub fn write_error(e: io::Error) -> Error {
    Error::plain(format!("cannot write to standard output: {e}"))
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        if self.human {
            // Whole: an escaped text is longer than the bytes it stands for.
            return self.write_all(buf).map(|()| buf.len());
        }
        self.out.write(buf).inspect_err(|e| self.note(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.closed {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        // Only human text is checked: validating a machine report's
        // hundreds of megabytes would hold up the writer for nothing.
        let safe;
        let buf = match self.human.then(|| std::str::from_utf8(buf)) {
            Some(Ok(text)) => {
                safe = style::terminal_safe(text, self.stdout.color);
                safe.as_bytes()
            }
            _ => buf,
        };
        self.out.write_all(buf).inspect_err(|e| self.note(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        self.out.flush().inspect_err(|e| self.note(e))
    }
}

impl Sink {
    fn note(&mut self, e: &io::Error) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            self.closed = true;
        }
    }
}
