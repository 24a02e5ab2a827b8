//! The Prometheus scrape job that matches a generated DaemonSet: Kubernetes
//! pod discovery narrowed to the DaemonSet's namespace and selector, one
//! target per pod on its metrics port, `instance` set to the node name.

use serde_json::{json, Map, Value};

use crate::k8s::kinds::PodTemplate;
use crate::k8s_sd::sanitize_label_name;

/// The metrics endpoint as the template's values describe it (`port.name`,
/// `metrics.path`, `metrics.scheme`: what the template renders the pods and
/// monitors from). What a template's values lack is read from the pods'
/// `prometheus.io/*` annotations, else Prometheus's defaults.
#[derive(Debug, Default, Clone)]
pub struct Endpoint {
    pub port: Option<String>,
    pub path: Option<String>,
    pub scheme: Option<String>,
}

impl Endpoint {
    pub fn from_values(values: &Value) -> Endpoint {
        let at = |p: &str| str_at(values, p).map(str::to_string);
        Endpoint {
            port: at("/port/name"),
            path: at("/metrics/path"),
            scheme: at("/metrics/scheme"),
        }
    }
}

/// Builds `{scrape_configs: [job]}` for a DaemonSet object.
pub fn scrape_config(ds: &Value, endpoint: &Endpoint) -> Result<Value, String> {
    let name = str_at(ds, "/metadata/name").ok_or("the DaemonSet has no metadata.name")?;
    let namespace = str_at(ds, "/metadata/namespace")
        .ok_or("the DaemonSet has no metadata.namespace, so the scrape job cannot name it")?;
    let selector = ds
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty())
        .ok_or("the DaemonSet selector has no matchLabels to select its pods by")?;
    let pod = PodTemplate::Spec.template(ds).unwrap_or(&Value::Null);
    let annotations = pod
        .pointer("/metadata/annotations")
        .and_then(Value::as_object);
    let annotation = |k: &str| annotations.and_then(|a| a.get(k)).and_then(Value::as_str);
    let port = match &endpoint.port {
        Some(name) => named_port(pod, name)?,
        None => metrics_port(pod, annotation("prometheus.io/port"))?,
    };

    let mut keys: Vec<(&String, &Value)> = selector.iter().collect();
    keys.sort_by_key(|(k, _)| k.as_str());
    let label_selector: Vec<String> = keys
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    let source_labels: Vec<String> = keys
        .iter()
        .map(|(k, _)| format!("__meta_kubernetes_pod_label_{}", sanitize_label_name(k)))
        .collect();
    let regex: Vec<String> = keys
        .iter()
        .map(|(_, v)| escape_regex(v.as_str().unwrap_or_default()))
        .collect();

    let mut relabel =
        vec![json!({"source_labels": source_labels, "regex": regex.join(";"), "action": "keep"})];
    relabel.push(match &port {
        Port::Named(n) => json!({
            "source_labels": ["__meta_kubernetes_pod_container_port_name"],
            "regex": escape_regex(n), "action": "keep"}),
        Port::Number(n) => json!({
            "source_labels": ["__meta_kubernetes_pod_container_port_number"],
            "regex": n.to_string(), "action": "keep"}),
    });
    for (from, to) in [
        ("__meta_kubernetes_pod_node_name", "instance"),
        ("__meta_kubernetes_namespace", "namespace"),
        ("__meta_kubernetes_pod_name", "pod"),
        ("__meta_kubernetes_pod_node_name", "node"),
    ] {
        relabel.push(json!({"source_labels": [from], "target_label": to}));
    }

    let mut job = Map::new();
    job.insert("job_name".into(), json!(name));
    let scheme = endpoint
        .scheme
        .as_deref()
        .or(annotation("prometheus.io/scheme"));
    if let Some(scheme) = scheme.filter(|s| *s != "http") {
        job.insert("scheme".into(), json!(scheme));
    }
    let path = endpoint
        .path
        .as_deref()
        .or(annotation("prometheus.io/path"));
    if let Some(path) = path.filter(|p| *p != "/metrics") {
        job.insert("metrics_path".into(), json!(path));
    }
    job.insert(
        "kubernetes_sd_configs".into(),
        json!([{
            "role": "pod",
            "namespaces": {"names": [namespace]},
            "selectors": [{"role": "pod", "label": label_selector.join(",")}],
        }]),
    );
    job.insert("relabel_configs".into(), Value::Array(relabel));
    Ok(json!({"scrape_configs": [Value::Object(job)]}))
}

enum Port {
    Named(String),
    Number(i64),
}

/// The container ports of a pod template.
fn ports(pod: &Value) -> Vec<&Value> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c.get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .collect()
}

/// The port the values name; the template must have declared it.
fn named_port(pod: &Value, name: &str) -> Result<Port, String> {
    ports(pod)
        .iter()
        .any(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .then(|| Port::Named(name.to_string()))
        .ok_or_else(|| format!("the values name the metrics port {name:?}, but no container declares a port of that name"))
}

/// The metrics port: the one `prometheus.io/port` names, else the port
/// named `metrics`, else the only port.
fn metrics_port(pod: &Value, annotated: Option<&str>) -> Result<Port, String> {
    let ports = ports(pod);
    let to_port = |p: &Value| match p.get("name").and_then(Value::as_str) {
        Some(n) => Port::Named(n.to_string()),
        None => Port::Number(p.get("containerPort").and_then(Value::as_i64).unwrap_or(0)),
    };
    if let Some(number) = annotated {
        let n: i64 = number
            .parse()
            .map_err(|_| format!("prometheus.io/port is {number:?}, not a port number"))?;
        return ports
            .iter()
            .find(|p| p.get("containerPort").and_then(Value::as_i64) == Some(n))
            .map(|p| to_port(p))
            .ok_or_else(|| {
                format!("prometheus.io/port is {n}, but no container declares that port")
            });
    }
    if let Some(p) = ports
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("metrics"))
    {
        return Ok(to_port(p));
    }
    match ports.as_slice() {
        [only] => Ok(to_port(only)),
        [] => Err("the DaemonSet's containers declare no port to scrape".into()),
        _ => Err("cannot tell which container port serves metrics: name it `metrics` or annotate the pods with prometheus.io/port".into()),
    }
}

/// Escapes RE2 metacharacters (label values and port names only contain
/// `.` of them, but stay safe).
fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(ports: Value, annotations: Value) -> Value {
        json!({"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "ops"},
            "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "agent", "tier": "a.b"}},
                "template": {"metadata": {"annotations": annotations},
                    "spec": {"containers": [{"name": "c", "ports": ports}]}}}})
    }

    #[test]
    fn keeps_the_selector_and_the_metrics_port() {
        let cfg = scrape_config(&ds(
            json!([{"name": "http", "containerPort": 80}, {"name": "metrics", "containerPort": 9000}]),
            json!({"prometheus.io/path": "/m"}),
        ), &Endpoint::default())
        .unwrap();
        let job = &cfg["scrape_configs"][0];
        assert_eq!(job["metrics_path"], "/m");
        assert_eq!(
            job["kubernetes_sd_configs"][0]["selectors"][0]["label"],
            "app.kubernetes.io/name=agent,tier=a.b"
        );
        assert_eq!(job["relabel_configs"][0]["regex"], "agent;a\\.b");
        assert_eq!(job["relabel_configs"][1]["regex"], "metrics");
    }

    #[test]
    fn port_choice() {
        let none = Endpoint::default();
        let two = json!([{"containerPort": 80}, {"containerPort": 9000}]);
        assert!(scrape_config(&ds(two.clone(), json!({})), &none).is_err());
        let cfg = scrape_config(&ds(two, json!({"prometheus.io/port": "9000"})), &none).unwrap();
        assert_eq!(
            cfg["scrape_configs"][0]["relabel_configs"][1]["regex"],
            "9000"
        );
        assert!(scrape_config(&ds(json!([]), json!({})), &none).is_err());
        assert!(scrape_config(
            &ds(
                json!([{"containerPort": 1}]),
                json!({"prometheus.io/port": "2"})
            ),
            &none
        )
        .is_err());
    }

    #[test]
    fn the_values_win_over_annotations() {
        let endpoint = Endpoint::from_values(&json!({
            "port": {"name": "http"}, "metrics": {"path": "/stats", "scheme": "https"}}));
        let cfg = scrape_config(
            &ds(
                json!([{"name": "http", "containerPort": 80}, {"name": "metrics", "containerPort": 9000}]),
                json!({"prometheus.io/path": "/m", "prometheus.io/port": "9000"}),
            ),
            &endpoint,
        )
        .unwrap();
        let job = &cfg["scrape_configs"][0];
        assert_eq!(job["metrics_path"], "/stats");
        assert_eq!(job["scheme"], "https");
        assert_eq!(job["relabel_configs"][1]["regex"], "http");
        let missing = Endpoint {
            port: Some("web".into()),
            ..Endpoint::default()
        };
        assert!(scrape_config(
            &ds(json!([{"name": "http", "containerPort": 80}]), json!({})),
            &missing
        )
        .is_err());
    }
}
