use super::{namespace_key, workloads_by_namespace};
use crate::k8s::selector::LabelSelector;
use crate::k8s::Workload;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct ServiceTargetPortUndeclared;

static META: RuleMeta = RuleMeta {
    id: "service-target-port-undeclared",
    severity: Severity::Error,
    summary: "a Service targetPort names a port no selected container declares",
    explain: "\
## What it does
For each Service with a selector, finds the pod templates in the input
(same namespace) that it selects, and flags a `targetPort` that is a name
none of their containers declares under `ports`. A Service that selects no
pod template in the input is left to `service-selects-nothing`; numeric
targetPorts are not checked (traffic reaches a port whether or not the
container declares it).

## Why is this bad?
A named targetPort is looked up in each selected pod's container ports;
pods without it are left out of the Service's endpoints. The Service then
has no endpoints for that port: connections fail, and endpoints-role scrape
jobs (kubernetes-service-endpoints, ServiceMonitors) discover nothing,
while every selector looks right.

## Example
```yaml
kind: Service
spec:
  selector: {app: agent}
  ports:
    - {name: metrics, port: 9100, targetPort: metrics}
---
kind: DaemonSet
spec:
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          ports:
            - {name: http-metrics, containerPort: 9100}
```

## Use instead
```yaml
ports:
  - {name: metrics, port: 9100, targetPort: http-metrics}
```

## References
- https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
",
};

impl Rule for ServiceTargetPortUndeclared {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let by_namespace = workloads_by_namespace(&ctx.workloads);
        for svc in ctx.objects.iter().filter(|o| o.kind == "Service") {
            let Some(spec) = svc.node.get("spec") else {
                continue;
            };
            let Some(sel) = spec.get("selector") else {
                continue;
            };
            let Some(peers) = by_namespace.get(&namespace_key(svc)) else {
                continue;
            };
            let selector = LabelSelector::from_map_node(sel);
            if selector.is_empty() {
                continue;
            }
            let mut at: Vec<usize> = peers
                .may_match(&selector)
                .filter(|&at| selector.matches(&peers.items[at].1))
                .collect();
            at.sort_unstable();
            at.dedup();
            let selected: Vec<&Workload<'_>> = at.iter().map(|&i| peers.items[i].0).collect();
            if selected.is_empty() {
                continue;
            }
            let declared: Vec<(String, i64)> =
                selected.iter().flat_map(|w| w.declared_ports()).collect();
            let names: Vec<&str> = declared
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| !n.is_empty())
                .collect();
            for port in spec.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
                let Some(target) = port.get("targetPort") else {
                    continue;
                };
                if !matches!(target.resolve(), Some(Resolved::Str)) {
                    continue;
                }
                let Some(name) = target.as_str() else {
                    continue;
                };
                if names.contains(&name) {
                    continue;
                }
                let workloads: Vec<String> =
                    selected.iter().map(|w| w.object.display_name()).collect();
                let help = if names.is_empty() {
                    format!(
                        "the selected containers declare no named ports: declare {name:?} under `ports`, or target a port number"
                    )
                } else {
                    let mut have = names.clone();
                    have.sort_unstable();
                    have.dedup();
                    format!(
                        "the selected containers declare {}; target one of them, or declare {name:?}",
                        have.join(", ")
                    )
                };
                out.push(
                    Finding::new(
                        &META,
                        svc.file,
                        target.span,
                        format!(
                            "{}: targetPort {name:?} names no port of the pods it selects ({})",
                            svc.display_name(),
                            workloads.join(", ")
                        ),
                    )
                    .help(help),
                );
            }
        }
    }
}
