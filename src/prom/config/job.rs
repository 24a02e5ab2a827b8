//! One scrape config: its fields, defaults and relabel rules.

use super::sd::parse_discovery;
use super::{duration, name_scheme, Ctx, Global, ScrapeJob};
use crate::relabel::Flavor;
use crate::yaml::Node;

pub(super) const SCRAPE_FIELDS: &[&str] = &[
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

/// The job at `node`, or `None` when it cannot be read at all; its errors
/// are recorded in `ctx`.
pub(super) fn parse_job(ctx: &Ctx<'_>, node: &Node, global: &Global) -> Option<ScrapeJob> {
    if node.is_null() {
        ctx.report(ctx.err(node.span, "empty or null scrape config section", "empty"));
        return None;
    }
    if !ctx.check_fields(node, SCRAPE_FIELDS, "config.ScrapeConfig") {
        return None;
    }
    let name = ctx.opt_string(node, "job_name").unwrap_or_default();
    let interval = ctx
        .duration(node, "scrape_interval")
        .filter(|d| *d != 0)
        .unwrap_or(global.scrape_interval);
    let timeout = ctx.duration(node, "scrape_timeout").filter(|d| *d != 0);
    if let Some(t) = timeout {
        if t > interval {
            let span = node.get("scrape_timeout").map_or(node.span, |n| n.span);
            ctx.report(ctx.err(
                span,
                format!("scrape timeout greater than scrape interval for scrape config with job name {name:?}"),
                "greater than scrape_interval",
            ));
        }
    }
    let timeout = timeout.unwrap_or(global.scrape_timeout.min(interval));
    let scheme = name_scheme(ctx, node, global.scheme).unwrap_or(global.scheme);
    let relabel = ctx.rules(node.get("relabel_configs"), scheme, false);
    let metric_relabel = ctx.rules(node.get("metric_relabel_configs"), scheme, true);
    let mut params = Vec::new();
    if let Some(p) = node.get("params").filter(|n| !n.is_null()) {
        match p.as_map() {
            Some(entries) => {
                for (k, v) in entries {
                    let values = ctx.string_list(v, "[]string").unwrap_or_default();
                    params.push((k.key_string(), values));
                }
                params.sort_by(|a, b| a.0.cmp(&b.0));
            }
            None => ctx.report(
                ctx.d()
                    .mismatch(p, "url.Values", "expected a mapping of lists"),
            ),
        }
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
            .opt_string(node, "metrics_path")
            .unwrap_or_else(|| "/metrics".into()),
        scheme: ctx
            .opt_string(node, "scheme")
            .unwrap_or_else(|| "http".into()),
        params,
        relabel,
        metric_relabel,
        honor_labels: ctx.opt_bool(node, "honor_labels").unwrap_or(false),
        kubernetes_sd: Vec::new(),
        static_groups: Vec::new(),
        file_sd_files: Vec::new(),
        other_sd: Vec::new(),
        scrape_native_histograms: ctx
            .opt_bool(node, "scrape_native_histograms")
            .unwrap_or(global.scrape_native_histograms),
        convert_classic_histograms_to_nhcb: ctx
            .opt_bool(node, "convert_classic_histograms_to_nhcb")
            .unwrap_or(global.convert_classic_histograms_to_nhcb),
        always_scrape_classic_histograms: ctx
            .opt_bool(node, "always_scrape_classic_histograms")
            .unwrap_or(global.always_scrape_classic_histograms),
        defaults_v2: Vec::new(),
        defaults_v3: Vec::new(),
        param_labels: Vec::new(),
    };
    parse_discovery(ctx, node, &mut job);
    // Prometheus decodes every field (and so rejects a bad SD role) before
    // it checks the job name.
    if job.name.is_empty() {
        ctx.report(ctx.err(node.span, "job_name is empty", "missing job_name"));
        return None;
    }
    job.defaults_v2 = scrape_defaults(&job, Flavor::V2);
    job.defaults_v3 = scrape_defaults(&job, Flavor::V3);
    job.param_labels = job
        .params
        .iter()
        .filter_map(|(k, v)| Some((format!("__param_{k}"), v.first()?.clone())))
        .collect();
    Some(job)
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
