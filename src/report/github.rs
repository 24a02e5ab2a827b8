//! The GitHub Actions format: workflow commands
//! (`::error file=…,line=…,col=…::message`) that the runner shows as
//! annotations on the changed lines.

use std::fmt::Write;

use super::Region;
use crate::diag::Error;

/// Appends one annotation; `level` is `error`, `warning` or `notice`.
pub fn annotation(
    out: &mut String,
    level: &str,
    region: Option<&Region<'_>>,
    title: &str,
    message: &str,
) {
    let _ = write!(out, "::{level} ");
    if let Some(r) = region {
        let _ = write!(
            out,
            "file={},line={},col={},endLine={},endColumn={},",
            property(r.file),
            r.line,
            r.column,
            r.end_line,
            r.end_column
        );
    }
    let _ = writeln!(out, "title={}::{}", property(title), data(message));
}

/// An input error as an `::error` annotation at its place, or on its file.
/// Errors joined to it ([`Error::join`]) get theirs.
pub fn error(out: &mut String, errors: &Error) {
    for e in errors.each() {
        one_error(out, e);
    }
}

fn one_error(out: &mut String, e: &Error) {
    const TITLE: &str = "kdm input error";
    match (Region::of_error(e), e.file_name()) {
        (None, Some(file)) => {
            let _ = writeln!(
                out,
                "::error file={},title={TITLE}::{}",
                property(file),
                data(e.message())
            );
        }
        (region, _) => annotation(out, "error", region.as_ref(), TITLE, e.message()),
    }
}

/// Escapes a message (the command's data).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which also ends at `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_annotated_at_their_place() {
        let src = crate::yaml::Source::new("dir/a,b.yaml", "a: [\n");
        let mut out = String::new();
        error(
            &mut out,
            &Error::at(
                &src,
                crate::yaml::Span::new(3, 4),
                "unclosed\nlist: 100%",
                "",
            ),
        );
        error(
            &mut out,
            &Error::plain("cannot read c.yaml").in_file("c.yaml"),
        );
        error(
            &mut out,
            &Error::plain("only one input can be read from stdin"),
        );
        assert_eq!(
            out,
            "::error file=dir/a%2Cb.yaml,line=1,col=4,endLine=1,endColumn=5,title=kdm input error::unclosed%0Alist: 100%25\n\
             ::error file=c.yaml,title=kdm input error::cannot read c.yaml\n\
             ::error title=kdm input error::only one input can be read from stdin\n"
        );
    }
}
