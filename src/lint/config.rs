//! `.kdm.yaml`: which rules run, at which severity, which paths are skipped,
//! and the Kubernetes version for schema checks.
//!
//! ```yaml
//! kubernetes-version: "1.37"
//! fail-level: warning
//! exclude: ["charts/**", "*.generated.yaml"]
//! rules:
//!   host-path-writable: error     # off | info | warning | error
//!   missing-recommended-labels: off
//! ```

use std::collections::BTreeMap;

use super::Severity;
use crate::diag::{Error, Result};
use crate::input::{load_yaml, read_source};
use crate::yaml::Node;

#[derive(Debug, Clone, Default)]
pub struct LintConfig {
    /// Rule id → `None` (off) or a severity override.
    pub rules: BTreeMap<String, Option<Severity>>,
    pub exclude: Vec<String>,
    pub kubernetes_version: Option<String>,
    pub fail_level: Option<Severity>,
}

const FIELDS: [&str; 4] = ["kubernetes-version", "fail-level", "exclude", "rules"];

impl LintConfig {
    pub fn load(path: &str, known_rules: &[&str]) -> Result<LintConfig> {
        let src = read_source(path)?;
        let docs = load_yaml(&src)?;
        let mut cfg = LintConfig::default();
        let Some(root) = docs.first().filter(|d| !d.is_null()) else {
            return Ok(cfg);
        };
        let err = |n: &Node, msg: String, label: &str| Error::at(&src, n.span, msg, label);
        let Some(entries) = root.as_map() else {
            return Err(err(
                root,
                "the lint config must be a mapping".into(),
                "not a mapping",
            ));
        };
        for (k, v) in entries {
            match k.as_str().unwrap_or("") {
                "kubernetes-version" => {
                    cfg.kubernetes_version = Some(
                        v.as_str()
                            .ok_or_else(|| {
                                err(v, "expected a version like \"1.37\"".into(), "not a string")
                            })?
                            .to_string(),
                    )
                }
                "fail-level" => {
                    let s = v.as_str().unwrap_or("");
                    cfg.fail_level = Some(Severity::parse(s).ok_or_else(|| {
                        err(
                            v,
                            format!("unknown severity {s:?}"),
                            "expected info, warning or error",
                        )
                    })?);
                }
                "exclude" => {
                    for item in v.as_seq().unwrap_or(&[]) {
                        let glob = item.as_str().ok_or_else(|| {
                            err(item, "expected a glob pattern".into(), "not a string")
                        })?;
                        cfg.exclude.push(glob.to_string());
                    }
                }
                "rules" => {
                    for (rk, rv) in v.as_map().unwrap_or(&[]) {
                        let id = rk.as_str().unwrap_or("");
                        if !known_rules.contains(&id) {
                            return Err(err(rk, format!("unknown rule {id:?}"), "unknown rule")
                                .with_help("`kdm lint --list-rules` lists the rules"));
                        }
                        let level = match rv.as_str() {
                            Some("off") => None,
                            Some(s) => Some(Severity::parse(s).ok_or_else(|| {
                                err(
                                    rv,
                                    format!("unknown level {s:?}"),
                                    "expected off, info, warning or error",
                                )
                            })?),
                            None if matches!(
                                rv.resolve(),
                                Some(crate::yaml::Resolved::Bool(false))
                            ) =>
                            {
                                None
                            }
                            None => {
                                return Err(err(
                                    rv,
                                    "expected off, info, warning or error".into(),
                                    "invalid level",
                                ))
                            }
                        };
                        cfg.rules.insert(id.to_string(), level);
                    }
                }
                other => {
                    return Err(err(
                        k,
                        format!("unknown field {other:?} in the lint config"),
                        "unknown field",
                    )
                    .with_help(format!("fields: {}", FIELDS.join(", "))))
                }
            }
        }
        Ok(cfg)
    }

    /// Whether `path` matches an `exclude` glob (`*` within a path segment,
    /// `**` across segments).
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./");
        self.exclude
            .iter()
            .any(|g| glob_match(g.trim_start_matches("./"), path))
    }
}

fn glob_match(pattern: &str, path: &str) -> bool {
    fn rec(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => {
                let rest = p[2..].strip_prefix(b"/").unwrap_or(&p[2..]);
                (0..=s.len()).any(|i| rec(rest, &s[i..]))
            }
            Some(b'*') => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != b'/')
                .any(|i| rec(&p[1..], &s[i..])),
            Some(b'?') => !s.is_empty() && s[0] != b'/' && rec(&p[1..], &s[1..]),
            Some(&c) => s.first() == Some(&c) && rec(&p[1..], &s[1..]),
        }
    }
    // A pattern without a slash matches the file name anywhere.
    if !pattern.contains('/') {
        let name = path.rsplit('/').next().unwrap_or(path);
        return rec(pattern.as_bytes(), name.as_bytes());
    }
    rec(pattern.as_bytes(), path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("charts/**", "charts/a/b.yaml"));
        assert!(glob_match("*.generated.yaml", "x/y/z.generated.yaml"));
        assert!(!glob_match("charts/*", "charts/a/b.yaml"));
        assert!(glob_match("a/**/c.yaml", "a/c.yaml"));
        assert!(glob_match("a/**/c.yaml", "a/b/d/c.yaml"));
    }
}
