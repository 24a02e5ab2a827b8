use super::{container_anchor, container_name};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ProbesMissing;

static META: RuleMeta = RuleMeta {
    id: "probes-missing",
    severity: Severity::Warning,
    summary: "container has no livenessProbe or no readinessProbe",
    explain: "\
## What it does
Flags regular containers that lack a `livenessProbe`, a `readinessProbe`, or
both, and says which. Init containers, ephemeral containers, and Jobs and
CronJobs (which run to completion) are skipped. A `startupProbe` does not
replace either.

## Why is this bad?
- Without a readiness probe a DaemonSet rolling update counts a pod as
  available as soon as it starts, so a broken agent version rolls out to
  every node.
- Without a liveness probe a hung agent (deadlocked, stuck on a full buffer)
  is never restarted and silently stops collecting.

## Example
```yaml
containers:
  - name: node-exporter
    image: quay.io/prometheus/node-exporter:v1.8.2
```

## Use instead
```yaml
containers:
  - name: node-exporter
    image: quay.io/prometheus/node-exporter:v1.8.2
    readinessProbe:
      httpGet: {path: /, port: 9100}
    livenessProbe:
      httpGet: {path: /, port: 9100}
      failureThreshold: 5
```

## References
- https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
",
};

impl Rule for ProbesMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if matches!(w.object.kind, "Job" | "CronJob") {
                continue;
            }
            for (list, c) in w.containers() {
                if list != "containers" {
                    continue;
                }
                let missing: Vec<&str> = ["livenessProbe", "readinessProbe"]
                    .into_iter()
                    .filter(|p| c.get(p).is_none_or(|v| v.is_null()))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        container_anchor(c),
                        format!(
                            "{}: container \"{}\" has no {}",
                            w.object.display_name(),
                            container_name(c),
                            missing.join(" or ")
                        ),
                    )
                    .help("probe the agent's health endpoint (httpGet, grpc, tcpSocket or exec)"),
                );
            }
        }
    }
}
