//! Layering rules that keep the source tree navigable, checked over
//! `src/` itself so that a regression fails CI rather than waiting for a
//! reader to notice:
//! - no import cycle between sibling modules (at every level of the tree);
//! - no source file over `MAX_CODE_LINES` lines of code, tests and data
//!   tables (files named `*tables.rs`) aside.
//!
//! Module references are read from `crate::a::b` and `super::a` paths in
//! non-test code; a reference from a child to its own parent (or the
//! reverse) is structure, not an import, and is not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_CODE_LINES: usize = 1_000;

type ModPath = Vec<String>;

struct Module {
    file: PathBuf,
    /// Source before the first `#[cfg(test)]`.
    code: String,
}

fn modules() -> BTreeMap<ModPath, Module> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).expect("under src/");
            let mut parts: ModPath = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                parts.clear();
            }
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            let code = match text.find("#[cfg(test)]") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            out.insert(parts, Module { file: path, code });
        }
    }
    out
}

/// Module paths named after `marker` (`crate::` or `super::`) in `code`;
/// a `use` group (`crate::a::{b::C, d}`) names each of its members.
fn paths_after(code: &str, marker: &str) -> Vec<ModPath> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(marker) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let prefix = leading_path(&code[i + marker.len()..]);
        expand(&code[i + marker.len()..], prefix, &mut out);
    }
    out
}

/// The `a::b` at the start of `text`, without a trailing `::`.
fn leading_path(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Pushes `path` (the start of `text`), or each member of the group that
/// follows it.
fn expand(text: &str, path: &str, out: &mut Vec<ModPath>) {
    let base: ModPath = path
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let rest = &text[path.len()..];
    if !(path.ends_with("::") || path.is_empty()) || !rest.starts_with('{') {
        if !base.is_empty() {
            out.push(base);
        }
        return;
    }
    let mut depth = 0;
    let mut start = 1;
    for (j, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 1 => {
                let member = rest[start..j].trim_start();
                let mut inner = Vec::new();
                expand(member, leading_path(member), &mut inner);
                out.extend(
                    inner
                        .into_iter()
                        .map(|p| base.iter().cloned().chain(p).collect()),
                );
                start = j + 1;
                if c == '}' {
                    return;
                }
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
}

/// For each module, the modules its non-test code refers to.
fn references(mods: &BTreeMap<ModPath, Module>) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let longest_module = |path: &[String]| {
        (1..=path.len())
            .rev()
            .map(|k| path[..k].to_vec())
            .find(|p| mods.contains_key(p))
    };
    mods.iter()
        .map(|(name, module)| {
            let parent: ModPath = name[..name.len().saturating_sub(1)].to_vec();
            let mut targets = BTreeSet::new();
            for path in paths_after(&module.code, "crate::") {
                targets.extend(longest_module(&path));
            }
            for path in paths_after(&module.code, "super::") {
                let full: ModPath = parent.iter().cloned().chain(path).collect();
                targets.extend(longest_module(&full));
            }
            (name.clone(), targets)
        })
        .collect()
}

/// Strongly connected components with more than one member.
fn cycles(graph: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    // Small graphs: a pair is in one cycle when each reaches the other.
    let reach = |from: &ModPath| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&ModPath, BTreeSet<ModPath>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<Vec<ModPath>> = Vec::new();
    let mut placed = BTreeSet::new();
    for (m, r) in &reachable {
        if placed.contains(*m) || !r.contains(*m) {
            continue;
        }
        let comp: Vec<ModPath> = r
            .iter()
            .filter(|o| reachable.get(o).is_some_and(|ro| ro.contains(*m)))
            .cloned()
            .collect();
        placed.extend(comp.iter().cloned());
        out.push(comp);
    }
    out
}

#[test]
fn sibling_modules_do_not_import_each_other_in_a_cycle() {
    let mods = modules();
    let refs = references(&mods);
    let parents: BTreeSet<ModPath> = mods
        .keys()
        .filter(|m| !m.is_empty())
        .map(|m| m[..m.len() - 1].to_vec())
        .collect();
    let mut found = Vec::new();
    for parent in &parents {
        let depth = parent.len();
        let child_of = |m: &ModPath| {
            (m.len() > depth && m[..depth] == parent[..]).then(|| m[..=depth].to_vec())
        };
        let mut graph: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
        for (from, targets) in &refs {
            let Some(a) = child_of(from) else { continue };
            for t in targets {
                if let Some(b) = child_of(t).filter(|b| *b != a) {
                    graph.entry(a.clone()).or_default().insert(b);
                }
            }
        }
        for comp in cycles(&graph) {
            let names: Vec<String> = comp.iter().map(|m| m.join("::")).collect();
            found.push(names.join(" <-> "));
        }
    }
    assert!(found.is_empty(), "import cycles: {found:#?}");
}

/// Lines that are neither blank nor only a comment.
fn code_lines(code: &str) -> usize {
    code.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

#[test]
fn no_source_file_is_several_modules_in_one() {
    let too_long: Vec<String> = modules()
        .values()
        .filter(|m| !m.file.to_string_lossy().ends_with("tables.rs"))
        .filter_map(|m| {
            let n = code_lines(&m.code);
            (n > MAX_CODE_LINES).then(|| format!("{}: {n} lines of code", m.file.display()))
        })
        .collect();
    assert!(too_long.is_empty(), "split these files: {too_long:#?}");
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let m = |s: &str| -> ModPath { s.split("::").map(str::to_string).collect() };
    let graph: BTreeMap<ModPath, BTreeSet<ModPath>> = [
        (m("a::x"), [m("a::y")].into()),
        (m("a::y"), [m("a::z")].into()),
        (m("a::z"), [m("a::x")].into()),
        (m("a::w"), [m("a::x")].into()),
    ]
    .into();
    assert_eq!(cycles(&graph), vec![vec![m("a::x"), m("a::y"), m("a::z")]]);
    let refs = paths_after(
        "use crate::prom::config::{A, B}; x_crate::no; use crate::{sim::{run, report::R}, k8s};",
        "crate::",
    );
    assert_eq!(
        refs,
        vec![
            m("prom::config::A"),
            m("prom::config::B"),
            m("sim::run"),
            m("sim::report::R"),
            m("k8s")
        ]
    );
}
