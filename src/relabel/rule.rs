use crate::decode::{Decoder, Dialect};
use crate::diag::{Error, Result};
use crate::suggest;
use crate::yaml::{Node, Resolved, Source, Span};

use super::goregex::GoRegex;
use super::{is_legacy_label_name, Flavor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Replace,
    Keep,
    Drop,
    KeepEqual,
    DropEqual,
    HashMod,
    LabelMap,
    LabelDrop,
    LabelKeep,
    Lowercase,
    Uppercase,
}

impl Action {
    /// Every action, in the order Prometheus documents them.
    pub const ALL: [Action; 11] = [
        Action::Replace,
        Action::Keep,
        Action::Drop,
        Action::KeepEqual,
        Action::DropEqual,
        Action::HashMod,
        Action::LabelMap,
        Action::LabelDrop,
        Action::LabelKeep,
        Action::Lowercase,
        Action::Uppercase,
    ];

    /// Prometheus reads action names in any case.
    pub fn parse(s: &str) -> Option<Action> {
        let s = s.to_lowercase();
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Replace => "replace",
            Action::Keep => "keep",
            Action::Drop => "drop",
            Action::KeepEqual => "keepequal",
            Action::DropEqual => "dropequal",
            Action::HashMod => "hashmod",
            Action::LabelMap => "labelmap",
            Action::LabelDrop => "labeldrop",
            Action::LabelKeep => "labelkeep",
            Action::Lowercase => "lowercase",
            Action::Uppercase => "uppercase",
        }
    }
}

/// Label-name validation scheme (`metric_name_validation_scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameScheme {
    Utf8,
    Legacy,
}

impl NameScheme {
    pub fn is_valid_label_name(&self, s: &str) -> bool {
        match self {
            NameScheme::Utf8 => !s.is_empty(),
            NameScheme::Legacy => is_legacy_label_name(s),
        }
    }
}

/// Where rules come from and which Prometheus to imitate.
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    pub source: &'a Source,
    pub flavor: Flavor,
    pub scheme: NameScheme,
    /// `true` for `metric_relabel_configs` (changes one error text).
    pub metric: bool,
    /// The document the rules are in, so errors name their place in it.
    pub root: Option<&'a Node>,
}

impl<'a> RuleContext<'a> {
    /// Prometheus reads relabel rules with Go's strict decoding.
    fn decoder(&self) -> Decoder<'a> {
        Decoder::new(self.source, Dialect::Go).within(self.root)
    }
}

/// One validated relabel rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub index: usize,
    /// The rule's mapping in the config file.
    pub span: Span,
    pub line: usize,
    /// Where the rule was written when the config was generated (its
    /// `line` is then that place's line).
    pub origin: Option<std::sync::Arc<super::Origin>>,
    pub source_labels: Vec<String>,
    pub separator: String,
    pub regex: GoRegex,
    /// `regex` key absent: Prometheus compares the default regex by identity.
    pub regex_is_default: bool,
    pub modulus: u64,
    pub target_label: String,
    pub replacement: String,
    pub action: Action,
    pub scheme: NameScheme,
}

impl Rule {
    /// `line N`, or where a generated rule was written.
    pub fn place(&self) -> String {
        super::place(self.line, self.origin.as_deref())
    }
}

const RULE_FIELDS: [&str; 7] = [
    "source_labels",
    "separator",
    "regex",
    "modulus",
    "target_label",
    "replacement",
    "action",
];

fn string_field(ctx: &RuleContext<'_>, value: &Node, go_type: &str) -> Result<String> {
    ctx.decoder().string(value, go_type)
}

/// Parses and validates a `relabel_configs` / `metric_relabel_configs` list,
/// rejecting exactly what Prometheus rejects when it loads the config.
pub fn parse_rules(list: &Node, ctx: &RuleContext<'_>) -> Result<Vec<Rule>> {
    let (rules, errors) = parse_rules_each(list, ctx);
    match Error::join(errors) {
        Some(e) => Err(e),
        None => Ok(rules),
    }
}

/// [`parse_rules`], judging every rule on its own so that one invalid rule
/// does not hide the next: the valid rules, and an error per invalid one.
pub fn parse_rules_each(list: &Node, ctx: &RuleContext<'_>) -> (Vec<Rule>, Vec<Error>) {
    if list.is_null() {
        return (Vec::new(), Vec::new());
    }
    let Some(items) = list.as_seq() else {
        let e = ctx.decoder().mismatch(
            list,
            "[]*relabel.Config",
            "expected a list of relabel rules",
        );
        return (Vec::new(), vec![e]);
    };
    let mut rules = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match parse_rule(i, item, ctx) {
            Ok(r) => rules.push(r),
            Err(e) => errors.push(e),
        }
    }
    (rules, errors)
}

fn parse_rule(index: usize, node: &Node, ctx: &RuleContext<'_>) -> Result<Rule> {
    let src = ctx.source;
    if node.is_null() {
        let what = if ctx.metric { "metric" } else { "target" };
        return Err(Error::at(
            src,
            node.span,
            format!("empty or null {what} relabeling rule in scrape config"),
            "empty rule",
        ));
    }
    let entries = ctx.decoder().map(node, "relabel.plain")?;
    let mut rule = Rule {
        index,
        span: node.span,
        line: src.line_col(node.span.start).0,
        origin: None,
        source_labels: Vec::new(),
        separator: ";".into(),
        regex: compile(ctx, "(.*)", node.span)?,
        regex_is_default: true,
        modulus: 0,
        target_label: String::new(),
        replacement: "$1".into(),
        action: Action::Replace,
        scheme: ctx.scheme,
    };
    let mut source_labels_set = false;
    let mut action_seen: Option<(bool, Span)> = None;
    for (key, value) in entries {
        let name = key.as_str().unwrap_or("");
        match name {
            "source_labels" => {
                if value.is_null() {
                    continue;
                }
                let Some(items) = value.as_seq() else {
                    return Err(ctx.decoder().mismatch(
                        value,
                        "model.LabelNames",
                        "expected a list of label names",
                    ));
                };
                source_labels_set = true;
                for item in items {
                    let label = string_field(ctx, item, "model.LabelName")?;
                    if !ctx.flavor.label_scheme().is_valid_label_name(&label) {
                        return Err(Error::at(
                            src,
                            item.span,
                            format!("{label:?} is not a valid label name"),
                            "invalid label name",
                        ));
                    }
                    rule.source_labels.push(label);
                }
            }
            "separator" => rule.separator = string_field(ctx, value, "string")?,
            "regex" => {
                let pattern = string_field(ctx, value, "string")?;
                rule.regex = compile(ctx, &pattern, value.span)?;
                rule.regex_is_default = false;
            }
            "modulus" => {
                rule.modulus = match value.resolve() {
                    Some(Resolved::Null) => 0,
                    Some(Resolved::Int(i)) if i >= 0 => i as u64,
                    Some(Resolved::UInt(u)) => u,
                    Some(Resolved::Float(f)) => match go_float_to_u64(f) {
                        Some(m) => m,
                        None => {
                            return Err(Error::at(
                                src,
                                value.span,
                                format!(
                                    "cannot unmarshal !!float `{}` into uint64",
                                    value.key_string()
                                ),
                                "expected a non-negative integer",
                            ))
                        }
                    },
                    _ => {
                        return Err(ctx.decoder().mismatch(
                            value,
                            "uint64",
                            "expected a non-negative integer",
                        ))
                    }
                }
            }
            "target_label" => rule.target_label = string_field(ctx, value, "string")?,
            "replacement" => rule.replacement = string_field(ctx, value, "string")?,
            "action" => {
                let text = string_field(ctx, value, "string")?;
                if value.is_null() {
                    action_seen = Some((true, value.span));
                    continue;
                }
                match Action::parse(&text) {
                    Some(a) => {
                        rule.action = a;
                        action_seen = Some((false, value.span));
                    }
                    None => {
                        let names = Action::ALL.map(|a| a.as_str());
                        let list = format!("valid actions: {}", names.join(", "));
                        let help = match suggest::closest(&text.to_lowercase(), names) {
                            Some(a) => format!("{} {list}", suggest::did_you_mean(a)),
                            None => list,
                        };
                        return Err(Error::at(
                            src,
                            value.span,
                            format!("unknown relabel action {text:?}"),
                            "unknown action",
                        )
                        .with_help(help));
                    }
                }
            }
            _ => {
                return Err(ctx
                    .decoder()
                    .unknown_field(key, "relabel.plain", &RULE_FIELDS))
            }
        }
    }
    validate(&rule, node, source_labels_set, action_seen, ctx)?;
    Ok(rule)
}

/// How Go's YAML decoder stores a float in a uint64 field: truncated, with
/// amd64's result for 2^64 (which rounds from `18446744073709551615`+1).
fn go_float_to_u64(f: f64) -> Option<u64> {
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    if !(0.0..=TWO_64).contains(&f) {
        return None;
    }
    if f == TWO_64 {
        return Some(1 << 63);
    }
    Some(f as u64)
}

fn compile(ctx: &RuleContext<'_>, pattern: &str, span: Span) -> Result<GoRegex> {
    GoRegex::new(pattern, ctx.flavor == Flavor::V3).map_err(|e| {
        let at = match (e.offset, span.len() >= pattern.len()) {
            // Point inside the scalar when it is written plainly enough to map offsets.
            (Some(off), true) if ctx.source.text.get(span.start..span.end) == Some(pattern) => {
                Span::new(span.start + off, (span.start + off + 1).min(span.end))
            }
            _ => span,
        };
        Error::at(ctx.source, at, e.message, "invalid regular expression")
    })
}

/// `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`: the legacy shape of a
/// templated target label.
fn is_legacy_target_template(s: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^(?:(?:[a-zA-Z_]|\$(?:\{[0-9A-Za-z_]+\}|[0-9A-Za-z_]+))+[0-9A-Za-z_]*)+$",
        )
        .expect("static regex")
    })
    .is_match(s)
}

fn validate(
    rule: &Rule,
    node: &Node,
    source_labels_set: bool,
    action_seen: Option<(bool, Span)>,
    ctx: &RuleContext<'_>,
) -> Result<()> {
    let src = ctx.source;
    let field_span = |k: &str| node.get(k).map(|v| v.span).unwrap_or(node.span);
    let fail = |span: Span, msg: String| Err(Error::at(src, span, msg, "rejected by Prometheus"));
    let a = rule.action;
    let an = a.as_str();
    use Action::*;
    if let Some((true, span)) = action_seen {
        return fail(span, "relabel action cannot be empty".into());
    }
    if a == HashMod && rule.modulus == 0 {
        return fail(
            field_span("modulus"),
            "relabel configuration for hashmod requires non-zero modulus".into(),
        );
    }
    let needs_target = matches!(
        a,
        Replace | HashMod | Lowercase | Uppercase | KeepEqual | DropEqual
    );
    if needs_target && rule.target_label.is_empty() {
        return fail(
            field_span("target_label"),
            format!("relabel configuration for {an} action requires 'target_label' value"),
        );
    }
    let t = &rule.target_label;
    let bad_target = || format!("{t:?} is invalid 'target_label' for {an} action");
    let tspan = field_span("target_label");
    match ctx.flavor {
        Flavor::V3 => {
            let template_ok = |v: &str| match rule.scheme {
                NameScheme::Utf8 => rule.scheme.is_valid_label_name(v),
                NameScheme::Legacy => is_legacy_target_template(v),
            };
            if a == Replace && !t.contains('$') && !rule.scheme.is_valid_label_name(t) {
                return fail(tspan, bad_target());
            }
            if a == Replace && t.contains('$') && !template_ok(t) {
                return fail(tspan, bad_target());
            }
            if matches!(a, Lowercase | Uppercase | KeepEqual | DropEqual)
                && !rule.scheme.is_valid_label_name(t)
            {
                return fail(tspan, bad_target());
            }
            if matches!(a, Lowercase | Uppercase | KeepEqual | DropEqual)
                && rule.replacement != "$1"
            {
                return fail(
                    field_span("replacement"),
                    format!("'replacement' can not be set for {an} action"),
                );
            }
            if a == LabelMap && !template_ok(&rule.replacement) {
                return fail(
                    field_span("replacement"),
                    format!(
                        "{:?} is invalid 'replacement' for {an} action",
                        rule.replacement
                    ),
                );
            }
        }
        Flavor::V2 => {
            if matches!(a, Replace | Lowercase | Uppercase | KeepEqual | DropEqual)
                && !is_legacy_target_template(t)
            {
                return fail(tspan, bad_target());
            }
            if matches!(a, Lowercase | Uppercase | KeepEqual | DropEqual)
                && rule.replacement != "$1"
            {
                return fail(
                    field_span("replacement"),
                    format!("'replacement' can not be set for {an} action"),
                );
            }
            if a == LabelMap && !is_legacy_target_template(&rule.replacement) {
                return fail(
                    field_span("replacement"),
                    format!(
                        "{:?} is invalid 'replacement' for {an} action",
                        rule.replacement
                    ),
                );
            }
        }
    }
    if a == HashMod && !rule.scheme.is_valid_label_name(t) {
        return fail(tspan, bad_target());
    }
    if matches!(a, DropEqual | KeepEqual)
        && (!rule.regex_is_default
            || rule.modulus != 0
            || rule.separator != ";"
            || rule.replacement != "$1")
    {
        return fail(
            node.span,
            format!(
                "{an} action requires only 'source_labels' and `target_label`, and no other fields"
            ),
        );
    }
    if matches!(a, LabelDrop | LabelKeep)
        && (source_labels_set
            || !rule.target_label.is_empty()
            || rule.modulus != 0
            || rule.separator != ";"
            || rule.replacement != "$1")
    {
        return fail(
            node.span,
            format!("{an} action requires only 'regex', and no other fields"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{load_stream, Limits};

    fn parse(text: &str) -> Result<Vec<Rule>> {
        let source = Source::new("r.yml", text);
        let docs = load_stream(&source, Limits::default()).expect("yaml");
        let flavor = Flavor::V3;
        parse_rules(
            &docs[0],
            &RuleContext {
                source: &source,
                flavor,
                scheme: flavor.label_scheme(),
                metric: false,
                root: Some(&docs[0]),
            },
        )
    }

    fn help(e: &Error) -> Option<String> {
        miette::Diagnostic::help(e).map(|h| h.to_string())
    }

    #[test]
    fn actions_are_read_in_any_case_and_typos_get_the_closest() {
        assert_eq!(Action::parse("LabelMap"), Some(Action::LabelMap));
        assert!(Action::ALL
            .iter()
            .all(|a| Action::parse(a.as_str()) == Some(*a)));
        let e = parse("- action: keepif\n  source_labels: [a]\n").unwrap_err();
        assert_eq!(e.message(), "unknown relabel action \"keepif\"");
        assert_eq!(e.location().as_deref(), Some("r.yml:1:11"));
        assert!(help(&e)
            .is_some_and(|h| h.starts_with("did you mean `keep`? valid actions: replace, keep,")));
        let e = parse("- action: scramble\n").unwrap_err();
        assert!(help(&e).is_some_and(|h| h.starts_with("valid actions: ")));
    }

    #[test]
    fn fields_and_types_are_decoded_as_prometheus_does() {
        let e = parse("- source_label: [a]\n").unwrap_err();
        // Places in the document, not Go's types.
        assert_eq!(e.message(), "field source_label not found in entry [0]");
        assert_eq!(help(&e).as_deref(), Some("did you mean `source_labels`?"));
        let e = parse("- source_labels: a\n").unwrap_err();
        assert_eq!(
            e.message(),
            "cannot unmarshal !!str `a` into entry [0].source_labels"
        );
        let e = parse("- action: labelkeep\n- regex: {a: b}\n").unwrap_err();
        assert_eq!(e.message(), "cannot unmarshal !!map into entry [1].regex");
        let e = parse("- modulus: [1]\n  action: hashmod\n").unwrap_err();
        assert_eq!(e.message(), "cannot unmarshal !!seq into entry [0].modulus");
        let e = parse("action: keep\n").unwrap_err();
        assert_eq!(e.message(), "cannot unmarshal !!map into the top level");
    }
}
