use super::host_path_volumes;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct HostPathTypeMissing;

static META: RuleMeta = RuleMeta {
    id: "host-path-type-missing",
    severity: Severity::Info,
    summary: "hostPath volume without a type",
    explain: "\
## What it does
Flags hostPath volumes without `type` (or with `type: \"\"`).

This is informational: the pod works, and the risk is a confusing failure
rather than a security hole.

## Why is this bad?
Without a type the kubelet performs no check before mounting. If the path
does not exist it silently creates an empty root-owned directory, so a typo or
a missing runtime socket surfaces later as an agent that sees nothing (or
cannot connect to a \"socket\" that is a directory) instead of a pod that fails
to start with a clear event.

## Example
```yaml
volumes:
  - name: containerd-sock
    hostPath:
      path: /run/containerd/containerd.sock
```

## Use instead
```yaml
volumes:
  - name: containerd-sock
    hostPath:
      path: /run/containerd/containerd.sock
      type: Socket
```
Use `Directory`, `File`, `Socket`, `CharDevice` or `BlockDevice` for paths
that must exist, and `DirectoryOrCreate`/`FileOrCreate` where creating them is
intended.

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath-volume-types
",
};

impl Rule for HostPathTypeMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for v in host_path_volumes(w) {
                let ty = v.host_path.entry("type");
                if ty
                    .and_then(|(_, t)| t.as_str())
                    .is_some_and(|t| !t.is_empty())
                {
                    continue;
                }
                let at = ty.map_or(v.path.span, |(k, _)| k.span);
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        at,
                        format!(
                            "{}: hostPath volume \"{}\" ({}) has no type",
                            w.object.display_name(),
                            v.volume.get("name").and_then(Node::as_str).unwrap_or("<unnamed>"),
                            v.path_str
                        ),
                    )
                    .help(
                        "set `type:` (Directory, File, Socket, DirectoryOrCreate, ...) so the kubelet checks the path",
                    ),
                );
            }
        }
    }
}
