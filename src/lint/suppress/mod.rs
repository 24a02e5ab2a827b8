//! Suppressions: what keeps a finding out of the report, and why. Four
//! kinds, tried in this order: an `ignore.kdm.dev/<rule>` annotation on the
//! object or its pod template, a `# kdm-ignore:` comment on the finding's
//! line or the line above, a `.kdm.yaml` exemption, and a baseline file.
//! Each suppressed finding keeps what suppressed it, for `--show-suppressed`
//! and the JSON and SARIF reports. A suppression that names no rule, gives
//! no reason or is past its `until=` day suppresses nothing (and the
//! suppression rules report it); `--no-suppressions` applies none.

pub mod baseline;
pub mod comment;
pub mod date;
pub mod exemption;

use serde::Serialize;

use self::baseline::{Baseline, Key};
use self::date::Date;
use self::exemption::Exemption;
use super::place::{holds, Places};
use super::{Context, Finding};
use crate::decode::Step;
use crate::k8s::Object;
use crate::yaml::{Node, Span};

/// Annotation prefix for inline opt-outs: `ignore.kdm.dev/<rule-id>: <reason>`.
pub const IGNORE_PREFIX: &str = "ignore.kdm.dev/";

/// The `ignore.kdm.dev/` annotations that apply to an object (its own and
/// its pod template's): key node, value node, rule id and value text.
pub fn ignore_annotations<'a>(o: &Object<'a>) -> Vec<(&'a Node, &'a Node, &'a str, &'a str)> {
    let mut maps: Vec<&Node> = o.annotations().into_iter().collect();
    let template = crate::k8s::kinds::PodTemplate::of(o.kind)
        .and_then(|at| at.template(o.node))
        .filter(|t| !std::ptr::eq(*t, o.node));
    if let Some(a) = template.and_then(|t| t.get("metadata")?.get("annotations")) {
        maps.push(a);
    }
    maps.into_iter()
        .filter_map(Node::as_map)
        .flatten()
        .filter_map(|(k, v)| {
            let rule = k.as_str()?.strip_prefix(IGNORE_PREFIX)?;
            Some((k, v, rule, v.as_str().unwrap_or("")))
        })
        .collect()
}

/// The word that starts a comment directive.
pub const DIRECTIVE: &str = "kdm-ignore";

/// A suppression's reason, with its optional last day (`until=YYYY-MM-DD`
/// anywhere in the text).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reason {
    pub text: String,
    pub until: Option<Result<Date, String>>,
}

impl Reason {
    pub fn parse(text: &str) -> Reason {
        let mut until = None;
        let mut words = Vec::new();
        for word in text.split_whitespace() {
            match word.strip_prefix("until=") {
                Some(day) if until.is_none() => until = Some(Date::parse(day)),
                _ => words.push(word),
            }
        }
        Reason {
            text: words.join(" "),
            until,
        }
    }

    /// Whether it holds on `today`: a valid `until` not yet past, or none.
    pub fn holds(&self, today: Date) -> bool {
        match &self.until {
            None => true,
            Some(Ok(last)) => today <= *last,
            Some(Err(_)) => false,
        }
    }
}

/// What suppressed a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Annotation,
    Comment,
    Exemption,
    Baseline,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: Kind,
    pub reason: String,
    /// Where the suppression is: `file:line:col` (a baseline: its file).
    pub at: String,
}

/// A finding kept out of the report, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    pub by: Suppression,
}

/// How a run suppresses findings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--no-suppressions`: report every finding.
    pub disabled: bool,
    pub exemptions: Vec<Exemption>,
    pub baseline: Option<Baseline>,
    /// Compute each reported finding's baseline key (`--write-baseline`).
    pub record_keys: bool,
}

/// Findings after suppression.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub notes: Vec<String>,
    /// With `record_keys`: the baseline key of each of `findings`.
    pub keys: Vec<Key>,
}

/// An annotation or comment that suppresses a rule in a region.
struct InSource {
    file: usize,
    rule: String,
    /// Findings starting in this byte range (an object), or on this line.
    region: Region,
    by: Suppression,
}

enum Region {
    Bytes(Span),
    Line(usize),
}

/// Applies `settings` to `findings` (sorted or not) of the run `ctx`.
pub fn apply(places: &Places<'_, '_>, findings: Vec<Finding>, settings: &Settings) -> Outcome {
    let ctx = places.ctx;
    let mut outcome = Outcome::default();
    if settings.disabled {
        outcome.findings = findings;
    } else {
        suppress(ctx, places, findings, settings, &mut outcome);
    }
    if settings.record_keys {
        outcome.keys = outcome.findings.iter().map(|f| key(places, f)).collect();
    }
    outcome
}

fn suppress(
    ctx: &Context<'_>,
    places: &Places<'_, '_>,
    findings: Vec<Finding>,
    settings: &Settings,
    outcome: &mut Outcome,
) {
    let in_source = in_source(ctx);
    let mut baseline = settings.baseline.clone();
    let mut exemption_used = vec![false; settings.exemptions.len()];
    let live: Vec<bool> = settings
        .exemptions
        .iter()
        .map(|e| e.until.is_none_or(|last| ctx.today <= last))
        .collect();
    for f in findings {
        let line = ctx.source(f.file).line_col(f.span.start).0;
        let by = in_source
            .iter()
            .find(|s| {
                s.file == f.file
                    && s.rule == f.rule
                    && match s.region {
                        Region::Bytes(span) => span.start <= f.span.start && f.span.end <= span.end,
                        Region::Line(l) => l == line,
                    }
            })
            .map(|s| s.by.clone());
        let by = by.or_else(|| {
            if settings.exemptions.is_empty() {
                return None;
            }
            let object = places.object(&f);
            let container = places.container(&f);
            let described = object.map(|o| (o.kind, o.namespace, o.name));
            let i = settings
                .exemptions
                .iter()
                .enumerate()
                .position(|(i, e)| live[i] && e.covers(f.rule, described, container))?;
            exemption_used[i] = true;
            let e = &settings.exemptions[i];
            Some(Suppression {
                kind: Kind::Exemption,
                reason: e.reason.clone(),
                at: e.at.clone(),
            })
        });
        let by = by.or_else(|| {
            let b = baseline.as_mut()?;
            b.take(&key(places, &f)).then(|| Suppression {
                kind: Kind::Baseline,
                reason: "accepted in the baseline".to_string(),
                at: b.name.clone(),
            })
        });
        match by {
            Some(by) => outcome.suppressed.push(Suppressed { finding: f, by }),
            None => outcome.findings.push(f),
        }
    }
    for (i, e) in settings.exemptions.iter().enumerate() {
        if !live[i] {
            outcome.notes.push(format!(
                "the exemption at {} ended on {}: its findings are reported again",
                e.describe(),
                e.until.map(|d| d.to_string()).unwrap_or_default()
            ));
        } else if !exemption_used[i] {
            outcome.notes.push(format!(
                "the exemption at {} matched no finding: remove it, or check its patterns",
                e.describe()
            ));
        }
    }
    if let Some(b) = &baseline {
        let gone = b.unused();
        if gone > 0 {
            outcome.notes.push(format!(
                "{gone} finding(s) accepted in the baseline {} are gone: `--write-baseline` refreshes it",
                b.name
            ));
        }
    }
}

/// The annotations and comments of the input that suppress something.
fn in_source(ctx: &Context<'_>) -> Vec<InSource> {
    let mut out = Vec::new();
    for o in &ctx.objects {
        for (key, _, rule, value) in ignore_annotations(o) {
            let reason = Reason::parse(value);
            if reason.text.is_empty() || !reason.holds(ctx.today) {
                continue;
            }
            out.push(InSource {
                file: o.file,
                rule: rule.to_string(),
                region: Region::Bytes(o.node.span),
                by: Suppression {
                    kind: Kind::Annotation,
                    reason: reason.text,
                    at: ctx.source(o.file).location(key.span.start),
                },
            });
        }
    }
    for (i, file) in ctx.files.iter().enumerate().take(ctx.user_files()) {
        for d in comment::directives(i, file) {
            if d.problem(&ctx.rule_ids).is_some() || !d.reason.holds(ctx.today) {
                continue;
            }
            for rule in &d.rules {
                out.push(InSource {
                    file: i,
                    rule: rule.clone(),
                    region: Region::Line(d.line),
                    by: Suppression {
                        kind: Kind::Comment,
                        reason: d.reason.text.clone(),
                        at: file.source.location(d.span.start),
                    },
                });
            }
        }
    }
    out
}

/// The baseline key of a finding.
fn key(places: &Places<'_, '_>, f: &Finding) -> Key {
    let file = places
        .ctx
        .source(f.file)
        .name
        .trim_start_matches("./")
        .to_string();
    let (object, root) = match places.object(f) {
        Some(o) => (o.display_name(), Some(o.node)),
        None => {
            let docs = &places.ctx.files[f.file].docs;
            match docs.iter().position(|d| holds(d, f.span)) {
                Some(i) => (format!("document {}", i + 1), docs.get(i)),
                None => (String::new(), None),
            }
        }
    };
    let path = root.map(|r| field_path(r, f.span)).unwrap_or_default();
    Key {
        rule: f.rule.to_string(),
        file,
        object,
        path,
    }
}

/// `spec.template.spec.containers[agent].ports[metrics].hostPort`: the path
/// from `root` to the node at `span`, list items named by their `name` (or
/// `job_name`) where they have one, by index otherwise.
pub fn field_path(root: &Node, span: Span) -> String {
    let mut out = String::new();
    let mut at = Some(root);
    for step in crate::decode::path_to(root, span) {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&k);
                at = at.and_then(|n| n.get(&k));
            }
            Step::Index(i) => {
                let item = at.and_then(Node::as_seq).and_then(|s| s.get(i));
                let name = item.and_then(|n| n.get("name").or_else(|| n.get("job_name")));
                match name.and_then(Node::as_str) {
                    Some(name) => out.push_str(&format!("[{name}]")),
                    None => out.push_str(&format!("[{i}]")),
                }
                at = item;
            }
        }
    }
    out
}
