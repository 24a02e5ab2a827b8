//! Prometheus configuration as relabel-sim needs it: the global defaults and
//! each scrape job's relabeling, target defaults and discovery settings.
//! Decoding is strict like Prometheus's (unknown fields are errors), and every
//! error points at the offending YAML node.

use crate::decode::{Decoder, Dialect};
use crate::diag::{Error, Result};
use crate::k8s_sd::SdConfig;
use crate::relabel::{parse_rules_each, Flavor, NameScheme, Rule, RuleContext};
use crate::yaml::{Node, NodeKind, Source, Span};

use std::cell::RefCell;

use super::duration;

pub mod files;
mod job;
pub mod others;
mod outside;
mod sd;
pub mod versions;

pub use outside::RemoteWrite;

use versions::Section;

use job::parse_job;

/// What `--config` contained.
#[derive(Debug)]
pub enum ConfigInput {
    /// A full prometheus.yml, or one or more scrape configs.
    Jobs(Vec<ScrapeJob>),
    /// A bare list of relabel rules.
    Rules(Vec<Rule>),
}

#[derive(Debug, Clone)]
pub struct Global {
    pub scrape_interval: u64,
    pub scrape_timeout: u64,
    pub scheme: NameScheme,
    pub scrape_native_histograms: bool,
    pub convert_classic_histograms_to_nhcb: bool,
    pub always_scrape_classic_histograms: bool,
}

/// A `kubernetes_sd_configs` entry.
#[derive(Debug, Clone)]
pub struct KubernetesSd {
    pub span: Span,
    /// `namespaces.own_namespace`, which cannot be known offline.
    pub own_namespace: bool,
    /// What discovery reads: role, namespaces, attach_metadata, selectors.
    pub config: SdConfig,
}

/// A target group from `static_configs`.
#[derive(Debug, Clone)]
pub struct StaticGroup {
    pub labels: Vec<(String, String)>,
    pub targets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ScrapeJob {
    pub name: String,
    pub span: Span,
    pub line: usize,
    /// Where a generated job came from: the monitor (or its endpoint) it
    /// was generated for; `line` is then that place's line.
    pub origin: Option<std::sync::Arc<crate::relabel::Origin>>,
    pub scrape_interval: u64,
    pub scrape_timeout: u64,
    pub metrics_path: String,
    pub scheme: String,
    /// Sorted by key.
    pub params: Vec<(String, Vec<String>)>,
    pub relabel: Vec<Rule>,
    pub metric_relabel: Vec<Rule>,
    /// Exposed labels win over target labels on scraped samples.
    pub honor_labels: bool,
    pub kubernetes_sd: Vec<KubernetesSd>,
    pub static_groups: Vec<StaticGroup>,
    pub file_sd_files: Vec<String>,
    /// Other `*_sd_configs` present (they cannot be simulated offline).
    pub other_sd: Vec<String>,
    pub scrape_native_histograms: bool,
    pub convert_classic_histograms_to_nhcb: bool,
    pub always_scrape_classic_histograms: bool,
    /// Scrape-default labels for each Prometheus version, computed once.
    pub defaults_v2: Vec<(&'static str, String)>,
    pub defaults_v3: Vec<(&'static str, String)>,
    /// `__param_<key>` and the first value of each non-empty `params` entry.
    pub param_labels: Vec<(String, String)>,
}

const TOP_LEVEL: &[&str] = &[
    "global",
    "runtime",
    "alerting",
    "rule_files",
    "scrape_config_files",
    "scrape_configs",
    "storage",
    "tracing",
    "remote_write",
    "remote_read",
    "otlp",
];

const GLOBAL_FIELDS: &[&str] = &[
    "scrape_interval",
    "scrape_timeout",
    "scrape_protocols",
    "evaluation_interval",
    "rule_query_offset",
    "query_log_file",
    "scrape_failure_log_file",
    "external_labels",
    "body_size_limit",
    "sample_limit",
    "target_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "keep_dropped_targets",
    "metric_name_validation_scheme",
    "metric_name_escaping_scheme",
    "scrape_native_histograms",
    "convert_classic_histograms_to_nhcb",
    "always_scrape_classic_histograms",
    "extra_scrape_metrics",
];

/// What [`parse_config`] and its parts share: the source, the version read
/// for, and every independent error found so far (a config is read to its
/// end, so that one run shows all its mistakes).
struct Ctx<'a> {
    src: &'a Source,
    root: &'a Node,
    flavor: Flavor,
    errors: RefCell<Vec<Error>>,
}

impl Ctx<'_> {
    fn err(&self, span: Span, msg: impl Into<String>, label: &str) -> Error {
        Error::at(self.src, span, msg, label)
    }

    fn d(&self) -> Decoder<'_> {
        Decoder::new(self.src, Dialect::Go).within(Some(self.root))
    }

    /// Records an error; reading goes on.
    fn report(&self, e: Error) {
        self.errors.borrow_mut().push(e);
    }

    /// The value, or `None` with its error recorded.
    fn ok<T>(&self, r: Result<T>) -> Option<T> {
        r.map_err(|e| self.report(e)).ok()
    }

    /// Records a key outside `allowed` (each, as Go's strict YAML decoding
    /// lists them all); false when `node` is not a mapping at all. The
    /// global and scrape sections hold the fields of the version read for.
    fn check_fields(&self, node: &Node, allowed: &[&str], go_type: &str) -> bool {
        let Some(entries) = self.ok(self.d().map(node, go_type)) else {
            return false;
        };
        let section = match go_type {
            "config.GlobalConfig" => Some(Section::Global),
            "config.ScrapeConfig" => Some(Section::Scrape),
            _ => None,
        };
        for (k, _) in entries {
            let name = k.key_str();
            let known = match section {
                Some(s) => versions::knows(self.flavor, s, allowed, &name),
                None => allowed.contains(&&*name),
            };
            // A scrape config may name any discovery mechanism.
            if known || (section == Some(Section::Scrape) && name.ends_with("_sd_configs")) {
                continue;
            }
            self.report(self.unknown_field(k, section, allowed, go_type));
        }
        true
    }

    /// An unknown field's error, saying when the field is one of the other
    /// major version's.
    fn unknown_field(
        &self,
        key: &Node,
        section: Option<Section>,
        allowed: &[&str],
        go_type: &str,
    ) -> Error {
        let name = key.key_str();
        let base = self.d().unknown_field(key, go_type, allowed);
        let Some(section) = section else {
            return base;
        };
        let (message, help) = match (self.flavor, versions::added_in_3(section, &name)) {
            (Flavor::V2, Some(v)) => (
                format!("{}: Prometheus {v} added it; 2.x does not know it", base.message()),
                "--prometheus-version 2 reads the config as Prometheus 2.55 does; drop the field or use --prometheus-version 3".to_string(),
            ),
            (Flavor::V3, _) if section == Section::Scrape && name == versions::RENAMED_IN_3.0 => (
                format!("{}: Prometheus 3.0 renamed it", base.message()),
                format!("use `{}` (or --prometheus-version 2)", versions::RENAMED_IN_3.1),
            ),
            _ => return base,
        };
        self.err(key.span, message, "unknown field").with_help(help)
    }

    fn string(&self, node: &Node) -> Result<String> {
        self.d().string(node, "string")
    }

    /// A string field; absent or wrong (recorded) is `None`.
    fn opt_string(&self, parent: &Node, key: &str) -> Option<String> {
        self.ok(parent.get(key).map(|n| self.string(n)).transpose())
            .flatten()
    }

    fn opt_bool(&self, parent: &Node, key: &str) -> Option<bool> {
        let n = parent.get(key)?;
        self.ok(self.d().bool(n, "bool")).flatten()
    }

    fn duration(&self, parent: &Node, key: &str) -> Option<u64> {
        let node = parent.get(key).filter(|n| !n.is_null())?;
        let text = self.ok(self.string(node))?;
        self.ok(duration::parse(&text, self.flavor)
            .map_err(|e| self.err(node.span, e, "invalid duration")))
    }

    fn string_list(&self, node: &Node, go_type: &str) -> Option<Vec<String>> {
        self.ok(self.d().strings(node, go_type, "string"))
    }

    fn rules(&self, list: Option<&Node>, scheme: NameScheme, metric: bool) -> Vec<Rule> {
        let Some(list) = list else {
            return Vec::new();
        };
        let rctx = RuleContext {
            source: self.src,
            flavor: self.flavor,
            scheme,
            metric,
            root: Some(self.root),
        };
        let (rules, errors) = parse_rules_each(list, &rctx);
        errors.into_iter().for_each(|e| self.report(e));
        rules
    }
}

/// Reads `--config`: a prometheus.yml, one scrape config, a list of scrape
/// configs, or a bare list of relabel rules. Every independent error is
/// reported ([`Error::join`]).
pub fn parse_config(src: &Source, root: &Node, flavor: Flavor) -> Result<ConfigInput> {
    let ctx = Ctx {
        src,
        root,
        flavor,
        errors: RefCell::new(Vec::new()),
    };
    let input = read(&ctx, root);
    let mut errors = ctx.errors.into_inner();
    let input = match input {
        Ok(input) => input,
        Err(e) => {
            errors.push(e);
            ConfigInput::Jobs(Vec::new())
        }
    };
    // In file order, as Prometheus's decoder finds them.
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    match Error::join(errors) {
        Some(e) => Err(e),
        None => Ok(input),
    }
}

/// The `remote_write` entries of a full config already validated by
/// [`parse_config`], with their `write_relabel_configs`.
pub fn remote_writes(src: &Source, root: &Node, flavor: Flavor) -> Vec<RemoteWrite> {
    let ctx = Ctx {
        src,
        root,
        flavor,
        errors: RefCell::new(Vec::new()),
    };
    let global = parse_global(&ctx, root.get("global"));
    outside::check(&ctx, root, global.scheme)
}

fn read(ctx: &Ctx<'_>, root: &Node) -> Result<ConfigInput> {
    let default_scheme = default_global(ctx.flavor).scheme;
    match &root.kind {
        NodeKind::Map(_) if root.get("job_name").is_some() => {
            let global = default_global(ctx.flavor);
            Ok(ConfigInput::Jobs(
                parse_job(ctx, root, &global).into_iter().collect(),
            ))
        }
        NodeKind::Map(_)
            if root.get("relabel_configs").is_some()
                && root.get("scrape_configs").is_none()
                && root.get("global").is_none() =>
        {
            let rules = ctx.rules(root.get("relabel_configs"), default_scheme, false);
            Ok(ConfigInput::Rules(rules))
        }
        NodeKind::Map(_) => Ok(ConfigInput::Jobs(parse_full(ctx, root)?)),
        NodeKind::Seq(items) => {
            if items.iter().any(|i| i.get("job_name").is_some()) {
                let global = default_global(ctx.flavor);
                Ok(ConfigInput::Jobs(parse_jobs(ctx, items, &global)))
            } else {
                Ok(ConfigInput::Rules(ctx.rules(
                    Some(root),
                    default_scheme,
                    false,
                )))
            }
        }
        NodeKind::Scalar { .. } => Err(ctx.err(
            root.span,
            "expected a Prometheus config, a scrape config, or a list of relabel rules",
            "not a mapping or a list",
        )),
    }
}

fn default_global(flavor: Flavor) -> Global {
    Global {
        scrape_interval: 60_000,
        scrape_timeout: 10_000,
        scheme: flavor.label_scheme(),
        scrape_native_histograms: false,
        convert_classic_histograms_to_nhcb: false,
        always_scrape_classic_histograms: false,
    }
}

/// `metric_name_validation_scheme` of a job or `global`, if set (2.x
/// always validates as `default`).
fn name_scheme(ctx: &Ctx<'_>, parent: &Node, default: NameScheme) -> Option<NameScheme> {
    let node = parent.get("metric_name_validation_scheme")?;
    let scheme = match ctx.ok(ctx.string(node))?.as_str() {
        "" => None,
        "utf8" => Some(NameScheme::Utf8),
        "legacy" => Some(NameScheme::Legacy),
        other => {
            ctx.report(ctx.err(
                node.span,
                format!("unknown name validation method specified, must be either '', 'legacy' or 'utf8', got {other}"),
                "invalid scheme",
            ));
            None
        }
    };
    match ctx.flavor {
        Flavor::V2 => Some(default),
        Flavor::V3 => scheme,
    }
}

fn parse_global(ctx: &Ctx<'_>, node: Option<&Node>) -> Global {
    let mut g = default_global(ctx.flavor);
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return g;
    };
    if !ctx.check_fields(node, GLOBAL_FIELDS, "config.GlobalConfig") {
        return g;
    }
    let interval = ctx.duration(node, "scrape_interval").filter(|d| *d != 0);
    let timeout = ctx.duration(node, "scrape_timeout").filter(|d| *d != 0);
    let interval = interval.unwrap_or(g.scrape_interval);
    if let Some(t) = timeout {
        if t > interval {
            let span = node.get("scrape_timeout").map_or(node.span, |n| n.span);
            ctx.report(ctx.err(
                span,
                "global scrape timeout greater than scrape interval",
                "greater than scrape_interval",
            ));
        }
    }
    g.scrape_timeout = timeout.unwrap_or(g.scrape_timeout.min(interval));
    g.scrape_interval = interval;
    if let Some(s) = name_scheme(ctx, node, g.scheme) {
        g.scheme = s;
    }
    if let Some(b) = ctx.opt_bool(node, "scrape_native_histograms") {
        g.scrape_native_histograms = b;
    }
    if let Some(b) = ctx.opt_bool(node, "convert_classic_histograms_to_nhcb") {
        g.convert_classic_histograms_to_nhcb = b;
    }
    if let Some(b) = ctx.opt_bool(node, "always_scrape_classic_histograms") {
        g.always_scrape_classic_histograms = b;
    }
    g
}

fn parse_full(ctx: &Ctx<'_>, root: &Node) -> Result<Vec<ScrapeJob>> {
    ctx.check_fields(root, TOP_LEVEL, "config.plain");
    let global = parse_global(ctx, root.get("global"));
    outside::check(ctx, root, global.scheme);
    files::check(ctx, root);
    let Some(list) = root.get("scrape_configs").filter(|n| !n.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(items) = list.as_seq() else {
        return Err(ctx.d().mismatch(
            list,
            "[]*config.ScrapeConfig",
            "expected a list of scrape configs",
        ));
    };
    Ok(parse_jobs(ctx, items, &global))
}

/// The jobs that could be read (each job's errors are recorded), and an
/// error per repeated job name.
fn parse_jobs(ctx: &Ctx<'_>, items: &[Node], global: &Global) -> Vec<ScrapeJob> {
    let jobs: Vec<ScrapeJob> = items
        .iter()
        .filter_map(|i| parse_job(ctx, i, global))
        .collect();
    check_unique(ctx, &jobs);
    jobs
}

/// The message of a repeated job name, Prometheus's words.
pub const DUPLICATE_JOB: &str = "found multiple scrape configs with job name";

fn check_unique(ctx: &Ctx<'_>, jobs: &[ScrapeJob]) {
    for (i, job) in jobs.iter().enumerate() {
        if let Some(first) = jobs[..i].iter().find(|j| j.name == job.name) {
            ctx.report(
                ctx.err(
                    job.span,
                    format!("{DUPLICATE_JOB} {:?}", job.name),
                    "duplicate job",
                )
                .with_label(first.span, "first defined here"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits};

    fn parse(text: &str) -> Result<ConfigInput> {
        let src = Source::new("p.yml", text);
        let docs = load_stream(&src, Limits::default()).expect("yaml");
        parse_config(&src, &docs[0], Flavor::V3)
    }

    #[test]
    fn defaults_follow_global() {
        let ConfigInput::Jobs(jobs) = parse(
            "global: {scrape_interval: 15s}\nscrape_configs:\n- job_name: a\n- job_name: b\n  scrape_interval: 5s\n",
        )
        .unwrap() else {
            panic!("jobs")
        };
        assert_eq!(jobs[0].scrape_interval, 15_000);
        assert_eq!(jobs[0].scrape_timeout, 10_000);
        assert_eq!(jobs[1].scrape_timeout, 5_000);
        assert_eq!(jobs[1].metrics_path, "/metrics");
    }

    #[test]
    fn unknown_fields_and_duplicates_are_errors() {
        let e = parse("scrape_configs:\n- job_name: a\n  relabel_config: []\n").unwrap_err();
        assert!(e.message().contains("field relabel_config not found"));
        let e = parse("scrape_configs:\n- job_name: a\n- job_name: a\n").unwrap_err();
        assert!(e.message().contains("multiple scrape configs"));
        let e =
            parse("scrape_configs:\n- job_name: a\n  scrape_interval: 5s\n  scrape_timeout: 10s\n")
                .unwrap_err();
        assert!(e.message().contains("scrape timeout greater"));
    }

    /// (place, message) of each error of `testdata/errors/<name>`.
    fn errors_of(name: &str) -> Vec<(String, String)> {
        let text = testdata(name);
        parse(&text)
            .unwrap_err()
            .each()
            .map(|e| (e.location().unwrap_or_default(), e.message().to_string()))
            .collect()
    }

    fn testdata(name: &str) -> String {
        let path = format!("{}/testdata/errors/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).expect("testdata")
    }

    /// A timeout over the interval hides neither a mis-indented list in
    /// the same job nor the errors of the next job.
    #[test]
    fn every_independent_error_is_reported() {
        let got = errors_of("several-errors.yml");
        let lines: Vec<&str> = got.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            lines,
            [
                "p.yml:4:21",
                "p.yml:7:9",
                "p.yml:12:15",
                "p.yml:14:17",
                "p.yml:16:9"
            ],
            "{got:?}"
        );
        assert!(got[0].1.starts_with("scrape timeout greater"), "{got:?}");
    }

    /// Rules outside scrape configs are validated as Prometheus does.
    #[test]
    fn remote_write_and_alerting_rules_are_validated() {
        let got = errors_of("outside-scrape-configs.yml");
        let want = [
            (
                "p.yml:5:7",
                "labeldrop action requires only 'regex', and no other fields",
            ),
            (
                "p.yml:12:18",
                "error parsing regexp: missing closing ): `^(?s:(alertmanager)$`",
            ),
            (
                "p.yml:17:9",
                "relabel configuration for replace action requires 'target_label' value",
            ),
            (
                "p.yml:19:8",
                "empty or null relabeling rule in remote write config",
            ),
            (
                "p.yml:21:11",
                "found multiple remote write configs with job name \"central\"",
            ),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(l, m)| (l.to_string(), m.to_string()))
            .collect();
        assert_eq!(got, want);
        let src = Source::new("p.yml", testdata("outside-scrape-configs.yml"));
        let docs = load_stream(&src, Limits::default()).expect("yaml");
        let writes = remote_writes(&src, &docs[0], Flavor::V3);
        assert_eq!(writes.len(), 2);
        assert_eq!(writes[0].name, "central");
    }

    #[test]
    fn bare_rule_lists() {
        let ConfigInput::Rules(rules) = parse("- action: keep\n  source_labels: [a]\n").unwrap()
        else {
            panic!("rules")
        };
        assert_eq!(rules.len(), 1);
    }
}
