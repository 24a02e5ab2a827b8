use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::ValidationError;

use crate::decode::{self, display_path, Step, Target};
use crate::k8s::schema::{self as bundle, Entry, Instance};
use crate::k8s::Object;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct SchemaInvalid;

static META: RuleMeta = RuleMeta {
    id: "schema-invalid",
    severity: Severity::Error,
    summary: "object does not match the Kubernetes API or its CRD's schema (unknown field, wrong type, unserved apiVersion)",
    explain: "\
## What it does
Validates every object of a built-in kind (workloads, Pod, Service, RBAC,
ConfigMap, Secret, Namespace, Node, PriorityClass, PodDisruptionBudget,
NetworkPolicy, Ingress, IngressClass, Endpoints, EndpointSlice,
CustomResourceDefinition, webhooks and admission policies, APIService,
CSIDriver, CSINode, StorageClass, VolumeAttachment, PersistentVolume(Claim),
HorizontalPodAutoscaler, RuntimeClass, Lease, LimitRange, ResourceQuota,
FlowSchema, ...) against the strict JSON schema of the Kubernetes version
given by `--kubernetes-version` (any minor version from 1.27; or
`kubernetes-version` in `.kdm.yaml`), and every prometheus-operator resource
(monitoring.coreos.com: Prometheus, PrometheusAgent, ServiceMonitor,
PodMonitor, Probe, ScrapeConfig, PrometheusRule, Alertmanager,
AlertmanagerConfig, ThanosRuler) against the CRD schemas of
prometheus-operator v0.93.0. Reports every unknown field (with the field
meant, when one is close), wrong type, missing required field, broken CRD
validation rule and an `apiVersion` that is not served. Scalars are read the
way `kubectl` reads YAML (`yes` is a boolean, `9100` an integer, `\"9100\"` a
string). Custom resources are checked as the API server checks them: `null`
is an unset optional field, a quantity is an integer or a string (`cpu: 0.5`
is refused), and fields under `x-kubernetes-preserve-unknown-fields` are
kept. Resources of any other CRD are checked the same way against that
CustomResourceDefinition, when the input or `--crds DIR` (`crds` in
`.kdm.yaml`) holds it; a CRD of the run replaces the bundled schemas of its
kind, and one the API server would refuse (a schema that is not structural)
is reported at its line. Other custom resources are not checked.

## Why is this bad?
A misspelt field such as `volumeMount` (or a ServiceMonitor's
`relabelConfigs` for `relabelings`) is dropped silently by lenient clients
and rejected by `kubectl apply --validate=strict` (the default since 1.25):
either the mount or the relabeling never happens or the rollout fails. A
removed `apiVersion` (`extensions/v1beta1` DaemonSet) is refused by the API
server.

## Example
```yaml
apiVersion: extensions/v1beta1
kind: DaemonSet
spec:
  template:
    spec:
      containers:
        - name: node-exporter
          ports:
            - containerPort: nine
          volumeMount:
            - {name: proc, mountPath: /host/proc}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
spec:
  selector:
    matchLabels: {app: node-exporter}
  template:
    metadata:
      labels: {app: node-exporter}
    spec:
      containers:
        - name: node-exporter
          ports:
            - containerPort: 9100
          volumeMounts:
            - {name: proc, mountPath: /host/proc, readOnly: true}
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/
- https://kubernetes.io/docs/reference/using-api/deprecation-guide/
",
};

impl Rule for SchemaInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(schemas) = bundle::for_version(&ctx.kubernetes_version) else {
            // One finding for the run, at the first object a schema exists for.
            let bundled = bundle::versions().last().and_then(bundle::for_version);
            let first = ctx
                .objects
                .iter()
                .find(|o| bundled.is_some_and(|schemas| schemas.get(o.kind).is_some()));
            if let Some(o) = first {
                let versions: Vec<&str> = bundle::versions().collect();
                out.push(at_api_version(
                    o,
                    format!(
                        "no schemas for Kubernetes {:?}; objects were not schema-checked",
                        ctx.kubernetes_version
                    ),
                    format!(
                        "use --kubernetes-version with one of: {}",
                        versions.join(", ")
                    ),
                ));
            }
            return;
        };
        if let Some(custom) = ctx.custom {
            for (file, span, message) in &custom.problems {
                out.push(Finding::new(&META, *file, *span, message.clone()).help(
                    "the API server refuses this CustomResourceDefinition; kdm checks no custom resource against this version until it is fixed",
                ));
            }
        }
        // The costliest rule: objects are shared out over all cores.
        let found = crate::map_on_all_cores(&ctx.objects, |o| {
            let mut found = Vec::new();
            check_object(ctx, schemas, o, &mut found);
            found
        });
        out.extend(found.into_iter().flatten());
    }
}

fn check_object(
    ctx: &Context<'_>,
    schemas: bundle::Schemas,
    o: &Object<'_>,
    out: &mut Vec<Finding>,
) {
    // The run's CRDs come first: they define their kinds' every version.
    let lookup = ctx
        .custom
        .and_then(|c| c.lookup(o.kind, o.api_version))
        .unwrap_or_else(|| schemas.lookup(o.kind, o.api_version));
    let entry = match lookup {
        bundle::Lookup::Check(entry) => entry,
        // Custom resources kdm has no schema for, and other kinds.
        bundle::Lookup::None => return,
        bundle::Lookup::Unserved { entry, served } => {
            // A version the deprecation guide lists as removed is
            // `api-version-removed`'s, with the release and the way out.
            let removed = crate::k8s::deprecations::minor_of(&ctx.kubernetes_version)
                .and_then(|m| crate::k8s::deprecations::status(o.api_version, o.kind, m));
            if matches!(removed, Some(crate::k8s::deprecations::Status::Removed(_))) {
                return;
            }
            let by = if let Some(crd) = &entry.defined_by {
                format!("the CustomResourceDefinition {crd}")
            } else if entry.crd {
                format!("prometheus-operator {}'s CRDs", bundle::CRD_RELEASE)
            } else {
                format!("Kubernetes {}", ctx.kubernetes_version)
            };
            let fix = if entry.crd {
                ""
            } else {
                " (and migrate the fields that changed)"
            };
            out.push(at_api_version(
                o,
                format!(
                    "apiVersion {:?} is not served for {} by {by}",
                    o.api_version, o.kind
                ),
                if served.is_empty() {
                    "the CustomResourceDefinition serves no version of this kind: set `served: true` on one".into()
                } else {
                    format!("use apiVersion: {}{fix}", served.join(" or "))
                },
            ));
            return;
        }
    };
    let validator = match entry.validator() {
        Ok(v) => v,
        // A broken bundle never (the unit tests compile every schema); a
        // CRD's schema can be.
        Err(e) => {
            if let Some(crd) = &entry.defined_by {
                out.push(at_api_version(
                    o,
                    format!("not checked: the schema of {} in the CustomResourceDefinition {crd} does not compile: {e}", o.api_version),
                    "fix the CustomResourceDefinition".into(),
                ));
            }
            return;
        }
    };
    for err in validator.iter_errors(Instance::new(o.node)) {
        let before = out.len();
        report(o, entry, &err, out);
        if let Some(newer) = added_later(&ctx.kubernetes_version, o, entry, &err) {
            for f in &mut out[before..] {
                f.message.push_str(&format!(
                    " (added in Kubernetes {newer}; linting for {})",
                    ctx.kubernetes_version
                ));
            }
        }
    }
}

/// For an unknown field of the API's own kinds: the first newer bundled
/// Kubernetes version whose schema has it there.
fn added_later(
    version: &str,
    o: &Object<'_>,
    entry: &Entry,
    err: &ValidationError<'_>,
) -> Option<&'static str> {
    let ValidationErrorKind::AdditionalProperties { unexpected } = err.kind() else {
        return None;
    };
    if entry.crd {
        return None;
    }
    let minor = crate::k8s::deprecations::minor_of(version)?;
    let path = err.instance_path().as_str().to_string();
    bundle::versions()
        .filter(|v| crate::k8s::deprecations::minor_of(v).is_some_and(|m| m > minor))
        .find(|v| {
            let Some(newer) = bundle::for_version(v).and_then(|s| s.get(&entry.kind)) else {
                return false;
            };
            let Ok(validator) = newer.validator() else {
                return false;
            };
            !validator.iter_errors(Instance::new(o.node)).any(|e| {
                e.instance_path().as_str() == path
                    && matches!(e.kind(), ValidationErrorKind::AdditionalProperties { unexpected: u }
                        if u.iter().any(|f| unexpected.contains(f)))
            })
        })
}

/// A finding about the object as a whole, at its `apiVersion`.
fn at_api_version(o: &Object<'_>, message: String, help: String) -> Finding {
    let span = o.api_version_span();
    Finding::new(&META, o.file, span, message).help(help)
}

/// Turns one validation error into findings at the YAML nodes it is about.
fn report(o: &Object<'_>, entry: &Entry, err: &ValidationError<'_>, out: &mut Vec<Finding>) {
    // The API server drops `status` on create and update, so a status
    // missing what a controller would fill in is never rejected; unknown
    // fields and wrong types there still fail decoding. A custom resource's
    // status is decoded without types: only its unknown fields are pruned,
    // and reported. (Without a status subresource, a CRD's status is part
    // of the object, validated with it.)
    let in_status = matches!(err.instance_path().segments().next(),
        Some(LocationSegment::Property(p)) if p == "status");
    let dropped = match err.kind() {
        ValidationErrorKind::Required { .. } => true,
        ValidationErrorKind::AdditionalProperties { .. } => false,
        _ => entry.crd,
    };
    if in_status && dropped && entry.status_reset {
        return;
    }
    // A required custom-resource field that is null fails its type too,
    // which says it better (see `reword`).
    if entry.crd
        && err.instance().is_null()
        && matches!(err.kind(), ValidationErrorKind::Enum { .. })
    {
        return;
    }
    for mut problem in decode::explain(err, entry.schema()) {
        reword(entry, err, &mut problem);
        let path = display_path(&problem.path);
        let span = match problem.target {
            // The whole object would be a huge span; its kind is where to look.
            Target::Key if problem.path.is_empty() => {
                o.node.get("kind").map_or(o.node.span, |n| n.span)
            }
            _ => problem.node(o.node).map_or(o.anchor(), |n| n.span),
        };
        let subject = if path.is_empty() {
            o.kind.to_string()
        } else {
            path
        };
        let mut f = Finding::new(
            &META,
            o.file,
            span,
            format!("{subject}: {}", problem.message),
        );
        if let Some(help) = problem.help {
            f = f.help(help);
        }
        out.push(f);
    }
}

/// The patterns of the CRDs' quantities and durations, by what they are.
const PATTERNS: [(&str, &str); 4] = [
    (
        r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        "a quantity (such as 500m, 1.5, 64Mi or 2G)",
    ),
    (
        "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
        "a Prometheus duration (such as 30s, 1m30s or 2h)",
    ),
    (
        "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$",
        "a Prometheus duration (such as 30s, 1m30s or 2h)",
    ),
    (
        "^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
        "a Go duration in h, m, s and ms (such as 30s or 1m30s)",
    ),
];

/// Says in Kubernetes' terms what a bare schema error says obscurely: a
/// value that is not a quantity or duration (rather than the regex it
/// misses), a required custom-resource field that is null (optional ones
/// accept null, as the API server drops it).
fn reword(entry: &Entry, err: &ValidationError<'_>, problem: &mut decode::Problem) {
    match err.kind() {
        ValidationErrorKind::Pattern { pattern } => {
            if let Some((_, what)) = PATTERNS.iter().find(|(p, _)| p == pattern) {
                problem.message = format!("{} is not {what}", err.instance());
            }
        }
        ValidationErrorKind::Type { .. } if entry.crd && err.instance().is_null() => {
            if matches!(problem.path.last(), Some(Step::Key(_))) {
                problem.message = "a required field cannot be null".into();
                problem.help = Some(
                    "the API server drops a null field and then finds it missing; give it a value"
                        .into(),
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::locate;
    use crate::yaml::{load_stream, Limits, Node, Source, Span};

    fn parse(text: &str) -> (Source, Node) {
        let source = Source::new("t.yaml", text);
        let mut docs = load_stream(&source, Limits::default()).unwrap_or_default();
        assert_eq!(docs.len(), 1);
        let doc = docs.remove(0);
        (source, doc)
    }

    fn text_at<'s>(source: &'s Source, span: Span, text: &'s str) -> &'s str {
        let _ = source;
        &text[span.start..span.end]
    }

    #[test]
    fn pointer_segments_lead_to_value_and_key() {
        let text = "spec:\n  containers:\n    - name: a\n    - name: b\n      ports:\n        - containerPort: nine\n";
        let (source, root) = parse(text);
        let segs = [
            Step::Key("spec".into()),
            Step::Key("containers".into()),
            Step::Index(1),
            Step::Key("ports".into()),
            Step::Index(0),
            Step::Key("containerPort".into()),
        ];
        let Some(at) = locate(&root, &segs) else {
            panic!("path resolves");
        };
        assert_eq!(text_at(&source, at.value.span, text), "nine");
        let Some(key) = at.key else {
            panic!("a mapping value has a key");
        };
        assert_eq!(text_at(&source, key.span, text), "containerPort");
        assert_eq!(source.line_col(at.value.span.start), (6, 26));
        assert_eq!(
            display_path(&segs),
            "spec.containers[1].ports[0].containerPort"
        );
        let missing = [Step::Key("nope".into())];
        assert!(locate(&root, &missing).is_none());
        let out_of_range = [
            Step::Key("spec".into()),
            Step::Key("containers".into()),
            Step::Index(7),
        ];
        assert!(locate(&root, &out_of_range).is_none());
    }

    /// Every pattern worded in Kubernetes' terms is one the CRDs use.
    #[test]
    fn worded_patterns_are_the_crds_own() {
        let texts: String = bundle::crd_entries().map(|e| e.schema_text()).collect();
        for (pattern, _) in PATTERNS {
            let quoted = serde_json::Value::from(pattern).to_string();
            assert!(texts.contains(&quoted), "{pattern}");
        }
    }

    #[test]
    fn annotation_keys_are_quoted_in_paths() {
        let segs = [
            Step::Key("metadata".into()),
            Step::Key("annotations".into()),
            Step::Key("prometheus.io/port".into()),
        ];
        assert_eq!(
            display_path(&segs),
            "metadata.annotations[\"prometheus.io/port\"]"
        );
    }

    #[test]
    fn every_error_lands_on_its_node() {
        let text = "\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: x
  annotations:
    prometheus.io/port: 9100
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
        - name: x
          ports:
            - containerPort: nine
          volumeMount: []
          volumeMounts:
            - {name: p, mountPath: /p, readOnly: \"yes\"}
";
        let (source, root) = parse(text);
        let Some(o) = crate::k8s::objects_in(0, std::slice::from_ref(&root))
            .into_iter()
            .next()
        else {
            panic!("one object");
        };
        let Some(entries) = bundle::for_version(bundle::DEFAULT_VERSION) else {
            panic!("bundled");
        };
        let Some(Ok(v)) = entries
            .iter()
            .find(|e| e.kind == "DaemonSet")
            .map(|e| e.validator())
        else {
            panic!("compiles");
        };
        let Some(entry) = entries.get("DaemonSet") else {
            panic!("bundled");
        };
        let mut out = Vec::new();
        for err in v.iter_errors(Instance::new(&root)) {
            report(&o, entry, &err, &mut out);
        }
        let mut got: Vec<(usize, String, &str)> = out
            .iter()
            .map(|f| {
                (
                    source.line_col(f.span.start).0,
                    f.message.clone(),
                    text_at(&source, f.span, text),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    6,
                    "metadata.annotations[\"prometheus.io/port\"]: 9100 is not of type string"
                        .to_string(),
                    "9100"
                ),
                (
                    17,
                    "spec.template.spec.containers[0].ports[0].containerPort: \"nine\" is not of type integer"
                        .to_string(),
                    "nine"
                ),
                (
                    18,
                    "spec.template.spec.containers[0]: unknown field \"volumeMount\"".to_string(),
                    "volumeMount"
                ),
                (
                    20,
                    "spec.template.spec.containers[0].volumeMounts[0].readOnly: \"yes\" is not of type boolean"
                        .to_string(),
                    "\"yes\""
                ),
            ]
        );
    }
}
