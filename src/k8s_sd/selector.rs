//! The label and field selector strings of Prometheus's `selectors`, parsed
//! as the Kubernetes API server parses them for list/watch requests
//! (`k8s.io/apimachinery/pkg/labels` and `pkg/fields`). Label selectors are
//! evaluated by the one matcher, `k8s::selector`.

use crate::k8s::names;
use crate::k8s::selector::{LabelSelector, Operator, Requirement};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Identifier(String),
    In,
    NotIn,
    DoesNotExist,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    OpenPar,
    ClosedPar,
    Comma,
    End,
}

impl Token {
    fn literal(&self) -> String {
        match self {
            Token::Identifier(s) => s.clone(),
            Token::In => "in".into(),
            Token::NotIn => "notin".into(),
            Token::DoesNotExist => "!".into(),
            Token::Equals => "=".into(),
            Token::DoubleEquals => "==".into(),
            Token::NotEquals => "!=".into(),
            Token::GreaterThan => ">".into(),
            Token::LessThan => "<".into(),
            Token::OpenPar => "(".into(),
            Token::ClosedPar => ")".into(),
            Token::Comma => ",".into(),
            Token::End => "end of string".into(),
        }
    }
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn symbol_token(s: &str) -> Option<Token> {
    Some(match s {
        "!" => Token::DoesNotExist,
        "!=" => Token::NotEquals,
        "=" => Token::Equals,
        "==" => Token::DoubleEquals,
        "(" => Token::OpenPar,
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        ">" => Token::GreaterThan,
        "<" => Token::LessThan,
        _ => return None,
    })
}

/// Splits a selector into tokens. Runs of special characters are matched
/// greedily against the known symbols (`!=`, `==` before `!`, `=`), like the
/// apimachinery lexer.
fn tokenize(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if is_whitespace(c) {
            i += 1;
        } else if is_special(c) {
            let mut buffer = String::new();
            let mut last: Option<(Token, usize)> = None;
            let mut j = i;
            while let Some(&ch) = chars.get(j) {
                if !is_special(ch) {
                    break;
                }
                buffer.push(ch);
                match symbol_token(&buffer) {
                    Some(tok) => last = Some((tok, j + 1)),
                    None if last.is_some() => break,
                    None => {}
                }
                j += 1;
            }
            match last {
                Some((tok, end)) => {
                    tokens.push(tok);
                    i = end;
                }
                // Unreachable in practice: every single special character is a symbol.
                None => {
                    tokens.push(Token::Identifier(buffer));
                    i = j.max(i + 1);
                }
            }
        } else {
            let start = i;
            while let Some(&ch) = chars.get(i) {
                if is_whitespace(ch) || is_special(ch) {
                    break;
                }
                i += 1;
            }
            let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
            tokens.push(match word.as_str() {
                "in" => Token::In,
                "notin" => Token::NotIn,
                _ => Token::Identifier(word),
            });
        }
    }
    tokens.push(Token::End);
    tokens
}

/// Whether `in`/`notin` are keywords (operator position) or plain identifiers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
}

impl Parser {
    fn peek(&self, ctx: Context) -> Token {
        let tok = self
            .tokens
            .get(self.position)
            .cloned()
            .unwrap_or(Token::End);
        match (ctx, tok) {
            (Context::Values, Token::In) => Token::Identifier("in".into()),
            (Context::Values, Token::NotIn) => Token::Identifier("notin".into()),
            (_, tok) => tok,
        }
    }

    fn next(&mut self, ctx: Context) -> Token {
        let tok = self.peek(ctx);
        if self.position < self.tokens.len() {
            self.position += 1;
        }
        tok
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            match self.peek(Context::Values) {
                Token::Identifier(_) | Token::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    match self.next(Context::Values) {
                        Token::End => return Ok(requirements),
                        Token::Comma => match self.peek(Context::Values) {
                            Token::Identifier(_) | Token::DoesNotExist => {}
                            t => {
                                return Err(format!(
                                    "found '{}', expected: identifier after ','",
                                    t.literal()
                                ))
                            }
                        },
                        t => {
                            return Err(format!(
                                "found '{}', expected: ',' or 'end of string'",
                                t.literal()
                            ))
                        }
                    }
                }
                Token::End => return Ok(requirements),
                t => {
                    return Err(format!(
                        "found '{}', expected: !, identifier, or 'end of string'",
                        t.literal()
                    ))
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let mut negated = false;
        let mut tok = self.next(Context::Values);
        if tok == Token::DoesNotExist {
            negated = true;
            tok = self.next(Context::Values);
        }
        let Token::Identifier(key) = tok else {
            return Err(format!("found '{}', expected: identifier", tok.literal()));
        };
        validate_label_key(&key)?;
        let unary_end = matches!(self.peek(Context::Values), Token::End | Token::Comma);
        if negated || unary_end {
            let operator = if negated {
                Operator::DoesNotExist
            } else {
                Operator::Exists
            };
            return Ok(Requirement {
                key,
                operator,
                values: Vec::new(),
            });
        }
        let operator = match self.next(Context::KeyAndOperator) {
            Token::In => Operator::In,
            Token::NotIn => Operator::NotIn,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::NotEquals => Operator::NotEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            t => {
                let lit = t.literal();
                let expected = match lit.as_str() {
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    _ => "in, notin, =, ==, !=, gt, lt".to_string(),
                };
                return Err(format!("found '{lit}', expected: {expected}"));
            }
        };
        let mut values = match operator {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        values.sort();
        values.dedup();
        for v in &values {
            validate_label_value(&key, v)?;
        }
        if matches!(operator, Operator::GreaterThan | Operator::LessThan)
            && values.iter().any(|v| v.parse::<i64>().is_err())
        {
            return Err(format!(
                "{key}: for 'Gt', 'Lt' operators, the value must be an integer"
            ));
        }
        Ok(Requirement {
            key,
            operator,
            values,
        })
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, String> {
        match self.peek(Context::Values) {
            Token::End | Token::Comma => Ok(vec![String::new()]),
            _ => match self.next(Context::Values) {
                Token::Identifier(v) => Ok(vec![v]),
                t => Err(format!("found '{}', expected: identifier", t.literal())),
            },
        }
    }

    fn parse_values(&mut self) -> Result<Vec<String>, String> {
        let tok = self.next(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{}' expected: '('", tok.literal()));
        }
        match self.peek(Context::Values) {
            Token::Identifier(_) | Token::Comma => {
                let values = self.parse_identifiers_list()?;
                match self.next(Context::Values) {
                    Token::ClosedPar => Ok(values),
                    t => Err(format!("found '{}', expected: ')'", t.literal())),
                }
            }
            // `()` is the set holding the empty value.
            Token::ClosedPar => {
                self.next(Context::Values);
                Ok(vec![String::new()])
            }
            t => Err(format!(
                "found '{}', expected: ',', ')' or identifier",
                t.literal()
            )),
        }
    }

    /// Empty elements (`(,a)`, `(a,)`, `(a,,b)`) stand for the empty value.
    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, String> {
        let mut values = Vec::new();
        loop {
            match self.next(Context::Values) {
                Token::Identifier(v) => {
                    values.push(v);
                    match self.peek(Context::Values) {
                        Token::Comma => {}
                        Token::ClosedPar => return Ok(values),
                        t => return Err(format!("found '{}', expected: ',' or ')'", t.literal())),
                    }
                }
                Token::Comma => {
                    if values.is_empty() {
                        values.push(String::new());
                    }
                    match self.peek(Context::Values) {
                        Token::ClosedPar => {
                            values.push(String::new());
                            return Ok(values);
                        }
                        Token::Comma => {
                            self.next(Context::Values);
                            values.push(String::new());
                        }
                        _ => {}
                    }
                }
                t => {
                    return Err(format!(
                        "found '{}', expected: ',', or identifier",
                        t.literal()
                    ))
                }
            }
        }
    }
}

/// Parses a Kubernetes label selector (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-separated and ANDed).
/// The empty string selects everything.
pub fn parse_label_selector(s: &str) -> Result<LabelSelector, String> {
    let mut parser = Parser {
        tokens: tokenize(s),
        position: 0,
    };
    let requirements = parser.parse()?;
    Ok(LabelSelector { requirements })
}

fn validate_label_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if p.is_empty() || !names::is_dns1123_subdomain(p) {
            return Err(format!(
                "invalid label key {key:?}: prefix part must be a lowercase RFC 1123 subdomain"
            ));
        }
    }
    if name.contains('/') {
        return Err(format!(
            "invalid label key {key:?}: a qualified name must consist of an optional prefix and a name separated by '/'"
        ));
    }
    if !names::is_qualified_name_part(name) {
        return Err(format!(
            "invalid label key {key:?}: name part must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
        ));
    }
    Ok(())
}

fn validate_label_value(key: &str, value: &str) -> Result<(), String> {
    if names::is_label_value(value) {
        Ok(())
    } else {
        Err(format!(
            "invalid label value {value:?} for key {key:?}: must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
        ))
    }
}

/// One `field=value` / `field==value` / `field!=value` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    /// `true` for `!=`.
    pub not_equal: bool,
    pub value: String,
}

/// A parsed field selector; every term must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    pub requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// `get` returns the object's value for a field; a missing field reads as
    /// "" (as in a Go `fields.Set`).
    pub fn matches(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.requirements.iter().all(|r| {
            let have = get(&r.field).unwrap_or_default();
            (have == r.value) != r.not_equal
        })
    }
}

/// Splits on commas not escaped by a backslash; escapes stay in the terms.
fn split_field_terms(s: &str) -> Vec<&str> {
    if s.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in s.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(s.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    terms.push(s.get(start..).unwrap_or_default());
    terms
}

fn unescape_field_value(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            if matches!(c, '\\' | ',' | '=') {
                out.push(c);
            } else {
                return Err(format!("invalid escape sequence: \\{c}"));
            }
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if matches!(c, ',' | '=') {
            return Err(format!("invalid field selector value: unescaped {c:?}"));
        } else {
            out.push(c);
        }
    }
    if in_slash {
        return Err("invalid escape sequence: \\".to_string());
    }
    Ok(out)
}

/// Parses a Kubernetes field selector (`a=b`, `a==b`, `a!=b`, comma-separated;
/// `\,`, `\=` and `\\` escape values). The empty string selects everything.
/// Which field names are valid depends on the resource; see `super::field_value`.
pub fn parse_field_selector(s: &str) -> Result<FieldSelector, String> {
    let mut requirements = Vec::new();
    for term in split_field_terms(s) {
        if term.is_empty() {
            continue;
        }
        // The first operator occurrence splits the term; `!=` and `==` are
        // tried before `=` at each position.
        let split = term.char_indices().find_map(|(i, _)| {
            let rest = term.get(i..)?;
            ["!=", "==", "="]
                .iter()
                .find(|op| rest.starts_with(**op))
                .map(|op| (i, *op))
        });
        let Some((i, op)) = split else {
            return Err(format!(
                "invalid selector: '{s}'; can't understand '{term}'"
            ));
        };
        let field = term.get(..i).unwrap_or_default().to_string();
        let raw = term.get(i + op.len()..).unwrap_or_default();
        requirements.push(FieldRequirement {
            field,
            not_equal: op == "!=",
            value: unescape_field_value(raw)?,
        });
    }
    Ok(FieldSelector { requirements })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::relabel::labels;

    fn sel(s: &str) -> LabelSelector {
        match parse_label_selector(s) {
            Ok(sel) => sel,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    #[test]
    fn label_selector_operators() {
        let ls = labels(&[("app", "web"), ("tier", "frontend"), ("n", "5")]);
        for (s, want) in [
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app = web", true),
            ("app=db", false),
            ("app!=db", true),
            ("app!=web", false),
            ("missing!=x", true),
            ("app in (web,db)", true),
            ("app in (db)", false),
            ("app notin (db)", true),
            ("missing notin (db)", true),
            ("app notin (web)", false),
            ("app", true),
            ("missing", false),
            ("!missing", true),
            ("!app", false),
            ("app=web,tier=frontend", true),
            ("app=web, tier=backend", false),
            ("n>4", true),
            ("n<4", false),
            ("app>1", false),
            ("missing=", false),
            ("in=x", false),
            ("app in (in, web)", true),
        ] {
            assert_eq!(sel(s).matches(&ls), want, "selector {s:?}");
        }
        assert!(sel("empty=").matches(&labels(&[("empty", "")])));
        assert!(sel("empty in (a,)").matches(&labels(&[("empty", "")])));
        assert!(sel("k in ()").matches(&labels(&[("k", "")])));
        assert!(
            sel("app.kubernetes.io/name=x").matches(&labels(&[("app.kubernetes.io/name", "x")]))
        );
    }

    #[test]
    fn label_selector_errors() {
        for s in [
            "app=web,",
            ",app",
            "app=web tier",
            "app in web",
            "app in (web",
            "app notin",
            "=web",
            "app=a=b",
            "!app=x",
            "app>x",
            "app=-bad",
            "-app=x",
            "a/b/c=x",
            "Upper.Case/x=y",
            "app in (a b)",
            "app gt 5",
        ] {
            assert!(parse_label_selector(s).is_err(), "{s:?} should fail");
        }
    }

    #[test]
    fn odd_selector_strings_do_not_panic() {
        for s in [
            "",
            " ",
            "!",
            "!!",
            "(",
            ")",
            ",",
            ",,",
            "=",
            "==",
            "!=",
            "<",
            ">",
            "a in (",
            "a in ()",
            "a in (,)",
            "a in (,,b)",
            "a notin (b,)",
            "é=ü",
            "a!==b",
            "a<>b",
            "a=\u{0}",
            "in",
            "notin",
            "in in (in)",
            "a\tin\n(b)",
            "a=b,,c",
            "a=(b)",
        ] {
            let _ = parse_label_selector(s);
            let _ = parse_field_selector(s);
        }
        assert!(parse_label_selector("in in (in)").is_ok());
        assert!(parse_label_selector("a\tin\n(b)").is_ok());
        assert!(parse_label_selector("a in (,,b)").is_ok());
        assert!(parse_label_selector("é=ü").is_err());
    }

    #[test]
    fn field_selector_parse_and_match() {
        let fs = match parse_field_selector("metadata.name=foo,status.phase!=Failed") {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(fs.requirements.len(), 2);
        let get = |phase: &'static str| {
            move |f: &str| match f {
                "metadata.name" => Some("foo".to_string()),
                "status.phase" => Some(phase.to_string()),
                _ => None,
            }
        };
        assert!(fs.matches(get("Running")));
        assert!(!fs.matches(get("Failed")));

        let fs = match parse_field_selector(r"metadata.name==a\,b") {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(fs.requirements[0].value, "a,b");
        assert!(!fs.requirements[0].not_equal);
        assert!(matches!(parse_field_selector(""), Ok(f) if f.requirements.is_empty()));
        assert!(parse_field_selector("metadata.name").is_err());
        assert!(parse_field_selector("metadata.name=a=b").is_err());
        assert!(parse_field_selector(r"metadata.name=a\x").is_err());
        assert!(parse_field_selector(r"metadata.name=a\").is_err());
    }
}
