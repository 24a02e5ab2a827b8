//! Which `__meta_kubernetes_*` labels each Kubernetes SD role can produce
//! (Prometheus 3.x), held to what `crate::k8s_sd` emits by a test below.
//! Names are kept without the prefix.

use crate::k8s_sd::Role;
use crate::suggest;
use crate::yaml::{Node, Resolved};

pub const PREFIX: &str = "__meta_kubernetes_";

/// Object label/annotation families of a resource: any non-empty suffix.
const FAMILY_KINDS: [&str; 4] = [
    "label_",
    "labelpresent_",
    "annotation_",
    "annotationpresent_",
];

const POD: [&str; 10] = [
    "pod_name",
    "pod_ip",
    "pod_ready",
    "pod_phase",
    "pod_node_name",
    "pod_host_ip",
    "pod_uid",
    "pod_controller_kind",
    "pod_controller_name",
    "pod_container_name",
];

/// Container labels besides the name; `pod_container_id` only in role pod.
const CONTAINER: [&str; 5] = [
    "pod_container_image",
    "pod_container_init",
    "pod_container_port_name",
    "pod_container_port_number",
    "pod_container_port_protocol",
];

/// What one or more `kubernetes_sd_configs` entries produce, and what
/// `attach_metadata` would add.
#[derive(Debug, Default)]
pub struct Produced {
    pub roles: Vec<Role>,
    fixed: Vec<String>,
    families: Vec<String>,
}

/// A name that is not produced, and whether an `attach_metadata` setting
/// would produce it.
pub enum Verdict {
    Produced,
    NeedsAttach(&'static str),
    Unknown,
}

impl Produced {
    fn add_fixed(&mut self, names: &[&str]) {
        self.fixed.extend(names.iter().map(|s| s.to_string()));
    }

    fn add_families(&mut self, resource: &str) {
        for k in FAMILY_KINDS {
            self.families.push(format!("{resource}_{k}"));
        }
    }

    /// Adds a role's labels; `attach` lists the `attach_metadata` flags set.
    pub fn add_role(&mut self, role: Role, attach: &dyn Fn(&str) -> bool) {
        self.roles.push(role);
        if role != Role::Node {
            self.add_fixed(&["namespace"]);
            if attach("namespace") {
                self.add_families("namespace");
            }
        }
        if role.discovers_pods() {
            self.add_fixed(&POD);
            self.add_fixed(&CONTAINER);
            self.add_families("pod");
            if attach("node") {
                self.add_fixed(&["node_name"]);
                self.add_families("node");
            }
            for (flag, name) in [
                ("deployment", "pod_deployment_name"),
                ("job", "pod_job_name"),
                ("cronjob", "pod_cronjob_name"),
            ] {
                if attach(flag) {
                    self.add_fixed(&[name]);
                }
            }
        }
        if matches!(role, Role::Endpoints | Role::EndpointSlice) {
            self.add_fixed(&["service_name"]);
            self.add_families("service");
        }
        match role {
            Role::Pod => self.add_fixed(&["pod_container_id"]),
            Role::Node => {
                self.add_fixed(&["node_name", "node_provider_id"]);
                self.add_families("node");
                self.families.push("node_condition_".into());
                self.families.push("node_address_".into());
            }
            Role::Service => {
                self.add_fixed(&[
                    "service_name",
                    "service_port_name",
                    "service_port_number",
                    "service_port_protocol",
                    "service_type",
                    "service_cluster_ip",
                    "service_external_name",
                    "service_loadbalancer_ip",
                ]);
                self.add_families("service");
            }
            Role::Endpoints => {
                self.add_fixed(&[
                    "endpoints_name",
                    "endpoint_port_name",
                    "endpoint_port_protocol",
                    "endpoint_ready",
                    "endpoint_address_target_kind",
                    "endpoint_address_target_name",
                    "endpoint_node_name",
                    "endpoint_hostname",
                ]);
                self.add_families("endpoints");
            }
            Role::EndpointSlice => {
                self.add_fixed(&[
                    "endpointslice_name",
                    "endpointslice_address_type",
                    "endpointslice_port",
                    "endpointslice_port_name",
                    "endpointslice_port_protocol",
                    "endpointslice_port_app_protocol",
                    "endpointslice_endpoint_conditions_ready",
                    "endpointslice_endpoint_conditions_serving",
                    "endpointslice_endpoint_conditions_terminating",
                    "endpointslice_endpoint_hostname",
                    "endpointslice_address_target_kind",
                    "endpointslice_address_target_name",
                    "endpointslice_endpoint_node_name",
                    "endpointslice_endpoint_zone",
                ]);
                self.add_families("endpointslice");
                self.families
                    .push("endpointslice_endpoint_topology_".into());
                self.families
                    .push("endpointslice_endpoint_topology_present_".into());
            }
            Role::Ingress => {
                self.add_fixed(&[
                    "ingress_name",
                    "ingress_class_name",
                    "ingress_scheme",
                    "ingress_host",
                    "ingress_path",
                ]);
                self.add_families("ingress");
            }
        }
    }

    /// Reads a job's `kubernetes_sd_configs`; `None` when a role is missing
    /// or unknown (the config is invalid and reported elsewhere).
    pub fn of_job(job: &Node) -> Option<Produced> {
        let mut p = Produced::default();
        for sd in job.get("kubernetes_sd_configs")?.as_seq()? {
            let role = Role::parse(sd.get("role")?.as_str()?)?;
            let attach_node = sd.get("attach_metadata");
            let attach = |flag: &str| {
                matches!(
                    attach_node
                        .and_then(|a| a.get(flag))
                        .and_then(Node::resolve),
                    Some(Resolved::Bool(true))
                )
            };
            p.add_role(role, &attach);
        }
        (!p.roles.is_empty()).then_some(p)
    }

    /// Adds a label known to exist by other means (a static label or an
    /// earlier rule's target).
    pub fn add_known(&mut self, full_name: &str) {
        if let Some(rest) = full_name.strip_prefix(PREFIX) {
            self.fixed.push(rest.to_string());
        }
    }

    /// Whether `rest` (a name without the prefix) is produced.
    pub fn produces(&self, rest: &str) -> bool {
        self.fixed.iter().any(|f| f == rest)
            || self.families.iter().any(|f| {
                rest.strip_prefix(f.as_str())
                    .is_some_and(|s| !s.is_empty() && is_sanitized(s))
            })
    }

    /// Whether some produced name starts with `rest` (for a regex that is a
    /// literal prefix followed by a group).
    pub fn produces_prefix(&self, rest: &str) -> bool {
        self.fixed.iter().any(|f| f.starts_with(rest))
            || self.families.iter().any(|f| {
                f.starts_with(rest) || rest.strip_prefix(f.as_str()).is_some_and(is_sanitized)
            })
    }

    pub fn verdict(&self, rest: &str) -> Verdict {
        if self.produces(rest) {
            return Verdict::Produced;
        }
        // Would the same SD configs with an attach_metadata flag produce it?
        for flag in ["node", "namespace", "deployment", "job", "cronjob"] {
            let mut with = Produced::default();
            for &role in &self.roles {
                with.add_role(role, &|f| f == flag);
            }
            if with.produces(rest) {
                return Verdict::NeedsAttach(flag);
            }
        }
        Verdict::Unknown
    }

    /// The closest name this job's roles produce, if close enough to be a
    /// likely typo or a resource mix-up (`service_annotation_x` in role pod).
    pub fn suggest(&self, rest: &str) -> Option<String> {
        // Close names only (see `crate::suggest`), ranked by edits, then by
        // length difference.
        let mut best: Option<((usize, usize), String)> = None;
        let mut consider = |d: usize, cand: String| {
            let key = (d, cand.len().abs_diff(rest.len()));
            if best.as_ref().is_none_or(|(bk, _)| key < *bk) {
                best = Some((key, cand));
            }
        };
        for f in &self.fixed {
            if let Some(d) = suggest::edits_if_close(rest, f) {
                consider(d, f.clone());
            }
        }
        // A family name: the part before the suffix may be misspelt; the
        // suffix may need sanitizing.
        let chars: Vec<(usize, char)> = rest.char_indices().collect();
        for fam in &self.families {
            for &(i, _) in chars.iter().skip(1) {
                let (head, tail) = rest.split_at(i);
                if let Some(d) = suggest::edits_if_close(head, fam) {
                    consider(
                        d,
                        format!("{fam}{}", crate::k8s_sd::sanitize_label_name(tail)),
                    );
                }
            }
            if let Some(tail) = rest.strip_prefix(fam.as_str()) {
                if !tail.is_empty() && !is_sanitized(tail) {
                    consider(
                        0,
                        format!("{fam}{}", crate::k8s_sd::sanitize_label_name(tail)),
                    );
                }
            }
        }
        if let Some((_, s)) = best {
            return Some(s);
        }
        // The same family or name on another resource of this role.
        let resources = [
            "endpointslice",
            "endpoints",
            "service",
            "ingress",
            "node",
            "pod",
        ];
        let (from, tail) = resources
            .iter()
            .find_map(|r| Some((*r, rest.strip_prefix(r)?.strip_prefix('_')?)))?;
        self.roles.iter().find_map(|role| {
            let cand = format!("{role}_{tail}");
            let known =
                self.produces(&cand) || (cand.ends_with('_') && self.produces_prefix(&cand));
            (role.as_str() != from && known).then_some(cand)
        })
    }
}

/// Only characters Kubernetes SD leaves in a sanitized label/annotation key.
fn is_sanitized(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn produced(roles: &[Role]) -> Produced {
        let mut p = Produced::default();
        for &r in roles {
            p.add_role(r, &|_| false);
        }
        p
    }

    #[test]
    fn role_families_and_fixed_names() {
        let pod = produced(&[Role::Pod]);
        assert!(pod.produces("pod_annotation_prometheus_io_scrape"));
        assert!(pod.produces("pod_container_id"));
        assert!(pod.produces("namespace"));
        assert!(!pod.produces("service_annotation_prometheus_io_scrape"));
        assert!(!pod.produces("pod_label_"));
        assert!(!pod.produces("pod_label_app.kubernetes.io/name"));
        assert!(!pod.produces("node_name"));
        let ep = produced(&[Role::Endpoints]);
        assert!(ep.produces("pod_node_name"));
        assert!(ep.produces("service_label_app"));
        assert!(!ep.produces("pod_container_id"));
        assert!(!produced(&[Role::Node]).produces("namespace"));
    }

    /// A small cluster in which every label each role can produce is set:
    /// a pod of a Deployment (with an init container and a container
    /// without ports), a pod of a CronJob's Job, their node and namespace, a
    /// LoadBalancer and an ExternalName service, endpoints with ready and
    /// not-ready addresses, a dual-stack-free endpoint slice, an ingress.
    fn every_label_objects() -> Vec<serde_json::Value> {
        use serde_json::json;
        let meta = |kind: &str, name: &str| {
            json!({
                "name": name, "namespace": "ns", "uid": format!("{kind}-{name}"),
                "labels": {"app.kubernetes.io/name": name},
                "annotations": {"prometheus.io/scrape": "true"},
            })
        };
        let owned = |kind: &str, name: &str, owner_kind: &str, owner: &str| {
            let mut m = meta(kind, name);
            m["ownerReferences"] = json!([{
                "apiVersion": "v1", "kind": owner_kind, "name": owner, "uid": "u", "controller": true,
            }]);
            m
        };
        let pod = |name: &str, ip: &str, owner_kind: &str, owner: &str| {
            json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": owned("Pod", name, owner_kind, owner),
                "spec": {
                    "nodeName": "n1",
                    "initContainers": [{"name": "init", "image": "busybox"}],
                    "containers": [
                        {"name": "app", "image": "app:1", "ports": [
                            {"name": "metrics", "containerPort": 9100, "protocol": "TCP"},
                            {"name": "other", "containerPort": 9200, "protocol": "TCP"},
                        ]},
                        {"name": "sidecar", "image": "sidecar:1"},
                    ],
                },
                "status": {
                    "phase": "Running", "podIP": ip, "hostIP": "10.1.0.1",
                    "conditions": [{"type": "Ready", "status": "True"}],
                    "containerStatuses": [
                        {"name": "app", "containerID": "containerd://a", "image": "app:1", "imageID": "", "ready": true, "restartCount": 0},
                    ],
                    "initContainerStatuses": [
                        {"name": "init", "containerID": "containerd://i", "image": "busybox", "imageID": "", "ready": true, "restartCount": 0},
                    ],
                },
            })
        };
        let mut node_meta = meta("Node", "n1");
        node_meta.as_object_mut().map(|m| m.remove("namespace"));
        let mut namespace_meta = meta("Namespace", "ns");
        namespace_meta
            .as_object_mut()
            .map(|m| m.remove("namespace"));
        let ports =
            json!([{"name": "metrics", "port": 9100, "protocol": "TCP", "appProtocol": "http"}]);
        let address = |ip: &str, pod: &str| {
            json!({"ip": ip, "hostname": pod, "nodeName": "n1",
                   "targetRef": {"kind": "Pod", "name": pod, "namespace": "ns"}})
        };
        vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": namespace_meta}),
            json!({
                "apiVersion": "v1", "kind": "Node", "metadata": node_meta,
                "spec": {"providerID": "cloud://n1"},
                "status": {
                    "addresses": [{"type": "InternalIP", "address": "10.1.0.1"}],
                    "conditions": [{"type": "Ready", "status": "True"}],
                },
            }),
            pod("web-1", "10.0.0.1", "ReplicaSet", "web-rs"),
            pod("batch-1", "10.0.0.2", "Job", "batch-job"),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                   "metadata": owned("ReplicaSet", "web-rs", "Deployment", "web")}),
            json!({"apiVersion": "batch/v1", "kind": "Job",
                   "metadata": owned("Job", "batch-job", "CronJob", "batch")}),
            json!({
                "apiVersion": "v1", "kind": "Service", "metadata": meta("Service", "web"),
                "spec": {"type": "LoadBalancer", "clusterIP": "10.2.0.1", "ports": ports},
                "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}},
            }),
            json!({
                "apiVersion": "v1", "kind": "Service", "metadata": meta("Service", "external"),
                "spec": {"type": "ExternalName", "externalName": "example.com", "ports": ports},
            }),
            json!({
                "apiVersion": "v1", "kind": "Endpoints", "metadata": meta("Endpoints", "web"),
                "subsets": [{
                    "addresses": [address("10.0.0.1", "web-1")],
                    "notReadyAddresses": [address("10.0.0.2", "batch-1")],
                    "ports": ports,
                }],
            }),
            json!({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {
                    "name": "web-abc", "namespace": "ns",
                    "labels": {"kubernetes.io/service-name": "web"},
                    "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "t"},
                },
                "addressType": "IPv4",
                "endpoints": [
                    {
                        "addresses": ["10.0.0.1"], "hostname": "web-1", "nodeName": "n1", "zone": "z1",
                        "conditions": {"ready": true, "serving": true, "terminating": false},
                        "deprecatedTopology": {"topology.kubernetes.io/zone": "z1"},
                        "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "ns"},
                    },
                    {
                        "addresses": ["10.0.0.2"],
                        "targetRef": {"kind": "Pod", "name": "batch-1", "namespace": "ns"},
                    },
                ],
                "ports": ports,
            }),
            json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("Ingress", "web"),
                "spec": {
                    "ingressClassName": "nginx",
                    "tls": [{"hosts": ["web.example.com"]}],
                    "rules": [{"host": "web.example.com", "http": {"paths": [
                        {"path": "/", "pathType": "Prefix",
                         "backend": {"service": {"name": "web", "port": {"number": 9100}}}},
                    ]}}],
                },
            }),
        ]
    }

    /// The catalogue is held to what `k8s_sd` emits: for every role and
    /// every `attach_metadata` flag (none, each alone, all), each emitted
    /// `__meta_kubernetes_*` name is in the catalogue, each fixed name of the
    /// catalogue is emitted, and each family is the closest match of some
    /// emitted name.
    #[test]
    fn catalogue_is_what_discovery_emits() {
        use crate::k8s_sd::{discover, AttachMetadata, SdConfig};
        use std::collections::BTreeSet;
        const FLAGS: [&str; 5] = ["node", "namespace", "deployment", "job", "cronjob"];
        let objects = every_label_objects();
        let mut flag_sets: Vec<Vec<&str>> = vec![Vec::new(), FLAGS.to_vec()];
        flag_sets.extend(FLAGS.iter().map(|f| vec![*f]));
        for role in Role::ALL {
            for flags in &flag_sets {
                let on = |f: &str| flags.contains(&f);
                let cfg = SdConfig {
                    role,
                    namespaces: Vec::new(),
                    attach_metadata: AttachMetadata {
                        node: on("node"),
                        namespace: on("namespace"),
                        deployment: on("deployment"),
                        job: on("job"),
                        cronjob: on("cronjob"),
                    },
                    selectors: Vec::new(),
                };
                let groups = discover(&objects, &cfg).expect("the objects are valid");
                let emitted: BTreeSet<&str> = groups
                    .iter()
                    .flat_map(|g| g.targets.iter().chain([&g.labels]))
                    .flat_map(|labels| labels.keys())
                    .filter_map(|k| k.strip_prefix(PREFIX))
                    .collect();
                let mut p = Produced::default();
                p.add_role(role, &on);
                let at = format!("role {role}, attach_metadata {flags:?}");
                let mut families_used = BTreeSet::new();
                for name in &emitted {
                    assert!(
                        p.produces(name),
                        "{at}: discovery emits {PREFIX}{name}, which the catalogue lacks"
                    );
                    if !p.fixed.iter().any(|f| f == name) {
                        let closest = p
                            .families
                            .iter()
                            .filter(|f| name.starts_with(f.as_str()))
                            .max_by_key(|f| f.len());
                        families_used.extend(closest);
                    }
                }
                for name in &p.fixed {
                    assert!(
                        emitted.contains(name.as_str()),
                        "{at}: the catalogue lists {PREFIX}{name}, which discovery never emits"
                    );
                }
                for family in &p.families {
                    assert!(
                        families_used.contains(family),
                        "{at}: the catalogue lists {PREFIX}{family}<name>, which discovery never emits"
                    );
                }
            }
        }
    }

    #[test]
    fn suggestions() {
        let pod = produced(&[Role::Pod]);
        assert_eq!(
            pod.suggest("pod_lable_app").as_deref(),
            Some("pod_label_app")
        );
        assert_eq!(pod.suggest("pod_nme").as_deref(), Some("pod_name"));
        assert_eq!(
            pod.suggest("service_annotation_prometheus_io_scrape")
                .as_deref(),
            Some("pod_annotation_prometheus_io_scrape")
        );
        assert_eq!(
            pod.suggest("pod_label_app.kubernetes.io/name").as_deref(),
            Some("pod_label_app_kubernetes_io_name")
        );
        assert_eq!(
            pod.suggest("endpoints_label_").as_deref(),
            Some("pod_label_")
        );
        assert_eq!(pod.suggest("completely_different_thing"), None);
    }
}
