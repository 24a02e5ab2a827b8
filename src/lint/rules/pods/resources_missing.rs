use super::{container_anchor, container_name};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct ResourcesMissing;

static META: RuleMeta = RuleMeta {
    id: "resources-missing",
    severity: Severity::Warning,
    summary: "container without cpu/memory requests or a memory limit",
    explain: "\
## What it does
Flags regular and init containers that lack a cpu request, a memory request
or a memory limit, and says which. A request omitted next to a limit counts as
set, since Kubernetes defaults the request to the limit; pod-level
`spec.resources` counts for every container. CPU limits are not required: a
CPU limit throttles a busy agent even on an idle node, and many operators
deliberately leave it out, while memory, being incompressible, needs a limit
to bound a leak.

## Why is this bad?
- Without requests the scheduler does not reserve room for the agent: a
  DaemonSet pod can land on a full node and be the first evicted under
  pressure (BestEffort QoS).
- Without a memory limit a leaking agent consumes the node's memory until
  the kernel's OOM killer picks a victim, possibly another workload or the
  kubelet.

## Example
```yaml
containers:
  - name: agent
    resources:
      limits:
        cpu: 200m
```

## Use instead
```yaml
containers:
  - name: agent
    resources:
      requests:
        cpu: 50m
        memory: 64Mi
      limits:
        memory: 128Mi
```

## References
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
- https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
",
};

fn has(resources: Option<&Node>, section: &str, key: &str) -> bool {
    resources
        .and_then(|r| r.get(section))
        .and_then(|s| s.get(key))
        .is_some_and(|v| !v.is_null())
}

/// Which of cpu request, memory request and memory limit are absent.
fn missing(resources: Option<&Node>) -> Vec<&'static str> {
    let mut m = Vec::new();
    // A limit without a request defaults the request to the limit.
    if !has(resources, "requests", "cpu") && !has(resources, "limits", "cpu") {
        m.push("cpu request");
    }
    if !has(resources, "requests", "memory") && !has(resources, "limits", "memory") {
        m.push("memory request");
    }
    if !has(resources, "limits", "memory") {
        m.push("memory limit");
    }
    m
}

impl Rule for ResourcesMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let pod_resources = w.pod_spec.and_then(|s| s.get("resources"));
            let pod_missing = missing(pod_resources);
            for (list, c) in w.containers() {
                if list == "ephemeralContainers" {
                    continue;
                }
                let entry = c.entry("resources");
                let missing: Vec<&str> = missing(entry.map(|(_, v)| v))
                    .into_iter()
                    .filter(|m| pod_missing.contains(m))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let at = entry.map_or_else(|| container_anchor(c), |(k, _)| k.span);
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        at,
                        format!(
                            "{}: container \"{}\" has no {}",
                            w.object.display_name(),
                            container_name(c),
                            missing.join(", ")
                        ),
                    )
                    .help("set resources.requests.cpu, resources.requests.memory and resources.limits.memory"),
                );
            }
        }
    }
}
