//! Edits of text that more than one node reads. An alias (`*e`) is a copy
//! of its anchored node (`&e`) with the anchored node's place, so an edit
//! made for one test may rewrite what another test, or a test's input,
//! reads. That is allowed only where every reader asked for the very same
//! edit, or no longer reads it (its text is rewritten or removed whole);
//! otherwise the file is refused, at the alias.

use super::layout::line_end;
use super::patch::Edit;
use crate::diag::{Error, Result};
use crate::yaml::{Node, NodeKind, Source, Span};

/// The edits sorted, each once, after checking that no two overlap and
/// that every node whose text they change asked for them (or lies inside
/// a node that did).
pub(super) fn check(source: &Source, root: &Node, mut edits: Vec<Edit>) -> Result<Vec<Edit>> {
    edits.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.text).cmp(&(b.span.start, b.span.end, &b.text))
    });
    // The same edit asked for by several nodes is made once.
    let mut merged: Vec<Merged> = Vec::new();
    // Nodes whose text goes: what they read no longer matters.
    let mut dropped: Vec<Vec<usize>> = Vec::new();
    for e in edits {
        dropped.extend(e.drops);
        match merged.last_mut() {
            Some(m) if m.changed.0 == e.span && m.text == e.text => m.paths.push(e.path),
            Some(m) if clash(m.changed.0, e.span) => {
                return Err(conflict(source, root, m.changed, &m.paths[0], &e.path));
            }
            _ => merged.push(Merged {
                changed: Changed(e.span, e.extends),
                text: e.text,
                paths: vec![e.path],
            }),
        }
    }
    // The first edit that changes a node which did not ask for it, and the
    // deepest such node (the one the message names).
    let mut unasked: Option<(usize, Vec<usize>)> = None;
    let mut path = Vec::new();
    walk(root, &mut path, &mut |node, path| {
        if dropped.iter().any(|d| path.starts_with(d)) {
            return Ok(());
        }
        // Entries added to a list go after its last line, comment and all.
        let reach = line_end(&source.text, node.span.end);
        let first = merged.partition_point(|m| m.changed.0.end < node.span.start);
        for (i, m) in merged.iter().enumerate().skip(first) {
            if m.changed.0.start > reach {
                break;
            }
            let asked = (m.paths.iter()).any(|p| p.starts_with(path) || path.starts_with(p));
            if asked || !m.changed.changes(node.span) {
                continue;
            }
            let deeper = match &unasked {
                None => true,
                Some((j, p)) => i < *j || (i == *j && path.len() > p.len()),
            };
            if deeper {
                unasked = Some((i, path.to_vec()));
            }
        }
        Ok(())
    })?;
    if let Some((i, other)) = unasked {
        let m = &merged[i];
        return Err(conflict(source, root, m.changed, &m.paths[0], &other));
    }
    Ok(merged
        .into_iter()
        .map(|mut m| Edit {
            span: m.changed.0,
            text: m.text,
            path: m.paths.swap_remove(0),
            drops: Vec::new(),
            extends: m.changed.1,
        })
        .collect())
}

/// Whether two edits cannot both be made: they overlap, insert at one
/// place, or one inserts inside the other.
fn clash(a: Span, b: Span) -> bool {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => a.start == b.start,
        (true, false) => b.start < a.start && a.start < b.end,
        (false, true) => a.start < b.start && b.start < a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

/// One edit, and the nodes that asked for it.
struct Merged {
    changed: Changed,
    text: String,
    paths: Vec<Vec<usize>>,
}

/// The text an edit replaces, and for entries added to a block list the
/// list's span (see `Edit::extends`).
#[derive(Clone, Copy)]
struct Changed(Span, Option<Span>);

impl Changed {
    /// Whether the edit changes the text of the node at `a`: an insertion
    /// changes the nodes it is inside or at the edge of, or for entries
    /// added to a list, the nodes around the list (itself, or its copies
    /// through an alias, and what holds it).
    fn changes(self, a: Span) -> bool {
        let Changed(b, extends) = self;
        match extends {
            Some(list) => {
                (a.start < b.start && b.start < a.end)
                    || (a.start <= list.start && list.end <= a.end)
            }
            None if b.is_empty() => a.start <= b.start && b.start <= a.end,
            None if a.is_empty() => b.start <= a.start && a.start < b.end,
            None => a.start < b.end && b.start < a.end,
        }
    }
}

fn walk(
    node: &Node,
    path: &mut Vec<usize>,
    f: &mut dyn FnMut(&Node, &[usize]) -> Result<()>,
) -> Result<()> {
    f(node, path)?;
    match &node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i);
                walk(item, path, f)?;
                path.pop();
            }
        }
        NodeKind::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                path.push(2 * i);
                walk(k, path, f)?;
                path.pop();
                path.push(2 * i + 1);
                walk(v, path, f)?;
                path.pop();
            }
        }
    }
    Ok(())
}

/// What a path names, for messages: `the expectations of test "x"`.
fn describe(root: &Node, path: &[usize]) -> String {
    let tests_key = root
        .as_map()
        .and_then(|m| m.iter().position(|(k, _)| k.as_str() == Some("tests")));
    let (Some(t), [first, index, rest @ ..]) = (tests_key, path) else {
        return "another part of the file".into();
    };
    if *first != 2 * t + 1 {
        return "another part of the file".into();
    }
    let Some(test) = root
        .get("tests")
        .and_then(Node::as_seq)
        .and_then(|s| s.get(*index))
    else {
        return "another part of the file".into();
    };
    let name = test.get("name").and_then(Node::as_str).unwrap_or("?");
    let key = rest
        .first()
        .and_then(|k| test.as_map()?.get(k / 2))
        .map(|(k, _)| k.key_string());
    match key.as_deref() {
        Some("expect") => format!("the expectations of test {name:?}"),
        Some(other) => format!("the `{other}` of test {name:?}"),
        None => format!("test {name:?}"),
    }
}

/// The refusal: the edit `changed`, asked for at `wanted`, would also change
/// what `other` reads.
fn conflict(
    source: &Source,
    root: &Node,
    changed: Changed,
    wanted: &[usize],
    other: &[usize],
) -> Error {
    let text = source.text.as_str();
    let span = changed.0;
    let anchor = anchor_over(text, root, changed);
    let message = format!(
        "cannot update {}: {} share text with {} through a YAML alias, and they need different values",
        source.name,
        describe(root, wanted),
        describe(root, other)
    );
    let help = "give each test its own copy in place of the alias, then run --update again; the file is left as it was";
    let Some((name, anchored)) = anchor else {
        return Error::at(source, span, message, "this text is shared").with_help(help);
    };
    let mut err = match aliases(text, &name, anchored.end).first() {
        Some(alias) => Error::at(source, *alias, message, format!("alias of &{name}"))
            .with_label(anchored, "anchored here"),
        None => Error::at(source, anchored, message, "anchored here"),
    };
    err = err.with_help(help);
    err
}

/// The innermost anchored node whose text the edit changes: its anchor's
/// name and where the anchor is.
fn anchor_over(text: &str, root: &Node, changed: Changed) -> Option<(String, Span)> {
    let mut best: Option<(String, Span, usize)> = None;
    let mut path = Vec::new();
    let _ = walk(root, &mut path, &mut |node, _| {
        if changed.changes(node.span)
            && best.as_ref().is_none_or(|(.., len)| node.span.len() < *len)
        {
            if let Some(at) = anchor_at(text, node.span) {
                let name = text[at + 1..]
                    .split(|c: char| c.is_whitespace() || ",[]{}".contains(c))
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let anchor = Span::new(at, at + 1 + name.len());
                best = Some((name, anchor, node.span.len()));
            }
        }
        Ok(())
    });
    best.map(|(name, span, _)| (name, span))
}

/// Where the `&` of the node's anchor is, among its properties.
fn anchor_at(text: &str, span: Span) -> Option<usize> {
    let props = &text[span.start..span.end];
    let mut at = 0;
    for token in props.split_inclusive(char::is_whitespace) {
        let t = token.trim_end();
        if t.starts_with('&') {
            return Some(span.start + at);
        }
        if !(t.is_empty() || t.starts_with('!')) {
            return None;
        }
        at += token.len();
    }
    None
}

/// The aliases `*name` after `from`.
fn aliases(text: &str, name: &str, from: usize) -> Vec<Span> {
    let needle = format!("*{name}");
    let mut found = Vec::new();
    let mut at = from;
    while let Some(i) = text[at..].find(&needle) {
        let start = at + i;
        let end = start + needle.len();
        let boundary = text[end..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ",]}".contains(c));
        if boundary {
            found.push(Span::new(start, end));
        }
        at = end;
    }
    found
}
