//! Go RE2 compatibility for relabel regexes (provisional minimal version).
use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoRegexError {
    pub message: String,
    pub offset: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct GoRegex {
    pattern: String,
    re: Regex,
    match_all: bool,
}

impl GoRegex {
    pub fn new(pattern: &str, dot_all: bool) -> Result<GoRegex, GoRegexError> {
        let anchored = if dot_all {
            format!("^(?s:{pattern})$")
        } else {
            format!("^(?:{pattern})$")
        };
        let re = Regex::new(&anchored).map_err(|e| GoRegexError {
            message: format!("error parsing regexp: {e}"),
            offset: None,
        })?;
        Ok(GoRegex {
            pattern: pattern.to_string(),
            re,
            match_all: dot_all && pattern == "(.*)",
        })
    }
    pub fn as_str(&self) -> &str {
        &self.pattern
    }
    pub fn is_match_all(&self) -> bool {
        self.match_all
    }
    pub fn is_match(&self, s: &str) -> bool {
        self.match_all || self.re.is_match(s)
    }
    pub fn captures<'h>(&self, s: &'h str) -> Option<regex::Captures<'h>> {
        self.re.captures(s)
    }
    pub fn expand(&self, template: &str, caps: &regex::Captures<'_>) -> String {
        let mut out = String::new();
        caps.expand(template, &mut out);
        out
    }
}

pub fn template_has_reference(template: &str) -> bool {
    template.contains('$')
}
