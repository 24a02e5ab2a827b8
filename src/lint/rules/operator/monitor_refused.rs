use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::operator::{refusals, select, stand_in_prometheus};

pub struct MonitorRefused;

static META: RuleMeta = RuleMeta {
    id: "monitor-refused",
    severity: Severity::Error,
    summary: "prometheus-operator would refuse this monitor (no job is generated)",
    explain: "\
## What it does
Runs the checks prometheus-operator makes before it turns a selected
monitor into scrape jobs: `scrapeTimeout` within the interval (the
endpoint's, else the Prometheus's), every relabeling and metric relabeling
valid as Prometheus loads it (action, regex, target label, modulus), the
named scrape class defined on the Prometheus, a Probe with targets and a
prober URL. The finding is at the refused part (the relabeling, the
timeout) with the operator's wording. Monitors are checked against each
Prometheus in the input that selects them, or against all when the input
has no Prometheus.

## Why is this bad?
The operator drops a refused monitor from the generated configuration and
only says so in its logs and in the monitor's status: the targets silently
disappear.

## Example
```yaml
kind: ServiceMonitor
spec:
  endpoints:
    - port: http
      interval: 30s
      scrapeTimeout: 1m
```

## Use instead
```yaml
kind: ServiceMonitor
spec:
  endpoints:
    - port: http
      interval: 1m
      scrapeTimeout: 30s
```
",
};

impl Rule for MonitorRefused {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(data) = super::data(ctx) else {
            return;
        };
        let servers = if data.res.servers.is_empty() {
            vec![stand_in_prometheus()]
        } else {
            data.res.servers.clone()
        };
        let mut seen = std::collections::HashSet::new();
        for prom in &servers {
            let selected = select::select(prom, &data.res, &data.namespaces);
            for r in refusals(prom, &selected) {
                if !seen.insert((r.at.file, r.at.span, r.message.clone())) {
                    continue;
                }
                out.push(Finding::new(
                    &META,
                    r.at.file,
                    r.at.span,
                    format!(
                        "prometheus-operator would refuse {} {}: {}",
                        r.kind.as_str(),
                        r.monitor,
                        r.message
                    ),
                ));
            }
        }
    }
}
