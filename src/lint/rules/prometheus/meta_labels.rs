//! Which `__meta_kubernetes_*` labels each Kubernetes SD role can produce
//! (Prometheus 3.x, see `crate::k8s_sd`). Names are kept without the prefix.

use crate::yaml::{Node, Resolved};

pub const PREFIX: &str = "__meta_kubernetes_";

pub const ROLES: [&str; 6] = [
    "pod",
    "node",
    "service",
    "endpoints",
    "endpointslice",
    "ingress",
];

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
    pub roles: Vec<String>,
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
    pub fn add_role(&mut self, role: &str, attach: &dyn Fn(&str) -> bool) {
        self.roles.push(role.to_string());
        if role != "node" {
            self.add_fixed(&["namespace"]);
            if attach("namespace") {
                self.add_families("namespace");
            }
        }
        let with_pods = matches!(role, "pod" | "endpoints" | "endpointslice");
        if with_pods {
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
        if matches!(role, "endpoints" | "endpointslice") {
            self.add_fixed(&["service_name"]);
            self.add_families("service");
        }
        match role {
            "pod" => self.add_fixed(&["pod_container_id"]),
            "node" => {
                self.add_fixed(&["node_name", "node_provider_id"]);
                self.add_families("node");
                self.families.push("node_condition_".into());
                self.families.push("node_address_".into());
            }
            "service" => {
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
            "endpoints" => {
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
            "endpointslice" => {
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
            "ingress" => {
                self.add_fixed(&[
                    "ingress_name",
                    "ingress_class_name",
                    "ingress_scheme",
                    "ingress_host",
                    "ingress_path",
                ]);
                self.add_families("ingress");
            }
            _ => {}
        }
    }

    /// Reads a job's `kubernetes_sd_configs`; `None` when a role is missing
    /// or unknown (the config is invalid and reported elsewhere).
    pub fn of_job(job: &Node) -> Option<Produced> {
        let mut p = Produced::default();
        for sd in job.get("kubernetes_sd_configs")?.as_seq()? {
            let role = sd.get("role")?.as_str()?;
            if !ROLES.contains(&role) {
                return None;
            }
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
            for role in &self.roles {
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
        // Ranked by edit distance, then by length difference.
        let mut best: Option<((usize, usize), String)> = None;
        let mut consider = |d: usize, cand: String| {
            let key = (d, cand.len().abs_diff(rest.len()));
            if best.as_ref().is_none_or(|(bk, _)| key < *bk) {
                best = Some((key, cand));
            }
        };
        for f in &self.fixed {
            consider(super::distance(rest, f), f.clone());
        }
        // A family name: the part before the suffix may be misspelt; the
        // suffix may need sanitizing.
        let chars: Vec<(usize, char)> = rest.char_indices().collect();
        for fam in &self.families {
            for &(i, _) in chars.iter().skip(1) {
                let (head, tail) = rest.split_at(i);
                let d = super::distance(head, fam);
                if d <= fam.len() / 3 {
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
        let limit = (rest.len() / 5).max(2);
        if let Some(((d, _), s)) = best.as_ref() {
            if *d <= limit {
                return Some(s.clone());
            }
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
            (role != from && known).then_some(cand)
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

    fn produced(roles: &[&str]) -> Produced {
        let mut p = Produced::default();
        for r in roles {
            p.add_role(r, &|_| false);
        }
        p
    }

    #[test]
    fn role_families_and_fixed_names() {
        let pod = produced(&["pod"]);
        assert!(pod.produces("pod_annotation_prometheus_io_scrape"));
        assert!(pod.produces("pod_container_id"));
        assert!(pod.produces("namespace"));
        assert!(!pod.produces("service_annotation_prometheus_io_scrape"));
        assert!(!pod.produces("pod_label_"));
        assert!(!pod.produces("pod_label_app.kubernetes.io/name"));
        assert!(!pod.produces("node_name"));
        let ep = produced(&["endpoints"]);
        assert!(ep.produces("pod_node_name"));
        assert!(ep.produces("service_label_app"));
        assert!(!ep.produces("pod_container_id"));
        assert!(!produced(&["node"]).produces("namespace"));
    }

    #[test]
    fn suggestions() {
        let pod = produced(&["pod"]);
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
