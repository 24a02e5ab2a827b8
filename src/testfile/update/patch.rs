//! Text edits that turn a node into a new value while keeping what still
//! holds: a mapping with the same keys or a sequence of the same length is
//! patched child by child, a block sequence that grows or shrinks keeps its
//! first entries, and only what differs is written anew, after the node's
//! anchor and tag, in the style of what it replaces (see `render`).

use serde_json::Value;

use super::layout::{column, eol_at, extent, is_flow, item_ends, line_end, Extent};
use super::render;
use crate::yaml::{Node, NodeKind, Span};

/// One replacement of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
    /// The node it belongs to, as child positions from the root (a mapping
    /// entry `i` is `2i` for its key and `2i + 1` for its value).
    pub(super) path: Vec<usize>,
    /// The nodes whose text it removes whole (the node it rewrites, or the
    /// entries a list loses): what they read through an alias is no longer
    /// read.
    pub(super) drops: Vec<Vec<usize>>,
    /// For entries added to a block list, the list's span: they change the
    /// list and what holds it, not the list's last entry, whose line they
    /// follow.
    pub(super) extends: Option<Span>,
}

/// A node whose text cannot be told: an alias as a mapping key, or text
/// that is not where the loader's spans say.
#[derive(Debug)]
pub(super) struct Unpatchable(pub Span);

pub(super) struct Patcher<'t> {
    text: &'t str,
    pub edits: Vec<Edit>,
}

impl<'t> Patcher<'t> {
    pub fn new(text: &'t str) -> Patcher<'t> {
        Patcher {
            text,
            edits: Vec::new(),
        }
    }

    /// Edits that make `node` (at `path`) read as `new`.
    pub fn patch(
        &mut self,
        node: &Node,
        new: &Value,
        path: &mut Vec<usize>,
        in_flow: bool,
    ) -> Result<(), Unpatchable> {
        if node.to_json() == *new {
            return Ok(());
        }
        // Patching child by child needs no extent, so a collection with an
        // alias among its children (whose text is elsewhere) can still have
        // its other children patched; an alias child is patched at its
        // anchored text, which `shared` checks every reader agrees with.
        let flow = !matches!(node.kind, NodeKind::Scalar { .. }) && is_flow(node, self.text);
        let child_in_flow = |child: &Node| {
            (in_flow || flow)
                && child.span.start >= node.span.start
                && child.span.end <= node.span.end
        };
        match (&node.kind, new) {
            (NodeKind::Map(entries), Value::Object(map))
                if entries.len() == map.len()
                    && entries.iter().all(|(k, _)| {
                        matches!(k.kind, NodeKind::Scalar { .. }) && map.contains_key(&*k.key_str())
                    }) =>
            {
                for (i, (k, v)) in entries.iter().enumerate() {
                    path.push(2 * i + 1);
                    let r = self.patch(v, &map[&*k.key_str()], path, child_in_flow(v));
                    path.pop();
                    r?;
                }
                Ok(())
            }
            (NodeKind::Seq(items), Value::Array(values)) if items.len() == values.len() => {
                for (i, (item, v)) in items.iter().zip(values).enumerate() {
                    path.push(i);
                    let r = self.patch(item, v, path, child_in_flow(item));
                    path.pop();
                    r?;
                }
                Ok(())
            }
            (NodeKind::Seq(items), Value::Array(values))
                if !in_flow && !flow && !items.is_empty() && !values.is_empty() =>
            {
                let ext = extent(self.text, node).ok_or(Unpatchable(node.span))?;
                self.resize(node, &ext, items, values, path)
            }
            _ => {
                let ext = extent(self.text, node).ok_or(Unpatchable(node.span))?;
                let text = self.replacement(node, &ext, new, in_flow);
                self.edits.push(Edit {
                    span: Span::new(ext.start, ext.end),
                    text,
                    path: path.clone(),
                    drops: vec![path.clone()],
                    extends: None,
                });
                Ok(())
            }
        }
    }

    /// A block sequence of another length: the common entries patched, new
    /// ones written after the last, or the surplus removed.
    fn resize(
        &mut self,
        node: &Node,
        ext: &Extent,
        items: &[Node],
        values: &[Value],
        path: &mut Vec<usize>,
    ) -> Result<(), Unpatchable> {
        let common = items.len().min(values.len());
        for (i, (item, v)) in items.iter().zip(values).enumerate().take(common) {
            path.push(i);
            let r = self.patch(item, v, path, false);
            path.pop();
            r?;
        }
        let last = items.last().ok_or(Unpatchable(node.span))?;
        let ends = item_ends(self.text, ext.start, items).ok_or(Unpatchable(node.span))?;
        // Whole lines go and come, so that each entry keeps its comment.
        let end = line_end(self.text, ends[items.len() - 1]);
        if values.len() > items.len() {
            let col = column(self.text, ext.start);
            let eol = eol_at(self.text, ext.start);
            let mut text = String::new();
            for v in &values[items.len()..] {
                text.push_str(eol);
                text.extend(std::iter::repeat_n(' ', col));
                text.push_str("- ");
                if is_flow(last, self.text) {
                    text.push_str(&render::flow(v, false));
                } else {
                    text.push_str(&render::block(v, col + 2, eol, Some(last), self.text));
                }
            }
            self.edits.push(Edit {
                span: Span::new(end, end),
                text,
                path: path.clone(),
                drops: Vec::new(),
                extends: Some(node.span),
            });
        } else {
            self.edits.push(Edit {
                span: Span::new(line_end(self.text, ends[common - 1]), end),
                text: String::new(),
                path: path.clone(),
                drops: (common..items.len())
                    .map(|i| [path.as_slice(), &[i]].concat())
                    .collect(),
                extends: None,
            });
        }
        Ok(())
    }

    /// The text that replaces a whole node.
    fn replacement(&self, node: &Node, ext: &Extent, new: &Value, in_flow: bool) -> String {
        let text = self.text;
        if in_flow || ext.flow {
            let padded = ext.flow && text.as_bytes().get(ext.start + 1) == Some(&b' ');
            return render::flow(new, padded);
        }
        let block = match (&node.kind, new) {
            (NodeKind::Map(_), Value::Object(m)) => !m.is_empty(),
            (NodeKind::Seq(_), Value::Array(a)) => !a.is_empty(),
            _ => false,
        };
        if block {
            let col = column(text, ext.start);
            return render::block(new, col, eol_at(text, ext.start), Some(node), text);
        }
        let written = match &node.kind {
            NodeKind::Scalar { .. } if !(new.is_object() || new.is_array()) => {
                let quote = text[ext.start..]
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\'');
                render::scalar(new, quote)
            }
            _ => render::flow(new, false),
        };
        // An indentless sequence sits at its key's column; what replaces
        // it must be indented past the key.
        if ext.indentless {
            format!("  {written}")
        } else {
            written
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Source;

    fn doc(text: &str) -> Node {
        let src = Source::new("t.yaml", text);
        crate::input::load_yaml(&src).unwrap().remove(0)
    }

    fn patched(text: &str, key: &str, new: Value) -> String {
        let root = doc(text);
        let mut p = Patcher::new(text);
        p.patch(root.get(key).unwrap(), &new, &mut vec![], false)
            .unwrap();
        let mut out = text.to_string();
        p.edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in p.edits {
            out.replace_range(e.span.start..e.span.end, &e.text);
        }
        let again = doc(&out);
        assert_eq!(again.get(key).unwrap().to_json(), new, "{out}");
        out
    }

    #[test]
    fn only_what_differs_is_written() {
        let t = "e:\n  - kept: {ns: a, pod: b}  # c\n    scrape_url: \"u\"\n";
        let out = patched(
            t,
            "e",
            serde_json::json!([{"kept": {"pod": "x"}, "scrape_url": "u2"}]),
        );
        assert_eq!(out, "e:\n  - kept: {pod: x}  # c\n    scrape_url: \"u2\"\n");
    }

    #[test]
    fn indentless_anchored_and_crlf_lists() {
        let t = "e: &x !!seq\r\n- kept: true\r\nz: 1\r\n";
        let out = patched(
            t,
            "e",
            serde_json::json!([{"dropped": {"rule": 0}}, {"kept": true}]),
        );
        assert_eq!(
            out,
            "e: &x !!seq\r\n- dropped:\r\n    rule: 0\r\n- kept: true\r\nz: 1\r\n"
        );
        let t = "e:\n- kept: true\n- kept: true\nz: 1\n";
        assert_eq!(
            patched(t, "e", serde_json::json!([{"kept": true}])),
            "e:\n- kept: true\nz: 1\n"
        );
        assert_eq!(patched(t, "e", serde_json::json!([])), "e:\n  []\nz: 1\n");
    }

    #[test]
    fn lists_and_mappings_holding_aliases_are_resized_and_replaced() {
        // The alias's own text is found after its `-` or `:`, however its
        // anchored node lies.
        let t = "e:\n  - &k {kept: true}\n  - *k  # c\n  - *k\nz: 1\n";
        let out = patched(t, "e", serde_json::json!([{"kept": true}]));
        assert_eq!(out, "e:\n  - &k {kept: true}\nz: 1\n");
        let out = patched(
            t,
            "e",
            serde_json::json!([{"kept": true}, {"kept": true}, {"kept": true}, {"dropped": true}]),
        );
        assert_eq!(
            out,
            "e:\n  - &k {kept: true}\n  - *k  # c\n  - *k\n  - {dropped: true}\nz: 1\n"
        );
        let t = "k: &k {a: b}\ne:\n- *k\n- kept: *k\nz: 1\n";
        let out = patched(t, "e", serde_json::json!([]));
        assert_eq!(out, "k: &k {a: b}\ne:\n  []\nz: 1\n");
        // Only a child that changes is written, next to an alias.
        let t = "k: &k {a: b}\ne: [*k, {kept: *k, scrape_url: u}]\n";
        let out = patched(
            t,
            "e",
            serde_json::json!([{"a": "b"}, {"kept": {"a": "b"}, "scrape_url": "v"}]),
        );
        assert_eq!(out, "k: &k {a: b}\ne: [*k, {kept: *k, scrape_url: v}]\n");
        // An alias as a key is not looked for.
        let t = "k: &k a\ne:\n  *k : 1\n  b: 2\n";
        let root = doc(t);
        let mut p = Patcher::new(t);
        let new = serde_json::json!({"c": 1});
        assert!(p
            .patch(root.get("e").unwrap(), &new, &mut vec![], false)
            .is_err());
    }
}
