use super::{granted_any, grants_everything, report_granted};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct EscalationVerbs;

const RBAC: &str = "rbac.authorization.k8s.io";

static META: RuleMeta = RuleMeta {
    id: "rbac-escalation-verbs",
    severity: Severity::Error,
    summary:
        "role granted to a workload can escalate, bind, impersonate or mint ServiceAccount tokens",
    explain: "\
## What it does
Follows the input's bindings from each workload's ServiceAccount to its
Roles and ClusterRoles and flags a rule granting `escalate` or `bind` on
`roles` or `clusterroles`, `impersonate` on `users`, `groups`,
`serviceaccounts` or `uids`, or `create` on `serviceaccounts/token`
(wildcards included), at the resource that grants it, naming the
workloads that gain it. A rule granting everything is reported by
`rbac-cluster-admin` instead. With `resourceNames`, only `escalate` is
reported: binding, impersonating or minting tokens for named objects is
how RBAC managers and CNI plugins are meant to do it.

## Why is this bad?
Each is a way around RBAC itself. `escalate` lets the agent write roles
with permissions it does not have, `bind` lets it bind any role (including
`cluster-admin`) to itself, `impersonate` lets it act as any user, group
or ServiceAccount, and a token for another ServiceAccount carries that
account's permissions. Whoever takes over the agent on any node becomes
cluster admin. Only RBAC managers (operators that create roles for their
workloads) need `bind`, and then with `resourceNames`.

## Example
```yaml
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  verbs: [get, escalate, bind]
```

## Use instead
```yaml
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  verbs: [get]
```

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb
",
};

impl Rule for EscalationVerbs {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let checks: &[(&str, &str, &[&str])] = &[
            (RBAC, "clusterroles", &["escalate", "bind"]),
            (RBAC, "roles", &["escalate", "bind"]),
            ("", "users", &["impersonate"]),
            ("", "groups", &["impersonate"]),
            ("", "serviceaccounts", &["impersonate"]),
            ("authentication.k8s.io", "uids", &["impersonate"]),
            ("", "serviceaccounts/token", &["create"]),
        ];
        report_granted(
            ctx,
            &META,
            out,
            "drop these verbs; an RBAC manager needs `bind` only with `resourceNames` of the roles it hands out",
            |rule| {
                if grants_everything(rule) {
                    return None;
                }
                // `resourceNames` limits bind, impersonate and token
                // requests to the named objects; escalate on a named role
                // still writes any permission into it.
                let named: Vec<(&str, &str, &[&str])> = checks
                    .iter()
                    .map(|(g, r, v)| {
                        let v: &[&str] = if rule.named_only() && v.contains(&"escalate") {
                            &["escalate"]
                        } else if rule.named_only() {
                            &[]
                        } else {
                            v
                        };
                        (*g, *r, v)
                    })
                    .collect();
                let (at, what) = granted_any(rule, &named)?;
                Some((at, format!("grants {what}")))
            },
        );
    }
}
