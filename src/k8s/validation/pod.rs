//! `ValidatePodSpec`: volumes, containers (in `container.rs`), restart and
//! DNS policies, host ports under hostNetwork, tolerations, security
//! contexts (seccomp, AppArmor), affinity and topology spread.

use std::collections::HashMap;

use super::security::{id_range, profiles};
use super::{boolean, container, entries, int, items, meta, set, string, Path, Report};
use crate::k8s::names;
use crate::yaml::Node;

pub use super::security::Kind;
pub use super::security::RESTART_POLICIES;

pub fn spec(r: &mut Report, spec: &Node, path: &Path<'_>, kind: Kind, meta: Option<&Node>) {
    volumes(r, spec, &path.key("volumes"), kind);
    r.one_of(
        spec.get("restartPolicy"),
        &path.key("restartPolicy"),
        RESTART_POLICIES,
    );
    r.one_of(
        spec.get("dnsPolicy"),
        &path.key("dnsPolicy"),
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    );
    if spec.get("dnsPolicy").and_then(string) == Some("None")
        && items(spec.get("dnsConfig").and_then(|d| d.get("nameservers"))).is_empty()
    {
        let at = spec.get("dnsPolicy").unwrap_or(spec);
        r.required(
            at,
            &path.key("dnsConfig").key("nameservers"),
            "must provide at least one DNS nameserver when DNSPolicy is None",
        );
    }
    let host_network = boolean(spec.get("hostNetwork"));
    let cx = container::Pod { kind, host_network };
    container::all(r, spec, path, &cx);
    if let Some(sa) = spec.get("serviceAccountName") {
        if let Some(p) = string(sa)
            .filter(|s| !s.is_empty())
            .and_then(meta::subdomain)
        {
            r.invalid(sa, &path.key("serviceAccountName"), &p, None);
        }
    }
    for key in ["hostname", "subdomain"] {
        if let Some(n) = spec.get(key) {
            if let Some(p) = string(n)
                .filter(|s| !s.is_empty())
                .and_then(names::dns1123_label_problem)
            {
                r.invalid(n, &path.key(key), &p, None);
            }
        }
    }
    r.at_least(
        spec.get("terminationGracePeriodSeconds"),
        &path.key("terminationGracePeriodSeconds"),
        0,
    );
    r.at_least(
        spec.get("activeDeadlineSeconds"),
        &path.key("activeDeadlineSeconds"),
        1,
    );
    tolerations(r, spec.get("tolerations"), &path.key("tolerations"));
    if let Some(sc) = spec.get("securityContext") {
        let p = path.key("securityContext");
        profiles(r, sc, &p);
        for key in ["runAsUser", "runAsGroup", "fsGroup"] {
            id_range(r, sc.get(key), &p.key(key));
        }
        r.one_of(
            sc.get("fsGroupChangePolicy"),
            &p.key("fsGroupChangePolicy"),
            &["OnRootMismatch", "Always"],
        );
    }
    spread(
        r,
        spec.get("topologySpreadConstraints"),
        &path.key("topologySpreadConstraints"),
    );
    affinity(r, spec.get("affinity"), &path.key("affinity"));
    apparmor_annotations(r, spec, meta);
}

/// Volumes: names (DNS labels, unique), exactly one source, and the checks
/// of the sources people use on nodes.
/// Fields of volume sources that may not be empty strings (the schema
/// requires most of them to be present, not to be non-empty).
const REQUIRED_SOURCE_FIELDS: [(&str, &str); 14] = [
    ("hostPath", "path"),
    ("azureFile", "secretName"),
    ("azureFile", "shareName"),
    ("azureDisk", "diskName"),
    ("azureDisk", "diskURI"),
    ("scaleIO", "volumeName"),
    ("scaleIO", "gateway"),
    ("scaleIO", "system"),
    ("quobyte", "registry"),
    ("quobyte", "volume"),
    ("nfs", "server"),
    ("nfs", "path"),
    ("csi", "driver"),
    ("persistentVolumeClaim", "claimName"),
];

fn volumes(r: &mut Report, spec: &Node, path: &Path<'_>, kind: Kind) {
    let mut seen: HashMap<&str, &Node> = HashMap::new();
    for (i, v) in items(spec.get("volumes")).iter().enumerate() {
        let p = path.index(i);
        if let Some(n) = v.get("name") {
            if let Some(name) = string(n) {
                if let Some(prob) = names::dns1123_label_problem(name) {
                    r.invalid(n, &p.key("name"), &prob, None);
                }
                if let Some(first) = seen.get(name) {
                    r.duplicate(n, &p.key("name"), Some(first));
                } else {
                    seen.insert(name, v);
                }
            }
        }
        let sources: Vec<(&Node, &str)> = v
            .as_map()
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, val)| Some((k, k.as_str()?, val)))
            .filter(|(_, k, val)| *k != "name" && !val.is_null())
            .map(|(k, name, _)| (k, name))
            .collect();
        if v.as_map().is_some() && sources.is_empty() {
            r.required(v, &p, "must specify a volume type");
        }
        for (k, _) in sources.iter().skip(1) {
            r.forbidden(k, &p, "may not specify more than 1 volume type");
        }
        for (source, field) in REQUIRED_SOURCE_FIELDS {
            if let Some(f) = v.get(source).and_then(|src| src.get(field)) {
                if string(f) == Some("") {
                    r.required(f, &p.key(source).key(field), "");
                }
            }
        }
        if let Some(img) = v.get("image") {
            let ip = p.key("image");
            r.one_of(
                img.get("pullPolicy"),
                &ip.key("pullPolicy"),
                &["Always", "Never", "IfNotPresent"],
            );
            let empty = img
                .get("reference")
                .and_then(string)
                .is_none_or(str::is_empty);
            if empty && kind == Kind::Pod && img.as_map().is_some() {
                r.required(
                    img.get("reference").unwrap_or(img),
                    &ip.key("reference"),
                    "",
                );
            }
        }
        if let Some(proj) = v.get("projected") {
            let projected = p.key("projected");
            let pp = projected.key("sources");
            for (j, src) in items(proj.get("sources")).iter().enumerate() {
                let sp = pp.index(j);
                let kinds: Vec<(&Node, &str)> = src
                    .as_map()
                    .unwrap_or(&[])
                    .iter()
                    .filter(|(_, val)| !val.is_null())
                    .filter_map(|(k, _)| Some((k, k.as_str()?)))
                    .collect();
                for (k, _) in kinds.iter().skip(1) {
                    r.forbidden(k, &sp, "may not specify more than 1 volume type per source");
                }
                for key in ["secret", "configMap"] {
                    if let Some(sel) = src.get(key).filter(|n| n.as_map().is_some()) {
                        if sel.get("name").and_then(string).is_none_or(str::is_empty) {
                            r.required(sel, &sp.key(key).key("name"), "");
                        }
                    }
                }
            }
        }
        if let Some(hp) = v.get("hostPath") {
            let hp_path = p.key("hostPath");
            if let Some(t) = hp.get("type") {
                r.one_of(
                    Some(t),
                    &hp_path.key("type"),
                    &[
                        "",
                        "DirectoryOrCreate",
                        "Directory",
                        "FileOrCreate",
                        "File",
                        "Socket",
                        "CharDevice",
                        "BlockDevice",
                    ],
                );
            }
            if let Some(hpp) = hp.get("path") {
                if let Some(s) = string(hpp) {
                    if s.split('/').any(|part| part == "..") {
                        r.invalid(hpp, &hp_path.key("path"), "must not contain '..'", None);
                    }
                }
            }
        }
        if let Some(cm) = v.get("configMap") {
            key_items(r, cm, &p.key("configMap"));
            mode(
                r,
                cm.get("defaultMode"),
                &p.key("configMap").key("defaultMode"),
            );
        }
        if let Some(sec) = v.get("secret") {
            key_items(r, sec, &p.key("secret"));
            mode(
                r,
                sec.get("defaultMode"),
                &p.key("secret").key("defaultMode"),
            );
        }
        if let Some(ed) = v.get("emptyDir") {
            r.one_of(
                ed.get("medium"),
                &p.key("emptyDir").key("medium"),
                &["", "Memory", "HugePages"],
            );
            if let Some(q) = ed.get("sizeLimit") {
                container::quantity(r, q, &p.key("emptyDir").key("sizeLimit"));
            }
        }
    }
}

/// `items` of a configMap or secret volume: a valid key, a relative path.
fn key_items(r: &mut Report, source: &Node, path: &Path<'_>) {
    for (i, item) in items(source.get("items")).iter().enumerate() {
        let base = path.key("items");
        let p = base.index(i);
        if let Some(k) = item.get("key") {
            if let Some(prob) = string(k).and_then(names::config_map_key_problem) {
                r.invalid(k, &p.key("key"), &prob, None);
            }
        }
        if let Some(ip) = item.get("path") {
            if let Some(s) = string(ip) {
                if s.starts_with('/') {
                    r.invalid(ip, &p.key("path"), "must be a relative path", None);
                } else if s.split('/').any(|part| part == "..") {
                    r.invalid(ip, &p.key("path"), "must not contain '..'", None);
                }
            }
        }
        mode(r, item.get("mode"), &p.key("mode"));
    }
}

/// File modes: 0 to 0777.
fn mode(r: &mut Report, node: Option<&Node>, path: &Path<'_>) {
    if let Some((n, v)) = node.and_then(|n| Some((n, int(n)?))) {
        if !(0..=0o777).contains(&v) {
            r.invalid(
                n,
                path,
                "must be a number between 0 and 0777 (octal), both inclusive",
                None,
            );
        }
    }
}

fn tolerations(r: &mut Report, list: Option<&Node>, path: &Path<'_>) {
    for (i, t) in items(list).iter().enumerate() {
        let p = path.index(i);
        let key = t.get("key").and_then(string).unwrap_or("");
        if let Some(k) = t.get("key").filter(|_| !key.is_empty()) {
            let errs = names::qualified_name_errors(key);
            if let Some(e) = errs.first() {
                r.invalid(k, &p.key("key"), e, None);
            }
        }
        let op_node = t.get("operator");
        let op = op_node.and_then(string).unwrap_or("Equal");
        let op = if op.is_empty() { "Equal" } else { op };
        r.one_of(
            op_node.filter(|n| string(n) != Some("")),
            &p.key("operator"),
            &["Equal", "Exists"],
        );
        if key.is_empty() && op == "Equal" {
            let at = op_node.unwrap_or(t);
            r.invalid(
                at,
                &p.key("operator"),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                None,
            );
        }
        if op == "Exists" {
            if let Some(v) = t
                .get("value")
                .filter(|v| string(v).is_some_and(|s| !s.is_empty()))
            {
                r.invalid(
                    v,
                    &p.key("value"),
                    "value must be empty when `operator` is 'Exists'",
                    None,
                );
            }
        } else if op == "Equal" {
            if let Some(v) = t.get("value") {
                if let Some(e) =
                    string(v).and_then(|s| names::label_value_errors(s).into_iter().next())
                {
                    r.invalid(v, &p.key("value"), &e, None);
                }
            }
        }
        let effect = t.get("effect");
        r.one_of(
            effect,
            &p.key("effect"),
            &["", "NoSchedule", "PreferNoSchedule", "NoExecute"],
        );
        if let Some(ts) = t.get("tolerationSeconds").filter(|n| !n.is_null()) {
            if effect.and_then(string) != Some("NoExecute") {
                r.invalid(
                    ts,
                    &p.key("effect"),
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                    None,
                );
            }
        }
    }
}

/// The beta AppArmor annotations: a known profile, for a container of the pod.
fn apparmor_annotations(r: &mut Report, spec: &Node, meta: Option<&Node>) {
    const PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
    let Some(annotations) = meta.and_then(|m| m.get("annotations")) else {
        return;
    };
    let root = Path::Root;
    let meta_path = root.key("metadata");
    let path = meta_path.key("annotations");
    for (k, key, v) in entries(Some(annotations)) {
        let Some(container) = key.strip_prefix(PREFIX) else {
            continue;
        };
        let known = ["initContainers", "containers", "ephemeralContainers"]
            .iter()
            .flat_map(|list| items(spec.get(list)))
            .any(|c| c.get("name").and_then(string) == Some(container));
        if !known {
            r.invalid(k, &path.map(key), "container not found", None);
        }
        if let Some(value) = string(v) {
            let ok = matches!(value, "runtime/default" | "unconfined")
                || value
                    .strip_prefix("localhost/")
                    .is_some_and(|p| !p.is_empty());
            if !ok {
                r.invalid(
                    v,
                    &path.map(key),
                    "invalid AppArmor profile name: must be 'runtime/default', 'unconfined' or 'localhost/<profile>'",
                    None,
                );
            }
        }
    }
}

fn spread(r: &mut Report, list: Option<&Node>, path: &Path<'_>) {
    for (i, c) in items(list).iter().enumerate() {
        let p = path.index(i);
        if let Some((n, v)) = c.get("maxSkew").and_then(|n| Some((n, int(n)?))) {
            if v <= 0 {
                r.invalid(n, &p.key("maxSkew"), "must be greater than zero", None);
            }
        }
        r.one_of(
            c.get("whenUnsatisfiable"),
            &p.key("whenUnsatisfiable"),
            &["DoNotSchedule", "ScheduleAnyway"],
        );
        r.one_of(
            c.get("nodeAffinityPolicy"),
            &p.key("nodeAffinityPolicy"),
            &["Honor", "Ignore"],
        );
        r.one_of(
            c.get("nodeTaintsPolicy"),
            &p.key("nodeTaintsPolicy"),
            &["Honor", "Ignore"],
        );
        if let Some(n) = c.get("minDomains").filter(|n| !n.is_null()) {
            if int(n).is_some_and(|v| v <= 0) {
                r.invalid(n, &p.key("minDomains"), "must be greater than 0", None);
            }
        }
    }
}

fn affinity(r: &mut Report, aff: Option<&Node>, path: &Path<'_>) {
    let Some(na) = aff.and_then(|a| a.get("nodeAffinity")) else {
        return;
    };
    let p = path.key("nodeAffinity");
    let req = na.get("requiredDuringSchedulingIgnoredDuringExecution");
    let rp = p.key("requiredDuringSchedulingIgnoredDuringExecution");
    if let Some(req) = req.filter(|n| n.as_map().is_some()) {
        let terms = items(req.get("nodeSelectorTerms"));
        if terms.is_empty() && set(req, "nodeSelectorTerms") {
            r.required(
                req,
                &rp.key("nodeSelectorTerms"),
                "must have at least one node selector term",
            );
        }
        for (i, t) in terms.iter().enumerate() {
            node_selector_term(r, t, &rp.key("nodeSelectorTerms").index(i));
        }
    }
    let pref = p.key("preferredDuringSchedulingIgnoredDuringExecution");
    for (i, w) in items(na.get("preferredDuringSchedulingIgnoredDuringExecution"))
        .iter()
        .enumerate()
    {
        let wp = pref.index(i);
        if let Some((n, v)) = w.get("weight").and_then(|n| Some((n, int(n)?))) {
            if !(1..=100).contains(&v) {
                r.invalid(n, &wp.key("weight"), "must be in the range 1-100", None);
            }
        }
        if let Some(t) = w.get("preference") {
            node_selector_term(r, t, &wp.key("preference"));
        }
    }
}

fn node_selector_term(r: &mut Report, term: &Node, path: &Path<'_>) {
    for (i, e) in items(term.get("matchExpressions")).iter().enumerate() {
        let base = path.key("matchExpressions");
        let p = base.index(i);
        let op = e.get("operator");
        r.one_of(
            op,
            &p.key("operator"),
            &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
        );
        let values = items(e.get("values"));
        match op.and_then(string) {
            Some("In" | "NotIn") if values.is_empty() => r.required(
                e,
                &p.key("values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            ),
            Some("Exists" | "DoesNotExist") if !values.is_empty() => r.forbidden(
                &values[0],
                &p.key("values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
            Some("Gt" | "Lt") if values.len() != 1 => r.required(
                e,
                &p.key("values"),
                "must be specified single value when `operator` is 'Lt' or 'Gt'",
            ),
            _ => {}
        }
    }
}
