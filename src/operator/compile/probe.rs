//! A Probe's job (`generateProbeConfig`): static targets or Ingresses sent
//! to a prober (blackbox exporter) as `__param_target`.

use super::relabel::{self, list, s, simple};
use super::{places, Generator, Job, Map, MonitorKind, Rules};
use crate::operator::model::{At, Probe};
use crate::yaml::GoYaml;

impl Generator<'_> {
    pub(super) fn probe_job(&mut self, p: &Probe) -> Job {
        let class = self.scrape_class(p.limits.scrape_class_name.as_deref());
        let ns = p.meta.namespace.as_str();
        let name = format!("probe/{}/{}", p.meta.namespace, p.meta.name);
        let mut m = Map::default();
        m.str("job_name", &name);
        self.honor_timestamps(&mut m, Some(true));
        m.str("metrics_path", &p.prober_path);
        if !p.interval.is_empty() {
            m.str("scrape_interval", &p.interval);
        }
        if !p.scrape_timeout.is_empty() {
            m.str("scrape_timeout", &p.scrape_timeout);
        }
        if let Some(scheme) = &p.prober_scheme {
            m.str("scheme", scheme.to_lowercase());
        }
        let mut params = Vec::new();
        if !p.module.is_empty() {
            params.push(("module".to_string(), GoYaml::strs(&[p.module.as_str()])));
        }
        for (k, v) in &p.params {
            if !p.module.is_empty() && k == "module" {
                continue;
            }
            params.push((k.clone(), GoYaml::strs(v)));
        }
        if !params.is_empty() {
            m.push("params", GoYaml::Map(params));
        }
        self.add_limits(&mut m, &p.limits, class);
        let enforced_body = self.prom.enforced_body_size_limit.clone();
        if !enforced_body.is_empty() && self.since("2.28.0", "body_size_limit") {
            m.str("body_size_limit", enforced_body);
        }

        let mut rules = Rules::new(relabel::init());
        if !p.job_name.is_empty() {
            rules.push(simple(&[
                ("target_label", s("job")),
                ("replacement", s(&p.job_name)),
            ]));
        }
        self.proxy(&mut m, &p.prober_proxy, ns);
        self.http_config(&mut m, &p.http, class, ns);

        if let Some(st) = &p.static_config {
            let mut labels = st.labels.clone().unwrap_or_default();
            labels
                .entry("namespace".into())
                .or_insert_with(|| ns.to_string());
            let mut sc = Map::default();
            sc.push("targets", GoYaml::strs(&st.targets));
            sc.push(
                "labels",
                GoYaml::Map(
                    labels
                        .into_iter()
                        .map(|(k, v)| (k, GoYaml::Str(v)))
                        .collect(),
                ),
            );
            m.push("static_configs", GoYaml::Seq(vec![sc.done()]));
            rules.push(simple(&[
                ("source_labels", list(&["__address__"])),
                ("target_label", s("__param_target")),
            ]));
            rules.push(simple(&[
                ("source_labels", list(&["__param_target"])),
                ("target_label", s("instance")),
            ]));
            rules.push(simple(&[
                ("target_label", s("__address__")),
                ("replacement", s(&p.prober_url)),
            ]));
            if let Some(c) = class {
                rules.user(&c.relabelings);
            }
            rules.user(&self.enforced(MonitorKind::Probe, &p.meta, &st.relabelings));
        } else if let Some(ing) = &p.ingress {
            relabel::selector_filters(&mut rules, &ing.selector, "ingress");
            self.k8s_sd(
                &mut m,
                &ing.namespace_selector,
                ns,
                "ingress",
                None,
                Vec::new(),
            );
            rules.push(simple(&[
                (
                    "source_labels",
                    list(&[
                        "__meta_kubernetes_ingress_scheme",
                        "__address__",
                        "__meta_kubernetes_ingress_path",
                    ]),
                ),
                ("separator", s(";")),
                ("regex", s("(.+);(.+);(.+)")),
                ("target_label", s("__param_target")),
                ("replacement", s("${1}://${2}${3}")),
                ("action", s("replace")),
            ]));
            rules.push(simple(&[
                ("source_labels", list(&["__meta_kubernetes_namespace"])),
                ("target_label", s("namespace")),
            ]));
            rules.push(simple(&[
                ("source_labels", list(&["__meta_kubernetes_ingress_name"])),
                ("target_label", s("ingress")),
            ]));
            rules.push(simple(&[
                ("source_labels", list(&["__address__"])),
                ("separator", s(";")),
                ("regex", s("(.*)")),
                ("target_label", s("__tmp_ingress_address")),
                ("replacement", s("$1")),
                ("action", s("replace")),
            ]));
            rules.push(simple(&[
                ("source_labels", list(&["__param_target"])),
                ("target_label", s("instance")),
            ]));
            rules.push(simple(&[
                ("target_label", s("__address__")),
                ("replacement", s(&p.prober_url)),
            ]));
            if let Some(c) = class {
                rules.user(&c.relabelings);
            }
            rules.user(&self.enforced(MonitorKind::Probe, &p.meta, &ing.relabelings));
        }
        self.sharding(&mut rules, self.prom.shard_count(), "__param_target");
        let (rules, relabel_at) = rules.done();
        m.push("relabel_configs", rules);

        if let Some(secret) = &p.http.bearer_token_secret {
            m.str("bearer_token", secret.placeholder(ns));
        }
        self.basic_auth(&mut m, p.http.basic_auth.as_ref(), ns);
        self.oauth2(&mut m, p.http.oauth2.as_ref(), ns);
        self.authorization(&mut m, p.http.authorization.as_ref(), class, ns);

        let mut metric = Vec::new();
        if let Some(c) = class {
            metric.extend(c.metric_relabelings.iter().cloned());
        }
        metric.extend(self.enforced(MonitorKind::Probe, &p.meta, &p.metric_relabelings));
        if !metric.is_empty() {
            m.push(
                "metric_relabel_configs",
                GoYaml::Seq(relabel::rules(&metric)),
            );
        }
        Job {
            name,
            kind: MonitorKind::Probe,
            monitor: p.meta.key(),
            file: p.file,
            config: m.done(),
            at: At {
                file: p.file,
                span: p.meta.anchor,
            },
            relabel_at,
            metric_at: places(&metric),
        }
    }
}
