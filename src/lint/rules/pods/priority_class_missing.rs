use super::pod_anchor;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct PriorityClassMissing;

static META: RuleMeta = RuleMeta {
    id: "priority-class-missing",
    severity: Severity::Info,
    summary: "DaemonSet has no priorityClassName",
    explain: "\
## What it does
Flags DaemonSets whose pod template sets no `priorityClassName`.

## Why is this bad?
A DaemonSet pod targets one specific node. If that node is full, a pod of
default priority (0) cannot preempt anything and stays Pending, so the node
runs without its agent; under memory pressure it is also evicted before
higher-priority pods. Node-critical agents (CNI, CSI, log shippers) should
use `system-node-critical`, which the scheduler and kubelet treat as
essential.

## Example
```yaml
spec:
  template:
    spec:
      containers:
        - name: fluent-bit
```

## Use instead
```yaml
spec:
  template:
    spec:
      priorityClassName: system-node-critical
      containers:
        - name: fluent-bit
```
Outside `kube-system`, a ResourceQuota must allow the class; a custom high
PriorityClass also works.

## References
- https://kubernetes.io/docs/tasks/administer-cluster/guaranteed-scheduling-critical-addon-pods/
- https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
",
};

impl Rule for PriorityClassMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if w.object.kind != "DaemonSet" {
                continue;
            }
            let Some(spec) = w.pod_spec else { continue };
            let entry = spec.entry("priorityClassName");
            if entry
                .and_then(|(_, v)| v.as_str())
                .is_some_and(|s: &str| !s.trim().is_empty())
            {
                continue;
            }
            let at = entry.map_or_else(|| pod_anchor(w), |(k, _)| k.span);
            out.push(
                Finding::new(
                    &META,
                    w.object.file,
                    at,
                    format!(
                        "{}: DaemonSet pods have default priority",
                        w.object.display_name()
                    ),
                )
                .help("set `priorityClassName: system-node-critical` for node-critical agents"),
            );
        }
    }
}
