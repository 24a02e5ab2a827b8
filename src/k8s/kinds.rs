//! Where each workload kind keeps its pod template: the one place lint,
//! simulation, coverage and tests look it up, over YAML nodes and JSON
//! values alike (kube-linter's `extract.PodSpec` idea).

use crate::yaml::Node;

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

/// Kinds that carry a pod template (or are a pod).
const WORKLOADS: [(&str, PodTemplate); 8] = [
    ("DaemonSet", PodTemplate::Spec),
    ("Deployment", PodTemplate::Spec),
    ("StatefulSet", PodTemplate::Spec),
    ("ReplicaSet", PodTemplate::Spec),
    ("ReplicationController", PodTemplate::Spec),
    ("Job", PodTemplate::Spec),
    ("CronJob", PodTemplate::JobTemplate),
    ("Pod", PodTemplate::Itself),
];

impl PodTemplate {
    /// Where `kind` keeps its pod template; `None` for kinds without one.
    pub fn of(kind: &str) -> Option<PodTemplate> {
        WORKLOADS.iter().find(|(k, _)| *k == kind).map(|(_, t)| *t)
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
        assert_eq!(cases.len(), WORKLOADS.len());
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
}
