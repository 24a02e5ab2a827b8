use super::{container_name, mounts};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct MountPathDuplicate;

static META: RuleMeta = RuleMeta {
    id: "mount-path-duplicate",
    severity: Severity::Error,
    summary: "two volumeMounts in one container use the same mountPath",
    explain: "\
## What it does
Flags a `volumeMounts` entry whose `mountPath` equals that of an earlier
mount in the same container.

## Why is this bad?
The API server rejects the pod (`mountPath: Invalid value: \"/etc/config\":
must be unique`). It typically happens when two Helm values each add a mount.

## Example
```yaml
volumeMounts:
  - name: config
    mountPath: /etc/agent
  - name: extra-config
    mountPath: /etc/agent
```

## Use instead
```yaml
volumeMounts:
  - name: config
    mountPath: /etc/agent
  - name: extra-config
    mountPath: /etc/agent/conf.d
```
Or combine both sources in one `projected` volume.
",
};

impl Rule for MountPathDuplicate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (_, c) in w.containers() {
                let mut seen: Vec<(&str, &Node)> = Vec::new();
                for m in mounts(c, false) {
                    let Some(p) = m.get("mountPath") else {
                        continue;
                    };
                    let Some(path) = p.as_str() else { continue };
                    if let Some((_, first)) = seen.iter().find(|(s, _)| *s == path) {
                        out.push(
                            Finding::new(
                                &META,
                                w.object.file,
                                p.span,
                                format!(
                                    "{}: container \"{}\" mounts two volumes at {path}",
                                    w.object.display_name(),
                                    container_name(c)
                                ),
                            )
                            .related(w.object.file, first.span, "first mounted here")
                            .help("give each mount its own mountPath, or use a projected volume"),
                        );
                    } else {
                        seen.push((path, p));
                    }
                }
            }
        }
    }
}
