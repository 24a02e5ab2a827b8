//! `kdm lint`: rules over span-aware Kubernetes objects and Prometheus
//! configs. A rule is one file under `rules/<group>/` with its metadata
//! (id, default severity, summary, explanation) and a `check` that returns
//! findings; it never prints. The runner applies configuration, inline
//! opt-outs and sorting, and a reporter renders the result.

pub mod config;
pub mod operator;
pub mod place;
pub mod profile;
pub mod registry;
pub mod report;
pub mod rules;
pub mod runner;
pub mod suppress;

use serde::Serialize;

use crate::k8s::{Object, Workload};
use crate::yaml::{Node, Source, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a rule is, for `--list-rules`, `--explain` and SARIF.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case id naming the pattern found (`host-path-writable`).
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// Markdown with `## What it does`, `## Why is this bad?`, `## Example`,
    /// `## Use instead` (and `## References` where useful).
    pub explain: &'static str,
}

/// A problem at a place in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: usize,
    pub span: Span,
    /// Other places that explain the finding (e.g. the other selector).
    pub related: Vec<(usize, Span, String)>,
    pub help: Option<String>,
    /// The node-level privilege the finding is about, for node-agent
    /// profiles ([`profile`]) to tell whether the agent needs it.
    pub privilege: Option<Privilege>,
}

/// A privilege a pod or container takes on the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Privilege {
    /// `securityContext.privileged: true` of the container.
    Privileged {
        container: String,
    },
    Capability {
        container: String,
        name: String,
    },
    /// `hostNetwork`, `hostPID` or `hostIPC`.
    HostNamespace(String),
    /// A hostPath volume (cleaned path); `container` is the one mounting it,
    /// when the finding is about one mount.
    HostPath {
        path: String,
        writable: bool,
        container: Option<String>,
    },
    /// A Bidirectional mount of `host_path` (when it is a hostPath volume).
    Bidirectional {
        container: String,
        host_path: Option<String>,
    },
    RunAsRoot {
        container: String,
    },
}

impl Finding {
    pub fn new(meta: &RuleMeta, file: usize, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule: meta.id,
            severity: meta.severity,
            message: message.into(),
            file,
            span,
            related: Vec::new(),
            help: None,
            privilege: None,
        }
    }

    pub fn privilege(mut self, privilege: Privilege) -> Finding {
        self.privilege = Some(privilege);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, file: usize, span: Span, label: impl Into<String>) -> Finding {
        self.related.push((file, span, label.into()));
        self
    }
}

/// One input file of a lint run.
#[derive(Debug)]
pub struct LintFile {
    pub source: Source,
    pub docs: Vec<Node>,
    /// Prometheus configs inside the documents (ConfigMaps, Helm values,
    /// custom resources), with spans into this file.
    pub embedded: Vec<Node>,
    /// The file whose `scrape_config_files` include this one.
    pub included_by: Option<usize>,
}

impl LintFile {
    pub fn new(source: Source, docs: Vec<Node>) -> LintFile {
        // Walking every document costs an allocation per key; a file whose
        // text never spells `scrape_configs` (an escape aside) holds no config.
        let text = source.text.as_bytes();
        let may_embed =
            memchr::memmem::find(text, b"scrape_configs").is_some() || may_escape_letters(text);
        let embedded = docs
            .iter()
            .filter(|_| may_embed)
            .filter(|d| !crate::prom::embedded::is_config(d))
            .flat_map(|d| crate::prom::embedded::find(&source, d))
            .map(|e| e.root)
            .collect();
        LintFile {
            source,
            docs,
            embedded,
            included_by: None,
        }
    }
}

/// Whether a double-quoted scalar of `text` could spell letters with
/// escapes: `\x`, `\u`, `\U`, or an escaped line break joining two parts.
/// Other escapes (`\d` in a regex, `\"`) cannot hide a key's name.
fn may_escape_letters(text: &[u8]) -> bool {
    memchr::memchr_iter(b'\\', text)
        .any(|i| matches!(text.get(i + 1), Some(b'x' | b'u' | b'U' | b'\n' | b'\r')))
}

/// Everything rules see: all files, their Kubernetes objects, workloads and
/// Prometheus configs (cross-object rules need the whole input).
pub struct Context<'a> {
    pub files: &'a [LintFile],
    pub objects: Vec<Object<'a>>,
    pub workloads: Vec<Workload<'a>>,
    /// Prometheus configs: (file index, root node).
    pub prometheus: Vec<(usize, &'a Node)>,
    /// Kubernetes minor version for schema checks, e.g. "1.37".
    pub kubernetes_version: String,
    /// Scrape coverage of the workloads by the scrape jobs, computed on
    /// first use by the coverage rules.
    pub coverage: std::sync::OnceLock<Option<rules::coverage::Data>>,
    /// The roles the input's bindings give to ServiceAccounts, found on
    /// first use by the RBAC rules (all of them read the same graph).
    pub granted_roles: std::sync::OnceLock<Vec<crate::k8s::rbac::GrantedRole<'a>>>,
    /// The configs prometheus-operator resources in the input define
    /// (appended to `files` from `operator.first` on).
    pub operator: Option<&'a operator::Generated>,
    /// The Prometheus major version configs are checked for.
    pub flavor: crate::relabel::Flavor,
    /// The kinds the run's CustomResourceDefinitions define.
    pub custom: Option<&'a crate::k8s::schema::CustomResources>,
    /// Every rule id, for rules that check references to rules.
    pub rule_ids: Vec<&'static str>,
    /// The day suppressions' `until=` is compared with.
    pub today: suppress::date::Date,
}

impl<'a> Context<'a> {
    pub fn new(files: &'a [LintFile], kubernetes_version: String, force_prometheus: bool) -> Self {
        let mut objects = Vec::new();
        let mut prometheus = Vec::new();
        for (i, f) in files.iter().enumerate() {
            objects.extend(crate::k8s::objects_in(i, &f.docs));
            for doc in &f.docs {
                let looks_like_prom = doc.get("scrape_configs").is_some()
                    && doc.get("apiVersion").is_none()
                    && crate::prom::config::others::other_program(doc).is_none();
                if looks_like_prom || (force_prometheus && doc.as_map().is_some()) {
                    prometheus.push((i, doc));
                }
            }
            prometheus.extend(f.embedded.iter().map(|d| (i, d)));
        }
        let workloads = objects
            .iter()
            .filter_map(|o| Workload::from_object(*o))
            .collect();
        Context {
            files,
            objects,
            workloads,
            prometheus,
            kubernetes_version,
            flavor: crate::relabel::Flavor::default(),
            coverage: std::sync::OnceLock::new(),
            granted_roles: std::sync::OnceLock::new(),
            operator: None,
            custom: None,
            rule_ids: registry::all().iter().map(|r| r.meta().id).collect(),
            today: suppress::date::Date::today(),
        }
    }

    pub fn source(&self, file: usize) -> &'a Source {
        &self.files[file].source
    }

    /// The roles the input's bindings give to ServiceAccounts
    /// ([`crate::k8s::rbac::granted_roles`]), computed once per run.
    pub fn granted_roles(&self) -> &[crate::k8s::rbac::GrantedRole<'a>] {
        self.granted_roles
            .get_or_init(|| crate::k8s::rbac::granted_roles(&self.objects, &self.workloads))
    }

    /// How many of `files` are the user's: the generated configs of
    /// prometheus-operator resources follow them.
    pub fn user_files(&self) -> usize {
        self.operator.map_or(self.files.len(), |o| o.first)
    }
}

/// A lint rule. Adding one means: a file under `rules/<group>/`, a line in
/// that group's `RULES`, a fixture `testdata/lint/<id>/{bad,good}.yaml`,
/// and its snapshot.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits};

    fn embedded_in(text: &str) -> usize {
        let source = Source::new("values.yaml", text);
        let docs = load_stream(&source, Limits::default()).unwrap();
        LintFile::new(source, docs).embedded.len()
    }

    /// A config's key spelled with escapes is still found; other escapes
    /// in a file without the name spare the search.
    #[test]
    fn configs_behind_escapes_are_found() {
        for key in [
            r#""\x73crape_configs""#,
            r#""\u0073crape_configs""#,
            r#""\U00000073crape_configs""#,
            // An explicit key may span lines.
            "? \"scrape_\\\n      configs\"\n    ",
        ] {
            let text = format!("serverFiles:\n  prometheus.yml:\n    {key}: []\n");
            assert_eq!(embedded_in(&text), 1, "{text}");
        }
        assert!(!may_escape_letters(br#"pattern: "^\d+\.\d+$" # \t \" \\"#));
        assert_eq!(
            embedded_in("a:\n  b: '^\\d+$'\n  c: \"\\t \\\"x\\\" \\\\\"\n"),
            0
        );
    }
}
