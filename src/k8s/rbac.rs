//! RBAC as the authorizer resolves it for a workload: the pod's
//! ServiceAccount, the RoleBindings and ClusterRoleBindings naming it (as a
//! ServiceAccount, as its `system:serviceaccount:` user or through a
//! `system:serviceaccounts` group), and the rules of the Roles and
//! ClusterRoles they refer to, aggregated ClusterRoles included.
//!
//! Objects without `metadata.namespace` go wherever they are applied, so
//! they are only linked to objects of their own file; objects with explicit
//! namespaces are linked across files. Where a reference resolves in the
//! binding's own file, other files are not consulted (they are other
//! bundles).

use std::collections::BTreeMap;

use super::selector::{label_map, LabelSelector};
use super::{Object, Workload};
use crate::yaml::Node;

const GROUP: &str = "rbac.authorization.k8s.io";

fn is_rbac(o: &Object<'_>, kind: &str) -> bool {
    o.kind == kind
        && o.api_version
            .strip_prefix(GROUP)
            .is_some_and(|v| v.starts_with('/'))
}

/// The string items of a list field, with their nodes.
fn strings(node: Option<&Node>) -> Vec<(&Node, &str)> {
    node.and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| Some((n, n.as_str()?)))
        .collect()
}

/// One `rules[]` item of a Role or ClusterRole.
pub struct PolicyRule<'a> {
    pub node: &'a Node,
    pub api_groups: Vec<(&'a Node, &'a str)>,
    pub resources: Vec<(&'a Node, &'a str)>,
    pub verbs: Vec<(&'a Node, &'a str)>,
    pub resource_names: Vec<(&'a Node, &'a str)>,
    pub non_resource_urls: Vec<(&'a Node, &'a str)>,
}

impl<'a> PolicyRule<'a> {
    fn from_node(node: &'a Node) -> PolicyRule<'a> {
        PolicyRule {
            node,
            api_groups: strings(node.get("apiGroups")),
            resources: strings(node.get("resources")),
            verbs: strings(node.get("verbs")),
            resource_names: strings(node.get("resourceNames")),
            non_resource_urls: strings(node.get("nonResourceURLs")),
        }
    }

    /// The verb item granting `verb` (itself or `*`; verbs are
    /// case-sensitive).
    pub fn verb(&self, verb: &str) -> Option<&'a Node> {
        self.verbs
            .iter()
            .find(|(_, v)| *v == verb || *v == "*")
            .map(|(n, _)| *n)
    }

    /// The resource item granting `resource` (`pods`, or a subresource such
    /// as `pods/exec`) of API group `group` (`""` is core), or None when the
    /// rule does not cover it. `*` matches every resource, `*/exec` the
    /// subresource of every resource.
    pub fn resource(&self, group: &str, resource: &str) -> Option<&'a Node> {
        if !self
            .api_groups
            .iter()
            .any(|(_, g)| *g == group || *g == "*")
        {
            return None;
        }
        let sub = resource.split_once('/').map(|(_, s)| s);
        self.resources
            .iter()
            .find(|(_, r)| {
                *r == resource || *r == "*" || sub.is_some_and(|s| r.strip_prefix("*/") == Some(s))
            })
            .map(|(n, _)| *n)
    }

    /// Whether `resourceNames` limits the rule to named objects.
    pub fn named_only(&self) -> bool {
        !self.resource_names.is_empty()
    }

    /// The rules of a Role or ClusterRole object.
    pub fn of(role: &Object<'a>) -> Vec<PolicyRule<'a>> {
        role.node
            .get("rules")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter(|r| r.as_map().is_some())
            .map(PolicyRule::from_node)
            .collect()
    }
}

/// Which ServiceAccounts a binding subject stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accounts<'a> {
    /// One ServiceAccount (namespace None: the binding's, unknown).
    One(Option<&'a str>, &'a str),
    /// `system:serviceaccounts:<ns>`.
    Namespace(&'a str),
    /// `system:serviceaccounts`.
    All,
}

/// A subject of a binding that is one or more ServiceAccounts.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub node: &'a Node,
    accounts: Accounts<'a>,
}

impl Subject<'_> {
    /// `ServiceAccount kube-system/agent`, `Group system:serviceaccounts`.
    pub fn describe(&self) -> String {
        match self.accounts {
            Accounts::One(Some(ns), name) => format!("ServiceAccount {ns}/{name}"),
            Accounts::One(None, name) => format!("ServiceAccount {name}"),
            Accounts::Namespace(ns) => format!("Group system:serviceaccounts:{ns}"),
            Accounts::All => "Group system:serviceaccounts".to_string(),
        }
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    pub object: Object<'a>,
    /// `Role` or `ClusterRole`.
    pub role_kind: &'a str,
    pub role_name: &'a str,
    pub role_ref: &'a Node,
    /// The subjects that are ServiceAccounts (users and other groups are
    /// people, not workloads).
    pub subjects: Vec<Subject<'a>>,
}

impl<'a> Binding<'a> {
    fn from_object(object: Object<'a>) -> Option<Binding<'a>> {
        let namespaced = is_rbac(&object, "RoleBinding");
        if !namespaced && !is_rbac(&object, "ClusterRoleBinding") {
            return None;
        }
        let role_ref = object.node.get("roleRef")?;
        let role_kind = role_ref.get("kind")?.as_str()?;
        let role_name = role_ref.get("name")?.as_str()?;
        let subjects = object
            .node
            .get("subjects")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|s| {
                let name = s.get("name")?.as_str()?;
                let accounts = match s.get("kind")?.as_str()? {
                    "ServiceAccount" => {
                        let ns = s.get("namespace").and_then(Node::as_str);
                        let ns = ns.filter(|n| !n.is_empty());
                        Accounts::One(ns.or(object.namespace.filter(|_| namespaced)), name)
                    }
                    "User" => {
                        let (ns, name) = name
                            .strip_prefix("system:serviceaccount:")?
                            .split_once(':')?;
                        Accounts::One(Some(ns), name)
                    }
                    "Group" if name == "system:serviceaccounts" => Accounts::All,
                    "Group" => Accounts::Namespace(name.strip_prefix("system:serviceaccounts:")?),
                    _ => return None,
                };
                Some(Subject { node: s, accounts })
            })
            .collect();
        Some(Binding {
            object,
            role_kind,
            role_name,
            role_ref,
            subjects,
        })
    }

    /// Where the binding grants its role: `cluster-wide`, or `in namespace
    /// x` for a RoleBinding (a ClusterRole bound so applies there only).
    pub fn scope(&self) -> String {
        if self.object.kind == "ClusterRoleBinding" {
            "cluster-wide".to_string()
        } else if let Some(ns) = self.object.namespace {
            format!("in namespace {ns} only")
        } else {
            "in its namespace only".to_string()
        }
    }
}

/// Every RoleBinding and ClusterRoleBinding of the input.
pub fn bindings<'a>(objects: &[Object<'a>]) -> Vec<Binding<'a>> {
    objects
        .iter()
        .filter_map(|o| Binding::from_object(*o))
        .collect()
}

/// The ServiceAccount a workload's pods run as, None when templated.
pub fn service_account<'a>(w: &Workload<'a>) -> Option<&'a str> {
    let named = w.pod_spec.and_then(|spec| {
        ["serviceAccountName", "serviceAccount"]
            .iter()
            .find_map(|k| spec.get(k).and_then(Node::as_str))
    });
    match named.map(str::trim) {
        Some(n) if n.contains("{{") => None,
        Some(n) if !n.is_empty() => Some(n),
        _ => Some("default"),
    }
}

/// Whether objects `a` and `b` (of files `a.file`, `b.file`) can be in the
/// same namespace, given namespaces `na` and `nb`: both explicit and equal,
/// or one unset and both in one file.
fn linked(a: &Object<'_>, na: Option<&str>, b: &Object<'_>, nb: Option<&str>) -> bool {
    match (na, nb) {
        (Some(x), Some(y)) => x == y,
        _ => a.file == b.file,
    }
}

/// `found`, narrowed to those in `file` when any is.
fn prefer_file<T>(found: Vec<T>, file: usize, file_of: impl Fn(&T) -> usize) -> Vec<T> {
    if found.iter().any(|t| file_of(t) == file) {
        found.into_iter().filter(|t| file_of(t) == file).collect()
    } else {
        found
    }
}

/// One way a role reaches the input's ServiceAccounts.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    pub binding: Binding<'a>,
    /// The subjects of the binding that are ServiceAccounts.
    pub subjects: Vec<Subject<'a>>,
    /// The workloads of the input running as those ServiceAccounts.
    pub workloads: Vec<Object<'a>>,
    /// The ClusterRole the role is aggregated into, when it is granted
    /// through one.
    pub aggregated_into: Option<&'a str>,
}

impl<'a> Grant<'a> {
    /// The binding's grant to the input's workloads.
    pub fn of(binding: Binding<'a>, workloads: &[Workload<'a>]) -> Grant<'a> {
        Grant {
            workloads: workloads_of(&binding, workloads),
            subjects: binding.subjects.clone(),
            binding,
            aggregated_into: None,
        }
    }

    fn subjects(&self) -> String {
        let subjects: Vec<String> = self.subjects.iter().map(Subject::describe).collect();
        subjects.join(", ")
    }

    /// Who gains the binding's role: the workloads running as its
    /// ServiceAccounts, else the ServiceAccounts.
    pub fn who(&self) -> String {
        if self.workloads.is_empty() {
            format!("{} (no workload of the input runs as it)", self.subjects())
        } else {
            let names: Vec<String> = self.workloads.iter().map(Object::display_name).collect();
            format!("{} (as {})", names.join(", "), self.subjects())
        }
    }

    /// Who gains the role and how, for a message: `DaemonSet/mon/agent
    /// (ServiceAccount mon/agent via ClusterRoleBinding agent, cluster-wide)`.
    pub fn describe(&self) -> String {
        let via = format!(
            "{} via {} {}{}, {}",
            self.subjects(),
            self.binding.object.kind,
            self.binding.object.name.unwrap_or("?"),
            self.aggregated_into
                .map(|c| format!(" and aggregated ClusterRole {c}"))
                .unwrap_or_default(),
            self.binding.scope()
        );
        if self.workloads.is_empty() {
            format!("{via} (no workload of the input runs as it)")
        } else {
            let names: Vec<String> = self.workloads.iter().map(Object::display_name).collect();
            format!("{} ({via})", names.join(", "))
        }
    }
}

/// A Role or ClusterRole of the input with the grants that give it to
/// ServiceAccounts.
pub struct GrantedRole<'a> {
    pub role: Object<'a>,
    pub rules: Vec<PolicyRule<'a>>,
    pub grants: Vec<Grant<'a>>,
}

impl GrantedRole<'_> {
    /// Who gains the role, joined for a message.
    pub fn grantees(&self) -> String {
        let all: Vec<String> = self.grants.iter().map(Grant::describe).collect();
        all.join("; ")
    }
}

/// The Roles and ClusterRoles of the input that some binding of the input
/// gives to ServiceAccounts, with those grants. Roles bound only to users
/// and groups of people, or not bound in the input, are left out.
pub fn granted_roles<'a>(
    objects: &[Object<'a>],
    workloads: &[Workload<'a>],
) -> Vec<GrantedRole<'a>> {
    let roles: Vec<Object<'a>> = objects
        .iter()
        .filter(|o| is_rbac(o, "Role") || is_rbac(o, "ClusterRole"))
        .copied()
        .collect();
    let mut grants: BTreeMap<usize, Vec<Grant<'a>>> = BTreeMap::new();
    for b in bindings(objects) {
        if b.subjects.is_empty() {
            continue;
        }
        let targets: Vec<usize> = roles
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.kind == b.role_kind
                    && r.name == Some(b.role_name)
                    && (r.kind == "ClusterRole"
                        || linked(r, r.namespace, &b.object, b.object.namespace))
            })
            .map(|(i, _)| i)
            .collect();
        let targets = prefer_file(targets, b.object.file, |i| roles[*i].file);
        if targets.is_empty() {
            continue;
        }
        let grant = Grant::of(b, workloads);
        for i in targets {
            grants.entry(i).or_default().push(grant.clone());
            // An aggregated ClusterRole holds the rules of the ClusterRoles
            // its selectors match: those are granted with it.
            for j in aggregated(&roles, i) {
                let mut g = grant.clone();
                g.aggregated_into = roles[i].name;
                grants.entry(j).or_default().push(g);
            }
        }
    }
    grants
        .into_iter()
        .map(|(i, grants)| GrantedRole {
            role: roles[i],
            rules: PolicyRule::of(&roles[i]),
            grants,
        })
        .collect()
}

/// The ClusterRoles (indexes into `roles`) that `roles[i]`'s
/// `aggregationRule` selects.
fn aggregated(roles: &[Object<'_>], i: usize) -> Vec<usize> {
    let Some(selectors) = roles[i]
        .node
        .get("aggregationRule")
        .and_then(|a| a.get("clusterRoleSelectors"))
        .and_then(Node::as_seq)
    else {
        return Vec::new();
    };
    let selectors: Vec<LabelSelector> = selectors.iter().map(LabelSelector::from_node).collect();
    let found = roles
        .iter()
        .enumerate()
        .filter(|(j, r)| {
            *j != i && r.kind == "ClusterRole" && {
                let labels = label_map(r.labels());
                selectors
                    .iter()
                    .any(|s| !s.is_empty() && s.matches(&labels))
            }
        })
        .map(|(j, _)| j)
        .collect();
    prefer_file(found, roles[i].file, |j| roles[*j].file)
}

/// The workloads of the input running as a ServiceAccount the binding
/// names.
fn workloads_of<'a>(b: &Binding<'a>, workloads: &[Workload<'a>]) -> Vec<Object<'a>> {
    let found: Vec<Object<'a>> = workloads
        .iter()
        .filter(|w| {
            let Some(sa) = service_account(w) else {
                return false;
            };
            let o = &w.object;
            b.subjects.iter().any(|s| match s.accounts {
                Accounts::One(ns, name) => name == sa && linked(&b.object, ns, o, o.namespace),
                Accounts::Namespace(ns) => linked(&b.object, Some(ns), o, o.namespace),
                Accounts::All => true,
            })
        })
        .map(|w| w.object)
        .collect();
    prefer_file(found, b.object.file, |o| o.file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::objects_in;
    use crate::yaml::{load_stream, Limits, Source};

    fn docs(text: &str) -> Vec<Node> {
        load_stream(&Source::new("t.yaml", text.to_string()), Limits::default()).unwrap()
    }

    const INPUT: &str = "\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: mon}
spec:
  template:
    spec:
      serviceAccountName: agent
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: mon}
spec:
  template:
    spec: {}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agent}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: agent}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: part, labels: {agg: agent}}
rules: [{apiGroups: [''], resources: ['*/exec', nodes], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agent}
roleRef: {kind: ClusterRole, name: agent}
subjects:
- {kind: ServiceAccount, name: agent, namespace: mon}
- {kind: User, name: alice}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: mon}
rules: [{apiGroups: [''], resources: [secrets], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: mon}
roleRef: {kind: Role, name: reader}
subjects: [{kind: Group, name: 'system:serviceaccounts:mon'}]
";

    #[test]
    fn follows_bindings_groups_and_aggregation_to_workloads() {
        let d = docs(INPUT);
        let objects = objects_in(0, &d);
        let workloads: Vec<Workload<'_>> = objects
            .iter()
            .filter_map(|o| Workload::from_object(*o))
            .collect();
        let roles = granted_roles(&objects, &workloads);
        let names: Vec<(&str, String)> = roles
            .iter()
            .map(|r| (r.role.name.unwrap_or(""), r.grantees()))
            .collect();
        assert_eq!(
            names,
            vec![
                (
                    "agent",
                    "DaemonSet/mon/agent (ServiceAccount mon/agent via ClusterRoleBinding agent, cluster-wide)"
                        .to_string()
                ),
                (
                    "part",
                    "DaemonSet/mon/agent (ServiceAccount mon/agent via ClusterRoleBinding agent and aggregated ClusterRole agent, cluster-wide)"
                        .to_string()
                ),
                (
                    "reader",
                    "DaemonSet/mon/agent, Deployment/mon/web (Group system:serviceaccounts:mon via RoleBinding reader, in namespace mon only)"
                        .to_string()
                ),
            ]
        );
        let part = &roles[1].rules[0];
        assert!(part.resource("", "pods/exec").is_some());
        assert!(part.resource("apps", "pods/exec").is_none());
        assert!(part.resource("", "pods").is_none());
        assert!(part.verb("get").is_some() && part.verb("list").is_none());
    }

    #[test]
    fn unnamespaced_objects_link_within_their_file_only() {
        let a = docs("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec: {template: {spec: {serviceAccountName: x}}}\n");
        let b = docs("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: ServiceAccount, name: x, namespace: n}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []\n");
        let mut objects = objects_in(0, &a);
        objects.extend(objects_in(1, &b));
        let workloads: Vec<Workload<'_>> = objects
            .iter()
            .filter_map(|o| Workload::from_object(*o))
            .collect();
        let roles = granted_roles(&objects, &workloads);
        assert_eq!(roles.len(), 1);
        assert!(roles[0].grants[0].workloads.is_empty());
    }
}
