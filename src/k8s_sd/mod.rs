//! Kubernetes service discovery: the target groups Prometheus's
//! `kubernetes_sd_configs` (discovery/kubernetes, 3.x HEAD) derives from
//! Kubernetes objects, computed from a static set of objects instead of
//! informer caches.
//!
//! The objects stand in for what the API server would return to
//! Prometheus's list/watch requests: namespace filters and `selectors` are
//! applied to them here as the API server would apply them. Objects are used
//! as given; API-server defaulting (e.g. a port protocol of `TCP`) is not
//! applied, so objects exported from a cluster give the closest result.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Endpoints, Namespace, Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::k8s::selector::LabelSelector;

mod endpoints;
mod endpointslice;
mod ingress;
mod node;
mod objects;
mod pod;
mod selector;
mod service;

pub use objects::{discover_objects, KubeObject};
pub use selector::{parse_field_selector, parse_label_selector, FieldRequirement, FieldSelector};

pub type LabelSet = BTreeMap<String, String>;

/// A `kubernetes_sd_configs` role: which kind of object becomes targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Pod,
    Node,
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
}

impl Role {
    /// Every role, in the order `--help` lists them.
    pub const ALL: [Role; 6] = [
        Role::Pod,
        Role::Node,
        Role::Service,
        Role::Endpoints,
        Role::EndpointSlice,
        Role::Ingress,
    ];

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Pod => "pod",
            Role::Node => "node",
            Role::Service => "service",
            Role::Endpoints => "endpoints",
            Role::EndpointSlice => "endpointslice",
            Role::Ingress => "ingress",
        }
    }

    /// Whether the role's targets are pods (with their containers' labels).
    pub fn discovers_pods(self) -> bool {
        matches!(self, Role::Pod | Role::Endpoints | Role::EndpointSlice)
    }

    /// The selector roles a job of this role accepts, in Prometheus's order
    /// (used verbatim in its config error message).
    pub fn allowed_selector_roles(self) -> &'static [Role] {
        match self {
            Role::Pod => &[Role::Pod, Role::Node],
            Role::Service => &[Role::Service],
            Role::EndpointSlice => &[Role::Pod, Role::Service, Role::EndpointSlice],
            Role::Endpoints => &[Role::Pod, Role::Service, Role::Endpoints],
            Role::Node => &[Role::Node],
            Role::Ingress => &[Role::Ingress],
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        Role::parse(s).ok_or_else(|| format!("unknown Kubernetes SD role {s:?}"))
    }
}

impl serde::Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct AttachMetadata {
    pub node: bool,
    pub namespace: bool,
    pub deployment: bool,
    pub job: bool,
    pub cronjob: bool,
}

#[derive(Debug, Clone)]
pub struct RoleSelector {
    pub role: Role,
    pub label: Option<String>,
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SdConfig {
    pub role: Role,
    /// Empty = all namespaces.
    pub namespaces: Vec<String>,
    pub attach_metadata: AttachMetadata,
    /// kubernetes_sd_configs `selectors`: label/field selectors the API server would apply, per role.
    pub selectors: Vec<RoleSelector>,
}

impl SdConfig {
    /// A plain `{role: ROLE}` entry: all namespaces, no attached metadata,
    /// no selectors.
    pub fn new(role: Role) -> SdConfig {
        SdConfig {
            role,
            namespaces: Vec::new(),
            attach_metadata: AttachMetadata::default(),
            selectors: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroup {
    pub source: String,
    pub labels: LabelSet,
    pub targets: Vec<LabelSet>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SdError {
    pub object_index: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for SdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.object_index {
            Some(i) => write!(f, "object #{i}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SdError {}

impl SdError {
    fn config(message: String) -> SdError {
        SdError {
            object_index: None,
            message,
        }
    }
}

const META_PREFIX: &str = "__meta_kubernetes_";
const NAMESPACE_LABEL: &str = "__meta_kubernetes_namespace";
const ADDRESS_LABEL: &str = "__address__";
const INSTANCE_LABEL: &str = "instance";
const PRESENT_VALUE: &str = "true";

/// `objects`: every Kubernetes object of the input, Lists already flattened, each a JSON object with `kind`
/// (Pod, Node, Service, Endpoints, EndpointSlice, Ingress, Namespace, ReplicaSet, Job, ... — objects of kinds a role doesn't use are ignored).
/// Returns the groups in input order of the role's primary objects.
///
/// When the input holds the same primary object (kind, namespace, name) more
/// than once, the last copy wins, as in an informer cache, and its group sits
/// at the position of the first copy.
pub fn discover(objects: &[Value], cfg: &SdConfig) -> Result<Vec<TargetGroup>, SdError> {
    let selectors = Selectors::from_config(cfg)?;
    let cluster = Cluster::load(objects, cfg, &selectors)?;
    let env = Env {
        cfg,
        cluster: &cluster,
    };
    Ok(match cfg.role {
        Role::Node => cluster.nodes.values().filter_map(node::build).collect(),
        Role::Pod => cluster.pods.values().map(|p| pod::build(p, &env)).collect(),
        Role::Service => cluster
            .services
            .values()
            .map(|s| service::build(s, &env))
            .collect(),
        Role::Endpoints => cluster
            .endpoints
            .values()
            .map(|e| endpoints::build(e, &env))
            .collect(),
        Role::EndpointSlice => cluster
            .endpoint_slices
            .values()
            .map(|e| endpointslice::build(e, &env))
            .collect(),
        Role::Ingress => cluster
            .ingresses
            .values()
            .map(|i| ingress::build(i, &env))
            .collect(),
    })
}

// ---------------------------------------------------------------------------
// Selectors

#[derive(Default)]
struct ResourceSelector {
    label: Option<LabelSelector>,
    field: Option<FieldSelector>,
}

/// Parsed `selectors`, keyed by the role (= resource) they filter.
#[derive(Default)]
struct Selectors {
    by_role: Vec<(Role, ResourceSelector)>,
}

impl Selectors {
    /// Validates like Prometheus's `SDConfig.UnmarshalYAML` (allowed roles,
    /// no duplicates, parsable selectors), and additionally rejects field
    /// selectors on fields the API server doesn't support for the resource.
    fn from_config(cfg: &SdConfig) -> Result<Selectors, SdError> {
        let allowed = cfg.role.allowed_selector_roles();
        let mut out = Selectors::default();
        for rs in &cfg.selectors {
            if out.by_role.iter().any(|(r, _)| *r == rs.role) {
                return Err(SdError::config(format!(
                    "duplicated selector role: {}",
                    rs.role.as_str()
                )));
            }
            if !allowed.contains(&rs.role) {
                let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
                return Err(SdError::config(format!(
                    "{} role supports only {} selectors",
                    cfg.role.as_str(),
                    names.join(", ")
                )));
            }
            let kind = Kind::for_role(rs.role);
            let field = match rs.field.as_deref() {
                Some(f) => {
                    let parsed = parse_field_selector(f).map_err(|e| {
                        SdError::config(format!(
                            "invalid field selector {f:?} for role {}: {e}",
                            rs.role.as_str()
                        ))
                    })?;
                    for req in &parsed.requirements {
                        if !kind.supports_field(&req.field) {
                            return Err(SdError::config(format!(
                                "field selector {f:?} for role {}: field label not supported for {}: {:?} (supported: {})",
                                rs.role.as_str(),
                                kind.name(),
                                req.field,
                                kind.supported_fields().join(", ")
                            )));
                        }
                    }
                    Some(parsed)
                }
                None => None,
            };
            let label = match rs.label.as_deref() {
                Some(l) => Some(parse_label_selector(l).map_err(|e| {
                    SdError::config(format!(
                        "invalid label selector {l:?} for role {}: {e}",
                        rs.role.as_str()
                    ))
                })?),
                None => None,
            };
            out.by_role
                .push((rs.role, ResourceSelector { label, field }));
        }
        Ok(out)
    }

    fn for_kind(&self, kind: Kind) -> Option<&ResourceSelector> {
        let role = kind.selector_role()?;
        self.by_role
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, s)| s)
    }
}

// ---------------------------------------------------------------------------
// Object kinds and loading

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pod,
    Node,
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
    Namespace,
    ReplicaSet,
    Job,
}

impl Kind {
    fn for_role(role: Role) -> Kind {
        match role {
            Role::Pod => Kind::Pod,
            Role::Node => Kind::Node,
            Role::Service => Kind::Service,
            Role::Endpoints => Kind::Endpoints,
            Role::EndpointSlice => Kind::EndpointSlice,
            Role::Ingress => Kind::Ingress,
        }
    }

    /// The selector role whose selectors the informer for this kind uses;
    /// Namespace, ReplicaSet and Job informers take no selectors.
    fn selector_role(self) -> Option<Role> {
        Some(match self {
            Kind::Pod => Role::Pod,
            Kind::Node => Role::Node,
            Kind::Service => Role::Service,
            Kind::Endpoints => Role::Endpoints,
            Kind::EndpointSlice => Role::EndpointSlice,
            Kind::Ingress => Role::Ingress,
            Kind::Namespace | Kind::ReplicaSet | Kind::Job => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Pod => "Pod",
            Kind::Node => "Node",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::Ingress => "Ingress",
            Kind::Namespace => "Namespace",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Job => "Job",
        }
    }

    fn namespaced(self) -> bool {
        !matches!(self, Kind::Node | Kind::Namespace)
    }

    /// API groups whose objects of this kind are read. Objects of older
    /// versions (`extensions/v1beta1` or `networking.k8s.io/v1beta1` Ingress,
    /// `discovery.k8s.io/v1beta1` EndpointSlice, `extensions` ReplicaSet) are
    /// decoded with the current type: the fields service discovery reads have
    /// the same shape there. A kind in an unrelated group (e.g. Knative's
    /// `Ingress`) is a different resource and is ignored.
    fn api_groups(self) -> &'static [&'static str] {
        match self {
            Kind::Pod | Kind::Node | Kind::Service | Kind::Endpoints | Kind::Namespace => &[""],
            Kind::EndpointSlice => &["discovery.k8s.io"],
            Kind::Ingress => &["networking.k8s.io", "extensions"],
            Kind::ReplicaSet => &["apps", "extensions"],
            Kind::Job => &["batch"],
        }
    }

    fn of(obj: &Value) -> Option<Kind> {
        let kind = match obj.get("kind")?.as_str()? {
            "Pod" => Kind::Pod,
            "Node" => Kind::Node,
            "Service" => Kind::Service,
            "Endpoints" => Kind::Endpoints,
            "EndpointSlice" => Kind::EndpointSlice,
            "Ingress" => Kind::Ingress,
            "Namespace" => Kind::Namespace,
            "ReplicaSet" => Kind::ReplicaSet,
            "Job" => Kind::Job,
            _ => return None,
        };
        match obj.get("apiVersion") {
            None | Some(Value::Null) => Some(kind),
            Some(Value::String(v)) => {
                let group = v.rsplit_once('/').map_or("", |(g, _)| g);
                kind.api_groups().contains(&group).then_some(kind)
            }
            Some(_) => None,
        }
    }

    /// Whether the role's informers (under this configuration) read this kind.
    fn used_by(self, cfg: &SdConfig) -> bool {
        let am = &cfg.attach_metadata;
        let with_pods = matches!(cfg.role, Role::Endpoints | Role::EndpointSlice);
        let pod_meta = cfg.role.discovers_pods();
        match self {
            Kind::Node => cfg.role == Role::Node || (am.node && pod_meta),
            Kind::Pod => pod_meta,
            Kind::Service => cfg.role == Role::Service || with_pods,
            Kind::Endpoints => cfg.role == Role::Endpoints,
            Kind::EndpointSlice => cfg.role == Role::EndpointSlice,
            Kind::Ingress => cfg.role == Role::Ingress,
            Kind::Namespace => am.namespace && cfg.role != Role::Node,
            Kind::ReplicaSet => am.deployment && pod_meta,
            Kind::Job => (am.job || am.cronjob) && pod_meta,
        }
    }

    /// Field selector labels the API server supports for the resource.
    fn supported_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Pod => &[
                "metadata.name",
                "metadata.namespace",
                "spec.nodeName",
                "spec.restartPolicy",
                "spec.schedulerName",
                "spec.serviceAccountName",
                "spec.hostNetwork",
                "status.phase",
                "status.podIP",
                "status.nominatedNodeName",
            ],
            Kind::Node => &["metadata.name", "spec.unschedulable"],
            Kind::Service => &[
                "metadata.name",
                "metadata.namespace",
                "spec.clusterIP",
                "spec.type",
            ],
            Kind::Endpoints | Kind::EndpointSlice | Kind::Ingress => {
                &["metadata.name", "metadata.namespace"]
            }
            // No selector role filters these.
            Kind::Namespace | Kind::ReplicaSet | Kind::Job => &[],
        }
    }

    fn supports_field(self, field: &str) -> bool {
        self.supported_fields().contains(&field)
    }
}

/// Objects of one kind, keyed by (namespace, name): the last copy of a key
/// wins, the first copy fixes its position.
struct Objects<T> {
    order: Vec<(String, String)>,
    items: HashMap<(String, String), T>,
}

impl<T> Default for Objects<T> {
    fn default() -> Self {
        Objects {
            order: Vec::new(),
            items: HashMap::new(),
        }
    }
}

impl<T> Objects<T> {
    fn insert(&mut self, namespace: String, name: String, obj: T) {
        let key = (namespace, name);
        if !self.items.contains_key(&key) {
            self.order.push(key.clone());
        }
        self.items.insert(key, obj);
    }

    fn get(&self, namespace: &str, name: &str) -> Option<&T> {
        self.items.get(&(namespace.to_string(), name.to_string()))
    }

    fn values(&self) -> impl Iterator<Item = &T> {
        self.order.iter().filter_map(|k| self.items.get(k))
    }
}

/// What the role's informer caches would hold.
#[derive(Default)]
struct Cluster {
    pods: Objects<Pod>,
    nodes: Objects<Node>,
    services: Objects<Service>,
    endpoints: Objects<Endpoints>,
    endpoint_slices: Objects<EndpointSlice>,
    ingresses: Objects<Ingress>,
    namespaces: Objects<Namespace>,
    replica_sets: Objects<ReplicaSet>,
    jobs: Objects<Job>,
}

fn decode<T: DeserializeOwned>(index: usize, kind: Kind, raw: &Value) -> Result<T, SdError> {
    // k8s-openapi rejects any apiVersion but the one of its type; the
    // version was checked in `Kind::of`, so drop the type meta here.
    let mut body = raw.as_object().cloned().unwrap_or_default();
    body.remove("apiVersion");
    body.remove("kind");
    if kind == Kind::EndpointSlice {
        upgrade_v1beta1_topology(raw, &mut body);
    }
    serde_json::from_value(Value::Object(body)).map_err(|e| {
        let meta = raw.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("<unnamed>");
        let what = match meta
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
        {
            Some(ns) if kind.namespaced() => format!("{ns}/{name}"),
            _ => name.to_string(),
        };
        SdError {
            object_index: Some(index),
            message: format!("cannot read {} {what:?}: {e}", kind.name()),
        }
    })
}

/// `discovery.k8s.io/v1beta1` named the endpoint field `topology`; in v1 it
/// is `deprecatedTopology`. The API server's further conversion (moving the
/// zone key into `zone`) is not reproduced.
fn upgrade_v1beta1_topology(raw: &Value, body: &mut serde_json::Map<String, Value>) {
    let is_v1beta1 =
        raw.get("apiVersion").and_then(Value::as_str) == Some("discovery.k8s.io/v1beta1");
    if !is_v1beta1 {
        return;
    }
    if let Some(Value::Array(endpoints)) = body.get_mut("endpoints") {
        for ep in endpoints.iter_mut().filter_map(Value::as_object_mut) {
            if !ep.contains_key("deprecatedTopology") {
                if let Some(topology) = ep.remove("topology") {
                    ep.insert("deprecatedTopology".to_string(), topology);
                }
            }
        }
    }
}

fn meta_name(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or("")
}

fn meta_namespace(meta: &ObjectMeta) -> &str {
    meta.namespace.as_deref().unwrap_or("")
}

fn bool_str(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

/// The value of a supported field selector label for an object.
fn field_value(kind: Kind, raw: &Value, meta: &ObjectMeta, field: &str) -> Option<String> {
    match field {
        "metadata.name" => return Some(meta_name(meta).to_string()),
        "metadata.namespace" => return Some(meta_namespace(meta).to_string()),
        _ => {}
    }
    let s = |ptr: &str| {
        Some(
            raw.pointer(ptr)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        )
    };
    let b = |ptr: &str| {
        Some(bool_str(
            raw.pointer(ptr).and_then(Value::as_bool) == Some(true),
        ))
    };
    match (kind, field) {
        (Kind::Pod, "spec.nodeName") => s("/spec/nodeName"),
        (Kind::Pod, "spec.restartPolicy") => s("/spec/restartPolicy"),
        (Kind::Pod, "spec.schedulerName") => s("/spec/schedulerName"),
        (Kind::Pod, "spec.serviceAccountName") => s("/spec/serviceAccountName"),
        (Kind::Pod, "spec.hostNetwork") => b("/spec/hostNetwork"),
        (Kind::Pod, "status.phase") => s("/status/phase"),
        // The API server's internal pod keeps the primary IP in podIPs[0].
        (Kind::Pod, "status.podIP") => match raw.pointer("/status/podIPs/0/ip") {
            Some(Value::String(ip)) => Some(ip.clone()),
            _ => s("/status/podIP"),
        },
        (Kind::Pod, "status.nominatedNodeName") => s("/status/nominatedNodeName"),
        (Kind::Node, "spec.unschedulable") => b("/spec/unschedulable"),
        (Kind::Service, "spec.clusterIP") => s("/spec/clusterIP"),
        (Kind::Service, "spec.type") => s("/spec/type"),
        _ => None,
    }
}

/// The namespaces to watch, `None` for all. Listing "" makes Prometheus run
/// an all-namespaces informer, so it counts as all here.
fn explicit_namespaces(cfg: &SdConfig) -> Option<BTreeSet<&str>> {
    if cfg.namespaces.is_empty() || cfg.namespaces.iter().any(String::is_empty) {
        None
    } else {
        Some(cfg.namespaces.iter().map(String::as_str).collect())
    }
}

impl Cluster {
    fn load(objects: &[Value], cfg: &SdConfig, selectors: &Selectors) -> Result<Cluster, SdError> {
        let namespaces = explicit_namespaces(cfg);
        let mut cluster = Cluster::default();
        for (index, raw) in objects.iter().enumerate() {
            let Some(kind) = Kind::of(raw) else { continue };
            if !kind.used_by(cfg) {
                continue;
            }
            let admit = |meta: &ObjectMeta| -> bool {
                // The node role's informer is cluster-wide; so are the Node
                // and Namespace informers of every role.
                if kind.namespaced() {
                    if let Some(allowed) = &namespaces {
                        if !allowed.contains(meta_namespace(meta)) {
                            return false;
                        }
                    }
                }
                let Some(sel) = selectors.for_kind(kind) else {
                    return true;
                };
                let empty = BTreeMap::new();
                let labels = meta.labels.as_ref().unwrap_or(&empty);
                sel.label.as_ref().is_none_or(|l| l.matches(labels))
                    && sel
                        .field
                        .as_ref()
                        .is_none_or(|f| f.matches(|name| field_value(kind, raw, meta, name)))
            };
            macro_rules! load {
                ($store:ident, $ty:ty) => {{
                    let obj: $ty = decode(index, kind, raw)?;
                    if admit(&obj.metadata) {
                        let ns = if kind.namespaced() {
                            meta_namespace(&obj.metadata).to_string()
                        } else {
                            String::new()
                        };
                        let name = meta_name(&obj.metadata).to_string();
                        cluster.$store.insert(ns, name, obj);
                    }
                }};
            }
            match kind {
                Kind::Pod => load!(pods, Pod),
                Kind::Node => load!(nodes, Node),
                Kind::Service => load!(services, Service),
                Kind::Endpoints => load!(endpoints, Endpoints),
                Kind::EndpointSlice => load!(endpoint_slices, EndpointSlice),
                Kind::Ingress => load!(ingresses, Ingress),
                Kind::Namespace => load!(namespaces, Namespace),
                Kind::ReplicaSet => load!(replica_sets, ReplicaSet),
                Kind::Job => load!(jobs, Job),
            }
        }
        Ok(cluster)
    }
}

/// The configuration and informer caches a role's builder consults.
struct Env<'a> {
    cfg: &'a SdConfig,
    cluster: &'a Cluster,
}

impl<'a> Env<'a> {
    /// Pod referenced by an endpoint address. With explicit namespaces every
    /// namespace has its own pod informer, so only pods in the namespace of
    /// the Endpoints/EndpointSlice object resolve.
    fn resolve_pod_ref(
        &self,
        target_ref: Option<&k8s_openapi::api::core::v1::ObjectReference>,
        owner_namespace: &str,
    ) -> Option<&'a Pod> {
        let r = target_ref?;
        if r.kind.as_deref() != Some("Pod") {
            return None;
        }
        let ns = r.namespace.as_deref().unwrap_or("");
        if explicit_namespaces(self.cfg).is_some() && ns != owner_namespace {
            return None;
        }
        self.cluster.pods.get(ns, r.name.as_deref().unwrap_or(""))
    }
}

// ---------------------------------------------------------------------------
// Label helpers shared by the roles

/// `strutil.SanitizeLabelName`: every character outside `[a-zA-Z0-9_]`
/// becomes one `_`.
pub fn sanitize_label_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Go's `strings.ToLower`: a per-character mapping. `str::to_lowercase`
/// differs on a few characters (final sigma, U+0130 becoming two chars).
fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// Go's `net.JoinHostPort`: a host containing ':' is bracketed.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn set(ls: &mut LabelSet, name: impl Into<String>, value: impl Into<String>) {
    ls.insert(name.into(), value.into());
}

/// `<P><resource>_label_<S>`, `_labelpresent_`, `_annotation_`,
/// `_annotationpresent_`. Keys are visited in sorted order, so when two keys
/// sanitize to the same name the later key wins (Go's map order leaves the
/// winner unspecified).
fn add_labels_and_annotations(ls: &mut LabelSet, meta: &ObjectMeta, resource: &str) {
    for (k, v) in meta.labels.iter().flatten() {
        let s = sanitize_label_name(k);
        set(ls, format!("{META_PREFIX}{resource}_label_{s}"), v.as_str());
        set(
            ls,
            format!("{META_PREFIX}{resource}_labelpresent_{s}"),
            PRESENT_VALUE,
        );
    }
    for (k, v) in meta.annotations.iter().flatten() {
        let s = sanitize_label_name(k);
        set(
            ls,
            format!("{META_PREFIX}{resource}_annotation_{s}"),
            v.as_str(),
        );
        set(
            ls,
            format!("{META_PREFIX}{resource}_annotationpresent_{s}"),
            PRESENT_VALUE,
        );
    }
}

fn add_object_meta_labels(ls: &mut LabelSet, meta: &ObjectMeta, role: Role) {
    set(
        ls,
        format!("{META_PREFIX}{}_name", role.as_str()),
        meta_name(meta),
    );
    add_labels_and_annotations(ls, meta, role.as_str());
}

/// `attach_metadata.node`: the node's name, labels and annotations only.
fn add_node_labels(ls: &mut LabelSet, env: &Env, node_name: Option<&str>) {
    let Some(node) = node_name.and_then(|n| env.cluster.nodes.get("", n)) else {
        return;
    };
    add_object_meta_labels(ls, &node.metadata, Role::Node);
}

/// `attach_metadata.namespace`: the Namespace's labels and annotations (its
/// name is already `__meta_kubernetes_namespace`).
fn add_namespace_labels(ls: &mut LabelSet, env: &Env, namespace: &str) {
    if let Some(ns) = env.cluster.namespaces.get("", namespace) {
        add_labels_and_annotations(ls, &ns.metadata, "namespace");
    }
}

/// The owner reference marked `controller: true`, if any.
fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

#[cfg(test)]
mod testutil;

#[cfg(test)]
mod tests;
