use super::super::{ignore_annotation_maps, string_entries, IGNORE_PREFIX};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct IgnoreAnnotationInvalid;

static META: RuleMeta = RuleMeta {
    id: "ignore-annotation-invalid",
    severity: Severity::Warning,
    summary:
        "ignore.kdm.dev/ annotation names no rule, or gives no reason, so it suppresses nothing",
    explain: "\
## What it does
Checks every `ignore.kdm.dev/<rule-id>: <reason>` annotation, on an object's
metadata or its pod template's: the rule id must be one of kdm's (a
misspelt id gets the closest one) and the reason must not be empty.

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
            for annotations in ignore_annotation_maps(o) {
                for (key_node, value, key, reason) in string_entries(Some(annotations)) {
                    let Some(rule) = key.strip_prefix(IGNORE_PREFIX) else {
                        continue;
                    };
                    if !ctx.rule_ids.contains(&rule) {
                        let help = match crate::suggest::closest(rule, ctx.rule_ids.iter().copied())
                        {
                            Some(best) => format!(
                                "{} (`kdm lint --list-rules` lists the rules)",
                                crate::suggest::did_you_mean(best)
                            ),
                            None => "`kdm lint --list-rules` lists the rules".to_string(),
                        };
                        out.push(
                            Finding::new(
                                &META,
                                o.file,
                                key_node.span,
                                format!(
                                    "{}: {key} names no kdm rule, so it suppresses nothing",
                                    o.display_name()
                                ),
                            )
                            .help(help),
                        );
                    } else if reason.trim().is_empty() {
                        out.push(
                            Finding::new(
                                &META,
                                o.file,
                                value.span,
                                format!(
                                    "{}: {key} has no reason, so it suppresses nothing",
                                    o.display_name()
                                ),
                            )
                            .help("write why the finding does not apply here as the annotation's value"),
                        );
                    }
                }
            }
        }
    }
}
