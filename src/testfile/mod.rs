//! `kdm test`: unit tests for scrape configs, kept in YAML files next to
//! the config. A test file names its Prometheus config and lists tests; each
//! test feeds one job targets, Kubernetes objects, workload manifests or
//! series, and expects, target by target, kept (with labels and URL),
//! dropped (by which rule) or an error. The format's JSON Schema is
//! `schemas/kdm-test.schema.json`.

pub mod report;
pub mod run;
pub mod update;

use std::path::{Path, PathBuf};

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::decode::{self, Step};
use crate::diag::{Error, Result};
use crate::input::{load_yaml, read_source};
use crate::relabel::{Flavor, Labels};
use crate::yaml::{Node, Source, Span};

const SCHEMA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schemas/kdm-test.schema.json"
));

/// A parsed test file.
#[derive(Debug)]
pub struct TestFile {
    pub source: Source,
    /// The config path as written, and resolved against the file's directory.
    pub config: String,
    pub config_path: PathBuf,
    pub config_span: Span,
    /// The Prometheus resource whose config is tested, when `config`
    /// defines several.
    pub prometheus: Option<String>,
    /// The Helm release kube-prometheus-stack values are read for.
    pub helm_release: Option<String>,
    pub flavor: Flavor,
    pub tests: Vec<TestCase>,
}

#[derive(Debug)]
pub struct TestCase {
    pub name: String,
    /// The test's mapping in the file.
    pub span: Span,
    pub job: Option<(String, Span)>,
    pub input: Input,
    pub expect: Vec<Expectation>,
    /// The `expect` list node, which `--update` replaces.
    pub expect_span: Span,
    pub expect_flow: bool,
}

#[derive(Debug)]
pub enum Input {
    Targets(Vec<Labels>),
    Objects(Vec<(Value, Span)>),
    Manifests {
        objects: Vec<Value>,
        nodes: usize,
    },
    /// Series, scraped from the targets the job keeps of `targets` (a
    /// `targets` or `objects` input), or of its static_configs.
    Series {
        lines: Vec<(String, Span)>,
        targets: Option<Box<Input>>,
    },
}

impl Input {
    pub fn is_series(&self) -> bool {
        matches!(self, Input::Series { .. })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub span: Span,
    pub outcome: Expected,
    pub exact: bool,
    pub scrape_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// Kept, with these labels (None: any).
    Kept(Option<Labels>),
    /// Dropped, optionally by this rule index.
    Dropped(Option<usize>),
    /// An error containing this text.
    Error(String),
}

/// Reads and validates a test file.
pub fn load(path: &Path) -> Result<TestFile> {
    parse(read_source(path)?, path)
}

/// Validates a test file read from `path` (its config is found beside it).
pub fn parse(source: Source, path: &Path) -> Result<TestFile> {
    let docs = load_yaml(&source)?;
    let root = match docs.as_slice() {
        [one] if one.as_map().is_some() => one,
        [] => {
            return Err(Error::plain(format!(
                "{}: the test file is empty",
                path.to_string_lossy()
            )))
        }
        [one] => {
            return Err(Error::at(
                &source,
                one.span,
                "a test file is a mapping with `config` and `tests`",
                "not a mapping",
            ))
        }
        [_, second, ..] => {
            return Err(Error::at(
                &source,
                second.span,
                "a test file is one YAML document",
                "second document",
            ))
        }
    };
    validate(&source, root)?;
    let json = root.to_json();
    let config = json["config"].as_str().unwrap_or_default().to_string();
    let config_span = root.get("config").map_or(root.span, |n| n.span);
    let dir = path.parent().unwrap_or(Path::new(""));
    let config_path = if path.as_os_str() == "-" {
        PathBuf::from(&config)
    } else {
        dir.join(&config)
    };
    let prometheus = json
        .get("prometheus")
        .and_then(Value::as_str)
        .map(str::to_string);
    let helm_release = json
        .get("helm_release")
        .and_then(Value::as_str)
        .map(str::to_string);
    let flavor = match json.get("prometheus_version").and_then(Value::as_u64) {
        Some(2) => Flavor::V2,
        _ => Flavor::V3,
    };
    let mut tests = Vec::new();
    if let Some(items) = root.get("tests").and_then(Node::as_seq) {
        for node in items {
            tests.push(test_case(&source, node)?);
        }
    }
    Ok(TestFile {
        source,
        config,
        config_path,
        config_span,
        prometheus,
        helm_release,
        flavor,
        tests,
    })
}

fn test_case(source: &Source, node: &Node) -> Result<TestCase> {
    let json = node.to_json();
    let name = json["name"].as_str().unwrap_or_default().to_string();
    let job = node
        .get("job")
        .and_then(|j| j.as_str().map(|s| (s.to_string(), j.span)));
    let labels = |v: &Value| -> Labels {
        v.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    };
    let targets = if let Some(t) = json.get("targets").and_then(Value::as_array) {
        Some(Input::Targets(t.iter().map(labels).collect()))
    } else {
        node.get("objects")
            .and_then(Node::as_seq)
            .map(|seq| Input::Objects(seq.iter().map(|n| (n.to_json(), n.span)).collect()))
    };
    let input = if let Some(seq) = node.get("series").and_then(Node::as_seq) {
        let lines = seq
            .iter()
            .map(|n| (n.as_str().unwrap_or_default().to_string(), n.span))
            .collect();
        Input::Series {
            lines,
            targets: targets.map(Box::new),
        }
    } else if let Some(targets) = targets {
        targets
    } else if let Some(seq) = node.get("manifests").and_then(Node::as_seq) {
        Input::Manifests {
            objects: seq.iter().map(Node::to_json).collect(),
            nodes: json.get("nodes").and_then(Value::as_u64).unwrap_or(1) as usize,
        }
    } else {
        return Err(Error::at(
            source,
            node.span,
            "a test needs an input",
            "this test",
        ));
    };
    let expect_node = node.get("expect");
    let mut expect = Vec::new();
    for e in expect_node.and_then(Node::as_seq).unwrap_or(&[]) {
        let v = e.to_json();
        let outcome = if let Some(kept) = v.get("kept") {
            Expected::Kept(kept.is_object().then(|| labels(kept)))
        } else if let Some(d) = v.get("dropped") {
            Expected::Dropped(d.get("rule").and_then(Value::as_u64).map(|r| r as usize))
        } else if let Some(err) = v.get("error").and_then(Value::as_str) {
            Expected::Error(err.to_string())
        } else {
            Expected::Kept(None) // only scrape_url
        };
        expect.push(Expectation {
            span: e.span,
            outcome,
            exact: v.get("exact").and_then(Value::as_bool).unwrap_or(false),
            scrape_url: v
                .get("scrape_url")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    let expect_span = expect_node.map_or(node.span, |n| n.span);
    let expect_flow = source
        .text
        .get(expect_span.start..)
        .is_some_and(|t| t.starts_with('['));
    Ok(TestCase {
        name,
        span: node.span,
        job,
        input,
        expect,
        expect_span,
        expect_flow,
    })
}

/// Checks the file against the test-file schema; the first error is
/// reported at its node.
fn validate(source: &Source, root: &Node) -> Result<()> {
    let schema: Value = serde_json::from_str(SCHEMA)
        .map_err(|e| Error::plain(format!("the bundled test-file schema is broken: {e}")))?;
    let validator = jsonschema::options()
        .build(&schema)
        .map_err(|e| Error::plain(format!("the bundled test-file schema is broken: {e}")))?;
    let json = root.to_json();
    let Some(err) = validator.iter_errors(&json).next() else {
        return Ok(());
    };
    let Some(mut problem) = decode::explain(&err, Some(&schema)).into_iter().next() else {
        return Ok(());
    };
    // The schema's `oneOf`s say "exactly one of these keys".
    if matches!(
        err.kind(),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::OneOfMultipleValid { .. }
    ) {
        problem.message = if problem.path.iter().any(|s| *s == Step::Key("expect".into())) {
            "an expectation is one of `kept` (with optional `exact` and `scrape_url`), `dropped` or `error`"
        } else {
            "a test has one input: `targets`, `objects`, `manifests` or `series` (`series` may come with `targets` or `objects`, the targets they are scraped from)"
        }
        .to_string();
    }
    let path = if problem.path.is_empty() {
        "the test file".to_string()
    } else {
        crate::values::dotted(&problem.pointer())
    };
    let node = problem.node(root).unwrap_or(root);
    const FORMAT: &str = "the format is described by schemas/kdm-test.schema.json";
    Err(Error::at(
        source,
        node.span,
        format!("invalid test file: {path}: {}", problem.message),
        "here",
    )
    .with_help(match problem.help {
        Some(hint) => format!("{hint} {FORMAT}"),
        None => FORMAT.to_string(),
    }))
}
