use super::{granted, grants_everything, report_granted};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct NodesProxy;

static META: RuleMeta = RuleMeta {
    id: "rbac-nodes-proxy",
    severity: Severity::Error,
    summary: "role granted to a workload reaches the kubelet API through `nodes/proxy`",
    explain: "\
## What it does
Follows the input's bindings from each workload's ServiceAccount to its
Roles and ClusterRoles and flags a rule granting any verb on
`nodes/proxy` (also through `*` or `*/proxy`), at the resource, naming the
workloads that gain it. A rule granting everything is reported by
`rbac-cluster-admin` instead.

## Why is this bad?
`nodes/proxy` is the kubelet's whole API on every node: `/exec`, `/run`
and `/attach` run commands in any container of any pod, privileged ones
included. Even `get` is enough, since the kubelet authorizes a websocket
upgrade of `/exec` as `get`. It is remote code execution on every node,
and requests through the kubelet bypass the API server's audit log.
Older Prometheus and agent charts ask for it to scrape the kubelet; the
kubelet's metrics are available through `nodes/metrics` and `nodes/stats`.

## Example
```yaml
- apiGroups: [\"\"]
  resources: [nodes, nodes/proxy]
  verbs: [get, list, watch]
```

## Use instead
```yaml
- apiGroups: [\"\"]
  resources: [nodes, nodes/metrics, nodes/stats]
  verbs: [get, list, watch]
```

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes
- https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
",
};

impl Rule for NodesProxy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        report_granted(
            ctx,
            &META,
            out,
            "scrape the kubelet through `nodes/metrics` and `nodes/stats` instead of `nodes/proxy`",
            |rule| {
                if grants_everything(rule) {
                    return None;
                }
                let verbs: Vec<&str> = rule.verbs.iter().map(|(_, v)| *v).collect();
                let (at, what) = granted(rule, "", "nodes/proxy", &verbs)?;
                Some((
                    at,
                    format!("grants {what}, which runs commands in any container on every node"),
                ))
            },
        );
    }
}
