use crate::k8s::deprecations::minor_of;
use crate::lint::rules::string_entries;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct SecurityAnnotationObsolete;

static META: RuleMeta = RuleMeta {
    id: "security-annotation-obsolete",
    severity: Severity::Warning,
    summary: "seccomp or AppArmor set by an annotation that no longer (or never) takes effect",
    explain: "\
## What it does
Flags the security annotations that `securityContext` fields replaced:
- `seccomp.security.alpha.kubernetes.io/pod` and
  `container.seccomp.security.alpha.kubernetes.io/<container>`: deprecated
  since 1.19, ignored by kubelets since 1.25 and without any effect since
  1.27 (the API server no longer copies them into the fields);
- `container.apparmor.security.beta.kubernetes.io/<container>`: deprecated
  since 1.30, when `securityContext.appArmorProfile` became GA (reported when
  linting for 1.30 or later);
- any of them on a workload's own `metadata` (the DaemonSet's rather than its
  pod template's), where they never took effect: only pod annotations are
  read.

## Why is this bad?
The manifest reads as if the agent were confined by a seccomp or AppArmor
profile while it runs without one (or, for AppArmor, with one that a later
release drops), so reviews and policy checks of the YAML are misled.

## Example
```yaml
spec:
  template:
    metadata:
      annotations:
        seccomp.security.alpha.kubernetes.io/pod: runtime/default
        container.apparmor.security.beta.kubernetes.io/agent: runtime/default
```

## Use instead
```yaml
spec:
  template:
    spec:
      securityContext:
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: agent
          securityContext:
            appArmorProfile: {type: RuntimeDefault}
```

## References
- https://kubernetes.io/docs/tutorials/security/seccomp/
- https://kubernetes.io/docs/tutorials/security/apparmor/
- https://github.com/kubernetes/kubernetes/pull/114947
",
};

const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER: &str = "container.apparmor.security.beta.kubernetes.io/";

/// The field (and its value) that replaces an annotation's profile value.
fn field_for(profile: &str, field: &str) -> String {
    let profile = profile.trim();
    match profile {
        "runtime/default" | "docker/default" => format!("`{field}: {{type: RuntimeDefault}}`"),
        "unconfined" => format!("`{field}: {{type: Unconfined}}`"),
        p => match p.strip_prefix("localhost/") {
            Some(name) => {
                format!("`{field}: {{type: Localhost, localhostProfile: {name}}}`")
            }
            None => format!("`{field}`"),
        },
    }
}

/// What an annotation key is replaced by: (what it configures, the field,
/// where the field goes, the release from which the annotation is reported:
/// 1.27 for seccomp, where it stopped working; 1.30 for AppArmor, where it
/// was deprecated).
fn replacement(key: &str) -> Option<(&'static str, &'static str, String, u32)> {
    if key == SECCOMP_POD {
        return Some((
            "seccomp",
            "seccompProfile",
            "the pod's spec.securityContext".to_string(),
            27,
        ));
    }
    if let Some(c) = key.strip_prefix(SECCOMP_CONTAINER) {
        let at = format!("container \"{c}\"'s securityContext");
        return Some(("seccomp", "seccompProfile", at, 27));
    }
    let c = key.strip_prefix(APPARMOR_CONTAINER)?;
    let at = format!("container \"{c}\"'s securityContext");
    Some(("AppArmor", "appArmorProfile", at, 30))
}

impl Rule for SecurityAnnotationObsolete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        let minor = minor_of(&ctx.kubernetes_version).unwrap_or(u32::MAX);
        for w in &ctx.workloads {
            let pod_annotations = w
                .template
                .and_then(|t| t.get("metadata"))
                .and_then(|m| m.get("annotations"));
            // A Pod's own metadata is its pod template's.
            let own = w
                .object
                .annotations()
                .filter(|a| !pod_annotations.is_some_and(|p| std::ptr::eq(*a, p)));
            for (annotations, on_pod) in [(pod_annotations, true), (own, false)] {
                for (k, v, key, value) in string_entries(annotations) {
                    let Some((what, field, at, since)) = replacement(key) else {
                        continue;
                    };
                    let message = if !on_pod {
                        format!(
                            "{what} annotation {key} on the {}'s own metadata never takes effect: only pod annotations were read",
                            w.object.kind
                        )
                    } else if since == 27 {
                        format!("{what} annotation {key} has no effect since Kubernetes 1.27")
                    } else if minor >= since {
                        format!("{what} annotation {key} is deprecated since Kubernetes 1.{since}")
                    } else {
                        continue;
                    };
                    out.push(
                        Finding::new(
                            &META,
                            w.object.file,
                            k.span,
                            format!("{}: {message}", w.object.display_name()),
                        )
                        .related(w.object.file, v.span, "profile")
                        .help(format!(
                            "set {} in {at} and drop the annotation",
                            field_for(value, field)
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_map_to_fields() {
        assert_eq!(
            field_for("runtime/default", "seccompProfile"),
            "`seccompProfile: {type: RuntimeDefault}`"
        );
        assert_eq!(
            field_for("localhost/agent.json", "seccompProfile"),
            "`seccompProfile: {type: Localhost, localhostProfile: agent.json}`"
        );
        assert_eq!(
            field_for("unconfined", "appArmorProfile"),
            "`appArmorProfile: {type: Unconfined}`"
        );
        assert!(replacement("container.apparmor.security.beta.kubernetes.io/agent").is_some());
        assert!(replacement("seccomp.security.alpha.kubernetes.io/defaultProfileName").is_none());
    }
}
