//! Configs of other programs that borrow Prometheus's `scrape_configs`:
//! Promtail (and the `logs` section of Grafana Agent, which is Promtail's),
//! recognised by the keys Prometheus does not have. Their relabel_configs
//! are Prometheus relabeling, so they can be simulated: [`scrape_part`]
//! keeps what Prometheus would read.

use super::job::SCRAPE_FIELDS;
use crate::yaml::{Node, NodeKind};

/// Top-level keys of a Promtail config that Prometheus's has not.
const PROMTAIL_KEYS: &[&str] = &[
    "server",
    "clients",
    "client",
    "positions",
    "target_config",
    "limits_config",
];

/// Keys of a Promtail scrape config that Prometheus's has not.
const PROMTAIL_JOB_KEYS: &[&str] = &[
    "pipeline_stages",
    "journal",
    "syslog",
    "loki_push_api",
    "windows_events",
    "gcplog",
    "kafka",
    "gelf",
    "cloudflare",
    "heroku_drain",
    "azure_event_hubs",
];

/// The program a config with `scrape_configs` belongs to when it is not
/// Prometheus.
pub fn other_program(doc: &Node) -> Option<&'static str> {
    let jobs = doc.get("scrape_configs")?.as_seq().unwrap_or(&[]);
    let promtail = PROMTAIL_KEYS.iter().any(|k| doc.get(k).is_some())
        || jobs
            .iter()
            .any(|j| PROMTAIL_JOB_KEYS.iter().any(|k| j.get(k).is_some()));
    promtail.then_some("Promtail")
}

/// `{scrape_configs: ...}` with each job's fields Prometheus knows (its
/// discovery and relabeling), spans kept.
pub fn scrape_part(doc: &Node) -> Node {
    let jobs: Box<[Node]> = doc
        .get("scrape_configs")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|job| match &job.kind {
            NodeKind::Map(entries) => Node {
                span: job.span,
                tag: job.tag.clone(),
                kind: NodeKind::Map(
                    entries
                        .iter()
                        .filter(|(k, _)| {
                            let k = k.key_str();
                            SCRAPE_FIELDS.contains(&&*k) || k.ends_with("_sd_configs")
                        })
                        .cloned()
                        .collect(),
                ),
            },
            _ => job.clone(),
        })
        .collect();
    let entries = doc
        .as_map()
        .unwrap_or(&[])
        .iter()
        .filter(|(k, _)| k.key_str() == "scrape_configs")
        .map(|(k, v)| {
            let list = Node {
                span: v.span,
                tag: None,
                kind: NodeKind::Seq(jobs.clone()),
            };
            (k.clone(), list)
        })
        .collect();
    Node {
        span: doc.span,
        tag: doc.tag.clone(),
        kind: NodeKind::Map(entries),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    fn doc(path: &str) -> (Source, Node) {
        let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
            .expect("testdata");
        let src = Source::new(path, text);
        let docs = load_stream(&src, Limits::default()).expect("yaml");
        (src.clone(), docs[0].clone())
    }

    #[test]
    fn promtail_configs_are_recognised_and_their_jobs_read() {
        for path in [
            "testdata/promtail/promtail-kubernetes-outside.yaml",
            "testdata/promtail/promtail-local-config.yaml",
        ] {
            let (src, root) = doc(path);
            assert_eq!(other_program(&root), Some("Promtail"), "{path}");
            let part = scrape_part(&root);
            let parsed = super::super::parse_config(&src, &part, crate::relabel::Flavor::V3);
            assert!(parsed.is_ok(), "{path}: {:?}", parsed.err());
        }
        let (_, prom) = doc("testdata/corpus/scrape-configs/prometheus__prometheus-kubernetes.yml");
        assert_eq!(other_program(&prom), None);
    }
}
