use super::constants::all_jobs;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::relabel::goregex::Template;
use crate::relabel::{Action, Rule as Relabel};

pub struct AddressRewriteIpv6Unsafe;

static META: RuleMeta = RuleMeta {
    id: "address-rewrite-ipv6-unsafe",
    severity: Severity::Warning,
    summary:
        "an `__address__` rewrite that works for IPv4 targets leaves IPv6 targets on the wrong port",
    explain: "\
## What it does
Runs each `replace` rule that writes `__address__` from discovered
addresses and ports on two representative targets, as Kubernetes discovery
emits them: an IPv4 one (`__address__` `10.1.2.3:8080`, IP labels such as
`__meta_kubernetes_pod_ip` `10.1.2.3`, port labels `9100`) and an IPv6 one
(`[2001:db8::1]:8080`, `2001:db8::1`, `9100`: discovery brackets IPv6
addresses that carry a port). When the rule gives a valid `host:port` for
the IPv4 target but not for the IPv6 one (no match, or an address without
brackets), and no other rule of the list writing `__address__` handles the
IPv6 target, the rule is reported. Rules whose source labels are neither
addresses nor ports are not evaluated.

## Why is this bad?
The rewrite `([^:]+)(?::\\d+)?;(\\d+)` → `$1:$2` of many popular configs
stops at the first `:`, so it never matches an IPv6 address: the target
keeps its discovered port and the `prometheus.io/port` annotation is
silently ignored on IPv6 and dual-stack clusters (or the target is scraped
at an unbracketed, invalid address when a rule does match).

## Example
```yaml
- source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
  regex: ([^:]+)(?::\\d+)?;(\\d+)
  target_label: __address__
  replacement: $1:$2
```

## Use instead
The form of the prometheus-community chart (its
`kubernetes-service-endpoints` job): a lazy host that keeps the brackets:
```yaml
- source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
  regex: (.+?)(?::\\d+)?;(\\d+)
  target_label: __address__
  replacement: $1:$2
```
or, from the pod IP, one rule per family as the chart's `kubernetes-pods`
job does (`[$2]:$1` for `(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})`).

## References
- https://github.com/prometheus-community/helm-charts/blob/main/charts/prometheus/values.yaml
- https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config
",
};

/// A discovered target of one address family: the sample value of a label.
struct Family {
    address: &'static str,
    ip: &'static str,
}

const V4: Family = Family {
    address: "10.1.2.3:8080",
    ip: "10.1.2.3",
};
const V6: Family = Family {
    address: "[2001:db8::1]:8080",
    ip: "2001:db8::1",
};

/// The sample value of `label` for a target of `family`; `None` for a
/// label that is neither an address nor a port.
fn sample(label: &str, family: &Family) -> Option<&'static str> {
    if label == "__address__" {
        return Some(family.address);
    }
    let meta = label.strip_prefix("__meta_")?;
    if meta.ends_with("_ip") || meta.contains("_address_") || meta.ends_with("_host_ip") {
        Some(family.ip)
    } else if meta.contains("port") {
        Some("9100")
    } else {
        None
    }
}

/// Go's `net.SplitHostPort` accepting `value` with a numeric port.
fn is_host_port(value: &str) -> bool {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':').unwrap_or("")),
            None => return false,
        }
    } else {
        match value.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, p),
            _ => return false,
        }
    };
    !host.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
}

/// What the rule writes into `__address__` for a target of `family`:
/// `None` when it cannot be evaluated, `Some(None)` when the regex does
/// not match.
fn rewrite(rule: &Relabel, family: &Family) -> Option<Option<String>> {
    let values: Option<Vec<&str>> = rule
        .source_labels
        .iter()
        .map(|l| sample(l, family))
        .collect();
    let joined = values?.join(&rule.separator);
    Some(
        rule.regex
            .captures(&joined)
            .map(|caps| rule.regex.expand(&rule.replacement, &caps)),
    )
}

fn writes_address(rule: &Relabel) -> bool {
    rule.action == Action::Replace
        && !rule.source_labels.is_empty()
        && Template::new(&rule.target_label).literal().as_deref() == Some("__address__")
}

impl Rule for AddressRewriteIpv6Unsafe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for job in all_jobs(ctx) {
            let rules: Vec<(usize, &Relabel)> = job
                .relabel
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.rule.as_ref().ok().map(|r| (i, r)))
                .filter(|(_, r)| writes_address(r))
                .collect();
            let handles_v6 = |r: &Relabel| matches!(rewrite(r, &V6), Some(Some(v)) if is_host_port(&v) && v.starts_with('['));
            if rules.iter().any(|(_, r)| handles_v6(r)) {
                continue;
            }
            for &(i, rule) in &rules {
                let Some(Some(v4)) = rewrite(rule, &V4) else {
                    continue;
                };
                if !is_host_port(&v4) {
                    continue;
                }
                let Some(v6) = rewrite(rule, &V6) else {
                    continue;
                };
                let sources = rule.source_labels.join(&rule.separator);
                let what = match v6 {
                    None => format!(
                        "does not match an IPv6 target ({sources} = {:?}), so IPv6 targets keep \
                         their discovered port",
                        joined_v6(rule)
                    ),
                    Some(v) => format!(
                        "turns an IPv6 target ({:?}) into {v:?}, which is not a valid host:port",
                        joined_v6(rule)
                    ),
                };
                let node = job.relabel[i].node;
                let at = node.get("regex").map_or(node.span, |n| n.span);
                out.push(
                    Finding::new(
                        &META,
                        job.file,
                        at,
                        format!("this __address__ rewrite works for IPv4 ({v4:?}) but {what}"),
                    )
                    .help(
                        "keep IPv6 brackets: `regex: (.+?)(?::\\d+)?;(\\d+)` with \
                         `replacement: $1:$2`, as the prometheus-community chart does",
                    ),
                );
            }
        }
    }
}

fn joined_v6(rule: &Relabel) -> String {
    rule.source_labels
        .iter()
        .map(|l| sample(l, &V6).unwrap_or(""))
        .collect::<Vec<_>>()
        .join(&rule.separator)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

    fn run(rules: &str) -> Vec<(usize, String)> {
        let text = format!("scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{{role: pod}}]\n    relabel_configs:\n{rules}");
        check(&AddressRewriteIpv6Unsafe, &text)
    }

    fn rule(regex: &str, sources: &str, replacement: &str) -> String {
        format!("      - source_labels: [{sources}]\n        regex: '{regex}'\n        target_label: __address__\n        replacement: '{replacement}'\n")
    }

    const ANNOTATED: &str = "__address__, __meta_kubernetes_pod_annotation_prometheus_io_port";

    #[test]
    fn the_popular_rewrite_is_reported() {
        let got = run(&rule(r"([^:]+)(?::\d+)?;(\d+)", ANNOTATED, "$1:$2"));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 6);
        assert!(
            got[0].1.contains("keep their discovered port"),
            "{}",
            got[0].1
        );
        // A pod IP written without brackets.
        let got = run(&rule(
            r"(\d+);(.+)",
            "__meta_kubernetes_pod_annotation_prometheus_io_port, __meta_kubernetes_pod_ip",
            "$2:$1",
        ));
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("not a valid host:port"), "{}", got[0].1);
    }

    #[test]
    fn ipv6_safe_forms_are_fine() {
        assert!(run(&rule(r"(.+?)(?::\d+)?;(\d+)", ANNOTATED, "$1:$2")).is_empty());
        assert!(run(&rule(r"(.*):\d+", "__address__", "${1}:9100")).is_empty());
        // The chart's two rules, one per family.
        let pods = "__meta_kubernetes_pod_annotation_prometheus_io_port, __meta_kubernetes_pod_ip";
        let both = rule(
            r"(\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})",
            pods,
            "[$2]:$1",
        ) + &rule(r"(\d+);((([0-9]+?)(\.|$)){4})", pods, "$2:$1");
        assert!(run(&both).is_empty());
        // Labels that are not addresses or ports are not guessed.
        assert!(run(&rule(r"([^:]+)", "__meta_kubernetes_pod_name", "$1:9100")).is_empty());
    }

    #[test]
    fn host_port() {
        assert!(is_host_port("10.1.2.3:80"));
        assert!(is_host_port("[2001:db8::1]:80"));
        assert!(is_host_port("example.com:9100"));
        assert!(!is_host_port("2001:db8::1:80"));
        assert!(!is_host_port("[2001:db8::1]"));
        assert!(!is_host_port("10.1.2.3"));
        assert!(!is_host_port(":80"));
    }
}
