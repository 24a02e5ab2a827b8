//! `# kdm-ignore: <rule>[,<rule>] <reason> [until=YYYY-MM-DD]` comments. A
//! comment after YAML on a line covers that line; a comment on a line of
//! its own covers the next line that is not a comment. Only real comments
//! count: the text inside a quoted or block scalar is data. A further ` #`
//! ends the directive (`# kdm-ignore: host-port reason # other note`).

use super::{Reason, DIRECTIVE};
use crate::lint::LintFile;
use crate::yaml::{Node, NodeKind, Span};

/// One `kdm-ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub file: usize,
    /// From `#` to the end of its line.
    pub span: Span,
    /// The 1-based line whose findings it suppresses.
    pub line: usize,
    /// The rule ids, as written.
    pub rules: Vec<String>,
    pub reason: Reason,
    /// `kdm-ignore` without the colon: not read as a directive.
    pub malformed: bool,
}

impl Directive {
    /// Why this comment suppresses nothing, if it does not: a message and
    /// its help.
    pub fn problem(&self, rule_ids: &[&str]) -> Option<(String, String)> {
        const FORM: &str =
            "write `# kdm-ignore: <rule>[,<rule>] <reason>` (optionally `until=YYYY-MM-DD`)";
        if self.malformed {
            return Some((
                "a kdm-ignore comment without a colon suppresses nothing".into(),
                FORM.into(),
            ));
        }
        if self.rules.is_empty() {
            return Some((
                "a kdm-ignore comment names no rule, so it suppresses nothing".into(),
                FORM.into(),
            ));
        }
        if let Some(unknown) = self.rules.iter().find(|r| !rule_ids.contains(&r.as_str())) {
            return Some((
                format!("kdm-ignore names {unknown:?}, which is no kdm rule, so the comment suppresses nothing"),
                crate::suggest::unknown_rule_help(unknown, rule_ids.iter().copied()),
            ));
        }
        if let Some(Err(e)) = &self.reason.until {
            return Some((
                format!("kdm-ignore's until= is invalid ({e}), so the comment suppresses nothing"),
                "write the last day the suppression holds as until=YYYY-MM-DD".into(),
            ));
        }
        if self.reason.text.is_empty() {
            return Some((
                "a kdm-ignore comment gives no reason, so it suppresses nothing".into(),
                "write why the finding does not apply here after the rule ids".into(),
            ));
        }
        None
    }
}

/// The `kdm-ignore` comments of file `index`.
pub fn directives(index: usize, file: &LintFile) -> Vec<Directive> {
    let text = file.source.text.as_str();
    if memchr::memmem::find(text.as_bytes(), DIRECTIVE.as_bytes()).is_none() {
        return Vec::new();
    }
    let lines: Vec<(usize, &str)> = file.source.lines().collect();
    let comment_only = |i: usize| {
        lines
            .get(i)
            .is_some_and(|(_, l)| l.trim_start().starts_with('#'))
    };
    let mut out = Vec::new();
    for (i, &(offset, line)) in lines.iter().enumerate() {
        let Some((hash, rest)) = directive_in(line) else {
            continue;
        };
        if inside_scalar(&file.docs, offset + hash) {
            continue;
        }
        let own_line = line[..hash].trim().is_empty();
        let mut target = i;
        if own_line {
            target += 1;
            while comment_only(target) {
                target += 1;
            }
        }
        let (malformed, body) = match rest.strip_prefix(':') {
            Some(body) => (false, body),
            None => (true, rest),
        };
        let body = body.find(" #").map_or(body, |end| &body[..end]);
        let (rules, reason) = split_rules(body);
        out.push(Directive {
            file: index,
            span: Span::new(offset + hash, offset + line.len()),
            line: target + 1,
            rules,
            reason: Reason::parse(reason),
            malformed,
        });
    }
    out
}

/// Where a `# kdm-ignore` comment starts in `line` (at the line's start or
/// after a space, as YAML comments do), and the text after `kdm-ignore`.
fn directive_in(line: &str) -> Option<(usize, &str)> {
    let mut from = 0;
    while let Some(found) = line[from..].find('#') {
        let hash = from + found;
        let starts_comment = hash == 0 || line[..hash].ends_with([' ', '\t']);
        let after = line[hash + 1..].trim_start_matches([' ', '\t']);
        if starts_comment {
            // The first comment on a line runs to its end.
            let rest = after.strip_prefix(DIRECTIVE)?;
            let ends_word = rest.is_empty() || rest.starts_with([':', ' ', '\t']);
            return ends_word.then_some((hash, rest));
        }
        from = hash + 1;
    }
    None
}

/// The rule ids (comma-separated, spaces allowed after a comma) and the
/// rest of a directive.
fn split_rules(body: &str) -> (Vec<String>, &str) {
    let mut rules = Vec::new();
    let mut rest = body.trim_start();
    loop {
        let end = rest.find([' ', '\t']).unwrap_or(rest.len());
        let (token, after) = rest.split_at(end);
        if token.is_empty() || token.starts_with("until=") {
            break;
        }
        rules.extend(
            token
                .split(',')
                .filter(|r| !r.is_empty())
                .map(str::to_string),
        );
        rest = after.trim_start();
        if !token.ends_with(',') {
            break;
        }
    }
    (rules, rest)
}

/// Whether byte `offset` lies inside a scalar (a quoted or block scalar
/// can hold `# kdm-ignore` as data).
fn inside_scalar(docs: &[Node], offset: usize) -> bool {
    let holds = |n: &Node| n.span.start <= offset && offset < n.span.end;
    let mut level: Vec<&Node> = docs.iter().filter(|n| holds(n)).collect();
    // Bounded by the tree's depth, which the loader limits.
    while let Some(node) = level.pop() {
        match &node.kind {
            NodeKind::Scalar { .. } => return true,
            NodeKind::Map(entries) => level.extend(
                entries
                    .iter()
                    .flat_map(|(k, v)| [k, v])
                    .filter(|n| holds(n)),
            ),
            NodeKind::Seq(items) => level.extend(items.iter().filter(|n| holds(n))),
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Source;

    fn parse(text: &str) -> Vec<Directive> {
        let source = Source::new("a.yaml", text);
        let docs = crate::input::load_yaml(&source).expect("valid YAML");
        directives(0, &LintFile::new(source, docs))
    }

    fn brief(d: &Directive) -> (usize, Vec<&str>, &str, bool) {
        (
            d.line,
            d.rules.iter().map(String::as_str).collect(),
            d.reason.text.as_str(),
            d.malformed,
        )
    }

    #[test]
    fn own_line_comments_cover_the_next_yaml_line_trailing_ones_their_own() {
        let found = parse(
            "spec:\n  # kdm-ignore: host-port the node's port 9100 is the agent's\n  # other notes\n  hostNetwork: true  # kdm-ignore: host-namespaces,privileged reads every interface\n",
        );
        let got: Vec<_> = found.iter().map(brief).collect();
        assert_eq!(
            got,
            vec![
                (
                    4,
                    vec!["host-port"],
                    "the node's port 9100 is the agent's",
                    false
                ),
                (
                    4,
                    vec!["host-namespaces", "privileged"],
                    "reads every interface",
                    false
                ),
            ]
        );
        assert_eq!(found[0].span, Span::new(8, 67));
    }

    #[test]
    fn rules_lists_expiry_and_malformed_comments() {
        let found = parse(
            "a: 1 # kdm-ignore: host-port, privileged until=2027-03-31 migrating\nb: 2 #kdm-ignore host-port x\nc: 3 # kdm-ignored: host-port\nd: 4 # kdm-ignore: # no rule\n",
        );
        let got: Vec<_> = found.iter().map(brief).collect();
        assert_eq!(
            got,
            vec![
                (1, vec!["host-port", "privileged"], "migrating", false),
                (2, vec!["host-port"], "x", true),
                (4, vec![], "", false),
            ]
        );
        assert_eq!(
            found[0].reason.until,
            Some(Ok(crate::lint::suppress::date::Date {
                year: 2027,
                month: 3,
                day: 31
            }))
        );
    }

    #[test]
    fn text_inside_scalars_is_not_a_comment() {
        let found = parse(
            "a: \"x # kdm-ignore: host-port quoted\"\nb: |\n  # kdm-ignore: host-port literal\nc: x#kdm-ignore:host-port\nd: 'y' # kdm-ignore: host-port real\n",
        );
        let got: Vec<_> = found.iter().map(|d| d.line).collect();
        assert_eq!(got, vec![5]);
    }

    #[test]
    fn problems_say_why_nothing_is_suppressed() {
        let ids = ["host-port", "privileged"];
        let problem = |text: &str| {
            parse(text)
                .first()
                .and_then(|d| d.problem(&ids))
                .map(|p| p.0)
        };
        assert_eq!(problem("a: 1 # kdm-ignore: host-port the reason\n"), None);
        assert_eq!(
            problem("a: 1 # kdm-ignore: host-prot the reason\n").as_deref(),
            Some("kdm-ignore names \"host-prot\", which is no kdm rule, so the comment suppresses nothing")
        );
        assert_eq!(
            problem("a: 1 # kdm-ignore: host-port\n").as_deref(),
            Some("a kdm-ignore comment gives no reason, so it suppresses nothing")
        );
        assert!(problem("a: 1 # kdm-ignore: host-port until=2027-02-30 x\n")
            .is_some_and(|p| p.contains("until= is invalid")));
        assert!(problem("a: 1 # kdm-ignore host-port x\n").is_some_and(|p| p.contains("colon")));
    }
}
