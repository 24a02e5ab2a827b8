use crate::lint::rules::string_entries;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct MissingRecommendedLabels;

const NAME: &str = "app.kubernetes.io/name";

static META: RuleMeta = RuleMeta {
    id: "missing-recommended-labels",
    severity: Severity::Info,
    summary: "workload lacks the recommended app.kubernetes.io/name label",
    explain: "\
## What it does
Flags workloads (DaemonSets, Deployments, StatefulSets, ReplicaSets,
ReplicationControllers, Jobs, CronJobs, Pods) whose `metadata.labels` lack
`app.kubernetes.io/name`, the one recommended label that identifies the
application. Objects with `ownerReferences` are skipped: their labels come
from their owner's template.

The other recommended labels (`app.kubernetes.io/instance`, `version`,
`component`, `part-of`, `managed-by`) are worth setting, but only make
sense for some deployments, so they are not required.

## Why is this bad?
Tools (dashboards, `kubectl get -l`, cost reports, service meshes) group
objects by the shared `app.kubernetes.io/*` labels. Ad-hoc keys such as
`app`, `k8s-app` or `name` differ between projects, so queries across them
need one selector per convention.

## Example
```yaml
metadata:
  name: node-exporter
  labels:
    k8s-app: node-exporter
```

## Use instead
```yaml
metadata:
  name: node-exporter
  labels:
    app.kubernetes.io/name: node-exporter
    k8s-app: node-exporter
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
",
};

/// Labels that commonly carry the application name already.
const NAME_LIKE: [&str; 3] = ["app", "k8s-app", "name"];

impl Rule for MissingRecommendedLabels {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let o = &w.object;
            let Some(meta) = o.metadata() else { continue };
            let owned = meta
                .get("ownerReferences")
                .and_then(Node::as_seq)
                .is_some_and(|s| !s.is_empty());
            if owned {
                continue;
            }
            let labels = string_entries(o.labels());
            if labels.iter().any(|(_, _, k, _)| *k == NAME) {
                continue;
            }
            let suggested = NAME_LIKE
                .iter()
                .find_map(|n| labels.iter().find(|(_, _, k, _)| k == n))
                .map(|(_, _, _, v)| *v)
                .filter(|v| !v.is_empty())
                .or(o.name)
                .unwrap_or("<application name>");
            let at = meta
                .entry("labels")
                .map_or_else(|| o.anchor(), |(k, _)| k.span);
            out.push(
                Finding::new(
                    &META,
                    o.file,
                    at,
                    format!("{}: metadata.labels lacks {NAME}", o.display_name()),
                )
                .help(format!("add `{NAME}: {suggested}`")),
            );
        }
    }
}
