use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct UpdateStrategyUnsafe;

static META: RuleMeta = RuleMeta {
    id: "update-strategy-unsafe",
    severity: Severity::Warning,
    summary: "DaemonSet update strategy is OnDelete or replaces all pods at once",
    explain: "\
## What it does
Flags DaemonSets with `updateStrategy.type: OnDelete`, or a
`rollingUpdate.maxUnavailable` of `100%` or at least 100 pods (which, on most
clusters, is every node at once).

## Why is this bad?
- With `OnDelete`, applying a new version changes nothing until someone
  deletes each pod by hand; nodes silently keep running the old agent, and a
  security fix never lands.
- With `maxUnavailable: 100%` a bad version takes the agent down on every
  node at the same time (for a CNI plugin, the cluster's networking).

## Example
```yaml
spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 100%
```

## Use instead
```yaml
spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 10%
```

## References
- https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
",
};

/// Whether `maxUnavailable` lets every pod go down at once.
fn all_at_once(v: &Node) -> bool {
    match v.resolve() {
        Some(Resolved::Int(n)) => n >= 100,
        Some(Resolved::UInt(_)) => true,
        Some(Resolved::Str) => v
            .as_str()
            .and_then(|s| s.trim().strip_suffix('%'))
            .and_then(|p| p.trim().parse::<u64>().ok())
            .is_some_and(|p| p >= 100),
        _ => false,
    }
}

impl Rule for UpdateStrategyUnsafe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            if w.object.kind != "DaemonSet" {
                continue;
            }
            let Some(strategy) = w.workload_spec.and_then(|s| s.get("updateStrategy")) else {
                continue;
            };
            if let Some(t) = strategy
                .get("type")
                .filter(|t| t.as_str() == Some("OnDelete"))
            {
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        t.span,
                        format!(
                            "{}: updateStrategy OnDelete never rolls out changes by itself",
                            w.object.display_name()
                        ),
                    )
                    .help("use `type: RollingUpdate` with a small maxUnavailable"),
                );
                continue;
            }
            if let Some(m) = strategy
                .get("rollingUpdate")
                .and_then(|r| r.get("maxUnavailable"))
                .filter(|m| all_at_once(m))
            {
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        m.span,
                        format!(
                            "{}: maxUnavailable {} replaces the agent on every node at once",
                            w.object.display_name(),
                            m.as_str().unwrap_or("")
                        ),
                    )
                    .help("use a small maxUnavailable such as 1 or 10%"),
                );
            }
        }
    }
}
