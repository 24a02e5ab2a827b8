use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::operator::model::prometheus::MonitorSelection;
use crate::operator::model::{Meta, Prometheus};
use crate::operator::select::{selects, why_not};

pub struct MonitorNotSelected;

static META: RuleMeta = RuleMeta {
    id: "monitor-not-selected",
    severity: Severity::Warning,
    summary: "no Prometheus in the input selects this monitor",
    explain: "\
## What it does
When the input holds Prometheus or PrometheusAgent resources, checks that
each ServiceMonitor, PodMonitor, Probe and ScrapeConfig is selected by at
least one of them, as prometheus-operator selects: the monitor's labels must
match the Prometheus's `serviceMonitorSelector` (`podMonitorSelector`, ...;
a missing selector selects nothing, `{}` everything), and its namespace the
`serviceMonitorNamespaceSelector` (missing: the Prometheus's own namespace
only; `{}`: every namespace). Namespace labels are those of the Namespace
objects in the input, plus `kubernetes.io/metadata.name`.

The finding names the first selector requirement the monitor fails, e.g.
\"add the label `release: kps`\".

## Why is this bad?
An unselected monitor is silently ignored: no job, no targets, no error in
the operator's status. It is the most common cause of \"my ServiceMonitor
scrapes nothing\": kube-prometheus-stack selects monitors labelled
`release: <release name>`.

## Example
```yaml
kind: Prometheus
spec:
  serviceMonitorSelector: {matchLabels: {release: kps}}
---
kind: ServiceMonitor
metadata: {name: app, labels: {team: web}}
```

## Use instead
```yaml
kind: ServiceMonitor
metadata: {name: app, labels: {team: web, release: kps}}
```

## References
- https://prometheus-operator.dev/docs/platform/troubleshooting/
",
};

impl Rule for MonitorNotSelected {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = super::data(ctx) else {
            return;
        };
        let servers = &data.res.servers;
        if servers.is_empty() {
            return;
        }
        type Pick = fn(&Prometheus) -> &MonitorSelection;
        let mut monitors: Vec<(&str, &Meta, usize, Pick, &str)> = Vec::new();
        for m in &data.res.service_monitors {
            monitors.push((
                "ServiceMonitor",
                &m.meta,
                m.file,
                |p| &p.service_monitors,
                "serviceMonitorSelector",
            ));
        }
        for m in &data.res.pod_monitors {
            monitors.push((
                "PodMonitor",
                &m.meta,
                m.file,
                |p| &p.pod_monitors,
                "podMonitorSelector",
            ));
        }
        for m in &data.res.probes {
            monitors.push(("Probe", &m.meta, m.file, |p| &p.probes, "probeSelector"));
        }
        for m in &data.res.scrape_configs {
            monitors.push((
                "ScrapeConfig",
                &m.meta,
                m.file,
                |p| &p.scrape_configs,
                "scrapeConfigSelector",
            ));
        }
        for (kind, meta, file, pick, field) in monitors {
            if servers
                .iter()
                .any(|p| selects(p, pick(p), meta, &data.namespaces).is_ok())
            {
                continue;
            }
            // Agents in DaemonSet mode only ever read PodMonitors; explain
            // with the first Prometheus that could select the kind.
            let Some(prom) = servers.first() else {
                continue;
            };
            let why = why_not(prom, pick(prom), field, meta, &data.namespaces).unwrap_or_default();
            let mut f = Finding::new(
                &META,
                file,
                meta.labels_span.unwrap_or(meta.anchor),
                format!(
                    "{kind} {} is not selected by any Prometheus in the input",
                    meta.key()
                ),
            )
            .help(format!("{} {}: {why}", server_kind(prom), prom.meta.key()));
            if let Some(span) = pick(prom).selector_span {
                f = f.related(
                    prom.file,
                    span,
                    format!("the {field} of {}", prom.meta.key()),
                );
            }
            out.push(f);
        }
    }
}

fn server_kind(p: &Prometheus) -> &'static str {
    match p.kind {
        crate::operator::model::ServerKind::Prometheus => "Prometheus",
        crate::operator::model::ServerKind::Agent => "PrometheusAgent",
    }
}
