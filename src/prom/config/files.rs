//! `scrape_config_files`: the patterns a prometheus.yml names, and the
//! jobs of one included file (only `scrape_configs:`, validated with the
//! main config's `global`, as Prometheus's `GetScrapeConfigs` does).

use super::{parse_global, parse_jobs, Ctx, ScrapeJob};
use crate::diag::Error;
use crate::relabel::Flavor;
use crate::yaml::{Node, Source, Span};

use std::cell::RefCell;

/// Prometheus's `patRulePath`: at most one `*`, in the last path element.
pub(super) fn valid_pattern(p: &str) -> bool {
    match p.find('*') {
        None => true,
        Some(i) => !p[i + 1..].contains(['*', '/']),
    }
}

/// Checks the `scrape_config_files` list (errors recorded in `ctx`).
pub(super) fn check(ctx: &Ctx<'_>, root: &Node) {
    let Some(list) = root.get("scrape_config_files").filter(|n| !n.is_null()) else {
        return;
    };
    let Some(items) = ctx.ok(ctx.d().seq(list, "[]string")) else {
        return;
    };
    for item in items {
        if let Some(p) = ctx.ok(ctx.string(item)) {
            if !valid_pattern(&p) {
                ctx.report(ctx.err(
                    item.span,
                    format!("invalid scrape config file path {p:?}"),
                    "a `*` only in the last path element, once",
                ));
            }
        }
    }
}

/// The valid `scrape_config_files` patterns of a config already checked by
/// [`super::parse_config`], each with its span.
pub fn patterns(root: &Node) -> Vec<(String, Span)> {
    root.get("scrape_config_files")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| Some((n.as_str()?.to_string(), n.span)))
        .filter(|(p, _)| valid_pattern(p))
        .collect()
}

/// The jobs of one file `scrape_config_files` includes that could be read,
/// and every error in it, in file order; `main` is the including config.
pub fn parse_included(
    src: &Source,
    root: &Node,
    main: (&Source, &Node),
    flavor: Flavor,
) -> (Vec<ScrapeJob>, Vec<Error>) {
    let main_ctx = Ctx {
        src: main.0,
        root: main.1,
        flavor,
        errors: RefCell::new(Vec::new()),
    };
    // The main config's own errors are reported with it.
    let global = parse_global(&main_ctx, main.1.get("global"));
    let ctx = Ctx {
        src,
        root,
        flavor,
        errors: RefCell::new(Vec::new()),
    };
    let mut jobs = Vec::new();
    if !root.is_null() && ctx.check_fields(root, &["scrape_configs"], "config.ScrapeConfigs") {
        if let Some(list) = root.get("scrape_configs").filter(|n| !n.is_null()) {
            match list.as_seq() {
                Some(items) => jobs = parse_jobs(&ctx, items, &global),
                None => ctx.report(ctx.d().mismatch(
                    list,
                    "[]*config.ScrapeConfig",
                    "expected a list of scrape configs",
                )),
            }
        }
    }
    let mut errors = ctx.errors.into_inner();
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    (jobs, errors)
}

#[cfg(test)]
mod tests {
    use super::valid_pattern;

    #[test]
    fn patterns_as_prometheus_pat_rule_path() {
        for ok in ["jobs/*.yml", "a/b.yml", "/etc/prometheus/*", "x*"] {
            assert!(valid_pattern(ok), "{ok}");
        }
        for bad in ["a/*/b.yml", "**.yml", "*/x"] {
            assert!(!valid_pattern(bad), "{bad}");
        }
    }
}
