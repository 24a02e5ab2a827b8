//! A ScrapeConfig's job (`generateScrapeConfig`) for static, file, HTTP
//! and Kubernetes discovery.

use super::relabel::has_hashmod;
use super::relabel::{self, s, simple};
use super::{places, Generator, Job, Map, MonitorKind, Rules};
use crate::operator::model::{At, ScrapeConfig};
use crate::yaml::GoYaml;

impl Generator<'_> {
    pub(super) fn scrape_config_job(&mut self, sc: &ScrapeConfig) -> Job {
        let class = self.scrape_class(sc.limits.scrape_class_name.as_deref());
        let ns = sc.meta.namespace.as_str();
        let name = format!("scrapeConfig/{}/{}", sc.meta.namespace, sc.meta.name);
        let mut m = Map::default();
        m.str("job_name", &name);
        let mut rules = Rules::new(relabel::init());
        if let Some(c) = class {
            rules.user(&c.relabelings);
        }
        if let Some(job) = &sc.job_name {
            rules.push(simple(&[
                ("target_label", s("job")),
                ("action", s("replace")),
                ("replacement", s(job)),
            ]));
        }
        if sc.honor_timestamps.is_some() {
            self.honor_timestamps(&mut m, sc.honor_timestamps);
        }
        self.track_timestamps_staleness(&mut m, sc.track_timestamps_staleness);
        if let Some(h) = sc.honor_labels {
            self.honor_labels(&mut m, h);
        }
        if let Some(path) = &sc.metrics_path {
            m.str("metrics_path", path);
        }
        if !sc.params.is_empty() {
            let entries = sc
                .params
                .iter()
                .map(|(k, v)| (k.clone(), GoYaml::strs(v)))
                .collect();
            m.push("params", GoYaml::Map(entries));
        }
        if let Some(v) = sc.enable_compression {
            if self.since("2.49.0", "enable_compression") {
                m.push("enable_compression", GoYaml::Bool(v));
            }
        }
        if let Some(v) = sc.enable_http2 {
            if self.since("2.35.0", "enable_http2") {
                m.push("enable_http2", GoYaml::Bool(v));
            }
        }
        if let Some(v) = &sc.scrape_interval {
            m.str("scrape_interval", v);
        }
        if let Some(v) = &sc.scrape_timeout {
            m.str("scrape_timeout", v);
        }
        self.scrape_protocols(&mut m, &sc.limits.scrape_protocols);
        let fallback = sc
            .limits
            .fallback_scrape_protocol
            .as_deref()
            .or_else(|| class.and_then(|c| c.fallback_scrape_protocol.as_deref()));
        if let Some(p) = fallback {
            if self.since("3.0.0", "fallback_scrape_protocol") {
                m.str("fallback_scrape_protocol", p);
            }
        }
        if let Some(scheme) = &sc.scheme {
            m.str("scheme", scheme.to_lowercase());
        }
        self.proxy(&mut m, &sc.http.proxy, ns);
        self.basic_auth(&mut m, sc.http.basic_auth.as_ref(), ns);
        self.authorization(&mut m, sc.http.authorization.as_ref(), class, ns);
        self.oauth2(&mut m, sc.http.oauth2.as_ref(), ns);
        let tls = Self::merged_tls(sc.http.tls.as_ref(), class, true);
        self.tls(&mut m, tls.as_ref(), ns);

        self.add_limit_fields(&mut m, &sc.limits);
        self.native_histograms(&mut m, &sc.limits);
        self.body_size_limit(&mut m, sc.limits.body_size_limit.as_deref());

        self.static_and_file_sd(&mut m, sc);
        self.http_sd(&mut m, sc);
        self.kubernetes_sd(&mut m, sc);

        if !sc.relabelings.is_empty() {
            rules.user(&self.enforced(MonitorKind::ScrapeConfig, &sc.meta, &sc.relabelings));
        }
        let shards = self.prom.shard_count();
        if shards != 1 && !has_hashmod(&rules) {
            self.sharding(&mut rules, shards, "__address__");
        }
        let (rules, relabel_at) = rules.done();
        m.push("relabel_configs", rules);
        let mut metric = Vec::new();
        if let Some(c) = class {
            metric.extend(c.metric_relabelings.iter().cloned());
        }
        metric.extend(self.enforced(MonitorKind::ScrapeConfig, &sc.meta, &sc.metric_relabelings));
        if !metric.is_empty() {
            m.push(
                "metric_relabel_configs",
                GoYaml::Seq(relabel::rules(&metric)),
            );
        }
        Job {
            name,
            kind: MonitorKind::ScrapeConfig,
            monitor: sc.meta.key(),
            file: sc.file,
            config: m.done(),
            at: At {
                file: sc.file,
                span: sc.meta.anchor,
            },
            relabel_at,
            metric_at: places(&metric),
        }
    }

    fn static_and_file_sd(&mut self, m: &mut Map, sc: &ScrapeConfig) {
        if !sc.static_configs.is_empty() {
            let items = sc
                .static_configs
                .iter()
                .map(|c| {
                    let mut e = Map::default();
                    e.push("targets", GoYaml::strs(&c.targets));
                    let labels = c
                        .labels
                        .iter()
                        .map(|(k, v)| (k.clone(), GoYaml::str(v)))
                        .collect();
                    e.push("labels", GoYaml::Map(labels));
                    e.done()
                })
                .collect();
            m.push("static_configs", GoYaml::Seq(items));
        }
        if !sc.file_sd.is_empty() {
            let items = sc
                .file_sd
                .iter()
                .map(|c| {
                    let mut e = Map::default();
                    e.push("files", GoYaml::strs(&c.files));
                    if let Some(r) = &c.refresh_interval {
                        e.str("refresh_interval", r);
                    }
                    e.done()
                })
                .collect();
            m.push("file_sd_configs", GoYaml::Seq(items));
        }
    }

    fn http_sd(&mut self, m: &mut Map, sc: &ScrapeConfig) {
        if sc.http_sd.is_empty() {
            return;
        }
        let ns = sc.meta.namespace.clone();
        let mut items = Vec::new();
        for c in &sc.http_sd {
            let mut e = Map::default();
            self.basic_auth(&mut e, c.http.basic_auth.as_ref(), &ns);
            self.authorization(&mut e, c.http.authorization.as_ref(), None, &ns);
            let tls = c.http.tls.clone();
            self.tls(&mut e, tls.as_ref(), &ns);
            self.proxy(&mut e, &c.http.proxy, &ns);
            self.oauth2(&mut e, c.http.oauth2.as_ref(), &ns);
            e.str("url", &c.url);
            if let Some(r) = &c.refresh_interval {
                e.str("refresh_interval", r);
            }
            if let Some(v) = c.http.follow_redirects {
                e.push("follow_redirects", GoYaml::Bool(v));
            }
            if let Some(v) = c.http.enable_http2 {
                e.push("enable_http2", GoYaml::Bool(v));
            }
            items.push(e.done());
        }
        m.push("http_sd_configs", GoYaml::Seq(items));
    }

    fn kubernetes_sd(&mut self, m: &mut Map, sc: &ScrapeConfig) {
        if sc.kubernetes_sd.is_empty() {
            return;
        }
        let ns = sc.meta.namespace.clone();
        let mut items = Vec::new();
        for c in &sc.kubernetes_sd {
            let mut e = Map::default();
            if let Some(api) = &c.api_server {
                e.str("api_server", api);
            }
            let role = c.role.to_lowercase();
            if role != "endpointslice" || self.since("2.21.0", "role") {
                e.str("role", &role);
            }
            self.basic_auth(&mut e, c.http.basic_auth.as_ref(), &ns);
            self.authorization(&mut e, c.http.authorization.as_ref(), None, &ns);
            self.oauth2(&mut e, c.http.oauth2.as_ref(), &ns);
            self.proxy(&mut e, &c.http.proxy, &ns);
            if let Some(v) = c.http.follow_redirects {
                e.push("follow_redirects", GoYaml::Bool(v));
            }
            if let Some(v) = c.http.enable_http2 {
                e.push("enable_http2", GoYaml::Bool(v));
            }
            let tls = c.http.tls.clone();
            self.tls(&mut e, tls.as_ref(), &ns);
            if let Some((names, own)) = &c.namespaces {
                let mut n = Map::default();
                n.push("names", GoYaml::strs(names));
                if let Some(own) = own {
                    n.push("own_namespace", GoYaml::Bool(*own));
                }
                e.push("namespaces", n.done());
            }
            if !c.selectors.is_empty() {
                let selectors = c
                    .selectors
                    .iter()
                    .map(|s| {
                        let mut x = Map::default();
                        x.str("role", s.role.to_lowercase());
                        if let Some(l) = &s.label {
                            x.str("label", l);
                        }
                        if let Some(f) = &s.field {
                            x.str("field", f);
                        }
                        x.done()
                    })
                    .collect();
                if self.since("2.17.0", "selectors") {
                    e.push("selectors", GoYaml::Seq(selectors));
                }
            }
            if let Some(node) = c.attach_metadata_node {
                let min = match role.as_str() {
                    "pod" => Some("2.35.0"),
                    "endpoints" | "endpointslice" => Some("2.37.0"),
                    _ => None,
                };
                match min {
                    Some(min) if self.since(min, "attach_metadata") => {
                        let mut a = Map::default();
                        a.push("node", node.map_or(GoYaml::Null, GoYaml::Bool));
                        e.push("attach_metadata", a.done());
                    }
                    Some(_) => {}
                    None => self.warnings.push(format!(
                        "ignoring attachMetadata not supported by Prometheus for role: {}",
                        c.role
                    )),
                }
            }
            items.push(e.done());
        }
        m.push("kubernetes_sd_configs", GoYaml::Seq(items));
    }
}
