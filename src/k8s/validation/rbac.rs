//! `pkg/apis/rbac/validation`: policy rules of Roles and ClusterRoles, and
//! the role references and subjects of bindings.

use super::{items, meta, string, Path, Report};
use crate::k8s::names;
use crate::yaml::Node;

const GROUP: &str = "rbac.authorization.k8s.io";

pub fn object(r: &mut Report, node: &Node, kind: &str, root: &Path<'_>) {
    match kind {
        "Role" | "ClusterRole" => {
            let rp = root.key("rules");
            for (i, rule) in items(node.get("rules")).iter().enumerate() {
                policy_rule(r, rule, &rp.index(i), kind == "Role");
            }
        }
        "RoleBinding" | "ClusterRoleBinding" => binding(r, node, kind, root),
        _ => {}
    }
}

fn policy_rule(r: &mut Report, rule: &Node, path: &Path<'_>, namespaced: bool) {
    if rule.as_map().is_none() {
        return;
    }
    let verbs = items(rule.get("verbs"));
    if verbs.is_empty() {
        r.required(
            rule,
            &path.key("verbs"),
            "verbs must contain at least one value",
        );
    }
    let urls = items(rule.get("nonResourceURLs"));
    let resources = items(rule.get("resources"));
    if !urls.is_empty() {
        if namespaced {
            r.invalid(
                &urls[0],
                &path.key("nonResourceURLs"),
                "namespaced rules cannot apply to non-resource URLs",
                None,
            );
        }
        if !items(rule.get("apiGroups")).is_empty() || !resources.is_empty() {
            r.invalid(
                &urls[0],
                &path.key("nonResourceURLs"),
                "rules cannot apply to both regular resources and non-resource URLs",
                None,
            );
        }
        return;
    }
    if items(rule.get("apiGroups")).is_empty() {
        r.required(
            rule,
            &path.key("apiGroups"),
            "resource rules must supply at least one api group",
        );
    }
    if resources.is_empty() {
        r.required(
            rule,
            &path.key("resources"),
            "resource rules must supply at least one resource",
        );
    }
}

fn binding(r: &mut Report, node: &Node, kind: &str, root: &Path<'_>) {
    if let Some(rr) = node.get("roleRef") {
        let p = root.key("roleRef");
        if let Some(g) = rr.get("apiGroup") {
            if string(g).is_some_and(|s| !s.is_empty() && s != GROUP) {
                r.unsupported(g, &p.key("apiGroup"), &[GROUP]);
            }
        }
        let kinds: &[&str] = if kind == "RoleBinding" {
            &["Role", "ClusterRole"]
        } else {
            &["ClusterRole"]
        };
        r.one_of(rr.get("kind"), &p.key("kind"), kinds);
        if let Some(n) = rr.get("name") {
            match string(n) {
                Some("") => r.required(n, &p.key("name"), ""),
                Some(s) => {
                    if let Some(prob) = names::path_segment_problem(s) {
                        r.invalid(n, &p.key("name"), &prob, None);
                    }
                }
                None => {}
            }
        }
    }
    let sp = root.key("subjects");
    for (i, s) in items(node.get("subjects")).iter().enumerate() {
        subject(r, s, &sp.index(i), kind == "RoleBinding");
    }
}

fn subject(r: &mut Report, s: &Node, path: &Path<'_>, namespaced: bool) {
    let kind = s.get("kind");
    r.one_of(
        kind,
        &path.key("kind"),
        &["ServiceAccount", "User", "Group"],
    );
    let name = s.get("name").and_then(|n| Some((n, string(n)?)));
    if let Some((n, "")) = name {
        r.required(n, &path.key("name"), "");
    }
    let group = s.get("apiGroup").and_then(string).unwrap_or("");
    match kind.and_then(string) {
        Some("ServiceAccount") => {
            if let Some((n, name)) = name.filter(|(_, s)| !s.is_empty()) {
                if let Some(prob) = meta::subdomain(name) {
                    r.invalid(n, &path.key("name"), &prob, None);
                }
            }
            if !group.is_empty() {
                if let Some(g) = s.get("apiGroup") {
                    r.unsupported(g, &path.key("apiGroup"), &[""]);
                }
            }
            let ns = s.get("namespace").and_then(string).unwrap_or("");
            if ns.is_empty() && !namespaced {
                r.required(s, &path.key("namespace"), "");
            }
        }
        Some("User" | "Group") => {
            // An empty apiGroup is defaulted to RBAC's.
            if let Some(g) = s
                .get("apiGroup")
                .filter(|_| !group.is_empty() && group != GROUP)
            {
                r.unsupported(g, &path.key("apiGroup"), &[GROUP]);
            }
        }
        _ => {}
    }
}
