//! Prometheus configs embedded in other YAML: Helm values
//! (`serverFiles."prometheus.yml"`), custom resources (an OpenTelemetry
//! collector's `receivers.prometheus.config`), and ConfigMaps holding
//! `prometheus.yml` as a literal block string.
//!
//! A block string is parsed in place: every byte outside its content is
//! blanked (newlines kept), so the embedded YAML keeps its indentation and
//! every span is a byte offset into the real file, and findings and errors
//! point at the real lines.

use crate::input::load_yaml;
use crate::yaml::{Node, NodeKind, Source, Style};

/// Nesting searched for configs (Helm values nest a few levels deep).
const MAX_DEPTH: usize = 32;

/// Where a config was found.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// The config's root mapping; its spans are offsets into the file.
    pub root: Node,
    /// Where it sits, e.g. `serverFiles.prometheus.yml`.
    pub path: String,
}

/// Whether a document is itself a Prometheus config (or scrape config);
/// Promtail's, which also has `scrape_configs`, is not.
pub fn is_config(doc: &Node) -> bool {
    doc.get("scrape_configs")
        .is_some_and(|s| s.as_seq().is_some() || s.is_null())
        && doc.get("apiVersion").is_none()
        && crate::prom::config::others::other_program(doc).is_none()
}

/// Every Prometheus config inside `doc` (not `doc` itself).
pub fn find(src: &Source, doc: &Node) -> Vec<Embedded> {
    let mut out = Vec::new();
    walk(src, doc, &mut Vec::new(), 0, &mut out);
    out
}

/// One step of the path to a node: a mapping key or a sequence index.
enum Step<'a> {
    Key(std::borrow::Cow<'a, str>),
    Index(usize),
}

/// `serverFiles.prometheus.yml`, `spec.config[0].x`: formatted only for a
/// config found, since most documents hold none.
fn path_string(steps: &[Step<'_>]) -> String {
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

fn walk<'a>(
    src: &Source,
    node: &'a Node,
    path: &mut Vec<Step<'a>>,
    depth: usize,
    out: &mut Vec<Embedded>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &node.kind {
        NodeKind::Map(entries) => {
            for (k, v) in entries.iter() {
                path.push(Step::Key(k.key_str()));
                if v.as_map().is_some() && is_config(v) {
                    out.push(Embedded {
                        root: without_chart_keys(v),
                        path: path_string(path),
                    });
                } else {
                    walk(src, v, path, depth + 1, out);
                }
                path.pop();
            }
        }
        NodeKind::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(src, v, path, depth + 1, out);
                path.pop();
            }
        }
        NodeKind::Scalar {
            text,
            style: Style::Block,
        } if text.contains("scrape_configs") => {
            let Some(inner) = parse_literal(src, node) else {
                return;
            };
            for doc in &inner {
                if is_config(doc) {
                    out.push(Embedded {
                        root: doc.clone(),
                        path: path_string(path),
                    });
                } else {
                    // The parsed documents live only in this loop: their
                    // keys are not borrowed into `path`.
                    let mut inner_path: Vec<Step<'_>> = path
                        .iter()
                        .map(|s| match s {
                            Step::Key(k) => Step::Key(std::borrow::Cow::Owned(k.to_string())),
                            Step::Index(i) => Step::Index(*i),
                        })
                        .collect();
                    walk(src, doc, &mut inner_path, depth + 1, out);
                }
            }
        }
        NodeKind::Scalar { .. } => {}
    }
}

/// Top-level keys of a Prometheus configuration file.
const CONFIG_KEYS: &[&str] = &[
    "global",
    "runtime",
    "rule_files",
    "scrape_config_files",
    "scrape_configs",
    "alerting",
    "remote_write",
    "remote_read",
    "storage",
    "tracing",
    "otlp",
];

/// A config found as a mapping in Helm values: charts keep their own
/// switches next to it (VictoriaMetrics' `config.useTpl`) and remove them
/// when rendering the file, so only Prometheus's keys are kept.
fn without_chart_keys(config: &Node) -> Node {
    let NodeKind::Map(entries) = &config.kind else {
        return config.clone();
    };
    Node {
        span: config.span,
        tag: config.tag.clone(),
        kind: NodeKind::Map(
            entries
                .iter()
                .filter(|(k, _)| CONFIG_KEYS.contains(&k.key_str().as_ref()))
                .cloned()
                .collect(),
        ),
    }
}

/// Parses a literal block scalar's content in place (see the module doc).
fn parse_literal(src: &Source, node: &Node) -> Option<Vec<Node>> {
    let text = src.text.as_str();
    // The span starts at the content; the header (`key: |`) is the last
    // non-blank line before it.
    let content_start = text
        .get(..node.span.start)?
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let header = text[..content_start]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())?;
    let head = header.split(" #").next()?.trim_end();
    let literal = head.rsplit(' ').next()?.starts_with('|');
    if !literal {
        return None; // folded (`>`) content is rewrapped: not YAML any more
    }
    let content_end = node.span.end.min(text.len()).max(content_start);
    let masked = pad_to_offsets(text, content_start, content_end);
    let inner = Source::new(src.name.clone(), masked);
    load_yaml(&inner).ok()
}

/// Blanks everything outside `start..end` byte for byte.
fn pad_to_offsets(text: &str, start: usize, end: usize) -> String {
    let mut bytes: Vec<u8> = text.as_bytes().to_vec();
    for (i, b) in bytes.iter_mut().enumerate() {
        if !(start..end).contains(&i) && *b != b'\n' {
            *b = b' ';
        }
    }
    // Inside the content the bytes are unchanged, so this is valid UTF-8
    // unless the range splits a character, which block content never does.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configs(text: &str) -> Vec<(String, Vec<String>, usize)> {
        let src = Source::new("f.yaml", text);
        let docs = load_yaml(&src).unwrap();
        docs.iter()
            .flat_map(|d| find(&src, d))
            .map(|e| {
                let jobs = e
                    .root
                    .get("scrape_configs")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]);
                let names = jobs
                    .iter()
                    .filter_map(|j| j.get("job_name").and_then(Node::as_str).map(str::to_string))
                    .collect();
                let line = jobs.first().map_or(0, |j| src.line_col(j.span.start).0);
                (e.path, names, line)
            })
            .collect()
    }

    #[test]
    fn configmap_helm_values_and_custom_resources() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\ndata:\n  prometheus.yml: |\n    global: {}\n    scrape_configs:\n      - job_name: pods\n        kubernetes_sd_configs: [{role: pod}]\n  other: x\n";
        assert_eq!(
            configs(cm),
            [(
                "data.prometheus.yml".to_string(),
                vec!["pods".to_string()],
                8
            )]
        );
        let values = "serverFiles:\n  prometheus.yml:\n    useTpl: false\n    scrape_configs:\n      - job_name: a\n      - job_name: b\n";
        assert_eq!(
            configs(values),
            [(
                "serverFiles.prometheus.yml".to_string(),
                vec!["a".to_string(), "b".to_string()],
                5
            )]
        );
        let otel = "kind: OpenTelemetryCollector\nspec:\n  config: |\n    receivers:\n      prometheus:\n        config:\n          scrape_configs:\n            - job_name: x # é\n";
        assert_eq!(
            configs(otel),
            [(
                "spec.config.receivers.prometheus.config".to_string(),
                vec!["x".to_string()],
                8
            )]
        );
        assert!(configs("a: {b: 'scrape_configs'}\nc: >\n  scrape_configs: []\n").is_empty());
    }
}
