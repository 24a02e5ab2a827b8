use super::{labels, namespace_of, watches};
use crate::k8s::selector::LabelSelector;
use crate::k8s::{Object, Workload};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::operator::model::common::IntOrString;
use crate::yaml::{Node, Span};

pub struct MonitorPortMissing;

static META: RuleMeta = RuleMeta {
    id: "monitor-port-missing",
    severity: Severity::Warning,
    summary: "monitor endpoint names a port the selected Services or pods do not have",
    explain: "\
## What it does
For each ServiceMonitor endpoint with `port:`, checks that a Service the
monitor selects (in the input) has a port of that *name*; with
`targetPort:` instead, that a container of the pods those Services select
declares it (by name or number). For each PodMonitor endpoint, checks that
a container of the selected pod templates declares its `port` (a name) or
`portNumber`. Only monitors that select something in the input are checked.

## Why is this bad?
The operator turns the endpoint's port into a `keep` rule on the port's
name: a port that does not exist keeps no target, and the job is empty
without any error. `port:` takes the Service port's *name*, not its number
or the container port's name.

## Example
```yaml
kind: ServiceMonitor
spec:
  endpoints: [{port: metrics}]
---
kind: Service
spec:
  ports: [{name: http-metrics, port: 9100}]
```

## Use instead
```yaml
kind: ServiceMonitor
spec:
  endpoints: [{port: http-metrics}]
```
",
};

/// The name of a Service port whose `targetPort` is `name` (the container
/// port's name, often mistaken for the Service port's).
fn target_port_alias(services: &[&Object<'_>], name: &str) -> Option<String> {
    services.iter().find_map(|s| {
        s.node
            .get("spec")?
            .get("ports")?
            .as_seq()?
            .iter()
            .find(|p| p.get("targetPort").and_then(Node::as_str) == Some(name))
            .and_then(|p| p.get("name").and_then(Node::as_str))
            .map(str::to_string)
    })
}

/// `spec.ports` of a Service, else the Service.
fn ports_span(svc: &Object<'_>) -> Span {
    svc.node
        .get("spec")
        .and_then(|s| s.entry("ports"))
        .map_or(svc.anchor(), |(k, _)| k.span)
}

fn service_port_names(svc: &Object<'_>) -> Vec<String> {
    svc.node
        .get("spec")
        .and_then(|s| s.get("ports"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            p.get("name")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The workloads in `ns` whose pod template `selector` matches.
fn selected_workloads<'c>(
    ctx: &'c Context<'_>,
    ns: &str,
    selector: &LabelSelector,
) -> Vec<&'c Workload<'c>> {
    ctx.workloads
        .iter()
        .filter(|w| namespace_of(&w.object) == ns)
        .filter(|w| selector.matches(&labels(w.template_labels())))
        .collect()
}

fn has_port(ports: &[(String, i64)], wanted: &IntOrString) -> bool {
    ports.iter().any(|(name, number)| match wanted {
        IntOrString::Str(s) => name == s,
        IntOrString::Int(n) => number == n,
    })
}

fn names(ports: &[(String, i64)]) -> String {
    let mut v: Vec<String> = ports
        .iter()
        .map(|(n, p)| {
            if n.is_empty() {
                p.to_string()
            } else {
                format!("{n} ({p})")
            }
        })
        .collect();
    v.dedup();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

impl Rule for MonitorPortMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = super::data(ctx) else {
            return;
        };
        for m in &data.res.service_monitors {
            let sel = m.common.selector.to_label_selector();
            let services: Vec<&Object<'_>> = ctx
                .objects
                .iter()
                .filter(|o| o.kind == "Service")
                .filter(|o| {
                    watches(
                        &m.common.namespace_selector,
                        &m.meta.namespace,
                        namespace_of(o),
                    )
                })
                .filter(|o| sel.matches(&labels(o.labels())))
                .collect();
            if services.is_empty() || !m.common.selector.present {
                continue;
            }
            for (i, ep) in m.endpoints.iter().enumerate() {
                let span = ep.port_span.unwrap_or(m.meta.anchor);
                if !ep.port.is_empty() {
                    let all: Vec<String> = services
                        .iter()
                        .flat_map(|s| service_port_names(s))
                        .collect();
                    if all.iter().any(|n| n == &ep.port) {
                        continue;
                    }
                    let listed: Vec<String> = services
                        .iter()
                        .map(|s| {
                            format!("{} has {}", s.display_name(), {
                                let n: Vec<String> = service_port_names(s)
                                    .into_iter()
                                    .map(|n| {
                                        if n.is_empty() {
                                            "an unnamed port".into()
                                        } else {
                                            n
                                        }
                                    })
                                    .collect();
                                if n.is_empty() {
                                    "no ports".to_string()
                                } else {
                                    n.join(", ")
                                }
                            })
                        })
                        .collect();
                    out.push(
                        Finding::new(
                            &META,
                            m.file,
                            span,
                            format!(
                                "ServiceMonitor {} endpoints[{i}]: no selected Service has a port named {:?}",
                                m.meta.key(),
                                ep.port
                            ),
                        )
                        .help(match target_port_alias(&services, &ep.port) {
                            Some(port_name) => format!(
                                "{:?} is the container port a Service port targets; `port` takes the Service port's name: use `port: {port_name}`",
                                ep.port
                            ),
                            None => format!("`port` is a Service port's name: {}", listed.join("; ")),
                        })
                        .related(
                            services[0].file,
                            ports_span(services[0]),
                            format!("ports of {}", services[0].display_name()),
                        ),
                    );
                } else if let Some(tp) = &ep.target_port {
                    let mut ports = Vec::new();
                    let mut any_pods = false;
                    for s in &services {
                        let Some(sel) = s.node.get("spec").and_then(|sp| sp.get("selector")) else {
                            continue;
                        };
                        let svc_sel = LabelSelector::from_map_node(sel);
                        for w in selected_workloads(ctx, namespace_of(s), &svc_sel) {
                            any_pods = true;
                            ports.extend(w.declared_ports());
                        }
                    }
                    if any_pods && !has_port(&ports, tp) {
                        out.push(
                            Finding::new(
                                &META,
                                m.file,
                                span,
                                format!(
                                    "ServiceMonitor {} endpoints[{i}]: no container of the selected Services' pods declares port {}",
                                    m.meta.key(),
                                    tp.text()
                                ),
                            )
                            .help(format!("the containers declare: {}", names(&ports))),
                        );
                    }
                }
            }
        }
        for m in &data.res.pod_monitors {
            if !m.common.selector.present {
                continue;
            }
            let sel = m.common.selector.to_label_selector();
            let workloads: Vec<&Workload<'_>> = ctx
                .workloads
                .iter()
                .filter(|w| {
                    watches(
                        &m.common.namespace_selector,
                        &m.meta.namespace,
                        namespace_of(&w.object),
                    )
                })
                .filter(|w| sel.matches(&labels(w.template_labels())))
                .collect();
            if workloads.is_empty() {
                continue;
            }
            let ports: Vec<(String, i64)> =
                workloads.iter().flat_map(|w| w.declared_ports()).collect();
            for (i, ep) in m.endpoints.iter().enumerate() {
                let wanted = match (&ep.port, ep.port_number, &ep.target_port) {
                    (Some(p), _, _) if !p.is_empty() => IntOrString::Str(p.clone()),
                    (_, Some(n), _) if n != 0 => IntOrString::Int(n),
                    (_, _, Some(tp)) => tp.clone(),
                    _ => continue,
                };
                if has_port(&ports, &wanted) {
                    continue;
                }
                let span: Span = ep.port_span.unwrap_or(m.meta.anchor);
                out.push(
                    Finding::new(
                        &META,
                        m.file,
                        span,
                        format!(
                            "PodMonitor {} podMetricsEndpoints[{i}]: no container of the selected pods declares port {}",
                            m.meta.key(),
                            wanted.text()
                        ),
                    )
                    .help(format!(
                        "the containers of {} declare: {}",
                        workloads[0].object.display_name(),
                        names(&ports)
                    ))
                    .related(workloads[0].object.file, workloads[0].object.anchor(), "selected workload"),
                );
            }
        }
    }
}
