//! The CustomResourceDefinitions of one run (those of the input, then those
//! of `--crds`): each served version's `openAPIV3Schema`, translated by
//! [`super::structural`], checks the custom resources of its group, version
//! and kind. A CRD defines every version of its group and kind: for
//! prometheus-operator's kinds it replaces the bundled schemas (a cluster
//! runs the CRDs it was given, say a newer release's). The first CRD of a
//! group and kind counts. Schemas are translated once per distinct CRD
//! text and compiled the first time a resource needs them.

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
    /// Problems found in each distinct CRD text, as paths in its document.
    seen: HashMap<String, Vec<(Vec<Step>, String)>>,
    /// ObjectMeta and the definitions it uses, read on first need.
    meta_defs: Option<Map<String, Value>>,
    kubernetes_version: String,
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

impl CustomResources {
    /// No CRDs yet; ObjectMeta comes from the schemas of
    /// `kubernetes_version`.
    pub fn new(kubernetes_version: &str) -> CustomResources {
        CustomResources {
            kubernetes_version: kubernetes_version.to_string(),
            ..CustomResources::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Reads the CRD `doc` (`text` is its source text): defines its kinds
    /// unless an earlier CRD defined them, and returns what is wrong with
    /// it, at the nodes concerned.
    pub fn add(&mut self, doc: &Node, text: &str) -> Vec<(Span, String)> {
        let problems = match self.seen.get(text) {
            Some(known) => known.clone(),
            None => {
                let found = self.define(doc);
                self.seen.insert(text.to_string(), found.clone());
                found
            }
        };
        problems
            .into_iter()
            .map(|(path, message)| {
                let span = locate(doc, &path).map_or(doc.span, |at| match at.key {
                    // A schema or list is shown at its key, a value itself.
                    Some(key) if at.value.as_str().is_none() => key.span,
                    _ => at.value.span,
                });
                (span, format!("{}: {message}", display_path(&path)))
            })
            .collect()
    }

    /// Translates the served versions of `doc`; registers them when its
    /// group and kind are new.
    fn define(&mut self, doc: &Node) -> Vec<(Vec<Step>, String)> {
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
            return Vec::new();
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
                    match structural::translate(&kind, &api_version, &root, self.meta_defs()) {
                        Ok(t) => {
                            unchecked = t.unchecked;
                            entry = Some(Entry::translated(&kind, &api_version, &name, t.schema));
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
        if !self
            .kinds
            .iter()
            .any(|d| d.group == group && d.kind == kind)
        {
            self.kinds.push(Defined {
                group,
                kind,
                name,
                versions: defined,
            });
        }
        problems
    }

    fn meta_defs(&mut self) -> &Map<String, Value> {
        let version = self.kubernetes_version.clone();
        self.meta_defs.get_or_insert_with(|| object_meta(&version))
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
        let mut custom = CustomResources::new(super::super::DEFAULT_VERSION);
        let mut problems = Vec::new();
        for doc in &docs {
            let text = &source.text[doc.span.start..doc.span.end];
            for (span, message) in custom.add(doc, text) {
                problems.push((source.line_col(span.start).0, message));
            }
        }
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
            [(37, "spec.versions[2].schema.openAPIV3Schema.properties.spec.properties.size: not a structural schema: `type` is missing (required unless x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true)".to_string())]
        );
        let Some(Lookup::Check(entry)) = custom.lookup("Widget", "example.com/v1") else {
            panic!("v1 is checked");
        };
        assert_eq!(entry.defined_by.as_deref(), Some("widgets.example.com"));
        assert!(entry.validator().is_ok());
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
        assert_eq!(lines, [37, 75, 113]);
        assert_eq!(custom.seen.len(), 2);
        assert_eq!(custom.kinds.len(), 1);
        let Some(Lookup::Check(entry)) = custom.lookup("Widget", "example.com/v1") else {
            panic!("checked");
        };
        assert!(entry.schema_text().contains("\"maximum\":10"));
    }
}
