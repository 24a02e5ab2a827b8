use super::container_name;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct EnvDuplicate;

static META: RuleMeta = RuleMeta {
    id: "env-duplicate",
    severity: Severity::Warning,
    summary: "a container defines the same env var twice",
    explain: "\
## What it does
Flags a container's `env` entry whose `name` an earlier entry of the same
container already uses, as the API server's warning does: a redefinition
that extends the earlier value (`PATH` set to `$(PATH):/opt/bin`) passes.

## Why is this bad?
Only the last definition reaches the process, so the first one is dead text
that reviewers still read as the value, and `kubectl apply` merges `env` by
name, so an update may drop either entry (the API server warns: `hides
previous definition of \"LOG_LEVEL\", which may be dropped when using
apply`). Duplicates usually come from a chart's default env plus the same
name in user values.

## Example
```yaml
env:
  - {name: LOG_LEVEL, value: info}
  - {name: LOG_LEVEL, value: debug}
```

## Use instead
```yaml
env:
  - {name: LOG_LEVEL, value: debug}
```

## References
- https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
",
};

/// Whether a redefinition builds on the earlier value (`$(NAME)` inside a
/// longer value), which the API server accepts without a warning.
fn extends(entry: &Node, name: &str) -> bool {
    let reference = format!("$({name})");
    entry.get("valueFrom").is_none()
        && entry
            .get("value")
            .and_then(Node::as_str)
            .is_some_and(|v| v != reference && v.contains(&reference))
}

impl Rule for EnvDuplicate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (_, c) in w.containers() {
                let mut seen: Vec<(&str, &Node)> = Vec::new();
                for e in c.get("env").and_then(Node::as_seq).unwrap_or(&[]) {
                    let Some(n) = e.get("name") else { continue };
                    let Some(name) = n.as_str() else { continue };
                    let first = seen.iter().find(|(s, _)| *s == name);
                    if let Some((_, first)) = first.filter(|_| !extends(e, name)) {
                        out.push(
                            Finding::new(
                                &META,
                                w.object.file,
                                n.span,
                                format!(
                                    "{}: container \"{}\" defines env {name} again; the last definition wins",
                                    w.object.display_name(),
                                    container_name(c)
                                ),
                            )
                            .related(w.object.file, first.span, "first definition")
                            .help("keep one definition of the variable"),
                        );
                    } else if first.is_none() {
                        seen.push((name, n));
                    }
                }
            }
        }
    }
}
