use crate::lint::suppress::{ignore_annotations, Reason};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct IgnoreAnnotationInvalid;

static META: RuleMeta = RuleMeta {
    id: "ignore-annotation-invalid",
    severity: Severity::Warning,
    summary:
        "ignore.kdm.dev/ annotation names no rule, gives no reason or an invalid until= date, so it suppresses nothing",
    explain: "\
## What it does
Checks every `ignore.kdm.dev/<rule-id>: <reason>` annotation, on an object's
metadata or its pod template's: the rule id must be one of kdm's (a
misspelt id gets the closest one), the reason must not be empty, and an
`until=YYYY-MM-DD` in it (the last day the suppression holds) must be a
real date.

## Why is this bad?
kdm honours an ignore annotation only with a known rule id and a reason.
Without this check a typo (`ignore.kdm.dev/privilegd`) or an empty reason
looks like a suppression to the reader while the finding stays, or worse,
is believed to be reviewed when it never was.

## Example
```yaml
metadata:
  annotations:
    ignore.kdm.dev/privilegd: \"the CNI agent programs iptables\"
    ignore.kdm.dev/host-path-writable: \"\"
```

## Use instead
```yaml
metadata:
  annotations:
    ignore.kdm.dev/privileged: \"the CNI agent programs iptables\"
    ignore.kdm.dev/host-path-writable: \"writes the CNI config to /etc/cni/net.d\"
```
",
};

impl Rule for IgnoreAnnotationInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in &ctx.objects {
            for (key_node, value, rule, reason) in ignore_annotations(o) {
                let key = key_node.as_str().unwrap_or_default();
                let reason = Reason::parse(reason);
                let (node, message, help) = if !ctx.rule_ids.contains(&rule) {
                    (
                        key_node,
                        format!("{key} names no kdm rule, so it suppresses nothing"),
                        crate::suggest::unknown_rule_help(rule, ctx.rule_ids.iter().copied()),
                    )
                } else if let Some(Err(e)) = &reason.until {
                    (
                        value,
                        format!("{key}'s until= is invalid ({e}), so it suppresses nothing"),
                        "write the last day the suppression holds as until=YYYY-MM-DD".into(),
                    )
                } else if reason.text.is_empty() {
                    (
                        value,
                        format!("{key} has no reason, so it suppresses nothing"),
                        "write why the finding does not apply here as the annotation's value"
                            .into(),
                    )
                } else {
                    continue;
                };
                out.push(
                    Finding::new(
                        &META,
                        o.file,
                        node.span,
                        format!("{}: {message}", o.display_name()),
                    )
                    .help(help),
                );
            }
        }
    }
}
