//! YAML written byte for byte as go-yaml v2 (`yaml.Marshal` of a
//! `yaml.MapSlice`) writes it: the configuration prometheus-operator generates
//! is compared with the operator's own golden files, so quoting, indentation
//! (sequences in mappings are not indented) and line folding at 80 columns
//! follow go-yaml's port of libyaml's emitter. serde-saphyr ([`super::to_yaml`])
//! writes valid YAML, but not these bytes.

use super::scalar::{resolve, Resolved};
use super::Style;

/// A value as go-yaml v2 marshals it; mappings keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum GoYaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<GoYaml>),
    Map(Vec<(String, GoYaml)>),
}

impl GoYaml {
    /// A YAML tree as go-yaml v2 decodes it into `interface{}` values (what
    /// the operator does with additional scrape configs): scalars resolved
    /// by its rules, mapping order kept. An integer above `i64::MAX` stays
    /// text.
    pub fn from_node(n: &super::Node) -> GoYaml {
        use super::Resolved;
        if let Some(items) = n.as_seq() {
            return GoYaml::Seq(items.iter().map(GoYaml::from_node).collect());
        }
        if let Some(entries) = n.as_map() {
            return GoYaml::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_string(), GoYaml::from_node(v)))
                    .collect(),
            );
        }
        match n.resolve() {
            Some(Resolved::Bool(b)) => GoYaml::Bool(b),
            Some(Resolved::Int(i)) => GoYaml::Int(i),
            Some(Resolved::Float(f)) => GoYaml::Float(f),
            Some(Resolved::Null) | None => GoYaml::Null,
            Some(Resolved::UInt(_) | Resolved::Str) => {
                GoYaml::Str(n.as_str().unwrap_or_default().to_string())
            }
        }
    }

    pub fn str(s: impl Into<String>) -> GoYaml {
        GoYaml::Str(s.into())
    }

    pub fn strs<S: AsRef<str>>(items: &[S]) -> GoYaml {
        GoYaml::Seq(items.iter().map(|s| GoYaml::str(s.as_ref())).collect())
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&GoYaml> {
        match self {
            GoYaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            GoYaml::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// libyaml's preferred line width: plain and quoted scalars fold at a space
/// once a line has passed it.
const BEST_WIDTH: usize = 80;

/// One document, as `yaml.Marshal` returns it.
pub fn to_go_yaml(value: &GoYaml) -> String {
    let mut w = Writer::default();
    match value {
        GoYaml::Map(entries) if !entries.is_empty() => w.map(entries, 0),
        GoYaml::Seq(items) if !items.is_empty() => w.seq(items, 0),
        scalar => {
            w.value_inline(scalar, 0);
            w.newline();
        }
    }
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Characters on the current line.
    column: usize,
}

impl Writer {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += s.chars().count();
    }

    fn push_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn indent_to(&mut self, indent: usize) {
        for _ in 0..indent {
            self.push_char(' ');
        }
    }

    /// Entries of a block mapping whose keys start at `indent`; the first
    /// key is written where the cursor is (after `- ` in a sequence).
    fn map(&mut self, entries: &[(String, GoYaml)], indent: usize) {
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                self.indent_to(indent);
            }
            self.scalar_str(key, indent, true);
            self.push_char(':');
            match value {
                GoYaml::Map(inner) if !inner.is_empty() => {
                    self.newline();
                    self.indent_to(indent + 2);
                    self.map(inner, indent + 2);
                }
                // go-yaml v2 writes a mapping's sequences without indenting them.
                GoYaml::Seq(items) if !items.is_empty() => {
                    self.newline();
                    self.indent_to(indent);
                    self.seq(items, indent);
                }
                scalar => {
                    self.push_char(' ');
                    self.value_inline(scalar, indent + 2);
                    self.newline();
                }
            }
        }
    }

    /// Items of a block sequence whose dashes start at `indent`; the first
    /// dash is written where the cursor is.
    fn seq(&mut self, items: &[GoYaml], indent: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.indent_to(indent);
            }
            self.push("- ");
            match item {
                GoYaml::Map(inner) if !inner.is_empty() => self.map(inner, indent + 2),
                GoYaml::Seq(inner) if !inner.is_empty() => self.seq(inner, indent + 2),
                scalar => {
                    self.value_inline(scalar, indent + 2);
                    self.newline();
                }
            }
        }
    }

    /// A scalar or an empty collection after `key: ` or `- `; `indent` is
    /// where folded and literal lines continue.
    fn value_inline(&mut self, value: &GoYaml, indent: usize) {
        match value {
            GoYaml::Null => self.push("null"),
            GoYaml::Bool(b) => self.push(if *b { "true" } else { "false" }),
            GoYaml::Int(i) => self.push(&i.to_string()),
            GoYaml::Float(f) => self.push(&go_float(*f)),
            GoYaml::Str(s) => self.scalar_str(s, indent, false),
            GoYaml::Seq(_) => self.push("[]"),
            GoYaml::Map(_) => self.push("{}"),
        }
    }

    fn scalar_str(&mut self, s: &str, indent: usize, simple_key: bool) {
        let analysis = Analysis::of(s);
        // go-yaml asks for plain style only when the text reads back as a
        // string; otherwise ("1024", "true", "", "12:30") double quotes.
        let wants_plain = resolves_to_str(s);
        let style = if s.contains('\n') {
            if simple_key || !analysis.block_allowed {
                Quoting::Double
            } else {
                Quoting::Literal
            }
        } else if !wants_plain {
            Quoting::Double
        } else if !analysis.block_plain_allowed || (s.is_empty() && simple_key) {
            if analysis.single_quoted_allowed {
                Quoting::Single
            } else {
                Quoting::Double
            }
        } else {
            Quoting::Plain
        };
        let allow_breaks = !simple_key;
        match style {
            Quoting::Plain => self.plain(s, indent, allow_breaks),
            Quoting::Single => self.single_quoted(s, indent, allow_breaks),
            Quoting::Double => self.double_quoted(s, indent, allow_breaks),
            Quoting::Literal => self.literal(s, indent),
        }
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.newline();
                    self.indent_to(indent);
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else {
                self.push_char(c);
                spaces = false;
            }
        }
    }

    fn single_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        self.push_char('\'');
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i + 1 != chars.len()
                    && !next_is_space
                {
                    self.newline();
                    self.indent_to(indent);
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.push_char('\'');
                }
                self.push_char(c);
                spaces = false;
            }
        }
        self.push_char('\'');
    }

    fn double_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        self.push_char('"');
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || c == '"' || c == '\\' || c == '\n' {
                self.push(&go_escape(c));
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i + 1 != chars.len()
                {
                    self.newline();
                    self.indent_to(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.push_char('\\');
                    }
                } else {
                    self.push_char(c);
                }
                spaces = true;
            } else {
                self.push_char(c);
                spaces = false;
            }
        }
        self.push_char('"');
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.push_char('|');
        if s.starts_with(' ') || s.starts_with('\n') {
            self.push("2");
        }
        if !s.ends_with('\n') {
            self.push_char('-');
        } else if s.len() == 1 || s.ends_with("\n\n") {
            self.push_char('+');
        }
        let body = s.strip_suffix('\n').unwrap_or(s);
        for line in body.split('\n') {
            self.newline();
            if !line.is_empty() {
                self.indent_to(indent);
                self.push(line);
            }
        }
    }
}

enum Quoting {
    Plain,
    Single,
    Double,
    Literal,
}

/// Whether go-yaml v2 reads `s`, written plain, back as a string (its
/// `resolve` plus the YAML 1.1 sexagesimal and timestamp forms it refuses).
fn resolves_to_str(s: &str) -> bool {
    !s.is_empty()
        && matches!(resolve(s, Style::Plain, None), Resolved::Str)
        && s != "<<"
        && !is_base60_float(s)
        && !is_timestamp(s)
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.trim_start_matches(['-', '+']).as_bytes();
    let mut i = 0;
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let digits = &b[start..i];
        let ok = match digits {
            [d] => d.is_ascii_digit(),
            [a, _] => (b'0'..=b'5').contains(a),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2 reads `2006-1-2`, optionally followed by a time, as a
/// timestamp.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, min: usize, max: usize| -> Option<usize> {
        let n = b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (min..=max).contains(&n).then_some(from + n)
    };
    let Some(i) = digits(0, 4, 4) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    let Some(i) = digits(i + 1, 1, 2) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    let Some(i) = digits(i + 1, 1, 2) else {
        return false;
    };
    i == b.len() || matches!(b[i], b'T' | b't' | b' ')
}

/// libyaml's scalar analysis, for block context.
struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(s: &str) -> Analysis {
        if s.is_empty() {
            return Analysis {
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }
        let chars: Vec<char> = s.chars().collect();
        let blankz = |c: Option<&char>| matches!(c, None | Some(' ' | '\t' | '\n' | '\r'));
        let mut block_indicators = s.starts_with("---") || s.starts_with("...");
        let (mut leading_space, mut leading_break) = (false, false);
        let (mut trailing_space, mut trailing_break) = (false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut previous_space, mut previous_break) = (false, false);
        let (mut line_breaks, mut special) = (false, false);
        let mut preceded_by_whitespace = true;
        for (i, &c) in chars.iter().enumerate() {
            let followed_by_whitespace = blankz(chars.get(i + 1));
            let first = i == 0;
            let last = i + 1 == chars.len();
            if first {
                if "#,[]{}&*!|>'\"%@`".contains(c) {
                    block_indicators = true;
                }
                if (c == '?' || c == ':' || c == '-') && followed_by_whitespace {
                    block_indicators = true;
                }
            } else {
                if c == ':' && followed_by_whitespace {
                    block_indicators = true;
                }
                if c == '#' && preceded_by_whitespace {
                    block_indicators = true;
                }
            }
            if !is_printable(c) {
                special = true;
            }
            let is_break = matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
            if is_break {
                line_breaks = true;
            }
            if c == ' ' {
                leading_space |= first;
                trailing_space |= last;
                break_space |= previous_break;
                previous_space = true;
                previous_break = false;
            } else if is_break {
                leading_break |= first;
                trailing_break |= last;
                space_break |= previous_space;
                previous_break = true;
                previous_space = false;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = blankz(Some(&c));
        }
        let mut a = Analysis {
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if leading_space || leading_break || trailing_space || trailing_break {
            a.block_plain_allowed = false;
        }
        if trailing_space {
            a.block_allowed = false;
        }
        if break_space {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
        }
        if space_break || special {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
            a.block_allowed = false;
        }
        if line_breaks || block_indicators {
            a.block_plain_allowed = false;
        }
        a
    }
}

fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

/// libyaml's double-quoted escapes.
fn go_escape(c: char) -> String {
    match c {
        '\0' => "\\0".into(),
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        '\u{b}' => "\\v".into(),
        '\u{c}' => "\\f".into(),
        '\r' => "\\r".into(),
        '\u{1b}' => "\\e".into(),
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\u{85}' => "\\N".into(),
        '\u{a0}' => "\\_".into(),
        '\u{2028}' => "\\L".into(),
        '\u{2029}' => "\\P".into(),
        c if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
        c if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
        c => format!("\\U{:08X}", c as u32),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` as go-yaml v2 writes it.
fn go_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Shortest round-trip digits and the decimal exponent.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    // Go uses the exponent form below 1e-4 and, for the shortest
    // precision, from 1e6 on.
    if !(-4..6).contains(&exp) {
        let (head, tail) = digits.split_at(1);
        let frac = if tail.is_empty() {
            String::new()
        } else {
            format!(".{tail}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{head}{frac}e{esign}{:02}", exp.abs());
    }
    let dp = exp + 1;
    let s = if dp <= 0 {
        format!("0.{}{}", "0".repeat((-dp) as usize), digits)
    } else if dp as usize >= digits.len() {
        format!("{}{}", digits, "0".repeat(dp as usize - digits.len()))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    };
    format!("{sign}{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, GoYaml)>) -> GoYaml {
        GoYaml::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    #[test]
    fn block_layout_as_go_yaml_v2() {
        let doc = map(vec![
            ("job_name", GoYaml::str("serviceMonitor/default/a/0")),
            ("honor_labels", GoYaml::Bool(false)),
            (
                "kubernetes_sd_configs",
                GoYaml::Seq(vec![map(vec![
                    ("role", GoYaml::str("endpoints")),
                    (
                        "namespaces",
                        map(vec![("names", GoYaml::strs(&["default"]))]),
                    ),
                ])]),
            ),
            ("modulus", GoYaml::Int(1)),
            ("empty", GoYaml::Seq(vec![])),
            ("nested", GoYaml::Seq(vec![GoYaml::strs(&["a", "b"])])),
        ]);
        assert_eq!(
            to_go_yaml(&doc),
            "job_name: serviceMonitor/default/a/0\nhonor_labels: false\nkubernetes_sd_configs:\n- role: endpoints\n  namespaces:\n    names:\n    - default\nmodulus: 1\nempty: []\nnested:\n- - a\n  - b\n"
        );
    }

    #[test]
    fn quoting_as_go_yaml_v2() {
        let cases = [
            ("1024", "\"1024\""),
            ("", "\"\""),
            ("true", "\"true\""),
            ("on", "\"on\""),
            ("12:30", "\"12:30\""),
            ("2001-12-14", "\"2001-12-14\""),
            (",", "','"),
            ("{job=\"prometheus\"}", "'{job=\"prometheus\"}'"),
            (
                "Service.Meta.env == \"prod\"",
                "Service.Meta.env == \"prod\"",
            ),
            ("(.+);true", "(.+);true"),
            ("$(SHARD);|.+;.+", "$(SHARD);|.+;.+"),
            ("${1}", "${1}"),
            ("a: b", "'a: b'"),
            (" lead", "' lead'"),
            ("it's", "it's"),
            ("- x", "'- x'"),
            ("tab\there", "\"tab\\there\""),
            ("*", "'*'"),
            ("1.5", "\"1.5\""),
            ("30s", "30s"),
        ];
        for (input, want) in cases {
            let got = to_go_yaml(&map(vec![("k", GoYaml::str(input))]));
            assert_eq!(got, format!("k: {want}\n"), "{input:?}");
        }
    }

    #[test]
    fn long_plain_strings_fold_at_eighty_columns() {
        let words = "word ".repeat(30);
        let got = to_go_yaml(&map(vec![("key", GoYaml::str(words.trim_end()))]));
        let lines: Vec<&str> = got.lines().collect();
        assert!(lines.len() > 1, "{got}");
        assert!(lines[1].starts_with("  word"), "{got}");
        // Folded lines read back as the same string.
        let src = crate::yaml::Source::new("t", got.clone());
        let docs = crate::input::load_yaml(&src).unwrap();
        assert_eq!(docs[0].to_json()["key"], words.trim_end());
    }

    #[test]
    fn floats_as_go_formats_them() {
        for (f, want) in [
            (1.1, "1.1"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (2.0, "2"),
            (-0.5, "-0.5"),
        ] {
            assert_eq!(go_float(f), want, "{f}");
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let got = to_go_yaml(&map(vec![("k", GoYaml::str("a\nb\n"))]));
        assert_eq!(got, "k: |\n  a\n  b\n");
        let got = to_go_yaml(&map(vec![("k", GoYaml::str("a\nb"))]));
        assert_eq!(got, "k: |-\n  a\n  b\n");
    }
}
