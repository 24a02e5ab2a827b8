//! The whole configuration: `global` and `scrape_configs`, as
//! `GenerateServerConfiguration` and `GenerateAgentConfiguration` start it.
//! Rule files, alerting, remote write/read, storage, tracing and OTLP do not
//! decide what is scraped; kdm does not write them.

use super::{Generator, Job, Map};
use crate::operator::model::ServerKind;
use crate::yaml::GoYaml;

impl Generator<'_> {
    /// `buildGlobalConfig` (and the evaluation settings of a server).
    pub fn global(&mut self) -> GoYaml {
        let p = self.prom;
        let mut m = Map::default();
        m.str("scrape_interval", &p.scrape_interval);
        if !p.scrape_timeout.is_empty() {
            m.str("scrape_timeout", &p.scrape_timeout);
        }
        self.scrape_protocols(&mut m, &p.scrape_protocols);
        m.push("external_labels", self.external_labels());
        self.global_limits(&mut m);
        if let Some(file) = &p.scrape_failure_log_file {
            if self.since("2.55.0", "scrape_failure_log_file") {
                m.str("scrape_failure_log_file", log_file_path(file));
            }
        }
        if p.kind == ServerKind::Prometheus {
            m.str("evaluation_interval", &p.evaluation_interval);
            if let Some(offset) = &p.rule_query_offset {
                if self.since("2.53.0", "rule_query_offset") {
                    m.str("rule_query_offset", offset);
                }
            }
            if !p.query_log_file.is_empty() && self.since("2.16.0", "query_log_file") {
                m.str("query_log_file", log_file_path(&p.query_log_file));
            }
        }
        m.done()
    }

    fn external_labels(&self) -> GoYaml {
        let p = self.prom;
        let mut labels = std::collections::BTreeMap::new();
        let prom_label = p
            .prometheus_external_label_name
            .as_deref()
            .unwrap_or("prometheus");
        if !prom_label.is_empty() {
            labels.insert(
                prom_label.to_string(),
                format!("{}/{}", p.meta.namespace, p.meta.name),
            );
        }
        let replica = p
            .replica_external_label_name
            .as_deref()
            .unwrap_or("prometheus_replica");
        if !replica.is_empty() {
            labels.insert(replica.to_string(), "$(POD_NAME)".to_string());
        }
        for (k, v) in &p.external_labels {
            // Reserved keys keep the operator's value.
            labels.entry(k.clone()).or_insert_with(|| v.clone());
        }
        GoYaml::Map(
            labels
                .into_iter()
                .map(|(k, v)| (k, GoYaml::Str(v)))
                .collect(),
        )
    }

    fn global_limits(&mut self, m: &mut Map) {
        let p = self.prom;
        if !self.version.at_least("2.45.0") {
            return;
        }
        if let Some(b) = &p.body_size_limit {
            m.str("body_size_limit", b);
        } else if !p.enforced_body_size_limit.is_empty() {
            m.str("body_size_limit", &p.enforced_body_size_limit);
        }
        let pairs = [
            ("sample_limit", p.sample_limit, p.enforced_sample_limit),
            ("target_limit", p.target_limit, p.enforced_target_limit),
            ("label_limit", p.label_limit, p.enforced_label_limit),
            (
                "label_name_length_limit",
                p.label_name_length_limit,
                p.enforced_label_name_length_limit,
            ),
            (
                "label_value_length_limit",
                p.label_value_length_limit,
                p.enforced_label_value_length_limit,
            ),
        ];
        for (key, limit, enforced) in pairs {
            global_limit(m, key, limit, enforced);
        }
        if self.version.at_least("2.47.0") {
            global_limit(
                m,
                "keep_dropped_targets",
                p.keep_dropped_targets,
                p.enforced_keep_dropped_targets,
            );
        }
    }
}

/// `appendGlobalLimits`: the limit, capped by the enforced one, or the
/// enforced one alone.
fn global_limit(m: &mut Map, key: &str, limit: Option<i64>, enforced: Option<i64>) {
    let (l, e) = (limit.unwrap_or(0), enforced.unwrap_or(0));
    if l > 0 {
        m.push(key, GoYaml::Int(if e > 0 && l > e { e } else { l }));
    } else if e > 0 {
        m.push(key, GoYaml::Int(e));
    }
}

/// `logFilePath`: a bare file name goes to the operator's log volume.
fn log_file_path(file: &str) -> String {
    if !file.is_empty() && !file.contains('/') {
        format!("/var/log/prometheus/{file}")
    } else {
        file.to_string()
    }
}

/// The configuration document: `global` then the jobs.
pub fn render_config(global: GoYaml, jobs: &[Job]) -> GoYaml {
    GoYaml::Map(vec![
        ("global".into(), global),
        (
            "scrape_configs".into(),
            GoYaml::Seq(jobs.iter().map(|j| j.config.clone()).collect()),
        ),
    ])
}
