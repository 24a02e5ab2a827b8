use crate::lint::rules::pods::container_name;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Resolved};

pub struct EnvSecretLiteral;

static META: RuleMeta = RuleMeta {
    id: "env-secret-literal",
    severity: Severity::Warning,
    summary: "an env var named like a secret has a literal value",
    explain: "\
## What it does
Flags container `env` entries whose name ends in a secret word
(`DB_PASSWORD`, `GITHUB_TOKEN`, `CLIENT_SECRET`, `API_KEY`,
`AWS_SECRET_ACCESS_KEY`, `ES_PASS`, `CREDENTIALS`, ...) and whose `value` is
written in the manifest. Names where the word is followed by another
(`TOKEN_FILE`, `PASSWORD_PATH`, `SECRET_NAME`, `TOKEN_AUDIENCE`) describe the
secret rather than hold it and pass, and so do empty values, booleans, file
paths, `$(VAR)` references and unrendered templates.

## Why is this bad?
A literal value is readable by anyone who can read the DaemonSet (`get` on
daemonsets, `kubectl describe pod`, the Git repository and every CI log
that prints the manifest), and rotating it means editing and re-rolling the
manifest on every node.

## Example
```yaml
env:
  - name: ES_PASSWORD
    value: changeme
```

## Use instead
```yaml
env:
  - name: ES_PASSWORD
    valueFrom:
      secretKeyRef: {name: elasticsearch, key: password}
```

## References
- https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
",
};

/// Whether an env var name ends in a word that names a secret.
fn names_a_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [.., before, "KEY"] => matches!(
            *before,
            "API" | "ACCESS" | "PRIVATE" | "SECRET" | "ENCRYPTION" | "SIGNING" | "AUTH" | "LICENSE"
        ),
        [.., last] => matches!(
            *last,
            "PASSWORD"
                | "PASSWD"
                | "PASS"
                | "TOKEN"
                | "SECRET"
                | "APIKEY"
                | "CREDENTIAL"
                | "CREDENTIALS"
        ),
        [] => false,
    }
}

/// Whether a literal value could be a secret (not a path, flag or reference).
fn could_be_secret(v: &Node) -> bool {
    if matches!(v.resolve(), Some(Resolved::Bool(_)) | Some(Resolved::Null)) {
        return false;
    }
    let Some(text) = v.as_str().map(str::trim) else {
        return false;
    };
    !(text.is_empty()
        || text.starts_with('/')
        || text.contains("$(")
        || text.contains("${")
        || text.contains("{{")
        || matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none"
        ))
}

impl Rule for EnvSecretLiteral {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (_, c) in w.containers() {
                for e in c.get("env").and_then(Node::as_seq).unwrap_or(&[]) {
                    let Some(name) = e.get("name").and_then(Node::as_str) else {
                        continue;
                    };
                    let Some(v) = e.get("value") else { continue };
                    if !names_a_secret(name) || !could_be_secret(v) {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            v.span,
                            format!(
                                "{}: container \"{}\" sets {name} to a literal value",
                                w.object.display_name(),
                                container_name(c)
                            ),
                        )
                        .help("keep it in a Secret and read it with `valueFrom: {secretKeyRef: {name: ..., key: ...}}` (or mount the Secret as a file)"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::names_a_secret;

    #[test]
    fn secret_words_end_the_name() {
        for n in [
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "client-secret",
            "API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "ES_PASS",
            "token",
        ] {
            assert!(names_a_secret(n), "{n}");
        }
        for n in [
            "TOKEN_FILE",
            "PASSWORD_PATH",
            "SECRET_NAME",
            "KEY",
            "BYPASS",
            "PWD",
            "TOKEN_AUDIENCE",
            "CACHE_KEY",
        ] {
            assert!(!names_a_secret(n), "{n}");
        }
    }
}
