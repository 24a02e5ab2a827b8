use crate::lint::rules::pods::{container_name, container_sc, is_privileged, is_windows, pod_sc};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct SeccompUnconfined;

static META: RuleMeta = RuleMeta {
    id: "seccomp-unconfined",
    severity: Severity::Warning,
    summary: "seccomp profile type is Unconfined",
    explain: "\
## What it does
Flags `securityContext.seccompProfile.type: Unconfined` on the pod or on a
container (regular, init and ephemeral). A pod-level `Unconfined` is
reported when at least one non-privileged container inherits it; privileged
containers are skipped (seccomp never applies to them, and `privileged`
reports them), and so are Windows pods.

## Why is this bad?
Seccomp filters the system calls a container may make; the runtime's default
profile blocks the ones behind most container escapes (`unshare`, `keyctl`,
`bpf`, `ptrace` of other processes, kernel module loading). `Unconfined`
removes that filter, and the Pod Security Standards' baseline level rejects
it. For an agent on every node, one kernel bug reachable through an unfiltered
syscall is a compromise of every node.

## Example
```yaml
spec:
  securityContext:
    seccompProfile:
      type: Unconfined
```

## Use instead
```yaml
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
```
An eBPF agent that needs syscalls the default profile blocks can ship its
own profile (`type: Localhost`, `localhostProfile: profiles/agent.json`).

## References
- https://kubernetes.io/docs/tutorials/security/seccomp/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
",
};

/// The `type` node of a seccompProfile when it is `Unconfined`.
fn unconfined(profile: Option<&Node>) -> Option<&Node> {
    profile?
        .get("type")
        .filter(|t| t.as_str() == Some("Unconfined"))
}

/// Whether the container sets a seccomp profile type of its own.
fn sets_own_type(c: &Node) -> bool {
    container_sc(c, "seccompProfile")
        .and_then(|p| p.get("type"))
        .is_some_and(|t| !t.is_null())
}

const HELP: &str = "use `type: RuntimeDefault`, or `type: Localhost` with a profile allowing the syscalls the agent needs";

impl Rule for SeccompUnconfined {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if is_windows(w) {
                continue;
            }
            let containers = w.containers();
            if let Some(t) = unconfined(pod_sc(w, "seccompProfile")) {
                let inheriting: Vec<&str> = containers
                    .iter()
                    .filter(|(_, c)| !is_privileged(c) && !sets_own_type(c))
                    .map(|(_, c)| container_name(c))
                    .collect();
                if !inheriting.is_empty() {
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            t.span,
                            format!(
                                "{}: the pod's seccomp profile is Unconfined (containers {})",
                                w.object.display_name(),
                                inheriting.join(", ")
                            ),
                        )
                        .help(HELP),
                    );
                }
            }
            for (_, c) in &containers {
                if is_privileged(c) {
                    continue;
                }
                let Some(t) = unconfined(container_sc(c, "seccompProfile")) else {
                    continue;
                };
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        t.span,
                        format!(
                            "{}: container \"{}\" runs with seccomp Unconfined",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    )
                    .help(HELP),
                );
            }
        }
    }
}
