//! Prometheus configuration as relabel-sim needs it: the global defaults and
//! each scrape job's relabeling, target defaults and discovery settings.
//! Decoding is strict like Prometheus's (unknown fields are errors), and every
//! error points at the offending YAML node.

use crate::decode::{Decoder, Dialect};
use crate::diag::{Error, Result};
use crate::k8s_sd::{AttachMetadata, Role, RoleSelector, SdConfig};
use crate::relabel::{parse_rules, Flavor, NameScheme, Rule, RuleContext};
use crate::yaml::{Node, NodeKind, Source, Span};

use super::duration;

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

const SCRAPE_FIELDS: &[&str] = &[
    "job_name",
    "honor_labels",
    "honor_timestamps",
    "track_timestamps_staleness",
    "params",
    "scrape_interval",
    "scrape_timeout",
    "scrape_protocols",
    "fallback_scrape_protocol",
    "scrape_native_histograms",
    "always_scrape_classic_histograms",
    "convert_classic_histograms_to_nhcb",
    "scrape_failure_log_file",
    "metrics_path",
    "scheme",
    "enable_compression",
    "body_size_limit",
    "sample_limit",
    "target_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "native_histogram_bucket_limit",
    "native_histogram_min_bucket_factor",
    "keep_dropped_targets",
    "metric_name_validation_scheme",
    "metric_name_escaping_scheme",
    "extra_scrape_metrics",
    "relabel_configs",
    "metric_relabel_configs",
    "static_configs",
    // HTTP client settings (inlined in Prometheus's ScrapeConfig).
    "basic_auth",
    "authorization",
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "tls_config",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "proxy_connect_header",
    "follow_redirects",
    "enable_http2",
    "http_headers",
];

const KUBERNETES_SD_FIELDS: &[&str] = &[
    "api_server",
    "role",
    "kubeconfig_file",
    "namespaces",
    "selectors",
    "attach_metadata",
    "basic_auth",
    "authorization",
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "tls_config",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "proxy_connect_header",
    "follow_redirects",
    "enable_http2",
    "http_headers",
];

struct Ctx<'a> {
    src: &'a Source,
    flavor: Flavor,
}

impl Ctx<'_> {
    fn err(&self, span: Span, msg: impl Into<String>, label: &str) -> Error {
        Error::at(self.src, span, msg, label)
    }

    fn d(&self) -> Decoder<'_> {
        Decoder::new(self.src, Dialect::Go)
    }

    /// Rejects keys outside `allowed`, as Go's strict YAML decoding does.
    fn check_fields(&self, node: &Node, allowed: &[&str], go_type: &str) -> Result<()> {
        // A scrape config may name any discovery mechanism.
        let sd = go_type == "config.ScrapeConfig";
        self.d()
            .mapping_where(node, go_type, allowed, |k| sd && k.ends_with("_sd_configs"))
            .map(drop)
    }

    fn string(&self, node: &Node) -> Result<String> {
        self.d().string(node, "string")
    }

    fn opt_string(&self, parent: &Node, key: &str) -> Result<Option<String>> {
        parent.get(key).map(|n| self.string(n)).transpose()
    }

    fn opt_bool(&self, parent: &Node, key: &str) -> Result<Option<bool>> {
        match parent.get(key) {
            Some(n) => self.d().bool(n, "bool"),
            None => Ok(None),
        }
    }

    fn duration(&self, parent: &Node, key: &str) -> Result<Option<u64>> {
        let Some(node) = parent.get(key) else {
            return Ok(None);
        };
        if node.is_null() {
            return Ok(None);
        }
        let text = self.string(node)?;
        duration::parse(&text, self.flavor)
            .map(Some)
            .map_err(|e| self.err(node.span, e, "invalid duration"))
    }

    fn string_list(&self, node: &Node, go_type: &str) -> Result<Vec<String>> {
        self.d().strings(node, go_type, "string")
    }
}

/// Reads `--config`: a prometheus.yml, one scrape config, a list of scrape
/// configs, or a bare list of relabel rules.
pub fn parse_config(src: &Source, root: &Node, flavor: Flavor) -> Result<ConfigInput> {
    let ctx = Ctx { src, flavor };
    match &root.kind {
        NodeKind::Map(_) if root.get("job_name").is_some() => {
            let global = default_global(flavor);
            let job = parse_job(&ctx, root, &global)?;
            Ok(ConfigInput::Jobs(vec![job]))
        }
        NodeKind::Map(_)
            if root.get("relabel_configs").is_some()
                && root.get("scrape_configs").is_none()
                && root.get("global").is_none() =>
        {
            let rules = parse_rules(
                root.get("relabel_configs").unwrap_or(root),
                &RuleContext {
                    source: src,
                    flavor,
                    scheme: default_global(flavor).scheme,
                    metric: false,
                },
            )?;
            Ok(ConfigInput::Rules(rules))
        }
        NodeKind::Map(_) => parse_full(&ctx, root).map(ConfigInput::Jobs),
        NodeKind::Seq(items) => {
            let is_jobs = items.iter().any(|i| i.get("job_name").is_some());
            if is_jobs {
                let global = default_global(flavor);
                let jobs = items
                    .iter()
                    .map(|i| parse_job(&ctx, i, &global))
                    .collect::<Result<Vec<_>>>()?;
                check_unique(&ctx, &jobs)?;
                Ok(ConfigInput::Jobs(jobs))
            } else {
                let rules = parse_rules(
                    root,
                    &RuleContext {
                        source: src,
                        flavor,
                        scheme: default_global(flavor).scheme,
                        metric: false,
                    },
                )?;
                Ok(ConfigInput::Rules(rules))
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

fn name_scheme(ctx: &Ctx<'_>, parent: &Node, default: NameScheme) -> Result<Option<NameScheme>> {
    let Some(node) = parent.get("metric_name_validation_scheme") else {
        return Ok(None);
    };
    match ctx.string(node)?.as_str() {
        "" => Ok(None),
        "utf8" => Ok(Some(NameScheme::Utf8)),
        "legacy" => Ok(Some(NameScheme::Legacy)),
        other => Err(ctx.err(
            node.span,
            format!("unknown name validation method specified, must be either '', 'legacy' or 'utf8', got {other}"),
            "invalid scheme",
        )),
    }
    .map(|s| match ctx.flavor {
        Flavor::V2 => Some(default),
        Flavor::V3 => s,
    })
}

fn parse_global(ctx: &Ctx<'_>, node: Option<&Node>) -> Result<Global> {
    let mut g = default_global(ctx.flavor);
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Ok(g);
    };
    ctx.check_fields(node, GLOBAL_FIELDS, "config.GlobalConfig")?;
    let interval = ctx.duration(node, "scrape_interval")?.filter(|d| *d != 0);
    let timeout = ctx.duration(node, "scrape_timeout")?.filter(|d| *d != 0);
    let interval = interval.unwrap_or(g.scrape_interval);
    if let Some(t) = timeout {
        if t > interval {
            let span = node.get("scrape_timeout").map_or(node.span, |n| n.span);
            return Err(ctx.err(
                span,
                "global scrape timeout greater than scrape interval",
                "greater than scrape_interval",
            ));
        }
    }
    g.scrape_timeout = timeout.unwrap_or(g.scrape_timeout.min(interval));
    g.scrape_interval = interval;
    if let Some(s) = name_scheme(ctx, node, g.scheme)? {
        g.scheme = s;
    }
    if let Some(b) = ctx.opt_bool(node, "scrape_native_histograms")? {
        g.scrape_native_histograms = b;
    }
    if let Some(b) = ctx.opt_bool(node, "convert_classic_histograms_to_nhcb")? {
        g.convert_classic_histograms_to_nhcb = b;
    }
    if let Some(b) = ctx.opt_bool(node, "always_scrape_classic_histograms")? {
        g.always_scrape_classic_histograms = b;
    }
    Ok(g)
}

fn parse_full(ctx: &Ctx<'_>, root: &Node) -> Result<Vec<ScrapeJob>> {
    ctx.check_fields(root, TOP_LEVEL, "config.plain")?;
    let global = parse_global(ctx, root.get("global"))?;
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
    let jobs = items
        .iter()
        .map(|i| parse_job(ctx, i, &global))
        .collect::<Result<Vec<_>>>()?;
    check_unique(ctx, &jobs)?;
    Ok(jobs)
}

fn check_unique(ctx: &Ctx<'_>, jobs: &[ScrapeJob]) -> Result<()> {
    for (i, job) in jobs.iter().enumerate() {
        if let Some(first) = jobs[..i].iter().find(|j| j.name == job.name) {
            return Err(ctx
                .err(
                    job.span,
                    format!("found multiple scrape configs with job name {:?}", job.name),
                    "duplicate job",
                )
                .with_label(first.span, "first defined here"));
        }
    }
    Ok(())
}

fn parse_job(ctx: &Ctx<'_>, node: &Node, global: &Global) -> Result<ScrapeJob> {
    if node.is_null() {
        return Err(ctx.err(node.span, "empty or null scrape config section", "empty"));
    }
    ctx.check_fields(node, SCRAPE_FIELDS, "config.ScrapeConfig")?;
    let name = ctx.opt_string(node, "job_name")?.unwrap_or_default();
    let interval = ctx
        .duration(node, "scrape_interval")?
        .filter(|d| *d != 0)
        .unwrap_or(global.scrape_interval);
    let timeout = ctx.duration(node, "scrape_timeout")?.filter(|d| *d != 0);
    if let Some(t) = timeout {
        if t > interval {
            let span = node.get("scrape_timeout").map_or(node.span, |n| n.span);
            return Err(ctx.err(
                span,
                format!("scrape timeout greater than scrape interval for scrape config with job name {name:?}"),
                "greater than scrape_interval",
            ));
        }
    }
    let timeout = timeout.unwrap_or(global.scrape_timeout.min(interval));
    let scheme = name_scheme(ctx, node, global.scheme)?.unwrap_or(global.scheme);
    let rule_ctx = |metric| RuleContext {
        source: ctx.src,
        flavor: ctx.flavor,
        scheme,
        metric,
    };
    let relabel = match node.get("relabel_configs") {
        Some(n) => parse_rules(n, &rule_ctx(false))?,
        None => Vec::new(),
    };
    let metric_relabel = match node.get("metric_relabel_configs") {
        Some(n) => parse_rules(n, &rule_ctx(true))?,
        None => Vec::new(),
    };
    let mut params = Vec::new();
    if let Some(p) = node.get("params").filter(|n| !n.is_null()) {
        let Some(entries) = p.as_map() else {
            return Err(ctx
                .d()
                .mismatch(p, "url.Values", "expected a mapping of lists"));
        };
        for (k, v) in entries {
            params.push((k.key_string(), ctx.string_list(v, "[]string")?));
        }
        params.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let mut job = ScrapeJob {
        span: node.get("job_name").map_or(node.span, |n| n.span),
        line: ctx.src.line_col(node.span.start).0,
        origin: None,
        name,
        scrape_interval: interval,
        scrape_timeout: timeout,
        // Like Go's decoder, an explicit empty or null value replaces the
        // default (the label then disappears); only an absent key keeps it.
        metrics_path: ctx
            .opt_string(node, "metrics_path")?
            .unwrap_or_else(|| "/metrics".into()),
        scheme: ctx
            .opt_string(node, "scheme")?
            .unwrap_or_else(|| "http".into()),
        params,
        relabel,
        metric_relabel,
        honor_labels: ctx.opt_bool(node, "honor_labels")?.unwrap_or(false),
        kubernetes_sd: Vec::new(),
        static_groups: Vec::new(),
        file_sd_files: Vec::new(),
        other_sd: Vec::new(),
        scrape_native_histograms: ctx
            .opt_bool(node, "scrape_native_histograms")?
            .unwrap_or(global.scrape_native_histograms),
        convert_classic_histograms_to_nhcb: ctx
            .opt_bool(node, "convert_classic_histograms_to_nhcb")?
            .unwrap_or(global.convert_classic_histograms_to_nhcb),
        always_scrape_classic_histograms: ctx
            .opt_bool(node, "always_scrape_classic_histograms")?
            .unwrap_or(global.always_scrape_classic_histograms),
        defaults_v2: Vec::new(),
        defaults_v3: Vec::new(),
        param_labels: Vec::new(),
    };
    parse_discovery(ctx, node, &mut job)?;
    // Prometheus decodes every field (and so rejects a bad SD role) before
    // it checks the job name.
    if job.name.is_empty() {
        return Err(ctx.err(node.span, "job_name is empty", "missing job_name"));
    }
    job.defaults_v2 = scrape_defaults(&job, Flavor::V2);
    job.defaults_v3 = scrape_defaults(&job, Flavor::V3);
    job.param_labels = job
        .params
        .iter()
        .filter_map(|(k, v)| Some((format!("__param_{k}"), v.first()?.clone())))
        .collect();
    Ok(job)
}

/// The labels `PopulateDiscoveredLabels` adds when absent, in its order.
fn scrape_defaults(job: &ScrapeJob, flavor: Flavor) -> Vec<(&'static str, String)> {
    let mut d = vec![
        ("job", job.name.clone()),
        ("__scrape_interval__", duration::format(job.scrape_interval)),
        ("__scrape_timeout__", duration::format(job.scrape_timeout)),
        ("__metrics_path__", job.metrics_path.clone()),
        ("__scheme__", job.scheme.clone()),
    ];
    if flavor == Flavor::V3 {
        d.push((
            "__convert_classic_histograms_to_nhcb__",
            job.convert_classic_histograms_to_nhcb.to_string(),
        ));
        d.push((
            "__always_scrape_classic_histograms__",
            job.always_scrape_classic_histograms.to_string(),
        ));
        d.push((
            "__scrape_native_histograms__",
            job.scrape_native_histograms.to_string(),
        ));
    }
    d
}

fn seq_items<'n>(ctx: &Ctx<'_>, node: &'n Node, go_type: &str) -> Result<&'n [Node]> {
    ctx.d().seq(node, go_type)
}

fn parse_discovery(ctx: &Ctx<'_>, node: &Node, job: &mut ScrapeJob) -> Result<()> {
    for (k, v) in node.as_map().unwrap_or(&[]) {
        let key = k.key_string();
        match key.as_str() {
            "static_configs" => {
                for item in seq_items(ctx, v, "[]*targetgroup.Group")? {
                    ctx.check_fields(item, &["targets", "labels"], "targetgroup.Group")?;
                    let targets = match item.get("targets") {
                        Some(t) => ctx.string_list(t, "[]string")?,
                        None => Vec::new(),
                    };
                    let mut labels = Vec::new();
                    if let Some(l) = item.get("labels").filter(|n| !n.is_null()) {
                        for (lk, lv) in ctx.d().map(l, "model.LabelSet")? {
                            labels.push((lk.key_string(), ctx.string(lv)?));
                        }
                    }
                    if job.relabel.is_empty() {
                        if let Some(bad) = targets.iter().position(|t| t.contains('/')) {
                            let span = item
                                .get("targets")
                                .and_then(|t| t.as_seq())
                                .and_then(|s| s.get(bad))
                                .map_or(item.span, |n| n.span);
                            return Err(ctx.err(
                                span,
                                format!("{:?} is not a valid hostname", targets[bad]),
                                "contains '/'",
                            ));
                        }
                    }
                    job.static_groups.push(StaticGroup { labels, targets });
                }
            }
            "file_sd_configs" => {
                for item in seq_items(ctx, v, "[]*file.SDConfig")? {
                    ctx.check_fields(item, &["files", "refresh_interval"], "file.SDConfig")?;
                    if let Some(f) = item.get("files") {
                        job.file_sd_files.extend(ctx.string_list(f, "[]string")?);
                    }
                }
            }
            "kubernetes_sd_configs" => {
                for item in seq_items(ctx, v, "[]*kubernetes.SDConfig")? {
                    job.kubernetes_sd.push(parse_kubernetes_sd(ctx, item)?);
                }
            }
            other if other.ends_with("_sd_configs") => job.other_sd.push(other.to_string()),
            _ => {}
        }
    }
    Ok(())
}

fn parse_kubernetes_sd(ctx: &Ctx<'_>, node: &Node) -> Result<KubernetesSd> {
    ctx.check_fields(node, KUBERNETES_SD_FIELDS, "kubernetes.plain")?;
    let role_node = node.get("role");
    let role_name = ctx.opt_string(node, "role")?.unwrap_or_default();
    let Some(role) = Role::parse(&role_name) else {
        let span = role_node.map_or(node.span, |n| n.span);
        let msg = if role_name.is_empty() {
            "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)"
                .to_string()
        } else {
            format!("unknown Kubernetes SD role {role_name:?}")
        };
        let error = ctx.err(span, msg, "invalid role");
        return Err(
            match crate::suggest::closest(&role_name, Role::ALL.map(|r| r.as_str())) {
                Some(r) => error.with_help(crate::suggest::did_you_mean(r)),
                None => error,
            },
        );
    };
    let mut sd = KubernetesSd {
        span: node.span,
        own_namespace: false,
        config: SdConfig::new(role),
    };
    let api_server = node.get("api_server").is_some_and(|n| !n.is_null());
    let kubeconfig = node.get("kubeconfig_file").is_some_and(|n| !n.is_null());
    if api_server && kubeconfig {
        return Err(ctx.err(
            node.span,
            "cannot use 'kubeconfig_file' and 'api_server' simultaneously",
            "conflicting settings",
        ));
    }
    if let Some(ns) = node.get("namespaces").filter(|n| !n.is_null()) {
        ctx.check_fields(
            ns,
            &["own_namespace", "names"],
            "kubernetes.NamespaceDiscovery",
        )?;
        sd.own_namespace = ctx.opt_bool(ns, "own_namespace")?.unwrap_or(false);
        if let Some(names) = ns.get("names") {
            sd.config.namespaces = ctx.string_list(names, "[]string")?;
        }
        if sd.own_namespace && (api_server || kubeconfig) {
            let which = if api_server {
                "api_server"
            } else {
                "kubeconfig_file"
            };
            return Err(ctx.err(
                ns.span,
                format!("cannot use '{which}' and 'namespaces.own_namespace' simultaneously"),
                "conflicting settings",
            ));
        }
    }
    if let Some(att) = node.get("attach_metadata").filter(|n| !n.is_null()) {
        ctx.check_fields(
            att,
            &["node", "namespace", "deployment", "job", "cronjob"],
            "kubernetes.AttachMetadataConfig",
        )?;
        sd.config.attach_metadata = AttachMetadata {
            node: ctx.opt_bool(att, "node")?.unwrap_or(false),
            namespace: ctx.opt_bool(att, "namespace")?.unwrap_or(false),
            deployment: ctx.opt_bool(att, "deployment")?.unwrap_or(false),
            job: ctx.opt_bool(att, "job")?.unwrap_or(false),
            cronjob: ctx.opt_bool(att, "cronjob")?.unwrap_or(false),
        };
    }
    if let Some(sel) = node.get("selectors") {
        for s in seq_items(ctx, sel, "[]kubernetes.SelectorConfig")? {
            ctx.check_fields(s, &["role", "label", "field"], "kubernetes.SelectorConfig")?;
            let name = ctx.opt_string(s, "role")?.unwrap_or_default();
            let span = s.get("role").map_or(s.span, |n| n.span);
            let Some(role) = Role::parse(&name) else {
                return Err(ctx.err(
                    span,
                    format!("invalid role: {name:?}, expecting one of: pod, service, endpoints, endpointslice, node or ingress"),
                    "invalid role",
                ));
            };
            if sd.config.selectors.iter().any(|r| r.role == role) {
                return Err(ctx.err(
                    span,
                    format!("duplicated selector role: {role}"),
                    "duplicate",
                ));
            }
            let allowed = sd.config.role.allowed_selector_roles();
            if !allowed.contains(&role) {
                let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
                return Err(ctx.err(
                    span,
                    format!(
                        "{} role supports only {} selectors",
                        sd.config.role,
                        names.join(", ")
                    ),
                    "not allowed for this role",
                ));
            }
            let label = ctx.opt_string(s, "label")?.filter(|s| !s.is_empty());
            let field = ctx.opt_string(s, "field")?.filter(|s| !s.is_empty());
            if let (Some(f), Some(n)) = (&field, s.get("field")) {
                crate::k8s_sd::parse_field_selector(f)
                    .map_err(|e| ctx.err(n.span, e, "invalid field selector"))?;
            }
            if let (Some(l), Some(n)) = (&label, s.get("label")) {
                crate::k8s_sd::parse_label_selector(l)
                    .map_err(|e| ctx.err(n.span, e, "invalid label selector"))?;
            }
            sd.config
                .selectors
                .push(RoleSelector { role, label, field });
        }
    }
    Ok(sd)
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

    #[test]
    fn bare_rule_lists() {
        let ConfigInput::Rules(rules) = parse("- action: keep\n  source_labels: [a]\n").unwrap()
        else {
            panic!("rules")
        };
        assert_eq!(rules.len(), 1);
    }
}
