use super::{container_anchor, container_name, container_sc, is_true, is_windows};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ReadOnlyRootFilesystem;

static META: RuleMeta = RuleMeta {
    id: "read-only-root-filesystem",
    severity: Severity::Warning,
    summary: "container root filesystem is writable",
    explain: "\
## What it does
Flags containers without `securityContext.readOnlyRootFilesystem: true`.
Windows pods (where the field is not supported) are skipped.

## Why is this bad?
A writable root filesystem lets an attacker who gets code execution drop
tools and modify the agent's own binaries and configuration, and makes the
container's state drift from its image. Agents rarely need to write outside
a few directories.

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
      readOnlyRootFilesystem: true
    volumeMounts:
      - name: tmp
        mountPath: /tmp
volumes:
  - name: tmp
    emptyDir: {}
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
",
};

impl Rule for ReadOnlyRootFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if is_windows(w) {
                continue;
            }
            for (_, c) in w.containers() {
                let field = container_sc(c, "readOnlyRootFilesystem");
                if is_true(field) {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        field.map_or_else(|| container_anchor(c), |f| f.span),
                        format!(
                            "{}: container \"{}\" has a writable root filesystem",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    )
                    .help("set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the container writes"),
                );
            }
        }
    }
}
