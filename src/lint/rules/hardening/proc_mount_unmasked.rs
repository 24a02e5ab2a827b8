use crate::lint::rules::pods::{container_name, container_sc, is_windows};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ProcMountUnmasked;

static META: RuleMeta = RuleMeta {
    id: "proc-mount-unmasked",
    severity: Severity::Warning,
    summary: "container sets procMount: Unmasked",
    explain: "\
## What it does
Flags containers (regular, init and ephemeral) with
`securityContext.procMount: Unmasked`.

## Why is this bad?
The runtime normally masks and makes read-only the parts of `/proc` that
reach the host kernel (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`,
...). `Unmasked` lifts that: combined with root in the container it reads
kernel memory or reboots the node. The Pod Security Standards' baseline level
rejects it; it exists for nested containers in user-namespaced pods
(`hostUsers: false`), which node agents are not.

## Example
```yaml
securityContext:
  procMount: Unmasked
```

## Use instead
```yaml
securityContext:
  procMount: Default
```
(or leave `procMount` out). Read host metrics from a read-only `/proc`
hostPath mount instead.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
",
};

impl Rule for ProcMountUnmasked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if is_windows(w) {
                continue;
            }
            for (_, c) in w.containers() {
                let Some(p) = container_sc(c, "procMount") else {
                    continue;
                };
                if p.as_str() != Some("Unmasked") {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        p.span,
                        format!(
                            "{}: container \"{}\" mounts /proc unmasked",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    )
                    .help("drop `procMount: Unmasked` (the default masks the host's kernel interfaces)"),
                );
            }
        }
    }
}
