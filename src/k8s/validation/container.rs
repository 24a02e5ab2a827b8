//! `validateContainers` and `validateInitContainers`: names, images and
//! pull policies, ports, environment, resources, mounts, security
//! contexts; probes and lifecycle handlers are in `probe.rs`.

use std::collections::{HashMap, HashSet};

use super::security::{self, Kind};
use super::{boolean, entries, int, items, probe, quantity, set, string, Path, Report};
use crate::k8s::names;
use crate::yaml::Node;

/// What the containers of a pod share.
pub struct Pod {
    pub kind: Kind,
    pub host_network: bool,
}

// Regular containers first: an init container named like one of them is the
// duplicate.
const LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

pub fn all(r: &mut Report, spec: &Node, path: &Path<'_>, cx: &Pod) {
    // Names are unique across all three lists.
    let mut names: HashMap<&str, &Node> = HashMap::new();
    // hostPort/protocol pairs are unique across the pod.
    let mut host_ports: HashSet<(i64, &str)> = HashSet::new();
    if let Some(c) = spec
        .get("containers")
        .filter(|c| c.as_seq().is_some_and(<[Node]>::is_empty))
    {
        r.required(c, &path.key("containers"), "");
    }
    for list in LISTS {
        let lp = path.key(list);
        for (i, c) in items(spec.get(list)).iter().enumerate() {
            let p = lp.index(i);
            // Init containers run one at a time: each has the node's ports
            // to itself.
            let mut own = HashSet::new();
            let host_ports = if list == "containers" {
                &mut host_ports
            } else {
                &mut own
            };
            if let Some(n) = c.get("name") {
                if let Some(name) = string(n) {
                    if let Some(first) = names.get(name) {
                        r.duplicate(n, &p.key("name"), Some(first));
                    } else {
                        names.insert(name, n);
                    }
                }
            }
            one(r, c, &p, list, cx, host_ports);
        }
    }
}

fn one<'a>(
    r: &mut Report,
    c: &'a Node,
    path: &Path<'_>,
    list: &str,
    cx: &Pod,
    host_ports: &mut HashSet<(i64, &'a str)>,
) {
    if let Some(n) = c.get("name") {
        if let Some(p) = string(n).and_then(names::dns1123_label_problem) {
            r.invalid(n, &path.key("name"), &p, None);
        }
    }
    // Templates keep the image as written (whitespace included) for
    // backward compatibility; only a Pod's is trimmed.
    match c.get("image").and_then(string) {
        Some(img) if img.trim() != img && cx.kind == Kind::Pod => r.invalid(
            c.get("image").unwrap_or(c),
            &path.key("image"),
            "must not have leading or trailing whitespace",
            None,
        ),
        Some("") | None
            if list != "ephemeralContainers"
                && c.get("image")
                    .is_none_or(|n| string(n).is_some() || n.is_null()) =>
        {
            r.required(c.get("image").unwrap_or(c), &path.key("image"), "")
        }
        _ => {}
    }
    r.one_of(
        c.get("imagePullPolicy"),
        &path.key("imagePullPolicy"),
        &["Always", "IfNotPresent", "Never"],
    );
    r.one_of(
        c.get("terminationMessagePolicy"),
        &path.key("terminationMessagePolicy"),
        &["File", "FallbackToLogsOnError"],
    );
    ports(r, c, &path.key("ports"), cx.host_network, host_ports);
    for (i, rp) in items(c.get("resizePolicy")).iter().enumerate() {
        let base = path.key("resizePolicy");
        let p = base.index(i);
        r.one_of(
            rp.get("resourceName"),
            &p.key("resourceName"),
            &["cpu", "memory"],
        );
        r.one_of(
            rp.get("restartPolicy"),
            &p.key("restartPolicy"),
            &["NotRequired", "RestartContainer"],
        );
    }
    env(r, c, path);
    resources(r, c.get("resources"), &path.key("resources"));
    mounts(r, c, &path.key("volumeMounts"));
    security(r, c.get("securityContext"), &path.key("securityContext"));
    let sidecar =
        list == "initContainers" && c.get("restartPolicy").and_then(string) == Some("Always");
    if list == "initContainers" {
        // Only `Always` (a sidecar) before container restart rules; all
        // three with them, so none is refused here.
        r.one_of(
            c.get("restartPolicy"),
            &path.key("restartPolicy"),
            security::RESTART_POLICIES,
        );
    }
    for key in [
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "lifecycle",
    ] {
        let Some(n) = c.get(key).filter(|n| !n.is_null()) else {
            continue;
        };
        if list == "initContainers" && !sidecar {
            r.forbidden(
                n,
                &path.key(key),
                "may not be set for init containers without restartPolicy=Always",
            );
            continue;
        }
        if list == "ephemeralContainers" {
            continue;
        }
        if key == "lifecycle" {
            probe::lifecycle(r, n, &path.key(key));
        } else {
            probe::probe(r, n, &path.key(key), key != "readinessProbe");
        }
    }
}

fn ports<'a>(
    r: &mut Report,
    c: &'a Node,
    path: &Path<'_>,
    host_network: bool,
    host_ports: &mut HashSet<(i64, &'a str)>,
) {
    for (i, port) in items(c.get("ports")).iter().enumerate() {
        let p = path.index(i);
        let cp = port.get("containerPort").and_then(|n| Some((n, int(n)?)));
        if let Some((n, v)) = cp {
            if !(1..=65535).contains(&v) {
                r.invalid(
                    n,
                    &p.key("containerPort"),
                    "must be between 1 and 65535, inclusive",
                    None,
                );
            }
        }
        let protocol = port.get("protocol");
        r.one_of(protocol, &p.key("protocol"), &["SCTP", "TCP", "UDP"]);
        let proto = protocol.and_then(string).unwrap_or("TCP");
        let hp = port.get("hostPort").and_then(|n| Some((n, int(n)?)));
        if let Some((n, v)) = hp {
            if v != 0 && !(1..=65535).contains(&v) {
                r.invalid(
                    n,
                    &p.key("hostPort"),
                    "must be between 1 and 65535, inclusive",
                    None,
                );
            }
        }
        // hostNetwork pods listen on the node: a hostPort other than the
        // containerPort cannot be mapped.
        if host_network {
            if let (Some((n, h)), Some((_, c))) = (hp, cp) {
                if h != 0 && h != c {
                    r.invalid(
                        n,
                        &p.key("hostPort"),
                        "must match `containerPort` when `hostNetwork` is true",
                        Some(format!("set hostPort to {c} or leave it out")),
                    );
                }
            }
        }
        let effective_host = match (hp, cp) {
            (Some((_, h)), _) if h != 0 => Some(h),
            (_, Some((_, c))) if host_network => Some(c),
            _ => None,
        };
        if let Some(h) = effective_host {
            if !host_ports.insert((h, proto)) {
                let at = hp.map(|(n, _)| n).or(cp.map(|(n, _)| n)).unwrap_or(port);
                r.duplicate(at, &p.key("hostPort"), None);
            }
        }
    }
}

fn env(r: &mut Report, c: &Node, path: &Path<'_>) {
    for (i, e) in items(c.get("env")).iter().enumerate() {
        let base = path.key("env");
        let p = base.index(i);
        if let Some(n) = e.get("name") {
            if let Some(prob) = string(n).and_then(names::env_var_name_problem) {
                r.invalid(n, &p.key("name"), &prob, None);
            }
        }
        let has_value = e
            .get("value")
            .and_then(string)
            .is_some_and(|s| !s.is_empty());
        let Some((from_key, from)) = e.entry("valueFrom").filter(|(_, n)| !n.is_null()) else {
            continue;
        };
        let fp = p.key("valueFrom");
        if has_value {
            r.invalid_field(
                from_key,
                &fp,
                "may not be specified when `value` is not empty",
            );
        }
        let sources: Vec<&str> = [
            "fieldRef",
            "resourceFieldRef",
            "configMapKeyRef",
            "secretKeyRef",
            "fileKeyRef",
        ]
        .into_iter()
        .filter(|k| set(from, k))
        .collect();
        match sources.len() {
            0 => r.invalid_field(
                from_key,
                &fp,
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            ),
            1 => {}
            _ => r.invalid_field(from_key, &fp, "may not have more than one field specified at a time"),
        }
        if let Some(fr) = from.get("fieldRef") {
            if let Some(fpn) = fr.get("fieldPath") {
                field_path(r, fpn, &fp.key("fieldRef"));
            }
        }
        for key in ["configMapKeyRef", "secretKeyRef"] {
            let Some(sel) = from.get(key) else { continue };
            ref_name(r, sel, &fp.key(key));
            if let Some(k) = sel.get("key") {
                if let Some(prob) = string(k).and_then(names::config_map_key_problem) {
                    r.invalid(k, &fp.key(key).key("key"), &prob, None);
                }
            }
        }
        if let Some(rf) = from.get("resourceFieldRef") {
            let huge = rf.get("resource").and_then(string).is_some_and(|s| {
                s.strip_prefix("limits.")
                    .or_else(|| s.strip_prefix("requests."))
                    .is_some_and(|n| n.starts_with("hugepages-"))
            });
            if let Some(res) = rf.get("resource").filter(|_| !huge) {
                r.one_of(
                    Some(res),
                    &fp.key("resourceFieldRef").key("resource"),
                    &[
                        "limits.cpu",
                        "limits.memory",
                        "limits.ephemeral-storage",
                        "requests.cpu",
                        "requests.memory",
                        "requests.ephemeral-storage",
                    ],
                );
            }
        }
    }
    for (i, e) in items(c.get("envFrom")).iter().enumerate() {
        let base = path.key("envFrom");
        let p = base.index(i);
        if let Some(n) = e.get("prefix") {
            if let Some(prob) = string(n)
                .filter(|s| !s.is_empty())
                .and_then(names::env_var_name_problem)
            {
                r.invalid(n, &p.key("prefix"), &prob, None);
            }
        }
        for key in ["configMapRef", "secretRef"] {
            if let Some(sel) = e.get(key) {
                ref_name(r, sel, &p.key(key));
            }
        }
        let both = set(e, "configMapRef") && set(e, "secretRef");
        if let Some((k, _)) = e.entry("secretRef").filter(|_| both) {
            r.invalid_field(
                k,
                &p,
                "may not have more than one field specified at a time",
            );
        }
    }
}

/// The resource names a container may request: the standard ones, huge
/// pages, and extended resources named with a domain.
fn resource_name_problem(name: &str) -> Option<String> {
    if matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-") {
        return None;
    }
    if !name.contains('/') {
        return Some("must be a standard resource type or fully qualified".into());
    }
    if let Some(e) = names::qualified_name_errors(name).into_iter().next() {
        return Some(e);
    }
    if name.starts_with("kubernetes.io/") || name.contains(".kubernetes.io/") {
        return Some("must be a standard resource for containers".into());
    }
    None
}

pub fn quantity(r: &mut Report, node: &Node, path: &Path<'_>) -> Option<f64> {
    match quantity::of(node) {
        Err(quantity::NotAQuantity) => {
            r.invalid(
                node,
                path,
                quantity::SYNTAX,
                Some(
                    "write a quantity such as 500m, 0.5, 64Mi (2^20 bytes) or 1G (10^9 bytes)"
                        .into(),
                ),
            );
            None
        }
        Ok(Some(v)) if v < 0.0 => {
            r.invalid(node, path, "must be greater than or equal to 0", None);
            None
        }
        Ok(v) => v,
    }
}

fn resources(r: &mut Report, res: Option<&Node>, path: &Path<'_>) {
    let Some(res) = res else { return };
    let mut limits: HashMap<&str, (f64, &Node)> = HashMap::new();
    for (k, name, v) in entries(res.get("limits")) {
        let base = path.key("limits");
        let p = base.map(name);
        if let Some(prob) = resource_name_problem(name) {
            let help = crate::suggest::closest(name, ["cpu", "memory", "ephemeral-storage"])
                .map(crate::suggest::did_you_mean);
            r.invalid(k, &p, &prob, help);
            continue;
        }
        if let Some(q) = quantity(r, v, &p) {
            limits.insert(name, (q, v));
        }
    }
    for (k, name, v) in entries(res.get("requests")) {
        let base = path.key("requests");
        let p = base.map(name);
        if let Some(prob) = resource_name_problem(name) {
            let help = crate::suggest::closest(name, ["cpu", "memory", "ephemeral-storage"])
                .map(crate::suggest::did_you_mean);
            r.invalid(k, &p, &prob, help);
            continue;
        }
        let Some(q) = quantity(r, v, &p) else {
            continue;
        };
        if let Some((l, lnode)) = limits.get(name) {
            if q > *l {
                let limit = lnode.as_str().unwrap_or("").to_string();
                r.invalid(
                    v,
                    &path.key("requests"),
                    &format!("must be less than or equal to {name} limit of {limit}"),
                    Some("raise the limit or lower the request".into()),
                );
            }
        }
    }
}

fn mounts(r: &mut Report, c: &Node, path: &Path<'_>) {
    for (i, m) in items(c.get("volumeMounts")).iter().enumerate() {
        let p = path.index(i);
        if let Some(mp) = m.get("mountPath") {
            if string(mp) == Some("") {
                r.required(mp, &p.key("mountPath"), "");
            }
        }
        r.one_of(
            m.get("mountPropagation"),
            &p.key("mountPropagation"),
            &["None", "HostToContainer", "Bidirectional"],
        );
        r.one_of(
            m.get("recursiveReadOnly"),
            &p.key("recursiveReadOnly"),
            &["Disabled", "IfPossible", "Enabled"],
        );
        for key in ["subPath", "subPathExpr"] {
            let Some(sp) = m.get(key) else { continue };
            if let Some(s) = string(sp) {
                if s.starts_with('/') {
                    r.invalid(sp, &p.key(key), "must be a relative path", None);
                } else if s.split('/').any(|part| part == "..") {
                    r.invalid(sp, &p.key(key), "must not contain '..'", None);
                }
            }
        }
        if set(m, "subPath") && set(m, "subPathExpr") {
            if let Some(n) = m.get("subPathExpr") {
                r.invalid(
                    n,
                    &p.key("subPathExpr"),
                    "subPathExpr and subPath are mutually exclusive",
                    None,
                );
            }
        }
    }
}

fn security(r: &mut Report, sc: Option<&Node>, path: &Path<'_>) {
    let Some(sc) = sc else { return };
    security::profiles(r, sc, path);
    for key in ["runAsUser", "runAsGroup"] {
        security::id_range(r, sc.get(key), &path.key(key));
    }
    r.one_of(
        sc.get("procMount"),
        &path.key("procMount"),
        &["Default", "Unmasked"],
    );
    let no_escalation = sc
        .get("allowPrivilegeEscalation")
        .is_some_and(|n| matches!(n.resolve(), Some(crate::yaml::Resolved::Bool(false))));
    if no_escalation {
        if boolean(sc.get("privileged")) {
            r.invalid(
                sc.get("allowPrivilegeEscalation").unwrap_or(sc),
                path,
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                None,
            );
        }
        let sys_admin = items(sc.get("capabilities").and_then(|c| c.get("add")))
            .iter()
            .any(|c| matches!(string(c), Some("SYS_ADMIN" | "CAP_SYS_ADMIN")));
        if sys_admin {
            r.invalid(
                sc.get("allowPrivilegeEscalation").unwrap_or(sc),
                path,
                "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                None,
            );
        }
    }
}

/// The name of a referenced ConfigMap or Secret: a DNS-1123 subdomain.
fn ref_name(r: &mut Report, sel: &Node, path: &Path<'_>) {
    if let Some(n) = sel.get("name") {
        if let Some(p) = string(n)
            .filter(|s| !s.is_empty())
            .and_then(super::meta::subdomain)
        {
            r.invalid(n, &path.key("name"), &p, None);
        }
    }
}

/// The pod fields an environment variable can be set from
/// (`validateObjectFieldSelector` for pods).
fn field_path(r: &mut Report, n: &Node, field_ref: &Path<'_>) {
    let path = &field_ref.key("fieldPath");
    const FIELDS: &[&str] = &[
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "spec.nodeName",
        "spec.serviceAccountName",
        "status.hostIP",
        "status.hostIPs",
        "status.podIP",
        "status.podIPs",
    ];
    let Some(s) = string(n) else { return };
    if FIELDS.contains(&s) {
        return;
    }
    for (prefix, label) in [
        ("metadata.annotations['", false),
        ("metadata.labels['", true),
    ] {
        if let Some(key) = s.strip_prefix(prefix).and_then(|k| k.strip_suffix("']")) {
            let errs = names::qualified_name_errors(key);
            // Annotation keys are qualified names too, lowercased first.
            let errs = if label {
                errs
            } else {
                names::qualified_name_errors(&key.to_ascii_lowercase())
            };
            if let Some(e) = errs.first() {
                // Reported at `fieldRef`, with the key as the value.
                r.push(
                    n.span,
                    field_ref,
                    format!("Invalid value: {key:?}: {e}"),
                    None,
                );
            }
            return;
        }
    }
    if s.contains('[') {
        r.invalid(
            n,
            path,
            "error converting fieldPath: field label does not support subscript",
            None,
        );
        return;
    }
    r.unsupported(n, path, FIELDS);
}
