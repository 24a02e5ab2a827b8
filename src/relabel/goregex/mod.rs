//! Go `regexp` (RE2 syntax) semantics on top of Rust's `regex` crate, as used by
//! Prometheus relabeling.
//!
//! Prometheus compiles a relabel regex with Go's `regexp.Compile("^(?s:" + re + ")$")`
//! (3.x) or `"^(?:" + re + ")$"` (2.x) and expands replacements with
//! `Regexp.ExpandString`. Rust's `regex` syntax differs from Go's in many small
//! ways (ASCII `\d\w\s\b`, `\Q…\E`, octal escapes, class set operators, `\<`,
//! repeat limits, Unicode class names, …), so the pattern is not handed to Rust
//! directly. Instead it is parsed by a line-by-line port of Go's
//! `regexp/syntax` parser, which yields Go's exact accept/reject decisions and
//! error texts (including the parse-tree size and nesting limits, which depend
//! on the shape of Go's tree), and the resulting tree is printed back as an
//! unambiguous Rust pattern (explicit code point classes, unnamed groups).
//! Unicode tables come from `regex-syntax`, restricted to the Unicode version of
//! the selected Go release.
//!
//! The files follow Go's `regexp/syntax`: `parse` (with `tokens`, `charclass`,
//! `factor` and `limits`) builds the `regexp` tree, `perl_groups` and
//! `unicode` hold the class tables, `compile` prints the tree as a Rust
//! pattern and compiles it, and `template` expands `$` replacements.

mod charclass;
mod compile;
mod factor;
mod limits;
mod parse;
mod perl_groups;
mod ranges;
mod regexp;
mod template;
mod tokens;
mod unicode;

pub use template::{template_has_reference, Part, Template};

use compile::compile;
use parse::Parser;
use regex::{CaptureLocations, Captures, Regex};
use std::fmt;

/// The Go release whose `regexp` behaviour is reproduced. Go's regexp syntax
/// changed over time; pick the release that built the Prometheus being modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoVersion {
    /// Go 1.19 (built Prometheus up to 2.43): Unicode 13, no `(?<name>…)`,
    /// oversized expressions reported as `regexp/syntax: internal error`.
    Go1_19,
    /// Go 1.20 (Prometheus 2.44–2.47): as 1.19, but oversized expressions
    /// report `expression too large`.
    Go1_20,
    /// Go 1.21 (Prometheus 2.48–2.50): Unicode 15 tables.
    Go1_21,
    /// Go 1.22 to 1.24 (Prometheus 2.51–3.6): also accepts `(?<name>…)`.
    Go1_22,
    /// Go 1.25 and later (Prometheus 3.7+): `\p{…}` names are matched loosely
    /// (`\p{greek}`, `\p{Letter}`; multi-word script names stop working), and
    /// `Any`, `ASCII`, `Assigned`, `Cn`, `LC` exist; `\pC` includes unassigned.
    Go1_25,
}

impl GoVersion {
    /// The newest behaviour, used for Prometheus 3.x by [`GoRegex::new`].
    pub const LATEST: GoVersion = GoVersion::Go1_25;
    /// The Go release that built Prometheus 2.42, used for 2.x by [`GoRegex::new`].
    pub const PROMETHEUS_2: GoVersion = GoVersion::Go1_19;

    fn unicode15(self) -> bool {
        !matches!(self, GoVersion::Go1_19 | GoVersion::Go1_20)
    }
    fn angle_named_groups(self) -> bool {
        matches!(self, GoVersion::Go1_22 | GoVersion::Go1_25)
    }
    fn loose_class_names(self) -> bool {
        self == GoVersion::Go1_25
    }
}

/// Whether Go itself rejects the pattern, or only this implementation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoRegexErrorKind {
    /// Go's `regexp.Compile` fails the same way; `message` is Go's text.
    Syntax,
    /// Go accepts the pattern, but the Rust engine cannot compile it within
    /// its limits (compiled size or nesting depth).
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoRegexError {
    /// Go's error text, e.g. ``error parsing regexp: missing closing ): `^(?s:(a)$` ``,
    /// formatted as Go prints it. As in Prometheus, the quoted expression is the
    /// anchored form when the error concerns the whole expression.
    pub message: String,
    /// Byte offset (within the user's pattern) of the offending part, when known.
    pub offset: Option<usize>,
    pub kind: GoRegexErrorKind,
}

impl fmt::Display for GoRegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GoRegexError {}

/// A relabel regex compiled with Go semantics: anchored at both ends.
#[derive(Debug, Clone)]
pub struct GoRegex {
    pattern: String,
    re: Regex,
    /// Go's `SubexpNames()`: index 0 is the whole match, "" for unnamed groups.
    names: Vec<String>,
    match_all: bool,
    version: GoVersion,
    /// Every match starts with one of these (e.g. `__meta_kubernetes_pod_label_`
    /// for a labelmap): strings that do not are rejected without running the
    /// regex engine. `None` when there is no such short list.
    prefixes: Option<Box<[Box<[u8]>]>>,
}

impl GoRegex {
    /// Compile `pattern` as Prometheus does: anchored, with `dot_all` (3.x, Go
    /// [`GoVersion::LATEST`]) or without (2.x, Go [`GoVersion::PROMETHEUS_2`]).
    pub fn new(pattern: &str, dot_all: bool) -> Result<GoRegex, GoRegexError> {
        let version = if dot_all {
            GoVersion::LATEST
        } else {
            GoVersion::PROMETHEUS_2
        };
        GoRegex::new_with(pattern, dot_all, version)
    }

    /// Compile `pattern` anchored as `^(?s:…)$` (`dot_all`) or `^(?:…)$`, with
    /// the syntax of the given Go release.
    pub fn new_with(
        pattern: &str,
        dot_all: bool,
        version: GoVersion,
    ) -> Result<GoRegex, GoRegexError> {
        let prefix = if dot_all { "^(?s:" } else { "^(?:" };
        let whole = format!("{prefix}{pattern})$");
        let user = (prefix.len(), prefix.len() + pattern.len());
        compile(&whole, Some(user), version, pattern)
    }

    /// Go's `regexp.Compile(expr)` without Prometheus's anchoring (unanchored
    /// search semantics are not provided; use this for syntax checks and tests).
    pub fn check_go_syntax(expr: &str, version: GoVersion) -> Result<(), GoRegexError> {
        let mut p = Parser::new(expr, version, None);
        match p.parse() {
            Ok(_) => Ok(()),
            Err(e) => Err(p.error(e)),
        }
    }

    /// The user's pattern, without the anchoring wrapper.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The Go release whose semantics this regex follows.
    pub fn go_version(&self) -> GoVersion {
        self.version
    }

    /// True when every string matches (e.g. the default `(.*)` in 3.x), so
    /// matching can be skipped.
    pub fn is_match_all(&self) -> bool {
        self.match_all
    }

    /// Whether the whole of `s` matches. Does not allocate once the regex has
    /// been used on the current thread.
    pub fn is_match(&self, s: &str) -> bool {
        self.match_all || (self.may_match(s) && self.re.is_match(s))
    }

    /// False when `s` cannot match because it lacks every required prefix.
    #[inline]
    fn may_match(&self, s: &str) -> bool {
        match &self.prefixes {
            None => true,
            Some(p) => p.iter().any(|lit| s.as_bytes().starts_with(lit)),
        }
    }

    /// Like Go's `FindStringSubmatchIndex` on the anchored regex: the submatches
    /// of the full match of `s`, or None. Group numbers are Go's; group names
    /// are not registered with the Rust regex (see [`GoRegex::subexp_names`]).
    pub fn captures<'h>(&self, s: &'h str) -> Option<Captures<'h>> {
        if !self.may_match(s) {
            return None;
        }
        self.re.captures(s)
    }

    /// Go's `Regexp.Expand` of `template` against `caps` (from [`GoRegex::captures`]).
    pub fn expand(&self, template: &str, caps: &Captures<'_>) -> String {
        let mut out = String::new();
        let t = Template::with_version(template, self.version);
        t.expand_with(&self.names, &mut out, |i| caps.get(i).map(|m| m.as_str()));
        out
    }

    /// [`GoRegex::expand`] when the result has at most `limit` bytes;
    /// otherwise `Err` with its length, found without building it (a
    /// template can repeat a huge group thousands of times).
    pub fn expand_within(
        &self,
        template: &str,
        caps: &Captures<'_>,
        limit: usize,
    ) -> Result<String, usize> {
        let t = Template::with_version(template, self.version);
        let group = |i: usize| caps.get(i).map(|m| m.as_str());
        let len = t.expanded_len(&self.names, group);
        if len > limit {
            return Err(len);
        }
        let mut out = String::with_capacity(len);
        t.expand_with(&self.names, &mut out, group);
        Ok(out)
    }

    /// Go's `ReplaceAllString(s, template)`, as `labelmap` rewrites names:
    /// `None` when nothing matches. Usually the match is all of `s`, but an
    /// alternation such as `)|(` (anchored: `^(?s:)|()$`) matches parts of
    /// it, and then the text between matches is kept, as in Go, and an
    /// empty match right after another is not replaced. `Err` with a
    /// length above `limit` bytes.
    pub fn replace_all_within(
        &self,
        s: &str,
        template: &str,
        limit: usize,
    ) -> Result<Option<String>, usize> {
        let Some(first) = self.captures(s) else {
            return Ok(None);
        };
        let whole = first
            .get(0)
            .is_some_and(|m| m.start() == 0 && m.end() == s.len());
        if whole {
            return self.expand_within(template, &first, limit).map(Some);
        }
        let t = Template::with_version(template, self.version);
        let mut out = String::new();
        let (mut last_end, mut pos) = (0, 0);
        while pos <= s.len() {
            let Some(caps) = self.re.captures_at(s, pos) else {
                break;
            };
            let Some(m) = caps.get(0) else {
                break;
            };
            out.push_str(&s[last_end..m.start()]);
            if m.end() > last_end || m.start() == 0 {
                let group = |i: usize| caps.get(i).map(|g| g.as_str());
                let len = t.expanded_len(&self.names, group);
                if out.len() + len > limit {
                    return Err(out.len() + len);
                }
                t.expand_with(&self.names, &mut out, group);
            }
            last_end = m.end();
            // Advance past the match, at least one character.
            let width = s[pos..].chars().next().map_or(1, char::len_utf8);
            pos = if pos + width > m.end() {
                pos + width
            } else {
                m.end()
            };
        }
        out.push_str(&s[last_end..]);
        if out.len() > limit {
            return Err(out.len());
        }
        Ok(Some(out))
    }

    /// Go's `SubexpNames()`: one entry per group plus the whole match at index 0;
    /// unnamed groups are "".
    pub fn subexp_names(&self) -> &[String] {
        &self.names
    }

    /// Number of capturing groups (Go's `NumSubexp()`).
    pub fn num_subexp(&self) -> usize {
        self.names.len().saturating_sub(1)
    }

    /// Go's `SubexpIndex`: the first group with this name.
    pub fn subexp_index(&self, name: &str) -> Option<usize> {
        if name.is_empty() {
            return None;
        }
        self.names.iter().position(|n| n == name)
    }

    /// A reusable buffer for [`GoRegex::match_into`].
    pub fn new_match(&self) -> GoMatch {
        GoMatch {
            locs: self.re.capture_locations(),
            spans: Vec::with_capacity(self.names.len()),
        }
    }

    /// Anchored match of `s`, storing Go's submatch positions in `m` (created
    /// by [`GoRegex::new_match`] of this regex). Returns false if `s` does not
    /// match. Match-all patterns skip the regex engine entirely.
    pub fn match_into(&self, s: &str, m: &mut GoMatch) -> bool {
        m.spans.clear();
        if self.match_all {
            // Every group of a match-all pattern wraps the whole `.*`.
            m.spans.resize(self.names.len(), Some((0, s.len())));
            return true;
        }
        if !self.may_match(s) {
            return false;
        }
        if m.locs.len() != self.re.captures_len() {
            m.locs = self.re.capture_locations();
        }
        if self.re.captures_read(&mut m.locs, s).is_none() {
            return false;
        }
        for i in 0..self.names.len() {
            m.spans.push(m.locs.get(i));
        }
        true
    }

    /// Go's `Regexp.ExpandString` of a parsed template against a match of `s`
    /// produced by [`GoRegex::match_into`], appended to `dst`.
    pub fn expand_match(&self, template: &Template, s: &str, m: &GoMatch, dst: &mut String) {
        template.expand_with(&self.names, dst, |i| {
            m.spans
                .get(i)
                .copied()
                .flatten()
                .and_then(|(a, b)| s.get(a..b))
        });
    }
}

/// Submatch positions of one match, reusable across calls.
#[derive(Debug, Clone)]
pub struct GoMatch {
    locs: CaptureLocations,
    spans: Vec<Option<(usize, usize)>>,
}

impl GoMatch {
    /// Byte range of group `i`, None if it did not take part in the match.
    pub fn get(&self, i: usize) -> Option<(usize, usize)> {
        self.spans.get(i).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    /// Go's `ReplaceAllString` on the anchored pattern, as labelmap uses it.
    #[test]
    fn replace_all_keeps_what_a_partial_match_leaves() {
        let cases = [
            // (pattern, input, template, Go's result)
            (")|(", "zz", "$1", Some("zz")),
            ("a)|(b", "ab", "[$1]", Some("[][b]")),
            ("a)|(b", "xb", "[$1]", Some("x[b]")),
            ("a)|(b", "x", "[$1]", None),
            ("(.+)", "name", "new_$1", Some("new_name")),
            ("x(.*)", "name", "$1", None),
        ];
        for (pattern, input, template, want) in cases {
            let re = GoRegex::new(pattern, true).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            let got = re.replace_all_within(input, template, 1 << 20);
            assert_eq!(got, Ok(want.map(String::from)), "{pattern} on {input}");
        }
        let re = GoRegex::new("a)|(b", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(re.replace_all_within("ab", "$1$1$1", 2), Err(3));
        // Go's MatchString (keep, drop, labelmap): the match need not start
        // the text.
        assert!(re.is_match("xb") && re.is_match("ax") && !re.is_match("x"));
    }

    use super::GoVersion::*;
    use super::*;

    // Expected values in these tables are the output of Go's regexp package:
    // Go 1.19 for Prometheus 2.x (`^(?:…)$`), and Go 1.21.13, 1.24.11 and
    // 1.25.5 for 3.x (`^(?s:…)$`).

    /// (Go version, dot_all, pattern, input, FindStringSubmatchIndex joined by
    /// ':' with -1 for unset groups, or "-" for no match).
    #[rustfmt::skip]
    const MATCHES: &[(GoVersion, bool, &str, &str, &str)] = &[
        (Go1_25, true, "(.*)", "", "0:0:0:0"),
        (Go1_25, true, "(.*)", "a\nb", "0:3:0:3"),
        (Go1_25, true, "(.*)", "é", "0:2:0:2"),
        (Go1_25, true, ".*", "a\nb", "0:3"),
        (Go1_25, true, ".*", "\n", "0:1"),
        (Go1_25, true, "(.+)", "", "-"),
        (Go1_25, true, "(.+)", "a", "0:1:0:1"),
        (Go1_25, true, "foo", "foo", "0:3"),
        (Go1_25, true, "foo", "foox", "-"),
        (Go1_25, true, "foo", "xfoo", "-"),
        (Go1_25, true, "f|o", "f", "0:1"),
        (Go1_25, true, "f|o", "foo", "-"),
        (Go1_25, true, "a|", "", "0:0"),
        (Go1_25, true, "a|", "a", "0:1"),
        (Go1_25, true, "a|", "b", "-"),
        (Go1_25, true, "|a", "", "0:0"),
        (Go1_25, true, "|a", "a", "0:1"),
        (Go1_25, true, r#"\d+"#, "123", "0:3"),
        (Go1_25, true, r#"\d+"#, "٣", "-"),
        (Go1_25, true, r#"\d+"#, "1٣", "-"),
        (Go1_25, true, r#"\w+"#, "a_1", "0:3"),
        (Go1_25, true, r#"\w+"#, "é", "-"),
        (Go1_25, true, r#"\s"#, " ", "0:1"),
        (Go1_25, true, r#"\s"#, "\t", "0:1"),
        (Go1_25, true, r#"\s"#, "\u{b}", "-"),
        (Go1_25, true, r#"\s"#, "\u{c}", "0:1"),
        (Go1_25, true, r#"\s"#, "\u{a0}", "-"),
        (Go1_25, true, r#"\s"#, "\n", "0:1"),
        (Go1_25, true, "[[:space:]]", "\u{b}", "0:1"),
        (Go1_25, true, "[[:space:]]", "\u{a0}", "-"),
        (Go1_25, true, r#"\D"#, "٣", "0:2"),
        (Go1_25, true, r#"\D"#, "1", "-"),
        (Go1_25, true, r#"\W"#, "é", "0:2"),
        (Go1_25, true, r#"\W"#, "_", "-"),
        (Go1_25, true, r#"\S"#, "\u{b}", "0:1"),
        (Go1_25, true, r#"\S"#, "\u{a0}", "0:2"),
        (Go1_25, true, r#"a\b"#, "a", "0:1"),
        (Go1_25, true, r#"\bfoo\b"#, "foo", "0:3"),
        (Go1_25, true, r#"a\bé"#, "aé", "0:3"),
        (Go1_25, true, r#"é\b"#, "é", "-"),
        (Go1_25, true, r#"a\Bé"#, "aé", "-"),
        (Go1_25, true, r#"(.*)\b(.*)"#, "ab cd", "0:5:0:5:5:5"),
        (Go1_25, true, r#"(.*)\b(.*)"#, "éa", "0:3:0:3:3:3"),
        (Go1_25, true, r#"\<a\>"#, "<a>", "0:3"),
        (Go1_25, true, r#"\<a\>"#, "a", "-"),
        (Go1_25, true, r#"a\<b"#, "a<b", "0:3"),
        (Go1_25, true, "[a&&b]", "&", "0:1"),
        (Go1_25, true, "[a&&b]", "a", "0:1"),
        (Go1_25, true, "[a&&b]", "b", "0:1"),
        (Go1_25, true, "[a&&b]", "c", "-"),
        (Go1_25, true, "[a~~b]", "~", "0:1"),
        (Go1_25, true, "[a||b]", "|", "0:1"),
        (Go1_25, true, r#"\Q.*\E"#, ".*", "0:2"),
        (Go1_25, true, r#"\Q.*\E"#, "ab", "-"),
        (Go1_25, true, r#"\101\x42\x{43}"#, "ABC", "0:3"),
        (Go1_25, true, r#"\0\012"#, "\u{0}\n", "0:2"),
        (Go1_25, true, "(?i)k", "k", "0:1"),
        (Go1_25, true, "(?i)k", "K", "0:1"),
        (Go1_25, true, "(?i)k", "K", "0:1"),
        (Go1_25, true, "(?i)s", "ſ", "0:2"),
        (Go1_25, true, "(?i)s", "S", "0:1"),
        (Go1_25, true, "(?i)ß", "ẞ", "0:3"),
        (Go1_25, true, "(?i)ß", "ss", "-"),
        (Go1_25, true, "(?i)σ", "Σ", "0:2"),
        (Go1_25, true, "(?i)σ", "ς", "0:2"),
        (Go1_25, true, "(?i)ǅ", "Ǆ", "0:2"),
        (Go1_25, true, "(?i)ǅ", "ǆ", "0:2"),
        (Go1_25, true, "(?i)[a-z]+", "ſK", "0:3"),
        (Go1_25, true, "(?i)[^k]", "K", "-"),
        (Go1_25, true, "(?i)[^k]", "x", "0:1"),
        (Go1_25, true, r#"(?i)\x{212A}"#, "k", "0:1"),
        (Go1_25, true, r#"(?i)\pLu"#, "au", "0:2"),
        (Go1_25, true, "(?i)[[:upper:]]", "a", "0:1"),
        (Go1_25, true, "(?i)[[:upper:]]", "ſ", "0:2"),
        (Go1_25, true, r#"(?i)\p{Lu}"#, "a", "0:1"),
        (Go1_25, true, r#"(?i)\p{Lu}"#, "ſ", "0:2"),
        (Go1_25, true, r#"(?i)\p{LC}"#, "ͅ", "-"),
        (Go1_25, true, r#"(?i)\p{Greek}"#, "µ", "0:2"),
        (Go1_25, true, r#"(?i)\p{Greek}"#, "ͅ", "0:2"),
        (Go1_25, true, r#"\pL"#, "é", "0:2"),
        (Go1_25, true, r#"\pL"#, "\u{1c89}", "-"),
        (Go1_25, true, r#"\pL"#, "\u{a7cb}", "-"),
        (Go1_25, true, r#"\pL"#, "\u{11f00}", "-"),
        (Go1_25, true, r#"\pL"#, "1", "-"),
        (Go1_25, true, r#"\p{Latin}"#, "\u{a7cb}", "-"),
        (Go1_25, true, r#"\PL"#, "é", "-"),
        (Go1_25, true, r#"\PL"#, "1", "0:1"),
        (Go1_25, true, r#"\p{^L}"#, "1", "0:1"),
        (Go1_25, true, r#"\P{^L}"#, "a", "0:1"),
        (Go1_25, true, r#"\pN"#, "٣", "0:2"),
        (Go1_25, true, r#"\pN"#, "Ⅻ", "0:3"),
        (Go1_25, true, r#"\p{C}"#, "\u{378}", "0:2"),
        (Go1_25, true, r#"\p{C}"#, "\u{0}", "0:1"),
        (Go1_25, true, r#"\p{Cn}"#, "\u{378}", "0:2"),
        (Go1_25, true, r#"\p{Cn}"#, "\u{fdd0}", "0:3"),
        (Go1_25, true, r#"\p{Cn}"#, "\u{1c89}", "0:3"),
        (Go1_25, true, r#"\p{Any}"#, "\n", "0:1"),
        (Go1_25, true, r#"\p{Mn}"#, "𑜞", "0:4"),
        (Go1_25, true, r#"\p{Mc}"#, "𑜞", "-"),
        (Go1_25, true, r#"\p{Han}"#, "𖿢", "0:4"),
        (Go1_25, true, r#"\p{Han}"#, "中", "0:3"),
        (Go1_25, true, r#"\p{Common}"#, "𖿢", "-"),
        (Go1_25, true, r#"\p{Greek}"#, "α", "0:2"),
        (Go1_25, true, r#"\p{greek}"#, "α", "0:2"),
        (Go1_25, true, r#"\p{Letter}"#, "a", "0:1"),
        (Go1_25, true, r#"\p{Assigned}"#, "a", "0:1"),
        (Go1_25, true, r#"\p{Assigned}"#, "\u{378}", "-"),
        (Go1_25, true, r#"\p{ASCII}"#, "a", "0:1"),
        (Go1_25, true, r#"\p{ASCII}"#, "é", "-"),
        (Go1_25, true, "[[:alpha:]]", "a", "0:1"),
        (Go1_25, true, "[[:alpha:]]", "é", "-"),
        (Go1_25, true, "[[:^alpha:]]", "é", "0:2"),
        (Go1_25, true, "[[:^alpha:]]", "\n", "0:1"),
        (Go1_25, true, "[[:word:]]+", "a_1", "0:3"),
        (Go1_25, true, "[^a]", "\n", "0:1"),
        (Go1_25, true, "[^a]", "b", "0:1"),
        (Go1_25, true, r#"[^\n]"#, "\n", "-"),
        (Go1_25, true, "[]a]", "]", "0:1"),
        (Go1_25, true, "[]a]", "a", "0:1"),
        (Go1_25, true, "[a-]", "-", "0:1"),
        (Go1_25, true, r#"[\d-z]"#, "-", "0:1"),
        (Go1_25, true, r#"[\d-z]"#, "5", "0:1"),
        (Go1_25, true, ".", "\n", "0:1"),
        (Go1_25, true, ".", "é", "0:2"),
        (Go1_25, true, "(?s:.)", "\n", "0:1"),
        (Go1_25, true, "(?-s:.)", "\n", "-"),
        (Go1_25, true, "(?-s).*", "a\nb", "-"),
        (Go1_25, true, "(?m)^a$", "a", "0:1"),
        (Go1_25, true, r#"(?m)a$\n^b"#, "a\nb", "0:3"),
        (Go1_25, true, r#"a$\nb"#, "a\nb", "-"),
        (Go1_25, true, "^^a$$", "a", "0:1"),
        (Go1_25, true, r#"\Aa\z"#, "a", "0:1"),
        (Go1_25, true, "a^b", "ab", "-"),
        (Go1_25, true, "(a*)*", "", "0:0:0:0"),
        (Go1_25, true, "(a*)*", "aa", "0:2:0:2"),
        (Go1_25, true, "(a*)*", "b", "-"),
        (Go1_25, true, "(a*)+", "", "0:0:0:0"),
        (Go1_25, true, "(a*)+", "aa", "0:2:0:2"),
        (Go1_25, true, "(a|b)*", "abab", "0:4:3:4"),
        (Go1_25, true, "(a?)*", "aa", "0:2:1:2"),
        (Go1_25, true, "(|a)*", "", "0:0:0:0"),
        (Go1_25, true, "(|a)*", "aa", "0:2:1:2"),
        (Go1_25, true, "(|a)+", "aa", "0:2:1:2"),
        (Go1_25, true, "(a|)*", "aa", "0:2:1:2"),
        (Go1_25, true, "((a)|b)+", "ab", "0:2:1:2:0:1"),
        (Go1_25, true, "((a)|b)+", "ba", "0:2:1:2:1:2"),
        (Go1_25, true, "(a*?)*", "aa", "0:2:0:2"),
        (Go1_25, true, "(a){2}", "aa", "0:2:1:2"),
        (Go1_25, true, "(a){2,3}", "aaa", "0:3:2:3"),
        (Go1_25, true, "(a){0}(b)?", "b", "0:1:-1:-1:0:1"),
        (Go1_25, true, "(a){0}(b)?", "", "0:0:-1:-1:-1:-1"),
        (Go1_25, true, "(a+)(a*)", "aaa", "0:3:0:3:3:3"),
        (Go1_25, true, "(a*)(a+)", "aaa", "0:3:0:2:2:3"),
        (Go1_25, true, "(a|ab)(c|bcd)(d*)", "abcd", "0:4:0:1:1:4:4:4"),
        (Go1_25, true, r#"(.*)(\d+)"#, "ab12", "0:4:0:3:3:4"),
        (Go1_25, true, r#"(.*?)(\d+)"#, "ab12", "0:4:0:2:2:4"),
        (Go1_25, true, r#"(?U)(.*)(\d+)"#, "ab12", "0:4:0:2:2:4"),
        (Go1_25, true, "(?U)(a+?)", "aa", "0:2:0:2"),
        (Go1_25, true, "(a+|b+)*c", "abc", "0:3:1:2"),
        (Go1_25, true, "(?i:A)x|Ay*", "ax", "0:2"),
        (Go1_25, true, "(?i:A)x|Ay*", "ay", "0:2"),
        (Go1_25, true, "(?i:A)x|Ay*", "Ay", "0:2"),
        (Go1_25, true, "(?i)A|a", "a", "0:1"),
        (Go1_25, true, "abc|abd|aef", "abd", "0:3"),
        (Go1_25, true, "abc|abd|aef", "aef", "0:3"),
        (Go1_25, true, r#"(?P<host>[^:]+):(?P<port>\d+)"#, "host:80", "0:7:0:4:5:7"),
        (Go1_25, true, r#"(?P<host>[^:]+):(?P<port>\d+)"#, "h:x", "-"),
        (Go1_25, true, r#"([^:]+)(?::\d+)?"#, "host:80", "0:7:0:4"),
        (Go1_25, true, r#"([^:]+)(?::\d+)?"#, "host", "0:4:0:4"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "-label", "-"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "label", "0:5"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "label${1}", "0:9"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "${1}label", "0:9"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "${1}", "0:4"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "${", "-"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "$", "-"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "${}", "-"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "foo${", "-"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "$1", "0:2"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "asd$2asd", "0:8"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "-foo${1}bar-", "-"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "bar.foo${1}bar", "-"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "_${1}_", "0:6"),
        (Go1_25, true, r#"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+"#, "foo${bar}foo", "0:12"),
        (Go1_25, true, "__meta_kubernetes_pod_label_(.+)", "__meta_kubernetes_pod_label_app", "0:31:28:31"),
        (Go1_25, true, "__meta_kubernetes_pod_label_(.+)", "__meta_kubernetes_pod_label_", "-"),
        (Go1_25, true, "(?:.+,|^)path:(/[^,]+).*", "job:a,path:/x,label:l=v", "0:23:11:13"),
        (Go1_25, true, "line1.*line2", "line1\nline2", "0:11"),
        (Go1_19, false, "(.*)", "", "0:0:0:0"),
        (Go1_19, false, "(.*)", "a\nb", "-"),
        (Go1_19, false, "(.*)", "é", "0:2:0:2"),
        (Go1_19, false, ".*", "a\nb", "-"),
        (Go1_19, false, ".*", "\n", "-"),
        (Go1_19, false, r#"(.*)\b(.*)"#, "ab cd", "0:5:0:5:5:5"),
        (Go1_19, false, r#"(.*)\b(.*)"#, "éa", "0:3:0:3:3:3"),
        (Go1_19, false, r#"\pL"#, "é", "0:2"),
        (Go1_19, false, r#"\pL"#, "\u{1c89}", "-"),
        (Go1_19, false, r#"\pL"#, "\u{a7cb}", "-"),
        (Go1_19, false, r#"\pL"#, "\u{11f00}", "-"),
        (Go1_19, false, r#"\pL"#, "1", "-"),
        (Go1_19, false, r#"\p{Latin}"#, "\u{a7cb}", "-"),
        (Go1_19, false, r#"\p{^L}"#, "1", "0:1"),
        (Go1_19, false, r#"\pN"#, "٣", "0:2"),
        (Go1_19, false, r#"\pN"#, "Ⅻ", "0:3"),
        (Go1_19, false, r#"\p{C}"#, "\u{378}", "-"),
        (Go1_19, false, r#"\p{C}"#, "\u{0}", "0:1"),
        (Go1_19, false, r#"\p{Any}"#, "\n", "0:1"),
        (Go1_19, false, r#"\p{Mn}"#, "𑜞", "0:4"),
        (Go1_19, false, r#"\p{Mc}"#, "𑜞", "-"),
        (Go1_19, false, r#"\p{Han}"#, "𖿢", "-"),
        (Go1_19, false, r#"\p{Han}"#, "中", "0:3"),
        (Go1_19, false, r#"\p{Common}"#, "𖿢", "0:4"),
        (Go1_19, false, r#"\p{Greek}"#, "α", "0:2"),
        (Go1_19, false, ".", "\n", "-"),
        (Go1_19, false, ".", "é", "0:2"),
        (Go1_19, false, "(?-s:.)", "\n", "-"),
        (Go1_19, false, "(?-s).*", "a\nb", "-"),
        (Go1_19, false, r#"(.*)(\d+)"#, "ab12", "0:4:0:3:3:4"),
        (Go1_19, false, "line1.*line2", "line1\nline2", "-"),
        (Go1_21, true, r#"\p{C}"#, "\u{378}", "-"),
    ];

    pub(super) fn indexes(re: &GoRegex, s: &str) -> String {
        match re.captures(s) {
            None => "-".to_string(),
            Some(c) => (0..c.len())
                .flat_map(|i| match c.get(i) {
                    Some(m) => [m.start() as i64, m.end() as i64],
                    None => [-1, -1],
                })
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(":"),
        }
    }

    #[test]
    fn matches_match_go() {
        for &(v, dot_all, p, input, want) in MATCHES {
            let re = GoRegex::new_with(p, dot_all, v).unwrap_or_else(|e| panic!("{p:?}: {e}"));
            assert_eq!(indexes(&re, input), want, "{p:?} on {input:?} ({v:?})");
            assert_eq!(re.is_match(input), want != "-", "{p:?} on {input:?}");
            let mut m = re.new_match();
            assert_eq!(re.match_into(input, &mut m), want != "-");
        }
    }

    #[test]
    fn group_names() {
        let re = GoRegex::new(r"(?P<a>x)(y)(?P<b>z)?(?P<a>w)?", true).unwrap();
        assert_eq!(re.subexp_names(), ["", "a", "", "b", "a"]);
        assert_eq!(re.subexp_index("a"), Some(1));
        assert_eq!(re.subexp_index("b"), Some(3));
        assert_eq!(re.subexp_index(""), None);
        assert_eq!(re.as_str(), r"(?P<a>x)(y)(?P<b>z)?(?P<a>w)?");
        assert_eq!(re.go_version(), GoVersion::LATEST);
        // Go resolves a name to the first group of that name that took part.
        let re = GoRegex::new("(?P<x>a)|(?P<x>b)", true).unwrap();
        let caps = re.captures("b").unwrap();
        assert_eq!(re.expand("[$x]", &caps), "[b]");
    }

    /// A deterministic generator of odd patterns.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    #[test]
    fn odd_patterns_never_panic() {
        const TOKENS: &[&str] = &[
            "(",
            ")",
            "(?",
            "(?:",
            "(?P<",
            "(?<",
            ">",
            "(?i",
            "(?-",
            "(?s)",
            "(?m)",
            "(?U)",
            "[",
            "]",
            "[^",
            "[:",
            ":]",
            "[[:alpha:]",
            "-",
            "^",
            "$",
            "|",
            "*",
            "+",
            "?",
            "{",
            "}",
            "{2",
            ",",
            "{1001}",
            "{0}",
            "\\",
            "\\Q",
            "\\E",
            "\\x",
            "\\x{",
            "\\x{10FFFF}",
            "\\p",
            "\\p{",
            "\\pL",
            "\\P{^Greek}",
            "\\d",
            "\\b",
            "\\B",
            "\\z",
            "\\A",
            "\\C",
            "\\1",
            "\\0",
            "\\777",
            "a",
            "é",
            "ſ",
            "K",
            "\u{0}",
            "\n",
            ".",
            "&&",
            "~~",
            "--",
            "0",
            "9",
        ];
        let mut rng = Lcg(42);
        let inputs = ["", "a", "aé\nK", "((", "0-9"];
        for i in 0..3000 {
            let mut p = String::new();
            for _ in 0..1 + rng.next(8) {
                p.push_str(TOKENS[rng.next(TOKENS.len())]);
            }
            let v = [Go1_19, Go1_21, Go1_22, Go1_25][i % 4];
            for dot_all in [true, false] {
                let _ = GoRegex::check_go_syntax(&p, v);
                if let Ok(re) = GoRegex::new_with(&p, dot_all, v) {
                    let mut m = re.new_match();
                    for s in inputs {
                        let _ = re.is_match(s);
                        if let Some(c) = re.captures(s) {
                            let _ = re.expand("$1${2}$x$$", &c);
                        }
                        if re.match_into(s, &mut m) {
                            let mut out = String::new();
                            re.expand_match(&Template::new("$0${9}"), s, &m, &mut out);
                        }
                    }
                }
            }
        }
    }
}
