//! The SARIF 2.1.0 format (GitHub code scanning and other SARIF readers):
//! one run of kdm with its rules and results; input errors are the
//! invocation's `toolExecutionNotifications`, and make it unsuccessful.

use serde_json::{json, Value};

use super::Region;
use crate::diag::Error;

/// A `physicalLocation` for a region of a file.
pub fn location(r: &Region<'_>) -> Value {
    let end_column = r.end_column.max(if r.end_line == r.line {
        r.column + 1
    } else {
        1
    });
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": r.file.trim_start_matches("./")},
            "region": {
                "startLine": r.line,
                "startColumn": r.column,
                "endLine": r.end_line,
                "endColumn": end_column,
            }
        }
    })
}

/// The whole document: `rules` are `reportingDescriptor`s, `results` SARIF
/// results, `errors` the input errors of the run.
pub fn document(rules: Vec<Value>, results: Vec<Value>, errors: &[Error]) -> String {
    let notifications: Vec<Value> = errors
        .iter()
        .flat_map(Error::each)
        .map(|e| {
            let mut n = json!({"level": "error", "message": {"text": e.message()}});
            match (Region::of_error(e), e.file_name()) {
                (Some(r), _) => n["locations"] = json!([location(&r)]),
                (None, Some(file)) => {
                    n["locations"] = json!([{"physicalLocation": {
                        "artifactLocation": {"uri": file.trim_start_matches("./")}
                    }}]);
                }
                (None, None) => {}
            }
            n
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kdm",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/kdm-dev/kdm",
                "rules": rules,
            }},
            // Columns count characters (Unicode scalar values), as every
            // kdm format does.
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    super::json::document(&doc)
}
