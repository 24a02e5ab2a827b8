use super::meta_labels::{Produced, Verdict, PREFIX};
use super::{jobs, literal_regex, name_scheme, parse_each, relabel_lists};
use crate::k8s_sd::Role;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::relabel::Action;
use crate::yaml::{Node, Span};

pub struct MetaLabelUnknown;

static META: RuleMeta = RuleMeta {
    id: "meta-label-unknown",
    severity: Severity::Warning,
    summary: "relabel rule reads a __meta_kubernetes_* label the job's SD role never produces",
    explain: "\
## What it does
Checks every `__meta_kubernetes_*` label a relabel rule reads (`source_labels`,
the `target_label` of `keepequal`/`dropequal`, and the regex of `labelmap`,
`labeldrop` and `labelkeep` when it is a literal name or a literal prefix
followed by a group) against the labels the job's `kubernetes_sd_configs`
roles produce: per-role fixed names (`__meta_kubernetes_pod_name`,
`__meta_kubernetes_service_port_name`, ...), the object label and annotation
families (`<resource>_label_*`, `_labelpresent_*`, `_annotation_*`,
`_annotationpresent_*`, with keys sanitized to `[a-zA-Z0-9_]`), and what
`attach_metadata` adds. The closest valid name is suggested.

Labels set by static_configs or by a relabel rule count as known; jobs with
other service discovery (file, HTTP, ...) are skipped because those can
carry any label. In `metric_relabel_configs` every `__meta_*` label is
reported: they are removed before scraping.

## Why is this bad?
A missing label reads as the empty string, so the rule silently does
something else: a `keep` on a misspelt annotation drops every target, a
`replace` never sets its label. Common causes are typos (`pod_lable_app`), a
rule copied from a job with another role (`service_annotation_*` in a `pod`
job), unsanitized keys (`pod_label_app.kubernetes.io/name`), and node or
namespace labels without `attach_metadata`.

## Example
```yaml
- job_name: kubernetes-pods
  kubernetes_sd_configs: [{role: pod}]
  relabel_configs:
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape]
      action: keep
      regex: true
```

## Use instead
```yaml
- job_name: kubernetes-pods
  kubernetes_sd_configs: [{role: pod}]
  relabel_configs:
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
      action: keep
      regex: true
```

## References
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
",
};

/// Regex tails after which a literal prefix decides what can match.
const GROUP_TAILS: [&str; 6] = ["(.+)", "(.*)", ".+", ".*", "(.+?)", "(.*?)"];

impl Rule for MetaLabelUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for &(file, root) in &ctx.prometheus {
            let src = ctx.source(file);
            for job in jobs(root) {
                let produced = produced_for(job);
                let scheme = name_scheme(root, job);
                for (_, list, metric) in relabel_lists(job) {
                    if !metric && produced.is_none() {
                        continue;
                    }
                    for entry in parse_each(list, src, scheme, metric) {
                        let Ok(rule) = &entry.rule else {
                            continue;
                        };
                        for (name, span, prefix_only) in references(entry.node, rule) {
                            let finding = if metric {
                                metric_finding(file, span, name)
                            } else if let Some(p) = &produced {
                                check_name(p, file, span, name, prefix_only)
                            } else {
                                None
                            };
                            out.extend(finding);
                        }
                    }
                }
            }
        }
    }
}

/// What the job's Kubernetes SD produces, plus labels known by other means;
/// `None` when the job has no (valid) Kubernetes SD or other discovery.
fn produced_for(job: &Node) -> Option<Produced> {
    let other_sd = job.as_map()?.iter().any(|(k, _)| {
        let k = k.key_string();
        k.ends_with("_sd_configs") && k != "kubernetes_sd_configs"
    });
    if other_sd {
        return None;
    }
    let mut p = Produced::of_job(job)?;
    for group in job
        .get("static_configs")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        for (k, _) in group.get("labels").and_then(Node::as_map).unwrap_or(&[]) {
            p.add_known(&k.key_string());
        }
    }
    let scheme = crate::relabel::NameScheme::Utf8;
    if let Some(list) = job.get("relabel_configs") {
        let src = crate::yaml::Source::new("", "");
        for rule in parse_each(list, &src, scheme, false)
            .into_iter()
            .filter_map(|e| e.rule.ok())
        {
            match rule.action {
                Action::LabelMap if !rule.replacement.contains('$') => {
                    p.add_known(&rule.replacement)
                }
                Action::Replace | Action::HashMod | Action::Lowercase | Action::Uppercase
                    if !rule.target_label.contains('$') =>
                {
                    p.add_known(&rule.target_label)
                }
                _ => {}
            }
        }
    }
    Some(p)
}

/// The `__meta_kubernetes_*` names a rule reads: (name, where, whether only
/// a prefix of the name is known).
fn references<'n>(node: &'n Node, rule: &crate::relabel::Rule) -> Vec<(&'n str, Span, bool)> {
    let mut refs = Vec::new();
    for item in node
        .get("source_labels")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        if let Some(s) = item.as_str() {
            refs.push((s, item.span, false));
        }
    }
    match rule.action {
        Action::KeepEqual | Action::DropEqual => {
            if let Some(t) = node.get("target_label") {
                refs.extend(t.as_str().map(|s| (s, t.span, false)));
            }
        }
        Action::LabelMap | Action::LabelDrop | Action::LabelKeep => {
            if let Some(r) = node.get("regex") {
                let pattern = r.as_str().unwrap_or("");
                if let Some(lit) = literal_regex(pattern) {
                    refs.push((lit, r.span, false));
                } else if let Some(head) = GROUP_TAILS
                    .iter()
                    .find_map(|t| pattern.strip_suffix(t))
                    .and_then(literal_regex)
                {
                    refs.push((head, r.span, true));
                }
            }
        }
        _ => {}
    }
    refs.retain(|(name, _, _)| name.starts_with(PREFIX));
    refs
}

fn check_name(
    p: &Produced,
    file: usize,
    span: Span,
    name: &str,
    prefix_only: bool,
) -> Option<Finding> {
    let rest = &name[PREFIX.len()..];
    let roles = role_list(&p.roles);
    if prefix_only {
        if p.produces_prefix(rest) {
            return None;
        }
        return Some(Finding::new(
            &META,
            file,
            span,
            format!("regex matches no label that kubernetes_sd_configs role {roles} produces: no label starts with `{name}`"),
        )
        .help(match p.suggest(rest) {
            Some(s) => crate::suggest::did_you_mean(&format!("{PREFIX}{s}")),
            None => format!("see the labels of role {roles} in the kubernetes_sd_config documentation"),
        }));
    }
    match p.verdict(rest) {
        Verdict::Produced => None,
        Verdict::NeedsAttach(flag) => Some(
            Finding::new(
                &META,
                file,
                span,
                format!("`{name}` is only produced with attach_metadata.{flag} enabled"),
            )
            .help(format!(
                "set `attach_metadata: {{{flag}: true}}` in the kubernetes_sd_configs entry"
            )),
        ),
        Verdict::Unknown => {
            let mut message =
                format!("`{name}` is never produced by kubernetes_sd_configs role {roles}");
            let others: Vec<&str> = Role::ALL
                .into_iter()
                .filter(|r| !p.roles.contains(r))
                .filter(|&r| {
                    let mut o = Produced::default();
                    o.add_role(r, &|_| true);
                    o.produces(rest)
                })
                .map(|r| r.as_str())
                .collect();
            if !others.is_empty() {
                message.push_str(&format!(" (produced by role {})", others.join(", ")));
            }
            let help = match p.suggest(rest) {
                Some(s) => crate::suggest::did_you_mean(&format!("{PREFIX}{s}")),
                None => "a missing label reads as the empty string; check the name against the \
                         role's meta labels"
                    .to_string(),
            };
            Some(Finding::new(&META, file, span, message).help(help))
        }
    }
}

fn metric_finding(file: usize, span: Span, name: &str) -> Option<Finding> {
    Some(
        Finding::new(
            &META,
            file,
            span,
            format!("`{name}` never exists in metric_relabel_configs: `__meta_*` labels are removed after target relabeling"),
        )
        .help("copy it to a target label in relabel_configs and use that label here"),
    )
}

fn role_list(roles: &[Role]) -> String {
    let mut r: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    r.sort_unstable();
    r.dedup();
    r.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn job(sd: &str, rules: &str) -> Vec<(usize, String)> {
        let text = format!(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n{sd}    relabel_configs:\n{rules}"
        );
        check(&MetaLabelUnknown, &text)
    }

    const POD: &str = "      - role: pod\n";

    #[test]
    fn typos_and_wrong_roles() {
        let got = job(
            POD,
            "      - source_labels: [__meta_kubernetes_pod_lable_app, __meta_kubernetes_pod_label_app]\n        target_label: app\n      - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape]\n        action: keep\n        regex: true\n",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].1.contains("pod_lable_app"));
        assert!(
            got[1]
                .1
                .contains("(produced by role service, endpoints, endpointslice)"),
            "{got:?}"
        );
    }

    #[test]
    fn attach_metadata_is_respected() {
        let rule = "      - source_labels: [__meta_kubernetes_node_label_zone]\n        target_label: zone\n";
        let got = job(POD, rule);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("attach_metadata.node"));
        assert!(job(
            "      - role: pod\n        attach_metadata: {node: true}\n",
            rule
        )
        .is_empty());
    }

    #[test]
    fn labelmap_regexes() {
        let got = job(
            POD,
            "      - action: labelmap\n        regex: __meta_kubernetes_service_label_(.+)\n      - action: labelmap\n        regex: __meta_kubernetes_pod_label_(.+)\n      - action: labeldrop\n        regex: __meta_kubernetes_pod_nam\n",
        );
        assert_eq!(
            got.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            vec![7, 11],
            "{got:?}"
        );
    }

    #[test]
    fn labels_set_earlier_and_other_discovery_are_known() {
        let got = job(
            POD,
            "      - target_label: __meta_kubernetes_custom\n        replacement: x\n      - source_labels: [__meta_kubernetes_custom]\n        target_label: y\n",
        );
        assert!(got.is_empty(), "{got:?}");
        let text = "scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [x.json]}]\n    kubernetes_sd_configs: [{role: pod}]\n    relabel_configs:\n      - source_labels: [__meta_kubernetes_whatever]\n        target_label: y\n";
        assert!(check(&MetaLabelUnknown, text).is_empty());
    }

    #[test]
    fn metric_relabel_configs_never_see_meta_labels() {
        let text = "scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - source_labels: [__meta_kubernetes_pod_name]\n        target_label: pod\n";
        assert_eq!(check(&MetaLabelUnknown, text).len(), 1);
    }
}
