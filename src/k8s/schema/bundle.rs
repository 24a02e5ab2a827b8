//! Schemas embedded in the binary (see `schemas/README.md`): one standalone
//! strict schema per (Kubernetes minor version, kind) and one per
//! prometheus-operator CRD kind and version, each compiled on first use, so
//! a run pays only for the kinds it meets. Nothing is read from disk or the
//! network at run time.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use jsonschema::Validator;
use serde_json::Value;

use super::instance::YamlJson;
use crate::k8s::kinds::{classify, Known, Schema, KINDS};

/// The schema of one kind at one Kubernetes minor version, or of one
/// custom resource kind at one of its versions.
pub struct Entry {
    pub kind: Cow<'static, str>,
    /// The apiVersion the schema is for.
    pub api_version: Cow<'static, str>,
    /// A CRD's schema (prometheus-operator's, or one of the input's), not
    /// the API's own.
    pub crd: bool,
    /// The name of the input's CustomResourceDefinition the schema was
    /// translated from; `None` for bundled schemas.
    pub defined_by: Option<String>,
    /// Whether `status` is a subresource, which the API server resets on
    /// create and update (the API's kinds, prometheus-operator's CRDs),
    /// rather than part of the object, validated with it.
    pub status_reset: bool,
    /// `None` for kinds of the table without a bundled schema.
    text: Option<Text>,
    compiled: OnceLock<Result<Compiled, String>>,
}

/// A schema document: as written (bundled CRDs), deflated by `build.rs`
/// (the API's, one copy shared by the versions it did not change in), or
/// translated from a CRD of the input.
enum Text {
    Plain(&'static str),
    Deflated(&'static [u8]),
    Translated(Arc<Value>),
}

impl Text {
    fn read(&self) -> Result<Cow<'static, str>, String> {
        match self {
            Text::Plain(t) => Ok((*t).into()),
            Text::Deflated(bytes) => {
                let raw = miniz_oxide::inflate::decompress_to_vec(bytes)
                    .map_err(|e| format!("cannot inflate the bundled schema: {e:?}"))?;
                String::from_utf8(raw)
                    .map(Into::into)
                    .map_err(|e| e.to_string())
            }
            Text::Translated(schema) => Ok(schema.to_string().into()),
        }
    }

    fn document(&self) -> Result<Arc<Value>, String> {
        match self {
            Text::Translated(schema) => Ok(schema.clone()),
            _ => serde_json::from_str(&self.read()?)
                .map(Arc::new)
                .map_err(|e| e.to_string()),
        }
    }
}

/// The packed schemas `build.rs` writes.
mod packed {
    include!(concat!(env!("OUT_DIR"), "/k8s_schemas.rs"));
}

struct Compiled {
    validator: Validator<YamlJson>,
    /// The schema document, for the field names an unknown field is
    /// compared with.
    schema: Arc<Value>,
}

impl Entry {
    pub(super) const fn new(
        kind: &'static str,
        api_version: &'static str,
        crd: bool,
        text: Option<&'static str>,
    ) -> Entry {
        Entry {
            kind: Cow::Borrowed(kind),
            api_version: Cow::Borrowed(api_version),
            crd,
            defined_by: None,
            status_reset: true,
            text: match text {
                Some(t) => Some(Text::Plain(t)),
                None => None,
            },
            compiled: OnceLock::new(),
        }
    }

    fn deflated(
        kind: &'static str,
        api_version: &'static str,
        bytes: Option<&'static [u8]>,
    ) -> Entry {
        Entry {
            kind: Cow::Borrowed(kind),
            api_version: Cow::Borrowed(api_version),
            crd: false,
            defined_by: None,
            status_reset: true,
            text: bytes.map(Text::Deflated),
            compiled: OnceLock::new(),
        }
    }

    /// The schema translated from the run's CustomResourceDefinition `crd`
    /// (`status_reset` with a status subresource), compiled on first use.
    pub(super) fn translated(
        kind: &str,
        api_version: &str,
        crd: &str,
        status_reset: bool,
        schema: Value,
    ) -> Entry {
        Entry {
            kind: Cow::Owned(kind.to_string()),
            api_version: Cow::Owned(api_version.to_string()),
            crd: true,
            defined_by: Some(crd.to_string()),
            status_reset,
            text: Some(Text::Translated(Arc::new(schema))),
            compiled: OnceLock::new(),
        }
    }

    pub(super) fn is_bundled(&self) -> bool {
        self.text.is_some()
    }

    #[cfg(test)]
    pub fn schema_text(&self) -> String {
        self.text
            .as_ref()
            .and_then(|t| t.read().ok())
            .unwrap_or_default()
            .into_owned()
    }

    /// The schema document, without compiling it.
    pub(super) fn document(&self) -> Option<Arc<Value>> {
        self.text.as_ref()?.document().ok()
    }

    fn compiled(&self) -> Result<&Compiled, &str> {
        self.compiled
            .get_or_init(|| {
                let schema = self
                    .text
                    .as_ref()
                    .ok_or("no schema is bundled")?
                    .document()?;
                let validator = options::<YamlJson>(self.crd)
                    .build(&schema)
                    .map_err(|e| e.to_string())?;
                Ok(Compiled { validator, schema })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The compiled validator; `Err` if the schema does not compile (a
    /// bundled one never: the tests compile each).
    pub fn validator(&self) -> Result<&Validator<YamlJson>, &str> {
        self.compiled().map(|c| &c.validator)
    }

    /// The schema document the validator was compiled from.
    pub fn schema(&self) -> Option<&Value> {
        self.compiled().ok().map(|c| &*c.schema)
    }
}

/// How every schema is compiled, for any instance representation.
pub(super) fn options<F: jsonschema::json::Json>(
    crd: bool,
) -> jsonschema::ValidationOptions<'static, std::sync::Arc<dyn jsonschema::Retrieve>, F> {
    let options = super::extensions::register(
        jsonschema::options_for::<F>()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(false),
    );
    // The API server checks the string formats of custom resources; for
    // its own kinds formats (int32, date-time, byte) are annotations, the
    // values being checked in Go (`api-invalid`).
    if crd {
        super::formats::register(options)
    } else {
        options
    }
}

/// Every bundled minor version, oldest first, with one entry per row of
/// the kind table (CRD rows have theirs in [`super::crd`]); built on first
/// use, inflated per kind on first use.
fn bundled() -> &'static [(&'static str, Vec<Entry>)] {
    static VERSIONS: OnceLock<Vec<(&'static str, Vec<Entry>)>> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        packed::VERSIONS
            .iter()
            .map(|(version, files)| {
                let blob = |stem: &str| {
                    let (_, i) = files.iter().find(|(s, _)| *s == stem)?;
                    let (at, len) = *packed::BLOBS.get(*i)?;
                    packed::DATA.get(at..at + len)
                };
                let entries = KINDS
                    .iter()
                    .map(|k| {
                        let bytes = match k.schema {
                            Some(Schema::Kubernetes(stem)) => blob(stem),
                            _ => None,
                        };
                        Entry::deflated(k.name, k.api_version, bytes)
                    })
                    .collect();
                (*version, entries)
            })
            .collect()
    })
}

/// The schemas of one Kubernetes version, and the CRDs'.
#[derive(Clone, Copy)]
pub struct Schemas(&'static [Entry]);

/// The schema an object is checked against.
pub enum Lookup<'a> {
    Check(&'a Entry),
    /// A kind with a schema at an apiVersion it is not served at; `served`
    /// lists the ones it is.
    Unserved {
        entry: &'a Entry,
        served: Vec<&'a str>,
    },
    /// No schema: a kind kdm has none for, or another group's.
    None,
}

impl Schemas {
    /// The API's own schema of `kind`, when one is bundled.
    pub fn get(self, kind: &str) -> Option<&'static Entry> {
        self.iter().find(|e| e.kind == kind)
    }

    /// Every bundled schema of the API's own kinds, by kind.
    pub fn iter(self) -> impl Iterator<Item = &'static Entry> {
        self.0.iter().filter(|e| e.is_bundled())
    }

    /// The schema an object of `kind` at `api_version` is checked against.
    pub fn lookup(self, kind: &str, api_version: &str) -> Lookup<'static> {
        let known = classify(kind, api_version);
        let Some(row) = known.kind() else {
            return Lookup::None;
        };
        let Some(at) = KINDS.iter().position(|k| std::ptr::eq(k, row)) else {
            return Lookup::None;
        };
        let entry = match row.schema {
            Some(Schema::Kubernetes(_)) => &self.0[at],
            Some(Schema::Crd(_)) => super::crd::entry(at),
            None => return Lookup::None,
        };
        match known {
            Known::Served(_) => Lookup::Check(entry),
            Known::Unserved { served, .. } => Lookup::Unserved { entry, served },
            Known::Unknown => Lookup::None,
        }
    }
}

/// The bundled minor versions, oldest first.
pub fn versions() -> impl Iterator<Item = &'static str> {
    packed::VERSIONS.iter().map(|(v, _)| *v)
}

/// The schemas of a Kubernetes version: `1.37`, `v1.37` and `1.37.2` all
/// select 1.37 (patch releases do not change the API's schema).
pub fn for_version(version: &str) -> Option<Schemas> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.splitn(3, '.');
    let minor = match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => format!("{major}.{minor}"),
        _ => return None,
    };
    bundled()
        .iter()
        .find(|(name, _)| *name == minor)
        .map(|(_, entries)| Schemas(entries.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::super::instance::Instance;
    use super::super::DEFAULT_VERSION;
    use super::*;
    use crate::yaml::{load_stream, Limits, Node, Source};

    /// A JSON value as the YAML tree lint validates (JSON is YAML).
    fn tree(value: &serde_json::Value) -> Node {
        let src = Source::new("t.json", value.to_string());
        match load_stream(&src, Limits::default()) {
            Ok(mut docs) if docs.len() == 1 => docs.remove(0),
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn version_spellings() {
        assert!(for_version(DEFAULT_VERSION).is_some());
        assert!(for_version("v1.36").is_some());
        assert!(for_version("1.37.4").is_some());
        assert!(for_version("1.3").is_none());
        assert!(for_version("1").is_none());
        assert!(for_version("").is_none());
        let all: Vec<String> = (27..=37).map(|m| format!("1.{m}")).collect();
        assert_eq!(versions().collect::<Vec<_>>(), all);
        assert!(for_version("1.27").is_some());
        assert!(for_version("1.26").is_none());
    }

    #[test]
    fn every_bundled_schema_compiles_and_is_strict() {
        let invalid = serde_json::json!({"spec": {}, "metadata": {"nmae": "x"}});
        for (version, entries) in bundled() {
            let schemas = Schemas(entries.as_slice());
            // Kinds a version does not serve yet (ValidatingAdmissionPolicy
            // before 1.30, flowcontrol v1 before 1.29) have no schema there.
            assert!(schemas.iter().count() >= 45, "{version}");
            for e in schemas.iter() {
                let v = e
                    .validator()
                    .unwrap_or_else(|err| panic!("{version} {}: {err}", e.kind));
                // metadata is strict in every kind: an unknown field fails
                assert!(
                    !v.is_valid(Instance::new(&tree(&invalid))),
                    "{version} {} accepts a typo",
                    e.kind
                );
                let kind_only = serde_json::json!({"kind": e.kind, "apiVersion": e.api_version});
                let wrong_api = serde_json::json!({"kind": e.kind, "apiVersion": "example.com/v9"});
                assert!(
                    !v.is_valid(Instance::new(&tree(&wrong_api))),
                    "{version} {}",
                    e.kind
                );
                // a bare object misses at most required fields
                let kind_only = tree(&kind_only);
                for err in v.iter_errors(Instance::new(&kind_only)) {
                    assert!(
                        matches!(
                            err.kind(),
                            jsonschema::error::ValidationErrorKind::Required { .. }
                        ),
                        "{version} {}: {err}",
                        e.kind
                    );
                }
            }
        }
    }

    #[test]
    fn int_or_string_and_quantity_accept_what_the_api_server_accepts() {
        let Some(schemas) = for_version(DEFAULT_VERSION) else {
            panic!("{DEFAULT_VERSION} is bundled");
        };
        let Some(ds) = schemas.get("DaemonSet") else {
            panic!("DaemonSet is bundled");
        };
        let Ok(v) = ds.validator() else {
            panic!("compiles");
        };
        for max_unavailable in [
            serde_json::json!(1),
            serde_json::json!("10%"),
            serde_json::Value::Null,
        ] {
            for cpu in [
                serde_json::json!("100m"),
                serde_json::json!(1),
                serde_json::json!(0.5),
            ] {
                let ds = serde_json::json!({
                    "apiVersion": "apps/v1", "kind": "DaemonSet",
                    "spec": {
                        "selector": {"matchLabels": {"app": "x"}},
                        "updateStrategy": {"rollingUpdate": {"maxUnavailable": max_unavailable}},
                        "template": {"spec": {"containers": [{
                            "name": "x",
                            "resources": {"limits": {"cpu": cpu}},
                        }]}}
                    }
                });
                let ds = tree(&ds);
                let errs: Vec<String> = v
                    .iter_errors(Instance::new(&ds))
                    .map(|e| e.to_string())
                    .collect();
                assert!(errs.is_empty(), "{max_unavailable} {cpu}: {errs:?}");
            }
        }
        let bad = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": true}}}
        });
        assert!(!v.is_valid(Instance::new(&tree(&bad))));
    }
}
