use super::{container_name, container_sc, is_privileged};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct CapabilitiesDangerous;

static META: RuleMeta = RuleMeta {
    id: "capabilities-dangerous",
    severity: Severity::Error,
    summary: "container adds a dangerous Linux capability",
    explain: "\
## What it does
Flags `securityContext.capabilities.add` entries that are close to root:
`SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH`,
`NET_RAW`, `BPF`, `PERFMON` and `ALL` (with or without the `CAP_` prefix).
Privileged containers are skipped: they have every capability whatever
`add` says, and `privileged` reports them.

## Why is this bad?
- `SYS_ADMIN` allows mounting filesystems and many escapes; `ALL` is
  equivalent to privileged.
- `SYS_MODULE` loads kernel modules; `BPF` and `PERFMON` load eBPF programs
  and read kernel memory.
- `SYS_PTRACE` attaches to other processes (with `hostPID`, the host's).
- `DAC_READ_SEARCH` bypasses file read permissions (the \"shocker\" escape).
- `NET_ADMIN` reconfigures networking and firewalls; `NET_RAW` allows ARP
  and DNS spoofing on the pod network.

## Example
```yaml
securityContext:
  capabilities:
    add: [SYS_ADMIN, NET_RAW]
```

## Use instead
```yaml
securityContext:
  capabilities:
    drop: [ALL]
    add: [NET_BIND_SERVICE]
```
Where an agent genuinely needs one (a CNI plugin and `NET_ADMIN`, an eBPF
agent and `BPF`), keep it to that container and record why with an
`ignore.kdm.dev/capabilities-dangerous: <reason>` annotation.

## References
- https://man7.org/linux/man-pages/man7/capabilities.7.html
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
",
};

const DANGEROUS: &[&str] = &[
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
    "NET_RAW",
    "ALL",
    "BPF",
    "PERFMON",
];

impl Rule for CapabilitiesDangerous {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (_, c) in w.containers() {
                if is_privileged(c) {
                    continue;
                }
                let added = container_sc(c, "capabilities")
                    .and_then(|caps| caps.get("add"))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]);
                for cap in added {
                    let Some(text) = cap.as_str() else { continue };
                    let upper = text.trim().to_ascii_uppercase();
                    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
                    if !DANGEROUS.contains(&name) {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            cap.span,
                            format!(
                                "{}: container \"{}\" adds capability {name}",
                                w.object.display_name(),
                                container_name(c)
                            ),
                        )
                        .help("remove it unless the container cannot work without it; drop ALL and add back only what is needed")
                        .privilege(crate::lint::Privilege::Capability {
                            container: container_name(c).to_string(),
                            name: name.to_string(),
                        }),
                    );
                }
            }
        }
    }
}
