//! Rules of the `prometheus` group: scrape configs and their relabel rules.
mod address_rewrite_ipv6_unsafe;
mod constants;
mod instance_label_constant;
mod job_name_duplicate;
mod labelmap_reserved_target;
mod meta_label_unknown;
mod meta_labels;
mod relabel_config_invalid;
mod relabel_reads_sample_label;
mod relabel_rule_unreachable;
mod replacement_group_undefined;
mod scrape_address_constant;

use miette::Diagnostic;

use crate::diag::Error;
use crate::lint::{Finding, Rule, RuleMeta};
use crate::relabel::{self, Flavor, NameScheme, RuleContext};
use crate::yaml::{Node, NodeKind, Source, Span};

pub const RULES: &[&dyn Rule] = &[
    &relabel_config_invalid::RelabelConfigInvalid,
    &job_name_duplicate::JobNameDuplicate,
    &relabel_rule_unreachable::RelabelRuleUnreachable,
    &labelmap_reserved_target::LabelmapReservedTarget,
    &meta_label_unknown::MetaLabelUnknown,
    &replacement_group_undefined::ReplacementGroupUndefined,
    &relabel_reads_sample_label::RelabelReadsSampleLabel,
    &scrape_address_constant::ScrapeAddressConstant,
    &instance_label_constant::InstanceLabelConstant,
    &address_rewrite_ipv6_unsafe::AddressRewriteIpv6Unsafe,
];

/// Lint imitates the current Prometheus major version.
const FLAVOR: Flavor = Flavor::V3;

/// The scrape configs of a Prometheus config document (non-list values are
/// reported by `relabel-config-invalid`); a document that is itself one
/// scrape config (linted with `--prometheus`) is its only job.
fn jobs(root: &Node) -> &[Node] {
    match root.get("scrape_configs") {
        Some(list) => list.as_seq().unwrap_or(&[]),
        None if root.get("job_name").is_some() => std::slice::from_ref(root),
        None => &[],
    }
}

/// The two relabel lists of a job: (key, value, is `metric_relabel_configs`).
fn relabel_lists(job: &Node) -> impl Iterator<Item = (&'static str, &Node, bool)> {
    [("relabel_configs", false), ("metric_relabel_configs", true)]
        .into_iter()
        .filter_map(move |(key, metric)| job.get(key).map(|v| (key, v, metric)))
}

/// The job's label-name validation scheme: its own setting, else the
/// global one, else the 3.x default (utf8).
fn name_scheme(root: &Node, job: &Node) -> NameScheme {
    let read = |n: Option<&Node>| match n
        .and_then(|n| n.get("metric_name_validation_scheme"))
        .and_then(Node::as_str)
    {
        Some("legacy") => Some(NameScheme::Legacy),
        Some("utf8") => Some(NameScheme::Utf8),
        _ => None,
    };
    read(Some(job))
        .or_else(|| read(root.get("global")))
        .unwrap_or(NameScheme::Utf8)
}

/// One entry of a relabel list with Prometheus's verdict on it alone.
struct Entry<'n> {
    node: &'n Node,
    rule: Result<relabel::Rule, Error>,
}

/// Parses every entry of a relabel list on its own, so that one invalid rule
/// does not hide the others. Returns nothing for a value that is not a list.
fn parse_each<'n>(
    list: &'n Node,
    src: &Source,
    scheme: NameScheme,
    metric: bool,
) -> Vec<Entry<'n>> {
    let ctx = RuleContext {
        source: src,
        flavor: FLAVOR,
        scheme,
        metric,
        root: None,
    };
    list.as_seq()
        .unwrap_or(&[])
        .iter()
        .map(|node| {
            let one = single_list(node);
            let rule = relabel::parse_rules(&one, &ctx)
                .and_then(|mut v| v.pop().ok_or_else(|| Error::plain("empty rule list")));
            Entry { node, rule }
        })
        .collect()
}

/// `[node]`, keeping the node's span so errors point into the file.
fn single_list(node: &Node) -> Node {
    Node {
        span: node.span,
        tag: None,
        kind: NodeKind::Seq(Box::new([node.clone()])),
    }
}

/// Every parsed rule of every relabel list of every job of every config,
/// with what the list-level rules need.
struct RuleList<'a> {
    file: usize,
    metric: bool,
    entries: Vec<Entry<'a>>,
}

fn rule_lists<'a>(ctx: &crate::lint::Context<'a>) -> Vec<RuleList<'a>> {
    let mut out = Vec::new();
    for &(file, root) in &ctx.prometheus {
        let src = ctx.source(file);
        for job in jobs(root) {
            let scheme = name_scheme(root, job);
            for (_, list, metric) in relabel_lists(job) {
                out.push(RuleList {
                    file,
                    metric,
                    entries: parse_each(list, src, scheme, metric),
                });
            }
        }
    }
    out
}

/// A finding from a config-load error: at the error's primary span (or
/// `fallback`), its other spans as related locations, its help kept.
fn error_finding(meta: &RuleMeta, file: usize, fallback: Span, e: &Error) -> Finding {
    let labels: Vec<_> = Diagnostic::labels(e)
        .map(|it| it.collect())
        .unwrap_or_default();
    let span_of = |l: &miette::LabeledSpan| Span::new(l.offset(), l.offset() + l.len());
    let span = labels.first().map_or(fallback, span_of);
    let mut f = Finding::new(meta, file, span, e.message());
    for l in labels.iter().skip(1) {
        f = f.related(file, span_of(l), l.label().unwrap_or(""));
    }
    if let Some(h) = Diagnostic::help(e) {
        f = f.help(h.to_string());
    }
    f
}

/// The literal text a regex matches when it has no metacharacters (after
/// Go's anchoring, such a regex matches exactly that one string).
fn literal_regex(pattern: &str) -> Option<&str> {
    let meta = |c: char| "\\.+*?()|[]{}^$".contains(c);
    (!pattern.is_empty() && !pattern.contains(meta)).then_some(pattern)
}

#[cfg(test)]
mod test_util {
    use crate::lint::{Context, Finding, LintFile, Rule};
    use crate::yaml::{load_stream, Limits, Source};

    /// Runs one rule on a YAML text: (line, message) of each finding.
    pub fn check(rule: &dyn Rule, text: &str) -> Vec<(usize, String)> {
        let source = Source::new("prometheus.yml", text);
        let docs = load_stream(&source, Limits::default()).expect("yaml");
        let files = [LintFile::new(source, docs)];
        let ctx = Context::new(&files, crate::k8s::schema::DEFAULT_VERSION.into(), false);
        let mut out: Vec<Finding> = Vec::new();
        rule.check(&ctx, &mut out);
        let mut v: Vec<(usize, String)> = out
            .iter()
            .map(|f| (files[0].source.line_col(f.span.start).0, f.message.clone()))
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_regexes() {
        assert_eq!(
            literal_regex("__meta_kubernetes_pod_name"),
            Some("__meta_kubernetes_pod_name")
        );
        assert_eq!(literal_regex("a.b"), None);
        assert_eq!(literal_regex("(.+)"), None);
        assert_eq!(literal_regex(""), None);
    }
}
