//! Probes and lifecycle handlers: exactly one handler, the ranges of the
//! timings, and the ports and schemes of the handlers.

use super::{int, items, set, string, Path, Report};
use crate::k8s::names;
use crate::yaml::Node;

const PROBE_HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];
const LIFECYCLE_HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "sleep"];

/// A liveness, readiness or startup probe; `single_success` for liveness
/// and startup, whose `successThreshold` must be 1.
pub fn probe(r: &mut Report, p: &Node, path: &Path<'_>, single_success: bool) {
    handler(r, p, path, &PROBE_HANDLERS);
    for key in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        r.at_least(p.get(key), &path.key(key), 0);
    }
    if single_success {
        if let Some((n, v)) = p.get("successThreshold").and_then(|n| Some((n, int(n)?))) {
            if v != 1 && v >= 0 {
                r.invalid(n, &path.key("successThreshold"), "must be 1", None);
            }
        }
    }
    if let Some((n, v)) = p
        .get("terminationGracePeriodSeconds")
        .and_then(|n| Some((n, int(n)?)))
    {
        if !single_success {
            r.invalid(
                n,
                &path.key("terminationGracePeriodSeconds"),
                "must not be set for readinessProbes",
                None,
            );
        }
        if v <= 0 {
            r.invalid(
                n,
                &path.key("terminationGracePeriodSeconds"),
                "must be greater than 0",
                None,
            );
        }
    }
}

/// A `postStart` or `preStop` handler.
pub fn lifecycle(r: &mut Report, l: &Node, path: &Path<'_>) {
    for key in ["postStart", "preStop"] {
        if let Some(h) = l.get(key).filter(|n| !n.is_null()) {
            handler(r, h, &path.key(key), &LIFECYCLE_HANDLERS);
        }
    }
}

fn handler(r: &mut Report, h: &Node, path: &Path<'_>, kinds: &[&str]) {
    if h.as_map().is_none() {
        return;
    }
    let present: Vec<&str> = kinds.iter().copied().filter(|k| set(h, k)).collect();
    if present.is_empty() {
        r.required(h, path, "must specify a handler type");
    }
    for k in present.iter().skip(1) {
        let at = h.get(k).unwrap_or(h);
        r.forbidden(at, &path.key(k), "may not specify more than 1 handler type");
    }
    if let Some(e) = h.get("exec").filter(|n| n.as_map().is_some()) {
        if items(e.get("command")).is_empty()
            && e.get("command")
                .is_none_or(|c| c.as_seq().is_some() || c.is_null())
        {
            r.required(e, &path.key("exec").key("command"), "");
        }
    }
    if let Some(g) = h.get("httpGet") {
        let p = path.key("httpGet");
        port(r, g.get("port"), &p.key("port"));
        r.one_of(g.get("scheme"), &p.key("scheme"), &["HTTP", "HTTPS"]);
        for (i, hdr) in items(g.get("httpHeaders")).iter().enumerate() {
            if let Some(n) = hdr.get("name") {
                let ok = string(n).is_some_and(|s| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
                });
                if !ok && string(n).is_some() {
                    r.invalid(
                        n,
                        &p.key("httpHeaders").index(i).key("name"),
                        "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
                        None,
                    );
                }
            }
        }
    }
    if let Some(t) = h.get("tcpSocket") {
        port(r, t.get("port"), &path.key("tcpSocket").key("port"));
    }
    if let Some(g) = h.get("grpc") {
        if let Some((n, v)) = g.get("port").and_then(|n| Some((n, int(n)?))) {
            if !(1..=65535).contains(&v) {
                r.invalid(
                    n,
                    &path.key("grpc").key("port"),
                    "must be between 1 and 65535, inclusive",
                    None,
                );
            }
        }
    }
    if let Some(s) = h.get("sleep") {
        r.at_least(s.get("seconds"), &path.key("sleep").key("seconds"), 0);
    }
}

/// An int-or-string port: 1-65535 or an IANA service name.
pub fn port(r: &mut Report, node: Option<&Node>, path: &Path<'_>) {
    let Some(n) = node else { return };
    if let Some(v) = int(n) {
        if !(1..=65535).contains(&v) {
            r.invalid(n, path, "must be between 1 and 65535, inclusive", None);
        }
    } else if let Some(s) = string(n) {
        if let Some(problem) = names::iana_service_name_problem(s) {
            // A quoted number names a port by number in the API's eyes too:
            // an IntOrString that holds a string must be a name.
            r.invalid(n, path, &format!("must contain only lowercase letters, digits and '-' and at least one letter (IANA_SVC_NAME): {problem}"), None);
        }
    }
}
