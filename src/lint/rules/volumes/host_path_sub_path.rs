use super::{container_name, host_path_volumes, mounts};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct HostPathSubPath;

static META: RuleMeta = RuleMeta {
    id: "host-path-sub-path",
    severity: Severity::Warning,
    summary: "volumeMount uses subPath on a hostPath volume",
    explain: "\
## What it does
Flags a container's `volumeMounts` entry with a non-empty `subPath` or
`subPathExpr` whose volume is a `hostPath` volume.

## Why is this bad?
The kubelet resolves a subPath inside the volume when it starts the
container. On a hostPath, anything that can write to that host directory
(another pod mounting it, a process on the node, this container before a
restart) can replace a path component with a symlink; following it is how
CVE-2017-1002101 and CVE-2021-25741 mounted arbitrary host files, `/` included,
into containers. Kubelets now defend against the race, but the pattern stays
the one that needs such defences, and a subPath that does not exist yet is
created on the host as a root-owned directory. A hostPath can name the
directory itself, so the subPath is never needed.

## Example
```yaml
volumes:
  - name: varlog
    hostPath: {path: /var/log}
containers:
  - name: agent
    volumeMounts:
      - {name: varlog, mountPath: /logs, subPath: agent}
```

## Use instead
```yaml
volumes:
  - name: agent-logs
    hostPath: {path: /var/log/agent, type: DirectoryOrCreate}
containers:
  - name: agent
    volumeMounts:
      - {name: agent-logs, mountPath: /logs}
```

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath
- https://github.com/kubernetes/kubernetes/issues/104980
- https://kubernetes.io/blog/2018/04/04/fixing-subpath-volume-vulnerability/
",
};

impl Rule for HostPathSubPath {
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
                    for key in ["subPath", "subPathExpr"] {
                        let Some(sub) = m.get(key) else { continue };
                        let Some(text) = sub.as_str().filter(|s| !s.trim().is_empty()) else {
                            continue;
                        };
                        let joined = format!("{}/{}", v.path_str.trim_end_matches('/'), text);
                        let help = if key == "subPath" {
                            format!("give the hostPath volume the path {joined} itself and drop `subPath`")
                        } else {
                            "mount a hostPath that names the directory itself; if each pod needs its own directory, have the agent create it under a directory it owns".to_string()
                        };
                        out.push(
                            Finding::new(
                                &META,
                                w.object.file,
                                sub.span,
                                format!(
                                    "{}: container \"{}\" mounts {key} {text} of hostPath {}",
                                    w.object.display_name(),
                                    container_name(c),
                                    v.path_str
                                ),
                            )
                            .related(w.object.file, v.path.span, "hostPath")
                            .help(help),
                        );
                    }
                }
            }
        }
    }
}
