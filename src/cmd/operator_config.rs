//! `kdm operator-config`: the configuration prometheus-operator would
//! generate, per Prometheus resource.

use crate::cli::OperatorConfigArgs;
use crate::cmd::Outcome;
use crate::diag::Error;
use crate::input::{discover, load_yaml, read_source};
use crate::k8s::objects_in;
use crate::operator::compile::Options;
use crate::operator::model::{Resources, ServerKind};
use crate::operator::select::{why_not, Namespaces};
use crate::operator::{compile_all, OPERATOR_RELEASE};
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
    let objects: Vec<_> = docs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| objects_in(i, d))
        .collect();
    let source_refs: Vec<&Source> = sources.iter().collect();
    let mut res = match Resources::read(&source_refs, &objects) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            Resources::default()
        }
    };
    if !errors.is_empty() {
        return fail(errors, err, 2);
    }
    res.apply_crd_defaults();
    let namespaces = Namespaces::from_objects(&objects);
    for (kind, file, span) in &res.other_kinds {
        notes.push(format!(
            "{}: {kind} is not compiled (it does not decide what is scraped)",
            sources[*file].location(span.start)
        ));
    }
    if res.servers.is_empty() && res.monitor_count() == 0 {
        return fail(
            vec![Error::plain(
                "no prometheus-operator resources in the input (Prometheus, PrometheusAgent, ServiceMonitor, PodMonitor, Probe, ScrapeConfig)",
            )],
            err,
            2,
        );
    }
    if let Some(wanted) = &args.prometheus {
        res.servers
            .retain(|p| &p.meta.name == wanted || &p.meta.key() == wanted);
        if res.servers.is_empty() {
            return fail(
                vec![Error::plain(format!(
                    "no Prometheus or PrometheusAgent named {wanted:?} in the input"
                ))],
                err,
                2,
            );
        }
    }
    if res.servers.is_empty() {
        notes.push(format!(
            "no Prometheus resource in the input: every monitor is compiled, as a Prometheus selecting all monitors in all namespaces would ({} monitors)",
            res.monitor_count()
        ));
    }
    for prom in &res.servers {
        let who = format!("{} {}", kind_name(prom.kind), prom.meta.key());
        let mut unselected = Vec::new();
        for m in &res.service_monitors {
            unselected.push((
                "ServiceMonitor",
                &m.meta,
                &prom.service_monitors,
                "serviceMonitorSelector",
            ));
        }
        for m in &res.pod_monitors {
            unselected.push((
                "PodMonitor",
                &m.meta,
                &prom.pod_monitors,
                "podMonitorSelector",
            ));
        }
        for m in &res.probes {
            unselected.push(("Probe", &m.meta, &prom.probes, "probeSelector"));
        }
        for m in &res.scrape_configs {
            unselected.push((
                "ScrapeConfig",
                &m.meta,
                &prom.scrape_configs,
                "scrapeConfigSelector",
            ));
        }
        for (kind, meta, selection, field) in unselected {
            if let Some(why) = why_not(prom, selection, field, meta, &namespaces) {
                notes.push(format!(
                    "{who} does not select {kind} {}: {why}",
                    meta.key()
                ));
            }
        }
    }
    let mut stdout = String::new();
    let mut code = 0;
    let results = compile_all(&res, &namespaces, Options::default());
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
                let e = match prom.version_span.filter(|_| message.contains("version")) {
                    Some(span) => Error::at(&sources[prom.file], span, message.clone(), "here"),
                    None => Error::plain(format!("{kind} {}: {message}", prom.meta.key())),
                };
                errors.push(e);
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
                    let message = format!(
                        "prometheus-operator would refuse {} {}: {}",
                        r.kind.as_str(),
                        r.monitor,
                        r.message
                    );
                    let e = Error::at(&sources[r.at.file], r.at.span, message, "refused");
                    errors.push(e.with_severity(miette::Severity::Warning));
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
