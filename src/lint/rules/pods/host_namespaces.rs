use super::is_true;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct HostNamespaces;

static META: RuleMeta = RuleMeta {
    id: "host-namespaces",
    severity: Severity::Warning,
    summary: "pod shares the host's network, PID or IPC namespace",
    explain: "\
## What it does
Reports each of `hostNetwork: true`, `hostPID: true` and `hostIPC: true` in a
pod spec, one finding per field.

## Why is this bad?
- `hostNetwork` puts the pod on the node's network stack: it can bind any
  node port, reach services listening on localhost (the kubelet's read-only
  port, cloud metadata proxies) and bypasses NetworkPolicy.
- `hostPID` shows every host process; with `SYS_PTRACE` or root it can read
  their memory and environment (secrets).
- `hostIPC` shares System V shared memory with host processes.

Some agents need one of these (a CNI plugin needs `hostNetwork`, a process
exporter `hostPID`); the finding asks to confirm each is needed. Windows
HostProcess pods, which must set `hostNetwork`, are not reported for it.

## Example
```yaml
spec:
  hostNetwork: true
  hostPID: true
```

## Use instead
```yaml
spec:
  hostNetwork: false
```
and expose the agent's port through a Service or `hostPort` only if
necessary.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
",
};

impl Rule for HostNamespaces {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let Some(spec) = w.pod_spec else { continue };
            // Windows HostProcess pods must use the host network.
            let host_process = is_true(
                spec.get("securityContext")
                    .and_then(|s| s.get("windowsOptions"))
                    .and_then(|o| o.get("hostProcess")),
            );
            for key in ["hostNetwork", "hostPID", "hostIPC"] {
                let Some((k, v)) = spec.entry(key) else {
                    continue;
                };
                if !is_true(Some(v)) || (host_process && key == "hostNetwork") {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        k.span,
                        format!("{}: pod uses {key}: true", w.object.display_name()),
                    )
                    .help(format!(
                        "remove `{key}: true` unless the agent cannot work without it"
                    ))
                    .privilege(crate::lint::Privilege::HostNamespace(key.to_string())),
                );
            }
        }
    }
}
