//! file_sd JSON on the fast path: typed, zero-copy parses (on all cores
//! for large files) that keep each group's labels as text until a worker
//! needs them.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::{Group, GroupLabels, Targets};
use crate::diag::{Error, Result};
use crate::relabel::{sort_pairs, Flavor, LabelPairs};
use crate::yaml::{Source, Span};

/// A JSON string, borrowed from the input unless it has escapes.
#[derive(Deserialize)]
struct BStr<'a>(#[serde(borrow)] Cow<'a, str>);

/// A JSON object of label names to string values, as sorted pairs.
pub(super) struct PairsDe<'a>(pub(super) LabelPairs<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for PairsDe<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = PairsDe<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of label names to string values")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Self::Value, M::Error> {
                let mut pairs = Vec::with_capacity(m.size_hint().unwrap_or(16));
                while let Some((k, v)) = m.next_entry::<BStr<'de>, BStr<'de>>()? {
                    pairs.push((k.0, v.0));
                }
                sort_pairs(&mut pairs);
                Ok(PairsDe(pairs))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A file_sd JSON target group as first read: its targets, its labels
/// checked but not kept, and its text (filled in by [`parse_group_run`]),
/// from which the labels are parsed again when they are used.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSdGroup<'a> {
    #[serde(borrow)]
    targets: Vec<BStr<'a>>,
    #[serde(default)]
    labels: Option<NameCheck>,
    #[serde(skip)]
    text: &'a str,
}

/// A `labels` object checked to map names to strings, remembering the
/// first name each Prometheus version would reject.
#[derive(Default)]
struct NameCheck {
    /// Invalid under 2.x's legacy rules (`[a-zA-Z_][a-zA-Z0-9_]*`).
    not_legacy: Option<String>,
    /// 3.x rejects only the empty name.
    has_empty: bool,
}

impl NameCheck {
    fn invalid_for(&self, flavor: Flavor) -> Option<&str> {
        match flavor {
            Flavor::V2 => self.not_legacy.as_deref(),
            Flavor::V3 => self.has_empty.then_some(""),
        }
    }
}

impl<'de> Deserialize<'de> for NameCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameCheck;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of label names to string values")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Self::Value, M::Error> {
                let mut check = NameCheck::default();
                while let Some((k, _)) = m.next_entry::<BStr<'de>, BStr<'de>>()? {
                    check.has_empty |= k.0.is_empty();
                    if check.not_legacy.is_none() && !crate::relabel::is_legacy_label_name(&k.0) {
                        check.not_legacy = Some(k.0.into_owned());
                    }
                }
                Ok(check)
            }
        }
        d.deserialize_map(V)
    }
}

/// Just the labels of a group's text, for [`GroupLabels::pairs`].
#[derive(Deserialize)]
struct LabelsOnly<'a> {
    #[serde(borrow, default)]
    labels: Option<PairsDe<'a>>,
}

/// A group's labels from its text (checked at load, so it parses; an empty
/// set is the safe answer should it not), with `__meta_filepath`.
pub(super) fn group_labels<'a>(group: &'a str, file: &'a str) -> LabelPairs<'a> {
    let mut labels = scan_labels(group).unwrap_or_else(|| {
        serde_json::from_str::<LabelsOnly<'a>>(group)
            .ok()
            .and_then(|g| g.labels)
            .map(|p| p.0)
            .unwrap_or_default()
    });
    with_filepath(&mut labels, file);
    labels
}

/// A group's labels, sorted, read by a plain scan that relies on the text
/// having been parsed at load: valid JSON, an object of `targets` (strings)
/// and `labels` (strings, or null). Every target reads its group's labels
/// again, and this is several times faster than a parse. A string without
/// escapes is borrowed as it stands; one with escapes is decoded by
/// `serde_json`. `None` for anything else, which the parser then reads.
fn scan_labels(group: &str) -> Option<LabelPairs<'_>> {
    let mut s = Scan { text: group, at: 0 };
    // Kubernetes groups carry 20 to 40 labels: grow once at most.
    let mut labels = Vec::with_capacity(32);
    s.expect(b'{')?;
    if !s.eat(b'}') {
        loop {
            let key = s.string()?;
            s.expect(b':')?;
            match key.as_ref() {
                "targets" => {
                    s.expect(b'[')?;
                    if !s.eat(b']') {
                        loop {
                            s.string()?;
                            if s.eat(b']') {
                                break;
                            }
                            s.expect(b',')?;
                        }
                    }
                }
                "labels" if !s.eat_null() => {
                    s.expect(b'{')?;
                    if !s.eat(b'}') {
                        loop {
                            let name = s.string()?;
                            s.expect(b':')?;
                            labels.push((name, s.string()?));
                            if s.eat(b'}') {
                                break;
                            }
                            s.expect(b',')?;
                        }
                    }
                }
                "labels" => {}
                _ => return None,
            }
            if s.eat(b'}') {
                break;
            }
            s.expect(b',')?;
        }
    }
    sort_pairs(&mut labels);
    Some(labels)
}

/// A position in JSON text, for [`scan_labels`].
struct Scan<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scan<'a> {
    /// Skips whitespace, then `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let bytes = self.text.as_bytes();
        while matches!(bytes.get(self.at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
        let found = bytes.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    fn eat_null(&mut self) -> bool {
        let found =
            self.eat(b'n') && self.text.as_bytes().get(self.at..self.at + 3) == Some(b"ull");
        self.at += if found { 3 } else { 0 };
        found
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        let start = self.at;
        let bytes = self.text.as_bytes();
        let mut escaped = false;
        loop {
            let i = self.at + memchr::memchr2(b'"', b'\\', bytes.get(self.at..)?)?;
            if bytes[i] == b'"' {
                self.at = i + 1;
                break;
            }
            // Skip the escaped character: a quote there does not end the string.
            escaped = true;
            self.at = i + 2;
        }
        if escaped {
            let quoted = self.text.get(start - 1..self.at)?;
            serde_json::from_str(quoted).ok().map(Cow::Owned)
        } else {
            self.text.get(start..self.at - 1).map(Cow::Borrowed)
        }
    }
}

/// file_sd adds the file it read the group from, replacing any such label.
fn with_filepath<'a>(labels: &mut LabelPairs<'a>, file: &'a str) {
    labels.retain(|(k, _)| k != "__meta_filepath");
    // Keep the labels sorted: insert rather than sort again.
    let at = labels.partition_point(|(k, _)| k.as_ref() < "__meta_filepath");
    labels.insert(at, (Cow::Borrowed("__meta_filepath"), Cow::Borrowed(file)));
}

/// Inputs smaller than this are parsed on one thread.
const PARALLEL_PARSE_BYTES: usize = 4 << 20;

/// Parses a large file_sd JSON array on all cores: the text is cut at group
/// boundaries (`},` then `{`) and each part parsed as a run of groups. `None`
/// when the input is small or any part fails (a cut inside a string, another
/// format, a syntax error): the caller then parses the whole text, which
/// also reports errors with their real positions.
pub(super) fn parse_parallel(text: &str) -> Option<Vec<FileSdGroup<'_>>> {
    let threads = crate::worker_threads();
    if text.len() < PARALLEL_PARSE_BYTES || threads < 2 {
        return None;
    }
    let start = text.find('[')? + 1;
    let end = text.rfind(']')?;
    if end <= start {
        return None;
    }
    let bytes = text.as_bytes();
    let parts = threads * 4;
    let mut cuts = vec![start];
    for k in 1..parts {
        let from = start + (end - start) * k / parts;
        let from = from.max(*cuts.last()?);
        if let Some(comma) = next_group_boundary(bytes, from, end) {
            if comma > *cuts.last()? {
                cuts.push(comma);
            }
        }
    }
    cuts.push(end);
    let ranges: Vec<(usize, usize)> = cuts
        .windows(2)
        .enumerate()
        .map(|(i, w)| (if i == 0 { w[0] } else { w[0] + 1 }, w[1]))
        .collect();
    let parsed = crate::map_on_all_cores(&ranges, |&(a, b)| parse_group_run(&text[a..b]));
    let mut out = Vec::new();
    for part in parsed {
        out.extend(part?);
    }
    Some(out)
}

/// The first `,` at or after `from` that sits between `}` and `{"`.
fn next_group_boundary(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    let is_ws = |b: u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    let mut i = from;
    while i < end {
        if bytes[i] == b',' {
            let before = bytes[..i].iter().rposition(|&b| !is_ws(b));
            let after = bytes[i + 1..end]
                .iter()
                .position(|&b| !is_ws(b))
                .map(|p| i + 1 + p);
            if let (Some(b), Some(a)) = (before, after) {
                if bytes[b] == b'}' && bytes[a] == b'{' && bytes.get(a + 1) == Some(&b'"') {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// A whole file_sd JSON array on one thread.
pub(super) fn parse_array(text: &str) -> Option<Vec<FileSdGroup<'_>>> {
    let body = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    parse_group_run(body)
}

/// Parses `{...}, {...}, ...` (a slice of the array's body).
fn parse_group_run(text: &str) -> Option<Vec<FileSdGroup<'_>>> {
    let is_ws = |c: char| matches!(c, ' ' | '\n' | '\r' | '\t');
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches(is_ws);
    while !rest.is_empty() {
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<FileSdGroup<'_>>();
        let mut group = stream.next()?.ok()?;
        group.text = &rest[..stream.byte_offset()];
        out.push(group);
        rest = rest[stream.byte_offset()..].trim_start_matches(is_ws);
        if rest.is_empty() {
            break;
        }
        rest = rest.strip_prefix(',')?.trim_start_matches(is_ws);
        if rest.is_empty() {
            return None; // a trailing comma is not JSON
        }
    }
    Some(out)
}

pub(super) fn groups<'a>(
    src: &'a Source,
    groups: Vec<FileSdGroup<'a>>,
    flavor: Flavor,
) -> Result<Targets<'a>> {
    let mut out = Vec::with_capacity(groups.len());
    for (i, g) in groups.into_iter().enumerate() {
        if let Some(name) = g.labels.as_ref().and_then(|c| c.invalid_for(flavor)) {
            // The group's text borrows from the source: its offset is its place.
            let start = (g.text.as_ptr() as usize).saturating_sub(src.text.as_ptr() as usize);
            return Err(Error::at(
                src,
                Span::new(start, start + g.text.len()),
                format!("{name:?} is not a valid label name"),
                "in this target group",
            ));
        }
        out.push(Group {
            source: format!("{}:{i}", src.name),
            labels: GroupLabels::FileSdJson {
                group: g.text,
                file: src.name.as_str(),
            },
            targets: g
                .targets
                .into_iter()
                .map(|t| vec![(Cow::Borrowed("__address__"), t.0)])
                .collect(),
        });
    }
    Ok(Targets::Groups(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_file_sd_parses_in_parallel_like_serially() {
        let mut text = String::from("[\n");
        let mut i = 0;
        while text.len() < PARALLEL_PARSE_BYTES + 1000 {
            if i > 0 {
                text.push_str(",\n");
            }
            // Values containing `},{"` must not confuse the cuts.
            text.push_str(&format!(
                "  {{\"targets\": [\"10.0.0.{}:80\"], \"labels\": {{\"a\": \"x}},{{\\\"y{i}\", \"job\": \"j{i}\"}}}}",
                i % 250
            ));
            i += 1;
        }
        text.push_str("\n]\n");
        let serial = parse_array(&text).unwrap();
        let parallel = parse_parallel(&text);
        assert_eq!(parallel.is_some(), crate::worker_threads() > 1);
        if let Some(parallel) = parallel {
            assert_eq!(parallel.len(), serial.len());
            for (a, b) in parallel.iter().zip(&serial) {
                assert_eq!(a.text, b.text);
                assert_eq!(a.targets.len(), b.targets.len());
            }
        }
        // A syntax error anywhere makes the parallel path give up.
        let broken = text
            .replacen("\"job\"", "\"job\" ", 1)
            .replacen(": [", ": [,", 1);
        assert!(parse_parallel(&broken).is_none());
        assert!(parse_parallel("[{\"targets\": []}]").is_none());
    }

    #[test]
    fn scanned_group_labels_are_the_parsed_ones() {
        fn parsed(g: &str) -> LabelPairs<'_> {
            let g = serde_json::from_str::<LabelsOnly<'_>>(g).unwrap();
            g.labels.map(|p| p.0).unwrap_or_default()
        }
        for group in [
            r#"{"targets": ["a:1"], "labels": {"b": "2", "a": "1"}}"#,
            r#"{"labels": {"a": "1", "a": "again"}, "targets": ["a:1", "b:2"]}"#,
            "{\n\t\"targets\" : [ ] ,\r\n \"labels\" : { \"x\" : \"\" } \n}",
            r#"{"targets": ["a\"],\\"], "labels": null}"#,
            r#"{"targets": ["a:1"]}"#,
            r#"{"targets": [], "labels": {}}"#,
            r#"{"targets": ["a:1"], "labels": {"q\"": "\\", "u\u00e9": "\ud83e\udd80 \n", "ünï": "✓"}}"#,
            r#"{"targets": ["a:1"], "\u006cabels": {"a": "}\",{\"b\": \"c"}}"#,
        ] {
            assert_eq!(scan_labels(group), Some(parsed(group)), "{group}");
        }
        // Text it does not expect is left to the parser.
        assert_eq!(
            scan_labels(r#"{"targets": ["a:1"], "labels": {"a": 1}}"#),
            None
        );
        assert_eq!(scan_labels(r#"{"targets": ["a:1"], "other": 1}"#), None);
        assert_eq!(
            scan_labels(r#"{"targets": ["a:1"], "labels": {"a": "1"#),
            None
        );
        assert_eq!(scan_labels(r#"{"targets": ["a:1\"#), None);
    }

    #[test]
    fn invalid_file_sd_label_names_point_at_their_labels() {
        let src = Source::new(
            "t",
            "[{\"targets\": [\"a:1\"],\n  \"labels\": {\"a.b\": \"x\"}}]",
        );
        let e = super::super::parse_targets(&src, Flavor::V2).unwrap_err();
        assert!(
            e.to_string().contains("\"a.b\" is not a valid label name"),
            "{e}"
        );
        assert_eq!(e.location().as_deref(), Some("t:1:2"));
        assert!(super::super::parse_targets(&src, Flavor::V3).is_ok());
        // A label value that is not a string is still a clear error.
        let src = Source::new("t", r#"[{"targets": ["a:1"], "labels": {"a": 1}}]"#);
        assert!(super::super::parse_targets(&src, Flavor::V3).is_err());
    }
}
