//! `kdm operator-config`: the configuration prometheus-operator would
//! generate, per Prometheus resource.

use crate::cli::OperatorConfigArgs;
use crate::cmd::Outcome;
use crate::diag::Error;
use crate::input::{discover, load_yaml, read_source};
use crate::operator::compile::Options;
use crate::operator::model::ServerKind;
use crate::operator::{compile_all, configs, OPERATOR_RELEASE};
use crate::report::human::render;
use crate::report::Term;
use crate::yaml::{to_go_yaml, Source};

pub fn run(args: &OperatorConfigArgs, err: Term) -> Outcome {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let found = discover(&args.paths, &|_| false);
    errors.extend(found.errors);
    notes.extend(found.skipped);
    let mut sources = Vec::new();
    let mut docs = Vec::new();
    for f in &found.files {
        match read_source(&f.path).and_then(|s| load_yaml(&s).map(|d| (s, d))) {
            Ok((s, d)) => {
                sources.push(s);
                docs.push(d);
            }
            Err(e) => errors.push(e),
        }
    }
    let source_refs: Vec<&Source> = sources.iter().collect();
    let doc_refs: Vec<&[crate::yaml::Node]> = docs.iter().map(Vec::as_slice).collect();
    let input = match configs::read(&source_refs, &doc_refs, &args.helm_release) {
        Ok(input) => input,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if !errors.is_empty() {
        return fail(errors, err, 2);
    }
    let Some(mut input) = input else {
        return fail(
            vec![Error::plain(
                "no prometheus-operator resources in the input (Prometheus, PrometheusAgent, ServiceMonitor, PodMonitor, Probe, ScrapeConfig)",
            )],
            err,
            2,
        );
    };
    notes.append(&mut input.notes);
    if let Some(wanted) = &args.prometheus {
        if let Err(e) = input.only(wanted) {
            return fail(vec![e], err, 2);
        }
    }
    notes.extend(input.selection_notes());
    let (res, namespaces) = (&input.resources, &input.namespaces);
    let mut stdout = String::new();
    let mut code = 0;
    let results = compile_all(res, namespaces, Options::default());
    for (i, (prom, compiled)) in results.iter().enumerate() {
        if i > 0 {
            stdout.push_str("---\n");
        }
        let kind = kind_name(prom.kind);
        let version = if prom.version.is_empty() {
            crate::operator::DEFAULT_PROMETHEUS_VERSION
        } else {
            &prom.version
        };
        match compiled {
            Err(message) => {
                errors.push(configs::server_error(prom, &source_refs, message.clone()));
                code = 2;
            }
            Ok(c) => {
                let header = match &c.server {
                    Some(server) => format!(
                        "# {server}: generated as prometheus-operator {OPERATOR_RELEASE} would for Prometheus {version}\n"
                    ),
                    None => format!(
                        "# every monitor: generated as prometheus-operator {OPERATOR_RELEASE} would for Prometheus {version}\n"
                    ),
                };
                let text = to_go_yaml(&c.config);
                match args.shard {
                    Some(n) if i64::from(n) >= prom.shard_count() => {
                        errors.push(Error::plain(format!(
                            "--shard {n}: {kind} {} runs {} shard(s), numbered from 0",
                            prom.meta.key(),
                            prom.shard_count()
                        )));
                        code = 2;
                    }
                    Some(n) => {
                        stdout.push_str(&header);
                        stdout.push_str(&text.replace("$(SHARD)", &n.to_string()));
                    }
                    None => {
                        stdout.push_str(&header);
                        stdout.push_str(&text);
                    }
                }
                for r in &c.rejected {
                    errors.push(configs::rejection_warning(r, &source_refs));
                    code = code.max(1);
                }
                for w in &c.warnings {
                    notes.push(format!("{kind} {}: {w}", prom.meta.key()));
                }
            }
        }
    }
    let mut stderr = String::new();
    for n in notes {
        stderr.push_str(&format!("note: {n}\n"));
    }
    for e in &errors {
        stderr.push_str(&render(e, err));
    }
    Outcome {
        code,
        stdout,
        stderr,
    }
}

fn fail(errors: Vec<Error>, err: Term, code: i32) -> Outcome {
    let stderr = errors.iter().map(|e| render(e, err)).collect();
    Outcome {
        code,
        stdout: String::new(),
        stderr,
    }
}

fn kind_name(kind: ServerKind) -> &'static str {
    match kind {
        ServerKind::Prometheus => "Prometheus",
        ServerKind::Agent => "PrometheusAgent",
    }
}
