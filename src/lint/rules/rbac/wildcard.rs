use super::{grants_everything, report_granted};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct Wildcard;

static META: RuleMeta = RuleMeta {
    id: "rbac-wildcard",
    severity: Severity::Warning,
    summary: "role granted to a workload uses `*` in apiGroups, resources or verbs",
    explain: "\
## What it does
Follows the input's RoleBindings and ClusterRoleBindings from each
workload's ServiceAccount to its Roles and ClusterRoles and flags a rule
with `*` in `apiGroups`, `resources` or `verbs`, at the first wildcard
(verbs, then resources, then API groups), naming the workloads that gain
it. A rule with `*` in all three is `cluster-admin` and is reported by
`rbac-cluster-admin` instead. Roles that no binding of the input gives to a
ServiceAccount (roles for people, or bound elsewhere) are not reported;
when no workload of the input runs as the bound ServiceAccount, the
finding names the ServiceAccount.

## Why is this bad?
A wildcard grants more than the agent was written for, including what
later Kubernetes versions, CRDs and subresources add: `verbs: [\"*\"]`
includes `delete`, `escalate` and `impersonate`, `resources: [\"*\"]`
includes `secrets` and `nodes/proxy`, `apiGroups: [\"*\"]` every installed
CRD. A compromised agent pod on any node holds all of it.

## Example
```yaml
kind: ClusterRole
metadata: {name: agent}
rules:
- apiGroups: [\"\"]
  resources: [\"*\"]
  verbs: [get, list, watch]
```

## Use instead
```yaml
- apiGroups: [\"\"]
  resources: [pods, nodes, namespaces]
  verbs: [get, list, watch]
```

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
",
};

impl Rule for Wildcard {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        report_granted(
            ctx,
            &META,
            out,
            "list the verbs, resources and API groups the workload uses",
            |rule| {
                if grants_everything(rule) {
                    return None;
                }
                let fields = [
                    ("verbs", &rule.verbs),
                    ("resources", &rule.resources),
                    ("apiGroups", &rule.api_groups),
                ];
                let starred: Vec<_> = fields
                    .iter()
                    .filter_map(|(f, l)| Some((*f, l.iter().find(|(_, v)| *v == "*")?.0)))
                    .collect();
                let (_, node) = starred.first()?;
                let names: Vec<&str> = starred.iter().map(|(f, _)| *f).collect();
                Some((*node, format!("grants `*` in {}", names.join(" and "))))
            },
        );
    }
}
