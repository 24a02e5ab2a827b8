use super::pod_anchor;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct TolerationsMissing;

static META: RuleMeta = RuleMeta {
    id: "tolerations-missing",
    severity: Severity::Warning,
    summary: "DaemonSet has no tolerations, so it skips tainted nodes",
    explain: "\
## What it does
Flags DaemonSets whose pod template has no (or an empty) `tolerations` list.

## Why is this bad?
A node agent is usually meant to run on every node, but the DaemonSet
controller only tolerates a few `node.kubernetes.io/*` taints by itself.
Control-plane nodes (`node-role.kubernetes.io/control-plane:NoSchedule`),
GPU or spot pools and any node an operator has tainted get no pod: no logs,
no metrics, no CNI, exactly on the nodes that are special.

A toleration with `operator: Exists` and no `key` matches every taint of its
`effect` (or every taint when `effect` is omitted too), which is what
agents that must run everywhere use.

## Example
```yaml
spec:
  template:
    spec:
      containers:
        - name: node-exporter
```

## Use instead
```yaml
spec:
  template:
    spec:
      tolerations:
        - operator: Exists
      containers:
        - name: node-exporter
```
or list the specific taints the agent should tolerate.

## References
- https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
- https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations
",
};

impl Rule for TolerationsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if w.object.kind != "DaemonSet" || w.pod_spec.is_none() {
                continue;
            }
            let entry = w.pod_spec.and_then(|s| s.entry("tolerations"));
            if entry
                .and_then(|(_, v)| v.as_seq())
                .is_some_and(|s: &[Node]| !s.is_empty())
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
                        "{}: DaemonSet has no tolerations and will not run on tainted nodes",
                        w.object.display_name()
                    ),
                )
                .help("add `tolerations: [{operator: Exists}]` to run on every node, or list the taints to tolerate"),
            );
        }
    }
}
