//! Go's parse tree printed as an unambiguous Rust pattern and compiled with
//! the `regex` crate (the counterpart of Go's `compile.go`).

use super::parse::Parser;
use super::parse::MAX_HEIGHT;
use super::ranges::clean_class;
use super::regexp::*;
use super::unicode::UnicodeData;
use super::{GoRegex, GoRegexError, GoRegexErrorKind, GoVersion};
use regex::{Regex, RegexBuilder};

/// Go's parse tree is at most 1000 deep; each level adds at most three levels
/// of Rust syntax nesting (groups and a repetition).
const RUST_NEST_LIMIT: u32 = 3 * MAX_HEIGHT as u32 + 64;
/// Bounds on what is handed to the Rust engine, so that a hostile pattern
/// (which Go may still accept) fails quickly instead of exhausting memory.
const RUST_PATTERN_LIMIT: usize = 8 << 20;
const RUST_SIZE_LIMIT: usize = 64 << 20;

pub(super) fn compile(
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
    // Only a match that starts at the start of the text must start with
    // them: `a)|(b`, anchored as `^(?s:a)|(b)$`, matches the end of `xb`.
    if !hir
        .properties()
        .look_set_prefix()
        .contains(regex_syntax::hir::Look::Start)
    {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::super::{GoRegex, Template};
    use super::*;

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
}
