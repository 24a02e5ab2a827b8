//! relabel-sim output: a terminal report, or the stable JSON/YAML contract
//! (`{"results": [...]}`), rendered one result at a time.

use std::fmt::Write;

use serde::Serialize;

use super::result::{Counts, JobInfo, Outcome, TargetResult};
use crate::relabel::{is_legacy_label_name, Labels, SortedLabels};
use crate::report::style::{paint, BAD, CHANGED, DROPPED, GOOD, TITLE};
use crate::yaml::escape_controls as esc;

/// One result in the stable JSON and YAML contract: the job, then the
/// result's fields.
#[derive(Serialize)]
struct Contract<'a> {
    job: Option<&'a str>,
    #[serde(flatten)]
    result: &'a TargetResult<'a>,
}

/// Appends one result as compact JSON (one line per result keeps big
/// outputs greppable and fast to write): the text `serde_json` gives for
/// [`Contract`], written straight from the result's borrowed labels
/// (serde's string escaping was the costliest part of a big report).
pub fn write_json_result(out: &mut Vec<u8>, job: Option<&str>, r: &TargetResult<'_>) {
    use crate::report::json::push_str;
    fn text(out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => push_str(out, s),
            None => out.extend_from_slice(b"null"),
        }
    }
    out.extend_from_slice(b"{\"job\":");
    text(out, job);
    out.extend_from_slice(b",\"discovered\":");
    // Most relabeled labels are discovered ones and most target labels
    // relabeled ones: their text is copied from the set before.
    let mut discovered = Vec::with_capacity(r.discovered.len());
    labels(out, &r.discovered, None, Some(&mut discovered));
    out.extend_from_slice(b",\"relabeled\":");
    let mut relabeled = Vec::new();
    match &r.relabeled {
        Some(l) => {
            relabeled.reserve(l.len());
            let before = Some((&r.discovered, discovered.as_slice()));
            labels(out, l, before, Some(&mut relabeled));
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"dropped_by_rule\":");
    match r.dropped_by_rule {
        Some(n) => out.extend_from_slice(n.to_string().as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"target\":");
    match &r.target {
        Some(l) => {
            let before = r.relabeled.as_ref().map(|p| (p, relabeled.as_slice()));
            labels(out, l, before, None);
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"scrape_url\":");
    text(out, r.scrape_url.as_deref());
    out.extend_from_slice(b",\"error\":");
    text(out, r.error.as_deref());
    out.extend_from_slice(b",\"steps\":");
    // Steps are few and only with --steps; writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &r.steps);
    if let Some(w) = &r.remote_write {
        out.extend_from_slice(b",\"remote_write\":");
        let _ = serde_json::to_writer(&mut *out, w);
    }
    out.push(b'}');
}

/// Where one label's `"name":"value"` text lies in the output.
type Span = std::ops::Range<usize>;

/// Appends a label set as a JSON object. Labels equal to consecutive ones
/// of `before` (a set already in `out`, with its labels' spans) are copied
/// from there a run at a time instead of escaped again; with `spans`, each
/// label's span is recorded for the next set.
fn labels(
    out: &mut Vec<u8>,
    l: &SortedLabels<'_>,
    before: Option<(&SortedLabels<'_>, &[Span])>,
    mut spans: Option<&mut Vec<Span>>,
) {
    use crate::report::json::push_str;
    let (prev, prev_spans) = match before {
        Some((p, s)) if p.len() == s.len() => (p.pairs(), s),
        _ => (&[][..], &[][..]),
    };
    // Copies prev[run] (spans included, commas between) to the end of `out`.
    let copy =
        |out: &mut Vec<u8>, run: std::ops::Range<usize>, spans: &mut Option<&mut Vec<Span>>| {
            let from = prev_spans[run.start].start..prev_spans[run.end - 1].end;
            let at = out.len();
            out.extend_from_within(from.clone());
            if let Some(spans) = spans {
                spans.extend(
                    prev_spans[run]
                        .iter()
                        .map(|s| s.start - from.start + at..s.end - from.start + at),
                );
            }
        };
    out.push(b'{');
    // The next label of `prev` to compare, and the run matched so far.
    let mut j = 0;
    let mut run = 0..0;
    for (i, (name, value)) in l.iter().enumerate() {
        // Labels passed on unchanged share their text: compare addresses
        // first, and names (both sets are sorted) only when they differ.
        let same_text = |k: usize| {
            let (n, v) = &prev[k];
            std::ptr::eq(n.as_ref(), name) && std::ptr::eq(v.as_ref(), value)
        };
        let found = if j < prev.len() && same_text(j) {
            Some(j)
        } else {
            while j < prev.len() && prev[j].0.as_ref() < name {
                j += 1;
            }
            (j < prev.len() && prev[j].0 == name && prev[j].1 == value).then_some(j)
        };
        match found {
            Some(k) if k == run.end && !run.is_empty() => run.end += 1,
            Some(k) => {
                if !run.is_empty() {
                    copy(out, run, &mut spans);
                }
                if i > 0 {
                    out.push(b',');
                }
                run = k..k + 1;
            }
            None => {
                if !run.is_empty() {
                    copy(out, std::mem::replace(&mut run, 0..0), &mut spans);
                }
                if i > 0 {
                    out.push(b',');
                }
                let at = out.len();
                push_str(out, name);
                out.push(b':');
                push_str(out, value);
                if let Some(spans) = &mut spans {
                    spans.push(at..out.len());
                }
            }
        }
        if let Some(k) = found {
            j = k + 1;
        }
    }
    if !run.is_empty() {
        copy(out, run, &mut spans);
    }
    out.push(b'}');
}

/// One result as a YAML sequence item under `results:`.
pub fn yaml_result(job: Option<&str>, r: &TargetResult<'_>) -> String {
    crate::report::yaml::sequence_item(&Contract { job, result: r })
}

/// Go-style quoting of a label value.
pub fn quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    push_quoted(&mut out, v);
    out
}

/// Appends `v` double-quoted with PromQL escapes.
fn push_quoted(out: &mut String, v: &str) {
    out.push('"');
    if !v
        .bytes()
        .any(|b| b == b'"' || b == b'\\' || b.is_ascii_control() || b >= 0x80)
    {
        out.push_str(v); // the common case: nothing to escape
    } else {
        for c in v.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

fn push_label_name(out: &mut String, n: &str) {
    if is_legacy_label_name(n) {
        out.push_str(n);
    } else {
        push_quoted(out, n);
    }
}

fn label_name(n: &str) -> String {
    let mut out = String::new();
    push_label_name(&mut out, n);
    out
}

/// `{a="b", c="d"}`; with `name_first`, a legacy `__name__` is written in
/// front like PromQL does (`up{job="x"}`).
pub fn fmt_labels(l: &Labels, name_first: bool) -> String {
    let mut out = String::new();
    push_labels(
        &mut out,
        l.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        name_first,
    );
    out
}

/// Appends labels as [`fmt_labels`] formats them.
fn push_labels<'l>(
    out: &mut String,
    labels: impl Iterator<Item = (&'l str, &'l str)> + Clone,
    name_first: bool,
) {
    let name = labels
        .clone()
        .find(|(k, _)| *k == "__name__")
        .map(|(_, v)| v)
        .filter(|n| name_first && is_legacy_label_name(n));
    let mut parts = labels
        .filter(|(k, _)| !(name.is_some() && *k == "__name__"))
        .peekable();
    if let Some(n) = name {
        out.push_str(n);
        if parts.peek().is_none() {
            return;
        }
    }
    out.push('{');
    let mut first = true;
    for (k, v) in parts {
        if !first {
            out.push_str(", ");
        }
        first = false;
        push_label_name(out, k);
        out.push('=');
        push_quoted(out, v);
    }
    out.push('}');
}

/// Target labels that reach scraped series (no `__` prefix).
fn public<'l>(l: &'l SortedLabels<'_>) -> impl Iterator<Item = (&'l str, &'l str)> + Clone {
    l.iter().filter(|(k, _)| !k.starts_with("__"))
}

pub fn text_job_header(info: &JobInfo, color: bool) -> String {
    let title = match (&info.job, info.line) {
        (Some(j), _) if info.origin.is_some() => {
            let o = info
                .origin
                .as_ref()
                .map(|o| o.describe_job())
                .unwrap_or_default();
            format!("job {} ({})", quote(j), esc(&o))
        }
        (Some(j), Some(line)) => format!("job {} (line {line})", quote(j)),
        (Some(j), None) => format!("job {}", quote(j)),
        _ => "relabel rules".to_string(),
    };
    let n = info.rules.len();
    let mut out = format!("{}: {n} {}\n", paint(color, TITLE, &title), info.rules_key);
    if let Some(w) = &info.write {
        let _ = writeln!(
            out,
            "  then {}: {} write_relabel_configs over the series kept (kept: sent)",
            esc(&w.title),
            w.rules.len()
        );
    }
    for note in &info.notes {
        let _ = writeln!(out, "  note: {}", esc(note));
    }
    out
}

const PAD: &str = "          ";

pub fn text_entry(info: &JobInfo, name: &str, r: &TargetResult<'_>, color: bool) -> String {
    let mut out = String::new();
    let name = esc(name);
    let sent = r.remote_write.as_deref();
    let write_title = info.write.as_ref().map_or("", |w| w.title.as_str());
    match r.outcome() {
        Outcome::Failed => {
            let _ = writeln!(out, "  {} {name}", paint(color, BAD, "error  "));
            let error = r.error.as_deref().or(sent.and_then(|w| w.error.as_deref()));
            let _ = writeln!(out, "{PAD}{}", esc(error.unwrap_or("")));
        }
        Outcome::Kept => {
            let _ = writeln!(out, "  {} {name}", paint(color, GOOD, "kept   "));
            if let Some(url) = &r.scrape_url {
                let _ = writeln!(out, "{PAD}{}", esc(url));
            }
            out.push_str(PAD);
            match (&r.target, &r.relabeled) {
                (Some(t), _) => push_labels(&mut out, public(t), info.is_series()),
                (None, Some(l)) => push_labels(&mut out, l.iter(), info.is_series()),
                _ => out.push_str("{}"),
            }
            out.push('\n');
            if let Some(l) = sent.and_then(|w| w.relabeled.as_ref()) {
                let _ = write!(out, "{PAD}sent to {} as ", esc(write_title));
                push_labels(&mut out, l.iter(), true);
                out.push('\n');
            }
        }
        Outcome::Dropped => {
            let _ = writeln!(out, "  {} {name}", paint(color, DROPPED, "dropped"));
            match sent.filter(|_| r.relabeled.is_some()) {
                // Stored by the scrape, then dropped by write relabeling.
                Some(w) => {
                    let rules = info.write.as_ref().map_or(&[][..], |w| &w.rules[..]);
                    let by = dropped_by(rules, w.dropped_by_rule, "write_relabel_configs");
                    let _ = writeln!(out, "{PAD}{}: {by}; stored, not sent", esc(write_title));
                    if let Some(l) = &r.relabeled {
                        out.push_str(PAD);
                        push_labels(&mut out, l.iter(), true);
                        out.push('\n');
                    }
                }
                None => {
                    let by = dropped_by(&info.rules, r.dropped_by_rule, info.rules_key);
                    let _ = writeln!(out, "{PAD}{by}");
                }
            }
        }
    }
    out.push_str(&text_steps(&r.steps, PAD, color));
    if let Some(w) = sent.filter(|w| !w.steps.is_empty()) {
        let _ = writeln!(out, "{PAD}then {} write_relabel_configs:", esc(write_title));
        out.push_str(&text_steps(&w.steps, PAD, color));
    }
    out
}

/// `by KEY[N] (action, line L)`, or why a series without a dropping rule
/// was dropped.
fn dropped_by(rules: &[super::result::RuleRef], index: Option<usize>, key: &str) -> String {
    match index.and_then(|i| rules.iter().find(|x| x.index == i)) {
        Some(rule) => format!(
            "by {key}[{}] ({}, {})",
            rule.index,
            rule.action,
            esc(&rule.place)
        ),
        None => "relabeling left no labels".to_string(),
    }
}

/// Each traced step: the rule, what it changed (or decided), and why;
/// lines start with `pad`.
pub fn text_steps(steps: &[crate::relabel::Step], indent: &str, color: bool) -> String {
    let mut out = String::new();
    for step in steps {
        let head = format!("[{}] {} ({})", step.rule, step.action, esc(&step.place()));
        let mut lines: Vec<String> = Vec::new();
        if step.dropped {
            lines.push(paint(color, DROPPED, "dropped"));
        }
        for (k, v) in &step.added {
            lines.push(paint(
                color,
                GOOD,
                &format!("+ {}={}", label_name(k), quote(v)),
            ));
        }
        for (k, [old, new]) in &step.changed {
            lines.push(paint(
                color,
                CHANGED,
                &format!("~ {}: {} -> {}", label_name(k), quote(old), quote(new)),
            ));
        }
        for (k, v) in &step.removed {
            lines.push(paint(
                color,
                BAD,
                &format!("- {}={}", label_name(k), quote(v)),
            ));
        }
        if lines.is_empty() {
            lines.push(no_change(step).to_string());
        }
        if let Some(why) = &step.why {
            lines.push(esc(&why.text()).into_owned());
        }
        let pad = " ".repeat(indent.len() + head.chars().count() + 2);
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                let _ = writeln!(out, "{indent}{head}  {l}");
            } else {
                let _ = writeln!(out, "{pad}{l}");
            }
        }
    }
    out
}

/// The first line of a step that changed nothing: what the rule decided.
fn no_change(step: &crate::relabel::Step) -> &'static str {
    let matched = step.why.as_ref().and_then(|w| w.matched);
    if step.why.as_ref().is_some_and(|w| w.deletes) {
        return "no change: deletes a label that is not set";
    }
    match (step.action, matched) {
        ("keep" | "drop" | "keepequal" | "dropequal", _) => "kept",
        ("replace", Some(false)) => "no change: regex did not match",
        ("replace", Some(true)) => "no change: wrote the same value",
        ("labelmap" | "labeldrop", Some(false)) => "no change: regex matched no label name",
        ("labelmap", Some(true)) => "no change: mapped names already had these values",
        ("labelkeep", Some(true)) => "no change: every label name matched",
        ("hashmod" | "lowercase" | "uppercase", _) => "no change: wrote the same value",
        _ => "no change",
    }
}

fn noun(series: bool, n: usize) -> &'static str {
    match (series, n) {
        (true, _) => "series",
        (false, 1) => "target",
        _ => "targets",
    }
}

fn counts_line(c: Counts, series: bool) -> String {
    let mut s = format!(
        "{} {}: {} kept, {} dropped",
        c.total(),
        noun(series, c.total()),
        c.kept,
        c.dropped
    );
    if c.failed > 0 {
        let _ = write!(s, ", {} failed", c.failed);
    }
    s
}

/// Kept targets identical after relabeling to an earlier one (name, name of
/// the first): Prometheus scrapes each such set once.
pub fn text_duplicates(dups: &[(String, String)]) -> String {
    const SHOWN: usize = 5;
    let mut out = format!(
        "  {} duplicate target(s): identical after relabeling to an earlier target of this job, so Prometheus scrapes them once\n",
        dups.len()
    );
    for (dup, first) in dups.iter().take(SHOWN) {
        out.push_str(&format!("    {dup} = {first}\n"));
    }
    if dups.len() > SHOWN {
        out.push_str(&format!("    and {} more\n", dups.len() - SHOWN));
    }
    out
}

pub fn text_job_footer(info: &JobInfo, c: Counts, _color: bool) -> String {
    format!("  = {}\n\n", counts_line(c, info.is_series()))
}

pub fn text_summary(
    jobs: usize,
    only_rule_list: bool,
    series: bool,
    c: Counts,
    color: bool,
) -> String {
    let scope = match (jobs, only_rule_list) {
        (1, true) => "1 rule list".to_string(),
        (1, false) => "1 job".to_string(),
        (n, _) => format!("{n} jobs"),
    };
    format!(
        "{} {scope}, {}\n",
        paint(color, TITLE, "summary:"),
        counts_line(c, series)
    )
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::relabel::{labels, Step};

    /// The hand-written JSON is exactly the contract's serde text.
    #[test]
    fn json_result_is_the_contracts_serde_text() {
        let discovered = labels(&[
            ("__address__", "10.0.0.1:9100"),
            (
                "__meta_kubernetes_pod_annotation_note",
                "say \"hi\"\n\tand \\ \u{1}",
            ),
            ("ünï", "✓ 🦀"),
        ]);
        let relabeled = labels(&[("__address__", "10.0.0.1:9100"), ("job", "node")]);
        let step = Step {
            rule: 0,
            action: "replace",
            line: 7,
            origin: None,
            added: labels(&[("job", "node")]),
            changed: [("a".to_string(), ["x\"".to_string(), "y".to_string()])].into(),
            removed: labels(&[("gone", "\u{7}")]),
            dropped: false,
            why: None,
        };
        let kept = TargetResult {
            discovered: SortedLabels::of(&discovered),
            relabeled: Some(SortedLabels::of(&relabeled)),
            dropped_by_rule: None,
            target: Some(SortedLabels::of(&relabeled)),
            scrape_url: Some("http://10.0.0.1:9100/metrics?a=\"b\"".into()),
            error: None,
            steps: vec![step.clone(), step.clone()],
            remote_write: None,
        };
        let dropped = TargetResult {
            discovered: SortedLabels::of(&discovered),
            relabeled: None,
            dropped_by_rule: Some(12),
            target: None,
            scrape_url: None,
            error: Some("instance \"x\" is invalid".into()),
            steps: Vec::new(),
            remote_write: None,
        };
        let empty = TargetResult {
            discovered: SortedLabels::default(),
            relabeled: Some(SortedLabels::default()),
            ..dropped.clone()
        };
        // Later sets sharing labels with the one before by address, by
        // text only, or not at all, in runs and apart.
        let base = labels(&[
            ("__a", "1"),
            ("__b", "2"),
            ("__meta_c", "3"),
            ("d", "4"),
            ("e", "x\"y"),
        ]);
        let shared = SortedLabels::of(&base);
        let mut rel = shared.pairs().to_vec();
        rel[1].1 = Cow::Borrowed("changed");
        rel.insert(2, (Cow::Borrowed("__b2"), Cow::Borrowed("new")));
        rel[4].1 = Cow::Owned("4".to_string());
        rel.push((Cow::Owned("e".to_string()), Cow::Owned("x\"y".to_string())));
        rel.remove(5);
        rel.push((Cow::Borrowed("z"), Cow::Borrowed("9")));
        let rel = SortedLabels::from_sorted(rel);
        let mut target = rel.filtered(|n| !n.starts_with("__meta_"));
        target.insert(Cow::Borrowed("instance"), Cow::Borrowed("i"));
        target.insert(Cow::Borrowed("__a"), Cow::Borrowed("1"));
        let mixed = TargetResult {
            discovered: shared.clone(),
            relabeled: Some(rel),
            target: Some(target),
            ..kept.clone()
        };
        let disjoint = TargetResult {
            discovered: SortedLabels::of(&relabeled),
            relabeled: Some(shared.clone()),
            target: Some(SortedLabels::of(&discovered)),
            ..kept.clone()
        };
        let sent = TargetResult {
            remote_write: Some(Box::new(crate::prom::target::WriteStage {
                name: "a\"b".into(),
                index: 1,
                relabeled: Some(SortedLabels::of(&relabeled).into_owned()),
                dropped_by_rule: None,
                error: None,
                steps: vec![step],
            })),
            ..kept.clone()
        };
        for r in [&kept, &dropped, &empty, &mixed, &disjoint, &sent] {
            for job in [Some("kubernetes-pods"), Some("a\"b"), None] {
                let mut out = Vec::new();
                write_json_result(&mut out, job, r);
                let serde = serde_json::to_string(&Contract { job, result: r }).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), serde);
            }
        }
    }
}
