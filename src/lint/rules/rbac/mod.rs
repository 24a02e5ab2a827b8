//! Rules of the `rbac` group: what the Roles and ClusterRoles of the input
//! let the workloads do, followed from each workload's ServiceAccount
//! through the input's bindings ([`crate::k8s::rbac`]). A role that no
//! binding of the input gives to a ServiceAccount is not reported: roles
//! for people, and roles bound elsewhere, are not the workloads' power.
mod cluster_admin;
mod escalation_verbs;
mod nodes_proxy;
mod pod_exec;
mod secrets_read;
mod wildcard;

use crate::k8s::rbac::PolicyRule;
use crate::lint::{Context, Finding, Rule, RuleMeta};
use crate::yaml::Node;

pub const RULES: &[&dyn Rule] = &[
    &cluster_admin::ClusterAdmin,
    &wildcard::Wildcard,
    &escalation_verbs::EscalationVerbs,
    &nodes_proxy::NodesProxy,
    &secrets_read::SecretsRead,
    &pod_exec::PodExec,
];

/// A rule that grants everything: every verb on every resource of every
/// API group (what `cluster-admin` holds).
pub fn grants_everything(rule: &PolicyRule<'_>) -> bool {
    let star = |l: &[(&Node, &str)]| l.iter().any(|(_, v)| *v == "*");
    star(&rule.api_groups) && star(&rule.resources) && star(&rule.verbs)
}

/// Reports each rule of a role granted to ServiceAccounts for which `what`
/// finds something: at the node it returns, with its description of the
/// permission, naming who gains it, with the bindings as related places.
pub fn report_granted<'a>(
    ctx: &Context<'a>,
    meta: &'static RuleMeta,
    out: &mut Vec<Finding>,
    help: &str,
    what: impl Fn(&PolicyRule<'a>) -> Option<(&'a Node, String)>,
) {
    for role in ctx.granted_roles() {
        for rule in &role.rules {
            let Some((node, permission)) = what(rule) else {
                continue;
            };
            let mut f = Finding::new(
                meta,
                role.role.file,
                node.span,
                format!(
                    "{} {permission}; granted to {}",
                    role.role.display_name(),
                    role.grantees()
                ),
            )
            .help(help);
            for g in &role.grants {
                let b = &g.binding;
                f = f.related(
                    b.object.file,
                    b.role_ref.span,
                    format!(
                        "{} {} binds it",
                        b.object.kind,
                        b.object.name.unwrap_or("?")
                    ),
                );
            }
            out.push(f);
        }
    }
}

/// What `rule` grants of `verbs` on `resource` of API group `group`: the
/// resource item that covers it and the verbs granted, described as
/// `list, watch on secrets` (with `via *` when a wildcard grants it). None
/// when it grants none of them.
pub fn granted<'a>(
    rule: &PolicyRule<'a>,
    group: &str,
    resource: &str,
    verbs: &[&str],
) -> Option<(&'a Node, String)> {
    let at = rule.resource(group, resource)?;
    let given: Vec<&str> = verbs
        .iter()
        .copied()
        .filter(|v| rule.verb(v).is_some())
        .collect();
    if given.is_empty() {
        return None;
    }
    let starred = at.as_str() != Some(resource)
        || given
            .iter()
            .any(|v| !rule.verbs.iter().any(|(_, w)| w == v));
    Some((
        at,
        format!(
            "{} on {resource}{}",
            given.join(", "),
            if starred { " (via `*`)" } else { "" }
        ),
    ))
}

/// The first place and the descriptions of everything `checks` (group,
/// resource, verbs) finds granted by `rule`, joined for a message.
pub fn granted_any<'a>(
    rule: &PolicyRule<'a>,
    checks: &[(&str, &str, &[&str])],
) -> Option<(&'a Node, String)> {
    let found: Vec<(&'a Node, String)> = checks
        .iter()
        .filter_map(|(g, r, v)| granted(rule, g, r, v))
        .collect();
    let at = found.first()?.0;
    let all: Vec<&str> = found.iter().map(|(_, d)| d.as_str()).collect();
    Some((at, all.join("; ")))
}
