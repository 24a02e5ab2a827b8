//! Where things are in a YAML text, beyond what the loader's spans tell: a
//! node's content after its anchor and tag, the end of a flow collection
//! (past a comment on its line), the `- ` of a sequence whose span starts
//! at its first entry, columns and line endings. A line ends at `\r\n`,
//! `\n` or a lone `\r`, as YAML and kdm's loader count them.

use crate::yaml::{Node, NodeKind, Span};

/// Where a node's content is in the text: after its anchor and tag, up to
/// the end of its last character.
#[derive(Debug)]
pub(super) struct Extent {
    pub start: usize,
    pub end: usize,
    pub flow: bool,
    /// A block sequence whose `-` sits at its key's column.
    pub indentless: bool,
}

/// Where the content of the node at `span` starts: after its properties
/// (`&anchor`, `!tag`) and any space and comments after them.
pub(super) fn content_start(text: &str, span: Span) -> usize {
    let b = text.as_bytes();
    let mut i = span.start;
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        match b.get(i) {
            Some(b'&' | b'!') => {
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
            }
            Some(b'#') if i > span.start => {
                while i < b.len() && !matches!(b[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            _ => return i,
        }
    }
}

/// The node's extent, or `None` where it cannot be told from the text (an
/// alias as a mapping key) or the text is not as expected.
pub(super) fn extent(text: &str, node: &Node) -> Option<Extent> {
    let mut start = content_start(text, node.span);
    let b = text.as_bytes();
    let mut indentless = false;
    match &node.kind {
        NodeKind::Scalar { .. } => {
            let end = node.span.end.max(start);
            text.get(start..end)?;
            return Some(Extent {
                start,
                end,
                flow: false,
                indentless,
            });
        }
        // Without an anchor or tag, a block sequence's span starts at its
        // first entry (or the alias standing for it), past the `- `; an
        // anchor or tag there is the entry's.
        NodeKind::Seq(items)
            if items.first().is_some_and(|i| {
                i.span.start == node.span.start
                    || (i.span.start < node.span.start && b.get(node.span.start) == Some(&b'*'))
            }) =>
        {
            let mut i = node.span.start;
            while i > 0 && b[i - 1] == b' ' {
                i -= 1;
            }
            start = i.checked_sub(1)?;
        }
        // Found in the text, aliases among the children or not.
        _ if matches!(b.get(start), Some(b'[' | b'{')) => {
            let end = flow_end(text, start)?;
            return Some(Extent {
                start,
                end,
                flow: true,
                indentless,
            });
        }
        _ => {}
    }
    if let NodeKind::Seq(_) = node.kind {
        if !is_dash(b, start) {
            return None;
        }
        // An indentless sequence: its `-` starts a line at the indentation
        // of the line with its key.
        let line = line_start(text, start);
        if text[line..start].bytes().all(|c| c == b' ') {
            let key_line = text[..line].split_inclusive(['\r', '\n']).rev().find(|l| {
                !matches!(
                    l.trim_start_matches(' ').bytes().next(),
                    None | Some(b'#' | b'\r' | b'\n')
                )
            });
            indentless = key_line
                .is_some_and(|l| l.bytes().take_while(|&c| c == b' ').count() >= start - line);
        }
    }
    let mut end = start.min(node.span.start);
    match &node.kind {
        NodeKind::Map(entries) => {
            for (k, v) in entries.iter() {
                // A key before the end of the previous entry is an alias of
                // text elsewhere, which kdm does not look for.
                if k.span.start < end {
                    return None;
                }
                let key_end = extent(text, k)?.end;
                end = end.max(key_end);
                end = if v.span.start < k.span.start {
                    alias_end(text, key_end)?
                } else {
                    end.max(extent(text, v)?.end)
                };
            }
        }
        NodeKind::Seq(items) => {
            if let Some(last) = item_ends(text, start, items)?.last() {
                end = *last;
            }
        }
        NodeKind::Scalar { .. } => {}
    }
    let end = end.max(start);
    text.get(start..end)?;
    Some(Extent {
        start,
        end,
        flow: false,
        indentless,
    })
}

fn is_dash(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&b'-') && matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None)
}

/// Where the line holding `at` ends (at its `\r\n`, `\n` or `\r`).
pub(super) fn line_end(text: &str, at: usize) -> usize {
    text[at..].find(['\r', '\n']).map_or(text.len(), |i| at + i)
}

/// Where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind(['\r', '\n']).map_or(0, |i| i + 1)
}

/// Where each entry of the block sequence whose first `-` is at `start`
/// ends: at the end of its extent, or of the `*alias` standing for it (an
/// alias's node has the span of its anchored node, elsewhere).
pub(super) fn item_ends(text: &str, start: usize, items: &[Node]) -> Option<Vec<usize>> {
    let mut end = start;
    let mut ends = Vec::with_capacity(items.len());
    for item in items {
        end = if item.span.start < end {
            alias_end(text, end)?
        } else {
            extent(text, item)?.end
        };
        ends.push(end);
    }
    Some(ends)
}

/// The end of the `*alias` that comes next after `from` in block context,
/// past blanks, comments and one `-` or `:` indicator; `None` if something
/// else comes first.
fn alias_end(text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let blank = |c: Option<&u8>| matches!(c, Some(b' ' | b'\t' | b'\r' | b'\n'));
    let mut i = from;
    let mut indicator = false;
    loop {
        match *b.get(i)? {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => {
                while i < b.len() && !matches!(b[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'-' | b':' if !indicator && blank(b.get(i + 1)) => {
                indicator = true;
                i += 1;
            }
            b'*' => break,
            _ => return None,
        }
    }
    let len = b[i..].iter().position(|c| blank(Some(c)));
    Some(i + len.unwrap_or(b.len() - i))
}

/// The end of the flow collection opened at `open`, after its closing
/// bracket: quoted scalars and comments are skipped, nested brackets
/// counted.
pub(super) fn flow_end(text: &str, open: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    // At the start of a token, where a quote opens a quoted scalar.
    let mut token_start = true;
    while i < b.len() {
        match b[i] {
            b'[' | b'{' => {
                depth += 1;
                token_start = true;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
                token_start = false;
            }
            b',' | b' ' | b'\t' | b'\r' | b'\n' | b':' | b'?' => token_start = true,
            b'#' if i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\r' | b'\n') => {
                while i < b.len() && !matches!(b[i], b'\r' | b'\n') {
                    i += 1;
                }
                token_start = true;
                continue;
            }
            b'"' if token_start => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                token_start = false;
            }
            b'\'' if token_start => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                token_start = false;
            }
            _ => token_start = false,
        }
        i += 1;
    }
    None
}

/// The 0-based column, in characters, of a byte offset.
pub(super) fn column(text: &str, at: usize) -> usize {
    text[line_start(text, at)..at].chars().count()
}

/// The line ending of the line at `at` (`\r\n`, `\n` or `\r`).
pub(super) fn eol_at(text: &str, at: usize) -> &'static str {
    let b = text.as_bytes();
    let kind = |i: usize| match b[i] {
        b'\r' if b.get(i + 1) == Some(&b'\n') => "\r\n",
        b'\r' => "\r",
        _ => "\n",
    };
    match text[at..].find(['\r', '\n']) {
        Some(i) => kind(at + i),
        // The last line: as the line before it ends.
        None => match text[..at].rfind(['\r', '\n']) {
            Some(i) if b[i] == b'\n' && i > 0 && b[i - 1] == b'\r' => "\r\n",
            Some(i) => kind(i),
            None => "\n",
        },
    }
}

/// Whether a collection node is written in flow style.
pub(super) fn is_flow(node: &Node, text: &str) -> bool {
    // A block collection without an anchor or tag starts at its first
    // child, whose own properties are no sign of the collection's style.
    let first = match &node.kind {
        NodeKind::Seq(items) => items.first().map(|n| n.span.start),
        NodeKind::Map(entries) => entries.first().map(|(k, _)| k.span.start),
        NodeKind::Scalar { .. } => None,
    };
    if first == Some(node.span.start) {
        return false;
    }
    let start = content_start(text, node.span);
    matches!(text.as_bytes().get(start), Some(b'[' | b'{'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_ends_are_found_past_comments_and_quotes() {
        let t = "a: [1, \"]\", ']''', {b: [c]}]  # ]\n";
        assert_eq!(flow_end(t, 3), Some(t.find("  #").unwrap()));
        assert_eq!(flow_end("[a, b", 0), None);
        assert_eq!(flow_end("[don't, x] y", 0), Some(10));
        assert_eq!(flow_end("[a, # ]\r b]", 0), Some(11));
    }

    #[test]
    fn lines_end_at_crlf_lf_and_lone_cr() {
        for (t, eol) in [("a\r\nb", "\r\n"), ("a\nb", "\n"), ("a\rb", "\r")] {
            assert_eq!(line_end(t, 0), 1);
            assert_eq!(eol_at(t, 0), eol);
            assert_eq!(eol_at(t, t.len() - 1), eol, "the last line");
            assert_eq!(column(t, t.len() - 1), 0);
        }
    }
}
