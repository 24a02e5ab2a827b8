use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::bundle;
use super::instance::Instance;
use crate::k8s::Object;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Span};

pub struct SchemaInvalid;

static META: RuleMeta = RuleMeta {
    id: "schema-invalid",
    severity: Severity::Error,
    summary: "object does not match the Kubernetes API schema (unknown field, wrong type, unserved apiVersion)",
    explain: "\
## What it does
Validates every object of a built-in kind (workloads, Pod, Service, RBAC,
ConfigMap, Secret, Namespace, PriorityClass, PodDisruptionBudget,
NetworkPolicy, Ingress, Endpoints, EndpointSlice) against the strict JSON
schema of the Kubernetes version given by `--kubernetes-version` (or
`kubernetesVersion` in `.kdm.yaml`). Reports every unknown field, wrong type,
missing required field and an `apiVersion` that version does not serve.
Scalars are read the way `kubectl` reads YAML (`yes` is a boolean, `9100` an
integer, `\"9100\"` a string). Custom resources are not checked.

## Why is this bad?
A misspelt field such as `volumeMount` is dropped silently by lenient clients
and rejected by `kubectl apply --validate=strict` (the default since 1.25):
either the mount never happens or the rollout fails. A removed `apiVersion`
(`extensions/v1beta1` DaemonSet) is refused by the API server.

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
        let Some(entries) = bundle::for_version(&ctx.kubernetes_version) else {
            // One finding for the run, at the first object a schema exists for.
            let bundled = bundle::versions().last().and_then(bundle::for_version);
            let first = ctx
                .objects
                .iter()
                .find(|o| bundled.is_some_and(|entries| entries.iter().any(|e| e.kind == o.kind)));
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
        // The costliest rule: objects are shared out over all cores.
        let found = crate::map_on_all_cores(&ctx.objects, |o| {
            let mut found = Vec::new();
            check_object(ctx, entries, o, &mut found);
            found
        });
        out.extend(found.into_iter().flatten());
    }
}

fn check_object(
    ctx: &Context<'_>,
    entries: &[bundle::Entry],
    o: &Object<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(entry) = entries.iter().find(|e| e.kind == o.kind) else {
        return; // custom resources and other kinds: no schema
    };
    if entry.api_version != o.api_version {
        out.push(at_api_version(
            o,
            format!(
                "apiVersion {:?} is not served for {} by Kubernetes {}",
                o.api_version, o.kind, ctx.kubernetes_version
            ),
            format!(
                "use apiVersion: {} (and migrate the fields that changed)",
                entry.api_version
            ),
        ));
        return;
    }
    let Ok(validator) = entry.validator() else {
        return; // a broken bundle; the unit tests compile every schema
    };
    for err in validator.iter_errors(Instance::new(o.node)) {
        report(o, &err, out);
    }
}

/// A finding about the object as a whole, at its `apiVersion`.
fn at_api_version(o: &Object<'_>, message: String, help: String) -> Finding {
    let span = o.node.get("apiVersion").map_or(o.node.span, |n| n.span);
    Finding::new(&META, o.file, span, message).help(help)
}

/// Turns one validation error into findings at the YAML nodes it is about.
fn report(o: &Object<'_>, err: &ValidationError<'_>, out: &mut Vec<Finding>) {
    let segments: Vec<LocationSegment<'_>> = err.instance_path().segments().collect();
    let path = display_path(&segments);
    let at = locate(o.node, &segments);
    let (value_span, key_span) = match at {
        Some(At { value, key }) => (value.span, key.map(|k| k.span)),
        None => (o.anchor(), None),
    };
    let prefix = if path.is_empty() {
        o.kind.to_string()
    } else {
        path.clone()
    };
    let in_status = matches!(segments.first(), Some(LocationSegment::Property(p)) if p == "status");
    let finding = |span: Span, message: String| Finding::new(&META, o.file, span, message);
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                let span = at
                    .and_then(|a| last_entry(a.value, name))
                    .map_or(value_span, |(k, _)| k.span);
                out.push(finding(span, format!("{prefix}: unknown field {name:?}")));
            }
        }
        ValidationErrorKind::FalseSchema => {
            out.push(finding(
                key_span.unwrap_or(value_span),
                format!("{path}: unknown field"),
            ));
        }
        ValidationErrorKind::Type { kind } => {
            out.push(finding(
                value_span,
                format!(
                    "{prefix}: {} is not of type {}",
                    show(err.instance()),
                    type_names(kind)
                ),
            ));
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // int-or-string and quantity: every branch is a type check
            let mut names = Vec::new();
            for branch in context {
                for e in branch {
                    if let ValidationErrorKind::Type { kind } = e.kind() {
                        names.push(type_names(kind));
                    }
                }
            }
            let expected = if names.is_empty() {
                err.to_string()
            } else {
                format!("is not of type {}", names.join(" or "))
            };
            out.push(finding(
                value_span,
                format!("{prefix}: {} {expected}", show(err.instance())),
            ));
        }
        // The API server drops `status` on create and update, so a status
        // missing what a controller would fill in is never rejected; unknown
        // fields and wrong types there still fail decoding.
        ValidationErrorKind::Required { .. } if in_status => {}
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), String::from);
            // The whole parent would be a huge span; its key is where to look.
            let span = if segments.is_empty() {
                o.node.get("kind").map_or(o.node.span, |n| n.span)
            } else {
                key_span.unwrap_or(value_span)
            };
            out.push(finding(
                span,
                format!("{prefix}: missing required field {name:?}"),
            ));
        }
        ValidationErrorKind::Enum { options } => {
            out.push(finding(
                value_span,
                format!(
                    "{prefix}: {} is not one of {}",
                    show(err.instance()),
                    options
                ),
            ));
        }
        _ => out.push(finding(value_span, format!("{prefix}: {err}"))),
    }
}

/// A node an instance path leads to, with its mapping key when it has one.
#[derive(Clone, Copy)]
struct At<'a> {
    value: &'a Node,
    key: Option<&'a Node>,
}

/// Follows a JSON pointer's segments through the YAML tree.
fn locate<'a>(root: &'a Node, segments: &[LocationSegment<'_>]) -> Option<At<'a>> {
    let mut at = At {
        value: root,
        key: None,
    };
    for seg in segments {
        at = match seg {
            LocationSegment::Property(name) => {
                let (k, v) = last_entry(at.value, name)?;
                At {
                    value: v,
                    key: Some(k),
                }
            }
            LocationSegment::Index(i) => At {
                value: at.value.as_seq()?.get(*i)?,
                key: None,
            },
        };
    }
    Some(at)
}

/// The entry `to_json` keeps for a key: the last one (duplicates overwrite).
fn last_entry<'a>(map: &'a Node, name: &str) -> Option<(&'a Node, &'a Node)> {
    map.as_map()?
        .iter()
        .rev()
        .find(|(k, _)| k.key_string() == name)
        .map(|(k, v)| (k, v))
}

/// `spec.template.spec.containers[0]`; keys that are not identifiers are
/// quoted: `metadata.annotations["prometheus.io/port"]`.
fn display_path(segments: &[LocationSegment<'_>]) -> String {
    let mut s = String::new();
    for seg in segments {
        match seg {
            LocationSegment::Index(i) => s.push_str(&format!("[{i}]")),
            LocationSegment::Property(name) => {
                let plain = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if !plain {
                    s.push_str(&format!("[{name:?}]"));
                } else {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(name);
                }
            }
        }
    }
    s
}

/// Expected types without `null` (nullable is not what the user got wrong).
fn type_names(kind: &TypeKind) -> String {
    let types: Vec<JsonType> = match kind {
        TypeKind::Single(t) => vec![*t],
        TypeKind::Multiple(set) => set.iter().collect(),
    };
    let names: Vec<&str> = types
        .iter()
        .filter(|t| **t != JsonType::Null || types.len() == 1)
        .map(|t| t.as_str())
        .collect();
    names.join(" or ")
}

/// A short rendering of the offending value.
fn show(v: &Value) -> String {
    match v {
        Value::Object(_) => "a mapping".to_string(),
        Value::Array(_) => "a sequence".to_string(),
        Value::Null => "null".to_string(),
        _ => {
            let s = v.to_string();
            if s.chars().count() > 40 {
                let cut: String = s.chars().take(37).collect();
                format!("{cut}...")
            } else {
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

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
            LocationSegment::Property("spec".into()),
            LocationSegment::Property("containers".into()),
            LocationSegment::Index(1),
            LocationSegment::Property("ports".into()),
            LocationSegment::Index(0),
            LocationSegment::Property("containerPort".into()),
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
        let missing = [LocationSegment::Property("nope".into())];
        assert!(locate(&root, &missing).is_none());
        let out_of_range = [
            LocationSegment::Property("spec".into()),
            LocationSegment::Property("containers".into()),
            LocationSegment::Index(7),
        ];
        assert!(locate(&root, &out_of_range).is_none());
    }

    #[test]
    fn annotation_keys_are_quoted_in_paths() {
        let segs = [
            LocationSegment::Property("metadata".into()),
            LocationSegment::Property("annotations".into()),
            LocationSegment::Property("prometheus.io/port".into()),
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
        let Some(entries) = bundle::for_version("1.37") else {
            panic!("bundled");
        };
        let Some(Ok(v)) = entries
            .iter()
            .find(|e| e.kind == "DaemonSet")
            .map(|e| e.validator())
        else {
            panic!("compiles");
        };
        let mut out = Vec::new();
        for err in v.iter_errors(Instance::new(&root)) {
            report(&o, &err, &mut out);
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
