//! relabel-sim output: a terminal report, or the stable JSON/YAML contract.

use std::fmt::Write;

use serde::Serialize;

use super::run::{JobRun, SimResult};
use crate::relabel::Labels;

#[derive(Serialize)]
struct Contract<'a> {
    results: Vec<&'a SimResult>,
}

fn contract(runs: &[JobRun]) -> Contract<'_> {
    Contract {
        results: runs
            .iter()
            .flat_map(|r| r.entries.iter().map(|e| &e.result))
            .collect(),
    }
}

pub fn json(runs: &[JobRun]) -> String {
    let mut s = serde_json::to_string_pretty(&contract(runs))
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

pub fn yaml(runs: &[JobRun]) -> String {
    serde_saphyr::to_string(&contract(runs)).unwrap_or_else(|e| format!("error: {e}\n"))
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Go-style quoting of a label value.
fn quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
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
    out.push('"');
    out
}

fn label_name(n: &str) -> String {
    if crate::relabel::is_legacy_label_name(n) {
        n.to_string()
    } else {
        quote(n)
    }
}

/// `{a="b", c="d"}`; with `name_first`, a legacy `__name__` is written in
/// front like PromQL does (`up{job="x"}`).
pub fn fmt_labels(l: &Labels, name_first: bool) -> String {
    let name = l
        .get("__name__")
        .filter(|n| name_first && crate::relabel::is_legacy_label_name(n));
    let parts: Vec<String> = l
        .iter()
        .filter(|(k, _)| !(name.is_some() && k.as_str() == "__name__"))
        .map(|(k, v)| format!("{}={}", label_name(k), quote(v)))
        .collect();
    match name {
        Some(n) if parts.is_empty() => n.clone(),
        Some(n) => format!("{n}{{{}}}", parts.join(", ")),
        None => format!("{{{}}}", parts.join(", ")),
    }
}

fn public(l: &Labels) -> Labels {
    l.iter()
        .filter(|(k, _)| !k.starts_with("__"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub fn human(runs: &[JobRun], color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let (mut total, mut kept, mut dropped, mut errors) = (0, 0, 0, 0);
    for run in runs {
        let series = run.rules_key == "metric_relabel_configs";
        let noun = match (series, run.entries.len()) {
            (true, _) => "series",
            (false, 1) => "target",
            _ => "targets",
        };
        let n = run.entries.len();
        let k = run
            .entries
            .iter()
            .filter(|e| e.result.relabeled.is_some() && e.result.error.is_none())
            .count();
        let e = run
            .entries
            .iter()
            .filter(|e| e.result.error.is_some())
            .count();
        let d = n - k - e;
        total += n;
        kept += k;
        dropped += d;
        errors += e;
        let title = match (&run.job, run.line) {
            (Some(j), Some(line)) => format!("job {} (line {line})", quote(j)),
            (Some(j), None) => format!("job {}", quote(j)),
            _ => "relabel rules".to_string(),
        };
        let _ = writeln!(
            out,
            "{}: {n} {noun}, {k} kept, {d} dropped{}; {} {}",
            st.paint("1", &title),
            if e > 0 {
                format!(", {e} failed")
            } else {
                String::new()
            },
            run.rules.len(),
            run.rules_key,
        );
        for note in &run.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        for entry in &run.entries {
            let r = &entry.result;
            if let Some(err) = &r.error {
                let _ = writeln!(out, "  {} {}", st.paint("31", "error  "), entry.name);
                let _ = writeln!(out, "          {err}");
            } else if let Some(relabeled) = &r.relabeled {
                let _ = writeln!(out, "  {} {}", st.paint("32", "kept   "), entry.name);
                if let Some(url) = &r.scrape_url {
                    let _ = writeln!(out, "          {url}");
                }
                let shown = match &r.target {
                    Some(t) => public(t),
                    None => relabeled.clone(),
                };
                let _ = writeln!(out, "          {}", fmt_labels(&shown, series));
            } else {
                let _ = writeln!(out, "  {} {}", st.paint("33", "dropped"), entry.name);
                match r
                    .dropped_by_rule
                    .and_then(|i| run.rules.iter().find(|x| x.index == i))
                {
                    Some(rule) => {
                        let _ = writeln!(
                            out,
                            "          by {}[{}] ({}, line {})",
                            run.rules_key, rule.index, rule.action, rule.line
                        );
                    }
                    None => {
                        let _ = writeln!(out, "          relabeling left no labels");
                    }
                }
            }
            for step in &r.steps {
                let head = format!("[{}] {} (line {})", step.rule, step.action, step.line);
                let mut lines: Vec<String> = Vec::new();
                if step.dropped {
                    lines.push(st.paint("33", "dropped"));
                }
                for (k, v) in &step.added {
                    lines.push(st.paint("32", &format!("+ {}={}", label_name(k), quote(v))));
                }
                for (k, [old, new]) in &step.changed {
                    lines.push(st.paint(
                        "36",
                        &format!("~ {}: {} -> {}", label_name(k), quote(old), quote(new)),
                    ));
                }
                for (k, v) in &step.removed {
                    lines.push(st.paint("31", &format!("- {}={}", label_name(k), quote(v))));
                }
                if lines.is_empty() {
                    lines.push("no change".to_string());
                }
                let pad = " ".repeat(10 + head.chars().count() + 2);
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        let _ = writeln!(out, "          {head}  {l}");
                    } else {
                        let _ = writeln!(out, "{pad}{l}");
                    }
                }
            }
        }
        out.push('\n');
    }
    let noun = if runs.iter().any(|r| r.rules_key == "metric_relabel_configs") {
        "series"
    } else if total == 1 {
        "target"
    } else {
        "targets"
    };
    let scope = match runs {
        [one] if one.job.is_none() => "1 rule list".to_string(),
        [_] => "1 job".to_string(),
        _ => format!("{} jobs", runs.len()),
    };
    let _ = writeln!(
        out,
        "summary: {scope}, {total} {noun}: {kept} kept, {dropped} dropped, {errors} failed"
    );
    out
}
