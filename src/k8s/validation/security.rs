//! What pods and containers share: security profiles, id ranges, restart
//! policies.

use super::{int, string, Path, Report};
use crate::yaml::Node;

/// Whether the spec is a Pod's own or a workload's template (an image is
/// required only of a Pod: templates may leave it to admission).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pod,
    Template,
}

pub const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];

/// User and group ids: 0 to 2147483647.
pub fn id_range(r: &mut Report, node: Option<&Node>, path: &Path<'_>) {
    if let Some((n, v)) = node.and_then(|n| Some((n, int(n)?))) {
        if !(0..=i64::from(i32::MAX)).contains(&v) {
            r.invalid(n, path, "must be between 0 and 2147483647, inclusive", None);
        }
    }
}

/// seccomp and AppArmor profiles of a pod's or a container's security
/// context.
pub fn profiles(r: &mut Report, sc: &Node, path: &Path<'_>) {
    for key in ["seccompProfile", "appArmorProfile"] {
        let Some(profile) = sc.get(key) else { continue };
        let p = path.key(key);
        let t = profile.get("type");
        r.one_of(
            t,
            &p.key("type"),
            &["RuntimeDefault", "Unconfined", "Localhost"],
        );
        let localhost = t.and_then(string) == Some("Localhost");
        let lp = profile.get("localhostProfile").filter(|n| !n.is_null());
        match (localhost, lp) {
            (true, None) => r.required(
                t.unwrap_or(profile),
                &p.key("localhostProfile"),
                &format!("must be set when {key} type is Localhost"),
            ),
            (true, Some(n)) if string(n) == Some("") => r.required(
                n,
                &p.key("localhostProfile"),
                &format!("must be set when {key} type is Localhost"),
            ),
            (false, Some(n)) if t.and_then(string).is_some() => r.invalid(
                n,
                &p.key("localhostProfile"),
                &format!("can only be set when {key} type is Localhost"),
                None,
            ),
            _ => {}
        }
    }
}
