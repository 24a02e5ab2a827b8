//! Baseline files: the findings a project has accepted for now, so CI fails
//! only on new ones. A finding is matched by rule, file, object and its
//! field path in the object (list items by name where they have one), never
//! by line, so edits elsewhere in the file keep it matched. Each entry
//! matches one finding: a second finding at the same place is new.
//!
//! ```json
//! {
//!   "kdm-baseline": 1,
//!   "findings": [
//!     {"rule": "host-port", "file": "deploy/agent.yaml",
//!      "object": "DaemonSet/monitoring/agent",
//!      "path": "spec.template.spec.containers[agent].ports[metrics].hostPort",
//!      "message": "..."}
//!   ]
//! }
//! ```

use std::collections::HashMap;

use serde::Serialize;

use crate::decode::{Decoder, Dialect};
use crate::diag::Result;
use crate::input::{load_yaml, read_source};

/// What a finding is matched by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Key {
    pub rule: String,
    pub file: String,
    pub object: String,
    pub path: String,
}

/// One entry of a baseline file: its key and, for people reading the file,
/// the message.
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    #[serde(flatten)]
    pub key: &'a Key,
    pub message: &'a str,
}

const VERSION_FIELD: &str = "kdm-baseline";
const FIELDS: [&str; 2] = [VERSION_FIELD, "findings"];
const ENTRY_FIELDS: [&str; 5] = ["rule", "file", "object", "path", "message"];

/// A baseline read from a file: how many findings each key accepts.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub name: String,
    pub accepted: HashMap<Key, usize>,
}

impl Baseline {
    pub fn load(path: &str) -> Result<Baseline> {
        let src = read_source(path)?;
        let docs = load_yaml(&src)?;
        let d = Decoder::new(&src, Dialect::Kdm);
        let mut baseline = Baseline {
            name: path.to_string(),
            accepted: HashMap::new(),
        };
        let Some(root) = docs.first().filter(|r| !r.is_null()) else {
            return Err(
                crate::diag::Error::plain(format!("{path} is empty, not a kdm baseline"))
                    .with_help("write one with `kdm lint --write-baseline FILE`"),
            );
        };
        let entries = d.mapping(root, "a kdm baseline", &FIELDS)?;
        let version = entries.iter().find(|(k, _)| k.key_str() == VERSION_FIELD);
        match version.map(|(_, v)| v.as_str()) {
            Some(Some("1")) => {}
            Some(_) => {
                let v = version.map_or(root, |(_, v)| v);
                return Err(d.error(v, "unknown baseline version", "expected 1"));
            }
            None => {
                return Err(d
                    .error(root, "not a kdm baseline (no \"kdm-baseline\" field)", "")
                    .with_help("write one with `kdm lint --write-baseline FILE`"))
            }
        }
        for (k, v) in entries {
            if k.key_str() != "findings" {
                continue;
            }
            for item in d.seq(v, "a list of findings")? {
                let fields = d.mapping(item, "a baseline finding", &ENTRY_FIELDS)?;
                let field = |name: &str| -> Result<String> {
                    match fields.iter().find(|(k, _)| k.key_str() == name) {
                        Some((_, v)) => d.string(v, "a string"),
                        None if name == "message" => Ok(String::new()),
                        None => {
                            Err(d.error(item, format!("a baseline finding needs {name:?}"), ""))
                        }
                    }
                };
                let key = Key {
                    rule: field("rule")?,
                    file: field("file")?,
                    object: field("object")?,
                    path: field("path")?,
                };
                field("message")?;
                *baseline.accepted.entry(key).or_default() += 1;
            }
        }
        Ok(baseline)
    }

    /// Takes one acceptance of `key`, if any is left.
    pub fn take(&mut self, key: &Key) -> bool {
        match self.accepted.get_mut(key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// Acceptances no finding used: what was fixed since.
    pub fn unused(&self) -> usize {
        self.accepted.values().sum()
    }
}

/// A baseline file's text for `entries`, sorted so that it diffs well.
pub fn render(entries: &mut [Entry<'_>]) -> String {
    entries.sort_by(|a, b| {
        (
            &a.key.file,
            &a.key.object,
            &a.key.path,
            &a.key.rule,
            a.message,
        )
            .cmp(&(
                &b.key.file,
                &b.key.object,
                &b.key.path,
                &b.key.rule,
                b.message,
            ))
    });
    #[derive(Serialize)]
    struct Doc<'a, 'b> {
        #[serde(rename = "kdm-baseline")]
        version: u32,
        findings: &'b [Entry<'a>],
    }
    crate::report::json::document(&Doc {
        version: 1,
        findings: entries,
    })
}
