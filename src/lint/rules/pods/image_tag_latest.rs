use super::container_name;
use crate::k8s::Workload;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::Node;

pub struct ImageTagLatest;

static META: RuleMeta = RuleMeta {
    id: "image-tag-latest",
    severity: Severity::Warning,
    summary: "image has no tag or digest, or uses :latest",
    explain: "\
## What it does
Flags container images without a tag or digest (which means `:latest`) or
tagged `:latest`. Images pinned by digest (`@sha256:...`) always pass.

## Why is this bad?
`latest` moves: nodes that pull at different times run different versions
of the agent, a rollback does not roll back, and `imagePullPolicy` defaults to
`Always`, so every pod start depends on the registry being reachable.

## Example
```yaml
image: fluent/fluent-bit:latest
```

## Use instead
```yaml
image: fluent/fluent-bit:3.2.2
```
or pin a digest: `fluent/fluent-bit:3.2.2@sha256:...`.

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-names
",
};

/// The tag of an image reference, if it has one (a digest aside).
pub(crate) fn tag_of(image: &str) -> Option<&str> {
    // The registry host may carry a port (`localhost:5000/agent`), so only
    // the last path component can hold the tag.
    let last = image.split('@').next().unwrap_or(image);
    let last = last.rsplit('/').next().unwrap_or(last);
    last.split_once(':').map(|(_, t)| t)
}

/// Why an image reference is unpinned, if it is.
pub(crate) fn unpinned(image: &str) -> Option<&'static str> {
    if image.contains('@') {
        return None;
    }
    match tag_of(image) {
        None => Some("has no tag (defaults to :latest)"),
        Some("latest") => Some("uses the :latest tag"),
        Some("") => Some("has an empty tag"),
        Some(_) => None,
    }
}

/// The containers' image references (container, image node, trimmed text),
/// unrendered templates left out: they are not image references yet.
pub(crate) fn images<'a>(w: &Workload<'a>) -> Vec<(&'a Node, &'a Node, &'a str)> {
    w.containers()
        .into_iter()
        .filter_map(|(_, c)| {
            let img = c.get("image")?;
            let text = img.as_str()?.trim();
            let template = text.is_empty() || text.contains("{{") || text.contains('$');
            (!template).then_some((c, img, text))
        })
        .collect()
}

impl Rule for ImageTagLatest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (c, img, text) in images(w) {
                let Some(why) = unpinned(text) else { continue };
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        img.span,
                        format!(
                            "{}: container \"{}\" image {text} {why}",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    )
                    .help("pin a version tag or a digest (`image:1.2.3@sha256:...`)"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn tags_and_digests() {
        assert!(unpinned("nginx").is_some());
        assert!(unpinned("nginx:latest").is_some());
        assert!(unpinned("localhost:5000/agent").is_some());
        assert!(unpinned("nginx:").is_some());
        assert!(unpinned("localhost:5000/agent:1.2").is_none());
        assert!(unpinned("quay.io/prometheus/node-exporter:v1.8.2").is_none());
        assert!(unpinned("busybox@sha256:abc").is_none());
        assert!(unpinned("busybox:latest@sha256:abc").is_none());
    }
}
