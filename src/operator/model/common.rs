//! Types the monitoring.coreos.com resources share: relabelings, selectors,
//! HTTP client settings, secret references.

use std::collections::BTreeMap;

use crate::diag::Result;
use crate::k8s::selector::{LabelSelector, Operator, Requirement};
use crate::operator::read::Reader;
use crate::yaml::{Node, Resolved, Span};

/// Where a user-written piece of a resource is: its file and node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub file: usize,
    pub span: Span,
}

/// `metadata` of a resource.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    /// Where findings about the resource point: its name, else the object.
    pub anchor: Span,
    /// `metadata.labels`, when written.
    pub labels_span: Option<Span>,
}

impl Meta {
    pub fn read(r: &Reader, obj: &Node) -> Result<Meta> {
        let meta = r.object(Some(obj), "metadata")?;
        Ok(Meta {
            name: r.str(meta, "name")?,
            namespace: r.str(meta, "namespace")?,
            labels: r.string_map(meta, "labels")?.unwrap_or_default(),
            anchor: r.field(meta, "name").map_or(obj.span, |n| n.span),
            labels_span: meta.and_then(|m| m.entry("labels")).map(|(k, _)| k.span),
        })
    }

    /// `namespace/name`, the operator's key for a resource.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// `monitoringv1.RelabelConfig`.
#[derive(Debug, Clone, Default)]
pub struct RelabelConfig {
    pub source_labels: Vec<String>,
    pub separator: Option<String>,
    pub target_label: String,
    pub regex: String,
    pub modulus: u64,
    pub replacement: Option<String>,
    pub action: String,
    /// The rule in the user's file; `None` for rules the operator adds.
    pub at: Option<At>,
}

impl RelabelConfig {
    pub fn read_list(
        r: &Reader,
        file: usize,
        obj: Option<&Node>,
        key: &str,
    ) -> Result<Vec<RelabelConfig>> {
        r.seq(obj, key)?
            .iter()
            .map(|n| RelabelConfig::read(r, file, n))
            .collect()
    }

    fn read(r: &Reader, file: usize, n: &Node) -> Result<RelabelConfig> {
        if n.as_map().is_none() {
            return Err(r.error(n, "a relabeling must be a mapping", "not a mapping"));
        }
        let o = Some(n);
        let modulus = match r.opt_int(o, "modulus")? {
            Some(m) if m < 0 => {
                let at = r.field(o, "modulus").unwrap_or(n);
                return Err(r.error(at, "modulus must not be negative", "negative"));
            }
            Some(m) => m as u64,
            None => 0,
        };
        Ok(RelabelConfig {
            source_labels: r.strings(o, "sourceLabels")?,
            separator: r.opt_str(o, "separator")?,
            target_label: r.str(o, "targetLabel")?,
            regex: r.str(o, "regex")?,
            modulus,
            replacement: r.opt_str(o, "replacement")?,
            action: r.str(o, "action")?,
            at: Some(At { file, span: n.span }),
        })
    }
}

/// `metav1.LabelSelector` as written (the generator needs the written
/// form; matching goes through [`LabelSelector`]).
#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<Expression>,
    /// The selector was written (`{}` included).
    pub present: bool,
}

#[derive(Debug, Clone)]
pub struct Expression {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

impl Selector {
    pub fn read(r: &Reader, obj: Option<&Node>, key: &str) -> Result<Selector> {
        let Some(n) = r.object(obj, key)? else {
            return Ok(Selector::default());
        };
        let mut match_expressions = Vec::new();
        for e in r.seq(Some(n), "matchExpressions")? {
            let operator = r.str(Some(e), "operator")?;
            if !matches!(&*operator, "In" | "NotIn" | "Exists" | "DoesNotExist") {
                let at = r.field(Some(e), "operator").unwrap_or(e);
                return Err(r.error(
                    at,
                    format!("{operator:?} is not a valid label selector operator"),
                    "expected In, NotIn, Exists or DoesNotExist",
                ));
            }
            match_expressions.push(Expression {
                key: r.str(Some(e), "key")?,
                operator,
                values: r.strings(Some(e), "values")?,
            });
        }
        Ok(Selector {
            match_labels: r.string_map(Some(n), "matchLabels")?.unwrap_or_default(),
            match_expressions,
            present: true,
        })
    }

    /// The selector as Kubernetes evaluates it.
    pub fn to_label_selector(&self) -> LabelSelector {
        let mut requirements: Vec<Requirement> = self
            .match_labels
            .iter()
            .map(|(k, v)| Requirement {
                key: k.clone(),
                operator: Operator::Equals,
                values: vec![v.clone()],
            })
            .collect();
        for e in &self.match_expressions {
            let operator = match &*e.operator {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                _ => Operator::DoesNotExist,
            };
            requirements.push(Requirement {
                key: e.key.clone(),
                operator,
                values: e.values.clone(),
            });
        }
        LabelSelector { requirements }
    }

    /// `labels.Selector.String()`: requirements sorted by key, values sorted.
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        for (k, v) in &self.match_labels {
            parts.push((k.clone(), format!("{k}={v}")));
        }
        for e in &self.match_expressions {
            let mut values = e.values.clone();
            values.sort();
            let text = match &*e.operator {
                "In" => format!("{} in ({})", e.key, values.join(",")),
                "NotIn" => format!("{} notin ({})", e.key, values.join(",")),
                "Exists" => e.key.clone(),
                _ => format!("!{}", e.key),
            };
            parts.push((e.key.clone(), text));
        }
        parts.sort_by(|a, b| a.0.cmp(&b.0));
        parts
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// `monitoringv1.NamespaceSelector`.
#[derive(Debug, Clone, Default)]
pub struct NamespaceSelector {
    pub any: bool,
    pub match_names: Vec<String>,
}

impl NamespaceSelector {
    pub fn read(r: &Reader, obj: Option<&Node>) -> Result<NamespaceSelector> {
        let n = r.object(obj, "namespaceSelector")?;
        Ok(NamespaceSelector {
            any: r.bool(n, "any")?,
            match_names: r.strings(n, "matchNames")?,
        })
    }
}

/// A key of a Secret or ConfigMap in the resource's namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    pub config_map: bool,
    pub name: String,
    pub key: String,
}

impl KeyRef {
    pub(super) fn read_secret(r: &Reader, obj: Option<&Node>, key: &str) -> Result<Option<KeyRef>> {
        let Some(n) = r.object(obj, key)? else {
            return Ok(None);
        };
        Ok(Some(KeyRef {
            config_map: false,
            name: r.str(Some(n), "name")?,
            key: r.str(Some(n), "key")?,
        }))
    }

    /// `SecretOrConfigMap` under `key`.
    fn read_either(r: &Reader, obj: Option<&Node>, key: &str) -> Result<Option<KeyRef>> {
        let Some(n) = r.object(obj, key)? else {
            return Ok(None);
        };
        if let Some(secret) = KeyRef::read_secret(r, Some(n), "secret")? {
            return Ok(Some(secret));
        }
        Ok(
            KeyRef::read_secret(r, Some(n), "configMap")?.map(|k| KeyRef {
                config_map: true,
                ..k
            }),
        )
    }

    /// What kdm writes for the value of a secret: it never reads one.
    pub fn placeholder(&self, namespace: &str) -> String {
        let kind = if self.config_map {
            "configmap"
        } else {
            "secret"
        };
        format!("<{kind} {namespace}/{}:{}>", self.name, self.key)
    }

    /// Where the operator mounts a TLS asset.
    pub fn tls_asset_path(&self, namespace: &str) -> String {
        let from = if self.config_map { 1 } else { 0 };
        format!(
            "/etc/prometheus/certs/{from}_{namespace}_{}_{}",
            self.name, self.key
        )
    }
}

/// `monitoringv1.TLSConfig` (`SafeTLSConfig` plus file paths).
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    pub ca: Option<KeyRef>,
    pub cert: Option<KeyRef>,
    pub key_secret: Option<KeyRef>,
    pub server_name: Option<String>,
    pub insecure_skip_verify: Option<bool>,
    pub min_version: Option<String>,
    pub max_version: Option<String>,
    pub ca_file: String,
    pub cert_file: String,
    pub key_file: String,
}

impl TlsConfig {
    pub fn read(r: &Reader, obj: Option<&Node>, key: &str) -> Result<Option<TlsConfig>> {
        let Some(n) = r.object(obj, key)? else {
            return Ok(None);
        };
        let o = Some(n);
        Ok(Some(TlsConfig {
            ca: KeyRef::read_either(r, o, "ca")?,
            cert: KeyRef::read_either(r, o, "cert")?,
            key_secret: KeyRef::read_secret(r, o, "keySecret")?,
            server_name: r.opt_str(o, "serverName")?,
            insecure_skip_verify: r.opt_bool(o, "insecureSkipVerify")?,
            min_version: r.opt_str(o, "minVersion")?,
            max_version: r.opt_str(o, "maxVersion")?,
            ca_file: r.str(o, "caFile")?,
            cert_file: r.str(o, "certFile")?,
            key_file: r.str(o, "keyFile")?,
        }))
    }

    /// Go's `reflect.ValueOf(safeTLS).IsZero()` over the safe part.
    pub fn safe_part_is_zero(&self) -> bool {
        self.ca.is_none()
            && self.cert.is_none()
            && self.key_secret.is_none()
            && self.server_name.is_none()
            && self.insecure_skip_verify.is_none()
            && self.min_version.is_none()
            && self.max_version.is_none()
    }
}

/// `monitoringv1.SafeAuthorization` / `Authorization`.
#[derive(Debug, Clone, Default)]
pub struct Authorization {
    pub kind: String,
    pub credentials: Option<KeyRef>,
    pub credentials_file: String,
}

impl Authorization {
    pub fn read(r: &Reader, obj: Option<&Node>) -> Result<Option<Authorization>> {
        let Some(n) = r.object(obj, "authorization")? else {
            return Ok(None);
        };
        let o = Some(n);
        Ok(Some(Authorization {
            kind: r.str(o, "type")?,
            credentials: KeyRef::read_secret(r, o, "credentials")?,
            credentials_file: r.str(o, "credentialsFile")?,
        }))
    }
}

/// `monitoringv1.BasicAuth`.
#[derive(Debug, Clone)]
pub struct BasicAuth {
    pub username: Option<KeyRef>,
    pub password: Option<KeyRef>,
}

impl BasicAuth {
    pub fn read(r: &Reader, obj: Option<&Node>) -> Result<Option<BasicAuth>> {
        let Some(n) = r.object(obj, "basicAuth")? else {
            return Ok(None);
        };
        Ok(Some(BasicAuth {
            username: KeyRef::read_secret(r, Some(n), "username")?,
            password: KeyRef::read_secret(r, Some(n), "password")?,
        }))
    }
}

/// `monitoringv1.ProxyConfig`.
#[derive(Debug, Clone, Default)]
pub struct ProxyConfig {
    pub proxy_url: Option<String>,
    pub no_proxy: Option<String>,
    pub proxy_from_environment: Option<bool>,
    pub proxy_connect_header: Option<BTreeMap<String, Vec<KeyRef>>>,
}

impl ProxyConfig {
    pub fn read(r: &Reader, obj: Option<&Node>) -> Result<ProxyConfig> {
        let mut headers = None;
        if let Some(h) = r.object(obj, "proxyConnectHeader")? {
            let mut out = BTreeMap::new();
            for (k, v) in h.as_map().unwrap_or(&[]) {
                let mut refs = Vec::new();
                for item in v.as_seq().unwrap_or(&[]) {
                    refs.push(KeyRef {
                        config_map: false,
                        name: r.str(Some(item), "name")?,
                        key: r.str(Some(item), "key")?,
                    });
                }
                out.insert(k.key_string(), refs);
            }
            headers = Some(out);
        }
        Ok(ProxyConfig {
            proxy_url: r.opt_str(obj, "proxyUrl")?,
            no_proxy: r.opt_str(obj, "noProxy")?,
            proxy_from_environment: r.opt_bool(obj, "proxyFromEnvironment")?,
            proxy_connect_header: headers,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.proxy_url.is_none()
            && self.no_proxy.is_none()
            && self.proxy_from_environment.is_none()
            && self.proxy_connect_header.is_none()
    }
}

/// `monitoringv1.OAuth2`.
#[derive(Debug, Clone)]
pub struct OAuth2 {
    pub client_id: Option<KeyRef>,
    pub client_secret: Option<KeyRef>,
    pub token_url: String,
    pub scopes: Vec<String>,
    pub endpoint_params: Option<BTreeMap<String, String>>,
    pub proxy: ProxyConfig,
    pub tls: Option<TlsConfig>,
}

impl OAuth2 {
    pub fn read(r: &Reader, obj: Option<&Node>) -> Result<Option<OAuth2>> {
        let Some(n) = r.object(obj, "oauth2")? else {
            return Ok(None);
        };
        let o = Some(n);
        Ok(Some(OAuth2 {
            client_id: KeyRef::read_either(r, o, "clientId")?,
            client_secret: KeyRef::read_secret(r, o, "clientSecret")?,
            token_url: r.str(o, "tokenUrl")?,
            scopes: r.strings(o, "scopes")?,
            endpoint_params: r.string_map(o, "endpointParams")?,
            proxy: ProxyConfig::read(r, o)?,
            tls: TlsConfig::read(r, o, "tlsConfig")?,
        }))
    }
}

/// `intstr.IntOrString`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrString {
    Int(i64),
    Str(String),
}

impl IntOrString {
    pub fn read(r: &Reader, obj: Option<&Node>, key: &str) -> Result<Option<IntOrString>> {
        let Some(n) = r.field(obj, key) else {
            return Ok(None);
        };
        match (n.resolve(), n.as_str()) {
            (Some(Resolved::Int(i)), _) => Ok(Some(IntOrString::Int(i))),
            (Some(Resolved::Str), Some(s)) => Ok(Some(IntOrString::Str(s.to_string()))),
            _ => Err(r.error(
                n,
                format!("{key} must be a port number or name"),
                "not a number or string",
            )),
        }
    }

    /// `IntOrString.String()`.
    pub fn text(&self) -> String {
        match self {
            IntOrString::Int(i) => i.to_string(),
            IntOrString::Str(s) => s.clone(),
        }
    }
}

/// `monitoringv1.NativeHistogramConfig` (inlined in monitors).
#[derive(Debug, Clone, Default)]
pub struct NativeHistogramConfig {
    pub scrape_native_histograms: Option<bool>,
    pub bucket_limit: Option<i64>,
    pub min_bucket_factor: Option<f64>,
    pub scrape_classic_histograms: Option<bool>,
    pub convert_classic_to_nhcb: Option<bool>,
}

impl NativeHistogramConfig {
    pub fn read(r: &Reader, spec: Option<&Node>) -> Result<NativeHistogramConfig> {
        Ok(NativeHistogramConfig {
            scrape_native_histograms: r.opt_bool(spec, "scrapeNativeHistograms")?,
            bucket_limit: r.opt_int(spec, "nativeHistogramBucketLimit")?,
            min_bucket_factor: r.opt_float(spec, "nativeHistogramMinBucketFactor")?,
            scrape_classic_histograms: r.opt_bool(spec, "scrapeClassicHistograms")?,
            convert_classic_to_nhcb: r.opt_bool(spec, "convertClassicHistogramsToNHCB")?,
        })
    }
}

/// The limits and scrape options every monitor kind shares.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    pub sample_limit: Option<i64>,
    pub target_limit: Option<i64>,
    pub label_limit: Option<i64>,
    pub label_name_length_limit: Option<i64>,
    pub label_value_length_limit: Option<i64>,
    pub keep_dropped_targets: Option<i64>,
    pub body_size_limit: Option<String>,
    pub native_histograms: NativeHistogramConfig,
    pub scrape_protocols: Vec<String>,
    pub fallback_scrape_protocol: Option<String>,
    pub scrape_class_name: Option<String>,
}

impl Limits {
    pub fn read(r: &Reader, spec: Option<&Node>) -> Result<Limits> {
        Ok(Limits {
            sample_limit: r.opt_int(spec, "sampleLimit")?,
            target_limit: r.opt_int(spec, "targetLimit")?,
            label_limit: r.opt_int(spec, "labelLimit")?,
            label_name_length_limit: r.opt_int(spec, "labelNameLengthLimit")?,
            label_value_length_limit: r.opt_int(spec, "labelValueLengthLimit")?,
            keep_dropped_targets: r.opt_int(spec, "keepDroppedTargets")?,
            body_size_limit: r.opt_str(spec, "bodySizeLimit")?,
            native_histograms: NativeHistogramConfig::read(r, spec)?,
            scrape_protocols: r.strings(spec, "scrapeProtocols")?,
            fallback_scrape_protocol: r.opt_str(spec, "fallbackScrapeProtocol")?,
            scrape_class_name: r.opt_str(spec, "scrapeClass")?,
        })
    }
}

/// The HTTP client settings of an endpoint (`HTTPConfigWithProxyAndTLSFiles`
/// and its smaller variants, read as one).
#[derive(Debug, Clone, Default)]
pub struct HttpConfig {
    pub authorization: Option<Authorization>,
    pub basic_auth: Option<BasicAuth>,
    pub oauth2: Option<OAuth2>,
    pub bearer_token_secret: Option<KeyRef>,
    pub follow_redirects: Option<bool>,
    pub enable_http2: Option<bool>,
    pub tls: Option<TlsConfig>,
    pub proxy: ProxyConfig,
}

impl HttpConfig {
    pub fn read(r: &Reader, obj: Option<&Node>) -> Result<HttpConfig> {
        Ok(HttpConfig {
            authorization: Authorization::read(r, obj)?,
            basic_auth: BasicAuth::read(r, obj)?,
            oauth2: OAuth2::read(r, obj)?,
            bearer_token_secret: KeyRef::read_secret(r, obj, "bearerTokenSecret")?,
            follow_redirects: r.opt_bool(obj, "followRedirects")?,
            enable_http2: r.opt_bool(obj, "enableHttp2")?,
            tls: TlsConfig::read(r, obj, "tlsConfig")?,
            proxy: ProxyConfig::read(r, obj)?,
        })
    }
}
