//! The coverage report of `relabel-sim --manifests`: per workload and port,
//! which job scrapes it (labels and URL) and why each other job does not.

use super::{
    duplicates, why_not_all, Coverage, JobOutcome, JobSummary, PortCoverage, WorkloadCoverage,
};
use crate::diag::Error;
use crate::relabel::Labels;
use crate::yaml::escape_controls as esc;

/// The text report.
pub fn text(c: &Coverage, locate: &dyn Fn(usize) -> String) -> String {
    let mut out = String::new();
    let simulated: Vec<&JobSummary> = c.jobs.iter().filter(|j| j.simulated).collect();
    out.push_str(&format!(
        "{} {} node(s) ({}); pod IPs are placeholders\n",
        if c.nodes_from_input {
            "the input's"
        } else {
            "simulated"
        },
        c.nodes.len(),
        node_range(&c.nodes)
    ));
    if let Some(note) = &c.selected {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push('\n');
    for w in &c.workloads {
        out.push_str(&format!(
            "{} {}/{} ({}): {} simulated pod(s)",
            w.kind,
            esc(&w.namespace),
            esc(&w.name),
            esc(&locate(w.object)),
            w.pods
        ));
        if let Some(why) = &w.asks_to_be_scraped {
            out.push_str(&format!("; asks to be scraped ({why})"));
        }
        out.push('\n');
        if let Some(note) = &w.note {
            out.push_str(&format!("  note: {}\n", esc(note)));
        }
        for p in &w.ports {
            out.push_str(&format!("  {}\n", p.describe()));
            let mut lines = 0;
            for job in &simulated {
                lines += 1;
                match p.jobs.iter().find(|o| o.job_index == job.index) {
                    Some(o) if o.kept > 0 => kept_line(&mut out, "scraped", o.kept, o),
                    Some(o) if o.probed > 0 => kept_line(&mut out, "probed ", o.probed, o),
                    Some(JobOutcome {
                        unreachable: Some(why),
                        ..
                    }) => out.push_str(&format!("    -        {}\n", esc(why))),
                    Some(o) => {
                        out.push_str(&format!("    dropped  {}\n", dropped_text(o, &job.job)))
                    }
                    // Jobs that reach ports by address speak only of those.
                    None if job.discovers_pods() => {
                        out.push_str(&format!("    -        {}\n", not_discovered(job, w, p)))
                    }
                    None => lines -= 1,
                }
                if let Some(o) = p.jobs.iter().find(|o| o.job_index == job.index) {
                    out.push_str(&crate::sim::report::text_steps(
                        &o.steps,
                        TRACE_INDENT,
                        false,
                    ));
                }
            }
            if lines == 0 {
                out.push_str("    no job discovers its pods or reaches this port\n");
            }
        }
        if w.ports.iter().all(|p| p.kept_by().is_empty()) && w.pods > 0 {
            match &w.asks_to_be_scraped {
                Some(_) => out.push_str("  NOT SCRAPED, although it asks to be\n"),
                None => out.push_str("  not scraped\n"),
            }
        }
        out.push('\n');
    }
    for (w, p, jobs) in duplicates(c) {
        let wc = &c.workloads[w];
        out.push_str(&format!(
            "scraped twice: {} {}/{} {} by {}\n",
            wc.kind,
            wc.namespace,
            wc.name,
            wc.ports[p].describe(),
            jobs.join(" and ")
        ));
    }
    out.push_str("jobs:\n");
    for j in &c.jobs {
        if j.simulated {
            out.push_str(&format!(
                "  {} ({}, {}): kept {} of {} simulated target(s)",
                j.job,
                esc(&j.place()),
                j.sources(),
                j.kept,
                j.discovered
            ));
            match j.reach.as_ref().map(super::ReachCounts::describe) {
                Some(reach) if !reach.is_empty() => out.push_str(&format!(": {reach}\n")),
                _ => out.push('\n'),
            }
        } else {
            out.push_str(&format!(
                "  {} ({}): not simulated, {}\n",
                j.job,
                esc(&j.place()),
                j.note.as_deref().unwrap_or("")
            ));
        }
    }
    let scraped = c
        .workloads
        .iter()
        .filter(|w| !w.scraped_by().is_empty())
        .count();
    let missing = c
        .workloads
        .iter()
        .filter(|w| w.asks_to_be_scraped.is_some() && w.scraped_by().is_empty() && w.pods > 0)
        .count();
    out.push_str(&format!(
        "\nsummary: {} workload(s), {scraped} scraped, {missing} asking to be scraped but not scraped\n",
        c.workloads.len()
    ));
    out
}

/// Where a job's trace starts, under its verdict line.
const TRACE_INDENT: &str = "             ";

fn node_range(nodes: &[String]) -> String {
    match nodes {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] => format!("{first} .. {last}"),
    }
}

/// A job that scrapes (or probes) the port, `n` times.
fn kept_line(out: &mut String, verb: &str, n: usize, o: &JobOutcome) {
    let url = o.scrape_url.as_deref().unwrap_or("");
    let mut line = format!("    {verb}  {} {url}", o.job);
    if n > 1 {
        line.push_str(&format!(" (×{n} targets)"));
    }
    if let Some(via) = &o.via {
        line.push_str(&format!(" through {}", esc(via)));
    }
    if o.dropped > 0 {
        line.push_str(&format!(", {} dropped", o.dropped));
    }
    out.push_str(&line);
    out.push('\n');
    if let Some(t) = &o.target {
        out.push_str(&format!("             {}\n", show_labels(t)));
    }
}

fn dropped_text(o: &JobOutcome, job: &str) -> String {
    match (o.dropped_by_rule, &o.error) {
        (Some(i), _) => format!(
            "{job} by relabel_configs[{i}] ({}, {})",
            o.dropped_by_action.unwrap_or("?"),
            esc(&o.dropped_by_place())
        ),
        (None, Some(e)) => format!("{job}: {e}"),
        (None, None) => job.to_string(),
    }
}

fn not_discovered(job: &JobSummary, w: &WorkloadCoverage, p: &PortCoverage) -> String {
    if !job.roles.contains(&crate::k8s_sd::Role::Pod) {
        format!(
            "{}: not discovered ({})",
            job.job,
            w.not_in_endpoints(Some(p), "these pods")
        )
    } else {
        format!(
            "{}: not discovered (excluded by its namespaces or selectors)",
            job.job
        )
    }
}

fn show_labels(l: &Labels) -> String {
    let parts: Vec<String> = l.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// The JSON and YAML report: the whole analysis, its findings, and the
/// input error that stopped it (then without an analysis).
pub fn document(c: Option<&Coverage>, errors: &[Error]) -> serde_json::Value {
    let Some(c) = c else {
        return serde_json::json!({
            "coverage": null,
            "not_scraped": [],
            "scraped_twice": [],
            "errors": crate::report::json::errors(errors),
        });
    };
    let missing: Vec<serde_json::Value> = c
        .workloads
        .iter()
        .filter(|w| w.asks_to_be_scraped.is_some() && w.scraped_by().is_empty() && w.pods > 0)
        .map(|w| {
            let reasons = why_not_all(w, &c.jobs);
            serde_json::json!({"kind": w.kind, "namespace": w.namespace, "name": w.name, "why": reasons})
        })
        .collect();
    let dups: Vec<serde_json::Value> = duplicates(c)
        .into_iter()
        .map(|(w, p, jobs)| {
            let wc = &c.workloads[w];
            serde_json::json!({"kind": wc.kind, "namespace": wc.namespace, "name": wc.name,
                "port": wc.ports[p].describe(), "jobs": jobs})
        })
        .collect();
    serde_json::json!({
        "coverage": c,
        "not_scraped": missing,
        "scraped_twice": dups,
        "errors": crate::report::json::errors(errors),
    })
}
