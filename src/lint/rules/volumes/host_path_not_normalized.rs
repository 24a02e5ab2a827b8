use super::{host_path_volumes, is_windows_path};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct HostPathNotNormalized;

static META: RuleMeta = RuleMeta {
    id: "host-path-not-normalized",
    severity: Severity::Warning,
    summary: "hostPath path is relative or not in normal form",
    explain: "\
## What it does
Flags hostPath paths that are relative, contain `..` or `.` components, an
empty component (`//`), or end in `/` (other than `/` itself). Windows paths
(`C:\\...`) are only checked for `..`.

## Why is this bad?
- `..` is rejected by the API server.
- A relative path is resolved against the kubelet's working directory.
- `//`, `.` and trailing slashes make the same directory look like different
  strings, so prefix-based admission policies (`allowedHostPaths`, Kyverno,
  Gatekeeper) and reviewers can miss it: `//etc` does not start with `/etc`.
  A trailing slash also makes `type: File` or `Socket` checks fail.

## Example
```yaml
hostPath:
  path: /var/lib//kubelet/plugins_registry/
```

## Use instead
```yaml
hostPath:
  path: /var/lib/kubelet/plugins_registry
```

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
",
};

/// What is wrong with a hostPath path, if anything.
pub(crate) fn normalization_problem(p: &str) -> Option<&'static str> {
    if is_windows_path(p) {
        return p
            .split(['\\', '/'])
            .any(|c| c == "..")
            .then_some("contains a `..` component");
    }
    if p.is_empty() {
        return None;
    }
    if !p.starts_with('/') {
        return Some("is relative");
    }
    if p == "/" {
        return None;
    }
    let comps: Vec<&str> = p[1..].split('/').collect();
    if comps.contains(&"..") {
        return Some("contains a `..` component");
    }
    if comps.contains(&".") {
        return Some("contains a `.` component");
    }
    if p.ends_with('/') {
        return Some("ends with `/`");
    }
    if comps.contains(&"") {
        return Some("contains `//`");
    }
    None
}

/// The normal form, when it can be computed without resolving `..`.
fn suggestion(p: &str) -> Option<String> {
    if !p.starts_with('/') || p.split('/').any(|c| c == "..") {
        return None;
    }
    Some(super::clean(
        &p.split('/')
            .filter(|c| *c != ".")
            .collect::<Vec<_>>()
            .join("/"),
    ))
}

impl Rule for HostPathNotNormalized {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for v in host_path_volumes(w) {
                let Some(problem) = normalization_problem(v.path_str) else {
                    continue;
                };
                let mut f = Finding::new(
                    &META,
                    w.object.file,
                    v.path.span,
                    format!(
                        "{}: hostPath {:?} {problem}",
                        w.object.display_name(),
                        v.path_str
                    ),
                );
                f = match suggestion(v.path_str) {
                    Some(s) => f.help(format!("write `path: {s}`")),
                    None => f.help("use an absolute path without `..`"),
                };
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_paths_pass() {
        for p in [
            "/",
            "/var/log",
            "/run/containerd/containerd.sock",
            "C:\\k\\x\\",
        ] {
            assert_eq!(normalization_problem(p), None, "{p}");
        }
    }

    #[test]
    fn problems_are_named() {
        assert_eq!(normalization_problem("var/log"), Some("is relative"));
        assert_eq!(normalization_problem("./x"), Some("is relative"));
        assert_eq!(
            normalization_problem("/var/../etc"),
            Some("contains a `..` component")
        );
        assert_eq!(
            normalization_problem("/var/./log"),
            Some("contains a `.` component")
        );
        assert_eq!(normalization_problem("/var/log/"), Some("ends with `/`"));
        assert_eq!(normalization_problem("//etc"), Some("contains `//`"));
        assert_eq!(normalization_problem("/var//log"), Some("contains `//`"));
        assert_eq!(
            normalization_problem("C:\\k\\..\\x"),
            Some("contains a `..` component")
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggestion("/var//log/").as_deref(), Some("/var/log"));
        assert_eq!(suggestion("/var/./log").as_deref(), Some("/var/log"));
        assert_eq!(suggestion("/a/../b"), None);
    }
}
