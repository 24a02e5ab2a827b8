//! prometheus-operator's CRD schemas (`monitoring.coreos.com`), one per kind
//! and served version of release [`CRD_RELEASE`], written by
//! `tools/gen_crd_schemas.py` into `schemas/prometheus-operator/`. They do
//! not change with the Kubernetes version: every version's lookups share
//! these entries.

use super::bundle::Entry;
use crate::k8s::kinds::{kind_table, KIND_COUNT};

/// The prometheus-operator release the CRD schemas come from.
pub const CRD_RELEASE: &str = "v0.93.0";

/// The API group of its custom resources.
pub const CRD_GROUP: &str = "monitoring.coreos.com";

/// One entry per row of the kind table; only CRD rows have a schema.
macro_rules! crd_entries {
    (; $([$name:literal, $api:literal, $scope:ident, $template:tt, $schema:tt,
        $($typed:tt)+]),* $(,)?) => {
        [$(Entry::new($name, $api, true, crd_entries!(@text $schema))),*]
    };
    (@text (crd $file:literal)) => {
        Some(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"), "/schemas/prometheus-operator/v0.93.0/", $file, ".json"
        )))
    };
    (@text $other:tt) => { None };
}

static CRDS: [Entry; KIND_COUNT] = kind_table!(crd_entries!());

/// The entry of the kind table's row `at`.
pub(super) fn entry(at: usize) -> &'static Entry {
    &CRDS[at]
}

/// Every bundled CRD schema, in table order.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    CRDS.iter().filter(|e| e.is_bundled())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{for_version, Instance, Lookup, DEFAULT_VERSION};
    use super::*;
    use crate::yaml::{load_stream, Limits, Node, Source};

    fn tree(value: &serde_json::Value) -> Node {
        let src = Source::new("t.json", value.to_string());
        match load_stream(&src, Limits::default()) {
            Ok(mut docs) if docs.len() == 1 => docs.remove(0),
            other => panic!("{value}: {other:?}"),
        }
    }

    /// The errors of `object` against the schema of its kind and apiVersion.
    fn errors(object: serde_json::Value) -> Vec<String> {
        let kind = object["kind"].as_str().unwrap_or_default();
        let api = object["apiVersion"].as_str().unwrap_or_default();
        let Some(schemas) = for_version(DEFAULT_VERSION) else {
            panic!("bundled");
        };
        let Lookup::Check(entry) = schemas.lookup(kind, api) else {
            panic!("{kind} {api} has a schema");
        };
        let Ok(v) = entry.validator() else {
            panic!("{kind} compiles");
        };
        let node = tree(&object);
        v.iter_errors(Instance::new(&node))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    #[test]
    fn the_release_directory_holds_exactly_the_tables_schemas() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas/prometheus-operator")
            .join(CRD_RELEASE);
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|f| f.ok()?.file_name().into_string().ok())
            .collect();
        files.sort();
        let mut table: Vec<String> = crate::k8s::kinds::KINDS
            .iter()
            .filter_map(|k| match k.schema {
                Some(crate::k8s::kinds::Schema::Crd(stem)) => Some(format!("{stem}.json")),
                _ => None,
            })
            .collect();
        table.sort();
        assert_eq!(files, table);
        assert_eq!(entries().count(), 11);
    }

    #[test]
    fn every_crd_schema_compiles_and_is_strict() {
        for e in entries() {
            let v = e
                .validator()
                .unwrap_or_else(|err| panic!("{} {}: {err}", e.kind, e.api_version));
            assert!(e.crd);
            // metadata is an ObjectMeta, strict; spec names its fields
            for typo in [
                json!({"metadata": {"nmae": "x"}}),
                json!({"spec": {"x-typo": 1}}),
            ] {
                assert!(
                    !v.is_valid(Instance::new(&tree(&typo))),
                    "{} accepts {typo}",
                    e.kind
                );
            }
            let wrong_api = json!({"kind": e.kind, "apiVersion": "example.com/v9"});
            assert!(!v.is_valid(Instance::new(&tree(&wrong_api))), "{}", e.kind);
            // a bare object misses at most required fields
            let bare = tree(&json!({"kind": e.kind, "apiVersion": e.api_version,
                "metadata": {"name": "x", "labels": {"a": "b"}}}));
            for err in v.iter_errors(Instance::new(&bare)) {
                assert!(
                    matches!(
                        err.kind(),
                        jsonschema::error::ValidationErrorKind::Required { .. }
                    ),
                    "{} {}: {err}",
                    e.kind,
                    e.api_version
                );
            }
        }
    }

    fn service_monitor(endpoint: serde_json::Value) -> serde_json::Value {
        json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": {"name": "x"},
            "spec": {"selector": {}, "endpoints": [endpoint]}})
    }

    #[test]
    fn int_or_string_takes_integers_and_strings_only() {
        for port in [json!(9100), json!("metrics"), json!(null)] {
            let errs = errors(service_monitor(json!({"targetPort": port})));
            assert!(errs.is_empty(), "{port}: {errs:?}");
        }
        for port in [json!(true), json!(9100.5), json!([9100])] {
            assert_eq!(
                errors(service_monitor(json!({"targetPort": port}))).len(),
                1,
                "{port}"
            );
        }
    }

    /// A CRD's quantities are int-or-string with a pattern: unlike the API's
    /// own types, a fractional number such as `cpu: 0.5` is refused.
    #[test]
    fn quantities_are_integers_or_quantity_strings() {
        let prometheus = |cpu: serde_json::Value| {
            json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
                "metadata": {"name": "x"},
                "spec": {"resources": {"limits": {"cpu": cpu}}}})
        };
        for ok in [
            json!(1),
            json!("100m"),
            json!("1.5"),
            json!("2Gi"),
            json!("1e3"),
        ] {
            let errs = errors(prometheus(ok.clone()));
            assert!(errs.is_empty(), "{ok}: {errs:?}");
        }
        for bad in [json!(0.5), json!("1x"), json!("one"), json!(true)] {
            assert_eq!(errors(prometheus(bad.clone())).len(), 1, "{bad}");
        }
    }

    /// The API server drops a null field before it validates: null is
    /// fine where a field is optional, and a missing value where it is
    /// required. Items of a list are not dropped.
    #[test]
    fn null_is_unset_except_where_required() {
        let ok = service_monitor(json!({"interval": null, "relabelings": null,
            "params": {"a": null}, "tlsConfig": null}));
        assert!(errors(ok.clone()).is_empty(), "{:?}", errors(ok));
        let required = json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": {"name": "x"}, "spec": {"selector": null, "endpoints": []}});
        assert_eq!(errors(required).len(), 1);
        let item = service_monitor(json!({"relabelings": [null]}));
        assert_eq!(errors(item).len(), 1);
    }

    /// Fields the structural schema does not name are pruned, and so
    /// errors under strict field validation, everywhere except under
    /// `x-kubernetes-preserve-unknown-fields`.
    #[test]
    fn unknown_fields_are_errors_except_where_preserved() {
        let config = |route: serde_json::Value| {
            json!({"apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "AlertmanagerConfig",
                "metadata": {"name": "x"}, "spec": {"route": route}})
        };
        // sub-routes are preserved as written (the operator checks them)
        let errs = errors(config(
            json!({"receiver": "r", "routes": [{"anything": {"goes": 1}}]}),
        ));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            errors(config(json!({"receiver": "r", "anything": 1}))).len(),
            1
        );
        // an object the CRD declares without fields keeps none
        let prometheus = json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
            "metadata": {"name": "x"}, "spec": {"volumes": [{"name": "v", "ephemeral": {
                "volumeClaimTemplate": {"metadata": {"labels": {"a": "b"}},
                    "spec": {"accessModes": ["ReadWriteOnce"]}}}}]}});
        assert_eq!(
            errors(prometheus),
            ["Additional properties are not allowed ('labels' was unexpected) at /spec/volumes/0/ephemeral/volumeClaimTemplate/metadata"]
        );
    }

    /// Patterns match as Go's RE2 matches them: inline flags scoped to
    /// their group, `\d` ASCII only.
    #[test]
    fn patterns_match_as_in_go() {
        let interval = |months: &str, weekdays: &str, years: &str| {
            json!({"apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "AlertmanagerConfig",
                "metadata": {"name": "x"}, "spec": {"muteTimeIntervals": [{"name": "t",
                    "timeIntervals": [{"months": [months], "weekdays": [weekdays],
                        "years": [years]}]}]}})
        };
        for ok in [
            ("january", "Monday", "2024"),
            ("FEBRUARY:march", "monday:friday", "2024:2026"),
            ("1:12", "MONday", "2099"),
        ] {
            let errs = errors(interval(ok.0, ok.1, ok.2));
            assert!(errs.is_empty(), "{ok:?}: {errs:?}");
        }
        // `day` and the range's end are outside the (?i) group; `\d` is
        // not an Arabic-Indic digit.
        for (bad, field) in [
            (("13", "monday", "2024"), "months"),
            (("jan", "monday", "2024"), "months"),
            (("may", "MONDAY", "2024"), "weekdays"),
            (("may", "monday:Friday", "2024"), "weekdays"),
            (("may", "monday", "2\u{661}\u{662}\u{663}"), "years"),
        ] {
            let errs = errors(interval(bad.0, bad.1, bad.2));
            assert_eq!(errs.len(), 1, "{bad:?}: {errs:?}");
            assert!(errs[0].contains(field), "{bad:?}: {errs:?}");
        }
    }

    #[test]
    fn validation_rules_and_list_keys_are_checked() {
        let agent = json!({"apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "PrometheusAgent",
            "metadata": {"name": "x"}, "spec": {"mode": "DaemonSet", "replicas": 2, "shards": 1,
                "containers": [{"name": "a", "ports": [{"containerPort": 80},
                    {"containerPort": 80, "protocol": "UDP"}, {"containerPort": 80, "protocol": "TCP"}]}]}});
        assert_eq!(
            errors(agent),
            [
                "duplicate entry: [2] has the same containerPort: 80, protocol: \"TCP\" as [0] at /spec/containers/0/ports",
                "replicas cannot be set when mode is DaemonSet at /spec"
            ]
        );
        // a null object was dropped: no rule applies to it
        let dropped = json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager",
            "metadata": {"name": "x"}, "spec": {"updateStrategy": null}});
        assert_eq!(errors(dropped), Vec::<String>::new());
        // shards defaults to 1, which is allowed in DaemonSet mode
        let agent = json!({"apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "PrometheusAgent",
            "metadata": {"name": "x"}, "spec": {"mode": "DaemonSet", "shards": 2}});
        assert_eq!(
            errors(agent),
            ["shards cannot be greater than 1 when mode is DaemonSet at /spec"]
        );
        let scrape = |auth: serde_json::Value| {
            json!({"apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "ScrapeConfig",
                "metadata": {"name": "x"}, "spec": auth})
        };
        let one = scrape(json!({"basicAuth": {"username": {"name": "s", "key": "u"}}}));
        assert!(errors(one).is_empty());
        let two = scrape(json!({"basicAuth": {"username": {"name": "s", "key": "u"}},
            "authorization": {"type": "Bearer"}, "oauth2": null}));
        assert_eq!(
            errors(two),
            ["at most one of basicAuth, authorization, or oauth2 can be configured at /spec"]
        );
    }
}
