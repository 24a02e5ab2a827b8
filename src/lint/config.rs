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
//! helm-release: kps               # kube-prometheus-stack values' release
//! prometheus-version: 3           # 2 reads Prometheus configs as 2.55 does
//! crds: [crds/]                   # CRDs custom resources are checked against
//! profiles:                       # see `profile`
//!   - profile: csi-node
//!     name: "ebs-csi-node*"
//! exemptions:                     # see `suppress::exemption`
//!   - rules: [host-path-writable]
//!     name: "calico-*"
//!     reason: the CNI installer writes /opt/cni/bin
//! ```

use std::collections::BTreeMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::{registry, Severity};
use crate::decode::{Decoder, Dialect};
use crate::diag::{Error, Result};
use crate::input::{load_yaml, read_source};
use crate::yaml::{Node, NodeKind, Resolved, Source};

#[derive(Debug, Clone, Default)]
pub struct LintConfig {
    /// Rule id → `None` (off) or a severity override.
    pub rules: BTreeMap<String, Option<Severity>>,
    pub exclude: Vec<String>,
    /// `exclude`, compiled.
    excluded: GlobSet,
    pub kubernetes_version: Option<String>,
    pub fail_level: Option<Severity>,
    /// The Helm release kube-prometheus-stack values are read for.
    pub helm_release: Option<String>,
    /// The Prometheus major version configs are checked for (default 3).
    pub prometheus_version: Option<crate::relabel::Flavor>,
    /// Files and directories of CustomResourceDefinitions (relative to the
    /// working directory; the config's own are resolved against its
    /// directory).
    pub crds: Vec<String>,
    /// Node-agent profiles declared per workload.
    pub profiles: Vec<super::profile::Declared>,
    /// Exemptions, a baseline, or none of them (`--no-suppressions`).
    pub suppress: super::suppress::Settings,
    /// The day `until=` dates are compared with (default: today, UTC).
    pub today: Option<super::suppress::date::Date>,
}

const FIELDS: [&str; 9] = [
    "kubernetes-version",
    "fail-level",
    "exclude",
    "rules",
    "helm-release",
    "prometheus-version",
    "crds",
    "exemptions",
    "profiles",
];

impl LintConfig {
    pub fn load(path: &str, known_rules: &[&str]) -> Result<LintConfig> {
        Self::from_source(&read_source(path)?, known_rules)
    }

    pub fn from_source(src: &Source, known_rules: &[&str]) -> Result<LintConfig> {
        let docs = load_yaml(src)?;
        let mut cfg = LintConfig::default();
        let Some(root) = docs.first().filter(|d| !d.is_null()) else {
            return Ok(cfg);
        };
        let d = Decoder::new(src, Dialect::Kdm);
        let err = |n: &Node, msg: String, label: &str| d.error(n, msg, label);
        let mut globs = GlobSetBuilder::new();
        for (k, v) in d.mapping(root, "the lint config", &FIELDS)? {
            match &*k.key_str() {
                "kubernetes-version" => {
                    if v.is_null() {
                        return Err(d.mismatch(v, "a version like \"1.37\"", "not a string"));
                    }
                    cfg.kubernetes_version = Some(d.string(v, "a version like \"1.37\"")?);
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
                    // One pattern or a list of them.
                    let items = match &v.kind {
                        NodeKind::Scalar { .. } => std::slice::from_ref(v),
                        _ => d.seq(v, "a glob pattern or a list of them")?,
                    };
                    for item in items.iter().filter(|i| !i.is_null()) {
                        let glob = d.string(item, "a glob pattern")?;
                        globs.add(compile(&glob).map_err(|e| {
                            err(
                                item,
                                format!("invalid glob pattern {glob:?}: {}", e.kind()),
                                "invalid pattern",
                            )
                        })?);
                        cfg.exclude.push(glob);
                    }
                }
                "helm-release" => {
                    let name = d.string(v, "a Helm release name")?;
                    if !crate::k8s::names::is_dns1123_subdomain(&name) {
                        return Err(err(
                            v,
                            format!("{name:?} is not a Helm release name"),
                            "lowercase letters, digits and '-'",
                        ));
                    }
                    cfg.helm_release = Some(name);
                }
                "prometheus-version" => {
                    // `3` and `"3"` alike.
                    let text = v.as_str().unwrap_or("");
                    let version = crate::relabel::Flavor::parse_major(text).ok_or_else(|| {
                        err(
                            v,
                            format!("unknown Prometheus version {text:?}"),
                            "expected 2 or 3",
                        )
                    })?;
                    cfg.prometheus_version = Some(version);
                }
                "crds" => {
                    // One path or a list of them, relative to this file.
                    let items = match &v.kind {
                        NodeKind::Scalar { .. } => std::slice::from_ref(v),
                        _ => d.seq(v, "a path or a list of them")?,
                    };
                    let dir = std::path::Path::new(&src.name)
                        .parent()
                        .unwrap_or(std::path::Path::new(""));
                    for item in items.iter().filter(|i| !i.is_null()) {
                        let path = d.string(item, "a file or directory of CRDs")?;
                        let full = dir.join(&path);
                        if !full.exists() {
                            return Err(err(
                                item,
                                format!(
                                    "cannot read CRDs from {}: no such file or directory",
                                    full.display()
                                ),
                                "not found",
                            ));
                        }
                        cfg.crds.push(full.to_string_lossy().into_owned());
                    }
                }
                "profiles" => cfg.profiles = super::profile::parse(&d, v)?,
                "exemptions" => {
                    cfg.suppress.exemptions =
                        super::suppress::exemption::parse(&d, v, known_rules)?;
                }
                "rules" if v.is_null() => {}
                "rules" => {
                    for (rk, rv) in d.map(v, "rules")? {
                        let id = rk.key_str();
                        if !known_rules.contains(&&*id) {
                            return Err(err(rk, format!("unknown rule {id:?}"), "unknown rule")
                                .with_help(registry::unknown_rule_help(&id)));
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
                            None if matches!(rv.resolve(), Some(Resolved::Bool(false))) => None,
                            None => {
                                return Err(err(
                                    rv,
                                    "expected off, info, warning or error".into(),
                                    "invalid level",
                                ))
                            }
                        };
                        cfg.rules.insert(id.into_owned(), level);
                    }
                }
                _ => {} // `mapping` let only FIELDS through
            }
        }
        cfg.excluded = globs
            .build()
            .map_err(|e| Error::plain(format!("invalid exclude patterns: {e}")))?;
        Ok(cfg)
    }

    /// Whether `path` matches an `exclude` glob (`*` and `?` within a path
    /// segment, `**` across segments; a pattern without `/` matches the file
    /// name in any directory).
    pub fn is_excluded(&self, path: &str) -> bool {
        self.excluded.is_match(path.trim_start_matches("./"))
    }
}

/// One `exclude` pattern, matched in time linear in the path's length.
fn compile(pattern: &str) -> Result<globset::Glob, globset::Error> {
    let pattern = pattern.trim_start_matches("./");
    let anchored = if pattern.contains('/') {
        pattern.to_string()
    } else {
        format!("**/{pattern}")
    };
    GlobBuilder::new(&anchored).literal_separator(true).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relabel::Flavor;

    fn config(text: &str) -> Result<LintConfig> {
        LintConfig::from_source(&Source::new(".kdm.yaml", text), &[])
    }

    fn excluded(patterns: &str, path: &str) -> bool {
        config(&format!("exclude: {patterns}\n"))
            .map(|c| c.is_excluded(path))
            .unwrap_or_else(|e| panic!("{}", e.message()))
    }

    #[test]
    fn globs() {
        assert!(excluded("[charts/**]", "charts/a/b.yaml"));
        assert!(excluded("[charts/**]", "./charts/a/b.yaml"));
        assert!(excluded("['./charts/**']", "charts/a.yaml"));
        assert!(!excluded("[charts/**]", "charts"));
        assert!(!excluded("[charts/**]", "x/charts/a.yaml"));
        assert!(excluded("['*.generated.yaml']", "x/y/z.generated.yaml"));
        assert!(excluded("['*.generated.yaml']", "z.generated.yaml"));
        assert!(!excluded("[charts/*]", "charts/a/b.yaml"));
        assert!(excluded("[charts/*]", "charts/b.yaml"));
        assert!(excluded("[a/**/c.yaml]", "a/c.yaml"));
        assert!(excluded("[a/**/c.yaml]", "a/b/d/c.yaml"));
        assert!(excluded("['a/?.yaml']", "a/b.yaml"));
        assert!(!excluded("['a/?.yaml']", "a/bc.yaml"));
        // One pattern needs no list.
        assert!(excluded("'charts/**'", "charts/a.yaml"));
    }

    #[test]
    fn pathological_patterns_match_in_linear_time() {
        let name = "a".repeat(10_000);
        let start = std::time::Instant::now();
        assert!(!excluded("['a*a*a*a*a*a*a*b']", &name));
        assert!(!excluded(
            "['**/a*a*a*a*a*a*a*b/**']",
            &format!("{name}/{name}")
        ));
        assert!(excluded("['a*a*a*a*a*a*a*a']", &name));
        // A backtracking matcher takes hours here.
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_errors_at_their_node() {
        let error = |text: &str| {
            let e = config(text).unwrap_err();
            let help = miette::Diagnostic::help(&e).map(|h| h.to_string());
            (
                e.message().to_string(),
                e.location().unwrap_or_default(),
                help,
            )
        };
        assert_eq!(
            error("fail-level: warning\nexlude: [a]\n"),
            (
                "unknown field \"exlude\" in the lint config".into(),
                ".kdm.yaml:2:1".into(),
                Some("did you mean `exclude`?".into())
            )
        );
        assert_eq!(
            error("verbose: true\n").2.as_deref(),
            Some("valid fields: kubernetes-version, fail-level, exclude, rules, helm-release, prometheus-version, crds, exemptions, profiles")
        );
        assert_eq!(
            error("rules: [a]\n"),
            (
                "rules must be a mapping".into(),
                ".kdm.yaml:1:8".into(),
                None
            )
        );
        assert_eq!(
            error("exclude: {a: b}\n").0,
            "expected a glob pattern or a list of them"
        );
        assert_eq!(
            error("exclude: [a, [b]]\n"),
            (
                "expected a glob pattern".into(),
                ".kdm.yaml:1:14".into(),
                None
            )
        );
        assert_eq!(
            error("kubernetes-version: [\"1.37\"]\n").0,
            "expected a version like \"1.37\""
        );
        assert_eq!(error("- a\n").0, "the lint config must be a mapping");
        let e = LintConfig::from_source(
            &Source::new(".kdm.yaml", "rules:\n  host-path-writeable: off\n"),
            &["host-path-writable"],
        )
        .unwrap_err();
        assert_eq!(e.location().as_deref(), Some(".kdm.yaml:2:3"));
        // Empty sections are no settings.
        assert!(config("rules:\nexclude:\n").is_ok());
    }

    #[test]
    fn prometheus_version_is_2_or_3() {
        let v = |text: &str| config(text).map(|c| c.prometheus_version);
        assert_eq!(v("prometheus-version: 2\n").ok(), Some(Some(Flavor::V2)));
        assert_eq!(
            v("prometheus-version: \"3\"\n").ok(),
            Some(Some(Flavor::V3))
        );
        assert_eq!(v("{}\n").ok(), Some(None));
        let e = config("prometheus-version: 2.55\n").unwrap_err();
        assert_eq!(e.message(), "unknown Prometheus version \"2.55\"");
        assert_eq!(e.location().as_deref(), Some(".kdm.yaml:1:21"));
    }

    /// `crds` paths are the config file's: found next to it, or an error
    /// at the path.
    #[test]
    fn crd_paths_are_relative_to_the_config() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/custom-resources");
        let load = |text: &str| {
            LintConfig::from_source(&Source::new(format!("{dir}/.kdm.yaml"), text), &[])
        };
        let Ok(cfg) = load("crds: [crds, ./crds/ipaddresspools.metallb.io.yaml]\n") else {
            panic!("loads");
        };
        assert_eq!(
            cfg.crds,
            [
                format!("{dir}/crds"),
                format!("{dir}/./crds/ipaddresspools.metallb.io.yaml")
            ]
        );
        let Ok(cfg) = load("crds: crds\n") else {
            panic!("loads");
        };
        assert_eq!(cfg.crds.len(), 1);
        let Err(e) = load("crds:\n  - crds\n  - nowhere\n") else {
            panic!("refused");
        };
        assert!(
            e.message().contains("nowhere: no such file"),
            "{}",
            e.message()
        );
        assert_eq!(e.location(), Some(format!("{dir}/.kdm.yaml:3:5")));
    }

    #[test]
    fn invalid_patterns_point_at_the_pattern() {
        let e = config("exclude:\n  - ok/**\n  - 'a/[b'\n").unwrap_err();
        assert!(
            e.message().contains("invalid glob pattern \"a/[b\""),
            "{}",
            e.message()
        );
        assert_eq!(e.location().as_deref(), Some(".kdm.yaml:3:5"));
    }
}
