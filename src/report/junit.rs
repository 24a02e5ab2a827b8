//! The JUnit XML format for CI test reports, written by `quick-junit`.
//! Only what makes the exit code non-zero is a `<failure>`; an input error
//! is an `<error>` test case in a suite named after its file.

pub use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::Region;
use crate::diag::Error;

/// A test case with the `file` and `line` attributes CI viewers link by.
pub fn case(
    name: impl AsRef<str>,
    classname: &str,
    place: Option<(&str, usize)>,
    status: TestCaseStatus,
) -> TestCase {
    let mut case = TestCase::new(name.as_ref(), status);
    case.set_classname(classname);
    if let Some((file, line)) = place {
        case.extra.insert("file".into(), file.into());
        case.extra.insert("line".into(), line.to_string().into());
    }
    case
}

/// A `<failure>` with a one-line message, a type and the full text.
pub fn failure(message: &str, ty: Option<&str>, description: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(message).set_description(description);
    if let Some(ty) = ty {
        status.set_type(ty);
    }
    status
}

/// Adds a suite per file with an input error, an `<error>` case per error;
/// errors without a file go to a suite named `default`.
pub fn add_errors(report: &mut Report, default: &str, errors: &[Error]) {
    let mut suites: Vec<TestSuite> = Vec::new();
    for e in errors.iter().flat_map(Error::each) {
        let region = Region::of_error(e);
        let file = e.file_name().unwrap_or(default);
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        let mut text = match &region {
            Some(r) => format!("{}:{}:{}: {}", r.file, r.line, r.column, e.message()),
            None => e.message().to_string(),
        };
        if let Some(help) = e.help_text() {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        status
            .set_message(e.message())
            .set_type("input error")
            .set_description(text);
        let place = region.as_ref().map(|r| (r.file, r.line));
        let case = case("input error", file, place, status);
        match suites.iter_mut().find(|s| s.name.as_str() == file) {
            Some(suite) => {
                suite.add_test_case(case);
            }
            None => {
                let mut suite = TestSuite::new(file);
                suite.add_test_case(case);
                suites.push(suite);
            }
        }
    }
    report.add_test_suites(suites);
}

/// The document, ending in a newline.
pub fn to_string(report: &Report) -> crate::diag::Result<String> {
    let mut s = report
        .to_string()
        .map_err(|e| Error::plain(format!("cannot write the JUnit report: {e}")))?;
    if !s.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}
