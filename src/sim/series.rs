//! `--series`: sample series, one per line, in Prometheus's exposition /
//! PromQL selector syntax: `name{a="b", c="d"}` (a trailing value and
//! timestamp are ignored). Quoted UTF-8 names are accepted:
//! `{"my.metric", "a.b"="c"}`.

use crate::diag::{Error, Result};
use crate::relabel::Labels;
use crate::yaml::{Source, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub line: usize,
    pub labels: Labels,
}

pub fn parse_series(src: &Source) -> Result<Vec<Series>> {
    let mut out = Vec::new();
    for (i, (line_start, line)) in src.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = line.len() - trimmed.len();
        let labels = parse_line(trimmed).map_err(|(pos, msg)| {
            let at = line_start + lead + pos;
            Error::at(
                src,
                Span::new(at, at + 1),
                format!("invalid series: {msg}"),
                msg,
            )
            .with_help(
                r#"write one series per line, e.g. http_requests_total{code="200", job="api"}"#,
            )
        })?;
        out.push(Series {
            line: i + 1,
            labels,
        });
    }
    Ok(out)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

type PResult<T> = std::result::Result<T, (usize, String)>;

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
            self.pos += 1;
        }
    }
    fn err<T>(&self, msg: impl Into<String>) -> PResult<T> {
        Err((self.pos, msg.into()))
    }
    fn ident(&mut self, metric: bool) -> PResult<String> {
        let start = self.pos;
        match self.peek() {
            Some(c) if is_name_start(c) && (metric || c != ':') => self.pos += 1,
            _ => return self.err("expected a name"),
        }
        while self
            .peek()
            .is_some_and(|c| is_name_char(c) && (metric || c != ':'))
        {
            self.pos += 1;
        }
        Ok(self.s[start..self.pos].to_string())
    }
    fn quoted(&mut self) -> PResult<String> {
        let quote = match self.peek() {
            Some(q @ ('"' | '\'' | '`')) => q,
            _ => return self.err("expected a quoted string"),
        };
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err("unterminated string");
            };
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(out);
            }
            if c == '\\' && quote != '`' {
                let Some(e) = self.peek() else {
                    return self.err("unterminated escape");
                };
                self.pos += e.len_utf8();
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    other => {
                        return Err((
                            self.pos - other.len_utf8(),
                            format!("unknown escape \\{other}"),
                        ))
                    }
                });
            } else {
                out.push(c);
            }
        }
    }
}

fn parse_line(line: &str) -> PResult<Labels> {
    let mut c = Cursor { s: line, pos: 0 };
    let mut labels = Labels::new();
    if c.peek() != Some('{') {
        let name = c.ident(true)?;
        labels.insert("__name__".into(), name);
    }
    c.skip_ws();
    if c.peek() == Some('{') {
        c.pos += 1;
        loop {
            c.skip_ws();
            match c.peek() {
                Some('}') => {
                    c.pos += 1;
                    break;
                }
                None => return c.err("missing closing '}'"),
                _ => {}
            }
            let name_at = c.pos;
            let name = if matches!(c.peek(), Some('"' | '\'' | '`')) {
                c.quoted()?
            } else {
                c.ident(false)?
            };
            c.skip_ws();
            if c.peek() == Some('=') {
                c.pos += 1;
                c.skip_ws();
                let value = c.quoted()?;
                if labels.insert(name.clone(), value).is_some() {
                    return Err((name_at, format!("duplicate label {name:?}")));
                }
            } else if labels.contains_key("__name__") {
                return Err((name_at, "expected '=' after the label name".into()));
            } else {
                // A bare quoted string inside braces is the metric name.
                labels.insert("__name__".into(), name);
            }
            c.skip_ws();
            match c.peek() {
                Some(',') => c.pos += 1,
                Some('}') => {}
                _ => return c.err("expected ',' or '}'"),
            }
        }
    }
    c.skip_ws();
    // A sample value and timestamp may follow; they do not affect relabeling.
    let rest = &c.s[c.pos..];
    if !rest.is_empty()
        && !rest
            .split_whitespace()
            .all(|t| t.parse::<f64>().is_ok() || matches!(t, "NaN" | "+Inf" | "-Inf"))
    {
        return c.err("unexpected text after the series");
    }
    if labels.is_empty() {
        return Err((0, "a series needs a name or labels".into()));
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let src = Source::new(
            "s",
            "# comment\nup\nhttp_requests_total{code=\"200\", job=\"api\"} 3 1700000000\n{\"my.metric\", \"a.b\"=\"x\\n\"}\n",
        );
        let s = parse_series(&src).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].labels["__name__"], "up");
        assert_eq!(s[1].labels["code"], "200");
        assert_eq!(s[1].line, 3);
        assert_eq!(s[2].labels["__name__"], "my.metric");
        assert_eq!(s[2].labels["a.b"], "x\n");
    }

    #[test]
    fn errors_point_into_the_line() {
        let src = Source::new("s", "ok\nbad{a=b}\n");
        let e = parse_series(&src).unwrap_err();
        assert_eq!(e.location().unwrap(), "s:2:7");
    }
}
