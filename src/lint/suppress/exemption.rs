//! `.kdm.yaml` exemptions: findings of some rules on the objects (and
//! containers) a namespace, name and container glob select, each with a
//! reason and an optional last day.
//!
//! ```yaml
//! exemptions:
//!   - rules: [host-path-writable, privileged]
//!     namespace: kube-system        # glob; an object without a namespace never matches
//!     name: "calico-*"              # the object's metadata.name (glob)
//!     kind: DaemonSet
//!     container: install-cni        # glob; the finding must be inside this container
//!     reason: the CNI installer writes /opt/cni/bin on every node
//!     until: 2027-03-31             # optional: applies up to and including this day
//! ```

use globset::{Glob, GlobMatcher};

use super::date::Date;
use crate::decode::Decoder;
use crate::diag::Result;
use crate::yaml::{Node, NodeKind};

/// A glob as written, compiled.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    pub fn matches(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }

    /// A glob at `node`; `what` names what it matches, for errors.
    pub fn parse(d: &Decoder<'_>, node: &Node, what: &str) -> Result<Pattern> {
        let text = d.string(node, &format!("a {what} glob"))?;
        let matcher = Glob::new(&text)
            .map_err(|e| {
                d.error(
                    node,
                    format!("invalid glob pattern {text:?}: {}", e.kind()),
                    "invalid pattern",
                )
            })?
            .compile_matcher();
        Ok(Pattern { text, matcher })
    }
}

#[derive(Debug, Clone)]
pub struct Exemption {
    pub rules: Vec<String>,
    pub kind: Option<String>,
    pub namespace: Option<Pattern>,
    pub name: Option<Pattern>,
    pub container: Option<Pattern>,
    pub reason: String,
    pub until: Option<Date>,
    /// `file:line:col` of the exemption in the config.
    pub at: String,
}

const FIELDS: [&str; 8] = [
    "rules",
    "kind",
    "namespace",
    "name",
    "container",
    "reason",
    "until",
    "rule",
];

impl Exemption {
    /// Whether it covers a finding of `rule` in an object of `kind` named
    /// `name` in `namespace`, inside container `container`.
    pub fn covers(
        &self,
        rule: &str,
        object: Option<(&str, Option<&str>, Option<&str>)>,
        container: Option<&str>,
    ) -> bool {
        if !self.rules.iter().any(|r| r == rule) {
            return false;
        }
        let (kind, namespace, name) = object.unwrap_or(("", None, None));
        let fits = |p: &Option<Pattern>, value: Option<&str>| {
            p.as_ref()
                .is_none_or(|p| value.is_some_and(|v| p.matches(v)))
        };
        self.kind
            .as_deref()
            .is_none_or(|k| object.is_some() && k == kind)
            && fits(&self.namespace, namespace)
            && fits(&self.name, name)
            && fits(&self.container, container)
    }

    /// What it says, for notes: `rules [a, b] on DaemonSet kube-system/calico-*`.
    pub fn describe(&self) -> String {
        let mut out = format!("{} ({})", self.at, self.rules.join(", "));
        let parts = [
            self.kind.as_deref().map(|k| format!("kind {k}")),
            self.namespace
                .as_ref()
                .map(|p| format!("namespace {}", p.text)),
            self.name.as_ref().map(|p| format!("name {}", p.text)),
            self.container
                .as_ref()
                .map(|p| format!("container {}", p.text)),
        ];
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        if !parts.is_empty() {
            out.push_str(&format!(" on {}", parts.join(", ")));
        }
        out
    }
}

/// The `exemptions` list of a config; rule ids must be `known_rules`.
pub fn parse(d: &Decoder<'_>, list: &Node, known_rules: &[&str]) -> Result<Vec<Exemption>> {
    let mut out = Vec::new();
    for item in d.seq(list, "a list of exemptions")? {
        out.push(parse_one(d, item, known_rules)?);
    }
    Ok(out)
}

fn parse_one(d: &Decoder<'_>, item: &Node, known_rules: &[&str]) -> Result<Exemption> {
    let entries = d.mapping(item, "an exemption", &FIELDS)?;
    let mut ex = Exemption {
        rules: Vec::new(),
        kind: None,
        namespace: None,
        name: None,
        container: None,
        reason: String::new(),
        until: None,
        at: d.source().location(item.span.start),
    };
    let pattern = |v: &Node, what: &str| Pattern::parse(d, v, what);
    for (k, v) in entries {
        match &*k.key_str() {
            "rules" | "rule" => {
                let items = match &v.kind {
                    NodeKind::Scalar { .. } => std::slice::from_ref(v),
                    _ => d.seq(v, "a rule id or a list of them")?,
                };
                for r in items {
                    let id = d.string(r, "a rule id")?;
                    if !known_rules.contains(&id.as_str()) {
                        return Err(d
                            .error(r, format!("unknown rule {id:?}"), "unknown rule")
                            .with_help(crate::suggest::unknown_rule_help(
                                &id,
                                known_rules.iter().copied(),
                            )));
                    }
                    ex.rules.push(id);
                }
            }
            "kind" => ex.kind = Some(d.string(v, "a kind")?),
            "namespace" => ex.namespace = Some(pattern(v, "namespace")?),
            "name" => ex.name = Some(pattern(v, "name")?),
            "container" => ex.container = Some(pattern(v, "container name")?),
            "reason" => ex.reason = d.string(v, "a reason")?.trim().to_string(),
            "until" => {
                let text = d.string(v, "a date like 2027-03-31")?;
                ex.until = Some(Date::parse(&text).map_err(|e| d.error(v, e, "not a date"))?);
            }
            _ => {}
        }
    }
    if ex.rules.is_empty() {
        return Err(d
            .error(item, "an exemption names no rule", "no `rules`")
            .with_help("list the rule ids it exempts: `rules: [host-path-writable]`"));
    }
    if ex.reason.is_empty() {
        return Err(d
            .error(item, "an exemption needs a reason", "no `reason`")
            .with_help("say why the findings do not apply: `reason: ...`"));
    }
    if ex.kind.is_none() && ex.namespace.is_none() && ex.name.is_none() && ex.container.is_none() {
        return Err(d
            .error(
                item,
                "an exemption selects no object",
                "no kind, namespace, name or container",
            )
            .with_help(
                "to turn a rule off everywhere, write `rules: {RULE: off}` at the top level",
            ));
    }
    Ok(ex)
}
