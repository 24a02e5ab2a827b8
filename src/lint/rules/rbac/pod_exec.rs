use super::{granted_any, grants_everything, report_granted};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct PodExec;

static META: RuleMeta = RuleMeta {
    id: "rbac-pod-exec",
    severity: Severity::Warning,
    summary: "role granted to a workload creates pods, or execs or attaches into them",
    explain: "\
## What it does
Follows the input's bindings from each workload's ServiceAccount to its
Roles and ClusterRoles and flags a rule granting `create` on `pods`,
`create` or `get` on `pods/exec` or `pods/attach` (a websocket exec is a
`get`), or `update` or `patch` on `pods/ephemeralcontainers`, wildcards
included, at the resource, naming the workloads that gain it. A rule
granting everything is reported by `rbac-cluster-admin` instead.

The severity is warning, not error: operators and CI runners create pods
by design; suppress the finding there with the reason.

## Why is this bad?
Running code in another pod takes that pod's ServiceAccount, Secrets and
host access: a pod created with `hostPath: /` or `privileged: true` (where
admission allows it) owns its node, and exec into a privileged agent does
the same. A node agent rarely needs any of it.

## Example
```yaml
- apiGroups: [\"\"]
  resources: [pods, pods/exec]
  verbs: [get, list, create]
```

## Use instead
```yaml
- apiGroups: [\"\"]
  resources: [pods]
  verbs: [get, list]
```

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
",
};

impl Rule for PodExec {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let checks: &[(&str, &str, &[&str])] = &[
            ("", "pods", &["create"]),
            ("", "pods/exec", &["create", "get"]),
            ("", "pods/attach", &["create", "get"]),
            ("", "pods/ephemeralcontainers", &["update", "patch"]),
        ];
        report_granted(
            ctx,
            &META,
            out,
            "drop these verbs unless running code in pods is the workload's job",
            |rule| {
                if grants_everything(rule) {
                    return None;
                }
                let (at, what) = granted_any(rule, checks)?;
                Some((at, format!("grants {what}")))
            },
        );
    }
}
