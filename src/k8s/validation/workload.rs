//! `pkg/apis/apps/validation` and `pkg/apis/batch/validation`: the specs of
//! DaemonSets, Deployments, StatefulSets, ReplicaSets, Jobs and CronJobs,
//! and what each requires of its pod template. Selector agreement has rules
//! of its own (`selector-mismatch`, `selector-missing`, `selector-empty`).

use super::pod::{self, Kind};
use super::{int, string, Path, Report};
use crate::k8s::Object;
use crate::yaml::Node;

pub fn object(r: &mut Report, o: &Object<'_>) {
    let root = Path::Root;
    let Some(spec) = o.node.get("spec") else {
        return;
    };
    let sp = root.key("spec");
    match o.kind {
        "CronJob" => cron_job(r, spec, &sp),
        "Job" => job(r, spec, &sp),
        kind => {
            r.at_least(spec.get("replicas"), &sp.key("replicas"), 0);
            r.at_least(spec.get("minReadySeconds"), &sp.key("minReadySeconds"), 0);
            r.at_least(
                spec.get("revisionHistoryLimit"),
                &sp.key("revisionHistoryLimit"),
                0,
            );
            match kind {
                "DaemonSet" => daemon_set(r, spec, &sp),
                "Deployment" => deployment(r, spec, &sp),
                "StatefulSet" => stateful_set(r, spec, &sp),
                _ => {}
            }
            template(r, spec, &sp, &["Always"]);
        }
    }
}

/// The pod template: its spec, and the restart policies the controller
/// can run.
fn template(r: &mut Report, spec: &Node, path: &Path<'_>, restart: &[&str]) {
    let Some(t) = spec.get("template") else {
        return;
    };
    let tp = path.key("template");
    let Some(ps) = t.get("spec") else { return };
    let psp = tp.key("spec");
    pod::spec(r, ps, &psp, Kind::Template, t.get("metadata"));
    if let Some(rp) = ps.get("restartPolicy") {
        let is_enum = string(rp).is_some_and(|s| pod::RESTART_POLICIES.contains(&s));
        if is_enum {
            r.one_of(Some(rp), &psp.key("restartPolicy"), restart);
        }
    } else if restart == ["OnFailure", "Never"] && ps.as_map().is_some() {
        // Jobs are defaulted to Always elsewhere, which they cannot run.
        r.required(
            ps,
            &psp.key("restartPolicy"),
            "valid values: \"OnFailure\", \"Never\"",
        );
    }
    if restart == ["Always"] {
        if let Some(n) = ps.get("activeDeadlineSeconds").filter(|n| !n.is_null()) {
            r.forbidden(
                n,
                &psp.key("activeDeadlineSeconds"),
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            );
        }
    }
}

/// `maxUnavailable` and `maxSurge`: a non-negative integer or a percentage.
/// Returns whether the value is zero.
fn int_or_percent(r: &mut Report, node: Option<&Node>, path: &Path<'_>) -> Option<bool> {
    let n = node.filter(|n| !n.is_null())?;
    if let Some(v) = int(n) {
        if v < 0 {
            r.invalid(n, path, "must be greater than or equal to 0", None);
        }
        return Some(v == 0);
    }
    let s = string(n)?;
    let Some(pct) = s
        .strip_suffix('%')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<u64>().ok())
    else {
        r.invalid(
            n,
            path,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            Some("write an integer (2) or a percentage (\"10%\")".into()),
        );
        return None;
    };
    Some(pct == 0)
}

/// `maxUnavailable` may not exceed 100%.
fn at_most_100(r: &mut Report, node: Option<&Node>, path: &Path<'_>) {
    if let Some(n) = node {
        let pct = string(n)
            .and_then(|s| s.strip_suffix('%'))
            .and_then(|d| d.parse::<u64>().ok());
        if pct.is_some_and(|p| p > 100) {
            r.invalid(n, path, "must not be greater than 100%", None);
        }
    }
}

/// Both 0 would never let an update proceed.
fn rolling(r: &mut Report, ru: &Node, path: &Path<'_>, surge_default_zero: bool) {
    let mu = ru.get("maxUnavailable");
    let ms = ru.get("maxSurge");
    let mu_zero = int_or_percent(r, mu, &path.key("maxUnavailable"));
    let ms_zero = int_or_percent(r, ms, &path.key("maxSurge"));
    at_most_100(r, mu, &path.key("maxUnavailable"));
    // Unset maxUnavailable defaults to 1 (DaemonSet) or 25% (Deployment);
    // unset maxSurge to 0 (DaemonSet) or 25% (Deployment).
    let surge_zero = ms_zero.unwrap_or(surge_default_zero && ms.is_none_or(Node::is_null));
    if mu_zero == Some(true) && surge_zero {
        if let Some(n) = mu {
            r.invalid(
                n,
                &path.key("maxUnavailable"),
                "may not be 0 when `maxSurge` is 0",
                Some("allow at least one unavailable pod, or a surge".into()),
            );
        }
    }
}

fn daemon_set(r: &mut Report, spec: &Node, path: &Path<'_>) {
    let Some(us) = spec.get("updateStrategy") else {
        return;
    };
    let p = path.key("updateStrategy");
    let t = us.get("type");
    r.one_of(t, &p.key("type"), &["RollingUpdate", "OnDelete"]);
    if let Some(ru) = us.get("rollingUpdate").filter(|n| !n.is_null()) {
        if t.and_then(string) == Some("OnDelete") {
            r.forbidden(
                ru,
                &p.key("rollingUpdate"),
                "may not be specified when strategy `type` is 'OnDelete'",
            );
        }
        rolling(r, ru, &p.key("rollingUpdate"), true);
    }
}

fn deployment(r: &mut Report, spec: &Node, path: &Path<'_>) {
    if let Some(s) = spec.get("strategy") {
        let p = path.key("strategy");
        let t = s.get("type");
        r.one_of(t, &p.key("type"), &["Recreate", "RollingUpdate"]);
        if let Some(ru) = s.get("rollingUpdate").filter(|n| !n.is_null()) {
            if t.and_then(string) == Some("Recreate") {
                r.forbidden(
                    ru,
                    &p.key("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                );
            }
            rolling(r, ru, &p.key("rollingUpdate"), false);
        }
    }
    let pds = spec
        .get("progressDeadlineSeconds")
        .and_then(|n| Some((n, int(n)?)));
    let mrs = spec.get("minReadySeconds").and_then(int).unwrap_or(0);
    if let Some((n, v)) = pds {
        if v <= mrs {
            r.invalid(
                n,
                &path.key("progressDeadlineSeconds"),
                "must be greater than minReadySeconds",
                None,
            );
        }
    }
}

fn stateful_set(r: &mut Report, spec: &Node, path: &Path<'_>) {
    r.one_of(
        spec.get("podManagementPolicy"),
        &path.key("podManagementPolicy"),
        &["OrderedReady", "Parallel"],
    );
    if let Some(us) = spec.get("updateStrategy") {
        let p = path.key("updateStrategy");
        let t = us.get("type");
        r.one_of(t, &p.key("type"), &["RollingUpdate", "OnDelete"]);
        if let Some(ru) = us.get("rollingUpdate").filter(|n| !n.is_null()) {
            let rp = p.key("rollingUpdate");
            if t.and_then(string) == Some("OnDelete") {
                r.forbidden(ru, &rp, "only allowed for updateStrategy 'RollingUpdate'");
            }
            r.at_least(ru.get("partition"), &rp.key("partition"), 0);
            if let Some(mu) = ru.get("maxUnavailable") {
                if int_or_percent(r, Some(mu), &rp.key("maxUnavailable")) == Some(true) {
                    r.invalid(
                        mu,
                        &rp.key("maxUnavailable"),
                        "must be greater than 0",
                        None,
                    );
                }
                at_most_100(r, Some(mu), &rp.key("maxUnavailable"));
            }
        }
    }
    if let Some(pol) = spec.get("persistentVolumeClaimRetentionPolicy") {
        let p = path.key("persistentVolumeClaimRetentionPolicy");
        for key in ["whenDeleted", "whenScaled"] {
            r.one_of(pol.get(key), &p.key(key), &["Retain", "Delete"]);
        }
    }
    if let Some(o) = spec.get("ordinals") {
        r.at_least(o.get("start"), &path.key("ordinals").key("start"), 0);
    }
}

fn job(r: &mut Report, spec: &Node, path: &Path<'_>) {
    for key in [
        "parallelism",
        "completions",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ] {
        r.at_least(spec.get(key), &path.key(key), 0);
    }
    r.at_least(
        spec.get("activeDeadlineSeconds"),
        &path.key("activeDeadlineSeconds"),
        1,
    );
    r.one_of(
        spec.get("completionMode"),
        &path.key("completionMode"),
        &["NonIndexed", "Indexed"],
    );
    r.one_of(
        spec.get("podReplacementPolicy"),
        &path.key("podReplacementPolicy"),
        &["TerminatingOrFailed", "Failed"],
    );
    template(r, spec, path, &["OnFailure", "Never"]);
}

fn cron_job(r: &mut Report, spec: &Node, path: &Path<'_>) {
    r.one_of(
        spec.get("concurrencyPolicy"),
        &path.key("concurrencyPolicy"),
        &["Allow", "Forbid", "Replace"],
    );
    for key in [
        "startingDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
    ] {
        r.at_least(spec.get(key), &path.key(key), 0);
    }
    if let Some(s) = spec.get("schedule") {
        if let Some(text) = string(s) {
            if let Some(problem) = schedule_problem(text) {
                r.invalid(s, &path.key("schedule"), &problem, None);
            }
        }
    }
    if let Some(js) = spec.get("jobTemplate").and_then(|t| t.get("spec")) {
        job(r, js, &path.key("jobTemplate").key("spec"));
    }
}

/// robfig/cron's standard parser, as the CronJob controller uses it: five
/// fields or a `@` descriptor; `TZ=` in the schedule is refused (use
/// `timeZone`).
fn schedule_problem(s: &str) -> Option<String> {
    let s = s.trim();
    if s.contains("TZ") {
        return Some("cannot use TZ or CRON_TZ in schedule, use timeZone field instead".into());
    }
    if let Some(d) = s.strip_prefix('@') {
        let known = [
            "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly",
        ];
        if known.contains(&d) || d.starts_with("every ") {
            return None;
        }
        return Some(format!("unrecognized descriptor: {s}"));
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "expected exactly 5 fields, found {}: {s}",
            fields.len()
        ));
    }
    let ok = |f: &str| {
        f.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'/' | b',' | b'-' | b'?'))
    };
    fields
        .iter()
        .find(|f| !ok(f))
        .map(|f| format!("failed to parse {f:?} in schedule {s:?}"))
}
