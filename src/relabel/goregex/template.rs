//! Go's `Regexp.Expand` replacement templates (`$1`, `${name}`, `$$`).

use super::unicode::unicode_data;
use super::GoVersion;

/// Go's `template.Expand` rules applied to a parsed replacement template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// One part of a template, as [`Template::parts`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'t> {
    Lit(&'t str),
    Index(usize),
    Name(&'t str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(String),
    Index(usize),
    Name(String),
}

impl Template {
    /// Parse `template` with the name rules of current Go (Unicode 15 letters).
    pub fn new(template: &str) -> Template {
        Template::with_version(template, GoVersion::LATEST)
    }

    /// Parse `template`; `version` only selects the Unicode tables that decide
    /// which characters continue a `$name`.
    pub fn with_version(template: &str, version: GoVersion) -> Template {
        let letters = &unicode_data(version.unicode15()).name_chars;
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let mut t = template;
        while let Some(i) = t.find('$') {
            lit.push_str(&t[..i]);
            t = &t[i + 1..];
            if let Some(rest) = t.strip_prefix('$') {
                lit.push('$');
                t = rest;
                continue;
            }
            match extract(t, letters) {
                None => lit.push('$'),
                Some((name, num, rest)) => {
                    if !lit.is_empty() {
                        pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    pieces.push(match num {
                        Some(n) => Piece::Index(n),
                        None => Piece::Name(name.to_string()),
                    });
                    t = rest;
                }
            }
        }
        lit.push_str(t);
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        Template { pieces }
    }

    /// The template's parts in order: literal text (`$$` already read as
    /// `$`), group numbers and group names, as Go's `Expand` reads them.
    pub fn parts(&self) -> impl Iterator<Item = Part<'_>> {
        self.pieces.iter().map(|p| match p {
            Piece::Lit(s) => Part::Lit(s),
            Piece::Index(n) => Part::Index(*n),
            Piece::Name(n) => Part::Name(n),
        })
    }

    /// True if some `$` is a group reference (not `$$` and not a literal `$`).
    pub fn has_reference(&self) -> bool {
        self.pieces.iter().any(|p| !matches!(p, Piece::Lit(_)))
    }

    /// The template's text when it has no reference, i.e. its constant value.
    pub fn literal(&self) -> Option<String> {
        if self.has_reference() {
            return None;
        }
        Some(
            self.pieces
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => s.as_str(),
                    _ => "",
                })
                .collect(),
        )
    }

    pub(super) fn expand_with<'a>(
        &self,
        names: &[String],
        dst: &mut String,
        group: impl Fn(usize) -> Option<&'a str>,
    ) {
        self.for_each_part(names, group, |s| dst.push_str(s));
    }

    /// The length in bytes of what [`Template::expand_with`] would append,
    /// saturating.
    pub(super) fn expanded_len<'a>(
        &self,
        names: &[String],
        group: impl Fn(usize) -> Option<&'a str>,
    ) -> usize {
        let mut len = 0usize;
        self.for_each_part(names, group, |s| len = len.saturating_add(s.len()));
        len
    }

    /// The expansion's parts in order: literals and the groups referenced.
    fn for_each_part<'a, 's>(
        &'s self,
        names: &[String],
        group: impl Fn(usize) -> Option<&'a str>,
        mut part: impl FnMut(&str),
    ) {
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => part(s),
                Piece::Index(n) => {
                    if let Some(v) = group(*n) {
                        part(v);
                    }
                }
                Piece::Name(name) => {
                    // Go takes the first group of that name that took part.
                    for (i, n) in names.iter().enumerate() {
                        if n == name {
                            if let Some(v) = group(i) {
                                part(v);
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// True if Go's `Expand` would treat some `$` in `template` as a group
/// reference (`$1`, `${1}`, `$name`, `${name}`); `$$` and stray `$` are literal.
pub fn template_has_reference(template: &str) -> bool {
    Template::new(template).has_reference()
}

/// Go's `extract`: a leading `name` or `{name}` after a `$`. Returns the name,
/// its group number when it is all digits (no leading zero, fewer than 10
/// digits), and the rest of the template.
fn extract<'t>(s: &'t str, letters: &[(u32, u32)]) -> Option<(&'t str, Option<usize>, &'t str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(c == '_' || is_letter_or_digit(c, letters)))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let rest = if brace {
        body[end..].strip_prefix('}')?
    } else {
        &body[end..]
    };
    let mut num: Option<usize> = Some(0);
    for b in name.bytes() {
        num = match num {
            Some(n) if b.is_ascii_digit() && n < 100_000_000 => {
                Some(n * 10 + usize::from(b - b'0'))
            }
            _ => None,
        };
        if num.is_none() {
            break;
        }
    }
    if name.len() > 1 && name.starts_with('0') {
        num = None;
    }
    Some((name, num, rest))
}

/// Go's `unicode.IsLetter || unicode.IsDigit` (categories L and Nd).
fn is_letter_or_digit(c: char, letters: &[(u32, u32)]) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let c = c as u32;
    letters
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::super::GoRegex;
    use super::*;

    // Expected values in these tables are the output of Go's regexp package:
    // Go 1.19 for Prometheus 2.x (`^(?:…)$`), and Go 1.21.13, 1.24.11 and
    // 1.25.5 for 3.x (`^(?s:…)$`).

    /// (pattern, input, template, Go 1.25 ExpandString result); 3.x anchoring.
    #[rustfmt::skip]
    const EXPANSIONS: &[(&str, &str, &str, &str)] = &[
        ("(?P<name>a)(b)?", "a", "$1", "a"),
        ("(?P<name>a)(b)?", "a", "${1}", "a"),
        ("(?P<name>a)(b)?", "a", "$0", "a"),
        ("(?P<name>a)(b)?", "a", "${0}", "a"),
        ("(?P<name>a)(b)?", "a", "$$", "$"),
        ("(?P<name>a)(b)?", "a", "$", "$"),
        ("(?P<name>a)(b)?", "a", "$-", "$-"),
        ("(?P<name>a)(b)?", "a", "${", "${"),
        ("(?P<name>a)(b)?", "a", "${}", "${}"),
        ("(?P<name>a)(b)?", "a", "${x", "${x"),
        ("(?P<name>a)(b)?", "a", "$1x", ""),
        ("(?P<name>a)(b)?", "a", "${1}x", "ax"),
        ("(?P<name>a)(b)?", "a", "$01", ""),
        ("(?P<name>a)(b)?", "a", "$00", ""),
        ("(?P<name>a)(b)?", "a", "$name", "a"),
        ("(?P<name>a)(b)?", "a", "${name}", "a"),
        ("(?P<name>a)(b)?", "a", "$99999999", ""),
        ("(?P<name>a)(b)?", "a", "$999999999", ""),
        ("(?P<name>a)(b)?", "a", "$1000000000", ""),
        ("(?P<name>a)(b)?", "a", "$2$1", "a"),
        ("(?P<name>a)(b)?", "a", "a$$b", "a$b"),
        ("(?P<name>a)(b)?", "a", "$é", ""),
        ("(?P<name>a)(b)?", "a", "$aé", ""),
        ("(?P<name>a)(b)?", "a", "${é}", ""),
        ("(?P<name>a)(b)?", "a", "$٣", ""),
        ("(?P<name>a)(b)?", "a", "$x٣y", ""),
        ("(?P<name>a)(b)?", "a", "${1", "${1"),
        ("(?P<name>a)(b)?", "a", "$ 1", "$ 1"),
        ("(?P<name>a)(b)?", "a", "$_", ""),
        ("(?P<name>a)(b)?", "a", "$1-x", "a-x"),
        ("(?P<name>a)(b)?", "a", "x$", "x$"),
        ("(?P<name>a)(b)?", "a", "${name}x", "ax"),
        ("(?P<name>a)(b)?", "a", "$namex", ""),
        ("(?P<name>a)(b)?", "a", "${01}", ""),
        ("(?P<name>a)(b)?", "a", "${2}", ""),
        ("(?P<name>a)(b)?", "ab", "$1", "a"),
        ("(?P<name>a)(b)?", "ab", "${1}", "a"),
        ("(?P<name>a)(b)?", "ab", "$0", "ab"),
        ("(?P<name>a)(b)?", "ab", "${0}", "ab"),
        ("(?P<name>a)(b)?", "ab", "$$", "$"),
        ("(?P<name>a)(b)?", "ab", "$", "$"),
        ("(?P<name>a)(b)?", "ab", "$-", "$-"),
        ("(?P<name>a)(b)?", "ab", "${", "${"),
        ("(?P<name>a)(b)?", "ab", "${}", "${}"),
        ("(?P<name>a)(b)?", "ab", "${x", "${x"),
        ("(?P<name>a)(b)?", "ab", "$1x", ""),
        ("(?P<name>a)(b)?", "ab", "${1}x", "ax"),
        ("(?P<name>a)(b)?", "ab", "$01", ""),
        ("(?P<name>a)(b)?", "ab", "$00", ""),
        ("(?P<name>a)(b)?", "ab", "$name", "a"),
        ("(?P<name>a)(b)?", "ab", "${name}", "a"),
        ("(?P<name>a)(b)?", "ab", "$99999999", ""),
        ("(?P<name>a)(b)?", "ab", "$999999999", ""),
        ("(?P<name>a)(b)?", "ab", "$1000000000", ""),
        ("(?P<name>a)(b)?", "ab", "$2$1", "ba"),
        ("(?P<name>a)(b)?", "ab", "a$$b", "a$b"),
        ("(?P<name>a)(b)?", "ab", "$é", ""),
        ("(?P<name>a)(b)?", "ab", "$aé", ""),
        ("(?P<name>a)(b)?", "ab", "${é}", ""),
        ("(?P<name>a)(b)?", "ab", "$٣", ""),
        ("(?P<name>a)(b)?", "ab", "$x٣y", ""),
        ("(?P<name>a)(b)?", "ab", "${1", "${1"),
        ("(?P<name>a)(b)?", "ab", "$ 1", "$ 1"),
        ("(?P<name>a)(b)?", "ab", "$_", ""),
        ("(?P<name>a)(b)?", "ab", "$1-x", "a-x"),
        ("(?P<name>a)(b)?", "ab", "x$", "x$"),
        ("(?P<name>a)(b)?", "ab", "${name}x", "ax"),
        ("(?P<name>a)(b)?", "ab", "$namex", ""),
        ("(?P<name>a)(b)?", "ab", "${01}", ""),
        ("(?P<name>a)(b)?", "ab", "${2}", "b"),
        ("(?P<00>a)(?P<01>b)", "ab", "$1", "a"),
        ("(?P<00>a)(?P<01>b)", "ab", "${1}", "a"),
        ("(?P<00>a)(?P<01>b)", "ab", "$0", "ab"),
        ("(?P<00>a)(?P<01>b)", "ab", "${0}", "ab"),
        ("(?P<00>a)(?P<01>b)", "ab", "$$", "$"),
        ("(?P<00>a)(?P<01>b)", "ab", "$", "$"),
        ("(?P<00>a)(?P<01>b)", "ab", "$-", "$-"),
        ("(?P<00>a)(?P<01>b)", "ab", "${", "${"),
        ("(?P<00>a)(?P<01>b)", "ab", "${}", "${}"),
        ("(?P<00>a)(?P<01>b)", "ab", "${x", "${x"),
        ("(?P<00>a)(?P<01>b)", "ab", "$1x", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "${1}x", "ax"),
        ("(?P<00>a)(?P<01>b)", "ab", "$01", "b"),
        ("(?P<00>a)(?P<01>b)", "ab", "$00", "a"),
        ("(?P<00>a)(?P<01>b)", "ab", "$name", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "${name}", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$99999999", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$999999999", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$1000000000", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$2$1", "ba"),
        ("(?P<00>a)(?P<01>b)", "ab", "a$$b", "a$b"),
        ("(?P<00>a)(?P<01>b)", "ab", "$é", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$aé", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "${é}", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$٣", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$x٣y", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "${1", "${1"),
        ("(?P<00>a)(?P<01>b)", "ab", "$ 1", "$ 1"),
        ("(?P<00>a)(?P<01>b)", "ab", "$_", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "$1-x", "a-x"),
        ("(?P<00>a)(?P<01>b)", "ab", "x$", "x$"),
        ("(?P<00>a)(?P<01>b)", "ab", "${name}x", "x"),
        ("(?P<00>a)(?P<01>b)", "ab", "$namex", ""),
        ("(?P<00>a)(?P<01>b)", "ab", "${01}", "b"),
        ("(?P<00>a)(?P<01>b)", "ab", "${2}", "b"),
        ("(?P<x>a)|(?P<x>b)", "a", "$1", "a"),
        ("(?P<x>a)|(?P<x>b)", "a", "${1}", "a"),
        ("(?P<x>a)|(?P<x>b)", "a", "$0", "a"),
        ("(?P<x>a)|(?P<x>b)", "a", "${0}", "a"),
        ("(?P<x>a)|(?P<x>b)", "a", "$$", "$"),
        ("(?P<x>a)|(?P<x>b)", "a", "$", "$"),
        ("(?P<x>a)|(?P<x>b)", "a", "$-", "$-"),
        ("(?P<x>a)|(?P<x>b)", "a", "${", "${"),
        ("(?P<x>a)|(?P<x>b)", "a", "${}", "${}"),
        ("(?P<x>a)|(?P<x>b)", "a", "${x", "${x"),
        ("(?P<x>a)|(?P<x>b)", "a", "$1x", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "${1}x", "ax"),
        ("(?P<x>a)|(?P<x>b)", "a", "$01", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$00", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$name", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "${name}", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$99999999", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$999999999", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$1000000000", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$2$1", "a"),
        ("(?P<x>a)|(?P<x>b)", "a", "a$$b", "a$b"),
        ("(?P<x>a)|(?P<x>b)", "a", "$é", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$aé", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "${é}", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$٣", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$x٣y", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "${1", "${1"),
        ("(?P<x>a)|(?P<x>b)", "a", "$ 1", "$ 1"),
        ("(?P<x>a)|(?P<x>b)", "a", "$_", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "$1-x", "a-x"),
        ("(?P<x>a)|(?P<x>b)", "a", "x$", "x$"),
        ("(?P<x>a)|(?P<x>b)", "a", "${name}x", "x"),
        ("(?P<x>a)|(?P<x>b)", "a", "$namex", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "${01}", ""),
        ("(?P<x>a)|(?P<x>b)", "a", "${2}", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$1", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "${1}", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$0", "b"),
        ("(?P<x>a)|(?P<x>b)", "b", "${0}", "b"),
        ("(?P<x>a)|(?P<x>b)", "b", "$$", "$"),
        ("(?P<x>a)|(?P<x>b)", "b", "$", "$"),
        ("(?P<x>a)|(?P<x>b)", "b", "$-", "$-"),
        ("(?P<x>a)|(?P<x>b)", "b", "${", "${"),
        ("(?P<x>a)|(?P<x>b)", "b", "${}", "${}"),
        ("(?P<x>a)|(?P<x>b)", "b", "${x", "${x"),
        ("(?P<x>a)|(?P<x>b)", "b", "$1x", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "${1}x", "x"),
        ("(?P<x>a)|(?P<x>b)", "b", "$01", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$00", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$name", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "${name}", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$99999999", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$999999999", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$1000000000", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$2$1", "b"),
        ("(?P<x>a)|(?P<x>b)", "b", "a$$b", "a$b"),
        ("(?P<x>a)|(?P<x>b)", "b", "$é", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$aé", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "${é}", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$٣", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$x٣y", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "${1", "${1"),
        ("(?P<x>a)|(?P<x>b)", "b", "$ 1", "$ 1"),
        ("(?P<x>a)|(?P<x>b)", "b", "$_", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "$1-x", "-x"),
        ("(?P<x>a)|(?P<x>b)", "b", "x$", "x$"),
        ("(?P<x>a)|(?P<x>b)", "b", "${name}x", "x"),
        ("(?P<x>a)|(?P<x>b)", "b", "$namex", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "${01}", ""),
        ("(?P<x>a)|(?P<x>b)", "b", "${2}", "b"),
        ("(?P<name_x>a+)", "aa", "$1", "aa"),
        ("(?P<name_x>a+)", "aa", "${1}", "aa"),
        ("(?P<name_x>a+)", "aa", "$0", "aa"),
        ("(?P<name_x>a+)", "aa", "${0}", "aa"),
        ("(?P<name_x>a+)", "aa", "$$", "$"),
        ("(?P<name_x>a+)", "aa", "$", "$"),
        ("(?P<name_x>a+)", "aa", "$-", "$-"),
        ("(?P<name_x>a+)", "aa", "${", "${"),
        ("(?P<name_x>a+)", "aa", "${}", "${}"),
        ("(?P<name_x>a+)", "aa", "${x", "${x"),
        ("(?P<name_x>a+)", "aa", "$1x", ""),
        ("(?P<name_x>a+)", "aa", "${1}x", "aax"),
        ("(?P<name_x>a+)", "aa", "$01", ""),
        ("(?P<name_x>a+)", "aa", "$00", ""),
        ("(?P<name_x>a+)", "aa", "$name", ""),
        ("(?P<name_x>a+)", "aa", "${name}", ""),
        ("(?P<name_x>a+)", "aa", "$99999999", ""),
        ("(?P<name_x>a+)", "aa", "$999999999", ""),
        ("(?P<name_x>a+)", "aa", "$1000000000", ""),
        ("(?P<name_x>a+)", "aa", "$2$1", "aa"),
        ("(?P<name_x>a+)", "aa", "a$$b", "a$b"),
        ("(?P<name_x>a+)", "aa", "$é", ""),
        ("(?P<name_x>a+)", "aa", "$aé", ""),
        ("(?P<name_x>a+)", "aa", "${é}", ""),
        ("(?P<name_x>a+)", "aa", "$٣", ""),
        ("(?P<name_x>a+)", "aa", "$x٣y", ""),
        ("(?P<name_x>a+)", "aa", "${1", "${1"),
        ("(?P<name_x>a+)", "aa", "$ 1", "$ 1"),
        ("(?P<name_x>a+)", "aa", "$_", ""),
        ("(?P<name_x>a+)", "aa", "$1-x", "aa-x"),
        ("(?P<name_x>a+)", "aa", "x$", "x$"),
        ("(?P<name_x>a+)", "aa", "${name}x", "x"),
        ("(?P<name_x>a+)", "aa", "$namex", ""),
        ("(?P<name_x>a+)", "aa", "${01}", ""),
        ("(?P<name_x>a+)", "aa", "${2}", ""),
        ("(.*)", "v", "$1", "v"),
        ("(.*)", "v", "${1}", "v"),
        ("(.*)", "v", "$0", "v"),
        ("(.*)", "v", "${0}", "v"),
        ("(.*)", "v", "$$", "$"),
        ("(.*)", "v", "$", "$"),
        ("(.*)", "v", "$-", "$-"),
        ("(.*)", "v", "${", "${"),
        ("(.*)", "v", "${}", "${}"),
        ("(.*)", "v", "${x", "${x"),
        ("(.*)", "v", "$1x", ""),
        ("(.*)", "v", "${1}x", "vx"),
        ("(.*)", "v", "$01", ""),
        ("(.*)", "v", "$00", ""),
        ("(.*)", "v", "$name", ""),
        ("(.*)", "v", "${name}", ""),
        ("(.*)", "v", "$99999999", ""),
        ("(.*)", "v", "$999999999", ""),
        ("(.*)", "v", "$1000000000", ""),
        ("(.*)", "v", "$2$1", "v"),
        ("(.*)", "v", "a$$b", "a$b"),
        ("(.*)", "v", "$é", ""),
        ("(.*)", "v", "$aé", ""),
        ("(.*)", "v", "${é}", ""),
        ("(.*)", "v", "$٣", ""),
        ("(.*)", "v", "$x٣y", ""),
        ("(.*)", "v", "${1", "${1"),
        ("(.*)", "v", "$ 1", "$ 1"),
        ("(.*)", "v", "$_", ""),
        ("(.*)", "v", "$1-x", "v-x"),
        ("(.*)", "v", "x$", "x$"),
        ("(.*)", "v", "${name}x", "x"),
        ("(.*)", "v", "$namex", ""),
        ("(.*)", "v", "${01}", ""),
        ("(.*)", "v", "${2}", ""),
        ("f(.*)", "foo", "ch${1}-ch${1}", "choo-choo"),
        ("f(.*)", "foo", "ch$1-ch$1", "choo-choo"),
        ("f(.*);(.*)r", "foo;bar", "b${1}${2}m", "boobam"),
        ("(b).*b(.*)ba(.*)", "baz;boobam", "$1$2$2$3", "boooom"),
        ("(f).*", "foo", "$1", "f"),
        ("(f).*", "foo", "$2", ""),
        ("(b.*)", "bar", "bar_${1}", "bar_bar"),
        ("__meta_(my.*)", "__meta_my_bar", "${1}", "my_bar"),
        ("some-([^-]+)-([^,]+)", "some-name-value", "${2}", "value"),
        ("some-([^-]+)-([^,]+)", "some-name-value", "${1}", "name"),
        ("some-([^-]+)-([^,]+)", "some-name-value", "${3}", ""),
        ("some-([^-]+)-([^,]+)", "some-name-value", "0${3}", "0"),
        ("some-([^-]+)-([^,]+)", "some-name-value", "-${3}", "-"),
        ("(?:.+,|^)label:([^=]+)=([^,]+).*", "path:/secret,job:some-job,label:foo=bar", "${2}", "bar"),
        ("(?:.+,|^)label:([^=]+)=([^,]+).*", "path:/secret,job:some-job,label:foo=bar", "${1}", "foo"),
        ("line1.*line2", "line1\nline2", "match${1}", "match"),
        ("line1.*line2", "line1\nline2", "utf-8.label${1}", "utf-8.label"),
        ("(line1).*(?<second>line2)", "line1\nline2", "label1_${1}", "label1_line1"),
        ("(line1).*(?<second>line2)", "line1\nline2", "val_${second}", "val_line2"),
        ("(line1).*(?<second>line2)", "line1\nline2", "label2_$1", "label2_line1"),
        ("(line1).*(?<second>line2)", "line1\nline2", "val_$second", "val_line2"),
        ("(.+)", "x", "metrics", "metrics"),
        ("__meta_kubernetes_pod_label_(strimzi_io_.+)", "__meta_kubernetes_pod_label_strimzi_io_kind", "$1", "strimzi_io_kind"),
    ];

    #[test]
    fn expansions_match_go() {
        for &(p, input, template, want) in EXPANSIONS {
            let re = GoRegex::new(p, true).unwrap_or_else(|e| panic!("{p:?}: {e}"));
            let caps = re
                .captures(input)
                .unwrap_or_else(|| panic!("{p:?} on {input:?}"));
            assert_eq!(
                re.expand(template, &caps),
                want,
                "{p:?} {template:?} on {input:?}"
            );
            let mut m = re.new_match();
            assert!(re.match_into(input, &mut m));
            let mut out = String::from("prefix:");
            re.expand_match(&Template::new(template), input, &m, &mut out);
            assert_eq!(out, format!("prefix:{want}"));
        }
    }

    #[test]
    fn template_references() {
        for t in [
            "$1", "${1}", "a$b", "${name}", "$_", "x$0y", "$01", "$é", "$$$1",
        ] {
            assert!(template_has_reference(t), "{t}");
        }
        for t in [
            "", "abc", "$", "$$", "a$$b", "$-", "${", "${}", "${x", "${1", "$ 1", "x$",
        ] {
            assert!(!template_has_reference(t), "{t}");
        }
        assert_eq!(Template::new("a$$b$").literal().as_deref(), Some("a$b$"));
        assert_eq!(Template::new("$1").literal(), None);
    }
}
