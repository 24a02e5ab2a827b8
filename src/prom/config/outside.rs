//! The relabel rules Prometheus reads outside scrape configs:
//! `remote_write[].write_relabel_configs`, `alerting.alert_relabel_configs`
//! and each Alertmanager's `relabel_configs` and `alert_relabel_configs`.
//! Prometheus refuses to load a config with an invalid one, so they are
//! validated like a job's rules, with Prometheus's words for empty rules.

use super::Ctx;
use crate::relabel::{NameScheme, Rule};
use crate::yaml::{Node, NodeKind, Span};

/// A `remote_write` entry: its name (may be empty), place and rules.
#[derive(Debug, Clone)]
pub struct RemoteWrite {
    pub name: String,
    pub index: usize,
    pub span: Span,
    pub rules: Vec<Rule>,
}

/// Checks every relabel list outside the scrape configs (errors are
/// recorded in `ctx`) and returns the remote writes.
pub(super) fn check(ctx: &Ctx<'_>, root: &Node, scheme: NameScheme) -> Vec<RemoteWrite> {
    let mut writes: Vec<RemoteWrite> = Vec::new();
    if let Some(list) = root.get("remote_write") {
        for (index, item) in items(ctx, list, "remote_write").iter().enumerate() {
            if item.is_null() {
                let e = ctx.err(
                    item.span,
                    "empty or null remote write config section",
                    "empty",
                );
                ctx.report(e);
                continue;
            }
            if item.as_map().is_none() {
                ctx.report(ctx.d().mismatch(item, "remote_write", "expected a mapping"));
                continue;
            }
            let name = ctx.opt_string(item, "name").unwrap_or_default();
            let name_span = item.get("name").map_or(item.span, |n| n.span);
            if let Some(first) = writes.iter().find(|w| !name.is_empty() && w.name == name) {
                ctx.report(
                    ctx.err(
                        name_span,
                        format!("found multiple remote write configs with job name {name:?}"),
                        "duplicate name",
                    )
                    .with_label(first.span, "first defined here"),
                );
            }
            let rules = rules(
                ctx,
                item.get("write_relabel_configs"),
                scheme,
                "empty or null relabeling rule in remote write config",
            );
            writes.push(RemoteWrite {
                name,
                index,
                span: name_span,
                rules,
            });
        }
    }
    let Some(alerting) = root.get("alerting").filter(|n| !n.is_null()) else {
        return writes;
    };
    if ctx.ok(ctx.d().map(alerting, "alerting")).is_none() {
        return writes;
    }
    rules(
        ctx,
        alerting.get("alert_relabel_configs"),
        scheme,
        "empty or null alert relabeling rule",
    );
    if let Some(list) = alerting.get("alertmanagers") {
        for am in items(ctx, list, "alertmanagers") {
            if am.as_map().is_none() {
                if !am.is_null() {
                    ctx.report(ctx.d().mismatch(am, "alertmanagers", "expected a mapping"));
                }
                continue;
            }
            rules(
                ctx,
                am.get("relabel_configs"),
                scheme,
                "empty or null Alertmanager target relabeling rule",
            );
            rules(
                ctx,
                am.get("alert_relabel_configs"),
                scheme,
                "empty or null Alertmanager alert relabeling rule",
            );
        }
    }
    writes
}

/// A list's items (none, with its error recorded, when it is not one).
fn items<'n>(ctx: &Ctx<'_>, node: &'n Node, ty: &str) -> &'n [Node] {
    ctx.ok(ctx.d().seq(node, ty)).unwrap_or(&[])
}

/// The valid rules of a list; an error per invalid rule, `empty` for a
/// null one.
fn rules(ctx: &Ctx<'_>, list: Option<&Node>, scheme: NameScheme, empty: &str) -> Vec<Rule> {
    let Some(list) = list else {
        return Vec::new();
    };
    let Some(items) = list.as_seq().filter(|s| s.iter().any(Node::is_null)) else {
        return ctx.rules(Some(list), scheme, true);
    };
    for item in items.iter().filter(|i| i.is_null()) {
        ctx.report(ctx.err(item.span, empty, "empty rule"));
    }
    let kept = Node {
        span: list.span,
        tag: None,
        kind: NodeKind::Seq(items.iter().filter(|i| !i.is_null()).cloned().collect()),
    };
    ctx.rules(Some(&kept), scheme, true)
}
