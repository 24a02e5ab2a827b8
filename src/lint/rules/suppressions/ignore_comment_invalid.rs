use crate::lint::suppress::comment::directives;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct IgnoreCommentInvalid;

static META: RuleMeta = RuleMeta {
    id: "ignore-comment-invalid",
    severity: Severity::Warning,
    summary: "# kdm-ignore comment names no rule, gives no reason or an invalid until= date, so it suppresses nothing",
    explain: "\
## What it does
Checks every `# kdm-ignore: <rule>[,<rule>] <reason>` comment: it needs a
colon, rule ids that are kdm's (a misspelt id gets the closest one), a
reason, and, if it has one, an `until=YYYY-MM-DD` that is a real date.

A comment after YAML on a line suppresses that line's findings of the rules
it names; a comment on a line of its own suppresses the next line that is
not a comment. Text inside quoted or block scalars is not a comment.

## Why is this bad?
kdm honours a comment only when it is complete. Without this check a typo
(`# kdm-ignore: privilegd ...`) or a missing reason looks like a reviewed
suppression to the reader while the finding stays.

## Example
```yaml
securityContext:
  privileged: true  # kdm-ignore: privilegd
```

## Use instead
```yaml
securityContext:
  privileged: true  # kdm-ignore: privileged the CNI agent programs iptables until=2027-03-31
```
",
};

impl Rule for IgnoreCommentInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for (i, file) in ctx.files.iter().enumerate().take(ctx.user_files()) {
            for d in directives(i, file) {
                if let Some((message, help)) = d.problem(&ctx.rule_ids) {
                    out.push(Finding::new(&META, i, d.span, message).help(help));
                }
            }
        }
    }
}
