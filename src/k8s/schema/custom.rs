//! The CustomResourceDefinitions of one run (those of the input, then those
//! of `--crds`): each served version's `openAPIV3Schema`, translated by
//! [`super::structural`], checks the custom resources of its group, version
//! and kind. A CRD defines every version of its group and kind: for
//! prometheus-operator's kinds it replaces the bundled schemas (a cluster
//! runs the CRDs it was given, say a newer release's). The first CRD of a
//! group and kind counts. Schemas are translated once per distinct CRD
//! text, on all cores, and compiled the first time a resource needs them.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::bundle::{Entry, Lookup};
use super::structural;
use crate::decode::{display_path, locate, Step};
use crate::yaml::{Node, Resolved, Span};

/// The apiVersion of the CustomResourceDefinitions read.
pub const CRD_API_VERSION: &str = "apiextensions.k8s.io/v1";

/// Whether `kind` at `api_version` is a CustomResourceDefinition read here.
pub fn is_crd(kind: &str, api_version: &str) -> bool {
    kind == "CustomResourceDefinition" && api_version == CRD_API_VERSION
}

/// The kinds the run's CRDs define.
#[derive(Default)]
pub struct CustomResources {
    kinds: Vec<Defined>,
    /// Problems of the input's CRDs: (file, span, message).
    pub problems: Vec<(usize, Span, String)>,
}

struct Defined {
    group: String,
    kind: String,
    /// The CRD's `metadata.name`.
    name: String,
    versions: Vec<Version>,
}

struct Version {
    api_version: String,
    served: bool,
    /// `None` when the schema could not be translated (a problem says why).
    entry: Option<Entry>,
    /// Its CEL rules kdm cannot check.
    unchecked: Vec<String>,
}

/// What is wrong with a CRD, as paths in its document.
type Problems = Vec<(Vec<Step>, String)>;

impl CustomResources {
    /// Reads the CRDs `docs` (each with its source text) in order: each
    /// defines its kinds unless an earlier one did. Returns, per CRD, what
    /// is wrong with it, at the nodes concerned. Copies of a CRD (the same
    /// text) are translated once, the others on all cores; ObjectMeta comes
    /// from the schemas of `kubernetes_version`.
    pub fn read(
        kubernetes_version: &str,
        docs: &[(&Node, &str)],
    ) -> (CustomResources, Vec<Vec<(Span, String)>>) {
        let mut custom = CustomResources::default();
        if docs.is_empty() {
            return (custom, Vec::new());
        }
        // Copies are found by group, kind and length first: comparing the
        // few texts that agree costs less than hashing every text.
        let mut alike: HashMap<_, Vec<usize>> = HashMap::new();
        let mut distinct: Vec<(&Node, &str)> = Vec::new();
        let copy_of: Vec<usize> = docs
            .iter()
            .map(|&(doc, text)| {
                let spec = doc.get("spec");
                let group = spec.and_then(|s| s.get("group")).and_then(Node::as_str);
                let kind = spec
                    .and_then(|s| s.get("names"))
                    .and_then(|n| n.get("kind"))
                    .and_then(Node::as_str);
                let same = alike.entry((group, kind, text.len())).or_default();
                if let Some(&i) = same.iter().find(|&&i| distinct[i].1 == text) {
                    return i;
                }
                distinct.push((doc, text));
                same.push(distinct.len() - 1);
                distinct.len() - 1
            })
            .collect();
        let meta = object_meta(kubernetes_version);
        let translated = crate::map_on_all_cores(&distinct, |(doc, _)| translate(doc, &meta));
        let mut problems: Vec<Problems> = Vec::with_capacity(translated.len());
        for (defined, found) in translated {
            problems.push(found);
            let Some(d) = defined else {
                continue;
            };
            if !custom
                .kinds
                .iter()
                .any(|k| k.group == d.group && k.kind == d.kind)
            {
                custom.kinds.push(d);
            }
        }
        let located = docs
            .iter()
            .zip(copy_of)
            .map(|((doc, _), i)| locate_all(doc, &problems[i]))
            .collect();
        (custom, located)
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    fn defined(&self, kind: &str, api_version: &str) -> Option<(&Defined, Option<&Version>)> {
        let (group, _) = api_version.rsplit_once('/')?;
        let d = self
            .kinds
            .iter()
            .find(|d| d.kind == kind && d.group == group)?;
        let v = d.versions.iter().find(|v| v.api_version == api_version);
        Some((d, v))
    }

    /// Whether a CRD of the run defines the group and kind of `api_version`.
    pub fn defines(&self, kind: &str, api_version: &str) -> bool {
        self.defined(kind, api_version).is_some()
    }

    /// The schema a resource is checked against, when a CRD of the run
    /// defines its group and kind: `Lookup::None` when that version's
    /// schema is broken (its problem is reported at the CRD).
    pub fn lookup(&self, kind: &str, api_version: &str) -> Option<Lookup<'_>> {
        let (d, version) = self.defined(kind, api_version)?;
        if let Some(v) = version.filter(|v| v.served) {
            return Some(v.entry.as_ref().map_or(Lookup::None, Lookup::Check));
        }
        let entry = d.versions.iter().find_map(|v| v.entry.as_ref())?;
        let served = d
            .versions
            .iter()
            .filter(|v| v.served)
            .map(|v| v.api_version.as_str())
            .collect();
        Some(Lookup::Unserved { entry, served })
    }

    /// The CEL rules of the schema a resource is checked against that kdm
    /// cannot check, with the CRD's name.
    pub fn unchecked(&self, kind: &str, api_version: &str) -> Option<(&str, &[String])> {
        let (d, v) = self.defined(kind, api_version)?;
        let v = v.filter(|v| v.served && v.entry.is_some())?;
        Some((d.name.as_str(), v.unchecked.as_slice()))
    }
}

/// Translates the served versions of the CRD `doc`: the kinds it
/// defines, and what is wrong with it.
fn translate(doc: &Node, meta: &Map<String, Value>) -> (Option<Defined>, Problems) {
    let spec = doc.get("spec");
    let text = |n: Option<&Node>| n.and_then(Node::as_str).map(str::to_string);
    // A CRD without these fails the CRD's own schema check.
    let (Some(group), Some(kind)) = (
        text(spec.and_then(|s| s.get("group"))),
        text(
            spec.and_then(|s| s.get("names"))
                .and_then(|n| n.get("kind")),
        ),
    ) else {
        return (None, Vec::new());
    };
    let name = text(doc.get("metadata").and_then(|m| m.get("name")))
        .unwrap_or_else(|| format!("{}.{group}", kind.to_lowercase()));
    let versions = spec
        .and_then(|s| s.get("versions"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let mut problems = Vec::new();
    let mut defined = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let Some(version) = v.get("name").and_then(Node::as_str) else {
            continue;
        };
        let served = v
            .get("served")
            .is_some_and(|s| matches!(s.resolve(), Some(Resolved::Bool(true))));
        let api_version = format!("{group}/{version}");
        let at = |rest: &[Step]| {
            let mut path = vec![
                Step::Key("spec".into()),
                Step::Key("versions".into()),
                Step::Index(i),
            ];
            path.extend_from_slice(rest);
            path
        };
        let mut entry = None;
        let mut unchecked = Vec::new();
        let schema = v.get("schema").and_then(|s| s.get("openAPIV3Schema"));
        match schema {
            None if served => problems.push((
                at(&[Step::Key("name".into())]),
                format!("served version {version:?} has no schema.openAPIV3Schema"),
            )),
            None => {}
            Some(schema) => {
                let root = schema.to_json();
                match structural::translate(&kind, &api_version, &root, meta) {
                    Ok(t) => {
                        unchecked = t.unchecked;
                        let status = v
                            .get("subresources")
                            .and_then(|s| s.get("status"))
                            .is_some_and(|s| !s.is_null());
                        entry = Some(Entry::translated(
                            &kind,
                            &api_version,
                            &name,
                            status,
                            t.schema,
                        ));
                    }
                    Err(e) => {
                        let mut rest = vec![
                            Step::Key("schema".into()),
                            Step::Key("openAPIV3Schema".into()),
                        ];
                        rest.extend(e.path);
                        problems.push((at(&rest), e.message));
                    }
                }
            }
        }
        defined.push(Version {
            api_version,
            served,
            entry,
            unchecked,
        });
    }
    let defined = Defined {
        group,
        kind,
        name,
        versions: defined,
    };
    (Some(defined), problems)
}

/// The places of `problems` in `doc`, each with its path.
fn locate_all(doc: &Node, problems: &Problems) -> Vec<(Span, String)> {
    problems
        .iter()
        .map(|(path, message)| {
            let span = locate(doc, path).map_or(doc.span, |at| match at.key {
                // A schema or list is shown at its key, a value itself.
                Some(key) if at.value.as_str().is_none() => key.span,
                _ => at.value.span,
            });
            (span, format!("{}: {message}", display_path(path)))
        })
        .collect()
}

/// ObjectMeta and its definitions, as the bundled ConfigMap schema of
/// `version` (or the default version) has them.
fn object_meta(version: &str) -> Map<String, Value> {
    let config_map = super::for_version(version)
        .or_else(|| super::for_version(super::DEFAULT_VERSION))
        .and_then(|s| s.get("ConfigMap"))
        .and_then(Entry::document);
    match config_map.as_deref().and_then(|d| d.get("$defs")) {
        Some(Value::Object(defs)) => defs.clone(),
        // The tests hold every bundled version to having it.
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits, Source};

    fn crds(text: &str) -> (CustomResources, Vec<(usize, String)>) {
        let source = Source::new("crd.yaml", text);
        let docs = load_stream(&source, Limits::default()).unwrap_or_default();
        let with_text: Vec<(&Node, &str)> = docs
            .iter()
            .map(|d| (d, &source.text[d.span.start..d.span.end]))
            .collect();
        let (custom, found) = CustomResources::read(super::super::DEFAULT_VERSION, &with_text);
        let problems = found
            .into_iter()
            .flatten()
            .map(|(span, message)| (source.line_col(span.start).0, message))
            .collect();
        (custom, problems)
    }

    const WIDGET: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer, maximum: 10}
                network: {type: string, format: cidr}
                since: {type: string, format: date-time}
              x-kubernetes-validations:
                - rule: self.size % 2 == 0
    - name: v1beta1
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
    - name: v2
      served: true
      storage: false
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {description: no type}
";

    #[test]
    fn served_versions_are_checked_others_named() {
        let (custom, problems) = crds(WIDGET);
        assert_eq!(
            problems,
            [(39, "spec.versions[2].schema.openAPIV3Schema.properties.spec.properties.size: not a structural schema: `type` is missing (required unless x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true)".to_string())]
        );
        let Some(Lookup::Check(entry)) = custom.lookup("Widget", "example.com/v1") else {
            panic!("v1 is checked");
        };
        assert_eq!(entry.defined_by.as_deref(), Some("widgets.example.com"));
        let Ok(v) = entry.validator() else {
            panic!("compiles");
        };
        let widget = |spec: &str| {
            let text = format!(
                "{{apiVersion: example.com/v1, kind: Widget, metadata: {{name: w}}, spec: {spec}}}"
            );
            let docs =
                load_stream(&Source::new("w.yaml", text), Limits::default()).unwrap_or_default();
            let errors: Vec<String> = docs
                .iter()
                .flat_map(|d| {
                    v.iter_errors(super::super::Instance::new(d))
                        .map(|e| e.to_string())
                })
                .collect();
            errors
        };
        assert_eq!(
            widget("{size: 4, network: 10.0.0.0/8, since: yesterday}"),
            Vec::<String>::new()
        );
        assert_eq!(
            widget("{size: 12, nmae: x, network: 10.0.0.0/33}"),
            [
                "12 is greater than the maximum of 10",
                "\"10.0.0.0/33\" is not a \"cidr\"",
                "Additional properties are not allowed ('nmae' was unexpected)"
            ]
        );
        for unserved in ["example.com/v1beta1", "example.com/v3"] {
            let Some(Lookup::Unserved { served, .. }) = custom.lookup("Widget", unserved) else {
                panic!("{unserved} is not served");
            };
            assert_eq!(served, ["example.com/v1", "example.com/v2"]);
        }
        // v2's schema is broken: reported at the CRD, not used
        assert!(matches!(
            custom.lookup("Widget", "example.com/v2"),
            Some(Lookup::None)
        ));
        assert!(custom.lookup("Widget", "other.com/v1").is_none());
        assert!(custom.lookup("Gadget", "example.com/v1").is_none());
        assert_eq!(
            custom.unchecked("Widget", "example.com/v1"),
            Some((
                "widgets.example.com",
                &["self.size % 2 == 0".to_string()][..]
            ))
        );
    }

    #[test]
    fn the_first_crd_of_a_kind_counts_and_copies_are_read_once() {
        let other = WIDGET.replace("maximum: 10", "maximum: 20");
        let (custom, problems) = crds(&format!("{WIDGET}---\n{WIDGET}---\n{other}"));
        // the same problem at each copy
        let lines: Vec<usize> = problems.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [39, 79, 119]);
        assert_eq!(custom.kinds.len(), 1);
        let Some(Lookup::Check(entry)) = custom.lookup("Widget", "example.com/v1") else {
            panic!("checked");
        };
        assert!(entry.schema_text().contains("\"maximum\":10"));
    }
}
