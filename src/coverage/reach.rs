//! Where a kept target leads, for jobs whose targets are not workload pods
//! (roles node, service and ingress, and static_configs): the final
//! `__address__` (or, for a blackbox-style probe, `__param_target`) is
//! looked up in the simulation. A node's address leads to the kubelet on
//! its port, or to the pods listening there with hostNetwork or a hostPort;
//! a Service's DNS name or ClusterIP to the pods its targetPort selects; an
//! Ingress host and path to its backend Service; the API server's proxy
//! path to a node, Service or pod.

use std::collections::HashMap;

use serde_json::Value;

use crate::k8s::simulate::Simulation;
use crate::prom::target::split_host_port;
use crate::relabel::SortedLabels;

/// A declared container port of a simulated pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PodPort<'a> {
    pub namespace: &'a str,
    pub pod: &'a str,
    pub container: &'a str,
    pub port: i64,
    pub name: Option<&'a str>,
}

/// What a kept target's address leads to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reach<'a> {
    /// Workload ports, and how the address gets there.
    Pods {
        ports: Vec<PodPort<'a>>,
        via: String,
    },
    /// The kubelet of a node, directly or through the API server's proxy.
    Kubelet { proxied: bool },
    /// A node's address and a port its pods listen on only in the pod
    /// network, where nothing on the node's address answers.
    PodNetworkOnly {
        address: String,
        ports: Vec<PodPort<'a>>,
    },
    /// Nothing in the input (another host, the API server itself).
    Elsewhere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    HostNetwork,
    HostPort,
    PodNetwork,
}

/// The simulation's addresses, indexed once per analysis.
pub(super) struct Index<'a> {
    sim: &'a Simulation,
    /// A node's address (IP or name) or name, to its index.
    nodes: HashMap<&'a str, usize>,
    /// (node, port) to the pod ports listening there, and how.
    listeners: HashMap<(usize, i64), Vec<(PodPort<'a>, How)>>,
    /// A Service's DNS names (`name.ns.svc[.cluster.local]`, `name.ns`)
    /// and ClusterIP, lower-cased.
    services: HashMap<String, &'a Value>,
    ingresses: Vec<&'a Value>,
}

/// The host names of the API server inside the cluster.
const API_SERVER: [&str; 4] = [
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
    "kubernetes.default",
    "kubernetes",
];

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// The items of the array at `pointer`, none when there is none.
fn array_at<'v>(v: &'v Value, pointer: &str) -> impl Iterator<Item = &'v Value> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// A pod's containers and sidecars (init containers), with their ports.
fn containers(pod: &Value) -> impl Iterator<Item = &Value> {
    ["/spec/containers", "/spec/initContainers"]
        .into_iter()
        .flat_map(|p| array_at(pod, p))
}

fn ports_of(container: &Value) -> impl Iterator<Item = &Value> {
    array_at(container, "/ports")
}

impl<'a> Index<'a> {
    pub fn new(sim: &'a Simulation) -> Index<'a> {
        let mut nodes = HashMap::new();
        for (i, n) in sim.nodes.iter().enumerate() {
            nodes.entry(n.name.as_str()).or_insert(i);
            for a in &n.addresses {
                nodes.entry(a.as_str()).or_insert(i);
            }
        }
        let mut index = Index {
            sim,
            nodes,
            listeners: HashMap::new(),
            services: HashMap::new(),
            ingresses: Vec::new(),
        };
        for o in &sim.objects {
            match o["kind"].as_str() {
                Some("Pod") => index.add_pod(o),
                Some("Service") => index.add_service(o),
                Some("Ingress") => index.ingresses.push(o),
                _ => {}
            }
        }
        index
    }

    fn add_pod(&mut self, pod: &'a Value) {
        let Some(&node) = str_at(pod, "/spec/nodeName").and_then(|n| self.nodes.get(n)) else {
            return;
        };
        let host_network = pod.pointer("/spec/hostNetwork").and_then(Value::as_bool) == Some(true);
        for c in containers(pod) {
            for p in ports_of(c) {
                let Some(port) = p.get("containerPort").and_then(Value::as_i64) else {
                    continue;
                };
                let host_port = p.get("hostPort").and_then(Value::as_i64);
                let (at, how) = match (host_network, host_port) {
                    (true, _) => (port, How::HostNetwork),
                    (false, Some(h)) => (h, How::HostPort),
                    (false, None) => (port, How::PodNetwork),
                };
                let listener = PodPort {
                    namespace: str_at(pod, "/metadata/namespace").unwrap_or("default"),
                    pod: str_at(pod, "/metadata/name").unwrap_or(""),
                    container: c.get("name").and_then(Value::as_str).unwrap_or(""),
                    port,
                    name: p.get("name").and_then(Value::as_str),
                };
                self.listeners
                    .entry((node, at))
                    .or_default()
                    .push((listener, how));
            }
        }
    }

    fn add_service(&mut self, svc: &'a Value) {
        let name = str_at(svc, "/metadata/name")
            .unwrap_or("")
            .to_ascii_lowercase();
        let ns = str_at(svc, "/metadata/namespace").unwrap_or("default");
        let mut keys = vec![
            format!("{name}.{ns}.svc"),
            format!("{name}.{ns}.svc.cluster.local"),
            format!("{name}.{ns}"),
        ];
        if let Some(ip) =
            str_at(svc, "/spec/clusterIP").filter(|ip| !ip.is_empty() && *ip != "None")
        {
            keys.push(ip.to_string());
        }
        for k in keys {
            self.services.entry(k).or_insert(svc);
        }
    }

    /// Where a kept target leads, and whether it is a probe (a
    /// `__param_target`, as blackbox-style jobs set it).
    pub fn reach(&self, target: &SortedLabels<'_>) -> (Reach<'a>, bool) {
        if let Some(probed) = target.get("__param_target").filter(|t| !t.is_empty()) {
            let (scheme, rest) = match probed.split_once("://") {
                Some((s, rest)) => (s, rest),
                None => ("http", probed),
            };
            let (address, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            return (self.address(address, scheme, path), true);
        }
        let address = target.get("__address__").unwrap_or("");
        let scheme = target.get("__scheme__").unwrap_or("http");
        let path = target.get("__metrics_path__").unwrap_or("/metrics");
        (self.address(address, scheme, path), false)
    }

    /// `host[:port]` with the scheme's default port.
    fn address(&self, address: &str, scheme: &str, path: &str) -> Reach<'a> {
        let default_port = if scheme.eq_ignore_ascii_case("https") {
            443
        } else {
            80
        };
        let (host, port) = match split_host_port(address) {
            Some((h, p)) => (h, p.parse().unwrap_or(default_port)),
            None => (address, default_port),
        };
        let host = host.to_ascii_lowercase();
        if API_SERVER.contains(&host.as_str()) {
            return self.api_proxy(path).unwrap_or(Reach::Elsewhere);
        }
        if let Some(&node) = self.nodes.get(host.as_str()) {
            return self.on_node(node, port, address, "");
        }
        if let Some(svc) = self.services.get(&host) {
            if str_at(svc, "/spec/clusterIP") == Some("None") {
                return self.headless(svc, port);
            }
            let by_number = |p: &Value| p.get("port").and_then(Value::as_i64) == Some(port);
            return self.through_service(svc, &by_number, "");
        }
        self.ingress(&host, path).unwrap_or(Reach::Elsewhere)
    }

    /// The pods behind port `port` (its number) of Service `ns/name`.
    pub fn service(&self, ns: &str, name: &str, port: &str) -> Reach<'a> {
        let key = format!("{}.{ns}.svc", name.to_ascii_lowercase());
        match self.services.get(&key) {
            Some(svc) => self.through_service(svc, &|p| same_port(p, &Value::from(port)), ""),
            None => Reach::Elsewhere,
        }
    }

    /// A port on a node's address: the kubelet, or the pods listening there.
    fn on_node(&self, node: usize, port: i64, address: &str, via: &str) -> Reach<'a> {
        let n = &self.sim.nodes[node];
        if port == n.kubelet_port {
            return Reach::Kubelet {
                proxied: !via.is_empty(),
            };
        }
        let listeners = self.listeners.get(&(node, port));
        let open: Vec<&(PodPort<'a>, How)> = listeners
            .into_iter()
            .flatten()
            .filter(|(_, how)| *how != How::PodNetwork)
            .collect();
        if let Some((_, how)) = open.first() {
            let how = match how {
                How::HostNetwork => "hostNetwork".to_string(),
                _ => format!("hostPort {port}"),
            };
            return Reach::Pods {
                ports: open.iter().map(|(p, _)| p.clone()).collect(),
                via: format!("{via}{how}"),
            };
        }
        let hidden: Vec<PodPort<'a>> = listeners
            .into_iter()
            .flatten()
            .map(|(p, _)| p.clone())
            .collect();
        if hidden.is_empty() {
            return Reach::Elsewhere;
        }
        let address = if via.is_empty() {
            address.to_string()
        } else {
            format!("{}:{port} through the API server's node proxy", n.name)
        };
        Reach::PodNetworkOnly {
            address,
            ports: hidden,
        }
    }

    /// The pods behind the Service ports `port` picks.
    fn through_service(&self, svc: &Value, port: &dyn Fn(&Value) -> bool, via: &str) -> Reach<'a> {
        let mut ports = Vec::new();
        let mut pods = 0;
        for sp in array_at(svc, "/spec/ports").filter(|p| port(p)) {
            let backends = self.sim.backends(svc, sp);
            pods = pods.max(backends.len());
            for (pod, number) in backends {
                ports.extend(numbered(pod, number));
            }
        }
        found(ports, || service_via(&format!("{via}Service"), svc, pods))
    }

    /// A headless Service's name resolves to its pods' addresses: the port
    /// is theirs, not mapped through the Service's targetPort.
    fn headless(&self, svc: &Value, port: i64) -> Reach<'a> {
        let mut pods = 0;
        let mut ports = Vec::new();
        for pod in self.sim.selected_pods(svc) {
            pods += 1;
            ports.extend(numbered(pod, port));
        }
        found(ports, || service_via("headless Service", svc, pods))
    }

    /// The Ingress rule for `host` whose path is the longest prefix of
    /// `path`, through its backend Service.
    fn ingress(&self, host: &str, path: &str) -> Option<Reach<'a>> {
        let mut best: Option<(usize, &Value, &Value)> = None;
        for ing in &self.ingresses {
            for rule in array_at(ing, "/spec/rules") {
                let rule_host = rule.get("host").and_then(Value::as_str).unwrap_or("");
                if rule_host.is_empty() || !host_matches(rule_host, host) {
                    continue;
                }
                for p in array_at(rule, "/http/paths") {
                    let prefix = p.get("path").and_then(Value::as_str).unwrap_or("/");
                    let longer = best.is_none_or(|(len, _, _)| prefix.len() > len);
                    if path.starts_with(prefix) && longer {
                        best = p.get("backend").map(|b| (prefix.len(), *ing, b));
                    }
                }
            }
        }
        let (_, ing, backend) = best?;
        let ns = str_at(ing, "/metadata/namespace").unwrap_or("default");
        // networking.k8s.io/v1, then the older serviceName/servicePort.
        let (service, port) = match backend.get("service") {
            Some(s) => (
                s.get("name").and_then(Value::as_str)?,
                s.pointer("/port/number")
                    .or_else(|| s.pointer("/port/name"))?,
            ),
            None => (
                backend.get("serviceName").and_then(Value::as_str)?,
                backend.get("servicePort")?,
            ),
        };
        let svc = self.services.get(&format!("{service}.{ns}.svc"))?;
        let via = format!(
            "Ingress {ns}/{} to ",
            str_at(ing, "/metadata/name").unwrap_or("")
        );
        Some(self.through_service(svc, &|p| same_port(p, port), &via))
    }

    /// `/api/v1/nodes/NODE[:PORT]/proxy/...`, `/api/v1/namespaces/NS/
    /// services/NAME[:PORT]/proxy/...` and `.../pods/NAME[:PORT]/proxy/...`
    /// through the API server (an optional `scheme:` before the name).
    fn api_proxy(&self, path: &str) -> Option<Reach<'a>> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let (name, port) = match parts.as_slice() {
            ["api", "v1", "nodes", target, "proxy", ..] => {
                let (name, port) = scheme_name_port(target);
                let node = *self.nodes.get(name)?;
                let port = match port {
                    Some(p) => p.parse().ok()?,
                    None => self.sim.nodes[node].kubelet_port,
                };
                let ip = &self.sim.nodes[node].ip;
                let via = "the API server's node proxy and ";
                return Some(self.on_node(node, port, &format!("{ip}:{port}"), via));
            }
            ["api", "v1", "namespaces", ns, "services", target, "proxy", ..] => {
                let (name, port) = scheme_name_port(target);
                let svc = self.services.get(&format!("{name}.{ns}.svc"))?;
                let single = svc
                    .pointer("/spec/ports")
                    .and_then(Value::as_array)
                    .is_some_and(|p| p.len() == 1);
                let pick = |p: &Value| match port {
                    Some(port) => same_port(p, &Value::String(port.to_string())),
                    None => {
                        single
                            || p.get("name")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .is_empty()
                    }
                };
                let via = "the API server's service proxy to ";
                return Some(self.through_service(svc, &pick, via));
            }
            ["api", "v1", "namespaces", ns, "pods", target, "proxy", ..] => {
                let (name, port) = scheme_name_port(target);
                ((*ns, name), port)
            }
            _ => return None,
        };
        let pod = self.sim.objects.iter().find(|o| {
            o["kind"] == "Pod"
                && str_at(o, "/metadata/namespace") == Some(name.0)
                && str_at(o, "/metadata/name") == Some(name.1)
        })?;
        let port = port?;
        let ports = declared(pod, |p| {
            p.get("containerPort")
                .and_then(Value::as_i64)
                .map(|n| n.to_string())
                .as_deref()
                == Some(port)
                || p.get("name").and_then(Value::as_str) == Some(port)
        });
        (!ports.is_empty()).then(|| Reach::Pods {
            ports,
            via: "the API server's pod proxy".into(),
        })
    }
}

/// `Service ns/name`, and that each request reaches one of its pods when
/// there are several.
fn service_via(what: &str, svc: &Value, pods: usize) -> String {
    let ns = str_at(svc, "/metadata/namespace").unwrap_or("default");
    let name = str_at(svc, "/metadata/name").unwrap_or("");
    let mut via = format!("{what} {ns}/{name}");
    if pods > 1 {
        via.push_str(&format!(" (each request reaches one of its {pods} pods)"));
    }
    via
}

/// The pod ports reached, or nothing in the input when there are none.
fn found<'a>(ports: Vec<PodPort<'a>>, via: impl FnOnce() -> String) -> Reach<'a> {
    if ports.is_empty() {
        Reach::Elsewhere
    } else {
        Reach::Pods { ports, via: via() }
    }
}

/// The declared ports of `pod` numbered `number`.
fn numbered(pod: &Value, number: i64) -> Vec<PodPort<'_>> {
    declared(pod, |p| {
        p.get("containerPort").and_then(Value::as_i64) == Some(number)
    })
}

/// The declared ports of `pod` that `pick` accepts.
fn declared<'a>(pod: &'a Value, pick: impl Fn(&Value) -> bool) -> Vec<PodPort<'a>> {
    let mut out = Vec::new();
    for c in containers(pod) {
        for p in ports_of(c).filter(|p| pick(p)) {
            out.push(PodPort {
                namespace: str_at(pod, "/metadata/namespace").unwrap_or("default"),
                pod: str_at(pod, "/metadata/name").unwrap_or(""),
                container: c.get("name").and_then(Value::as_str).unwrap_or(""),
                port: p.get("containerPort").and_then(Value::as_i64).unwrap_or(0),
                name: p.get("name").and_then(Value::as_str),
            });
        }
    }
    out
}

/// Whether a Service port is the one `port` names (its number, or its
/// name).
fn same_port(service_port: &Value, port: &Value) -> bool {
    let text = port
        .as_str()
        .map_or_else(|| port.to_string(), str::to_string);
    service_port
        .get("port")
        .and_then(Value::as_i64)
        .map(|n| n.to_string())
        == Some(text.clone())
        || service_port.get("name").and_then(Value::as_str) == Some(text.as_str())
}

/// `[scheme:]name[:port]` of an API server proxy path.
fn scheme_name_port(s: &str) -> (&str, Option<&str>) {
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        [name] => (name, None),
        [name, port] => (name, Some(*port).filter(|p| !p.is_empty())),
        [_, name, port, ..] => (name, Some(*port).filter(|p| !p.is_empty())),
        [] => (s, None),
    }
}

/// An Ingress rule host (`*.example.com` matches one label) and a host.
fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail.eq_ignore_ascii_case(rest)),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::coverage::{analyze, Coverage, JobOutcome};
    use crate::prom::config::{parse_config, ConfigInput, ScrapeJob};
    use crate::relabel::Flavor;
    use crate::yaml::{load_stream, Limits, Source};

    fn jobs(config: &str) -> Vec<ScrapeJob> {
        let src = Source::new("prometheus.yml", config.to_string());
        let docs = load_stream(&src, Limits::default()).expect("YAML");
        match parse_config(&src, &docs[0], Flavor::V3).expect("config") {
            ConfigInput::Jobs(j) => j,
            ConfigInput::Rules(_) => panic!("not a config"),
        }
    }

    fn run(config: &str, objects: &[Value], nodes: usize) -> Coverage {
        let jobs = jobs(config);
        let refs: Vec<&ScrapeJob> = jobs.iter().collect();
        analyze(objects, &refs, nodes, Flavor::V3)
    }

    /// The outcome of job `job` on the port numbered `port` of workload
    /// `w`.
    fn outcome<'c>(c: &'c Coverage, w: usize, port: i64, job: &str) -> Option<&'c JobOutcome> {
        c.workloads[w]
            .ports
            .iter()
            .find(|p| p.port == Some(port))?
            .jobs
            .iter()
            .find(|o| o.job == job)
    }

    /// A node-exporter DaemonSet; `network` is merged into its pod spec
    /// and `port` into its container port.
    fn exporter(name: &str, network: Value, port: Value) -> Value {
        let mut spec = json!({"containers": [{"name": "node-exporter",
            "ports": [{"name": "metrics", "containerPort": 9100}]}]});
        for (k, v) in network.as_object().into_iter().flatten() {
            spec[k] = v.clone();
        }
        for (k, v) in port.as_object().into_iter().flatten() {
            spec["containers"][0]["ports"][0][k] = v.clone();
        }
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": "monitoring"},
            "spec": {"selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}})
    }

    const NODE_EXPORTER: &str = r#"
scrape_configs:
  - job_name: node-exporter
    kubernetes_sd_configs: [{role: node}]
    relabel_configs:
      - source_labels: [__address__]
        regex: '(.*):10250'
        replacement: '${1}:9100'
        target_label: __address__
  - job_name: kubelet
    kubernetes_sd_configs: [{role: node}]
  - job_name: cadvisor
    kubernetes_sd_configs: [{role: node}]
    relabel_configs:
      - target_label: __address__
        replacement: kubernetes.default.svc:443
      - source_labels: [__meta_kubernetes_node_name]
        target_label: __metrics_path__
        replacement: /api/v1/nodes/${1}/proxy/metrics/cadvisor
  - job_name: proxied-exporter
    kubernetes_sd_configs: [{role: node}]
    relabel_configs:
      - target_label: __address__
        replacement: kubernetes.default.svc:443
      - source_labels: [__meta_kubernetes_node_name]
        target_label: __metrics_path__
        replacement: /api/v1/nodes/${1}:9100/proxy/metrics
"#;

    #[test]
    fn node_jobs_reach_host_network_and_host_ports_only() {
        // One at a time: two pods cannot both bind port 9100 of a node.
        let alone = |ds| run(NODE_EXPORTER, &[ds], 2);
        let port = alone(exporter("host-port", json!({}), json!({"hostPort": 9100})));
        let port = outcome(&port, 0, 9100, "node-exporter").expect("host port");
        assert_eq!((port.kept, port.via.as_deref()), (2, Some("hostPort 9100")));
        let hidden = alone(exporter("pod-network", json!({}), json!({})));
        assert_eq!(
            hidden.jobs[0]
                .reach
                .as_ref()
                .map(|r| r.describe())
                .as_deref(),
            Some("2 reach ports open only in the pod network")
        );
        assert!(hidden.workloads[0].scraped_by().is_empty());
        let hidden = outcome(&hidden, 0, 9100, "node-exporter").expect("pod network");
        assert_eq!(hidden.kept, 0);
        assert_eq!(
            hidden.unreachable.as_deref(),
            Some("job node-exporter scrapes 198.18.0.1:9100 but pod pod-network-sim01 listens on 9100 only in the pod network; add hostNetwork or hostPort")
        );
        let c = alone(exporter(
            "host-network",
            json!({"hostNetwork": true}),
            json!({}),
        ));
        let on_host = outcome(&c, 0, 9100, "node-exporter").expect("host network");
        assert_eq!(
            (on_host.kept, on_host.via.as_deref()),
            (2, Some("hostNetwork"))
        );
        assert_eq!(
            on_host.scrape_url.as_deref(),
            Some("http://198.18.0.1:9100/metrics")
        );
        // Through the API server's node proxy with a port: the node's port.
        let proxied = outcome(&c, 0, 9100, "proxied-exporter").expect("proxied");
        assert_eq!(
            proxied.via.as_deref(),
            Some("the API server's node proxy and hostNetwork")
        );
        // The kubelet, directly or proxied, is no workload.
        assert!(outcome(&c, 0, 9100, "kubelet").is_none());
        let reach = |job: &str| {
            let j = c.jobs.iter().find(|j| j.job == job).expect("job");
            j.reach.as_ref().expect("reach").describe()
        };
        assert_eq!(reach("kubelet"), "2 scrape the kubelet");
        assert_eq!(
            reach("cadvisor"),
            "2 scrape the kubelet through the API server"
        );
        assert_eq!(reach("node-exporter"), "2 scrape workload ports");
        assert_eq!(
            c.workloads[0].scraped_by(),
            ["node-exporter", "proxied-exporter"]
        );
    }

    /// The input's Node objects are the nodes: pods run on them and node
    /// jobs discover them as written.
    #[test]
    fn input_nodes_replace_simulated_ones() {
        let node = json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "worker-a", "labels": {"kubernetes.io/hostname": "worker-a"}},
            "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.7"},
                                     {"type": "Hostname", "address": "worker-a"}],
                       "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}});
        let objects = [
            node,
            exporter("host-network", json!({"hostNetwork": true}), json!({})),
        ];
        let c = run(NODE_EXPORTER, &objects, 5);
        assert!(c.nodes_from_input);
        assert_eq!(c.nodes, ["worker-a"]);
        let o = outcome(&c, 0, 9100, "node-exporter").expect("scraped");
        assert_eq!(
            o.scrape_url.as_deref(),
            Some("http://10.0.0.7:9100/metrics")
        );
    }

    fn web() -> [Value; 3] {
        [
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web",
                            "ports": [{"name": "http", "containerPort": 8080}]}]}}}}),
            json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"clusterIP": "10.96.0.20", "selector": {"app": "web"},
                    "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [
                    {"path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": "web", "port": {"name": "http"}}}}]}}]}}),
        ]
    }

    #[test]
    fn services_ingresses_and_static_addresses() {
        let config = r#"
scrape_configs:
  - job_name: service-scrape
    kubernetes_sd_configs: [{role: service}]
  - job_name: blackbox-services
    metrics_path: /probe
    kubernetes_sd_configs: [{role: service}]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - target_label: __address__
        replacement: blackbox:9115
  - job_name: blackbox-ingresses
    metrics_path: /probe
    kubernetes_sd_configs: [{role: ingress}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_ingress_scheme, __address__, __meta_kubernetes_ingress_path]
        regex: (.+);(.+);(.+)
        replacement: ${1}://${2}${3}
        target_label: __param_target
      - target_label: __address__
        replacement: blackbox:9115
  - job_name: static-dns
    static_configs: [{targets: ['web.shop.svc.cluster.local:80']}]
  - job_name: static-short
    static_configs: [{targets: ['web.shop:80', '10.96.0.20:80', 'localhost:9090']}]
  - job_name: keep-annotated
    kubernetes_sd_configs: [{role: service}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape]
        regex: "true"
        action: keep
  - job_name: blackbox-annotated
    kubernetes_sd_configs: [{role: service}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_probe]
        regex: "true"
        action: keep
      - source_labels: [__address__]
        target_label: __param_target
      - target_label: __address__
        replacement: blackbox:9115
"#;
        let c = run(config, &web(), 2);
        let o = |job| outcome(&c, 0, 8080, job).expect(job);
        assert_eq!(o("service-scrape").kept, 1);
        assert_eq!(
            o("service-scrape").via.as_deref(),
            Some("Service shop/web (each request reaches one of its 2 pods)")
        );
        assert_eq!(
            (o("blackbox-services").kept, o("blackbox-services").probed),
            (0, 1)
        );
        let ingress = o("blackbox-ingresses");
        assert_eq!(ingress.probed, 1);
        assert_eq!(
            ingress.via.as_deref(),
            Some("Ingress shop/web to Service shop/web (each request reaches one of its 2 pods)")
        );
        assert_eq!(o("static-dns").kept, 1);
        assert_eq!(o("static-short").kept, 2);
        let statics = c
            .jobs
            .iter()
            .find(|j| j.job == "static-short")
            .expect("job");
        assert_eq!(
            statics.reach.as_ref().map(|r| r.describe()).as_deref(),
            Some("2 scrape workload ports, 1 reach nothing in the input")
        );
        // A dropped Service port is shown on the ports behind it.
        let dropped = o("keep-annotated");
        assert_eq!(
            (dropped.dropped, dropped.dropped_by_action),
            (1, Some("keep"))
        );
        // Probes are not scrapes: scraped twice by the scraping jobs only.
        let twice = crate::coverage::duplicates(&c);
        assert_eq!(twice[0].2, ["service-scrape", "static-dns", "static-short"]);
        let why = crate::coverage::why_not(
            &c.workloads[0],
            c.jobs
                .iter()
                .find(|j| j.job == "blackbox-services")
                .expect("job"),
        );
        assert!(why.is_some_and(|w| w.contains("probes it")));
        // A probe job's keep rule says nothing about scraping.
        let job = |name| c.jobs.iter().find(|j| j.job == name).expect("job");
        assert!(job("blackbox-annotated").probes);
        assert_eq!(o("blackbox-annotated").dropped, 1);
        assert_eq!(
            crate::coverage::why_not(&c.workloads[0], job("blackbox-annotated")),
            None
        );
        assert!(
            crate::coverage::why_not(&c.workloads[0], job("keep-annotated")).is_some_and(
                |w| w.starts_with("keep-annotated dropped it by relabel_configs[0] (keep")
            )
        );
    }

    /// A headless Service's name resolves to pod addresses: the port in the
    /// address is the pods' own, not a Service port.
    #[test]
    fn headless_services_are_pod_addresses() {
        let mut objects = web();
        objects[1]["spec"]["clusterIP"] = json!("None");
        let config = r#"
scrape_configs:
  - job_name: pod-port
    static_configs: [{targets: ['web.shop.svc:8080']}]
  - job_name: service-port
    static_configs: [{targets: ['web.shop.svc:80']}]
"#;
        let c = run(config, &objects, 2);
        let o = outcome(&c, 0, 8080, "pod-port").expect("scraped");
        assert_eq!(
            o.via.as_deref(),
            Some("headless Service shop/web (each request reaches one of its 2 pods)")
        );
        assert!(outcome(&c, 0, 8080, "service-port").is_none());
    }
}
