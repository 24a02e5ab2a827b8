//! `--targets` input: label maps, file_sd groups, a `/api/v1/targets`
//! response, or Kubernetes objects — detected from the content. Large
//! file_sd JSON takes a zero-copy path (`file_sd`); other JSON is read as
//! values (`json`), anything else as YAML (`yaml`).

mod file_sd;
mod json;
mod yaml;

use std::borrow::Cow;

use serde_json::Value;

use crate::diag::{Error, Result};
use crate::input::load_yaml;
use crate::k8s_sd::{discover_objects, KubeObject, SdConfig};
use crate::relabel::{to_pairs, Flavor, LabelPairs, Labels};
use crate::yaml::{Source, Span};

/// A group of targets sharing labels, as service discovery produces them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group<'a> {
    pub source: String,
    pub labels: GroupLabels<'a>,
    pub targets: Vec<LabelPairs<'a>>,
}

/// A group's own labels.
#[derive(Debug, Clone)]
pub enum GroupLabels<'a> {
    Pairs(LabelPairs<'a>),
    /// A file_sd JSON group, checked at load but kept as text and parsed
    /// by the worker that relabels its targets: 100k groups then never hold
    /// millions of label pairs at once, whose fresh memory costs more than
    /// parsing twice.
    FileSdJson {
        group: &'a str,
        file: &'a str,
    },
}

impl PartialEq for GroupLabels<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.pairs() == other.pairs()
    }
}

impl Default for GroupLabels<'_> {
    fn default() -> Self {
        GroupLabels::Pairs(Vec::new())
    }
}

impl<'a> GroupLabels<'a> {
    /// The labels as sorted, unique pairs.
    pub fn pairs(&self) -> Cow<'_, [(Cow<'a, str>, Cow<'a, str>)]> {
        match self {
            GroupLabels::Pairs(p) => Cow::Borrowed(p.as_slice()),
            GroupLabels::FileSdJson { group, file } => {
                Cow::Owned(file_sd::group_labels(group, file))
            }
        }
    }
}

#[derive(Debug)]
pub enum Targets<'a> {
    /// Label sets that every selected job sees (label maps, file_sd).
    Groups(Vec<Group<'a>>),
    /// Discovered labels per scrape pool, from Prometheus's targets API.
    Api(Vec<(String, Labels)>),
    /// Kubernetes objects (Lists flattened), with where each came from.
    Kubernetes(Vec<KubeObject>),
}

/// The groups `cfg` discovers from Kubernetes objects.
pub fn kubernetes_groups(objects: &[KubeObject], cfg: &SdConfig) -> Result<Vec<Group<'static>>> {
    Ok(discover_objects(objects, cfg)?
        .into_iter()
        .map(|g| Group {
            source: g.source,
            labels: GroupLabels::Pairs(to_pairs(g.labels)),
            targets: g.targets.into_iter().map(to_pairs).collect(),
        })
        .collect())
}

impl<'a> Targets<'a> {
    /// Combines the targets of several files; they must be of one kind.
    pub fn merge(all: Vec<Targets<'a>>) -> Result<Targets<'a>> {
        let mut iter = all.into_iter();
        let Some(mut acc) = iter.next() else {
            return Ok(Targets::Groups(Vec::new()));
        };
        for next in iter {
            acc = match (acc, next) {
                (Targets::Groups(mut a), Targets::Groups(b)) => {
                    a.extend(b);
                    Targets::Groups(a)
                }
                (Targets::Api(mut a), Targets::Api(b)) => {
                    a.extend(b);
                    Targets::Api(a)
                }
                (Targets::Kubernetes(mut a), Targets::Kubernetes(b)) => {
                    a.extend(b);
                    Targets::Kubernetes(a)
                }
                (a, b) => {
                    return Err(Error::plain(format!(
                        "--targets files must be of one kind, got {} and {}",
                        a.kind_name(),
                        b.kind_name()
                    )))
                }
            };
        }
        Ok(acc)
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Targets::Groups(_) => "label sets",
            Targets::Api(_) => "Prometheus targets API response",
            Targets::Kubernetes(..) => "Kubernetes objects",
        }
    }
}

/// Reads a targets file, detecting its format.
pub fn parse_targets(src: &Source, flavor: Flavor) -> Result<Targets<'_>> {
    let trimmed = src.text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        // JSON fast path: typed, zero-copy parses fail fast when the shape
        // differs.
        if let Some(groups) =
            file_sd::parse_parallel(&src.text).or_else(|| file_sd::parse_array(&src.text))
        {
            return file_sd::groups(src, groups, flavor);
        }
        if let Ok(maps) = serde_json::from_str::<Vec<file_sd::PairsDe<'_>>>(&src.text) {
            let maps = maps.into_iter().map(|m| m.0).collect();
            return json::label_maps(src, maps, flavor, Span::default());
        }
        if let Ok(value) = serde_json::from_str::<Value>(&src.text) {
            return json::from_value(src, value, flavor);
        }
    }
    let docs = load_yaml(src)?;
    if docs.is_empty() {
        return Err(Error::plain(format!(
            "{}: no targets in the file",
            src.name
        )));
    }
    yaml::from_docs(src, &docs, flavor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and describes the result (sources are leaked: tests only).
    fn parse(text: &str) -> Targets<'static> {
        let src: &'static Source = Box::leak(Box::new(Source::new("t", text)));
        parse_targets(src, Flavor::V3).unwrap()
    }

    #[test]
    fn detects_formats() {
        assert!(
            matches!(parse(r#"[{"targets":["a:1"],"labels":{"x":"y"}}]"#), Targets::Groups(g) if g[0].targets.len() == 1)
        );
        assert!(
            matches!(parse(r#"[{"__address__":"a:1"}]"#), Targets::Groups(g) if g[0].targets.len() == 1)
        );
        assert!(
            matches!(parse("- __address__: a:1\n  foo: 1\n"), Targets::Groups(g) if g[0].targets[0][1].1 == "1")
        );
        assert!(matches!(parse("- targets: [a:1]\n"), Targets::Groups(_)));
        assert!(
            matches!(parse("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n"), Targets::Kubernetes(o) if o.len() == 1)
        );
        assert!(matches!(
            parse(r#"{"status":"success","data":{"activeTargets":[{"discoveredLabels":{"__address__":"a"},"scrapePool":"j"}],"droppedTargets":[]}}"#),
            Targets::Api(t) if t[0].0 == "j"
        ));
    }

    #[test]
    fn file_sd_json_labels_are_parsed_when_used() {
        let Targets::Groups(g) = parse(
            r#"[{"targets":["a:1"],"labels":{"z":"1","__meta_filepath":"x","a\u0062":"2","z":"3"}}]"#,
        ) else {
            panic!("not groups");
        };
        let pairs = g[0].labels.pairs();
        let names: Vec<_> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(names, ["__meta_filepath=t", "ab=2", "z=3"]);
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(parse_targets(&Source::new("t", "- [1, 2]\n"), Flavor::V3).is_err());
        assert!(parse_targets(&Source::new("t", "- a: [1]\n"), Flavor::V3).is_err());
        assert!(parse_targets(&Source::new("t", "- a.b: x\n"), Flavor::V2).is_err());
    }
}
