use super::{
    container_anchor, container_name, container_sc, is_false, is_true, is_windows, pod_sc,
};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct RunAsRoot;

static META: RuleMeta = RuleMeta {
    id: "run-as-root",
    severity: Severity::Warning,
    summary: "container may run as root",
    explain: "\
## What it does
Flags containers that may run as UID 0: `runAsUser: 0`, or neither
`runAsNonRoot: true` nor a non-zero `runAsUser`. Container-level settings
override the pod's `securityContext`, as in Kubernetes. Windows pods are
skipped.

A non-zero `runAsUser` counts as non-root even without `runAsNonRoot`: the
kubelet runs the process with that UID whatever the image says.

## Why is this bad?
Without these the image decides, and most images run as root. Root in a
container is one kernel bug or one misconfigured hostPath away from root on
the node.

## Example
```yaml
spec:
  containers:
    - name: agent
      image: example/agent:1.0
```

## Use instead
```yaml
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
  containers:
    - name: agent
      image: example/agent:1.0
```

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
",
};

fn uid(n: &Node) -> Option<i64> {
    match n.resolve()? {
        Resolved::Int(i) => Some(i),
        _ => None,
    }
}

impl Rule for RunAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if is_windows(w) {
                continue;
            }
            for (_, c) in w.containers() {
                let user = container_sc(c, "runAsUser").or_else(|| pod_sc(w, "runAsUser"));
                let non_root =
                    container_sc(c, "runAsNonRoot").or_else(|| pod_sc(w, "runAsNonRoot"));
                let prefix = format!(
                    "{}: container \"{}\"",
                    w.object.display_name(),
                    container_name(c)
                );
                let finding = match user.map(|u| (u, uid(u))) {
                    Some((u, Some(0))) => Finding::new(
                        &META,
                        w.object.file,
                        u.span,
                        format!("{prefix} runs as UID 0"),
                    ),
                    Some((_, Some(n))) if n > 0 => continue,
                    _ if is_true(non_root) => continue,
                    _ => {
                        let at = non_root
                            .filter(|n| is_false(Some(n)))
                            .map_or_else(|| container_anchor(c), |n| n.span);
                        Finding::new(
                            &META,
                            w.object.file,
                            at,
                            format!("{prefix} may run as root (runAsNonRoot is not true and runAsUser is not set)"),
                        )
                    }
                };
                out.push(
                    finding
                        .help("set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` (pod or container level)")
                        .privilege(crate::lint::Privilege::RunAsRoot {
                            container: container_name(c).to_string(),
                        }),
                );
            }
        }
    }
}
