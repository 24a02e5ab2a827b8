//! Finds the input files, parses them on all cores, runs every enabled rule
//! and returns sorted findings with configuration and opt-outs applied.

use std::collections::BTreeMap;

use super::config::LintConfig;
use super::{registry, Context, Finding, LintFile, Rule, Severity};
use crate::diag::Error;
use crate::input::{discover, load_yaml, read_source, Found};
use crate::k8s::schema::CustomResources;

pub use super::suppress::IGNORE_PREFIX;

pub struct LintOptions {
    pub paths: Vec<String>,
    pub force_prometheus: bool,
    pub kubernetes_version: String,
    pub config: LintConfig,
}

/// The outcome of a lint run.
pub struct LintResult {
    pub files: Vec<LintFile>,
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed (exit code 2).
    pub errors: Vec<Error>,
    /// Things skipped on purpose (unknown kinds, non-manifest YAML).
    pub notes: Vec<String>,
    /// Entries a directory walk passed over: not regular files.
    pub skipped: Vec<String>,
    /// Findings kept out of `findings` by a suppression, with it.
    pub suppressed: Vec<super::suppress::Suppressed>,
    /// Each finding's baseline key, when the config asked for them.
    pub baseline_keys: Vec<super::suppress::baseline::Key>,
}

/// Reads and parses files on all cores, largest first so that a big file
/// does not start last; results in input order.
fn load_all(found: &[Found]) -> Vec<Result<LintFile, Error>> {
    crate::map_on_all_cores_costliest_first(
        found,
        |f| f.bytes,
        |f| {
            let source = read_source(&f.path)?;
            let docs = load_yaml(&source)?;
            Ok(LintFile::new(source, docs))
        },
    )
}

/// Rules that are enabled, with their effective severity.
pub fn enabled_rules(config: &LintConfig) -> Vec<(&'static dyn Rule, Severity)> {
    registry::all()
        .into_iter()
        .filter_map(|r| match config.rules.get(r.meta().id) {
            Some(None) => None,
            Some(Some(level)) => Some((r, *level)),
            None => Some((r, r.meta().severity)),
        })
        .collect()
}

pub fn run(opts: &LintOptions) -> LintResult {
    let found = discover(&opts.paths, &|p| opts.config.is_excluded(p));
    let mut errors = found.errors;
    let mut files = Vec::new();
    for loaded in load_all(&found.files) {
        match loaded {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    let crds = load_crds(&opts.config.crds, &mut errors);
    let mut result = run_loaded_with(files, &crds, opts);
    errors.append(&mut result.errors);
    result.errors = errors;
    result.skipped = found.skipped;
    result
}

/// The files of `--crds` (and `.kdm.yaml`'s `crds`), parsed; they are read
/// for their CustomResourceDefinitions only, not linted.
fn load_crds(paths: &[String], errors: &mut Vec<Error>) -> Vec<LintFile> {
    let found = discover(paths, &|_| false);
    errors.extend(found.errors);
    let mut files = Vec::new();
    for loaded in load_all(&found.files) {
        match loaded {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    files
}

/// The run's CustomResourceDefinitions: the input's first (their problems
/// are findings), then those of `crds` (their problems input errors).
fn custom_resources(
    files: &[LintFile],
    crds: &[LintFile],
    opts: &LintOptions,
    errors: &mut Vec<Error>,
) -> CustomResources {
    let all: Vec<&LintFile> = files.iter().chain(crds).collect();
    let mut docs = Vec::new();
    let mut origin = Vec::new();
    for (i, f) in all.iter().enumerate() {
        for o in crate::k8s::objects_in(i, &f.docs) {
            if crate::k8s::schema::is_crd(o.kind, o.api_version) {
                let span = o.node.span;
                let text = f.source.text.get(span.start..span.end).unwrap_or_default();
                docs.push((o.node, text));
                origin.push(i);
            }
        }
    }
    let (mut custom, found) = CustomResources::read(&opts.kubernetes_version, &docs);
    for (i, problems) in origin.into_iter().zip(found) {
        for (span, message) in problems {
            if i < files.len() {
                custom.problems.push((i, span, message));
            } else {
                errors.push(
                    Error::at(&all[i].source, span, message, "refused by the API server")
                        .with_help("fix the CustomResourceDefinition"),
                );
            }
        }
    }
    custom
}

/// Lints one parsed file already in memory with the default rules.
pub fn lint_parsed(
    source: crate::yaml::Source,
    docs: Vec<crate::yaml::Node>,
    kubernetes_version: &str,
) -> LintResult {
    let opts = LintOptions {
        paths: Vec::new(),
        force_prometheus: false,
        kubernetes_version: kubernetes_version.to_string(),
        config: LintConfig::default(),
    };
    run_loaded(vec![LintFile::new(source, docs)], &opts)
}

/// The files a prometheus.yml's `scrape_config_files` name, linted with it
/// (each file once, also when the command line names it too).
fn append_included(files: &mut Vec<LintFile>, errors: &mut Vec<Error>) {
    let key = |name: &str| std::fs::canonicalize(name).unwrap_or_else(|_| name.into());
    let mut keys: Vec<_> = files.iter().map(|f| key(&f.source.name)).collect();
    let mut added = Vec::new();
    // Files named on the command line too, and who includes them.
    let mut marks = Vec::new();
    for (i, f) in files.iter().enumerate() {
        for doc in f
            .docs
            .iter()
            .filter(|d| d.get("scrape_config_files").is_some())
        {
            let config = std::path::Path::new(&f.source.name);
            let (sources, failed) = crate::sim::include::read_included(&f.source, doc, config);
            errors.extend(failed);
            for src in sources {
                let k = key(&src.name);
                if let Some(j) = keys.iter().position(|x| *x == k) {
                    marks.push((j, i));
                    continue;
                }
                keys.push(k);
                match load_yaml(&src) {
                    Ok(docs) => added.push(LintFile {
                        included_by: Some(i),
                        ..LintFile::new(src, docs)
                    }),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    files.extend(added);
    for (j, i) in marks {
        if j != i && j < files.len() && files[j].included_by.is_none() {
            files[j].included_by = Some(i);
        }
    }
}

/// Lints files already in memory (`opts.paths` is not read, nor are
/// `opts.config.crds`).
pub fn run_loaded(files: Vec<LintFile>, opts: &LintOptions) -> LintResult {
    run_loaded_with(files, &[], opts)
}

/// Lints files already in memory, with the CustomResourceDefinitions of
/// `crds` too.
fn run_loaded_with(mut files: Vec<LintFile>, crds: &[LintFile], opts: &LintOptions) -> LintResult {
    let mut errors = Vec::new();
    append_included(&mut files, &mut errors);
    let real = files.len();
    let custom = custom_resources(&files[..real], crds, opts, &mut errors);
    let release = opts
        .config
        .helm_release
        .as_deref()
        .unwrap_or(crate::operator::helm::DEFAULT_RELEASE);
    let mut operator = super::operator::append(&mut files, release).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    // A malformed monitor is an input error; the others are still linted.
    if let Some(o) = operator.as_mut() {
        errors.append(&mut o.defined.malformed);
    }
    let mut ctx = Context::new(
        &files,
        opts.kubernetes_version.clone(),
        opts.force_prometheus,
    );
    ctx.operator = operator.as_ref();
    ctx.custom = Some(&custom);
    ctx.flavor = opts.config.prometheus_version.unwrap_or_default();
    if let Some(today) = opts.config.today {
        ctx.today = today;
    }
    let mut notes = skipped_notes(&ctx, real);
    if let Some(o) = &operator {
        notes.extend(o.defined.notes.iter().cloned());
    }
    let mut findings = Vec::new();
    for (found, severity) in check_all(&ctx, &enabled_rules(&opts.config)) {
        for mut f in found {
            f.severity = severity;
            findings.push(f);
        }
    }
    let findings = match &operator {
        Some(o) => findings
            .into_iter()
            .filter_map(|f| o.remap(f, &files))
            .collect(),
        None => findings,
    };
    let mut findings = findings;
    let places = super::place::Places::new(&ctx);
    super::profile::apply(&places, &mut findings, &opts.config.profiles);
    findings.sort_by(|a, b| {
        (a.file, a.span.start, a.rule, &a.message).cmp(&(b.file, b.span.start, b.rule, &b.message))
    });
    findings.dedup();
    let outcome = super::suppress::apply(&places, findings, &opts.config.suppress);
    drop(places);
    let findings = outcome.findings;
    notes.extend(outcome.notes);
    // A monitor kdm cannot read breaks its CRD's schema, which
    // schema-invalid reports at the same node: once is enough.
    errors.retain(|e| !reported_as_schema_invalid(e, &findings, &files));
    drop(ctx);
    // The generated configs were only read; their findings are in the
    // users' files now.
    files.truncate(real);
    LintResult {
        files,
        findings,
        errors,
        notes,
        skipped: Vec::new(),
        suppressed: outcome.suppressed,
        baseline_keys: outcome.keys,
    }
}

/// Whether a schema-invalid finding covers the place of input error `e`.
fn reported_as_schema_invalid(e: &Error, findings: &[Finding], files: &[LintFile]) -> bool {
    let (Some(source), Some(span)) = (e.file(), e.span()) else {
        return false;
    };
    findings.iter().any(|f| {
        f.rule == "schema-invalid"
            && files[f.file].source.name == source.name
            && f.span.start < span.end.max(span.start + 1)
            && span.start < f.span.end.max(f.span.start + 1)
    })
}

/// Runs the rules on all cores; the findings come back in rule order.
fn check_all(
    ctx: &Context<'_>,
    rules: &[(&'static dyn Rule, Severity)],
) -> Vec<(Vec<Finding>, Severity)> {
    crate::map_on_all_cores(rules, |(rule, severity)| {
        let mut found = Vec::new();
        rule.check(ctx, &mut found);
        (found, *severity)
    })
}

/// Notes about documents no rule looks at (among the first `real` files:
/// the others are generated).
fn skipped_notes(ctx: &Context<'_>, real: usize) -> Vec<String> {
    // schema-invalid checks every kind with a bundled schema (a custom
    // resource's only in its own group).
    // The api-version rules report what the deprecation table lists.
    let minor = crate::k8s::deprecations::minor_of(&ctx.kubernetes_version).unwrap_or(0);
    let defined =
        |o: &crate::k8s::Object<'_>| ctx.custom.is_some_and(|c| c.defines(o.kind, o.api_version));
    let known = |o: &crate::k8s::Object<'_>| {
        defined(o)
            || crate::k8s::kinds::classify(o.kind, o.api_version)
                .kind()
                .is_some_and(|k| k.schema.is_some())
            || crate::k8s::deprecations::status(o.api_version, o.kind, minor).is_some()
    };
    let mut unknown: BTreeMap<&str, usize> = BTreeMap::new();
    // Kinds of prometheus-operator's group that its CRDs do not define.
    let mut undefined: BTreeMap<&str, usize> = BTreeMap::new();
    let mut compiled: BTreeMap<&str, usize> = BTreeMap::new();
    // CEL rules of the CRDs resources were checked against: CRD → rules.
    let mut unchecked: BTreeMap<&str, &[String]> = BTreeMap::new();
    for o in &ctx.objects {
        if let Some((crd, rules)) = ctx.custom.and_then(|c| c.unchecked(o.kind, o.api_version)) {
            if !rules.is_empty() {
                unchecked.entry(crd).or_insert(rules);
            }
        }
        // The operator rules read Prometheus resources and monitors; with
        // a generated config they are linted through it too.
        let group = o.api_version.rsplit_once('/').map_or("", |(g, _)| g);
        if crate::operator::model::is_read_kind(o) && ctx.operator.is_some() {
            *compiled.entry(o.kind).or_default() += 1;
        } else if group == crate::k8s::schema::CRD_GROUP && !known(o) {
            *undefined.entry(o.kind).or_default() += 1;
        } else if !known(o) {
            *unknown.entry(o.kind).or_default() += 1;
        }
    }
    let mut notes = Vec::new();
    if !unknown.is_empty() {
        notes.push(format!(
            "not linted (kinds without kdm rules): {}",
            counted(&unknown).join(", ")
        ));
    }
    if !undefined.is_empty() {
        notes.push(format!(
            "not schema-checked ({} kinds prometheus-operator {} does not define): {}",
            crate::k8s::schema::CRD_GROUP,
            crate::k8s::schema::CRD_RELEASE,
            counted(&undefined).join(", ")
        ));
    }
    if !unchecked.is_empty() {
        let n: usize = unchecked.values().map(|r| r.len()).sum();
        let crds: Vec<&str> = unchecked.keys().copied().collect();
        notes.push(format!(
            "not checked: {n} x-kubernetes-validations (CEL) rule(s) of {} (kdm evaluates no CEL; the rest of the schema is checked)",
            crds.join(", ")
        ));
    }
    if let Some(o) = ctx.operator {
        let names: Vec<&str> = o.defined.configs.iter().map(|c| c.name.as_str()).collect();
        notes.push(format!(
            "{} linted as the Prometheus config prometheus-operator {} generates ({}); findings point at the monitors",
            counted(&compiled).join(", "),
            crate::operator::OPERATOR_RELEASE,
            names.join("; ")
        ));
    }
    let mut plain = 0;
    for (i, f) in ctx.files.iter().enumerate().take(real) {
        for doc in &f.docs {
            let is_object = doc.get("kind").is_some() && doc.get("apiVersion").is_some();
            let is_prom = ctx
                .prometheus
                .iter()
                .any(|(fi, d)| *fi == i && std::ptr::eq(*d, doc));
            let is_values = ctx.operator.is_some() && crate::operator::helm::holds_values(doc);
            if !is_object && !is_prom && !is_values && !doc.is_null() {
                plain += 1;
            }
        }
    }
    if plain > 0 {
        notes.push(format!(
            "not linted: {plain} YAML document(s) that are neither Kubernetes objects nor Prometheus configs"
        ));
    }
    notes
}

/// `ServiceMonitor ×3`, `Prometheus`: kinds and how many of each.
fn counted(kinds: &BTreeMap<&str, usize>) -> Vec<String> {
    kinds
        .iter()
        .map(|(k, n)| {
            if *n > 1 {
                format!("{k} ×{n}")
            } else {
                k.to_string()
            }
        })
        .collect()
}
