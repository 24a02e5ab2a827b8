use super::{container_name, container_sc, is_true};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct Privileged;

static META: RuleMeta = RuleMeta {
    id: "privileged",
    severity: Severity::Error,
    summary: "container runs privileged",
    explain: "\
## What it does
Flags containers (regular, init and ephemeral) with
`securityContext.privileged: true`.

## Why is this bad?
A privileged container has every capability, sees every host device and is
not confined by seccomp or AppArmor: it is root on the node. A compromise of
the agent (or of its image supply chain) is a compromise of every node the
DaemonSet runs on.

## Example
```yaml
containers:
  - name: agent
    securityContext:
      privileged: true
```

## Use instead
Grant only the capabilities the agent needs:
```yaml
containers:
  - name: agent
    securityContext:
      privileged: false
      capabilities:
        drop: [ALL]
        add: [NET_BIND_SERVICE]
```
CNI plugins, CSI node plugins and kernel-module loaders often do need
privileges; keep that to the one container that needs it and record why with
an `ignore.kdm.dev/privileged: <reason>` annotation.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
",
};

impl Rule for Privileged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (_, c) in w.containers() {
                let Some(p) = container_sc(c, "privileged") else {
                    continue;
                };
                if !is_true(Some(p)) {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        p.span,
                        format!(
                            "{}: container \"{}\" is privileged",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    )
                    .help(
                        "drop `privileged: true` and add only the capabilities the container needs",
                    )
                    .privilege(crate::lint::Privilege::Privileged {
                        container: container_name(c).to_string(),
                    }),
                );
            }
        }
    }
}
