use super::{container_name, mounts, volumes};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct VolumeMountUndeclared;

static META: RuleMeta = RuleMeta {
    id: "volume-mount-undeclared",
    severity: Severity::Error,
    summary: "volumeMount or volumeDevice names a volume not declared in spec.volumes",
    explain: "\
## What it does
Checks that every `volumeMounts[].name` and `volumeDevices[].name` of every
container (regular, init and ephemeral) names a volume in `spec.volumes`.

## Why is this bad?
The API server rejects the pod (`volumeMounts[0].name: Not found`). A common
cause is renaming a volume, or a Helm conditional that drops the volume but
not its mount.

## Example
```yaml
containers:
  - name: fluent-bit
    volumeMounts:
      - name: varlog
        mountPath: /var/log
volumes:
  - name: var-log
    hostPath:
      path: /var/log
```

## Use instead
```yaml
containers:
  - name: fluent-bit
    volumeMounts:
      - name: var-log
        mountPath: /var/log
volumes:
  - name: var-log
    hostPath:
      path: /var/log
```
",
};

impl Rule for VolumeMountUndeclared {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let declared: Vec<&str> = volumes(w)
                .iter()
                .filter_map(|v| v.get("name").and_then(Node::as_str))
                .collect();
            for (_, c) in w.containers() {
                for m in mounts(c, true) {
                    let Some(n) = m.get("name") else { continue };
                    let Some(name) = n.as_str() else { continue };
                    if declared.contains(&name) {
                        continue;
                    }
                    let mut f = Finding::new(
                        &META,
                        w.object.file,
                        n.span,
                        format!(
                            "{}: container \"{}\" mounts volume \"{name}\", which is not in spec.volumes",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    );
                    f = if declared.is_empty() {
                        f.help("declare the volume under spec.volumes")
                    } else {
                        f.help(format!("declared volumes: {}", declared.join(", ")))
                    };
                    out.push(f);
                }
            }
        }
    }
}
