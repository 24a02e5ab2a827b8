//! Scrape settings every job kind shares: honor flags, limits, protocols,
//! native histograms, HTTP client settings and Kubernetes discovery.

use super::{Generator, Map};
use crate::operator::model::common::{
    Authorization, BasicAuth, HttpConfig, Limits, NamespaceSelector, OAuth2, ProxyConfig, TlsConfig,
};
use crate::operator::model::prometheus::ScrapeClass;
use crate::yaml::GoYaml;

/// The limit fields: spec value, enforced value, Prometheus field, version.
pub struct LimitKey {
    pub field: &'static str,
    pub since: &'static str,
}

pub const SAMPLE_LIMIT: LimitKey = LimitKey {
    field: "sample_limit",
    since: "",
};
pub const TARGET_LIMIT: LimitKey = LimitKey {
    field: "target_limit",
    since: "2.21.0",
};
pub const LABEL_LIMIT: LimitKey = LimitKey {
    field: "label_limit",
    since: "2.27.0",
};
pub const LABEL_NAME_LENGTH_LIMIT: LimitKey = LimitKey {
    field: "label_name_length_limit",
    since: "2.27.0",
};
pub const LABEL_VALUE_LENGTH_LIMIT: LimitKey = LimitKey {
    field: "label_value_length_limit",
    since: "2.27.0",
};
pub const KEEP_DROPPED_TARGETS: LimitKey = LimitKey {
    field: "keep_dropped_targets",
    since: "2.47.0",
};

/// `units.ParseBase2Bytes` for the body size comparison.
fn base2_bytes(s: &str) -> Option<u128> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult: u128 = match unit {
        "" | "B" => 1,
        "KB" | "KiB" => 1 << 10,
        "MB" | "MiB" => 1 << 20,
        "GB" | "GiB" => 1 << 30,
        "TB" | "TiB" => 1 << 40,
        "PB" | "PiB" => 1 << 50,
        "EB" | "EiB" => 1 << 60,
        _ => return None,
    };
    Some((n * mult as f64) as u128)
}

impl Generator<'_> {
    pub(super) fn honor_labels(&mut self, m: &mut Map, honor: bool) {
        let honor = honor && !self.prom.override_honor_labels;
        m.push("honor_labels", GoYaml::Bool(honor));
    }

    pub(super) fn honor_timestamps(&mut self, m: &mut Map, user: Option<bool>) {
        let overridden = self.prom.override_honor_timestamps;
        if user.is_none() && !overridden {
            return;
        }
        if self.since("2.9.0", "honor_timestamps") {
            let honor = user.unwrap_or(false) && !overridden;
            m.push("honor_timestamps", GoYaml::Bool(honor));
        }
    }

    pub(super) fn track_timestamps_staleness(&mut self, m: &mut Map, track: Option<bool>) {
        if let Some(t) = track {
            if self.since("2.48.0", "track_timestamps_staleness") {
                m.push("track_timestamps_staleness", GoYaml::Bool(t));
            }
        }
    }

    /// `getLimit`: the monitor's limit, capped by the enforced one.
    fn limit(&self, user: Option<i64>, enforced: Option<i64>) -> Option<i64> {
        let e = enforced.unwrap_or(0);
        if e == 0 {
            return user;
        }
        let u = user.unwrap_or(0);
        if u == 0 {
            // From 2.45 the global section carries the enforced limit.
            if self.version.at_least("2.45.0") {
                return None;
            }
            return enforced;
        }
        if e > u {
            user
        } else {
            enforced
        }
    }

    pub(super) fn add_limit(
        &mut self,
        m: &mut Map,
        key: &LimitKey,
        user: Option<i64>,
        enforced: Option<i64>,
    ) {
        let Some(limit) = self.limit(user, enforced) else {
            return;
        };
        if key.since.is_empty() || self.since(key.since, key.field) {
            m.push(key.field, GoYaml::Int(limit));
        }
    }

    /// Limits, histograms, protocols and body size, in the operator's order.
    pub(super) fn add_limits(&mut self, m: &mut Map, l: &Limits, class: Option<&ScrapeClass>) {
        self.add_limit_fields(m, l);
        self.native_histograms(m, l);
        self.scrape_protocols(m, &l.scrape_protocols);
        self.fallback_protocol(m, l.fallback_scrape_protocol.as_deref(), class);
    }

    /// The six limits, each capped by its enforced value.
    pub(super) fn add_limit_fields(&mut self, m: &mut Map, l: &Limits) {
        let p = self.prom;
        self.add_limit(m, &SAMPLE_LIMIT, l.sample_limit, p.enforced_sample_limit);
        self.add_limit(m, &TARGET_LIMIT, l.target_limit, p.enforced_target_limit);
        self.add_limit(m, &LABEL_LIMIT, l.label_limit, p.enforced_label_limit);
        self.add_limit(
            m,
            &LABEL_NAME_LENGTH_LIMIT,
            l.label_name_length_limit,
            p.enforced_label_name_length_limit,
        );
        self.add_limit(
            m,
            &LABEL_VALUE_LENGTH_LIMIT,
            l.label_value_length_limit,
            p.enforced_label_value_length_limit,
        );
        self.add_limit(
            m,
            &KEEP_DROPPED_TARGETS,
            l.keep_dropped_targets,
            p.enforced_keep_dropped_targets,
        );
    }

    /// `getLowerByteSize`: the monitor's body size limit, capped by the
    /// enforced one.
    pub(super) fn body_size_limit(&mut self, m: &mut Map, user: Option<&str>) {
        let enforced = self.prom.enforced_body_size_limit.as_str();
        let user = user.filter(|u| !u.is_empty());
        let chosen = match (user, enforced.is_empty()) {
            (u, true) => u,
            (None, false) => Some(enforced),
            (Some(u), false) => {
                let (ub, eb) = (
                    base2_bytes(u).unwrap_or(0),
                    base2_bytes(enforced).unwrap_or(0),
                );
                Some(if ub > eb { enforced } else { u })
            }
        };
        if let Some(limit) = chosen {
            if self.since("2.28.0", "body_size_limit") {
                m.str("body_size_limit", limit);
            }
        }
    }

    pub(super) fn native_histograms(&mut self, m: &mut Map, l: &Limits) {
        let n = &l.native_histograms;
        if let Some(v) = n.scrape_native_histograms {
            if self.since("3.8.0", "scrape_native_histograms") {
                m.push("scrape_native_histograms", GoYaml::Bool(v));
            }
        }
        if let Some(v) = n.bucket_limit {
            if self.since("2.45.0", "native_histogram_bucket_limit") {
                m.push("native_histogram_bucket_limit", GoYaml::Int(v));
            }
        }
        if let Some(v) = n.min_bucket_factor {
            if self.since("2.50.0", "native_histogram_min_bucket_factor") {
                m.push("native_histogram_min_bucket_factor", GoYaml::Float(v));
            }
        }
        if let Some(v) = n.scrape_classic_histograms {
            if self.version.major == 3 {
                m.push("always_scrape_classic_histograms", GoYaml::Bool(v));
            } else if self.since("2.45.0", "scrape_classic_histograms") {
                m.push("scrape_classic_histograms", GoYaml::Bool(v));
            }
        }
        if let Some(v) = n.convert_classic_to_nhcb {
            if self.since("3.0.0", "convert_classic_histograms_to_nhcb") {
                m.push("convert_classic_histograms_to_nhcb", GoYaml::Bool(v));
            }
        }
    }

    pub(super) fn scrape_protocols(&mut self, m: &mut Map, protocols: &[String]) {
        if protocols.is_empty() {
            return;
        }
        let mut kept = Vec::new();
        for p in protocols {
            if p == "PrometheusText1.0.0" && !self.version.at_least("3.0.0-rc.0") {
                self.since("3.0.0-rc.0", "scrapeProtocol=PrometheusText1.0.0");
                continue;
            }
            kept.push(p.clone());
        }
        if self.since("2.49.0", "scrape_protocols") {
            m.push("scrape_protocols", GoYaml::strs(&kept));
        }
    }

    fn fallback_protocol(&mut self, m: &mut Map, own: Option<&str>, class: Option<&ScrapeClass>) {
        let chosen = own.or_else(|| class.and_then(|c| c.fallback_scrape_protocol.as_deref()));
        if let Some(p) = chosen {
            if self.since("3.0.0", "fallback_scrape_protocol") {
                m.str("fallback_scrape_protocol", p);
            }
        }
    }

    pub(super) fn proxy(&mut self, m: &mut Map, p: &ProxyConfig, ns: &str) {
        if p.is_zero() {
            return;
        }
        if let Some(url) = &p.proxy_url {
            m.str("proxy_url", url);
        }
        if let Some(v) = &p.no_proxy {
            if self.since("2.43.0", "no_proxy") {
                m.str("no_proxy", v);
            }
        }
        if let Some(v) = p.proxy_from_environment {
            if self.since("2.43.0", "proxy_from_environment") {
                m.push("proxy_from_environment", GoYaml::Bool(v));
            }
        }
        if let Some(headers) = &p.proxy_connect_header {
            if self.since("2.43.0", "proxy_connect_header") {
                let entries = headers
                    .iter()
                    .map(|(k, refs)| {
                        let values: Vec<String> = refs.iter().map(|r| r.placeholder(ns)).collect();
                        (k.clone(), GoYaml::strs(&values))
                    })
                    .collect();
                m.push("proxy_connect_header", GoYaml::Map(entries));
            }
        }
    }

    /// `addSafeTLStoYaml` plus the file fields of `TLSConfig`.
    pub(super) fn tls(&mut self, m: &mut Map, tls: Option<&TlsConfig>, ns: &str) {
        let Some(t) = tls else {
            return;
        };
        let mut c = Map::default();
        if let Some(v) = t.insecure_skip_verify {
            c.push("insecure_skip_verify", GoYaml::Bool(v));
        }
        if let Some(ca) = &t.ca {
            c.str("ca_file", ca.tls_asset_path(ns));
        }
        if let Some(cert) = &t.cert {
            c.str("cert_file", cert.tls_asset_path(ns));
        }
        if let Some(key) = &t.key_secret {
            c.str("key_file", key.tls_asset_path(ns));
        }
        if let Some(name) = t.server_name.as_deref().filter(|n| !n.is_empty()) {
            c.str("server_name", name);
        }
        if let Some(v) = &t.min_version {
            if self.since("2.35.0", "min_version") {
                c.str("min_version", v);
            }
        }
        if let Some(v) = &t.max_version {
            if self.since("2.41.0", "max_version") {
                c.str("max_version", v);
            }
        }
        if !t.ca_file.is_empty() {
            c.str("ca_file", &t.ca_file);
        }
        if !t.cert_file.is_empty() {
            c.str("cert_file", &t.cert_file);
        }
        if !t.key_file.is_empty() {
            c.str("key_file", &t.key_file);
        }
        m.push("tls_config", c.done());
    }

    /// The endpoint's TLS settings completed by the scrape class's files.
    pub(super) fn merged_tls(
        own: Option<&TlsConfig>,
        class: Option<&ScrapeClass>,
        safe_only: bool,
    ) -> Option<TlsConfig> {
        let own = match own {
            // An all-empty safe TLS config counts as none.
            Some(t) if safe_only && t.safe_part_is_zero() => None,
            other => other,
        };
        let class_tls = class.and_then(|c| c.tls.as_ref());
        match (own, class_tls) {
            (None, c) => c.cloned(),
            (Some(t), None) => Some(t.clone()),
            (Some(t), Some(c)) => {
                let mut t = t.clone();
                if t.ca_file.is_empty() && t.ca.is_none() {
                    t.ca_file = c.ca_file.clone();
                }
                if t.cert_file.is_empty() && t.cert.is_none() {
                    t.cert_file = c.cert_file.clone();
                }
                if t.key_file.is_empty() && t.key_secret.is_none() {
                    t.key_file = c.key_file.clone();
                }
                Some(t)
            }
        }
    }

    pub(super) fn basic_auth(&mut self, m: &mut Map, b: Option<&BasicAuth>, ns: &str) {
        let Some(b) = b else {
            return;
        };
        let value = |r: &Option<crate::operator::model::common::KeyRef>| {
            r.as_ref().map(|r| r.placeholder(ns)).unwrap_or_default()
        };
        let mut c = Map::default();
        c.str("username", value(&b.username));
        c.str("password", value(&b.password));
        m.push("basic_auth", c.done());
    }

    /// `addAuthorizationToYaml`, the scrape class's authorization when the
    /// endpoint has none.
    pub(super) fn authorization(
        &mut self,
        m: &mut Map,
        own: Option<&Authorization>,
        class: Option<&ScrapeClass>,
        ns: &str,
    ) {
        let chosen = match own {
            Some(a)
                if !(a.kind.is_empty()
                    && a.credentials.is_none()
                    && a.credentials_file.is_empty()) =>
            {
                Some(a)
            }
            _ => class.and_then(|c| c.authorization.as_ref()),
        };
        let Some(a) = chosen else {
            return;
        };
        let mut c = Map::default();
        let kind = if a.kind.is_empty() {
            "Bearer"
        } else {
            a.kind.trim()
        };
        c.str("type", kind);
        if let Some(cred) = &a.credentials {
            c.str("credentials", cred.placeholder(ns));
        }
        if !a.credentials_file.is_empty() {
            c.str("credentials_file", &a.credentials_file);
        }
        if self.since("2.26.0", "authorization") {
            m.push("authorization", c.done());
        }
    }

    pub(super) fn oauth2(&mut self, m: &mut Map, o: Option<&OAuth2>, ns: &str) {
        let Some(o) = o else {
            return;
        };
        let mut c = Map::default();
        c.str(
            "client_id",
            o.client_id
                .as_ref()
                .map(|r| r.placeholder(ns))
                .unwrap_or_default(),
        );
        c.str(
            "client_secret",
            o.client_secret
                .as_ref()
                .map(|r| r.placeholder(ns))
                .unwrap_or_default(),
        );
        c.str("token_url", &o.token_url);
        if !o.scopes.is_empty() {
            c.push("scopes", GoYaml::strs(&o.scopes));
        }
        if let Some(params) = o.endpoint_params.as_ref().filter(|p| !p.is_empty()) {
            let entries = params
                .iter()
                .map(|(k, v)| (k.clone(), GoYaml::str(v)))
                .collect();
            c.push("endpoint_params", GoYaml::Map(entries));
        }
        if self.version.at_least("2.43.0") {
            self.proxy(&mut c, &o.proxy, ns);
            self.tls(&mut c, o.tls.as_ref(), ns);
        }
        if self.since("2.27.0", "oauth2") {
            m.push("oauth2", c.done());
        }
    }

    /// `follow_redirects`, `enable_http2` and TLS of an `HTTPConfig`.
    pub(super) fn http_config(
        &mut self,
        m: &mut Map,
        h: &HttpConfig,
        class: Option<&ScrapeClass>,
        ns: &str,
    ) {
        if let Some(v) = h.follow_redirects {
            if self.since("2.26.0", "follow_redirects") {
                m.push("follow_redirects", GoYaml::Bool(v));
            }
        }
        if let Some(v) = h.enable_http2 {
            if self.since("2.35.0", "enable_http2") {
                m.push("enable_http2", GoYaml::Bool(v));
            }
        }
        let tls = Self::merged_tls(h.tls.as_ref(), class, true);
        self.tls(m, tls.as_ref(), ns);
    }

    /// `getNamespacesFromNamespaceSelector`: empty means every namespace.
    fn namespaces(&self, sel: &NamespaceSelector, own: &str) -> Vec<String> {
        if self.prom.ignore_namespace_selectors {
            vec![own.to_string()]
        } else if sel.any {
            Vec::new()
        } else if sel.match_names.is_empty() {
            vec![own.to_string()]
        } else {
            sel.match_names.clone()
        }
    }

    /// One `kubernetes_sd_configs` entry (`generateK8SSDConfig`);
    /// `selectors` are the role selectors the monitor asks for.
    pub(super) fn k8s_sd(
        &mut self,
        m: &mut Map,
        ns_sel: &NamespaceSelector,
        own_ns: &str,
        role: &str,
        attach: Option<(bool, &str)>,
        role_selectors: Vec<GoYaml>,
    ) {
        let mut c = Map::default();
        c.str("role", role);
        let namespaces = self.namespaces(ns_sel, own_ns);
        if !namespaces.is_empty() {
            let mut names = Map::default();
            names.push("names", GoYaml::strs(&namespaces));
            c.push("namespaces", names.done());
        }
        if let Some((node, min)) = attach {
            if self.since(min, "attach_metadata") {
                let mut a = Map::default();
                a.push("node", GoYaml::Bool(node));
                c.push("attach_metadata", a.done());
            }
        }
        let mut selectors = Vec::new();
        if self.daemonset() {
            let mut s = Map::default();
            s.str("role", "pod");
            s.str("field", "spec.nodeName=$(NODE_NAME)");
            selectors.push(s.done());
        }
        selectors.extend(role_selectors);
        if !selectors.is_empty() {
            c.push("selectors", GoYaml::Seq(selectors));
        }
        m.push("kubernetes_sd_configs", GoYaml::Seq(vec![c.done()]));
    }
}

#[cfg(test)]
mod tests {
    use super::base2_bytes;

    #[test]
    fn body_sizes_compare_in_base_two() {
        assert_eq!(base2_bytes("1KB"), Some(1024));
        assert_eq!(base2_bytes("10MB"), Some(10 << 20));
        assert!(base2_bytes("1GB") > base2_bytes("100MB"));
    }
}
