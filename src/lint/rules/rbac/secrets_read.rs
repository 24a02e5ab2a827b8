use super::{granted, grants_everything, report_granted};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct SecretsRead;

static META: RuleMeta = RuleMeta {
    id: "rbac-secrets-read",
    severity: Severity::Warning,
    summary: "role granted to a workload reads Secrets it does not name",
    explain: "\
## What it does
Follows the input's bindings from each workload's ServiceAccount to its
Roles and ClusterRoles and flags a rule granting `get`, `list` or `watch`
on `secrets` of the core API group (also through `*`), at the resource,
naming the workloads that gain it. Rules limited by `resourceNames` pass:
reading the agent's own Secret by name is what they are for. A rule
granting everything is reported by `rbac-cluster-admin` instead.

The severity is warning, not error: some agents (secret-store CSI
drivers, certificate and ingress controllers) read Secrets by design;
suppress the finding there with the reason.

## Why is this bad?
Secrets hold ServiceAccount tokens of other workloads, TLS keys and cloud
credentials: `list` and `watch` hand the agent every one of them in its
scope (a ClusterRoleBinding: the cluster), and anyone who takes over the
agent's pod on any node has them too. It is the most common path from one
compromised pod to the cluster.

## Example
```yaml
- apiGroups: [\"\"]
  resources: [secrets]
  verbs: [get, list, watch]
```

## Use instead
```yaml
- apiGroups: [\"\"]
  resources: [secrets]
  resourceNames: [agent-credentials]
  verbs: [get]
```
(or mount the Secret as a volume and drop the rule)

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
",
};

impl Rule for SecretsRead {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        report_granted(
            ctx,
            &META,
            out,
            "name the Secrets the workload needs in `resourceNames` (then `get` only), or mount them",
            |rule| {
                if grants_everything(rule) || rule.named_only() {
                    return None;
                }
                let (at, what) = granted(rule, "", "secrets", &["get", "list", "watch"])?;
                Some((at, format!("grants {what}")))
            },
        );
    }
}
