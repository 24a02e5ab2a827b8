//! The Kubernetes kinds kdm knows, in one table: served apiVersion, scope,
//! where the pod template is, the bundled schema and the typed model. Lint,
//! simulation, coverage, schema checks and generate all read it; where a
//! workload keeps its pod template is looked up here over YAML nodes and
//! JSON values alike (kube-linter's `extract.PodSpec` idea). Besides the
//! API's own kinds, the table has prometheus-operator's custom resources,
//! one row per served version.

use serde_json::Value;

use crate::yaml::Node;

/// The kinds, each row
/// `[kind, apiVersion, scope, pod template, schema file, k8s-openapi type]`,
/// handed to `$then!` after its own arguments and a `;`. `-` marks a column
/// the kind has no entry in. The schema file is the stem under
/// `schemas/kubernetes/<version>/` (written by `tools/gen_k8s_schemas.py`),
/// or `(crd stem)` under `schemas/prometheus-operator/<release>/` (written by
/// `tools/gen_crd_schemas.py`); the typed model is checked for the kinds
/// `generate` writes. Rows are sorted by kind, without regard to case, then
/// by apiVersion.
macro_rules! kind_table {
    ($then:ident!($($args:tt)*)) => {
        $then!($($args)*;
            ["Alertmanager", "monitoring.coreos.com/v1", Namespaced, -,
                (crd "alertmanager-monitoring-v1"), -],
            ["AlertmanagerConfig", "monitoring.coreos.com/v1alpha1", Namespaced, -,
                (crd "alertmanagerconfig-monitoring-v1alpha1"), -],
            ["AlertmanagerConfig", "monitoring.coreos.com/v1beta1", Namespaced, -,
                (crd "alertmanagerconfig-monitoring-v1beta1"), -],
            ["APIService", "apiregistration.k8s.io/v1", Cluster, -, "apiservice-apiregistration-v1", -],
            ["CertificateSigningRequest", "certificates.k8s.io/v1", Cluster, -, "certificatesigningrequest-certificates-v1", -],
            ["ClusterRole", "rbac.authorization.k8s.io/v1", Cluster, -,
                "clusterrole-rbac-v1", rbac::v1::ClusterRole],
            ["ClusterRoleBinding", "rbac.authorization.k8s.io/v1", Cluster, -,
                "clusterrolebinding-rbac-v1", rbac::v1::ClusterRoleBinding],
            ["ConfigMap", "v1", Namespaced, -, "configmap-v1", core::v1::ConfigMap],
            ["ControllerRevision", "apps/v1", Namespaced, -, "controllerrevision-apps-v1", -],
            ["CronJob", "batch/v1", Namespaced, JobTemplate, "cronjob-batch-v1", -],
            ["CSIDriver", "storage.k8s.io/v1", Cluster, -, "csidriver-storage-v1", -],
            ["CSINode", "storage.k8s.io/v1", Cluster, -, "csinode-storage-v1", -],
            ["CSIStorageCapacity", "storage.k8s.io/v1", Namespaced, -, "csistoragecapacity-storage-v1", -],
            ["CustomResourceDefinition", "apiextensions.k8s.io/v1", Cluster, -, "customresourcedefinition-apiextensions-v1", -],
            ["DaemonSet", "apps/v1", Namespaced, Spec, "daemonset-apps-v1", apps::v1::DaemonSet],
            ["Deployment", "apps/v1", Namespaced, Spec, "deployment-apps-v1", -],
            ["Endpoints", "v1", Namespaced, -, "endpoints-v1", -],
            ["EndpointSlice", "discovery.k8s.io/v1", Namespaced, -,
                "endpointslice-discovery-v1", -],
            ["FlowSchema", "flowcontrol.apiserver.k8s.io/v1", Cluster, -, "flowschema-flowcontrol-v1", -],
            ["HorizontalPodAutoscaler", "autoscaling/v1", Namespaced, -, "horizontalpodautoscaler-autoscaling-v1", -],
            ["HorizontalPodAutoscaler", "autoscaling/v2", Namespaced, -, "horizontalpodautoscaler-autoscaling-v2", -],
            ["Ingress", "networking.k8s.io/v1", Namespaced, -, "ingress-networking-v1", -],
            ["IngressClass", "networking.k8s.io/v1", Cluster, -, "ingressclass-networking-v1", -],
            ["Job", "batch/v1", Namespaced, Spec, "job-batch-v1", -],
            ["Lease", "coordination.k8s.io/v1", Namespaced, -, "lease-coordination-v1", -],
            ["LimitRange", "v1", Namespaced, -, "limitrange-v1", -],
            ["MutatingWebhookConfiguration", "admissionregistration.k8s.io/v1", Cluster, -, "mutatingwebhookconfiguration-admissionregistration-v1", -],
            ["Namespace", "v1", Cluster, -, "namespace-v1", core::v1::Namespace],
            ["NetworkPolicy", "networking.k8s.io/v1", Namespaced, -,
                "networkpolicy-networking-v1", -],
            ["Node", "v1", Cluster, -, "node-v1", -],
            ["PersistentVolume", "v1", Cluster, -, "persistentvolume-v1", -],
            ["PersistentVolumeClaim", "v1", Namespaced, -, "persistentvolumeclaim-v1", -],
            ["Pod", "v1", Namespaced, Itself, "pod-v1", -],
            ["PodDisruptionBudget", "policy/v1", Namespaced, -,
                "poddisruptionbudget-policy-v1", policy::v1::PodDisruptionBudget],
            ["PodMonitor", "monitoring.coreos.com/v1", Namespaced, -,
                (crd "podmonitor-monitoring-v1"), -],
            ["PodTemplate", "v1", Namespaced, -, "podtemplate-v1", -],
            ["PriorityClass", "scheduling.k8s.io/v1", Cluster, -,
                "priorityclass-scheduling-v1", scheduling::v1::PriorityClass],
            ["PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io/v1", Cluster, -, "prioritylevelconfiguration-flowcontrol-v1", -],
            ["Probe", "monitoring.coreos.com/v1", Namespaced, -, (crd "probe-monitoring-v1"), -],
            ["Prometheus", "monitoring.coreos.com/v1", Namespaced, -,
                (crd "prometheus-monitoring-v1"), -],
            ["PrometheusAgent", "monitoring.coreos.com/v1alpha1", Namespaced, -,
                (crd "prometheusagent-monitoring-v1alpha1"), -],
            ["PrometheusRule", "monitoring.coreos.com/v1", Namespaced, -,
                (crd "prometheusrule-monitoring-v1"), -],
            ["ReplicaSet", "apps/v1", Namespaced, Spec, "replicaset-apps-v1", -],
            ["ReplicationController", "v1", Namespaced, Spec, "replicationcontroller-v1", -],
            ["ResourceQuota", "v1", Namespaced, -, "resourcequota-v1", -],
            ["Role", "rbac.authorization.k8s.io/v1", Namespaced, -, "role-rbac-v1",
                rbac::v1::Role],
            ["RoleBinding", "rbac.authorization.k8s.io/v1", Namespaced, -,
                "rolebinding-rbac-v1", rbac::v1::RoleBinding],
            ["RuntimeClass", "node.k8s.io/v1", Cluster, -, "runtimeclass-node-v1", -],
            ["ScrapeConfig", "monitoring.coreos.com/v1alpha1", Namespaced, -,
                (crd "scrapeconfig-monitoring-v1alpha1"), -],
            ["Secret", "v1", Namespaced, -, "secret-v1", core::v1::Secret],
            ["Service", "v1", Namespaced, -, "service-v1", core::v1::Service],
            ["ServiceAccount", "v1", Namespaced, -, "serviceaccount-v1",
                core::v1::ServiceAccount],
            ["ServiceMonitor", "monitoring.coreos.com/v1", Namespaced, -,
                (crd "servicemonitor-monitoring-v1"), -],
            ["StatefulSet", "apps/v1", Namespaced, Spec, "statefulset-apps-v1", -],
            ["StorageClass", "storage.k8s.io/v1", Cluster, -, "storageclass-storage-v1", -],
            ["ThanosRuler", "monitoring.coreos.com/v1", Namespaced, -,
                (crd "thanosruler-monitoring-v1"), -],
            ["ValidatingAdmissionPolicy", "admissionregistration.k8s.io/v1", Cluster, -, "validatingadmissionpolicy-admissionregistration-v1", -],
            ["ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io/v1", Cluster, -, "validatingadmissionpolicybinding-admissionregistration-v1", -],
            ["ValidatingWebhookConfiguration", "admissionregistration.k8s.io/v1", Cluster, -, "validatingwebhookconfiguration-admissionregistration-v1", -],
            ["VolumeAttachment", "storage.k8s.io/v1", Cluster, -, "volumeattachment-storage-v1", -],
        )
    };
}
pub(crate) use kind_table;

/// A typed round trip: `Ok(true)` when the object survives it.
pub type RoundTrip = fn(&Value) -> Result<bool, String>;

/// What kdm knows of one kind.
#[derive(Debug)]
pub struct Kind {
    pub name: &'static str,
    /// The apiVersion the bundled Kubernetes versions serve it at.
    pub api_version: &'static str,
    pub scope: Scope,
    /// Where its pod template is, for workloads.
    pub pod_template: Option<PodTemplate>,
    /// Its bundled schema, if any.
    pub schema: Option<Schema>,
    /// A round trip through its k8s-openapi type, for kinds `generate` writes.
    pub typed: Option<RoundTrip>,
}

/// Where a kind's schema comes from, by file stem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// The Kubernetes API's, one file per bundled minor version.
    Kubernetes(&'static str),
    /// A prometheus-operator CRD's, one file for the pinned release.
    Crd(&'static str),
}

impl Schema {
    pub fn stem(self) -> &'static str {
        match self {
            Schema::Kubernetes(stem) | Schema::Crd(stem) => stem,
        }
    }
}

/// Whether objects of a kind live in a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Namespaced,
    Cluster,
}

macro_rules! kind_rows {
    (; $([$name:literal, $api:literal, $scope:ident, $template:tt, $schema:tt,
        $($typed:tt)+]),* $(,)?) => {
        [$(Kind {
            name: $name,
            api_version: $api,
            scope: Scope::$scope,
            pod_template: kind_rows!(@template $template),
            schema: kind_rows!(@schema $schema),
            typed: kind_rows!(@typed $($typed)+),
        }),*]
    };
    (@template -) => { None };
    (@template $t:ident) => { Some(PodTemplate::$t) };
    (@schema -) => { None };
    (@schema (crd $v:literal)) => { Some(Schema::Crd($v)) };
    (@schema $v:literal) => { Some(Schema::Kubernetes($v)) };
    (@typed -) => { None };
    (@typed $($path:tt)+) => {
        Some(super::typed::check::<k8s_openapi::api::$($path)+> as RoundTrip)
    };
}

macro_rules! count_rows {
    (; $([$($row:tt)*]),* $(,)?) => {
        [$(count_rows!(@one $($row)*)),*].len()
    };
    (@one $($row:tt)*) => { () };
}

/// How many kinds the table has.
pub const KIND_COUNT: usize = kind_table!(count_rows!());

/// Every kind kdm knows, by name.
pub static KINDS: [Kind; KIND_COUNT] = kind_table!(kind_rows!());

/// The kind called `name`, if kdm knows it (the first row of a kind served
/// at several versions).
pub fn lookup(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// What the table says of an object's `kind` and `apiVersion`.
#[derive(Debug, Clone)]
pub enum Known {
    /// The row of this kind at this apiVersion.
    Served(&'static Kind),
    /// A kind of the table at an apiVersion it is not served at; `served`
    /// lists the ones it is.
    Unserved {
        kind: &'static Kind,
        served: Vec<&'static str>,
    },
    /// Not a kind of the table: a kind another API group defines under the
    /// same name as a custom resource's counts as unknown too (CRDs are told
    /// apart by group, the API's own kinds by name).
    Unknown,
}

impl PartialEq for Known {
    fn eq(&self, other: &Known) -> bool {
        match (self, other) {
            (Known::Served(a), Known::Served(b)) => std::ptr::eq(*a, *b),
            (Known::Unserved { kind: a, served: x }, Known::Unserved { kind: b, served: y }) => {
                std::ptr::eq(*a, *b) && x == y
            }
            (Known::Unknown, Known::Unknown) => true,
            _ => false,
        }
    }
}

impl Known {
    /// The row whose schema the object is checked against, or whose
    /// apiVersion it should use.
    pub fn kind(&self) -> Option<&'static Kind> {
        match self {
            Known::Served(k) | Known::Unserved { kind: k, .. } => Some(k),
            Known::Unknown => None,
        }
    }
}

/// Looks an object's kind and apiVersion up in the table.
pub fn classify(kind: &str, api_version: &str) -> Known {
    // Called per object: nothing is allocated unless the version is wrong.
    let rows = KINDS.iter().filter(|k| k.name == kind);
    let Some(first) = rows.clone().next() else {
        return Known::Unknown;
    };
    if let Some(row) = rows.clone().find(|k| k.api_version == api_version) {
        return Known::Served(row);
    }
    fn group(api_version: &str) -> &str {
        api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }
    if matches!(first.schema, Some(Schema::Crd(_)))
        && group(first.api_version) != group(api_version)
    {
        return Known::Unknown;
    }
    Known::Unserved {
        kind: first,
        served: rows.map(|k| k.api_version).collect(),
    }
}

/// Round-trips an object through its kind's k8s-openapi type: `Ok(false)`
/// when kdm has no typed model for the kind, `Err` naming the first
/// difference.
pub fn round_trip(object: &Value) -> Result<bool, String> {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    match lookup(kind).and_then(|k| k.typed) {
        Some(check) => check(object),
        None => Ok(false),
    }
}

/// A YAML node or a JSON value: both are walked by the same accessors.
pub trait Tree {
    /// The value of a mapping's `key`.
    fn child(&self, key: &str) -> Option<&Self>;
}

impl Tree for Node {
    fn child(&self, key: &str) -> Option<&Node> {
        self.get(key)
    }
}

impl Tree for serde_json::Value {
    fn child(&self, key: &str) -> Option<&serde_json::Value> {
        self.get(key)
    }
}

/// Where a workload kind keeps the template of the pods it creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodTemplate {
    /// A Pod is its own template.
    Itself,
    /// `spec.template`.
    Spec,
    /// `spec.jobTemplate.spec.template` (a CronJob).
    JobTemplate,
}

impl PodTemplate {
    /// Where `kind` keeps its pod template; `None` for kinds without one.
    pub fn of(kind: &str) -> Option<PodTemplate> {
        lookup(kind)?.pod_template
    }

    /// The spec that holds `selector`, `template`, `replicas` or
    /// `parallelism`: the object's own, or a CronJob's job template's.
    /// A Pod has none.
    pub fn workload_spec<T: Tree>(self, object: &T) -> Option<&T> {
        match self {
            PodTemplate::Itself => None,
            PodTemplate::Spec => object.child("spec"),
            PodTemplate::JobTemplate => object.child("spec")?.child("jobTemplate")?.child("spec"),
        }
    }

    /// The pod template (`metadata` and `spec`); a Pod itself.
    pub fn template<T: Tree>(self, object: &T) -> Option<&T> {
        match self {
            PodTemplate::Itself => Some(object),
            _ => self.workload_spec(object)?.child("template"),
        }
    }

    /// The pod spec of the template.
    pub fn pod_spec<T: Tree>(self, object: &T) -> Option<&T> {
        self.template(object)?.child("spec")
    }
}

/// The pod template of an object of `kind`, if the kind has one.
pub fn pod_template<'a, T: Tree>(kind: &str, object: &'a T) -> Option<&'a T> {
    PodTemplate::of(kind)?.template(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every workload kind, as JSON and as YAML: the template, its pod spec
    /// and the workload spec are found where Kubernetes keeps them.
    #[test]
    fn every_workload_kind_finds_its_pod_template() {
        let template = json!({"metadata": {"labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c"}]}});
        let controller = |kind: &str| {
            json!({"kind": kind, "spec": {"selector": {"matchLabels": {"app": "x"}},
                "template": template.clone()}})
        };
        let cases = [
            ("DaemonSet", controller("DaemonSet"), "/spec"),
            ("Deployment", controller("Deployment"), "/spec"),
            ("StatefulSet", controller("StatefulSet"), "/spec"),
            ("ReplicaSet", controller("ReplicaSet"), "/spec"),
            (
                "ReplicationController",
                controller("ReplicationController"),
                "/spec",
            ),
            ("Job", controller("Job"), "/spec"),
            (
                "CronJob",
                json!({"kind": "CronJob", "spec": {"schedule": "* * * * *",
                    "jobTemplate": {"spec": {"template": template.clone()}}}}),
                "/spec/jobTemplate/spec",
            ),
            (
                "Pod",
                json!({"kind": "Pod", "metadata": template["metadata"].clone(),
                "spec": template["spec"].clone()}),
                "",
            ),
        ];
        let workloads = KINDS.iter().filter(|k| k.pod_template.is_some());
        assert_eq!(cases.len(), workloads.count());
        for (kind, object, spec_at) in &cases {
            let Some(at) = PodTemplate::of(kind) else {
                panic!("{kind} has a pod template");
            };
            let found = at.template(object);
            assert_eq!(
                found.and_then(|t| t.pointer("/metadata/labels/app")),
                Some(&json!("x")),
                "{kind}"
            );
            assert_eq!(at.pod_spec(object), Some(&template["spec"]), "{kind}");
            let spec = at.workload_spec(object);
            if spec_at.is_empty() {
                assert_eq!(spec, None, "{kind}");
            } else {
                assert_eq!(spec, object.pointer(spec_at), "{kind}");
                assert!(spec.is_some_and(|s| s.get("template").is_some()), "{kind}");
            }
            // The YAML tree gives the same answers.
            let src = crate::yaml::Source::new("t.json", object.to_string());
            let docs = crate::yaml::load_stream(&src, crate::yaml::Limits::default()).unwrap();
            let yaml = at.template(&docs[0]).map(Node::to_json);
            assert_eq!(yaml.as_ref(), found, "{kind}");
            assert_eq!(
                pod_template(kind, &docs[0]).map(Node::to_json),
                yaml,
                "{kind}"
            );
        }
        for kind in ["Service", "ConfigMap", "PodTemplate", "Widget"] {
            assert_eq!(PodTemplate::of(kind), None, "{kind}");
            assert_eq!(pod_template(kind, &controller(kind)), None, "{kind}");
        }
    }

    #[test]
    fn the_table_is_sorted_and_names_schema_files_as_their_generator_does() {
        // Sorted without regard to case, as the schema generators list them.
        for pair in KINDS.windows(2) {
            let [a, b] = pair else { continue };
            assert!(
                (a.name.to_lowercase(), a.api_version) < (b.name.to_lowercase(), b.api_version),
                "{}",
                b.name
            );
        }
        for k in &KINDS {
            assert_eq!(lookup(k.name).map(|found| found.name), Some(k.name));
            assert_eq!(classify(k.name, k.api_version), Known::Served(k));
            let Some(stem) = k.schema.map(Schema::stem) else {
                continue;
            };
            // `<kind lowercased>-<group without domain>-<version>`
            let group_version = match k.api_version.split_once('/') {
                Some((group, version)) => {
                    format!("{}-{version}", group.split('.').next().unwrap_or(group))
                }
                None => k.api_version.to_string(),
            };
            assert_eq!(stem, format!("{}-{group_version}", k.name.to_lowercase()));
        }
        assert!(lookup("Widget").is_none());
    }

    /// Each schema generator bundles exactly the kinds the table has its
    /// schemas for.
    #[test]
    fn the_schema_generators_list_the_tables_kinds() {
        let generators = [
            (
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tools/gen_k8s_schemas.py"
                )),
                false,
            ),
            (
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tools/gen_crd_schemas.py"
                )),
                true,
            ),
        ];
        for (tool, crd) in generators {
            let Some(list) = tool
                .split("\nKINDS = [\n")
                .nth(1)
                .and_then(|l| l.split("\n]").next())
            else {
                panic!("the schema generator has a KINDS list");
            };
            let generated: Vec<String> = list.lines().map(|l| l.trim().to_string()).collect();
            let bundled: Vec<String> = KINDS
                .iter()
                .filter(|k| k.schema.is_some_and(|s| matches!(s, Schema::Crd(_)) == crd))
                .map(|k| format!("({:?}, {:?}),", k.name, k.api_version))
                .collect();
            assert_eq!(generated, bundled);
        }
    }

    #[test]
    fn custom_resources_are_told_apart_by_group() {
        let Known::Served(sm) = classify("ServiceMonitor", "monitoring.coreos.com/v1") else {
            panic!("served");
        };
        assert_eq!(sm.schema, Some(Schema::Crd("servicemonitor-monitoring-v1")));
        // Azure's managed Prometheus has its own ServiceMonitor.
        assert_eq!(
            classify("ServiceMonitor", "azmonitoring.coreos.com/v1"),
            Known::Unknown
        );
        assert_eq!(
            classify("ServiceMonitor", "monitoring.coreos.com/v1beta1"),
            Known::Unserved {
                kind: sm,
                served: vec!["monitoring.coreos.com/v1"]
            }
        );
        let Known::Unserved { served, .. } =
            classify("AlertmanagerConfig", "monitoring.coreos.com/v1")
        else {
            panic!("unserved");
        };
        assert_eq!(
            served,
            [
                "monitoring.coreos.com/v1alpha1",
                "monitoring.coreos.com/v1beta1"
            ]
        );
        // The API's own kinds are known by name in any group.
        assert!(matches!(
            classify("DaemonSet", "extensions/v1beta1"),
            Known::Unserved { .. }
        ));
        assert_eq!(classify("Widget", "v1"), Known::Unknown);
    }
}
