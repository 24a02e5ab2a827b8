use super::{container_anchor, container_name, container_sc, is_false, is_privileged, is_windows};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct PrivilegeEscalation;

static META: RuleMeta = RuleMeta {
    id: "privilege-escalation",
    severity: Severity::Warning,
    summary: "allowPrivilegeEscalation is not explicitly false",
    explain: "\
## What it does
Flags containers that do not set `securityContext.allowPrivilegeEscalation:
false`. Privileged containers (reported by `privileged`) and Windows pods
(where the field is not allowed) are skipped.

## Why is this bad?
The field defaults to `true`: a process in the container can gain more
privileges than its parent through setuid binaries or file capabilities
(`no_new_privs` is not set). The Pod Security Standards `restricted` profile
requires it to be `false`.

## Example
```yaml
containers:
  - name: agent
    image: example/agent:1.0
```

## Use instead
```yaml
containers:
  - name: agent
    image: example/agent:1.0
    securityContext:
      allowPrivilegeEscalation: false
```

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
",
};

impl Rule for PrivilegeEscalation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if is_windows(w) {
                continue;
            }
            for (_, c) in w.containers() {
                let field = container_sc(c, "allowPrivilegeEscalation");
                if is_false(field) || is_privileged(c) {
                    continue;
                }
                let (at, what) = match field {
                    Some(f) => (f.span, "sets allowPrivilegeEscalation"),
                    None => (
                        container_anchor(c),
                        "does not set allowPrivilegeEscalation: false",
                    ),
                };
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        at,
                        format!(
                            "{}: container \"{}\" {what}",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    )
                    .help("set `securityContext.allowPrivilegeEscalation: false`"),
                );
            }
        }
    }
}
