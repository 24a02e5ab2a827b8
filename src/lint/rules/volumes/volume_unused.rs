use super::{mounts, volumes};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct VolumeUnused;

static META: RuleMeta = RuleMeta {
    id: "volume-unused",
    severity: Severity::Warning,
    summary: "declared volume is mounted by no container",
    explain: "\
## What it does
Flags entries of `spec.volumes` that no container (regular, init or
ephemeral) references in `volumeMounts` or `volumeDevices`.

## Why is this bad?
The volume is still set up for every pod: a hostPath is still checked (and
created for `DirectoryOrCreate`), a Secret or ConfigMap must still exist or
the pod is stuck in `ContainerCreating`. It is usually a leftover of a
removed mount, or a mount that was meant to be added and was forgotten.

## Example
```yaml
containers:
  - name: agent
    volumeMounts:
      - name: config
        mountPath: /etc/agent
volumes:
  - name: config
    configMap:
      name: agent
  - name: docker-sock
    hostPath:
      path: /var/run/docker.sock
```

## Use instead
Remove `docker-sock`, or mount it where it is needed.
",
};

impl Rule for VolumeUnused {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let containers = w.containers();
            // A template without containers is a fragment (e.g. a patch).
            if containers.is_empty() {
                continue;
            }
            let used: Vec<&str> = containers
                .iter()
                .flat_map(|(_, c)| mounts(c, true))
                .filter_map(|m| m.get("name").and_then(Node::as_str))
                .collect();
            for v in volumes(w) {
                let Some(n) = v.get("name") else { continue };
                let Some(name) = n.as_str() else { continue };
                if used.contains(&name) {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        n.span,
                        format!(
                            "{}: volume \"{name}\" is not mounted by any container",
                            w.object.display_name()
                        ),
                    )
                    .help("remove the volume or add a volumeMount for it"),
                );
            }
        }
    }
}
