use super::{container_name, host_path_volumes, is_true, mounts};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct HostPathWritable;

static META: RuleMeta = RuleMeta {
    id: "host-path-writable",
    severity: Severity::Warning,
    summary: "a container mounts a hostPath volume without readOnly: true",
    explain: "\
## What it does
Flags each `volumeMounts` entry that mounts a hostPath volume without
`readOnly: true`.

Sockets and device nodes (`type: Socket`, `CharDevice`, `BlockDevice`, or a
path ending in `.sock`) are skipped: Linux does not apply a read-only mount to
connecting to a socket or writing to a device, so `readOnly` would not change
anything there (`host-path-sensitive` reports runtime sockets).

## Why is this bad?
A writable host directory lets a compromised or buggy agent change the node:
plant binaries or CNI plugins, rewrite configuration, fill the disk, or
tamper with other pods' data. Most agents only read what they mount from
the host (logs, `/proc`, `/sys`).

## Example
```yaml
containers:
  - name: vector
    volumeMounts:
      - name: var-log
        mountPath: /var/log/
volumes:
  - name: var-log
    hostPath:
      path: /var/log/
```

## Use instead
```yaml
containers:
  - name: vector
    volumeMounts:
      - name: var-log
        mountPath: /var/log/
        readOnly: true
```
Keep state the agent writes (checkpoints, buffers) in a dedicated directory
such as `/var/lib/<agent>`.

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
",
};

fn skipped(v: &super::HostPathVolume<'_>) -> bool {
    let ty = v.host_path.get("type").and_then(Node::as_str).unwrap_or("");
    matches!(ty, "Socket" | "CharDevice" | "BlockDevice") || v.path_str.ends_with(".sock")
}

impl Rule for HostPathWritable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let host_paths = host_path_volumes(w);
            if host_paths.is_empty() {
                continue;
            }
            for (_, c) in w.containers() {
                for m in mounts(c, false) {
                    let name = m.get("name").and_then(Node::as_str);
                    let Some(v) = host_paths.iter().find(|v| name.is_some() && v.name == name)
                    else {
                        continue;
                    };
                    if skipped(v) || is_true(m.get("readOnly")) {
                        continue;
                    }
                    let at = m
                        .entry("readOnly")
                        .or_else(|| m.entry("name"))
                        .map_or(m.span, |(k, _)| k.span);
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            at,
                            format!(
                                "{}: container \"{}\" mounts hostPath {} writable",
                                w.object.display_name(),
                                container_name(c),
                                v.path_str
                            ),
                        )
                        .related(w.object.file, v.path.span, "hostPath")
                        .help("add `readOnly: true` unless the agent must write to the host")
                        .privilege(crate::lint::Privilege::HostPath {
                            path: super::clean(v.path_str),
                            writable: true,
                            container: Some(container_name(c).to_string()),
                        }),
                    );
                }
            }
        }
    }
}
