//! Cases transcribed from Kubernetes' own validation tests
//! (`testdata/k8s-validation/`, provenance in `testdata/PROVENANCE.md`):
//! each is put into its file's template object and linted; a case the API
//! server rejects must get an `api-invalid` or `schema-invalid` finding
//! whose field path is the upstream one (rebased on the object), a case it
//! accepts none of either.

use std::path::Path;

use kdm::lint::config::LintConfig;
use kdm::lint::runner::{run, LintOptions};
use kdm::yaml::{load_stream, Limits, Source};
use serde_json::Value;

struct Case {
    file: String,
    name: String,
    object: Value,
    /// The kdm field path expected, or `None` for an accepted case.
    reject: Option<String>,
    /// Another rule that reports it instead (e.g. `volume-mount-undeclared`).
    rule: Option<String>,
}

/// Replaces the string `$value` anywhere in `template` with `value`.
fn fill(template: &Value, value: &Value) -> Value {
    match template {
        Value::String(s) if s == "$value" => value.clone(),
        Value::Array(items) => Value::Array(items.iter().map(|t| fill(t, value)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/k8s-validation");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/k8s-validation exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let source = Source::new(name.clone(), text);
        let docs = load_stream(&source, Limits::default()).expect("valid YAML");
        let doc = docs[0].to_json();
        let template = &doc["template"];
        let upstream = doc["path_prefix"]["upstream"].as_str().unwrap_or("");
        let ours = doc["path_prefix"]["kdm"].as_str().unwrap_or("");
        for c in doc["cases"].as_array().expect("cases") {
            let reject = c["reject"].as_str().map(|p| {
                let rest = p.strip_prefix(upstream).unwrap_or(p);
                format!("{ours}{rest}")
            });
            out.push(Case {
                file: name.clone(),
                name: c["name"].as_str().unwrap_or("").to_string(),
                object: fill(template, &c["value"]),
                reject,
                rule: c["rule"].as_str().map(str::to_string),
            });
        }
    }
    out
}

#[test]
fn upstream_validation_cases() {
    let cases = cases();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let dir = std::env::temp_dir().join(format!("kdm-api-validation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let paths: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = dir.join(format!("case-{i:04}.json"));
            let text = serde_json::to_string_pretty(&c.object).expect("json");
            std::fs::write(&p, text).expect("write case");
            p.to_string_lossy().to_string()
        })
        .collect();
    let result = run(&LintOptions {
        paths: paths.clone(),
        force_prometheus: false,
        kubernetes_version: kdm::k8s::schema::DEFAULT_VERSION.to_string(),
        config: LintConfig::default(),
    });
    let _ = std::fs::remove_dir_all(&dir);
    assert!(result.errors.is_empty(), "{:?}", result.errors.len());
    let mut failures = Vec::new();
    let (mut rejected, mut accepted) = (0, 0);
    for (i, c) in cases.iter().enumerate() {
        let file = result
            .files
            .iter()
            .position(|f| f.source.name == paths[i])
            .expect("case file linted");
        let found: Vec<_> = result.findings.iter().filter(|f| f.file == file).collect();
        // api-invalid names the object first (`Pod/p: spec...`).
        let api: Vec<&str> = found
            .iter()
            .filter(|f| matches!(f.rule, "api-invalid" | "schema-invalid"))
            .map(|f| match f.rule {
                "api-invalid" => f.message.split_once(": ").map_or("", |(_, m)| m),
                _ => f.message.as_str(),
            })
            .collect();
        match &c.reject {
            Some(path) => {
                rejected += 1;
                let by_path = api.iter().any(|m| {
                    m.strip_prefix(path.as_str())
                        .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('['))
                });
                let by_rule = c
                    .rule
                    .as_deref()
                    .is_some_and(|r| found.iter().any(|f| f.rule == r));
                if !by_path && !by_rule {
                    failures.push(format!(
                        "{} / {}: expected a finding at {path}, got {api:?}",
                        c.file, c.name
                    ));
                }
            }
            None => {
                accepted += 1;
                if !api.is_empty() {
                    failures.push(format!(
                        "{} / {}: expected no finding, got {api:?}",
                        c.file, c.name
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases ({rejected} rejected, {accepted} accepted) failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
