//! The Prometheus configs that prometheus-operator resources define, for
//! every command that reads a Prometheus config (relabel-sim, lint, test,
//! operator-config): each Prometheus (or PrometheusAgent) compiles the
//! monitors it selects, and the generated text is read by the same exact
//! parser as a prometheus.yml. Every generated job and rule remembers where
//! the user wrote it, so that traces and findings point into the monitor's
//! YAML, not into text nobody wrote.

use std::sync::Arc;

use super::compile::{Job, Options};
use super::model::{At, Prometheus, Resources};
pub use super::select::server_name;
use super::select::{why_not, Namespaces};
use super::{compile_all, Rejection, OPERATOR_RELEASE};
use crate::diag::{Error, Result};
use crate::k8s::Object;
use crate::prom::config::{parse_config, ConfigInput, ScrapeJob};
use crate::relabel::{Flavor, Origin};
use crate::yaml::{to_go_yaml, Node, Source, Span};

/// The operator resources of an input, CRD defaults applied.
pub struct Input {
    pub resources: Resources,
    pub namespaces: Namespaces,
    /// monitoring.coreos.com kinds that are not compiled, at their place.
    pub notes: Vec<String>,
}

/// Reads the prometheus-operator resources in `docs` (the documents of
/// each file of `sources`), kube-prometheus-stack values among them as
/// the chart renders them for `release`; `None` when there is no
/// Prometheus, agent or monitor. The first malformed resource is an error.
pub fn read(sources: &[&Source], docs: &[&[Node]], release: &str) -> Result<Option<Input>> {
    let (input, mut malformed) = read_each(sources, docs, release)?;
    match malformed.is_empty() {
        true => Ok(input),
        false => Err(malformed.swap_remove(0)),
    }
}

/// [`read`], keeping every well-formed resource and an error for each
/// malformed one (malformed values are an error).
pub fn read_each(
    sources: &[&Source],
    docs: &[&[Node]],
    release: &str,
) -> Result<(Option<Input>, Vec<Error>)> {
    let objects: Vec<Object<'_>> = docs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| crate::k8s::objects_in(i, d))
        .collect();
    let objects = objects.as_slice();
    let (mut resources, malformed) = Resources::read_each(sources, objects);
    let (chart, chart_notes) = super::helm::read(sources, docs, release)?;
    resources.servers.extend(chart.servers);
    resources.service_monitors.extend(chart.service_monitors);
    resources.pod_monitors.extend(chart.pod_monitors);
    if resources.servers.is_empty() && resources.monitor_count() == 0 {
        return Ok((None, malformed));
    }
    let additional_notes = super::additional::resolve(sources, objects, &mut resources.servers)?;
    resources.apply_crd_defaults();
    let namespaces = Namespaces::from_objects(objects);
    let mut notes: Vec<String> = resources
        .other_kinds
        .iter()
        .filter_map(|(kind, file, span)| {
            let src = sources.get(*file)?;
            Some(format!(
                "{}: {kind} is not compiled (it does not decide what is scraped)",
                src.location(span.start)
            ))
        })
        .collect();
    notes.extend(chart_notes);
    notes.extend(additional_notes);
    Ok((
        Some(Input {
            resources,
            namespaces,
            notes,
        }),
        malformed,
    ))
}

impl Input {
    /// Keeps the Prometheus (or agent) named `name` or `namespace/name`.
    pub fn only(&mut self, wanted: &str) -> Result<()> {
        let servers = &mut self.resources.servers;
        let names: Vec<String> = servers.iter().map(server_name).collect();
        servers.retain(|p| p.meta.name == wanted || p.meta.key() == wanted);
        if servers.is_empty() {
            let error = Error::plain(format!(
                "no Prometheus or PrometheusAgent named {wanted:?} in the input"
            ));
            return Err(if names.is_empty() {
                error
            } else {
                error.with_help(format!("there are: {}", names.join(", ")))
            });
        }
        Ok(())
    }

    /// One note per monitor a Prometheus does not select, with the reason;
    /// with no Prometheus, the note that every monitor is compiled.
    pub fn selection_notes(&self) -> Vec<String> {
        match self.stand_in_note() {
            Some(note) => vec![note],
            None => self.unselected_notes(),
        }
    }

    /// With no Prometheus: the note that every monitor is compiled.
    pub fn stand_in_note(&self) -> Option<String> {
        let res = &self.resources;
        res.servers.is_empty().then(|| format!(
            "no Prometheus resource in the input: every monitor is compiled, as a Prometheus selecting all monitors in all namespaces would ({} monitors)",
            res.monitor_count()
        ))
    }

    /// One note per monitor a Prometheus does not select, with the reason.
    pub fn unselected_notes(&self) -> Vec<String> {
        let res = &self.resources;
        let mut notes = Vec::new();
        for prom in &res.servers {
            let who = server_name(prom);
            let monitors = res
                .service_monitors
                .iter()
                .map(|m| {
                    let how = (&prom.service_monitors, "serviceMonitorSelector");
                    ("ServiceMonitor", &m.meta, how)
                })
                .chain(res.pod_monitors.iter().map(|m| {
                    let how = (&prom.pod_monitors, "podMonitorSelector");
                    ("PodMonitor", &m.meta, how)
                }))
                .chain(
                    res.probes
                        .iter()
                        .map(|m| ("Probe", &m.meta, (&prom.probes, "probeSelector"))),
                )
                .chain(res.scrape_configs.iter().map(|m| {
                    let how = (&prom.scrape_configs, "scrapeConfigSelector");
                    ("ScrapeConfig", &m.meta, how)
                }));
            for (kind, meta, (selection, field)) in monitors {
                if let Some(why) = why_not(prom, selection, field, meta, &self.namespaces) {
                    notes.push(format!(
                        "{who} does not select {kind} {}: {why}",
                        meta.key()
                    ));
                }
            }
        }
        notes
    }
}

/// The name of the config of the Prometheus kdm compiles against when the
/// input has monitors but no Prometheus ([`super::stand_in_prometheus`]).
pub const STAND_IN: &str = "a Prometheus selecting every monitor";

/// What the operator resources of an input define.
pub struct Defined {
    /// One config per Prometheus or agent, or one for the stand-in that
    /// selects every monitor when the input has none.
    pub configs: Vec<Generated>,
    /// The stand-in, settings a version lacks, kinds not compiled.
    pub notes: Vec<String>,
    /// One note per monitor a Prometheus does not select, with the reason
    /// (lint reports these as `monitor-not-selected`).
    pub unselected: Vec<String>,
    /// Monitors the operator would refuse: they get no job.
    pub rejected: Vec<Rejection>,
    /// Resources that cannot be read (with [`Choice::keep_going`]).
    pub malformed: Vec<Error>,
    /// What the configs were generated from, to say why a workload is
    /// not scraped.
    pub monitors: super::chain::Monitors,
}

impl Defined {
    /// Each refused monitor as a warning at its place.
    pub fn warnings(&self, sources: &[&Source]) -> Vec<Error> {
        self.rejected
            .iter()
            .map(|r| rejection_warning(r, sources))
            .collect()
    }

    /// The one config of the input, or the one named `wanted`.
    pub fn pick(&self, wanted: Option<&str>) -> Result<&Generated> {
        match (self.configs.as_slice(), wanted) {
            ([one], _) => Ok(one),
            (all, Some(w)) => all
                .iter()
                .find(|g| g.name == w || g.name.split_once(' ').is_some_and(|(_, n)| n == w))
                .ok_or_else(|| Error::plain(format!("no Prometheus named {w:?} in the input"))),
            (all, None) => {
                let names: Vec<&str> = all.iter().map(|g| g.name.as_str()).collect();
                Err(Error::plain(format!(
                    "the input defines {} Prometheus configs ({}); choose one",
                    all.len(),
                    names.join(", ")
                ))
                .with_help(
                    "name it with --prometheus NAME (relabel-sim) or `prometheus: NAME` (kdm test)",
                ))
            }
        }
    }
}

/// A refused monitor as a warning at its place.
pub fn rejection_warning(r: &Rejection, sources: &[&Source]) -> Error {
    let message = format!(
        "prometheus-operator would refuse {} {}: {}",
        r.kind.as_str(),
        r.monitor,
        r.message
    );
    let e = match sources.get(r.at.file) {
        Some(src) => Error::at(src, r.at.span, message, "refused"),
        None => Error::plain(message),
    };
    e.with_severity(miette::Severity::Warning)
}

/// Which configs [`define`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Choice<'a> {
    /// Only the Prometheus (or agent) with this name or `namespace/name`.
    pub only: Option<&'a str>,
    /// The Helm release kube-prometheus-stack values are rendered for.
    pub release: &'a str,
    /// Compile the well-formed resources when others are malformed
    /// (their errors are in [`Defined::malformed`]).
    pub keep_going: bool,
    /// Read the files a plain config's `file_sd_configs` name (not when
    /// relabel-sim is given `--targets`: a 100k-target file would be read
    /// for nothing).
    pub file_sd: bool,
}

impl Default for Choice<'_> {
    fn default() -> Self {
        Choice {
            only: None,
            release: super::helm::DEFAULT_RELEASE,
            keep_going: false,
            file_sd: true,
        }
    }
}

/// The configs the operator resources in `docs` (the documents of each
/// file of `sources`) define, `None` when there are none.
pub fn define(
    sources: &[&Source],
    docs: &[&[Node]],
    choice: Choice<'_>,
) -> Result<Option<Defined>> {
    let (input, mut malformed) = read_each(sources, docs, choice.release)?;
    if !choice.keep_going && !malformed.is_empty() {
        return Err(malformed.swap_remove(0));
    }
    let Some(mut input) = input else {
        return Ok(None);
    };
    if let Some(wanted) = choice.only {
        input.only(wanted)?;
    }
    let mut notes = std::mem::take(&mut input.notes);
    notes.extend(input.stand_in_note());
    let mut defined = Defined {
        configs: Vec::new(),
        notes,
        unselected: input.unselected_notes(),
        rejected: Vec::new(),
        malformed,
        monitors: Default::default(),
    };
    for (prom, compiled) in compile_all(&input.resources, &input.namespaces, Options::default()) {
        let compiled = compiled.map_err(|message| server_error(&prom, sources, message))?;
        let name = compiled
            .server
            .clone()
            .unwrap_or_else(|| STAND_IN.to_string());
        for w in &compiled.warnings {
            defined.notes.push(format!("{}: {w}", server_name(&prom)));
        }
        defined.rejected.extend(compiled.rejected);
        // The config reloader replaces `$(SHARD)` with the shard's number
        // in each Prometheus pod: kdm reads the config shard 0 loads.
        let shards = prom.shard_count();
        if shards > 1 {
            defined.notes.push(format!(
                "{name} has {shards} shards: its jobs are those of shard 0"
            ));
        }
        let source = Source::new(
            format!("<{name}, as prometheus-operator {OPERATOR_RELEASE} writes it for shard 0>"),
            to_go_yaml(&compiled.config).replace("$(SHARD)", "0"),
        );
        let root = crate::input::load_yaml(&source)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::plain(format!("{name}: the operator wrote no config")))?;
        defined.configs.push(Generated {
            name,
            server_at: compiled.server.as_ref().map(|_| At {
                file: prom.file,
                span: prom.anchor,
            }),
            source,
            root,
            jobs: compiled.jobs,
        });
    }
    defined.monitors = super::chain::Monitors {
        resources: input.resources,
        namespaces: input.namespaces,
    };
    Ok(Some(defined))
}

/// Why the operator generates nothing for a Prometheus, at its version
/// when that is the reason.
pub fn server_error(prom: &Prometheus, sources: &[&Source], message: String) -> Error {
    match (
        prom.version_span.filter(|_| message.contains("version")),
        sources.get(prom.file),
    ) {
        (Some(span), Some(src)) => Error::at(src, span, message, "here"),
        _ => Error::plain(format!("{}: {message}", server_name(prom))),
    }
}

/// One generated config: its text, parsed, and where each job came from.
pub struct Generated {
    /// `Prometheus monitoring/k8s`, or [`STAND_IN`].
    pub name: String,
    /// The Prometheus resource (its name), `None` for the stand-in.
    pub server_at: Option<At>,
    /// The text the operator would write, under a name that says so.
    pub source: Source,
    pub root: Node,
    /// The jobs, in `scrape_configs` order.
    pub jobs: Vec<Job>,
}

/// Where a place in a generated config came from.
#[derive(Debug, Clone)]
pub struct Located {
    /// The place in the user's file.
    pub at: At,
    /// For text the operator wrote itself: `prometheus-operator for
    /// ServiceMonitor ns/name` (`at` is then the monitor's endpoint or name).
    pub added_by: Option<String>,
    /// The generated rule the place is in, if any (for a user's rule, to
    /// find the finer place inside it).
    pub rule: Option<Node>,
}

impl Generated {
    /// The config's jobs, read by the exact parser, each job and rule with
    /// the place the user wrote it (`sources` as given to [`define`]).
    pub fn scrape_jobs(&self, sources: &[&Source], flavor: Flavor) -> Result<Vec<ScrapeJob>> {
        let ConfigInput::Jobs(mut jobs) = parse_config(&self.source, &self.root, flavor)? else {
            return Ok(Vec::new());
        };
        let origin = |at: At, added_by: Option<String>| {
            let (file, line) = match sources.get(at.file) {
                Some(src) => (src.name.clone(), src.line_col(at.span.start).0),
                None => (String::new(), 0),
            };
            Arc::new(Origin {
                file,
                line,
                added_by,
            })
        };
        for (scrape, job) in jobs.iter_mut().zip(&self.jobs) {
            let own = origin(job.at, Some(added_by(job)));
            scrape.line = own.line;
            scrape.origin = Some(Arc::clone(&own));
            for (rules, places) in [
                (&mut scrape.relabel, &job.relabel_at),
                (&mut scrape.metric_relabel, &job.metric_at),
            ] {
                for (rule, at) in rules.iter_mut().zip(places) {
                    let o = at.map_or_else(|| Arc::clone(&own), |at| origin(at, None));
                    rule.line = o.line;
                    rule.origin = Some(o);
                }
            }
        }
        Ok(jobs)
    }

    /// Where the text at `span` of the generated config came from: the
    /// user's rule it copies, else the job's monitor, else the Prometheus.
    pub fn locate(&self, span: Span) -> Option<Located> {
        let inside = |n: &Node| n.span.start <= span.start && span.end <= n.span.end;
        let items = self
            .root
            .get("scrape_configs")
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for (node, job) in items.iter().zip(&self.jobs) {
            if !inside(node) {
                continue;
            }
            for (key, places) in [
                ("relabel_configs", &job.relabel_at),
                ("metric_relabel_configs", &job.metric_at),
            ] {
                let rules = node.get(key).and_then(Node::as_seq).unwrap_or(&[]);
                if let Some((rule, at)) = rules.iter().zip(places).find(|(r, _)| inside(r)) {
                    return Some(Located {
                        at: at.unwrap_or(job.at),
                        added_by: at.is_none().then(|| added_by(job)),
                        rule: Some(rule.clone()),
                    });
                }
            }
            return Some(Located {
                at: job.at,
                added_by: Some(added_by(job)),
                rule: None,
            });
        }
        self.server_at.map(|at| Located {
            at,
            added_by: Some(format!("prometheus-operator for {}", self.name)),
            rule: None,
        })
    }
}

/// `prometheus-operator for ServiceMonitor ns/name`.
fn added_by(job: &Job) -> String {
    format!(
        "prometheus-operator for {} {}",
        job.kind.as_str(),
        job.monitor
    )
}

/// The place in `user` (a relabeling as the user wrote it in a monitor) of
/// the text at `span` in `generated` (the rule the operator wrote from it):
/// the same field (`source_labels` is `sourceLabels`) and list item, else
/// the whole relabeling.
pub fn user_place(generated: &Node, span: Span, user: &Node) -> Span {
    let inside = |n: &Node| n.span.start <= span.start && span.end <= n.span.end;
    for (k, v) in generated.as_map().unwrap_or(&[]) {
        let key = k.key_str();
        let field = match key.as_ref() {
            "source_labels" => "sourceLabels",
            "target_label" => "targetLabel",
            other => other,
        };
        let Some((user_key, user_value)) = user.entry(field) else {
            continue;
        };
        if inside(k) {
            return user_key.span;
        }
        if inside(v) {
            let item = v
                .as_seq()
                .and_then(|items| items.iter().position(inside))
                .and_then(|i| user_value.as_seq()?.get(i));
            return item.unwrap_or(user_value).span;
        }
    }
    user.span
}
