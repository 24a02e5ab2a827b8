use super::{grants_everything, report_granted};
use crate::k8s::rbac::{bindings, Grant};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ClusterAdmin;

const HELP: &str = "bind a ClusterRole listing only the verbs and resources the workload uses";

static META: RuleMeta = RuleMeta {
    id: "rbac-cluster-admin",
    severity: Severity::Error,
    summary: "ServiceAccount bound to cluster-admin, or a role granted to a workload holds `*` verbs on `*` resources",
    explain: "\
## What it does
Flags a RoleBinding or ClusterRoleBinding of the ClusterRole `cluster-admin`
with a ServiceAccount subject (or a `system:serviceaccount:` user, or a
`system:serviceaccounts` group), whether or not a workload of the input
runs as it, at `roleRef.name`, naming the workloads of the input that
gain it. Also flags a rule of a Role or ClusterRole bound to a
ServiceAccount that has `*` in `apiGroups`, `resources` and `verbs`,
which is `cluster-admin` under another name. Bindings of users and groups
of people are not reported.

## Why is this bad?
`cluster-admin` can do anything: read every Secret, create privileged pods
on any node, rewrite RBAC. A DaemonSet runs on every node, so a compromise
of any node, or of the agent, is a compromise of the cluster. A RoleBinding
to `cluster-admin` is everything within its namespace, its Secrets
included.

## Example
```yaml
kind: ClusterRoleBinding
metadata: {name: agent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: agent, namespace: monitoring}]
```

## Use instead
```yaml
kind: ClusterRoleBinding
metadata: {name: agent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
subjects: [{kind: ServiceAccount, name: agent, namespace: monitoring}]
---
kind: ClusterRole
metadata: {name: agent}
rules:
- apiGroups: [\"\"]
  resources: [pods, nodes]
  verbs: [get, list, watch]
```

## References
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
",
};

impl Rule for ClusterAdmin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for b in bindings(&ctx.objects) {
            if b.role_kind != "ClusterRole"
                || b.role_name != "cluster-admin"
                || b.subjects.is_empty()
            {
                continue;
            }
            let grant = Grant::of(b, &ctx.workloads);
            let at = grant
                .binding
                .role_ref
                .get("name")
                .unwrap_or(grant.binding.role_ref);
            out.push(
                Finding::new(
                    &META,
                    grant.binding.object.file,
                    at.span,
                    format!(
                        "{} gives cluster-admin {} to {}",
                        grant.binding.object.display_name(),
                        grant.binding.scope(),
                        grant.who()
                    ),
                )
                .help(HELP),
            );
        }
        report_granted(ctx, &META, out, HELP, |rule| {
            grants_everything(rule).then(|| {
                (
                    rule.verbs
                        .iter()
                        .find(|(_, v)| *v == "*")
                        .map_or(rule.node, |(n, _)| *n),
                    "grants every verb on every resource (what cluster-admin holds)".to_string(),
                )
            })
        });
    }
}
