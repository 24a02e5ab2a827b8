//! The Kubernetes kinds kdm knows, in one table: served apiVersion, scope,
//! where the pod template is, the bundled schema and the typed model. Lint,
//! simulation, coverage, schema checks and generate all read it; where a
//! workload keeps its pod template is looked up here over YAML nodes and
//! JSON values alike (kube-linter's `extract.PodSpec` idea).

use serde_json::Value;

use crate::yaml::Node;

/// The kinds, each row
/// `[kind, apiVersion, scope, pod template, schema file, k8s-openapi type]`,
/// handed to `$then!` after its own arguments and a `;`. `-` marks a column
/// the kind has no entry in. The schema file is the stem under
/// `schemas/kubernetes/<version>/` (written by `tools/gen_k8s_schemas.py`);
/// the typed model is checked for the kinds `generate` writes.
macro_rules! kind_table {
    ($then:ident!($($args:tt)*)) => {
        $then!($($args)*;
            ["ClusterRole", "rbac.authorization.k8s.io/v1", Cluster, -,
                "clusterrole-rbac-v1", rbac::v1::ClusterRole],
            ["ClusterRoleBinding", "rbac.authorization.k8s.io/v1", Cluster, -,
                "clusterrolebinding-rbac-v1", rbac::v1::ClusterRoleBinding],
            ["ConfigMap", "v1", Namespaced, -, "configmap-v1", core::v1::ConfigMap],
            ["CronJob", "batch/v1", Namespaced, JobTemplate, "cronjob-batch-v1", -],
            ["DaemonSet", "apps/v1", Namespaced, Spec, "daemonset-apps-v1", apps::v1::DaemonSet],
            ["Deployment", "apps/v1", Namespaced, Spec, "deployment-apps-v1", -],
            ["Endpoints", "v1", Namespaced, -, "endpoints-v1", -],
            ["EndpointSlice", "discovery.k8s.io/v1", Namespaced, -,
                "endpointslice-discovery-v1", -],
            ["Ingress", "networking.k8s.io/v1", Namespaced, -, "ingress-networking-v1", -],
            ["Job", "batch/v1", Namespaced, Spec, "job-batch-v1", -],
            ["Namespace", "v1", Cluster, -, "namespace-v1", core::v1::Namespace],
            ["NetworkPolicy", "networking.k8s.io/v1", Namespaced, -,
                "networkpolicy-networking-v1", -],
            ["Node", "v1", Cluster, -, -, -],
            ["Pod", "v1", Namespaced, Itself, "pod-v1", -],
            ["PodDisruptionBudget", "policy/v1", Namespaced, -,
                "poddisruptionbudget-policy-v1", policy::v1::PodDisruptionBudget],
            ["PriorityClass", "scheduling.k8s.io/v1", Cluster, -,
                "priorityclass-scheduling-v1", scheduling::v1::PriorityClass],
            ["ReplicaSet", "apps/v1", Namespaced, Spec, "replicaset-apps-v1", -],
            ["ReplicationController", "v1", Namespaced, Spec, "replicationcontroller-v1", -],
            ["Role", "rbac.authorization.k8s.io/v1", Namespaced, -, "role-rbac-v1",
                rbac::v1::Role],
            ["RoleBinding", "rbac.authorization.k8s.io/v1", Namespaced, -,
                "rolebinding-rbac-v1", rbac::v1::RoleBinding],
            ["Secret", "v1", Namespaced, -, "secret-v1", core::v1::Secret],
            ["Service", "v1", Namespaced, -, "service-v1", core::v1::Service],
            ["ServiceAccount", "v1", Namespaced, -, "serviceaccount-v1",
                core::v1::ServiceAccount],
            ["StatefulSet", "apps/v1", Namespaced, Spec, "statefulset-apps-v1", -],
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
    /// Its schema's file stem, when a schema is bundled.
    pub schema: Option<&'static str>,
    /// A round trip through its k8s-openapi type, for kinds `generate` writes.
    pub typed: Option<RoundTrip>,
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
            schema: kind_rows!(@option $schema),
            typed: kind_rows!(@typed $($typed)+),
        }),*]
    };
    (@template -) => { None };
    (@template $t:ident) => { Some(PodTemplate::$t) };
    (@option -) => { None };
    (@option $v:literal) => { Some($v) };
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

/// The kind called `name`, if kdm knows it.
pub fn lookup(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
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
        // Sorted without regard to case, as the schema generator lists them.
        for pair in KINDS.windows(2) {
            let [a, b] = pair else { continue };
            assert!(a.name.to_lowercase() < b.name.to_lowercase(), "{}", b.name);
        }
        for k in &KINDS {
            assert_eq!(lookup(k.name).map(|found| found.name), Some(k.name));
            let Some(stem) = k.schema else {
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

    /// The schema generator bundles exactly the kinds the table has schemas for.
    #[test]
    fn the_schema_generator_lists_the_tables_kinds() {
        let tool = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tools/gen_k8s_schemas.py"
        ));
        let Some(list) = tool
            .split("\nKINDS = [\n")
            .nth(1)
            .and_then(|l| l.split("\n]").next())
        else {
            panic!("tools/gen_k8s_schemas.py has a KINDS list");
        };
        let generated: Vec<String> = list.lines().map(|l| l.trim().to_string()).collect();
        let bundled: Vec<String> = KINDS
            .iter()
            .filter(|k| k.schema.is_some())
            .map(|k| format!("({:?}, {:?}),", k.name, k.api_version))
            .collect();
        assert_eq!(generated, bundled);
    }
}
