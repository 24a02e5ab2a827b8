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

use regex::{CaptureLocations, Captures, Regex, RegexBuilder};
use regex_syntax::hir::{Class, HirKind};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

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

/// Go's `template.Expand` rules applied to a parsed replacement template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
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

    fn expand_with<'a>(
        &self,
        names: &[String],
        dst: &mut String,
        group: impl Fn(usize) -> Option<&'a str>,
    ) {
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => dst.push_str(s),
                Piece::Index(n) => {
                    if let Some(v) = group(*n) {
                        dst.push_str(v);
                    }
                }
                Piece::Name(name) => {
                    // Go takes the first group of that name that took part.
                    for (i, n) in names.iter().enumerate() {
                        if n == name {
                            if let Some(v) = group(i) {
                                dst.push_str(v);
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

// ---------------------------------------------------------------------------
// Compilation: Go parse tree -> Rust pattern
// ---------------------------------------------------------------------------

/// Go's parse tree is at most 1000 deep; each level adds at most three levels
/// of Rust syntax nesting (groups and a repetition).
const RUST_NEST_LIMIT: u32 = 3 * MAX_HEIGHT as u32 + 64;
/// Bounds on what is handed to the Rust engine, so that a hostile pattern
/// (which Go may still accept) fails quickly instead of exhausting memory.
const RUST_PATTERN_LIMIT: usize = 8 << 20;
const RUST_SIZE_LIMIT: usize = 64 << 20;

fn compile(
    whole: &str,
    user: Option<(usize, usize)>,
    version: GoVersion,
    pattern: &str,
) -> Result<GoRegex, GoRegexError> {
    let mut p = Parser::new(whole, version, user);
    let root = match p.parse() {
        Ok(r) => r,
        Err(e) => return Err(p.error(e)),
    };
    let (nodes, fold) = (&p.nodes, p.u);
    let build = || build_rust(nodes, fold, root);
    // Go allows a parse tree 1000 levels deep; the Rust regex compiler recurses
    // over it and needs more stack than a default thread has.
    let (names, re) = if nodes.len() <= SMALL_TREE {
        build()?
    } else {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(DEEP_STACK)
                .spawn_scoped(s, build)
                .ok()
                .and_then(|h| h.join().ok())
                .unwrap_or_else(|| Err(unsupported("could not start a compiler thread".into())))
        })?
    };
    let prefixes = if nodes.len() <= SMALL_TREE {
        required_prefixes(re.as_str())
    } else {
        None
    };
    Ok(GoRegex {
        pattern: pattern.to_string(),
        re,
        names,
        match_all: user.is_some() && is_match_all_tree(nodes, root),
        version,
        prefixes,
    })
}

/// The literals every match of the (anchored) Rust pattern starts with, when
/// there are a few and none is empty.
fn required_prefixes(rust_pattern: &str) -> Option<Box<[Box<[u8]>]>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    // Parsed with the settings the regex crate used to compile it.
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(RUST_NEST_LIMIT)
        .build()
        .parse(rust_pattern)
        .ok()?;
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(64);
    let seq = extractor.extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > 8 || literals.iter().any(|l| l.as_bytes().is_empty())
    {
        return None;
    }
    Some(literals.iter().map(|l| l.as_bytes().into()).collect())
}

/// Trees with at most this many nodes are shallow enough for any thread.
const SMALL_TREE: usize = 200;
const DEEP_STACK: usize = 64 << 20;

fn unsupported(why: String) -> GoRegexError {
    GoRegexError {
        message: format!("regexp accepted by Go but not supported here: {why}"),
        offset: None,
        kind: GoRegexErrorKind::Unsupported,
    }
}

/// Print Go's tree as a Rust pattern and compile it; also returns Go's
/// `SubexpNames`.
fn build_rust(
    nodes: &[Node],
    fold: &'static UnicodeData,
    root: usize,
) -> Result<(Vec<String>, Regex), GoRegexError> {
    let mut names = vec![String::new(); max_cap(nodes, root) + 1];
    cap_names(nodes, root, &mut names);
    let mut em = Emitter {
        nodes,
        fold,
        out: String::new(),
        caps: Vec::new(),
    };
    em.emit(root).map_err(|()| {
        unsupported(format!(
            "translated pattern exceeds {RUST_PATTERN_LIMIT} bytes"
        ))
    })?;
    let renumbered = || unsupported("capture groups could not be numbered as in Go".into());
    // Rust numbers groups by the position of their `(`, Go in source order.
    // Printing the tree in order keeps them equal; check rather than assume.
    if em.caps.iter().enumerate().any(|(i, &c)| c != i as i32 + 1)
        || em.caps.len() + 1 != names.len()
    {
        return Err(renumbered());
    }
    let re = RegexBuilder::new(&em.out)
        .nest_limit(RUST_NEST_LIMIT)
        .size_limit(RUST_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let why = match e {
                regex::Error::CompiledTooBig(n) => {
                    format!("compiled program exceeds the size limit of {n} bytes")
                }
                // Only the nesting limit can fail here; report it briefly.
                regex::Error::Syntax(s) => s
                    .lines()
                    .last()
                    .unwrap_or("Rust regex syntax error")
                    .trim()
                    .to_string(),
                _ => e.to_string(),
            };
            unsupported(why)
        })?;
    if re.captures_len() != names.len() {
        return Err(renumbered());
    }
    Ok((names, re))
}

fn has_capture(nodes: &[Node], id: usize) -> bool {
    nodes[id].op == OP_CAPTURE || nodes[id].sub.iter().any(|&s| has_capture(nodes, s))
}

fn max_cap(nodes: &[Node], id: usize) -> usize {
    let n = &nodes[id];
    let mut m = if n.op == OP_CAPTURE {
        n.cap.max(0) as usize
    } else {
        0
    };
    for &s in &n.sub {
        m = m.max(max_cap(nodes, s));
    }
    m
}

fn cap_names(nodes: &[Node], id: usize, names: &mut [String]) {
    let n = &nodes[id];
    if n.op == OP_CAPTURE {
        if let Some(slot) = names.get_mut(n.cap.max(0) as usize) {
            slot.clone_from(&n.name);
        }
    }
    for &s in &n.sub {
        cap_names(nodes, s, names);
    }
}

/// `^` + captures around `.*` (any char, including newline) + `$`.
fn is_match_all_tree(nodes: &[Node], root: usize) -> bool {
    let r = &nodes[root];
    if r.op != OP_CONCAT || r.sub.len() != 3 {
        return false;
    }
    if nodes[r.sub[0]].op != OP_BEGIN_TEXT || nodes[r.sub[2]].op != OP_END_TEXT {
        return false;
    }
    let mut x = &nodes[r.sub[1]];
    while x.op == OP_CAPTURE {
        x = &nodes[x.sub[0]];
    }
    if x.op != OP_STAR {
        return false;
    }
    let y = &nodes[x.sub[0]];
    y.op == OP_ANY_CHAR || (y.op == OP_CHAR_CLASS && y.rune[..] == [0, MAX_RUNE])
}

struct Emitter<'a> {
    nodes: &'a [Node],
    fold: &'static UnicodeData,
    out: String,
    caps: Vec<i32>,
}

const NEVER: &str = r"[^\x{0}-\x{10FFFF}]";

impl Emitter<'_> {
    fn emit(&mut self, id: usize) -> Result<(), ()> {
        if self.out.len() > RUST_PATTERN_LIMIT {
            return Err(());
        }
        let n = &self.nodes[id];
        match n.op {
            OP_NO_MATCH => self.out.push_str(NEVER),
            OP_EMPTY_MATCH => self.out.push_str("(?:)"),
            OP_LITERAL => {
                for &r in &n.rune {
                    if n.flags & FOLD_CASE != 0 {
                        let mut class = vec![r, r];
                        let mut f = self.fold.simple_fold(r);
                        while f != r {
                            class.push(f);
                            class.push(f);
                            f = self.fold.simple_fold(f);
                        }
                        self.class(&clean_class(class));
                    } else {
                        self.class(&[r, r]);
                    }
                }
            }
            OP_CHAR_CLASS => self.class(&n.rune),
            OP_ANY_CHAR_NOT_NL => self.out.push_str(r"[^\n]"),
            OP_ANY_CHAR => self.out.push_str("(?s:.)"),
            OP_BEGIN_LINE => self.out.push_str("(?m:^)"),
            OP_END_LINE => self.out.push_str("(?m:$)"),
            OP_BEGIN_TEXT => self.out.push_str(r"\A"),
            OP_END_TEXT => self.out.push_str(r"\z"),
            // Go's \b and \B are ASCII-only.
            OP_WORD_BOUNDARY => self.out.push_str(r"(?-u:\b)"),
            OP_NO_WORD_BOUNDARY => self.out.push_str(r"(?-u:\B)"),
            OP_CAPTURE => {
                self.caps.push(n.cap);
                self.out.push('(');
                self.emit(n.sub[0])?;
                self.out.push(')');
            }
            OP_REPEAT if n.max == 0 && has_capture(self.nodes, n.sub[0]) => {
                // Rust drops groups inside `x{0}`; keep them, never matching.
                self.out.push_str("(?:");
                self.out.push_str(NEVER);
                self.out.push_str("(?:");
                self.emit(n.sub[0])?;
                self.out.push_str("))?");
            }
            OP_STAR | OP_PLUS | OP_QUEST | OP_REPEAT => {
                self.out.push_str("(?:");
                self.emit(n.sub[0])?;
                self.out.push(')');
                match n.op {
                    OP_STAR => self.out.push('*'),
                    OP_PLUS => self.out.push('+'),
                    OP_QUEST => self.out.push('?'),
                    _ if n.max == -1 => self.out.push_str(&format!("{{{},}}", n.min)),
                    _ if n.min == n.max => self.out.push_str(&format!("{{{}}}", n.min)),
                    _ => self.out.push_str(&format!("{{{},{}}}", n.min, n.max)),
                }
                if n.flags & NON_GREEDY != 0 {
                    self.out.push('?');
                }
            }
            OP_CONCAT => {
                for &s in &n.sub {
                    self.emit(s)?;
                }
            }
            OP_ALTERNATE => {
                self.out.push_str("(?:");
                for (i, &s) in n.sub.iter().enumerate() {
                    if i > 0 {
                        self.out.push('|');
                    }
                    self.emit(s)?;
                }
                self.out.push(')');
            }
            // Pseudo-ops never survive a successful parse.
            _ => self.out.push_str(NEVER),
        }
        Ok(())
    }

    /// A class of code points; surrogates cannot occur in a `&str`.
    fn class(&mut self, ranges: &[Rune]) {
        use std::fmt::Write;
        let mut items = String::new();
        for pair in ranges.chunks_exact(2) {
            for (lo, hi) in split_surrogates(pair[0], pair[1]) {
                if lo == hi {
                    let _ = write!(items, "\\x{{{lo:X}}}");
                } else {
                    let _ = write!(items, "\\x{{{lo:X}}}-\\x{{{hi:X}}}");
                }
            }
        }
        if items.is_empty() {
            self.out.push_str(NEVER);
        } else if ranges.len() == 2 && ranges[0] == ranges[1] {
            // A single code point needs no brackets.
            match char::from_u32(ranges[0] as u32) {
                Some(c) if c.is_ascii_alphanumeric() => self.out.push(c),
                _ => self.out.push_str(&items),
            }
        } else {
            self.out.push('[');
            self.out.push_str(&items);
            self.out.push(']');
        }
    }
}

fn split_surrogates(lo: Rune, hi: Rune) -> impl Iterator<Item = (Rune, Rune)> {
    let a = (lo, hi.min(0xD7FF));
    let b = (lo.max(0xE000), hi);
    [a, b].into_iter().filter(|&(l, h)| l <= h)
}

// ---------------------------------------------------------------------------
// Port of Go's regexp/syntax parser (parse.go)
// ---------------------------------------------------------------------------

type Rune = i32;
const MAX_RUNE: Rune = 0x10FFFF;
const RUNE_ERROR: Rune = 0xFFFD;

// Flags (Go's syntax.Flags); the parser always runs with syntax.Perl.
const FOLD_CASE: u16 = 1;
const CLASS_NL: u16 = 1 << 2;
const DOT_NL: u16 = 1 << 3;
const ONE_LINE: u16 = 1 << 4;
const NON_GREEDY: u16 = 1 << 5;
const PERL_X: u16 = 1 << 6;
const UNICODE_GROUPS: u16 = 1 << 7;
const WAS_DOLLAR: u16 = 1 << 8;
const PERL: u16 = CLASS_NL | ONE_LINE | PERL_X | UNICODE_GROUPS;

// Ops, numbered as in Go: the parser compares them numerically.
const OP_NO_MATCH: u8 = 1;
const OP_EMPTY_MATCH: u8 = 2;
const OP_LITERAL: u8 = 3;
const OP_CHAR_CLASS: u8 = 4;
const OP_ANY_CHAR_NOT_NL: u8 = 5;
const OP_ANY_CHAR: u8 = 6;
const OP_BEGIN_LINE: u8 = 7;
const OP_END_LINE: u8 = 8;
const OP_BEGIN_TEXT: u8 = 9;
const OP_END_TEXT: u8 = 10;
const OP_WORD_BOUNDARY: u8 = 11;
const OP_NO_WORD_BOUNDARY: u8 = 12;
const OP_CAPTURE: u8 = 13;
const OP_STAR: u8 = 14;
const OP_PLUS: u8 = 15;
const OP_QUEST: u8 = 16;
const OP_REPEAT: u8 = 17;
const OP_CONCAT: u8 = 18;
const OP_ALTERNATE: u8 = 19;
const OP_PSEUDO: u8 = 128;
const OP_LEFT_PAREN: u8 = OP_PSEUDO;
const OP_VERTICAL_BAR: u8 = OP_PSEUDO + 1;

const MAX_HEIGHT: i32 = 1000;
const MAX_SIZE: i64 = (128 << 20) / 40;
const MAX_RUNES: i64 = (128 << 20) / 4;
const MAX_REPEAT: i32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    InvalidCharRange,
    InvalidEscape,
    InvalidNamedCapture,
    InvalidPerlOp,
    InvalidRepeatOp,
    InvalidRepeatSize,
    MissingBracket,
    MissingParen,
    MissingRepeatArgument,
    TrailingBackslash,
    UnexpectedParen,
    NestingDepth,
    Large,
}

impl Code {
    fn text(self, version: GoVersion) -> &'static str {
        match self {
            Code::InvalidCharRange => "invalid character class range",
            Code::InvalidEscape => "invalid escape sequence",
            Code::InvalidNamedCapture => "invalid named capture",
            Code::InvalidPerlOp => "invalid or unsupported Perl syntax",
            Code::InvalidRepeatOp => "invalid nested repetition operator",
            Code::InvalidRepeatSize => "invalid repeat count",
            Code::MissingBracket => "missing closing ]",
            Code::MissingParen => "missing closing )",
            Code::MissingRepeatArgument => "missing argument to repetition operator",
            Code::TrailingBackslash => "trailing backslash at end of expression",
            Code::UnexpectedParen => "unexpected )",
            Code::NestingDepth => "expression nests too deeply",
            Code::Large if version == GoVersion::Go1_19 => "regexp/syntax: internal error",
            Code::Large => "expression too large",
        }
    }
}

/// A parse error: Go's code, the quoted expression as a byte range of the
/// parsed string, and where the problem was seen.
#[derive(Debug)]
struct PErr {
    code: Code,
    expr: (usize, usize),
    at: usize,
}

fn perr(code: Code, start: usize, end: usize) -> PErr {
    PErr {
        code,
        expr: (start, end),
        at: start,
    }
}

/// Go's `syntax.Regexp`, stored in an arena so that node identity (which the
/// parser's limit bookkeeping relies on) is preserved.
#[derive(Debug, Clone, Default)]
struct Node {
    op: u8,
    flags: u16,
    sub: Vec<usize>,
    rune: Vec<Rune>,
    min: i32,
    max: i32,
    cap: i32,
    name: String,
    /// Byte offset of a `(` (for error offsets only).
    src: usize,
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    flags: u16,
    stack: Vec<usize>,
    nodes: Vec<Node>,
    free: Vec<usize>,
    num_cap: i32,
    num_runes: i64,
    repeats: i64,
    height: Option<HashMap<usize, i32>>,
    size: Option<HashMap<usize, i64>>,
    version: GoVersion,
    u: &'static UnicodeData,
    /// Where parsing currently is, for limit errors.
    pos: usize,
    /// The user's part of `s` when it is wrapped for anchoring.
    user: Option<(usize, usize)>,
    /// Unicode classes already looked up, by name as written.
    tables: HashMap<String, Option<(Vec<Rune>, i32, bool)>>,
    /// `(` of the user's group that the wrapper's `)` closed.
    closed_by_wrapper: Option<usize>,
    /// The user's `)` that closed the wrapper's group.
    wrapper_closed_at: Option<usize>,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str, version: GoVersion, user: Option<(usize, usize)>) -> Parser<'a> {
        Parser {
            s,
            b: s.as_bytes(),
            flags: PERL,
            stack: Vec::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            num_cap: 0,
            num_runes: 0,
            repeats: 0,
            height: None,
            size: None,
            version,
            u: unicode_data(version.unicode15()),
            pos: 0,
            user,
            tables: HashMap::new(),
            closed_by_wrapper: None,
            wrapper_closed_at: None,
        }
    }

    /// Turn a parse error into Go's message and an offset into the user's pattern.
    fn error(&self, e: PErr) -> GoRegexError {
        let expr = self.s.get(e.expr.0..e.expr.1).unwrap_or("");
        let message = format!(
            "error parsing regexp: {}: `{}`",
            e.code.text(self.version),
            expr
        );
        let offset = match self.user {
            None => Some(e.at.min(self.s.len())),
            Some((start, end)) => {
                let inside = |p: usize| (start..end).contains(&p).then(|| p - start);
                match e.code {
                    Code::MissingParen => self
                        .stack
                        .iter()
                        .filter(|&&id| self.nodes[id].op == OP_LEFT_PAREN)
                        .map(|&id| self.nodes[id].src)
                        .chain(self.closed_by_wrapper)
                        .filter_map(inside)
                        .max(),
                    Code::UnexpectedParen => {
                        inside(e.at).or_else(|| self.wrapper_closed_at.and_then(inside))
                    }
                    _ => Some(e.at.clamp(start, end) - start),
                }
            }
        };
        GoRegexError {
            message,
            offset,
            kind: GoRegexErrorKind::Syntax,
        }
    }

    fn whole_err(&self, code: Code) -> PErr {
        PErr {
            code,
            expr: (0, self.s.len()),
            at: self.pos,
        }
    }

    fn new_regexp(&mut self, op: u8) -> usize {
        let node = Node {
            op,
            ..Node::default()
        };
        if let Some(id) = self.free.pop() {
            self.nodes[id] = node;
            id
        } else {
            self.nodes.push(node);
            self.nodes.len() - 1
        }
    }

    fn reuse(&mut self, id: usize) {
        if let Some(h) = &mut self.height {
            h.remove(&id);
        }
        self.free.push(id);
    }

    fn check_limits(&mut self, id: usize) -> Result<(), PErr> {
        if self.num_runes > MAX_RUNES {
            return Err(self.whole_err(Code::Large));
        }
        self.check_size(id)?;
        self.check_height(id)
    }

    fn check_size(&mut self, id: usize) -> Result<(), PErr> {
        if self.size.is_none() {
            // Only start tracking once nodes times repeats could exceed the budget.
            if self.repeats == 0 {
                self.repeats = 1;
            }
            let n = &self.nodes[id];
            if n.op == OP_REPEAT {
                let mut m = n.max;
                if m == -1 {
                    m = n.min;
                }
                if m <= 0 {
                    m = 1;
                }
                if i64::from(m) > MAX_SIZE / self.repeats {
                    self.repeats = MAX_SIZE;
                } else {
                    self.repeats *= i64::from(m);
                }
            }
            if (self.nodes.len() as i64) < MAX_SIZE / self.repeats {
                return Ok(());
            }
            self.size = Some(HashMap::new());
            for i in 0..self.stack.len() {
                let s = self.stack[i];
                self.check_size(s)?;
            }
        }
        if self.calc_size(id, true) > MAX_SIZE {
            return Err(self.whole_err(Code::Large));
        }
        Ok(())
    }

    fn calc_size(&mut self, id: usize, force: bool) -> i64 {
        if !force {
            if let Some(&s) = self.size.as_ref().and_then(|m| m.get(&id)) {
                return s;
            }
        }
        let op = self.nodes[id].op;
        let mut size: i64 = 0;
        match op {
            OP_LITERAL => size = self.nodes[id].rune.len() as i64,
            OP_CAPTURE | OP_STAR => size = 2 + self.calc_sub_size(id, 0),
            OP_PLUS | OP_QUEST => size = 1 + self.calc_sub_size(id, 0),
            OP_CONCAT | OP_ALTERNATE => {
                let n = self.nodes[id].sub.len();
                for i in 0..n {
                    size += self.calc_sub_size(id, i);
                }
                if op == OP_ALTERNATE && n > 1 {
                    size += n as i64 - 1;
                }
            }
            OP_REPEAT => {
                let sub = self.calc_sub_size(id, 0);
                let (min, max) = (i64::from(self.nodes[id].min), i64::from(self.nodes[id].max));
                size = if max == -1 {
                    if min == 0 {
                        2 + sub
                    } else {
                        1 + min * sub
                    }
                } else {
                    max * sub + (max - min)
                };
            }
            _ => {}
        }
        let size = size.max(1);
        if let Some(m) = &mut self.size {
            m.insert(id, size);
        }
        size
    }

    fn calc_sub_size(&mut self, id: usize, i: usize) -> i64 {
        match self.nodes[id].sub.get(i) {
            Some(&s) => self.calc_size(s, false),
            None => 0,
        }
    }

    fn check_height(&mut self, id: usize) -> Result<(), PErr> {
        if (self.nodes.len() as i32) < MAX_HEIGHT {
            return Ok(());
        }
        if self.height.is_none() {
            self.height = Some(HashMap::new());
            for i in 0..self.stack.len() {
                let s = self.stack[i];
                self.check_height(s)?;
            }
        }
        if self.calc_height(id, true) > MAX_HEIGHT {
            return Err(self.whole_err(Code::NestingDepth));
        }
        Ok(())
    }

    fn calc_height(&mut self, id: usize, force: bool) -> i32 {
        if !force {
            if let Some(&h) = self.height.as_ref().and_then(|m| m.get(&id)) {
                return h;
            }
        }
        let mut h = 1;
        for i in 0..self.nodes[id].sub.len() {
            let s = self.nodes[id].sub[i];
            h = h.max(1 + self.calc_height(s, false));
        }
        if let Some(m) = &mut self.height {
            m.insert(id, h);
        }
        h
    }

    /// Go's `push`; None when the node was merged into the previous literal.
    fn push(&mut self, id: usize) -> Result<Option<usize>, PErr> {
        self.num_runes += self.nodes[id].rune.len() as i64;
        let n = &self.nodes[id];
        let r = &n.rune;
        let is_class = n.op == OP_CHAR_CLASS;
        if is_class && r.len() == 2 && r[0] == r[1] {
            // Single rune.
            let r0 = r[0];
            if self.maybe_concat(r0, self.flags & !FOLD_CASE) {
                return Ok(None);
            }
            let flags = self.flags & !FOLD_CASE;
            let n = &mut self.nodes[id];
            n.op = OP_LITERAL;
            n.rune.truncate(1);
            n.flags = flags;
        } else if is_class
            && ((r.len() == 4
                && r[0] == r[1]
                && r[2] == r[3]
                && self.u.simple_fold(r[0]) == r[2]
                && self.u.simple_fold(r[2]) == r[0])
                || (r.len() == 2
                    && r[0] + 1 == r[1]
                    && self.u.simple_fold(r[0]) == r[1]
                    && self.u.simple_fold(r[1]) == r[0]))
        {
            // Case-insensitive rune like [Aa] or [Δδ].
            let r0 = r[0];
            if self.maybe_concat(r0, self.flags | FOLD_CASE) {
                return Ok(None);
            }
            let flags = self.flags | FOLD_CASE;
            let n = &mut self.nodes[id];
            n.op = OP_LITERAL;
            n.rune.truncate(1);
            n.flags = flags;
        } else {
            self.maybe_concat(-1, 0);
        }
        self.stack.push(id);
        self.check_limits(id)?;
        Ok(Some(id))
    }

    fn maybe_concat(&mut self, r: Rune, flags: u16) -> bool {
        let n = self.stack.len();
        if n < 2 {
            return false;
        }
        let re1 = self.stack[n - 1];
        let re2 = self.stack[n - 2];
        let (a, b) = (&self.nodes[re1], &self.nodes[re2]);
        if a.op != OP_LITERAL || b.op != OP_LITERAL || a.flags & FOLD_CASE != b.flags & FOLD_CASE {
            return false;
        }
        let moved = std::mem::take(&mut self.nodes[re1].rune);
        self.nodes[re2].rune.extend_from_slice(&moved);
        if r >= 0 {
            let a = &mut self.nodes[re1];
            a.rune = vec![r];
            a.flags = flags;
            return true;
        }
        self.stack.pop();
        self.reuse(re1);
        false
    }

    fn literal(&mut self, mut r: Rune) -> Result<(), PErr> {
        let id = self.new_regexp(OP_LITERAL);
        self.nodes[id].flags = self.flags;
        if self.flags & FOLD_CASE != 0 {
            r = self.u.min_fold_rune(r);
        }
        self.nodes[id].rune = vec![r];
        self.push(id)?;
        Ok(())
    }

    fn op(&mut self, op: u8) -> Result<usize, PErr> {
        let id = self.new_regexp(op);
        self.nodes[id].flags = self.flags;
        self.push(id)?;
        Ok(id)
    }

    /// Go's `repeat`; positions index `self.s`. Returns the new position.
    fn repeat(
        &mut self,
        op: u8,
        min: i32,
        max: i32,
        before: usize,
        mut after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize, PErr> {
        let mut flags = self.flags;
        if self.b.get(after) == Some(&b'?') {
            after += 1;
            flags ^= NON_GREEDY;
        }
        if let Some(last) = last_repeat {
            // a** is a syntax error, not a doubled star.
            return Err(perr(Code::InvalidRepeatOp, last, after));
        }
        let n = self.stack.len();
        if n == 0 || self.nodes[self.stack[n - 1]].op >= OP_PSEUDO {
            return Err(perr(Code::MissingRepeatArgument, before, after));
        }
        let sub = self.stack[n - 1];
        let re = self.new_regexp(op);
        {
            let node = &mut self.nodes[re];
            node.min = min;
            node.max = max;
            node.flags = flags;
            node.sub = vec![sub];
        }
        self.stack[n - 1] = re;
        self.check_limits(re)?;
        if op == OP_REPEAT && (min >= 2 || max >= 2) && !self.repeat_is_valid(re, MAX_REPEAT) {
            return Err(perr(Code::InvalidRepeatSize, before, after));
        }
        Ok(after)
    }

    fn repeat_is_valid(&self, id: usize, mut n: i32) -> bool {
        let node = &self.nodes[id];
        if node.op == OP_REPEAT {
            let mut m = node.max;
            if m == 0 {
                return true;
            }
            if m < 0 {
                m = node.min;
            }
            if m > n {
                return false;
            }
            if m > 0 {
                n /= m;
            }
        }
        node.sub.iter().all(|&s| self.repeat_is_valid(s, n))
    }

    fn concat(&mut self) -> Result<(), PErr> {
        self.maybe_concat(-1, 0);
        let mut i = self.stack.len();
        while i > 0 && self.nodes[self.stack[i - 1]].op < OP_PSEUDO {
            i -= 1;
        }
        let subs = self.stack.split_off(i);
        if subs.is_empty() {
            let e = self.new_regexp(OP_EMPTY_MATCH);
            self.push(e)?;
            return Ok(());
        }
        let c = self.collapse(subs, OP_CONCAT)?;
        self.push(c)?;
        Ok(())
    }

    fn alternate(&mut self) -> Result<(), PErr> {
        let mut i = self.stack.len();
        while i > 0 && self.nodes[self.stack[i - 1]].op < OP_PSEUDO {
            i -= 1;
        }
        let subs = self.stack.split_off(i);
        if let Some(&last) = subs.last() {
            self.clean_alt(last);
        }
        if subs.is_empty() {
            let e = self.new_regexp(OP_NO_MATCH);
            self.push(e)?;
            return Ok(());
        }
        let a = self.collapse(subs, OP_ALTERNATE)?;
        self.push(a)?;
        Ok(())
    }

    fn clean_alt(&mut self, id: usize) {
        let n = &mut self.nodes[id];
        if n.op == OP_CHAR_CLASS {
            n.rune = clean_class(std::mem::take(&mut n.rune));
            if n.rune[..] == [0, MAX_RUNE] {
                n.rune.clear();
                n.op = OP_ANY_CHAR;
            } else if n.rune[..] == [0, '\n' as Rune - 1, '\n' as Rune + 1, MAX_RUNE] {
                n.rune.clear();
                n.op = OP_ANY_CHAR_NOT_NL;
            }
        }
    }

    fn collapse(&mut self, subs: Vec<usize>, op: u8) -> Result<usize, PErr> {
        if subs.len() == 1 {
            return Ok(subs[0]);
        }
        let mut re = self.new_regexp(op);
        let mut list = Vec::with_capacity(subs.len());
        for sub in subs {
            if self.nodes[sub].op == op {
                list.extend_from_slice(&self.nodes[sub].sub);
                self.reuse(sub);
            } else {
                list.push(sub);
            }
        }
        if op == OP_ALTERNATE {
            list = self.factor(list)?;
            if list.len() == 1 {
                let old = re;
                re = list[0];
                self.reuse(old);
                return Ok(re);
            }
        }
        self.nodes[re].sub = list;
        Ok(re)
    }

    /// Go's `factor`: common prefixes of alternatives are pulled out, and runs of
    /// single characters become classes.
    fn factor(&mut self, mut sub: Vec<usize>) -> Result<Vec<usize>, PErr> {
        if sub.len() < 2 {
            return Ok(sub);
        }

        // Round 1: common literal prefixes.
        let mut out = Vec::with_capacity(sub.len());
        let mut str: Vec<Rune> = Vec::new();
        let mut strflags = 0u16;
        let mut start = 0;
        let mut i = 0;
        while i <= sub.len() {
            let mut istr = Vec::new();
            let mut iflags = 0u16;
            if i < sub.len() {
                let (s, f) = self.leading_string(sub[i]);
                istr = s;
                iflags = f;
                if iflags == strflags {
                    let mut same = 0;
                    while same < str.len() && same < istr.len() && str[same] == istr[same] {
                        same += 1;
                    }
                    if same > 0 {
                        str.truncate(same);
                        i += 1;
                        continue;
                    }
                }
            }
            if i == start {
            } else if i == start + 1 {
                out.push(sub[start]);
            } else {
                let prefix = self.new_regexp(OP_LITERAL);
                self.nodes[prefix].flags = strflags;
                self.nodes[prefix].rune = str.clone();
                for sj in &mut sub[start..i] {
                    *sj = self.remove_leading_string(*sj, str.len());
                    self.check_limits(*sj)?;
                }
                let suffix = self.collapse(sub[start..i].to_vec(), OP_ALTERNATE)?;
                let re = self.new_regexp(OP_CONCAT);
                self.nodes[re].sub = vec![prefix, suffix];
                out.push(re);
            }
            start = i;
            str = istr;
            strflags = iflags;
            i += 1;
        }
        sub = out;

        // Round 2: common leading character classes (or fixed repeats of them).
        let mut out = Vec::with_capacity(sub.len());
        let mut start = 0;
        let mut first: Option<usize> = None;
        let mut i = 0;
        while i <= sub.len() {
            let mut ifirst = None;
            if i < sub.len() {
                ifirst = self.leading_regexp(sub[i]);
                if let (Some(f), Some(fi)) = (first, ifirst) {
                    let fnode = &self.nodes[f];
                    let ok = self.is_char_class(f)
                        || (fnode.op == OP_REPEAT
                            && fnode.min == fnode.max
                            && self.is_char_class(fnode.sub[0]));
                    if self.equal(f, fi) && ok {
                        i += 1;
                        continue;
                    }
                }
            }
            if i == start {
            } else if i == start + 1 {
                out.push(sub[start]);
            } else if let Some(prefix) = first {
                // The prefix node came from sub[start]; the others are freed.
                for (k, sj) in sub[start..i].iter_mut().enumerate() {
                    *sj = self.remove_leading_regexp(*sj, k != 0);
                    self.check_limits(*sj)?;
                }
                let suffix = self.collapse(sub[start..i].to_vec(), OP_ALTERNATE)?;
                let re = self.new_regexp(OP_CONCAT);
                self.nodes[re].sub = vec![prefix, suffix];
                out.push(re);
            }
            start = i;
            first = ifirst;
            i += 1;
        }
        sub = out;

        // Round 3: runs of single characters or classes become one class.
        let mut out = Vec::with_capacity(sub.len());
        let mut start = 0;
        for i in 0..=sub.len() {
            if i < sub.len() && self.is_char_class(sub[i]) {
                continue;
            }
            if i == start {
            } else if i == start + 1 {
                out.push(sub[start]);
            } else {
                let mut max = start;
                for j in start + 1..i {
                    let (m, c) = (&self.nodes[sub[max]], &self.nodes[sub[j]]);
                    if m.op < c.op || (m.op == c.op && m.rune.len() < c.rune.len()) {
                        max = j;
                    }
                }
                sub.swap(start, max);
                for j in start + 1..i {
                    self.merge_char_class(sub[start], sub[j]);
                    self.reuse(sub[j]);
                }
                self.clean_alt(sub[start]);
                out.push(sub[start]);
            }
            if i < sub.len() {
                out.push(sub[i]);
            }
            start = i + 1;
        }
        sub = out;

        // Round 4: runs of empty matches become one.
        let mut out = Vec::with_capacity(sub.len());
        for i in 0..sub.len() {
            if i + 1 < sub.len()
                && self.nodes[sub[i]].op == OP_EMPTY_MATCH
                && self.nodes[sub[i + 1]].op == OP_EMPTY_MATCH
            {
                continue;
            }
            out.push(sub[i]);
        }
        Ok(out)
    }

    fn leading_string(&self, mut id: usize) -> (Vec<Rune>, u16) {
        if self.nodes[id].op == OP_CONCAT && !self.nodes[id].sub.is_empty() {
            id = self.nodes[id].sub[0];
        }
        let n = &self.nodes[id];
        if n.op != OP_LITERAL {
            return (Vec::new(), 0);
        }
        (n.rune.clone(), n.flags & FOLD_CASE)
    }

    fn remove_leading_string(&mut self, id: usize, n: usize) -> usize {
        if self.nodes[id].op == OP_CONCAT && !self.nodes[id].sub.is_empty() {
            let first = self.nodes[id].sub[0];
            let sub = self.remove_leading_string(first, n);
            self.nodes[id].sub[0] = sub;
            if self.nodes[sub].op == OP_EMPTY_MATCH {
                self.reuse(sub);
                match self.nodes[id].sub.len() {
                    0 | 1 => {
                        self.nodes[id].op = OP_EMPTY_MATCH;
                        self.nodes[id].sub.clear();
                    }
                    2 => {
                        let old = id;
                        let next = self.nodes[id].sub[1];
                        self.reuse(old);
                        return next;
                    }
                    _ => {
                        self.nodes[id].sub.remove(0);
                    }
                }
            }
            return id;
        }
        let node = &mut self.nodes[id];
        if node.op == OP_LITERAL {
            node.rune.drain(..n.min(node.rune.len()));
            if node.rune.is_empty() {
                node.op = OP_EMPTY_MATCH;
            }
        }
        id
    }

    fn leading_regexp(&self, id: usize) -> Option<usize> {
        let n = &self.nodes[id];
        if n.op == OP_EMPTY_MATCH {
            return None;
        }
        if n.op == OP_CONCAT && !n.sub.is_empty() {
            let s = n.sub[0];
            if self.nodes[s].op == OP_EMPTY_MATCH {
                return None;
            }
            return Some(s);
        }
        Some(id)
    }

    fn remove_leading_regexp(&mut self, id: usize, reuse: bool) -> usize {
        if self.nodes[id].op == OP_CONCAT && !self.nodes[id].sub.is_empty() {
            if reuse {
                let first = self.nodes[id].sub[0];
                self.reuse(first);
            }
            self.nodes[id].sub.remove(0);
            match self.nodes[id].sub.len() {
                0 => {
                    self.nodes[id].op = OP_EMPTY_MATCH;
                    self.nodes[id].sub.clear();
                }
                1 => {
                    let next = self.nodes[id].sub[0];
                    self.reuse(id);
                    return next;
                }
                _ => {}
            }
            return id;
        }
        if reuse {
            self.reuse(id);
        }
        self.new_regexp(OP_EMPTY_MATCH)
    }

    /// Go's `Regexp.Equal` (note: literal and class flags are not compared).
    fn equal(&self, x: usize, y: usize) -> bool {
        let (a, b) = (&self.nodes[x], &self.nodes[y]);
        if a.op != b.op {
            return false;
        }
        match a.op {
            OP_END_TEXT => a.flags & WAS_DOLLAR == b.flags & WAS_DOLLAR,
            OP_LITERAL | OP_CHAR_CLASS => a.rune == b.rune,
            OP_ALTERNATE | OP_CONCAT => {
                a.sub.len() == b.sub.len()
                    && a.sub.iter().zip(&b.sub).all(|(&p, &q)| self.equal(p, q))
            }
            OP_STAR | OP_PLUS | OP_QUEST => {
                a.flags & NON_GREEDY == b.flags & NON_GREEDY && self.equal(a.sub[0], b.sub[0])
            }
            OP_REPEAT => {
                a.flags & NON_GREEDY == b.flags & NON_GREEDY
                    && a.min == b.min
                    && a.max == b.max
                    && self.equal(a.sub[0], b.sub[0])
            }
            OP_CAPTURE => a.cap == b.cap && a.name == b.name && self.equal(a.sub[0], b.sub[0]),
            _ => true,
        }
    }

    fn is_char_class(&self, id: usize) -> bool {
        let n = &self.nodes[id];
        (n.op == OP_LITERAL && n.rune.len() == 1)
            || n.op == OP_CHAR_CLASS
            || n.op == OP_ANY_CHAR_NOT_NL
            || n.op == OP_ANY_CHAR
    }

    fn match_rune(&self, id: usize, r: Rune) -> bool {
        let n = &self.nodes[id];
        match n.op {
            OP_LITERAL => n.rune.len() == 1 && n.rune[0] == r,
            OP_CHAR_CLASS => n.rune.chunks_exact(2).any(|p| p[0] <= r && r <= p[1]),
            OP_ANY_CHAR_NOT_NL => r != '\n' as Rune,
            OP_ANY_CHAR => true,
            _ => false,
        }
    }

    /// dst = dst|src; dst.op >= src.op.
    fn merge_char_class(&mut self, dst: usize, src: usize) {
        match self.nodes[dst].op {
            OP_ANY_CHAR => {}
            OP_ANY_CHAR_NOT_NL if self.match_rune(src, '\n' as Rune) => {
                self.nodes[dst].op = OP_ANY_CHAR;
            }
            OP_CHAR_CLASS => {
                let s = &self.nodes[src];
                let (sop, srune, sflags) = (s.op, s.rune.clone(), s.flags);
                let d = std::mem::take(&mut self.nodes[dst].rune);
                self.nodes[dst].rune = if sop == OP_LITERAL {
                    self.append_literal(d, srune[0], sflags)
                } else {
                    append_class(d, &srune)
                };
            }
            OP_LITERAL => {
                let (s, d) = (&self.nodes[src], &self.nodes[dst]);
                if s.rune[0] == d.rune[0] && s.flags == d.flags {
                    return;
                }
                let (sr, sf, dr, df) = (s.rune[0], s.flags, d.rune[0], d.flags);
                let class = self.append_literal(Vec::new(), dr, df);
                let class = self.append_literal(class, sr, sf);
                self.nodes[dst].op = OP_CHAR_CLASS;
                self.nodes[dst].rune = class;
            }
            _ => {}
        }
    }

    fn swap_vertical_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 3
            && self.nodes[self.stack[n - 2]].op == OP_VERTICAL_BAR
            && self.is_char_class(self.stack[n - 1])
            && self.is_char_class(self.stack[n - 3])
        {
            let mut re1 = self.stack[n - 1];
            let mut re3 = self.stack[n - 3];
            // Make re3 the more complex of the two.
            if self.nodes[re1].op > self.nodes[re3].op {
                std::mem::swap(&mut re1, &mut re3);
                self.stack[n - 3] = re3;
            }
            self.merge_char_class(re3, re1);
            self.reuse(re1);
            self.stack.truncate(n - 1);
            return true;
        }
        if n >= 2 {
            let re1 = self.stack[n - 1];
            let re2 = self.stack[n - 2];
            if self.nodes[re2].op == OP_VERTICAL_BAR {
                if n >= 3 {
                    let s = self.stack[n - 3];
                    self.clean_alt(s);
                }
                self.stack[n - 2] = re1;
                self.stack[n - 1] = re2;
                return true;
            }
        }
        false
    }

    fn parse_vertical_bar(&mut self) -> Result<(), PErr> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.op(OP_VERTICAL_BAR)?;
        }
        Ok(())
    }

    fn parse_right_paren(&mut self, at: usize) -> Result<(), PErr> {
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        let n = self.stack.len();
        let unexpected = PErr {
            code: Code::UnexpectedParen,
            expr: (0, self.s.len()),
            at,
        };
        if n < 2 {
            return Err(unexpected);
        }
        let re1 = self.stack[n - 1];
        let re2 = self.stack[n - 2];
        self.stack.truncate(n - 2);
        if self.nodes[re2].op != OP_LEFT_PAREN {
            return Err(unexpected);
        }
        if let Some((start, end)) = self.user {
            let src = self.nodes[re2].src;
            if at == end {
                self.closed_by_wrapper = Some(src);
            } else if src < start {
                self.wrapper_closed_at = Some(at);
            }
        }
        self.flags = self.nodes[re2].flags;
        if self.nodes[re2].cap == 0 {
            self.push(re1)?;
        } else {
            self.nodes[re2].op = OP_CAPTURE;
            self.nodes[re2].sub = vec![re1];
            self.push(re2)?;
        }
        Ok(())
    }

    /// Go's `nextRune`: at the end it yields RuneError without advancing.
    fn next_rune(&self, t: usize) -> (Rune, usize) {
        match self.s.get(t..).and_then(|r| r.chars().next()) {
            Some(c) => (c as Rune, t + c.len_utf8()),
            None => (RUNE_ERROR, t),
        }
    }

    fn parse(&mut self) -> Result<usize, PErr> {
        let b = self.b;
        let mut t = 0;
        let mut last_repeat: Option<usize> = None;
        while t < b.len() {
            self.pos = t;
            let mut repeat = None;
            match b[t] {
                b'(' => {
                    if b.get(t + 1) == Some(&b'?') {
                        t = self.parse_perl_flags(t)?;
                    } else {
                        self.num_cap += 1;
                        let id = self.op(OP_LEFT_PAREN)?;
                        self.nodes[id].cap = self.num_cap;
                        self.nodes[id].src = t;
                        t += 1;
                    }
                }
                b'|' => {
                    self.parse_vertical_bar()?;
                    t += 1;
                }
                b')' => {
                    self.parse_right_paren(t)?;
                    t += 1;
                }
                b'^' => {
                    if self.flags & ONE_LINE != 0 {
                        self.op(OP_BEGIN_TEXT)?;
                    } else {
                        self.op(OP_BEGIN_LINE)?;
                    }
                    t += 1;
                }
                b'$' => {
                    if self.flags & ONE_LINE != 0 {
                        let id = self.op(OP_END_TEXT)?;
                        self.nodes[id].flags |= WAS_DOLLAR;
                    } else {
                        self.op(OP_END_LINE)?;
                    }
                    t += 1;
                }
                b'.' => {
                    if self.flags & DOT_NL != 0 {
                        self.op(OP_ANY_CHAR)?;
                    } else {
                        self.op(OP_ANY_CHAR_NOT_NL)?;
                    }
                    t += 1;
                }
                b'[' => t = self.parse_class(t)?,
                c @ (b'*' | b'+' | b'?') => {
                    let op = match c {
                        b'*' => OP_STAR,
                        b'+' => OP_PLUS,
                        _ => OP_QUEST,
                    };
                    let after = self.repeat(op, 0, 0, t, t + 1, last_repeat)?;
                    repeat = Some(t);
                    t = after;
                }
                b'{' => match self.parse_repeat(t) {
                    None => {
                        // Not a valid repeat: `{` is a literal.
                        self.literal('{' as Rune)?;
                        t += 1;
                    }
                    Some((min, max, after)) => {
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return Err(perr(Code::InvalidRepeatSize, t, after));
                        }
                        let after = self.repeat(OP_REPEAT, min, max, t, after, last_repeat)?;
                        repeat = Some(t);
                        t = after;
                    }
                },
                b'\\' => t = self.parse_backslash(t)?,
                _ => {
                    let (c, nt) = self.next_rune(t);
                    self.literal(c)?;
                    t = nt;
                }
            }
            last_repeat = repeat;
        }
        self.pos = b.len();
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() != 1 {
            return Err(self.whole_err(Code::MissingParen));
        }
        Ok(self.stack[0])
    }

    fn parse_backslash(&mut self, t: usize) -> Result<usize, PErr> {
        let b = self.b;
        if t + 1 < b.len() {
            match b[t + 1] {
                b'A' => {
                    self.op(OP_BEGIN_TEXT)?;
                    return Ok(t + 2);
                }
                b'b' => {
                    self.op(OP_WORD_BOUNDARY)?;
                    return Ok(t + 2);
                }
                b'B' => {
                    self.op(OP_NO_WORD_BOUNDARY)?;
                    return Ok(t + 2);
                }
                // Any byte; not supported.
                b'C' => return Err(perr(Code::InvalidEscape, t, t + 2)),
                b'Q' => {
                    // \Q ... \E: everything up to \E (or the end) is literal.
                    let body = self.s.get(t + 2..).unwrap_or("");
                    let (lit, next) = match body.find("\\E") {
                        Some(i) => (&body[..i], t + 2 + i + 2),
                        None => (body, b.len()),
                    };
                    for c in lit.chars() {
                        self.literal(c as Rune)?;
                    }
                    return Ok(next);
                }
                b'z' => {
                    self.op(OP_END_TEXT)?;
                    return Ok(t + 2);
                }
                _ => {}
            }
        }
        let re = self.new_regexp(OP_CHAR_CLASS);
        self.nodes[re].flags = self.flags;
        if t + 1 < b.len() && (b[t + 1] == b'p' || b[t + 1] == b'P') {
            if let Some((spec, rest)) = self.parse_unicode_class(t)? {
                self.nodes[re].rune = self.append_unicode(Vec::new(), &spec);
                self.push(re)?;
                return Ok(rest);
            }
        }
        if let Some((g, rest)) = perl_group_at(b, t) {
            self.nodes[re].rune = self.append_group(Vec::new(), g);
            self.push(re)?;
            return Ok(rest);
        }
        self.reuse(re);
        let (c, rest) = self.parse_escape(t)?;
        self.literal(c)?;
        Ok(rest)
    }

    /// `{min}`, `{min,}` or `{min,max}`; min is -1 when a number is too big.
    fn parse_repeat(&self, t: usize) -> Option<(i32, i32, usize)> {
        let b = self.b;
        if b.get(t) != Some(&b'{') {
            return None;
        }
        let (mut min, mut p) = self.parse_int(t + 1)?;
        let max;
        if p >= b.len() {
            return None;
        }
        if b[p] != b',' {
            max = min;
        } else {
            p += 1;
            if p >= b.len() {
                return None;
            }
            if b[p] == b'}' {
                max = -1;
            } else {
                let (m, np) = self.parse_int(p)?;
                p = np;
                max = m;
                if max < 0 {
                    min = -1;
                }
            }
        }
        if b.get(p) != Some(&b'}') {
            return None;
        }
        Some((min, max, p + 1))
    }

    /// A decimal integer without leading zeros; -1 when it is too big.
    fn parse_int(&self, t: usize) -> Option<(i32, usize)> {
        let b = self.b;
        let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        if !d(t) {
            return None;
        }
        if b[t] == b'0' && d(t + 1) {
            return None;
        }
        let mut p = t;
        while d(p) {
            p += 1;
        }
        let mut n: i32 = 0;
        for &c in &b[t..p] {
            if n >= 100_000_000 {
                n = -1;
                break;
            }
            n = n * 10 + i32::from(c - b'0');
        }
        Some((n, p))
    }

    fn parse_perl_flags(&mut self, t: usize) -> Result<usize, PErr> {
        let b = self.b;
        let len = b.len() - t;
        let starts_with_p = len > 4 && b[t + 2] == b'P' && b[t + 3] == b'<';
        let starts_with_name = self.version.angle_named_groups() && len > 3 && b[t + 2] == b'<';
        if starts_with_p || starts_with_name {
            let expr_start = if starts_with_name { 3 } else { 4 };
            let rest = self.s.get(t..).unwrap_or("");
            let Some(end) = rest.find('>') else {
                return Err(perr(Code::InvalidNamedCapture, t, b.len()));
            };
            let name = rest.get(expr_start..end).unwrap_or("");
            if !is_valid_capture_name(name) {
                return Err(perr(Code::InvalidNamedCapture, t, t + end + 1));
            }
            self.num_cap += 1;
            let id = self.op(OP_LEFT_PAREN)?;
            let node = &mut self.nodes[id];
            node.cap = self.num_cap;
            node.name = name.to_string();
            node.src = t;
            return Ok(t + end + 1);
        }

        // Non-capturing group, possibly with flag changes.
        let mut p = t + 2;
        let mut flags = self.flags;
        let mut sign = 1;
        let mut saw_flag = false;
        while p < b.len() {
            let (c, np) = self.next_rune(p);
            p = np;
            match char::from_u32(c as u32).unwrap_or('\u{FFFD}') {
                'i' => {
                    flags |= FOLD_CASE;
                    saw_flag = true;
                }
                'm' => {
                    flags &= !ONE_LINE;
                    saw_flag = true;
                }
                's' => {
                    flags |= DOT_NL;
                    saw_flag = true;
                }
                'U' => {
                    flags |= NON_GREEDY;
                    saw_flag = true;
                }
                '-' => {
                    if sign < 0 {
                        break;
                    }
                    sign = -1;
                    // Invert so that the |= above clear flags; undone below.
                    flags = !flags;
                    saw_flag = false;
                }
                c @ (':' | ')') => {
                    if sign < 0 {
                        if !saw_flag {
                            break;
                        }
                        flags = !flags;
                    }
                    if c == ':' {
                        let id = self.op(OP_LEFT_PAREN)?;
                        self.nodes[id].src = t;
                    }
                    self.flags = flags;
                    return Ok(p);
                }
                _ => break,
            }
        }
        Err(perr(Code::InvalidPerlOp, t, p))
    }

    fn parse_escape(&self, s: usize) -> Result<(Rune, usize), PErr> {
        let b = self.b;
        let mut t = s + 1;
        if t >= b.len() {
            return Err(PErr {
                code: Code::TrailingBackslash,
                expr: (b.len(), b.len()),
                at: s,
            });
        }
        let (c, nt) = self.next_rune(t);
        t = nt;
        let octal = |i: usize| b.get(i).is_some_and(|c| (b'0'..=b'7').contains(c));
        match c {
            // A single non-zero digit would be a backreference: not supported.
            0x31..=0x37 if !octal(t) => {}
            0x30..=0x37 => {
                let mut r = c - '0' as Rune;
                for _ in 1..3 {
                    if !octal(t) {
                        break;
                    }
                    r = r * 8 + Rune::from(b[t] - b'0');
                    t += 1;
                }
                return Ok((r, t));
            }
            // \x: two hex digits, or any number in braces.
            0x78 if t < b.len() => {
                let (c, nt) = self.next_rune(t);
                t = nt;
                if c == '{' as Rune {
                    // Any number of hex digits in braces, at least one.
                    let mut nhex = 0;
                    let mut r: Rune = 0;
                    loop {
                        if t >= b.len() {
                            return Err(perr(Code::InvalidEscape, s, t));
                        }
                        let (c, nt) = self.next_rune(t);
                        t = nt;
                        if c == '}' as Rune {
                            break;
                        }
                        let v = unhex(c);
                        if v < 0 {
                            return Err(perr(Code::InvalidEscape, s, t));
                        }
                        r = r * 16 + v;
                        if r > MAX_RUNE {
                            return Err(perr(Code::InvalidEscape, s, t));
                        }
                        nhex += 1;
                    }
                    if nhex == 0 {
                        return Err(perr(Code::InvalidEscape, s, t));
                    }
                    return Ok((r, t));
                }
                // Exactly two hex digits.
                let x = unhex(c);
                let (c, nt) = self.next_rune(t);
                t = nt;
                let y = unhex(c);
                if x >= 0 && y >= 0 {
                    return Ok((x * 16 + y, t));
                }
            }
            0x61 => return Ok((7, t)),
            0x66 => return Ok((0x0C, t)),
            0x6E => return Ok((0x0A, t)),
            0x72 => return Ok((0x0D, t)),
            0x74 => return Ok((0x09, t)),
            0x76 => return Ok((0x0B, t)),
            // Escaped ASCII punctuation is always itself; letters and digits
            // are reserved.
            c if c < 0x80 && !is_alnum(c) => return Ok((c, t)),
            _ => {}
        }
        Err(perr(Code::InvalidEscape, s, t))
    }

    fn parse_class_char(&self, t: usize, whole_class: usize) -> Result<(Rune, usize), PErr> {
        if t >= self.b.len() {
            return Err(perr(Code::MissingBracket, whole_class, self.b.len()));
        }
        if self.b[t] == b'\\' {
            return self.parse_escape(t);
        }
        Ok(self.next_rune(t))
    }

    /// `[:alnum:]` and friends, inside a class.
    fn parse_named_class(&self, t: usize) -> Result<Option<(&'static Group, usize)>, PErr> {
        let rest = self.s.get(t..).unwrap_or("");
        if !rest.starts_with("[:") {
            return Ok(None);
        }
        let Some(i) = rest[2..].find(":]") else {
            return Ok(None);
        };
        let end = i + 4;
        let name = &rest[..end];
        match POSIX_GROUPS.iter().find(|g| g.name == name) {
            Some(g) => Ok(Some((g, t + end))),
            None => Err(perr(Code::InvalidCharRange, t, t + end)),
        }
    }

    fn append_group(&mut self, r: Vec<Rune>, g: &Group) -> Vec<Rune> {
        if self.flags & FOLD_CASE == 0 {
            if g.sign < 0 {
                append_negated_class(r, g.class)
            } else {
                append_class(r, g.class)
            }
        } else {
            let mut tmp = Vec::new();
            for p in g.class.chunks_exact(2) {
                tmp = self.append_folded_range(tmp, p[0], p[1]);
            }
            let tmp = clean_class(tmp);
            if g.sign < 0 {
                append_negated_class(r, &tmp)
            } else {
                append_class(r, &tmp)
            }
        }
    }

    /// `\pN`, `\p{Name}`, `\PN`, `\P{^Name}`; None if `t` is not `\p`/`\P`.
    fn parse_unicode_class(&mut self, t: usize) -> Result<Option<(UnicodeSpec, usize)>, PErr> {
        let b = self.b;
        if t + 1 >= b.len() || b[t] != b'\\' || (b[t + 1] != b'p' && b[t + 1] != b'P') {
            return Ok(None);
        }
        let mut sign = if b[t + 1] == b'P' { -1 } else { 1 };
        let (c, nt) = self.next_rune(t + 2);
        let (seq_end, name) = if c != '{' as Rune {
            (nt, self.s.get(t + 2..nt).unwrap_or(""))
        } else {
            let rest = self.s.get(t..).unwrap_or("");
            let Some(end) = rest.find('}') else {
                return Err(perr(Code::InvalidCharRange, t, b.len()));
            };
            (t + end + 1, rest.get(3..end).unwrap_or(""))
        };
        let mut name = name;
        if let Some(n) = name.strip_prefix('^') {
            sign = -sign;
            name = n;
        }
        let (u, version) = (self.u, self.version);
        let found = self
            .tables
            .entry(name.to_string())
            .or_insert_with(|| u.table(name, version))
            .clone();
        let Some((tab, tsign, fold)) = found else {
            return Err(perr(Code::InvalidCharRange, t, seq_end));
        };
        if tsign < 0 {
            sign = -sign;
        }
        Ok(Some((UnicodeSpec { tab, sign, fold }, seq_end)))
    }

    fn append_unicode(&self, r: Vec<Rune>, spec: &UnicodeSpec) -> Vec<Rune> {
        if self.flags & FOLD_CASE == 0 || !spec.fold {
            if spec.sign > 0 {
                append_class(r, &spec.tab)
            } else {
                append_negated_class(r, &spec.tab)
            }
        } else {
            // The table plus every code point that folds to one in it.
            let tmp = self.u.fold_closure(&spec.tab);
            if spec.sign > 0 {
                append_class(r, &tmp)
            } else {
                append_negated_class(r, &tmp)
            }
        }
    }

    fn parse_class(&mut self, s: usize) -> Result<usize, PErr> {
        let b = self.b;
        let mut t = s + 1;
        let re = self.new_regexp(OP_CHAR_CLASS);
        self.nodes[re].flags = self.flags;
        let mut sign = 1;
        if b.get(t) == Some(&b'^') {
            sign = -1;
            t += 1;
            // ClassNL is always set: a negated class may match newline.
        }
        let mut class: Vec<Rune> = Vec::new();
        let mut first = true;
        while t >= b.len() || b[t] != b']' || first {
            first = false;
            if b.len() - t.min(b.len()) > 2 && b[t] == b'[' && b[t + 1] == b':' {
                if let Some((g, nt)) = self.parse_named_class(t)? {
                    class = self.append_group(class, g);
                    t = nt;
                    continue;
                }
            }
            if let Some((spec, nt)) = self.parse_unicode_class(t)? {
                class = self.append_unicode(class, &spec);
                t = nt;
                continue;
            }
            if let Some((g, nt)) = perl_group_at(b, t) {
                class = self.append_group(class, g);
                t = nt;
                continue;
            }
            let rng = t;
            let (lo, nt) = self.parse_class_char(t, s)?;
            t = nt;
            let mut hi = lo;
            // [a-] means (a|-), so check for the final ].
            if t + 1 < b.len() && b[t] == b'-' && b[t + 1] != b']' {
                t += 1;
                let (h, nt) = self.parse_class_char(t, s)?;
                t = nt;
                hi = h;
                if hi < lo {
                    return Err(perr(Code::InvalidCharRange, rng, t));
                }
            }
            class = if self.flags & FOLD_CASE == 0 {
                append_range(class, lo, hi)
            } else {
                self.append_folded_range(class, lo, hi)
            };
        }
        t += 1;
        let mut class = clean_class(class);
        if sign < 0 {
            class = negate_class(class);
        }
        self.nodes[re].rune = class;
        self.push(re)?;
        Ok(t)
    }

    fn append_literal(&self, r: Vec<Rune>, x: Rune, flags: u16) -> Vec<Rune> {
        if flags & FOLD_CASE != 0 {
            self.append_folded_range(r, x, x)
        } else {
            append_range(r, x, x)
        }
    }

    /// The range lo-hi plus everything that folds to a code point in it. Go
    /// walks every code point; the resulting set is the same, and its exact
    /// layout is always normalised before anything depends on it.
    fn append_folded_range(&self, r: Vec<Rune>, lo: Rune, hi: Rune) -> Vec<Rune> {
        let mut r = append_range(r, lo, hi);
        let folds = &self.u.folds;
        let from = folds.partition_point(|&(c, _)| c < lo);
        for &(c, _) in folds[from..].iter().take_while(|&&(c, _)| c <= hi) {
            let mut f = self.u.simple_fold(c);
            while f != c {
                if f < lo || f > hi {
                    r = append_range(r, f, f);
                }
                f = self.u.simple_fold(f);
            }
        }
        r
    }
}

struct UnicodeSpec {
    tab: Vec<Rune>,
    sign: i32,
    /// Whether Go has a case-folding table for it (`unicode.FoldCategory`
    /// and `unicode.FoldScript` cover only a few).
    fold: bool,
}

fn is_valid_capture_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric())
}

fn is_alnum(c: Rune) -> bool {
    u8::try_from(c).is_ok_and(|c| c.is_ascii_alphanumeric())
}

fn unhex(c: Rune) -> Rune {
    match u8::try_from(c) {
        Ok(c @ b'0'..=b'9') => Rune::from(c - b'0'),
        Ok(c @ b'a'..=b'f') => Rune::from(c - b'a' + 10),
        Ok(c @ b'A'..=b'F') => Rune::from(c - b'A' + 10),
        _ => -1,
    }
}

/// Sort ranges and merge overlapping or abutting ones.
fn clean_class(r: Vec<Rune>) -> Vec<Rune> {
    let mut pairs: Vec<(Rune, Rune)> = r.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<Rune> = Vec::with_capacity(r.len());
    for (lo, hi) in pairs {
        let n = out.len();
        if n >= 2 && lo <= out[n - 1] + 1 {
            if hi > out[n - 1] {
                out[n - 1] = hi;
            }
            continue;
        }
        out.push(lo);
        out.push(hi);
    }
    out
}

/// Go's `appendRange`: extends the last or next-to-last range when possible.
fn append_range(mut r: Vec<Rune>, lo: Rune, hi: Rune) -> Vec<Rune> {
    let n = r.len();
    for i in [2, 4] {
        if n >= i {
            let (rlo, rhi) = (r[n - i], r[n - i + 1]);
            if lo <= rhi + 1 && rlo <= hi + 1 {
                if lo < rlo {
                    r[n - i] = lo;
                }
                if hi > rhi {
                    r[n - i + 1] = hi;
                }
                return r;
            }
        }
    }
    r.push(lo);
    r.push(hi);
    r
}

fn append_class(mut r: Vec<Rune>, x: &[Rune]) -> Vec<Rune> {
    for p in x.chunks_exact(2) {
        r = append_range(r, p[0], p[1]);
    }
    r
}

fn append_negated_class(mut r: Vec<Rune>, x: &[Rune]) -> Vec<Rune> {
    let mut next_lo = 0;
    for p in x.chunks_exact(2) {
        if next_lo < p[0] {
            r = append_range(r, next_lo, p[0] - 1);
        }
        next_lo = p[1] + 1;
    }
    if next_lo <= MAX_RUNE {
        r = append_range(r, next_lo, MAX_RUNE);
    }
    r
}

fn negate_class(r: Vec<Rune>) -> Vec<Rune> {
    append_negated_class(Vec::with_capacity(r.len() + 2), &r)
}

struct Group {
    name: &'static str,
    sign: i32,
    class: &'static [Rune],
}

const DIGIT: &[Rune] = &[0x30, 0x39];
const SPACE: &[Rune] = &[0x9, 0xa, 0xc, 0xd, 0x20, 0x20];
const WORD: &[Rune] = &[0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];

static PERL_GROUPS: [Group; 6] = [
    Group {
        name: "d",
        sign: 1,
        class: DIGIT,
    },
    Group {
        name: "D",
        sign: -1,
        class: DIGIT,
    },
    Group {
        name: "s",
        sign: 1,
        class: SPACE,
    },
    Group {
        name: "S",
        sign: -1,
        class: SPACE,
    },
    Group {
        name: "w",
        sign: 1,
        class: WORD,
    },
    Group {
        name: "W",
        sign: -1,
        class: WORD,
    },
];

fn perl_group_at(b: &[u8], t: usize) -> Option<(&'static Group, usize)> {
    if b.get(t) != Some(&b'\\') {
        return None;
    }
    let c = *b.get(t + 1)?;
    PERL_GROUPS
        .iter()
        .find(|g| g.name.as_bytes() == [c])
        .map(|g| (g, t + 2))
}

macro_rules! posix {
    ($($name:literal => $class:expr),* $(,)?) => {
        [$(
            Group { name: concat!("[:", $name, ":]"), sign: 1, class: $class },
            Group { name: concat!("[:^", $name, ":]"), sign: -1, class: $class },
        )*]
    };
}

static POSIX_GROUPS: [Group; 28] = posix! {
    "alnum" => &[0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
    "alpha" => &[0x41, 0x5a, 0x61, 0x7a],
    "ascii" => &[0x0, 0x7f],
    "blank" => &[0x9, 0x9, 0x20, 0x20],
    "cntrl" => &[0x0, 0x1f, 0x7f, 0x7f],
    "digit" => DIGIT,
    "graph" => &[0x21, 0x7e],
    "lower" => &[0x61, 0x7a],
    "print" => &[0x20, 0x7e],
    "punct" => &[0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
    "space" => &[0x9, 0xd, 0x20, 0x20],
    "upper" => &[0x41, 0x5a],
    "word" => WORD,
    "xdigit" => &[0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

// ---------------------------------------------------------------------------
// Unicode data: Go's tables, rebuilt from regex-syntax's (Unicode 16) tables
// restricted to the code points assigned in Go's Unicode version.
// ---------------------------------------------------------------------------

struct UnicodeData {
    unicode15: bool,
    /// Code points assigned in this Unicode version (no surrogates).
    assigned: Vec<Rune>,
    /// Go's `unicode.SimpleFold` for every code point that has case variants,
    /// sorted by code point.
    folds: Vec<(Rune, Rune)>,
    min_fold: Rune,
    max_fold: Rune,
    /// Letters (L) and decimal digits (Nd), for `$name` in templates.
    name_chars: Vec<(u32, u32)>,
}

fn unicode_data(unicode15: bool) -> &'static UnicodeData {
    static U13: OnceLock<UnicodeData> = OnceLock::new();
    static U15: OnceLock<UnicodeData> = OnceLock::new();
    let cell = if unicode15 { &U15 } else { &U13 };
    cell.get_or_init(|| UnicodeData::build(unicode15))
}

/// A Unicode class from regex-syntax, as flat Go-style ranges.
fn rust_class(query: &str) -> Vec<Rune> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(query);
    let mut out = Vec::new();
    if let Ok(hir) = hir {
        match hir.kind() {
            HirKind::Class(Class::Unicode(c)) => {
                for r in c.ranges() {
                    out.push(r.start() as Rune);
                    out.push(r.end() as Rune);
                }
            }
            // A class of one code point comes back as a literal.
            HirKind::Literal(lit) => {
                if let Some(c) = std::str::from_utf8(&lit.0)
                    .ok()
                    .and_then(|s| s.chars().next())
                {
                    out.push(c as Rune);
                    out.push(c as Rune);
                }
            }
            _ => {}
        }
    }
    out
}

fn intersect(a: &[Rune], b: &[Rune]) -> Vec<Rune> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i + 1 < a.len() && j + 1 < b.len() {
        let lo = a[i].max(b[j]);
        let hi = a[i + 1].min(b[j + 1]);
        if lo <= hi {
            out.push(lo);
            out.push(hi);
        }
        if a[i + 1] < b[j + 1] {
            i += 2;
        } else {
            j += 2;
        }
    }
    out
}

fn union(parts: &[&[Rune]]) -> Vec<Rune> {
    clean_class(parts.concat())
}

const SURROGATES: &[Rune] = &[0xD800, 0xDFFF];

/// Go's `unicode.Categories` keys before Go 1.25.
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// (code point, Go's table, regex-syntax's table) for code points whose
/// general category or script changed after Unicode 15.0 / 13.0.
const MOVED_15: &[(Rune, &str, &str)] = &[(0x1171E, "Mn", "Mc")];
const MOVED_13: &[(Rune, &str, &str)] = &[
    (0x1171E, "Mn", "Mc"),
    (0x1734, "Mn", "Mc"),
    (0x16FE2, "Common", "Han"),
    (0x16FE3, "Common", "Han"),
];

/// The keys of Go's `unicode.FoldCategory` and `unicode.FoldScript`.
const FOLD_CATEGORIES: &[&str] = &["L", "Ll", "Lt", "Lu", "M", "Mn"];
const FOLD_SCRIPTS: &[&str] = &["Common", "Greek", "Inherited"];

/// Go's `unicode.Scripts` keys (Unicode 15.0).
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// Scripts added in Unicode 14 and 15 (absent from Go before 1.21).
const SCRIPTS_SINCE_14: &[&str] = &[
    "Cypro_Minoan",
    "Kawi",
    "Nag_Mundari",
    "Old_Uyghur",
    "Tangsa",
    "Toto",
    "Vithkuqi",
];

/// Go 1.25's `unicode.CategoryAliases`.
const CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("Cased_Letter", "LC"),
    ("Close_Punctuation", "Pe"),
    ("Combining_Mark", "M"),
    ("Connector_Punctuation", "Pc"),
    ("Control", "Cc"),
    ("Currency_Symbol", "Sc"),
    ("Dash_Punctuation", "Pd"),
    ("Decimal_Number", "Nd"),
    ("Enclosing_Mark", "Me"),
    ("Final_Punctuation", "Pf"),
    ("Format", "Cf"),
    ("Initial_Punctuation", "Pi"),
    ("Letter", "L"),
    ("Letter_Number", "Nl"),
    ("Line_Separator", "Zl"),
    ("Lowercase_Letter", "Ll"),
    ("Mark", "M"),
    ("Math_Symbol", "Sm"),
    ("Modifier_Letter", "Lm"),
    ("Modifier_Symbol", "Sk"),
    ("Nonspacing_Mark", "Mn"),
    ("Number", "N"),
    ("Open_Punctuation", "Ps"),
    ("Other", "C"),
    ("Other_Letter", "Lo"),
    ("Other_Number", "No"),
    ("Other_Punctuation", "Po"),
    ("Other_Symbol", "So"),
    ("Paragraph_Separator", "Zp"),
    ("Private_Use", "Co"),
    ("Punctuation", "P"),
    ("Separator", "Z"),
    ("Space_Separator", "Zs"),
    ("Spacing_Mark", "Mc"),
    ("Surrogate", "Cs"),
    ("Symbol", "S"),
    ("Titlecase_Letter", "Lt"),
    ("Unassigned", "Cn"),
    ("Uppercase_Letter", "Lu"),
    ("cntrl", "Cc"),
    ("digit", "Nd"),
    ("punct", "P"),
];

/// Go 1.25's `canonicalName`: first letter upper case, the rest lower case,
/// without `_`, `-` and spaces.
fn canonical_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut first = true;
    for &c in name.as_bytes() {
        match c {
            b'_' | b'-' | b' ' => continue,
            _ if first => {
                first = false;
                out.push(char::from(c.to_ascii_uppercase()));
            }
            _ => out.push(char::from(c.to_ascii_lowercase())),
        }
    }
    // Non-ASCII bytes were pushed one by one; such names never match anyway.
    out
}

impl UnicodeData {
    fn build(unicode15: bool) -> UnicodeData {
        let age = if unicode15 { "15.0" } else { "13.0" };
        let assigned = rust_class(&format!(r"\p{{age={age}}}"));
        // Every code point with a case variant changes when case folded, or is
        // the fold target of one that does.
        let mut folds = Vec::new();
        let cwcf = intersect(&rust_class(r"\p{Changes_When_Casefolded}"), &assigned);
        let mut orbits: Vec<Vec<Rune>> = Vec::new();
        for p in cwcf.chunks_exact(2) {
            for c in p[0]..=p[1] {
                let Some(ch) = char::from_u32(c as u32) else {
                    continue;
                };
                let mut cls = regex_syntax::hir::ClassUnicode::new([
                    regex_syntax::hir::ClassUnicodeRange::new(ch, ch),
                ]);
                cls.case_fold_simple();
                let mut orbit: Vec<Rune> = Vec::new();
                for r in cls.ranges() {
                    for x in r.start() as Rune..=r.end() as Rune {
                        if in_class(&assigned, x) {
                            orbit.push(x);
                        }
                    }
                }
                // U+FB05 and U+FB06 became case variants only in Unicode 15.1.
                if orbit.len() > 1 && orbit != [0xFB05, 0xFB06] {
                    orbits.push(orbit);
                }
            }
        }
        orbits.sort();
        orbits.dedup();
        for o in &orbits {
            for (i, &c) in o.iter().enumerate() {
                folds.push((c, o[(i + 1) % o.len()]));
            }
        }
        folds.sort_unstable();
        folds.dedup_by_key(|f| f.0);
        let min_fold = folds.first().map_or(0, |f| f.0);
        let max_fold = folds.last().map_or(0, |f| f.0);
        let mut data = UnicodeData {
            unicode15,
            assigned,
            folds,
            min_fold,
            max_fold,
            name_chars: Vec::new(),
        };
        let version = if unicode15 {
            GoVersion::Go1_21
        } else {
            GoVersion::Go1_19
        };
        let letters = union(&[&data.category("L", version), &data.category("Nd", version)]);
        data.name_chars = letters
            .chunks_exact(2)
            .map(|p| (p[0] as u32, p[1] as u32))
            .collect();
        data
    }

    /// Go's `unicode.SimpleFold`: the next code point in `r`'s case orbit.
    fn simple_fold(&self, r: Rune) -> Rune {
        match self.folds.binary_search_by_key(&r, |f| f.0) {
            Ok(i) => self.folds[i].1,
            Err(_) => r,
        }
    }

    fn min_fold_rune(&self, r: Rune) -> Rune {
        if r < self.min_fold || r > self.max_fold {
            return r;
        }
        let mut m = r;
        let mut f = self.simple_fold(r);
        while f != r {
            m = m.min(f);
            f = self.simple_fold(f);
        }
        m
    }

    /// `tab` plus every code point in the case orbit of one of its members.
    fn fold_closure(&self, tab: &[Rune]) -> Vec<Rune> {
        let mut extra = Vec::new();
        for &(c, _) in &self.folds {
            if in_class(tab, c) {
                extra.push(c);
                extra.push(c);
                let mut f = self.simple_fold(c);
                while f != c {
                    extra.push(f);
                    extra.push(f);
                    f = self.simple_fold(f);
                }
            }
        }
        union(&[tab, &extra])
    }

    /// Code points whose category or script changed after Go's Unicode version.
    fn moved(&self, name: &str, mut tab: Vec<Rune>) -> Vec<Rune> {
        let moved: &[(Rune, &str, &str)] = if self.unicode15 { MOVED_15 } else { MOVED_13 };
        for &(c, was, now) in moved {
            if name == now {
                tab = intersect(&tab, &negate_class(vec![c, c]));
            } else if name == was {
                tab = union(&[&tab, &[c, c]]);
            }
        }
        tab
    }

    fn category(&self, name: &str, version: GoVersion) -> Vec<Rune> {
        let gc = |n: &str| {
            let tab = intersect(&rust_class(&format!(r"\p{{gc={n}}}")), &self.assigned);
            self.moved(n, tab)
        };
        match name {
            "Cs" => SURROGATES.to_vec(),
            "Cn" => {
                // Unassigned in Rust's tables, or assigned after Go's version.
                let unassigned = negate_class(self.assigned.clone());
                let not_surrogate = negate_class(SURROGATES.to_vec());
                union(&[
                    &rust_class(r"\p{gc=Cn}"),
                    &intersect(&unassigned, &not_surrogate),
                ])
            }
            // Go's C lacked unassigned code points until 1.25.
            "C" => {
                let mut parts = vec![gc("Cc"), gc("Cf"), gc("Co"), SURROGATES.to_vec()];
                if version.loose_class_names() {
                    parts.push(self.category("Cn", version));
                }
                let refs: Vec<&[Rune]> = parts.iter().map(Vec::as_slice).collect();
                union(&refs)
            }
            "LC" => union(&[&gc("Lu"), &gc("Ll"), &gc("Lt")]),
            _ => gc(name),
        }
    }

    fn script(&self, name: &str) -> Vec<Rune> {
        let tab = intersect(&rust_class(&format!(r"\p{{sc={name}}}")), &self.assigned);
        self.moved(name, tab)
    }

    fn has_script(&self, name: &str) -> bool {
        SCRIPTS.contains(&name) && (self.unicode15 || !SCRIPTS_SINCE_14.contains(&name))
    }

    /// Go's `unicodeTable`: the class for a `\p{name}`, whether it is to be
    /// inverted, and whether Go has a folding table for it; None if Go does
    /// not know the name.
    fn table(&self, name: &str, version: GoVersion) -> Option<(Vec<Rune>, i32, bool)> {
        let cat = |n: &str| {
            let fold = FOLD_CATEGORIES.contains(&n);
            (self.category(n, version), 1, fold)
        };
        let script = |n: &str| (self.script(n), 1, FOLD_SCRIPTS.contains(&n));
        if !version.loose_class_names() {
            if name == "Any" {
                return Some((vec![0, MAX_RUNE], 1, true));
            }
            if CATEGORIES.contains(&name) {
                return Some(cat(name));
            }
            if self.has_script(name) {
                return Some(script(name));
            }
            return None;
        }
        let name = canonical_name(name);
        match name.as_str() {
            "Any" => return Some((vec![0, MAX_RUNE], 1, true)),
            "Assigned" => return Some((self.category("Cn", version), -1, true)),
            "Ascii" => return Some((vec![0, 0x7F], 1, true)),
            "Lc" => return Some(cat("LC")),
            _ => {}
        }
        if CATEGORIES.contains(&name.as_str()) || name == "Cn" {
            return Some(cat(&name));
        }
        if self.has_script(&name) {
            return Some(script(&name));
        }
        CATEGORY_ALIASES
            .iter()
            .find(|(alias, _)| canonical_name(alias) == name)
            .map(|(_, actual)| cat(actual))
    }
}

fn in_class(class: &[Rune], r: Rune) -> bool {
    let (mut lo, mut hi) = (0, class.len() / 2);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if class[2 * mid + 1] < r {
            lo = mid + 1;
        } else if class[2 * mid] > r {
            hi = mid;
        } else {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::GoVersion::*;
    use super::*;

    // Expected values in these tables are the output of Go's regexp package:
    // Go 1.19 for Prometheus 2.x (`^(?:…)$`), and Go 1.21.13, 1.24.11 and
    // 1.25.5 for 3.x (`^(?s:…)$`).

    /// (pattern, Go 1.19 error, Go 1.21, Go 1.24, Go 1.25); "" means accepted,
    /// "=" means the same as Go 1.25.
    #[rustfmt::skip]
    const SYNTAX: &[(&str, &str, &str, &str, &str)] = &[
        ("(.*)", "", "=", "=", ""),
        ("(a", "error parsing regexp: missing closing ): `^(?:(a)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:(a)$`"),
        ("a)", "error parsing regexp: unexpected ): `^(?:a))$`", "=", "=", "error parsing regexp: unexpected ): `^(?s:a))$`"),
        (")(", "", "=", "=", ""),
        (")a(", "", "=", "=", ""),
        ("((a)b", "error parsing regexp: missing closing ): `^(?:((a)b)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:((a)b)$`"),
        ("(?:a", "error parsing regexp: missing closing ): `^(?:(?:a)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:(?:a)$`"),
        ("(?i)(a", "error parsing regexp: missing closing ): `^(?:(?i)(a)$`", "=", "=", "error parsing regexp: missing closing ): `^(?s:(?i)(a)$`"),
        (r#"a\"#, r#"error parsing regexp: missing closing ): `^(?:a\)$`"#, "=", "=", r#"error parsing regexp: missing closing ): `^(?s:a\)$`"#),
        (r#"\"#, r#"error parsing regexp: missing closing ): `^(?:\)$`"#, "=", "=", r#"error parsing regexp: missing closing ): `^(?s:\)$`"#),
        (r#"\Q.*\E"#, "", "=", "=", ""),
        (r#"\Qa.b"#, r#"error parsing regexp: missing closing ): `^(?:\Qa.b)$`"#, "=", "=", r#"error parsing regexp: missing closing ): `^(?s:\Qa.b)$`"#),
        (r#"\Qab\Ec"#, "", "=", "=", ""),
        (r#"\1"#, r#"error parsing regexp: invalid escape sequence: `\1`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\1`"#),
        (r#"\8"#, r#"error parsing regexp: invalid escape sequence: `\8`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\8`"#),
        (r#"\0"#, "", "=", "=", ""),
        (r#"\012"#, "", "=", "=", ""),
        (r#"\101"#, "", "=", "=", ""),
        (r#"\18"#, r#"error parsing regexp: invalid escape sequence: `\1`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\1`"#),
        (r#"\<a\>"#, "", "=", "=", ""),
        (r#"\b{start}"#, "", "=", "=", ""),
        (r#"\b{2}"#, "", "=", "=", ""),
        (r#"\C"#, r#"error parsing regexp: invalid escape sequence: `\C`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\C`"#),
        (r#"\Z"#, r#"error parsing regexp: invalid escape sequence: `\Z`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\Z`"#),
        (r#"\z"#, "", "=", "=", ""),
        (r#"\pN"#, "", "=", "=", ""),
        (r#"\p{Greek}"#, "", "=", "=", ""),
        (r#"\p{greek}"#, r#"error parsing regexp: invalid character class range: `\p{greek}`"#, r#"error parsing regexp: invalid character class range: `\p{greek}`"#, r#"error parsing regexp: invalid character class range: `\p{greek}`"#, ""),
        (r#"\p{Letter}"#, r#"error parsing regexp: invalid character class range: `\p{Letter}`"#, r#"error parsing regexp: invalid character class range: `\p{Letter}`"#, r#"error parsing regexp: invalid character class range: `\p{Letter}`"#, ""),
        (r#"\p{Old_Italic}"#, "", "", "", r#"error parsing regexp: invalid character class range: `\p{Old_Italic}`"#),
        (r#"\p{Kawi}"#, r#"error parsing regexp: invalid character class range: `\p{Kawi}`"#, "=", "=", ""),
        (r#"\p{Cn}"#, r#"error parsing regexp: invalid character class range: `\p{Cn}`"#, r#"error parsing regexp: invalid character class range: `\p{Cn}`"#, r#"error parsing regexp: invalid character class range: `\p{Cn}`"#, ""),
        (r#"\p{LC}"#, r#"error parsing regexp: invalid character class range: `\p{LC}`"#, r#"error parsing regexp: invalid character class range: `\p{LC}`"#, r#"error parsing regexp: invalid character class range: `\p{LC}`"#, ""),
        (r#"\p{ASCII}"#, r#"error parsing regexp: invalid character class range: `\p{ASCII}`"#, r#"error parsing regexp: invalid character class range: `\p{ASCII}`"#, r#"error parsing regexp: invalid character class range: `\p{ASCII}`"#, ""),
        (r#"\p{Assigned}"#, r#"error parsing regexp: invalid character class range: `\p{Assigned}`"#, r#"error parsing regexp: invalid character class range: `\p{Assigned}`"#, r#"error parsing regexp: invalid character class range: `\p{Assigned}`"#, ""),
        (r#"\p{^Greek}"#, "", "=", "=", ""),
        (r#"\p{"#, r#"error parsing regexp: invalid character class range: `\p{)$`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p{)$`"#),
        (r#"\p"#, r#"error parsing regexp: invalid character class range: `\p)`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p)`"#),
        (r#"\pé"#, r#"error parsing regexp: invalid character class range: `\pé`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\pé`"#),
        (r#"\p{}"#, r#"error parsing regexp: invalid character class range: `\p{}`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p{}`"#),
        (r#"\p{Zzzz}"#, r#"error parsing regexp: invalid character class range: `\p{Zzzz}`"#, "=", "=", r#"error parsing regexp: invalid character class range: `\p{Zzzz}`"#),
        ("[[:alpha:]]", "", "=", "=", ""),
        ("[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`", "=", "=", "error parsing regexp: invalid character class range: `[:foo:]`"),
        ("[[:x]y:]]", "error parsing regexp: invalid character class range: `[:x]y:]`", "=", "=", "error parsing regexp: invalid character class range: `[:x]y:]`"),
        ("[a&&b]", "", "=", "=", ""),
        ("[a--b]", "error parsing regexp: invalid character class range: `a--`", "=", "=", "error parsing regexp: invalid character class range: `a--`"),
        ("[[]", "", "=", "=", ""),
        ("[]a]", "", "=", "=", ""),
        ("[]", "error parsing regexp: missing closing ]: `[])$`", "=", "=", "error parsing regexp: missing closing ]: `[])$`"),
        ("[^]", "error parsing regexp: missing closing ]: `[^])$`", "=", "=", "error parsing regexp: missing closing ]: `[^])$`"),
        ("[a-]", "", "=", "=", ""),
        ("[z-a]", "error parsing regexp: invalid character class range: `z-a`", "=", "=", "error parsing regexp: invalid character class range: `z-a`"),
        (r#"[a-\d]"#, r#"error parsing regexp: invalid escape sequence: `\d`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\d`"#),
        (r#"[\x{41}-\x{5A}]"#, "", "=", "=", ""),
        (r#"\x{110000}"#, r#"error parsing regexp: invalid escape sequence: `\x{110000`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\x{110000`"#),
        (r#"\x{}"#, r#"error parsing regexp: invalid escape sequence: `\x{}`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\x{}`"#),
        (r#"\x4"#, r#"error parsing regexp: invalid escape sequence: `\x4)`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\x4)`"#),
        (r#"\xZZ"#, r#"error parsing regexp: invalid escape sequence: `\xZZ`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\xZZ`"#),
        (r#"\é"#, r#"error parsing regexp: invalid escape sequence: `\é`"#, "=", "=", r#"error parsing regexp: invalid escape sequence: `\é`"#),
        (r#"\_"#, "", "=", "=", ""),
        ("(?x)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?x`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?x`"),
        ("(?i-i)a", "", "=", "=", ""),
        ("(?-)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`"),
        ("(?i-)a", "error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`"),
        ("(?<name>a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "=", ""),
        ("(?P<name>a)", "", "=", "=", ""),
        ("(?P<n", "error parsing regexp: invalid named capture: `(?P<n)$`", "=", "=", "error parsing regexp: invalid named capture: `(?P<n)$`"),
        ("(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`", "=", "=", "error parsing regexp: invalid named capture: `(?P<>`"),
        ("(?P<é>a)", "error parsing regexp: invalid named capture: `(?P<é>`", "=", "=", "error parsing regexp: invalid named capture: `(?P<é>`"),
        ("(?P=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?P`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?P`"),
        ("(?'a'x)", "error parsing regexp: invalid or unsupported Perl syntax: `(?'`", "=", "=", "error parsing regexp: invalid or unsupported Perl syntax: `(?'`"),
        ("(?<=a)b", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", "=", "error parsing regexp: invalid named capture: `(?<=a)b)$`"),
        ("(?P<1>a)", "", "=", "=", ""),
        ("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`", "=", "=", "error parsing regexp: invalid repeat count: `{1001}`"),
        ("a{1000}", "", "=", "=", ""),
        ("a{1000,}", "", "=", "=", ""),
        ("a{1001,}", "error parsing regexp: invalid repeat count: `{1001,}`", "=", "=", "error parsing regexp: invalid repeat count: `{1001,}`"),
        ("a{5,3}", "error parsing regexp: invalid repeat count: `{5,3}`", "=", "=", "error parsing regexp: invalid repeat count: `{5,3}`"),
        ("a{,5}", "", "=", "=", ""),
        ("a{01}", "", "=", "=", ""),
        ("a{99999999999}", "error parsing regexp: invalid repeat count: `{99999999999}`", "=", "=", "error parsing regexp: invalid repeat count: `{99999999999}`"),
        ("a{2}{3}", "error parsing regexp: invalid nested repetition operator: `{2}{3}`", "=", "=", "error parsing regexp: invalid nested repetition operator: `{2}{3}`"),
        ("a**", "error parsing regexp: invalid nested repetition operator: `**`", "=", "=", "error parsing regexp: invalid nested repetition operator: `**`"),
        ("a*?*", "error parsing regexp: invalid nested repetition operator: `*?*`", "=", "=", "error parsing regexp: invalid nested repetition operator: `*?*`"),
        ("a+*", "error parsing regexp: invalid nested repetition operator: `+*`", "=", "=", "error parsing regexp: invalid nested repetition operator: `+*`"),
        ("a??", "", "=", "=", ""),
        ("(a{100}){100}", "error parsing regexp: invalid repeat count: `{100}`", "=", "=", "error parsing regexp: invalid repeat count: `{100}`"),
        ("(a{10}){100}", "", "=", "=", ""),
        ("((a{10}){10}){10}", "", "=", "=", ""),
        ("((a{10}){10}){11}", "error parsing regexp: invalid repeat count: `{11}`", "=", "=", "error parsing regexp: invalid repeat count: `{11}`"),
        ("*", "error parsing regexp: missing argument to repetition operator: `*`", "=", "=", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("+a", "error parsing regexp: missing argument to repetition operator: `+`", "=", "=", "error parsing regexp: missing argument to repetition operator: `+`"),
        ("a|*", "error parsing regexp: missing argument to repetition operator: `*`", "=", "=", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("(*)", "error parsing regexp: missing argument to repetition operator: `*`", "=", "=", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("^*", "", "=", "=", ""),
        (r#"\b*"#, "", "=", "=", ""),
        ("|", "", "=", "=", ""),
        ("a||b", "", "=", "=", ""),
        ("()", "", "=", "=", ""),
        ("(?:a{1000}){2}", "error parsing regexp: invalid repeat count: `{2}`", "=", "=", "error parsing regexp: invalid repeat count: `{2}`"),
    ];

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

    fn message(r: &Result<GoRegex, GoRegexError>) -> String {
        match r {
            Ok(_) => String::new(),
            Err(e) => e.message.clone(),
        }
    }

    fn indexes(re: &GoRegex, s: &str) -> String {
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
    fn syntax_matches_go() {
        for &(p, m19, m21, m22, m25) in SYNTAX {
            let same = |m: &'static str| if m == "=" { m25 } else { m };
            let cases = [
                (Go1_19, false, m19),
                (Go1_21, true, same(m21)),
                (Go1_22, true, same(m22)),
                (Go1_25, true, m25),
            ];
            for (v, dot_all, want) in cases {
                let got = message(&GoRegex::new_with(p, dot_all, v));
                assert_eq!(got, want, "pattern {p:?} with {v:?}");
                if let Err(e) = GoRegex::new_with(p, dot_all, v) {
                    assert_eq!(e.kind, GoRegexErrorKind::Syntax, "{p:?}");
                    assert!(e.offset.is_none_or(|o| o <= p.len()), "{p:?}");
                }
            }
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
    fn size_and_depth_limits_match_go() {
        let nested = |n: usize| "(".repeat(n) + "a" + &")".repeat(n);
        // The wrapper adds two levels to Go's parse tree.
        let re = GoRegex::new(&nested(998), true).unwrap();
        let want = vec!["0:1"; 999].join(":");
        assert_eq!(indexes(&re, "a"), want);
        assert_eq!(re.num_subexp(), 998);
        for n in [999, 1000, 20_000] {
            let e = GoRegex::new(&nested(n), true).unwrap_err();
            assert!(e
                .message
                .starts_with("error parsing regexp: expression nests too deeply: `^(?s:((("));
        }
        // Non-capturing groups leave no node behind, so any depth is fine.
        let p = "(?:".repeat(10_000) + "a" + &")".repeat(10_000);
        assert!(GoRegex::new(&p, true).unwrap().is_match("a"));
        let e = GoRegex::new(&"(".repeat(100_000), true).unwrap_err();
        assert!(e
            .message
            .starts_with("error parsing regexp: missing closing ): `^(?s:((("));
        assert_eq!(e.offset, Some(99_999));
        // Rune and program size budgets; Go 1.19 reported these as internal errors.
        let p = r"\pL".repeat(26_000);
        assert!(GoRegex::new_with(&p, true, Go1_25)
            .unwrap_err()
            .message
            .starts_with("error parsing regexp: expression too large: `^(?s:\\pL"));
        let p = ".{1000}".repeat(3400);
        let e = GoRegex::new(&p, false).unwrap_err();
        assert!(e
            .message
            .starts_with("error parsing regexp: regexp/syntax: internal error: `^(?:.{1000}"));
        let e = GoRegex::new(&p, true).unwrap_err();
        assert!(e
            .message
            .starts_with("error parsing regexp: expression too large: `^(?s:.{1000}"));
        let lit = "a".repeat(100_000);
        assert!(GoRegex::new(&lit, true).unwrap().is_match(&lit));
    }

    #[test]
    fn too_large_for_rust_is_reported_as_unsupported() {
        // Go accepts this (about 1300 runes per \pL), but the translation is huge.
        let e = GoRegex::new(&r"\pL".repeat(1000), true)
            .map(|_| ())
            .expect_err("too large");
        assert_eq!(e.kind, GoRegexErrorKind::Unsupported);
        assert!(e.message.contains("accepted by Go"));
    }

    #[test]
    fn error_offsets_point_into_the_pattern() {
        let off = |p: &str| GoRegex::new(p, true).unwrap_err().offset;
        assert_eq!(off("(a"), Some(0));
        assert_eq!(off("x((a)"), Some(1));
        assert_eq!(off("ab)c"), Some(2));
        assert_eq!(off("a{1001}"), Some(1));
        assert_eq!(off("a**"), Some(1));
        assert_eq!(off(r"ab\8"), Some(2));
        assert_eq!(off("[[:foo:]]"), Some(1));
        assert_eq!(off(r"\p{Foo}"), Some(0));
        assert_eq!(off("(?x)"), Some(0));
        assert_eq!(off("x[a"), Some(1));
    }

    #[test]
    fn required_prefix_fast_path_keeps_results() {
        let cases: &[(&str, &[&str], Option<usize>)] = &[
            (
                "__meta_kubernetes_pod_label_(.+)",
                &[
                    "__meta_kubernetes_pod_label_app",
                    "__meta_kubernetes_pod_label_",
                    "x",
                ],
                Some(1),
            ),
            ("(?i)ab", &["AB", "aB", "ab", "b"], Some(4)),
            ("foo|bar", &["foo", "bar", "baz"], Some(2)),
            ("(.*)", &["", "x"], None),
            ("a*b", &["b", "aab", "c"], Some(2)),
            ("\\d+", &["12", "x"], None),
        ];
        for (pattern, inputs, prefixes) in cases {
            let re = GoRegex::new(pattern, true).unwrap();
            assert_eq!(
                re.prefixes.as_ref().map(|p| p.len()),
                *prefixes,
                "{pattern}"
            );
            let plain = Regex::new(&format!("^(?s:{})$", pattern.replace("\\\\", "\\"))).unwrap();
            for s in *inputs {
                assert_eq!(re.is_match(s), plain.is_match(s), "{pattern} on {s:?}");
                assert_eq!(
                    re.captures(s).is_some(),
                    plain.is_match(s),
                    "{pattern} on {s:?}"
                );
            }
        }
    }

    #[test]
    fn match_all_fast_path() {
        for p in [
            "(.*)",
            ".*",
            "((.*))",
            "(?s:.*)",
            ".*?",
            r"[\x00-\x{10FFFF}]*",
        ] {
            let re = GoRegex::new(p, true).unwrap();
            assert!(re.is_match_all(), "{p}");
            let mut m = re.new_match();
            assert!(re.match_into("a\nb", &mut m));
            for i in 0..=re.num_subexp() {
                assert_eq!(m.get(i), Some((0, 3)));
            }
            let mut out = String::new();
            re.expand_match(&Template::new("<$1>"), "a\nb", &m, &mut out);
            let caps = re.captures("a\nb").unwrap();
            assert_eq!(out, format!("<{}>", re.expand("$1", &caps)));
        }
        for p in ["(.+)", "(.)*", "a|(.*)", ".*a"] {
            assert!(!GoRegex::new(p, true).unwrap().is_match_all(), "{p}");
        }
        // Without the s flag `.` stops at a newline.
        let re = GoRegex::new("(.*)", false).unwrap();
        assert!(!re.is_match_all());
        assert!(!re.is_match("a\nb"));
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

    #[test]
    fn go_syntax_without_anchoring() {
        assert!(GoRegex::check_go_syntax(")(", Go1_25).is_err());
        assert!(GoRegex::check_go_syntax("(?<n>a)", Go1_19).is_err());
        assert!(GoRegex::check_go_syntax("(?<n>a)", Go1_22).is_ok());
        let e = GoRegex::check_go_syntax("ab)", Go1_25).unwrap_err();
        assert_eq!(e.message, "error parsing regexp: unexpected ): `ab)`");
        assert_eq!(e.offset, Some(2));
    }
}
