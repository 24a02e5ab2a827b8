use super::container_name;
use super::image_tag_latest::{images, tag_of};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ImageTagMutable;

static META: RuleMeta = RuleMeta {
    id: "image-tag-mutable",
    severity: Severity::Warning,
    summary: "image uses a branch or channel tag that moves (main, dev, nightly, stable, ...)",
    explain: "\
## What it does
Flags container images tagged with a name that is moved to new builds by
convention: a branch (`master`, `main`, `develop`, `dev`, `trunk`, `head`)
or a channel (`canary`, `edge`, `nightly`, `snapshot`, `unstable`, `stable`,
`testing`, `staging`, `release`, `lts`, `current`, `rolling`), in any case,
and Maven-style `-SNAPSHOT` versions (`1.4.0-SNAPSHOT`), which are rebuilt
until the release.
`latest` and a missing tag are `image-tag-latest`'s; images pinned by digest
(`@sha256:...`) always pass.

## Why is this bad?
These tags move with every push: nodes that pull at different times run
different builds of the agent, a rollback does not roll back, a DaemonSet's
pods on a new node get code nobody tested with the rest, and branch builds
are often unreviewed.

## Example
```yaml
image: ghcr.io/example/agent:main
```

## Use instead
```yaml
image: ghcr.io/example/agent:2.4.1
```
or pin a digest: `ghcr.io/example/agent:main@sha256:...`.

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-names
",
};

/// Tags that name a branch or a release channel rather than a build.
const MOVING: &[&str] = &[
    "master",
    "main",
    "develop",
    "development",
    "devel",
    "dev",
    "trunk",
    "head",
    "canary",
    "edge",
    "nightly",
    "snapshot",
    "unstable",
    "stable",
    "testing",
    "staging",
    "release",
    "lts",
    "current",
    "rolling",
];

impl Rule for ImageTagMutable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            for (c, img, text) in images(w) {
                if text.contains('@') {
                    continue;
                }
                let Some(tag) = tag_of(text) else { continue };
                let snapshot = tag.to_ascii_lowercase().ends_with("-snapshot");
                if !snapshot && !MOVING.iter().any(|m| tag.eq_ignore_ascii_case(m)) {
                    continue;
                }
                out.push(
                    Finding::new(
                        &META,
                        w.object.file,
                        img.span,
                        format!(
                            "{}: container \"{}\" image {text} uses the moving tag :{tag}",
                            w.object.display_name(),
                            container_name(c)
                        ),
                    )
                    .help("pin a release tag or a digest (`image:1.2.3@sha256:...`)"),
                );
            }
        }
    }
}
