//! The Kubernetes API versions that were deprecated or removed, from the
//! Kubernetes deprecation guide
//! (<https://kubernetes.io/docs/reference/using-api/deprecation-guide/>) and
//! the release notes it links: the one table `api-version-removed`,
//! `api-version-deprecated` and `schema-invalid` read.

/// One deprecated group version of some kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    /// `apiVersion` as written (`policy/v1beta1`).
    pub api_version: &'static str,
    pub kinds: &'static [&'static str],
    /// Minor release that deprecated it.
    pub deprecated_in: u32,
    /// Minor release that stopped serving it, if any.
    pub removed_in: Option<u32>,
    /// What to use instead.
    pub replacement: &'static str,
}

const fn d(
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated_in: u32,
    removed_in: Option<u32>,
    replacement: &'static str,
) -> Deprecation {
    Deprecation {
        api_version,
        kinds,
        deprecated_in,
        removed_in,
        replacement,
    }
}

const WORKLOADS: &[&str] = &["DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"];
const RBAC: &[&str] = &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
const FLOW: &[&str] = &["FlowSchema", "PriorityLevelConfiguration"];

/// Oldest removal first.
pub const TABLE: &[Deprecation] = &[
    // 1.16
    d("extensions/v1beta1", WORKLOADS, 9, Some(16), "apps/v1"),
    d("apps/v1beta1", WORKLOADS, 9, Some(16), "apps/v1"),
    d("apps/v1beta2", WORKLOADS, 9, Some(16), "apps/v1"),
    d(
        "extensions/v1beta1",
        &["NetworkPolicy"],
        9,
        Some(16),
        "networking.k8s.io/v1",
    ),
    d(
        "extensions/v1beta1",
        &["PodSecurityPolicy"],
        10,
        Some(16),
        "policy/v1beta1 (itself removed in 1.25: use Pod Security Admission)",
    ),
    // 1.22
    d(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        16,
        Some(22),
        "admissionregistration.k8s.io/v1",
    ),
    d(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        16,
        Some(22),
        "apiextensions.k8s.io/v1",
    ),
    d(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        19,
        Some(22),
        "apiregistration.k8s.io/v1",
    ),
    d(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        19,
        Some(22),
        "authentication.k8s.io/v1",
    ),
    d(
        "authorization.k8s.io/v1beta1",
        &[
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SubjectAccessReview",
        ],
        19,
        Some(22),
        "authorization.k8s.io/v1",
    ),
    d(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        19,
        Some(22),
        "certificates.k8s.io/v1",
    ),
    d(
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        19,
        Some(22),
        "coordination.k8s.io/v1",
    ),
    d(
        "extensions/v1beta1",
        &["Ingress"],
        14,
        Some(22),
        "networking.k8s.io/v1",
    ),
    d(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        19,
        Some(22),
        "networking.k8s.io/v1",
    ),
    d(
        "rbac.authorization.k8s.io/v1beta1",
        RBAC,
        17,
        Some(22),
        "rbac.authorization.k8s.io/v1",
    ),
    d(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        14,
        Some(22),
        "scheduling.k8s.io/v1",
    ),
    d(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        19,
        Some(22),
        "storage.k8s.io/v1",
    ),
    // 1.25
    d("batch/v1beta1", &["CronJob"], 21, Some(25), "batch/v1"),
    d(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        21,
        Some(25),
        "discovery.k8s.io/v1",
    ),
    d(
        "events.k8s.io/v1beta1",
        &["Event"],
        22,
        Some(25),
        "events.k8s.io/v1",
    ),
    d(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        22,
        Some(25),
        "autoscaling/v2",
    ),
    d(
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        21,
        Some(25),
        "policy/v1",
    ),
    d(
        "policy/v1beta1",
        &["PodSecurityPolicy"],
        21,
        Some(25),
        "Pod Security Admission (pod-security.kubernetes.io labels on the namespace); PodSecurityPolicy has no replacement kind",
    ),
    d(
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        22,
        Some(25),
        "node.k8s.io/v1",
    ),
    // 1.26
    d(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        FLOW,
        23,
        Some(26),
        "flowcontrol.apiserver.k8s.io/v1 (served from 1.29; v1beta3 before)",
    ),
    d(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        23,
        Some(26),
        "autoscaling/v2",
    ),
    // 1.27
    d(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        24,
        Some(27),
        "storage.k8s.io/v1",
    ),
    // 1.29
    d(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        FLOW,
        26,
        Some(29),
        "flowcontrol.apiserver.k8s.io/v1 (served from 1.29; v1beta3 before)",
    ),
    // 1.32
    d(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        FLOW,
        29,
        Some(32),
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // Deprecated, still served.
    d(
        "v1",
        &["Endpoints"],
        33,
        None,
        "discovery.k8s.io/v1 EndpointSlice",
    ),
];

/// What the table says about `kind` at `api_version` for a cluster of
/// minor version `minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No longer served since `removed_in`.
    Removed(&'static Deprecation),
    /// Served, but deprecated.
    Deprecated(&'static Deprecation),
}

/// The status of `kind` at `api_version` in Kubernetes 1.`minor`; `None`
/// when the table has nothing to say (or it was deprecated later).
pub fn status(api_version: &str, kind: &str, minor: u32) -> Option<Status> {
    let entry = TABLE
        .iter()
        .find(|d| d.api_version == api_version && d.kinds.contains(&kind))?;
    match entry.removed_in {
        Some(removed) if minor >= removed => Some(Status::Removed(entry)),
        _ if minor >= entry.deprecated_in => Some(Status::Deprecated(entry)),
        _ => None,
    }
}

/// The minor number of a version such as `1.37`, `v1.37` or `1.37.2`.
pub fn minor_of(version: &str) -> Option<u32> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.split('.');
    match (parts.next(), parts.next()) {
        (Some("1"), Some(minor)) => minor.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_and_deprecation_follow_the_chosen_version() {
        let psp = status("policy/v1beta1", "PodSecurityPolicy", 37);
        assert!(matches!(psp, Some(Status::Removed(d)) if d.removed_in == Some(25)));
        let flow = status("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 29);
        assert!(matches!(flow, Some(Status::Deprecated(d)) if d.removed_in == Some(32)));
        assert_eq!(
            status("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 28),
            None
        );
        assert!(matches!(
            status("v1", "Endpoints", 33),
            Some(Status::Deprecated(_))
        ));
        assert_eq!(status("v1", "Endpoints", 32), None);
        assert_eq!(status("apps/v1", "DaemonSet", 37), None);
        // Only the kinds the guide names for a group version.
        assert_eq!(status("policy/v1beta1", "Eviction", 37), None);
    }

    #[test]
    fn the_table_is_consistent() {
        for d in TABLE {
            assert!(d.removed_in.is_none_or(|r| r > d.deprecated_in), "{d:?}");
            assert!(!d.kinds.is_empty() && !d.replacement.is_empty(), "{d:?}");
        }
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                let overlap =
                    a.api_version == b.api_version && a.kinds.iter().any(|k| b.kinds.contains(k));
                assert!(!overlap, "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn versions_are_read_like_kubectl_prints_them() {
        assert_eq!(minor_of("1.37"), Some(37));
        assert_eq!(minor_of("v1.27.3"), Some(27));
        assert_eq!(minor_of("2.0"), None);
    }
}
