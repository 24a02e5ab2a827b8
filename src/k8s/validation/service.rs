//! `ValidateService` and `ValidateConfigMap`.

use std::collections::{HashMap, HashSet};

use super::{entries, int, items, probe, string, Path, Report};
use crate::k8s::names;
use crate::yaml::Node;

pub fn service(r: &mut Report, node: &Node, root: &Path<'_>) {
    let Some(spec) = node.get("spec") else { return };
    let sp = root.key("spec");
    let t = spec.get("type");
    r.one_of(
        t,
        &sp.key("type"),
        &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    );
    let ty = t.and_then(string).unwrap_or("ClusterIP");
    let ports = items(spec.get("ports"));
    let headless = spec.get("clusterIP").and_then(string) == Some("None");
    if ports.is_empty() && ty != "ExternalName" && !headless {
        let at = spec.get("ports").unwrap_or(spec);
        r.required(at, &sp.key("ports"), "");
    }
    if ty == "ExternalName" {
        match spec.get("externalName").and_then(string) {
            None | Some("") => r.required(spec, &sp.key("externalName"), ""),
            Some(n) => {
                if let Some(p) = super::meta::subdomain(n.trim_end_matches('.')) {
                    if let Some(en) = spec.get("externalName") {
                        r.invalid(en, &sp.key("externalName"), &p, None);
                    }
                }
            }
        }
    }
    let mut port_names: HashMap<&str, &Node> = HashMap::new();
    let mut pairs: HashSet<(i64, &str)> = HashSet::new();
    for (i, port) in ports.iter().enumerate() {
        let base = sp.key("ports");
        let p = base.index(i);
        match port.get("name").and_then(|n| Some((n, string(n)?))) {
            Some((n, name)) if !name.is_empty() => {
                if let Some(prob) = names::dns1123_label_problem(name) {
                    r.invalid(n, &p.key("name"), &prob, None);
                }
                if let Some(first) = port_names.get(name) {
                    r.duplicate(n, &p.key("name"), Some(first));
                } else {
                    port_names.insert(name, n);
                }
            }
            _ if ports.len() > 1 => r.required(port, &p.key("name"), ""),
            _ => {}
        }
        let num = port.get("port").and_then(|n| Some((n, int(n)?)));
        if let Some((n, v)) = num {
            if !(1..=65535).contains(&v) {
                r.invalid(
                    n,
                    &p.key("port"),
                    "must be between 1 and 65535, inclusive",
                    None,
                );
            }
        }
        let protocol = port.get("protocol");
        r.one_of(protocol, &p.key("protocol"), &["SCTP", "TCP", "UDP"]);
        let proto = protocol.and_then(string).unwrap_or("TCP");
        if let Some((n, v)) = num {
            if !pairs.insert((v, proto)) {
                r.duplicate(n, &p, None);
            }
        }
        if let Some(tp) = port.get("targetPort") {
            if int(tp) != Some(0) && string(tp) != Some("") {
                probe::port(r, Some(tp), &p.key("targetPort"));
            }
        }
        if let Some((n, v)) = port.get("nodePort").and_then(|n| Some((n, int(n)?))) {
            if v != 0 {
                if !(1..=65535).contains(&v) {
                    r.invalid(
                        n,
                        &p.key("nodePort"),
                        "must be between 1 and 65535, inclusive",
                        None,
                    );
                } else if ty == "ClusterIP" || ty == "ExternalName" {
                    r.forbidden(
                        n,
                        &p.key("nodePort"),
                        "may not be used when `type` is 'ClusterIP'",
                    );
                }
            }
        }
    }
    r.one_of(
        spec.get("sessionAffinity"),
        &sp.key("sessionAffinity"),
        &["ClientIP", "None"],
    );
    for key in ["externalTrafficPolicy", "internalTrafficPolicy"] {
        r.one_of(spec.get(key), &sp.key(key), &["Cluster", "Local"]);
    }
    if let Some(etp) = spec
        .get("externalTrafficPolicy")
        .filter(|n| string(n).is_some_and(|s| !s.is_empty()))
    {
        // `ExternallyAccessible`: a node port, a load balancer, or external IPs.
        let external_ips = !items(spec.get("externalIPs")).is_empty();
        let accessible =
            ty == "NodePort" || ty == "LoadBalancer" || (ty == "ClusterIP" && external_ips);
        if !accessible {
            r.invalid(
                etp,
                &sp.key("externalTrafficPolicy"),
                "may only be set for externally-accessible services",
                None,
            );
        }
    }
    r.one_of(
        spec.get("ipFamilyPolicy"),
        &sp.key("ipFamilyPolicy"),
        &["PreferDualStack", "RequireDualStack", "SingleStack"],
    );
    for (i, f) in items(spec.get("ipFamilies")).iter().enumerate() {
        r.one_of(Some(f), &sp.key("ipFamilies").index(i), &["IPv4", "IPv6"]);
    }
}

pub fn config_map(r: &mut Report, node: &Node, root: &Path<'_>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for field in ["data", "binaryData"] {
        let fp = root.key(field);
        for (k, key, _) in entries(node.get(field)) {
            if let Some(prob) = names::config_map_key_problem(key) {
                r.invalid(k, &fp.map(key), &prob, None);
            }
            if !seen.insert(key) {
                r.invalid(k, &fp.map(key), "duplicate of key present in data", None);
            }
        }
    }
}
