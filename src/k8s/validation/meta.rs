//! apimachinery's `ValidateObjectMeta`: the name (and its format per kind)
//! and the namespace. Label and annotation keys and values have rules of
//! their own (`label-key-invalid`, `label-value-invalid`, ...).

use super::{string, Path, Report};
use crate::k8s::names;
use crate::k8s::Object;

/// The format a kind's names must have.
#[derive(Clone, Copy)]
pub enum Name {
    Subdomain,
    /// Services: DNS-1035 labels.
    Dns1035,
    /// CronJobs: subdomains of at most 52 characters (11 are kept for the
    /// suffix of the Jobs it creates).
    CronJob,
    /// RBAC objects: anything a URL path segment holds.
    PathSegment,
}

pub fn object(r: &mut Report, o: &Object<'_>, format: Name) {
    let Some(meta) = o.metadata() else {
        return;
    };
    let root = Path::Root;
    let path = root.key("metadata");
    let name = meta.get("name").and_then(|n| Some((n, string(n)?)));
    let generate = meta.get("generateName").and_then(string);
    if name.is_none() && generate.is_none() && meta.get("name").is_none() {
        r.required(meta, &path.key("name"), "name or generateName is required");
    }
    if let Some((node, name)) = name {
        if let Some(problem) = name_problem(format, name) {
            r.invalid(node, &path.key("name"), &problem, None);
        }
    }
    if let Some(ns) = meta.get("namespace") {
        if let Some(s) = string(ns).filter(|s| !s.is_empty()) {
            if let Some(problem) = names::dns1123_label_problem(s) {
                r.invalid(ns, &path.key("namespace"), &problem, None);
            }
        }
    }
}

fn name_problem(format: Name, name: &str) -> Option<String> {
    match format {
        Name::Subdomain => subdomain(name),
        Name::Dns1035 => names::dns1035_label_problem(name),
        Name::CronJob if name.len() > 52 => Some("must be no more than 52 characters".into()),
        Name::CronJob => subdomain(name),
        Name::PathSegment => names::path_segment_problem(name),
    }
}

/// The API server's message when `s` is not a DNS-1123 subdomain.
pub fn subdomain(s: &str) -> Option<String> {
    if names::is_dns1123_subdomain(s) {
        return None;
    }
    if s.len() > 253 {
        return Some("must be no more than 253 characters".into());
    }
    Some(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' \
         or '.', and must start and end with an alphanumeric character (e.g. 'example.com', \
         regex used for validation is \
         '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            .into(),
    )
}
