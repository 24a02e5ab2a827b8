//! `additionalScrapeConfigs` (`generateAdditionalScrapeConfigs`): the
//! jobs are copied after the generated ones. With several shards, outside
//! DaemonSet mode, a job without a `hashmod` rule gets the sharding rules,
//! and its `relabel_configs` move to the end of the job, as the operator
//! rebuilds it.

use super::relabel::has_hashmod;
use super::{Generator, Job, MonitorKind};
use crate::yaml::GoYaml;

impl Generator<'_> {
    pub fn additional_jobs(&self) -> Vec<Job> {
        let shards = self.prom.shard_count();
        let sharded = shards != 1 && !self.daemonset();
        let mut out = Vec::new();
        for a in &self.prom.additional {
            let mut config = a.config.clone();
            let mut relabel_at: Vec<_> = a.relabel_at.iter().copied().map(Some).collect();
            if let (true, GoYaml::Map(items)) = (sharded, &mut config) {
                let mut rules = match items.iter().position(|(k, _)| k == "relabel_configs") {
                    Some(i) => match items.remove(i).1 {
                        GoYaml::Seq(rules) => rules,
                        _ => Vec::new(),
                    },
                    None => Vec::new(),
                };
                if !has_hashmod(&rules) {
                    self.sharding(&mut rules, shards, "__address__");
                }
                relabel_at.resize(rules.len(), None);
                items.push(("relabel_configs".into(), GoYaml::Seq(rules)));
            }
            let count = |key: &str| {
                config
                    .get(key)
                    .and_then(|r| match r {
                        GoYaml::Seq(items) => Some(items.len()),
                        _ => None,
                    })
                    .unwrap_or(0)
            };
            relabel_at.resize(count("relabel_configs"), Some(a.at));
            let metric_at = vec![Some(a.at); count("metric_relabel_configs")];
            out.push(Job {
                name: config
                    .get("job_name")
                    .and_then(GoYaml::as_str)
                    .unwrap_or_default()
                    .to_string(),
                kind: MonitorKind::Additional,
                monitor: format!("Prometheus {}", self.prom.meta.key()),
                file: a.at.file,
                config,
                at: a.at,
                relabel_at,
                metric_at,
            });
        }
        out
    }
}
