use super::{container_name, is_true, mounts};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct MountPropagationBidirectional;

static META: RuleMeta = RuleMeta {
    id: "mount-propagation-bidirectional",
    severity: Severity::Error,
    summary: "mountPropagation: Bidirectional in a container that is not privileged",
    explain: "\
## What it does
Flags volume mounts with `mountPropagation: Bidirectional` in a container
whose `securityContext.privileged` is not `true`.

## Why is this bad?
The API server rejects the pod: `Bidirectional mount propagation is
available only to privileged containers`. The DaemonSet then creates no pods.

## Example
```yaml
containers:
  - name: csi-node
    volumeMounts:
      - name: pods-mount-dir
        mountPath: /var/lib/kubelet/pods
        mountPropagation: Bidirectional
```

## Use instead
Mark the container privileged (CSI node plugins need it to publish mounts to
the host), or use `HostToContainer` if the container only needs to see mounts
made on the host:
```yaml
containers:
  - name: csi-node
    securityContext:
      privileged: true
    volumeMounts:
      - name: pods-mount-dir
        mountPath: /var/lib/kubelet/pods
        mountPropagation: Bidirectional
```

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation
",
};

impl Rule for MountPropagationBidirectional {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let host_paths = super::host_path_volumes(w);
            for (_, c) in w.containers() {
                if is_true(c.get("securityContext").and_then(|s| s.get("privileged"))) {
                    continue;
                }
                for m in mounts(c, false) {
                    let Some(p) = m.get("mountPropagation") else {
                        continue;
                    };
                    if p.as_str() != Some("Bidirectional") {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            p.span,
                            format!(
                                "{}: container \"{}\" uses Bidirectional mount propagation but is not privileged",
                                w.object.display_name(),
                                container_name(c)
                            ),
                        )
                        .help("set `securityContext.privileged: true` or use `mountPropagation: HostToContainer`")
                        .privilege(crate::lint::Privilege::Bidirectional {
                            container: container_name(c).to_string(),
                            host_path: host_paths
                                .iter()
                                .find(|v| {
                                    v.name.is_some()
                                        && m.get("name").and_then(Node::as_str) == v.name
                                })
                                .map(|v| super::clean(v.path_str)),
                        }),
                    );
                }
            }
        }
    }
}
