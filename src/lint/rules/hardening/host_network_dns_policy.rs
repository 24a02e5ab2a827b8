use crate::k8s::Workload;
use crate::lint::rules::pods::{container_name, is_true};
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};
use crate::yaml::{Node, Span};

pub struct HostNetworkDnsPolicy;

static META: RuleMeta = RuleMeta {
    id: "host-network-dns-policy",
    severity: Severity::Warning,
    summary: "hostNetwork pod resolves with the node's DNS, yet expects cluster DNS",
    explain: "\
## What it does
Flags a `hostNetwork: true` pod whose `dnsPolicy` is `ClusterFirst`
(written out), or is left unset while the pod uses a cluster DNS name (a
`*.svc` or `*.cluster.local` name in a container's `env` values, `args` or
`command`, or in a ConfigMap of the input that the pod mounts or reads).
`dnsPolicy: Default` and `None` are deliberate choices and pass, and so does
an unset policy on a pod that shows no use of cluster names (a CNI plugin,
node-exporter).

## Why is this bad?
On the host network, `ClusterFirst` (also the default) quietly falls back
to the node's `/etc/resolv.conf`: names such as
`loki.monitoring.svc.cluster.local` or `kubernetes.default.svc` do not
resolve, and the agent fails to ship or look anything up, often only with
a DNS error in its logs.

## Example
```yaml
spec:
  hostNetwork: true
  containers:
    - name: shipper
      env:
        - {name: LOKI_URL, value: http://loki.monitoring.svc:3100}
```

## Use instead
```yaml
spec:
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
```

## References
- https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
",
};

/// The cluster DNS name in a text (`loki.monitoring.svc`,
/// `kube-dns.kube-system.svc.cluster.local`), if there is one.
fn cluster_name(text: &str) -> Option<&str> {
    let host = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    for (i, _) in text.match_indices(".svc") {
        let rest = &text[i + 4..];
        if rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            continue;
        }
        let start = text[..i].rfind(|c| !host(c)).map_or(0, |j| j + 1);
        if start == i {
            continue;
        }
        let end = i + 4 + rest.find(|c| !host(c)).unwrap_or(rest.len());
        return Some(text[start..end].trim_end_matches('.'));
    }
    let i = text.find(".cluster.local")?;
    let start = text[..i].rfind(|c| !host(c)).map_or(0, |j| j + 1);
    (start < i).then(|| &text[start..i + ".cluster.local".len()])
}

/// Where the pod uses a cluster DNS name: (file, span, name, whose).
fn cluster_name_use<'a>(
    ctx: &Context<'a>,
    w: &Workload<'a>,
) -> Option<(usize, Span, &'a str, String)> {
    let mut config_maps = Vec::new();
    for (_, c) in w.containers() {
        let env = c.get("env").and_then(Node::as_seq).unwrap_or(&[]);
        let values = env.iter().filter_map(|e| e.get("value"));
        let words = ["args", "command"]
            .iter()
            .flat_map(|k| c.get(k).and_then(Node::as_seq).unwrap_or(&[]));
        for v in values.chain(words) {
            if let Some(name) = v.as_str().and_then(cluster_name) {
                let whose = format!("container \"{}\"", container_name(c));
                return Some((w.object.file, v.span, name, whose));
            }
        }
        config_maps.extend(env.iter().filter_map(|e| {
            e.get("valueFrom")?
                .get("configMapKeyRef")?
                .get("name")?
                .as_str()
        }));
        let env_from = c.get("envFrom").and_then(Node::as_seq).unwrap_or(&[]);
        config_maps.extend(
            env_from
                .iter()
                .filter_map(|e| e.get("configMapRef")?.get("name")?.as_str()),
        );
    }
    for v in crate::lint::rules::volumes::volumes(w) {
        if let Some(n) = v.get("configMap").and_then(|c| c.get("name")) {
            config_maps.extend(n.as_str());
        }
        let sources = v
            .get("projected")
            .and_then(|p| p.get("sources"))
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        config_maps.extend(
            sources
                .iter()
                .filter_map(|s| s.get("configMap")?.get("name")?.as_str()),
        );
    }
    ctx.objects
        .iter()
        .filter(|o| o.kind == "ConfigMap" && o.name.is_some_and(|n| config_maps.contains(&n)))
        .filter(|o| o.may_share_namespace(&w.object))
        .find_map(|o| {
            let data = o.node.get("data")?.as_map()?;
            data.iter().find_map(|(_, v)| {
                let name = cluster_name(v.as_str()?)?;
                let whose = format!("ConfigMap {}", o.name.unwrap_or(""));
                Some((o.file, v.span, name, whose))
            })
        })
}

/// The span of `name` inside a scalar's span (a line of a ConfigMap's
/// block of text), or the whole scalar when its source spells it otherwise.
fn narrow(ctx: &Context<'_>, file: usize, span: Span, name: &str) -> Span {
    let text = ctx
        .source(file)
        .text
        .get(span.start..span.end)
        .unwrap_or("");
    text.find(name).map_or(span, |i| {
        Span::new(span.start + i, span.start + i + name.len())
    })
}

impl Rule for HostNetworkDnsPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        for w in &ctx.workloads {
            let Some(spec) = w.pod_spec else { continue };
            let Some(host_network) = spec.get("hostNetwork").filter(|h| is_true(Some(h))) else {
                continue;
            };
            let policy = spec.get("dnsPolicy").filter(|p| !p.is_null());
            let explicit = match policy.and_then(Node::as_str) {
                None => false,
                Some("ClusterFirst") => true,
                Some(_) => continue,
            };
            let used = cluster_name_use(ctx, w);
            if !explicit && used.is_none() {
                continue;
            }
            let at = policy.map_or(host_network.span, |p| p.span);
            let opening = if explicit {
                "dnsPolicy ClusterFirst on a hostNetwork pod falls back to the node's resolver"
            } else {
                "hostNetwork pod without dnsPolicy resolves with the node's resolver"
            };
            let consequence = match &used {
                Some((_, _, name, whose)) => format!(", so {whose}'s {name} does not resolve"),
                None => ": cluster DNS names do not resolve".to_string(),
            };
            let mut finding = Finding::new(
                &META,
                w.object.file,
                at,
                format!("{}: {opening}{consequence}", w.object.display_name()),
            )
            .help("set `dnsPolicy: ClusterFirstWithHostNet`, or `Default` if the pod needs no cluster names");
            if let Some((file, span, name, _)) = used {
                finding = finding.related(file, narrow(ctx, file, span, name), "cluster DNS name");
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::cluster_name;

    #[test]
    fn cluster_names_are_found_in_text() {
        assert_eq!(
            cluster_name("http://loki.monitoring.svc:3100/push"),
            Some("loki.monitoring.svc")
        );
        assert_eq!(
            cluster_name("host es.logging.svc.cluster.local"),
            Some("es.logging.svc.cluster.local")
        );
        assert_eq!(
            cluster_name("https://kubernetes.default.svc"),
            Some("kubernetes.default.svc")
        );
        assert_eq!(
            cluster_name("db.corp.cluster.local:5432"),
            Some("db.corp.cluster.local")
        );
        assert_eq!(cluster_name("/var/run/app.svcs"), None);
        assert_eq!(cluster_name("example.com .svc"), None);
        assert_eq!(cluster_name("metrics.example.com"), None);
    }
}
