//! Lines of flow collections indented less than saphyr-parser allows.
//!
//! saphyr refuses a flow collection whose continuation lines sit at or left
//! of the enclosing block's indentation (`args: [` … `]` with the `]` under
//! `args`); go-yaml, and so kubectl and Prometheus, ignore indentation
//! inside flow collections. One pass over the text finds such lines, so
//! they are re-indented before the single parse instead of one parse per
//! line. It reads just enough YAML to know where flow collections are
//! (comments, quotes, block scalars, keys); where it guesses wrong, the
//! parse shows it (`builder` checks every insert lies inside a flow
//! collection) and the insert is dropped.

/// (line start, spaces to insert) for every non-blank line inside a flow
/// collection that is indented less than its collection needs, in order.
/// At most as many spaces as the text has bytes (or 1 MiB) are inserted:
/// a collection opened far right on a long line must not make every line
/// after it as long.
pub(super) fn under_indented(text: &str) -> Vec<(usize, usize)> {
    let mut scan = Scan::default();
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    let mut budget = b.len().max(1 << 20);
    while start < b.len() {
        // Lines end at `\n`, `\r\n` or a lone `\r`, as YAML ends them.
        let end = memchr::memchr2(b'\n', b'\r', &b[start..]).map_or(b.len(), |i| start + i);
        let before = out.len();
        scan.line(&b[start..end], start, &mut out);
        if let Some(&(_, n)) = out.get(before) {
            if n > budget {
                out.truncate(before);
                break;
            }
            budget -= n;
        }
        start = end + if b[end..].starts_with(b"\r\n") { 2 } else { 1 };
    }
    out
}

#[derive(Default)]
struct Scan {
    /// Open flow collections.
    depth: usize,
    /// The column every line of the open flow collection needs.
    needs: usize,
    /// Inside a quoted scalar, by its quote.
    quote: Option<u8>,
    /// Inside a block scalar: lines indented more than this are its text.
    block: Option<usize>,
}

impl Scan {
    fn line(&mut self, line: &[u8], at: usize, out: &mut Vec<(usize, usize)>) {
        let indent = line.iter().take_while(|&&c| c == b' ').count();
        let blank = line[indent..]
            .iter()
            .all(|c| matches!(c, b' ' | b'\t' | b'\r'));
        if is_marker(line) {
            *self = Scan::default();
            if line.starts_with(b"---") {
                // `--- [` or `--- |`: the document's node may start here.
                self.tokens(line, 3);
            }
            return;
        }
        if let Some(parent) = self.block {
            if blank || indent > parent {
                return;
            }
            self.block = None;
        }
        if blank {
            return;
        }
        if self.depth > 0 && indent < self.needs {
            out.push((at, self.needs - indent));
        }
        self.tokens(line, indent);
    }

    /// Follows the line's tokens from `i` on.
    fn tokens(&mut self, line: &[u8], mut i: usize) {
        // The column of the last `-`, `?` or key on this line: a flow
        // collection it opens needs its lines two columns right of it.
        let mut owner: Option<usize> = None;
        // Whether `i` is at a token start (after white space or an indicator).
        let mut token_start = true;
        // Where a quoted scalar that may be a key started on this line.
        let mut quoted_from = None;
        while i < line.len() {
            let c = line[i];
            if let Some(q) = self.quote {
                match c {
                    b'\\' if q == b'"' => i += 1,
                    b'\'' if q == b'\'' && line.get(i + 1) == Some(&b'\'') => i += 1,
                    _ if c == q => {
                        self.quote = None;
                        token_start = false;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            let space = matches!(c, b' ' | b'\t' | b'\r');
            if space {
                token_start = true;
                i += 1;
                continue;
            }
            if c == b'#' && token_start {
                return;
            }
            if self.depth > 0 {
                match c {
                    b'[' | b'{' => self.depth += 1,
                    b']' | b'}' => self.depth -= 1,
                    b'"' | b'\'' if token_start => self.quote = Some(c),
                    _ => {}
                }
                token_start = matches!(c, b'[' | b'{' | b',' | b':' | b']' | b'}');
                i += 1;
                continue;
            }
            let next_blank = line
                .get(i + 1)
                .is_none_or(|n| matches!(n, b' ' | b'\t' | b'\r'));
            if c == b':' && next_blank {
                // After a quoted key, or a value indicator on its own.
                owner = quoted_from.take().or(owner);
                token_start = true;
                i += 1;
                continue;
            }
            if !token_start {
                i += 1;
                continue;
            }
            match c {
                b'-' | b'?' if next_blank => {
                    owner = Some(i);
                    i += 1;
                }
                b'[' | b'{' => {
                    self.depth = 1;
                    self.needs = owner.map_or(i, |o| o + 2);
                    token_start = true;
                    i += 1;
                }
                b'"' | b'\'' => {
                    self.quote = Some(c);
                    quoted_from = Some(i);
                    i += 1;
                }
                b'|' | b'>' => {
                    self.block = Some(
                        owner.unwrap_or_else(|| line.iter().take_while(|&&c| c == b' ').count()),
                    );
                    return;
                }
                b'&' | b'!' | b'*' => {
                    while i < line.len() && !matches!(line[i], b' ' | b'\t' | b'\r') {
                        i += 1;
                    }
                }
                b'%' if i == 0 => return,
                _ => {
                    // A plain scalar, perhaps a key: it ends at `: `, at a
                    // comment, or at the end of the line.
                    let from = i;
                    loop {
                        match line.get(i) {
                            None => return,
                            Some(b':')
                                if line
                                    .get(i + 1)
                                    .is_none_or(|n| matches!(n, b' ' | b'\t' | b'\r')) =>
                            {
                                owner = Some(from);
                                i += 1;
                                break;
                            }
                            Some(b'#') if matches!(line[i - 1], b' ' | b'\t') => return,
                            Some(_) => i += 1,
                        }
                    }
                    token_start = true;
                }
            }
        }
    }
}

/// A `---` or `...` document marker line.
fn is_marker(line: &[u8]) -> bool {
    (line.starts_with(b"---") || line.starts_with(b"..."))
        && line
            .get(3)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, usize)> {
        under_indented(text)
            .into_iter()
            .map(|(at, n)| (text[..at].matches('\n').count() + 1, n))
            .collect()
    }

    #[test]
    fn finds_flow_lines_left_of_their_owner() {
        let text = "c:\n  args: [\n  \"-c\", \"x\",\n  ]\n  env: [1,\n     2]\n";
        assert_eq!(lines(text), [(3, 2), (4, 2)]);
        let text = "- - k: {a: 1,\n  b: 2}\n";
        assert_eq!(lines(text), [(2, 4)]);
        let text = "k:\n  [\na]\n";
        assert_eq!(lines(text), [(3, 2)]);
    }

    #[test]
    fn lines_end_as_yaml_ends_them() {
        assert_eq!(under_indented("k:\r\n  a: [\r\n  1]\r\n"), [(12, 2)]);
        assert_eq!(under_indented("k:\r  a: [\r  1]\r"), [(10, 2)]);
    }

    #[test]
    fn skips_what_only_looks_like_flow() {
        // Brackets in plain and quoted scalars, comments and block scalars.
        let text =
            "a: x[0\nb: \"[\"\nc: '[' # [\nd: |\n  [\ne\n# [\nf: x # [\ng: [a, \"]\", 'b'']']\nh\n";
        assert_eq!(lines(text), []);
        // A marker ends everything open.
        assert_eq!(lines("a: [\n---\nb\n"), []);
        assert_eq!(lines("--- |\n  [\nb\n"), []);
        assert_eq!(lines("--- [\nb]\n"), [(2, 4)]);
        // A quoted key owns its collection as a plain one does.
        assert_eq!(lines("\"k\": [\n1]\n"), [(2, 2)]);
        assert_eq!(lines("- 'k': [\n1]\n"), [(2, 4)]);
    }

    #[test]
    fn inserted_spaces_are_bounded_by_the_text() {
        // A collection opened at column 100,000 with 10,000 lines after it
        // would need a gigabyte of spaces.
        let text = format!("k:\n{}[\n{}]\n", " ".repeat(100_000), "1,\n".repeat(10_000));
        let inserts = under_indented(&text);
        assert_eq!(inserts.first(), Some(&(100_005, 100_000)));
        let spaces: usize = inserts.iter().map(|(_, n)| n).sum();
        assert!(spaces <= text.len().max(1 << 20), "{spaces}");
    }

    #[test]
    fn nested_collections_and_quotes_across_lines() {
        let text = "k: [{a: [1,\n2]},\n\"x\ny\",\n]\nz\n";
        assert_eq!(lines(text), [(2, 2), (3, 2), (4, 2), (5, 2)]);
    }
}
