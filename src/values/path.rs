//! `--set` paths: `a.b[0].c=value`, with `\.` for a literal dot in a key
//! (`podAnnotations.prometheus\.io/scrape=true`).

use crate::diag::{Error, Result};
use crate::yaml::{Source, Span};

/// One step of a value path, with its span in the argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String, Span),
    Index(usize, Span),
}

impl Segment {
    pub fn span(&self) -> Span {
        match self {
            Segment::Key(_, s) | Segment::Index(_, s) => *s,
        }
    }

    /// A key segment without a position (named flags).
    pub fn key(name: &str) -> Segment {
        Segment::Key(name.to_string(), Span::new(0, 0))
    }
}

/// The most segments a path may have: the YAML nesting limit, so that a
/// value set by path is no deeper than one read from a file.
pub fn max_depth() -> usize {
    crate::yaml::Limits::default().max_depth
}

/// Splits `path=value` into the path and the byte offset of the value.
pub fn parse_set(src: &Source) -> Result<(Vec<Segment>, usize)> {
    let (segments, value_at) = split(src)?;
    if let Some(seg) = segments.get(max_depth()) {
        return Err(Error::at(
            src,
            seg.span(),
            format!("--set: the path is deeper than {} levels", max_depth()),
            "too deep from here",
        ));
    }
    Ok((segments, value_at))
}

fn split(src: &Source) -> Result<(Vec<Segment>, usize)> {
    let text = src.text.as_str();
    let err = |span: Span, msg: &str| {
        Error::at(src, span, format!("--set {text}: {msg}"), "here").with_help(
            "write --set path=value, e.g. --set image.tag=v1.9.1 or --set args[0]=--v=2; \
                 escape a dot inside a key: --set 'podAnnotations.example\\.com/team=sre'",
        )
    };
    let mut segments = Vec::new();
    let mut key = String::new();
    let mut key_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut after_index = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' if i + 1 < bytes.len() => {
                let ch = text[i + 1..].chars().next().unwrap_or('\\');
                key.push(ch);
                i += 1 + ch.len_utf8();
                continue;
            }
            b'.' | b'[' | b'=' => {
                if !key.is_empty() {
                    segments.push(Segment::Key(
                        std::mem::take(&mut key),
                        Span::new(key_start, i),
                    ));
                } else if !after_index {
                    return Err(err(Span::new(i, i + 1), "empty key in the path"));
                }
                after_index = false;
                if c == b'=' {
                    return Ok((segments, i + 1));
                }
                if c == b'[' {
                    let close = text[i..]
                        .find(']')
                        .map(|j| i + j)
                        .ok_or_else(|| err(Span::new(i, text.len()), "unclosed `[`"))?;
                    let digits = &text[i + 1..close];
                    let n: usize = digits.parse().map_err(|_| {
                        err(Span::new(i, close + 1), "a list index must be a number")
                    })?;
                    segments.push(Segment::Index(n, Span::new(i, close + 1)));
                    i = close + 1;
                    after_index = true;
                    if i < bytes.len() && !matches!(bytes[i], b'.' | b'[' | b'=') {
                        return Err(err(
                            Span::new(i, i + 1),
                            "expected `.`, `[` or `=` after `]`",
                        ));
                    }
                    if i < bytes.len() && bytes[i] == b'.' {
                        i += 1;
                        key_start = i;
                        after_index = false;
                    }
                    continue;
                }
                key_start = i + 1;
            }
            _ => {
                if key.is_empty() {
                    key_start = i;
                }
                let ch = text[i..].chars().next().unwrap_or('?');
                key.push(ch);
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
    }
    Err(err(Span::new(0, text.len()), "missing `=value`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<String> {
        let (segs, _) = parse_set(&Source::new("--set", s)).unwrap();
        segs.iter()
            .map(|s| match s {
                Segment::Key(k, _) => k.clone(),
                Segment::Index(n, _) => format!("[{n}]"),
            })
            .collect()
    }

    #[test]
    fn paths() {
        assert_eq!(keys("a.b=1"), ["a", "b"]);
        assert_eq!(keys("a[0].b=1"), ["a", "[0]", "b"]);
        assert_eq!(keys("a[0][1]=1"), ["a", "[0]", "[1]"]);
        assert_eq!(
            keys("x.prometheus\\.io/port=1"),
            ["x", "prometheus.io/port"]
        );
        assert_eq!(keys("a=b=c"), ["a"]);
        for bad in ["=1", "a..b=1", "a[x]=1", "a[0=1", "a", "a[0]b=1", ".a=1"] {
            assert!(parse_set(&Source::new("--set", bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn deep_paths_are_refused_at_the_first_segment_too_many() {
        let ok = format!("{}=1", vec!["a"; max_depth()].join("."));
        assert_eq!(keys(&ok).len(), max_depth());
        let deep = format!("{}=1", vec!["a"; 5000].join("."));
        let e = parse_set(&Source::new("--set", deep)).unwrap_err();
        assert!(e.to_string().contains("deeper than 256"), "{e}");
        assert_eq!(e.location().as_deref(), Some("--set:1:513"));
    }
}
