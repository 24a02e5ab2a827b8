//! `--target SELECTOR`: which discovered targets the report shows. A
//! selector is PromQL-like matchers over the discovered labels
//! (`pod=web-0,__meta_kubernetes_namespace=~team-.*`, braces and quotes
//! optional); repeating the flag shows targets that match any of them.
//! Short names stand for the discovery labels users think in (`pod`,
//! `namespace`, `node`, ...) when the target has no label of that name.

use crate::diag::{Error, Result};
use crate::relabel::goregex::GoRegex;
use crate::yaml::{Source, Span};

/// Short names and the discovered labels they stand for, the first present
/// one used (a pod's node is `pod_node_name`, a node's `node_name`).
const SHORT_NAMES: &[(&str, &[&str])] = &[
    ("namespace", &["__meta_kubernetes_namespace"]),
    ("pod", &["__meta_kubernetes_pod_name"]),
    ("container", &["__meta_kubernetes_pod_container_name"]),
    (
        "node",
        &[
            "__meta_kubernetes_node_name",
            "__meta_kubernetes_pod_node_name",
            "__meta_kubernetes_endpoint_node_name",
            "__meta_kubernetes_endpointslice_endpoint_node_name",
        ],
    ),
    ("service", &["__meta_kubernetes_service_name"]),
    ("ingress", &["__meta_kubernetes_ingress_name"]),
    ("address", &["__address__"]),
];

#[derive(Debug, Clone)]
enum Op {
    Equal(String),
    NotEqual(String),
    Matches(GoRegex),
    NotMatches(GoRegex),
}

#[derive(Debug, Clone)]
struct Matcher {
    name: String,
    op: Op,
}

/// Every `--target` given: a target is shown when any selector matches.
#[derive(Debug, Clone, Default)]
pub struct TargetFilter {
    selectors: Vec<Vec<Matcher>>,
}

impl TargetFilter {
    /// Parses each `--target` argument; errors point into the argument.
    pub fn parse(args: &[String]) -> Result<TargetFilter> {
        let selectors = args
            .iter()
            .map(|a| parse_selector(a))
            .collect::<Result<Vec<_>>>()?;
        Ok(TargetFilter { selectors })
    }

    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }

    /// Whether a target whose discovered labels `get` looks up is shown.
    pub fn matches<'l>(&self, get: impl Fn(&str) -> Option<&'l str>) -> bool {
        self.selectors.is_empty()
            || self
                .selectors
                .iter()
                .any(|sel| sel.iter().all(|m| m.matches(&get)))
    }
}

impl Matcher {
    fn matches<'l>(&self, get: &impl Fn(&str) -> Option<&'l str>) -> bool {
        let value = get(&self.name)
            .or_else(|| {
                SHORT_NAMES
                    .iter()
                    .find(|(short, _)| *short == self.name)
                    .and_then(|(_, long)| long.iter().find_map(|l| get(l)))
            })
            .unwrap_or("");
        match &self.op {
            Op::Equal(v) => value == v,
            Op::NotEqual(v) => value != v,
            Op::Matches(re) => re.is_match(value),
            Op::NotMatches(re) => !re.is_match(value),
        }
    }
}

fn parse_selector(arg: &str) -> Result<Vec<Matcher>> {
    let src = Source::new("--target", arg.to_string());
    let err = |start: usize, end: usize, msg: String, label: &str| {
        Error::at(&src, Span { start, end }, msg, label).with_help(
            "a selector is matchers separated by commas: name=value, name!=value, \
             name=~regex, name!~regex (e.g. pod=web-0,namespace=~team-.*)",
        )
    };
    let mut body = (0, arg.len());
    let trimmed = arg.trim();
    if trimmed.starts_with('{') && trimmed.ends_with('}') && trimmed.len() >= 2 {
        let open = arg.find('{').unwrap_or(0);
        let close = arg.rfind('}').unwrap_or(arg.len());
        body = (open + 1, close);
    }
    let mut matchers = Vec::new();
    let mut pos = body.0;
    while pos < body.1 {
        let rest = &arg[pos..body.1];
        let name_len = rest.find(['=', '!']).unwrap_or(rest.len());
        let name = rest[..name_len].trim();
        let name_start = pos + (rest.len() - rest.trim_start().len());
        if name.is_empty() {
            return Err(err(
                pos,
                (pos + 1).min(arg.len()),
                "a matcher needs a label name".into(),
                "no name",
            ));
        }
        let op_start = pos + name_len;
        let ops = ["=~", "!~", "!=", "="];
        let Some(op) = ops.iter().find(|o| arg[op_start..].starts_with(**o)) else {
            return Err(err(
                name_start,
                name_start + name.len(),
                format!("matcher {name:?} has no operator"),
                "expected =, !=, =~ or !~ after this",
            ));
        };
        let value_start = op_start + op.len();
        let (value, value_end, next) = read_value(arg, value_start, body.1)
            .map_err(|(at, msg)| err(at, (at + 1).min(arg.len()), msg, "here"))?;
        let compile = |v: &str| {
            GoRegex::new(v, true).map_err(|e| {
                err(
                    value_start,
                    value_end.max(value_start + 1).min(arg.len()),
                    format!("invalid regex {v:?}: {e}"),
                    "invalid regex",
                )
            })
        };
        let op = match *op {
            "=" => Op::Equal(value),
            "!=" => Op::NotEqual(value),
            "=~" => Op::Matches(compile(&value)?),
            _ => Op::NotMatches(compile(&value)?),
        };
        matchers.push(Matcher {
            name: name.trim_matches('"').to_string(),
            op,
        });
        pos = next;
    }
    if matchers.is_empty() {
        return Err(err(0, arg.len(), "empty --target selector".into(), "empty"));
    }
    Ok(matchers)
}

/// A matcher's value from `start`: quoted (`"a,b"`, with `\"` and `\\`)
/// or up to the next comma. Returns the value, where it ends, and where
/// the next matcher starts.
fn read_value(
    arg: &str,
    start: usize,
    end: usize,
) -> std::result::Result<(String, usize, usize), (usize, String)> {
    let rest = &arg[start..end];
    let lead = rest.len() - rest.trim_start().len();
    let rest_trimmed = rest.trim_start();
    if let Some(quoted) = rest_trimmed.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        value.push(n);
                    }
                }
                '"' => {
                    let after = start + lead + 1 + i + 1;
                    let tail = &arg[after..end];
                    let tail_trim = tail.trim_start();
                    return match tail_trim.strip_prefix(',') {
                        Some(_) => Ok((value, after, end - tail_trim.len() + 1)),
                        None if tail_trim.is_empty() => Ok((value, after, end)),
                        None => Err((after, "expected a comma after the quoted value".into())),
                    };
                }
                _ => value.push(c),
            }
        }
        return Err((start + lead, "unterminated quoted value".into()));
    }
    match rest.find(',') {
        Some(comma) => Ok((
            rest[..comma].trim().to_string(),
            start + comma,
            start + comma + 1,
        )),
        None => Ok((rest.trim().to_string(), end, end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(args: &[&str], labels: &[(&str, &str)]) -> bool {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let f = TargetFilter::parse(&args).expect("selector");
        f.matches(|n| labels.iter().find(|(k, _)| *k == n).map(|(_, v)| *v))
    }

    #[test]
    fn matchers_are_anded_and_selectors_ored() {
        let pod = [
            ("__meta_kubernetes_pod_name", "web-0"),
            ("__meta_kubernetes_namespace", "team-a"),
            ("__meta_kubernetes_pod_node_name", "n1"),
        ];
        assert!(shown(&["pod=web-0"], &pod));
        assert!(shown(
            &["pod=web-0,__meta_kubernetes_namespace=~team-.*"],
            &pod
        ));
        assert!(!shown(&["pod=web-0,namespace=team-b"], &pod));
        assert!(shown(&["pod=web-1", "namespace!=x"], &pod));
        assert!(shown(&["{node=\"n1\", pod!~\"db-.*\"}"], &pod));
        // Anchored as in PromQL and relabeling.
        assert!(!shown(&["pod=~web"], &pod));
        // A missing label is the empty value.
        assert!(shown(&["container="], &pod));
        assert!(shown(&["x=\"a,b\"", "pod=web-0"], &pod));
        assert!(shown(&["x=\"a,b\""], &[("x", "a,b")]));
    }

    #[test]
    fn a_label_of_that_name_wins_over_the_short_name() {
        let t = [("pod", "x"), ("__meta_kubernetes_pod_name", "y")];
        assert!(shown(&["pod=x"], &t));
        assert!(!shown(&["pod=y"], &t));
    }

    #[test]
    fn bad_selectors_point_into_the_argument() {
        let e = TargetFilter::parse(&["pod=web,ns~x".into()]).unwrap_err();
        assert!(e.message().contains("no operator"), "{}", e.message());
        assert_eq!(e.location().as_deref(), Some("--target:1:9"));
        let e = TargetFilter::parse(&["pod=~(".into()]).unwrap_err();
        assert!(e.message().contains("invalid regex"), "{}", e.message());
        assert_eq!(e.location().as_deref(), Some("--target:1:6"));
        assert!(TargetFilter::parse(&["".into()]).is_err());
        assert!(TargetFilter::parse(&["=x".into()]).is_err());
        assert!(TargetFilter::parse(&["a=\"x".into()]).is_err());
    }
}
