use crate::lint::suppress::comment::directives;
use crate::lint::suppress::{ignore_annotations, Reason};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct SuppressionExpired;

static META: RuleMeta = RuleMeta {
    id: "suppression-expired",
    severity: Severity::Warning,
    summary: "a suppression's until= day has passed: it suppresses nothing any more",
    explain: "\
## What it does
Reports `ignore.kdm.dev/<rule>` annotations and `# kdm-ignore:` comments
whose `until=YYYY-MM-DD` is before today (UTC). From that day on they
suppress nothing: the findings they covered are reported again, and this
finding says why.

## Why is this bad?
A suppression with an end date records a decision meant to be revisited
(\"until the agent's next release drops the hostPort\"). Once the day has
passed, either the reason is gone and the suppression should be removed,
or it still holds and needs a new date and a reviewer.

## Example
```yaml
ports:
  - containerPort: 9100
    hostPort: 9100  # kdm-ignore: host-port until=2025-01-31 moving to a Service
```

## Use instead
Remove the hostPort and the comment, or renew the decision:
```yaml
    hostPort: 9100  # kdm-ignore: host-port until=2027-06-30 the Service migration is planned for Q2
```
",
};

impl Rule for SuppressionExpired {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let expired = |r: &Reason| match &r.until {
            Some(Ok(last)) if *last < ctx.today => Some(*last),
            _ => None,
        };
        for o in &ctx.objects {
            for (key, value, _, text) in ignore_annotations(o) {
                if let Some(last) = expired(&Reason::parse(text)) {
                    out.push(
                        Finding::new(
                            &META,
                            o.file,
                            value.span,
                            format!(
                                "{}: {} held until {last}; it suppresses nothing any more",
                                o.display_name(),
                                key.as_str().unwrap_or_default()
                            ),
                        )
                        .help("fix what it suppressed and remove it, or review it and set a new until= day"),
                    );
                }
            }
        }
        for (i, file) in ctx.files.iter().enumerate().take(ctx.user_files()) {
            for d in directives(i, file) {
                if let Some(last) = expired(&d.reason) {
                    out.push(
                        Finding::new(
                            &META,
                            i,
                            d.span,
                            format!(
                                "kdm-ignore for {} held until {last}; it suppresses nothing any more",
                                d.rules.join(", ")
                            ),
                        )
                        .help("fix what it suppressed and remove it, or review it and set a new until= day"),
                    );
                }
            }
        }
    }
}
