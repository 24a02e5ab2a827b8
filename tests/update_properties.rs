//! Property test of `kdm test --update` over generated test files: indent
//! styles, flow and block lists and mappings, anchors and aliases, LF,
//! CRLF and lone CR line breaks, comments, subset and failing expectations. After an update the file
//! parses, passes when run again, keeps every byte outside the values it
//! had to change (comments, anchors and tags included) and its line
//! endings. An update is refused only where text shared through an alias is
//! read by places that need different values; each file is checked against
//! its twin with every alias written out, which must always update.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;

use kdm::prom::config::ScrapeJob;
use kdm::testfile::run::{load_jobs, run_tests, TestOutcome};
use kdm::testfile::update::{rewrite, Update};
use kdm::testfile::{parse, TestFile};
use kdm::yaml::Source;

/// A target of the `kubernetes-pods` job and what the job makes of it.
struct Target {
    labels: &'static [(&'static str, &'static str)],
    outcome: Outcome,
}

enum Outcome {
    /// Public labels and scrape URL.
    Kept(&'static [(&'static str, &'static str)], &'static str),
    Dropped(u64),
    Error(&'static str),
}

const SCRAPE: (&str, &str) = (
    "__meta_kubernetes_pod_annotation_prometheus_io_scrape",
    "\"true\"",
);

const TARGETS: &[Target] = &[
    Target {
        labels: &[("__address__", "10.0.0.1:80")],
        outcome: Outcome::Dropped(0),
    },
    Target {
        labels: &[
            ("__address__", "10.0.0.2:80"),
            ("__meta_kubernetes_namespace", "web"),
            SCRAPE,
        ],
        outcome: Outcome::Kept(
            &[
                ("instance", "10.0.0.2:80"),
                ("job", "kubernetes-pods"),
                ("namespace", "web"),
            ],
            "http://10.0.0.2:80/metrics",
        ),
    },
    Target {
        labels: &[
            ("__address__", "10.244.1.7:8080"),
            ("__meta_kubernetes_namespace", "web"),
            ("__meta_kubernetes_pod_name", "api-7d9f"),
            ("__meta_kubernetes_pod_ip", "10.244.1.7"),
            ("__meta_kubernetes_pod_node_name", "worker-1"),
            ("__meta_kubernetes_pod_label_app", "api"),
            SCRAPE,
            (
                "__meta_kubernetes_pod_annotation_prometheus_io_port",
                "\"9102\"",
            ),
            (
                "__meta_kubernetes_pod_annotation_prometheus_io_path",
                "/stats",
            ),
        ],
        outcome: Outcome::Kept(
            &[
                ("app", "api"),
                ("instance", "10.244.1.7:9102"),
                ("job", "kubernetes-pods"),
                ("namespace", "web"),
                ("node", "worker-1"),
                ("pod", "api-7d9f"),
            ],
            "http://10.244.1.7:9102/stats",
        ),
    },
    Target {
        labels: &[
            ("__address__", "10.0.0.4:80"),
            SCRAPE,
            (
                "__meta_kubernetes_pod_annotation_prometheus_io_scrape_slow",
                "\"true\"",
            ),
        ],
        outcome: Outcome::Dropped(1),
    },
    Target {
        labels: &[("__address__", "10.0.0.5:80/metrics"), SCRAPE],
        outcome: Outcome::Error("not a valid hostname"),
    },
    Target {
        labels: &[
            ("__address__", "10.0.0.6:80"),
            SCRAPE,
            ("__meta_kubernetes_pod_phase", "Pending"),
        ],
        outcome: Outcome::Dropped(10),
    },
    Target {
        // Values that must be quoted to stay strings.
        labels: &[
            ("__address__", "10.0.0.7:80"),
            ("__meta_kubernetes_namespace", "\"null\""),
            ("__meta_kubernetes_pod_name", "\"x: y\""),
            SCRAPE,
        ],
        outcome: Outcome::Kept(
            &[
                ("instance", "10.0.0.7:80"),
                ("job", "kubernetes-pods"),
                ("namespace", "null"),
                ("pod", "x: y"),
            ],
            "http://10.0.0.7:80/metrics",
        ),
    },
];

/// One expectation as generated: written for some target (not
/// necessarily the one at its place), in some form, maybe made wrong.
#[derive(Debug, Clone)]
struct Entry {
    written_for: usize,
    variant: u8,
    mutation: Option<u8>,
    mask: u8,
    quotes: u16,
    flow: bool,
    padded: bool,
    kept_flow: bool,
    anchor: bool,
    alias: Option<u8>,
    kept_anchor: bool,
    kept_alias: Option<u8>,
    /// 0: none, 1: a comment line at the entry's column, 2: at column 0,
    /// 3: a blank line.
    before: u8,
    trailing: bool,
}

#[derive(Debug, Clone)]
struct Test {
    targets: Vec<usize>,
    targets_flow: bool,
    entries: Vec<Entry>,
    list_flow: bool,
    list_indented: bool,
    list_anchor: bool,
    list_tag: bool,
    list_alias: Option<u8>,
    key_comment: bool,
    comment_before: bool,
}

#[derive(Debug, Clone)]
struct File {
    /// `\n`, `\r\n` or a lone `\r`, which YAML reads as a line break too.
    eol: &'static str,
    unit: usize,
    tests_indented: bool,
    tests: Vec<Test>,
    final_comment: bool,
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        (
            0..TARGETS.len(),
            any::<u8>(),
            prop::option::weighted(0.35, any::<u8>()),
            any::<u8>(),
            any::<u16>(),
        ),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        (
            prop::bool::weighted(0.2),
            prop::option::weighted(0.15, any::<u8>()),
            prop::bool::weighted(0.2),
            prop::option::weighted(0.15, any::<u8>()),
        ),
        (0u8..6, prop::bool::weighted(0.3)),
    )
        .prop_map(
            |(
                (written_for, variant, mutation, mask, quotes),
                (flow, padded, kept_flow),
                (anchor, alias, kept_anchor, kept_alias),
                (before, trailing),
            )| Entry {
                written_for,
                variant,
                mutation,
                mask,
                quotes,
                flow,
                padded,
                kept_flow,
                anchor,
                alias,
                kept_anchor,
                kept_alias,
                before: before.saturating_sub(2),
                trailing,
            },
        )
}

fn test() -> impl Strategy<Value = Test> {
    (
        prop::collection::vec(0..TARGETS.len(), 0..4),
        prop::collection::vec(entry(), 0..6),
        0u8..10,
        (any::<bool>(), prop::bool::weighted(0.3), any::<bool>()),
        (
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.1),
            prop::option::weighted(0.15, any::<u8>()),
        ),
        (prop::bool::weighted(0.3), prop::bool::weighted(0.3)),
    )
        .prop_map(
            |(
                targets,
                mut entries,
                count,
                (targets_flow, list_flow, list_indented),
                (list_anchor, list_tag, list_alias),
                (key_comment, comment_before),
            )| {
                // Mostly one expectation per target, each mostly written for
                // its own target (so that some pass).
                if count < 8 && !entries.is_empty() {
                    let first = entries[0].clone();
                    entries.resize(targets.len(), first);
                }
                for (e, t) in entries.iter_mut().zip(&targets) {
                    if e.variant % 4 != 0 {
                        e.written_for = *t;
                    }
                }
                Test {
                    targets,
                    targets_flow,
                    entries,
                    list_flow,
                    list_indented,
                    list_anchor,
                    list_tag,
                    list_alias,
                    key_comment,
                    comment_before,
                }
            },
        )
}

fn file() -> impl Strategy<Value = File> {
    (
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        prop_oneof![Just(2usize), Just(4)],
        any::<bool>(),
        prop::collection::vec(test(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(eol, unit, tests_indented, tests, final_comment)| File {
            eol,
            unit,
            tests_indented,
            tests,
            final_comment,
        })
}

#[derive(Debug, Clone, Copy)]
enum Quote {
    Plain,
    Double,
    Single,
}

#[derive(Debug, Clone)]
enum Val {
    True,
    Str(String, Quote),
    /// Kept labels, maybe anchored.
    Labels(Vec<(String, String, Quote)>, Option<String>),
    KeptAlias(String),
    Rule(u64),
}

type Body = Vec<(&'static str, Val)>;

fn quote(bits: u16) -> Quote {
    match bits % 3 {
        0 => Quote::Plain,
        1 => Quote::Double,
        _ => Quote::Single,
    }
}

fn scalar(s: &str, q: Quote) -> String {
    let plain_ok = !matches!(s, "" | "null" | "true" | "false")
        && !s.contains(": ")
        && !s.contains(['"', '\'', ' ', '#', ',', '{', '}', '[', ']']);
    match q {
        Quote::Plain if plain_ok => s.to_string(),
        Quote::Single => format!("'{}'", s.replace('\'', "''")),
        _ => serde_json::to_string(s).unwrap_or_default(),
    }
}

/// The expectation's keys and values, before any alias.
fn body(e: &Entry) -> Body {
    let q = |i: u32| quote(e.quotes.rotate_right(2 * i));
    let str_val = |s: &str| Val::Str(s.to_string(), q(7));
    let m = e.mutation;
    match TARGETS[e.written_for].outcome {
        Outcome::Kept(all, url) => {
            let mut labels: Vec<(String, String, Quote)> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| e.mask >> i & 1 == 1)
                .map(|(i, (k, v))| (k.to_string(), v.to_string(), q(i as u32)))
                .collect();
            let mut url = url.to_string();
            let exact = e.variant % 6 == 2;
            if exact {
                labels = all
                    .iter()
                    .enumerate()
                    .map(|(i, (k, v))| (k.to_string(), v.to_string(), q(i as u32)))
                    .collect();
            }
            match m.map(|m| m % 4) {
                Some(0) if !labels.is_empty() => labels[0].1 = "changed".into(),
                Some(1) => labels.push(("kubernetes_namespace".into(), "web".into(), q(6))),
                Some(2) if exact => {
                    labels.pop();
                }
                Some(_) => url = "http://wrong:1/metrics".into(),
                None => {}
            }
            let url = Val::Str(url, q(7));
            match e.variant % 6 {
                0 => vec![("kept", Val::True)],
                1 => vec![("kept", Val::Labels(labels, None))],
                2 => vec![("kept", Val::Labels(labels, None)), ("exact", Val::True)],
                3 => vec![("kept", Val::Labels(labels, None)), ("scrape_url", url)],
                4 => vec![("scrape_url", url)],
                _ => vec![("kept", Val::Labels(Vec::new(), None))],
            }
        }
        Outcome::Dropped(rule) => {
            let rule = rule + u64::from(m.is_some());
            if e.variant.is_multiple_of(2) && m.is_none() {
                vec![("dropped", Val::True)]
            } else {
                vec![("dropped", Val::Rule(rule))]
            }
        }
        Outcome::Error(text) => match m {
            Some(_) => vec![("error", str_val("no such error"))],
            None => vec![("error", str_val(text))],
        },
    }
}

/// The file with its anchors named and its aliases pointing at them, each
/// alias to an anchor earlier in the file.
struct Tree {
    tests: Vec<List>,
    defs: BTreeMap<String, Def>,
}

#[derive(Debug, Clone)]
enum Def {
    List(List),
    Entry(Node),
    Kept(Vec<(String, String, Quote)>),
}

#[derive(Debug, Clone)]
enum List {
    Alias(String),
    Own {
        anchor: Option<String>,
        flow: bool,
        items: Vec<(Node, u8, bool)>,
    },
}

#[derive(Debug, Clone)]
enum Node {
    Alias(String),
    Own {
        anchor: Option<String>,
        body: Body,
        flow: bool,
        padded: bool,
        kept_flow: bool,
    },
}

fn tree(f: &File) -> Tree {
    let mut defs = BTreeMap::new();
    let (mut lists, mut entries, mut kepts) = (Vec::new(), Vec::new(), Vec::new());
    let mut n = 0;
    let mut name = |prefix: &str| {
        n += 1;
        format!("{prefix}{n}")
    };
    let pick = |names: &Vec<String>, a: Option<u8>| -> Option<String> {
        let a = a? as usize;
        (!names.is_empty()).then(|| names[a % names.len()].clone())
    };
    let mut tests = Vec::new();
    for test in &f.tests {
        if let Some(alias) = pick(&lists, test.list_alias) {
            tests.push(List::Alias(alias));
            continue;
        }
        let anchor = test.list_anchor.then(|| name("e"));
        let mut items = Vec::new();
        for e in &test.entries {
            let node = if let Some(alias) = pick(&entries, e.alias) {
                Node::Alias(alias)
            } else {
                let mut body = body(e);
                for (k, v) in &mut body {
                    let Val::Labels(labels, None) = v else {
                        continue;
                    };
                    if *k != "kept" {
                        continue;
                    }
                    if let Some(alias) = pick(&kepts, e.kept_alias) {
                        *v = Val::KeptAlias(alias);
                    } else if e.kept_anchor {
                        let k = name("k");
                        defs.insert(k.clone(), Def::Kept(labels.clone()));
                        kepts.push(k.clone());
                        *v = Val::Labels(labels.clone(), Some(k));
                    }
                }
                let node = Node::Own {
                    anchor: e.anchor.then(|| name("x")),
                    body,
                    flow: e.flow,
                    padded: e.padded,
                    kept_flow: e.kept_flow,
                };
                if let Node::Own {
                    anchor: Some(x), ..
                } = &node
                {
                    defs.insert(x.clone(), Def::Entry(node.clone()));
                    entries.push(x.clone());
                }
                node
            };
            items.push((node, e.before, e.trailing));
        }
        let list = List::Own {
            anchor: anchor.clone(),
            flow: test.list_flow || items.is_empty(),
            items,
        };
        if let Some(e) = anchor {
            defs.insert(e.clone(), Def::List(list.clone()));
            lists.push(e);
        }
        tests.push(list);
    }
    Tree { tests, defs }
}

impl Tree {
    fn list(&self, name: &str) -> &List {
        match &self.defs[name] {
            Def::List(l) => l,
            other => panic!("{name} is {other:?}"),
        }
    }

    fn entry(&self, name: &str) -> &Node {
        match &self.defs[name] {
            Def::Entry(e) => e,
            other => panic!("{name} is {other:?}"),
        }
    }

    fn kept(&self, name: &str) -> &Vec<(String, String, Quote)> {
        match &self.defs[name] {
            Def::Kept(l) => l,
            other => panic!("{name} is {other:?}"),
        }
    }

    /// Whether an anchor read from outside its entry is defined in an
    /// entry its list loses: a list that changes length is rewritten whole
    /// when in flow style or emptied, and loses its last entries otherwise.
    fn anchor_rewritten_whole(
        &self,
        outcomes: &[TestOutcome],
        readers: &BTreeMap<String, Vec<String>>,
    ) -> bool {
        let mut lost = false;
        for (i, list) in self.tests.iter().enumerate() {
            let List::Own { flow, items, .. } = list else {
                continue;
            };
            if !failing(outcomes, &format!("/tests/{i}/expect")) {
                continue;
            }
            let keep = outcomes[i].results.len();
            for (j, (node, ..)) in items.iter().enumerate() {
                let Node::Own { anchor, body, .. } = node else {
                    continue;
                };
                if !(*flow || keep == 0 || j >= keep) {
                    continue;
                }
                let kept = body.iter().filter_map(|(_, v)| match v {
                    Val::Labels(_, Some(k)) => Some(k),
                    _ => None,
                });
                let at = format!("/tests/{i}/expect/{j}");
                for name in anchor.iter().chain(kept) {
                    let outside = |p: &String| p != &at && !p.starts_with(&format!("{at}/"));
                    lost |= readers.get(name).into_iter().flatten().any(outside);
                }
            }
        }
        lost
    }

    /// Every anchor's readers as JSON pointers: the place it is defined
    /// and each place an alias reads it, also through other aliases.
    fn readers(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, list) in self.tests.iter().enumerate() {
            self.walk_list(list, &format!("/tests/{i}/expect"), &mut out);
        }
        out
    }

    fn walk_list(&self, list: &List, at: &str, out: &mut BTreeMap<String, Vec<String>>) {
        match list {
            List::Alias(name) => self.walk_list(self.list(name), at, out),
            List::Own { anchor, items, .. } => {
                if let Some(a) = anchor {
                    out.entry(a.clone()).or_default().push(at.to_string());
                }
                for (j, (node, ..)) in items.iter().enumerate() {
                    self.walk_entry(node, &format!("{at}/{j}"), out);
                }
            }
        }
    }

    fn walk_entry(&self, node: &Node, at: &str, out: &mut BTreeMap<String, Vec<String>>) {
        match node {
            Node::Alias(name) => self.walk_entry(self.entry(name), at, out),
            Node::Own { anchor, body, .. } => {
                if let Some(a) = anchor {
                    out.entry(a.clone()).or_default().push(at.to_string());
                }
                for (_, v) in body {
                    if let Val::Labels(_, Some(k)) | Val::KeptAlias(k) = v {
                        out.entry(k.clone()).or_default().push(format!("{at}/kept"));
                    }
                }
            }
        }
    }
}

/// A place whose text the update may change: its own pointer, and the
/// anchors on or around it with the pointer suffix that takes a reader of
/// the anchor to this place.
#[derive(Debug, Clone)]
struct Region {
    range: Range<usize>,
    own: String,
    anchors: Vec<(String, String)>,
    /// A list's entries, from its first `-` or its `[` to its last entry's
    /// end: a list rewritten whole goes with their anchors and comments.
    entries: Option<Range<usize>>,
}

#[derive(Debug, Default)]
struct Rendered {
    text: String,
    /// Comments, anchors, tags and aliases.
    protected: Vec<Range<usize>>,
    regions: Vec<Region>,
}

struct Writer<'t> {
    tree: &'t Tree,
    file: &'t File,
    /// Aliases as written; without, each is written out in place.
    aliases: bool,
    eol: &'static str,
    out: Rendered,
}

fn render(tree: &Tree, file: &File, aliases: bool) -> Rendered {
    let mut w = Writer {
        tree,
        file,
        aliases,
        eol: file.eol,
        out: Rendered::default(),
    };
    w.file();
    w.out
}

impl Writer<'_> {
    fn push(&mut self, s: &str) {
        self.out.text.push_str(s);
    }

    fn protect(&mut self, s: &str) {
        let start = self.out.text.len();
        self.push(s);
        self.out.protected.push(start..self.out.text.len());
    }

    fn newline(&mut self, col: usize) {
        self.push(self.eol);
        self.push(&" ".repeat(col));
    }

    fn file(&mut self) {
        self.protect("# generated");
        self.newline(0);
        self.push("config: prometheus-community__prometheus.yml");
        self.newline(0);
        self.push("tests:");
        let dash = if self.file.tests_indented {
            self.file.unit
        } else {
            0
        };
        for (i, test) in self.file.tests.iter().enumerate() {
            if test.comment_before {
                self.newline(0);
                self.newline(dash);
                self.protect(&format!("# test {i}"));
            }
            self.newline(dash);
            self.push(&format!("- name: t{i}"));
            self.newline(dash + 2);
            self.push("job: kubernetes-pods");
            self.newline(dash + 2);
            self.targets(test, dash + 2);
            self.newline(dash + 2);
            self.push("expect:");
            let list = &self.tree.tests[i];
            self.list(list, &format!("/tests/{i}/expect"), test, dash + 2, false);
        }
        if self.file.final_comment {
            self.newline(0);
            self.protect("# end");
        }
        self.push(self.eol);
    }

    fn targets(&mut self, test: &Test, col: usize) {
        let flow = |i: &usize| {
            let pairs: Vec<String> = (TARGETS[*i].labels.iter())
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            format!("{{{}}}", pairs.join(", "))
        };
        if test.targets_flow || test.targets.is_empty() {
            let all: Vec<String> = test.targets.iter().map(flow).collect();
            self.push(&format!("targets: [{}]", all.join(", ")));
            return;
        }
        self.push("targets:");
        for i in &test.targets {
            self.newline(col + self.file.unit);
            self.push("- ");
            for (j, (k, v)) in TARGETS[*i].labels.iter().enumerate() {
                if j > 0 {
                    self.newline(col + self.file.unit + 2);
                }
                self.push(&format!("{k}: {v}"));
            }
        }
    }

    /// The list after `expect:`; `copy` writes an alias's text out without
    /// its anchors.
    fn list(&mut self, list: &List, at: &str, test: &Test, col: usize, copy: bool) {
        let (anchor, flow, items) = match list {
            List::Alias(name) if self.aliases => {
                self.push(" ");
                self.protect(&format!("*{name}"));
                return;
            }
            List::Alias(name) => return self.list(self.tree.list(name), at, test, col, true),
            List::Own {
                anchor,
                flow,
                items,
            } => (anchor.as_ref().filter(|_| !copy), *flow, items),
        };
        if let Some(a) = anchor {
            self.push(" ");
            self.protect(&format!("&{a}"));
        }
        if test.list_tag {
            self.push(" ");
            self.protect("!!seq");
        }
        if test.key_comment && !flow {
            self.push("  ");
            self.protect("# expectations");
        }
        let start = self.out.text.len();
        let mut entries = None::<Range<usize>>;
        let around = |j: usize| -> Vec<(String, String)> {
            anchor
                .map(|a| vec![(a.clone(), format!("/{j}"))])
                .unwrap_or_default()
        };
        if flow {
            self.push(" ");
            entries = Some(self.out.text.len()..0);
            self.push("[");
            for (j, (node, ..)) in items.iter().enumerate() {
                if j > 0 {
                    self.push(", ");
                }
                self.entry(node, &format!("{at}/{j}"), 0, true, copy, around(j));
            }
            self.push("]");
            entries = entries.map(|e| e.start..self.out.text.len());
        } else {
            let dash = if test.list_indented {
                col + self.file.unit
            } else {
                col
            };
            for (j, (node, before, trailing)) in items.iter().enumerate() {
                match before {
                    1 => {
                        self.newline(dash);
                        self.protect("# between");
                    }
                    2 => {
                        self.newline(0);
                        self.protect("# at column 0");
                    }
                    3 => self.push(self.eol),
                    _ => {}
                }
                self.newline(dash);
                let first = entries.as_ref().map_or(self.out.text.len(), |e| e.start);
                self.push("- ");
                self.entry(node, &format!("{at}/{j}"), dash + 2, false, copy, around(j));
                entries = Some(first..self.out.text.len());
                if *trailing {
                    self.push("  ");
                    self.protect("# trailing");
                }
            }
        }
        let end = self.out.text.len();
        self.out.regions.push(Region {
            range: start..end,
            own: at.to_string(),
            anchors: anchor
                .map(|a| vec![(a.clone(), String::new())])
                .unwrap_or_default(),
            entries,
        });
    }

    fn entry(
        &mut self,
        node: &Node,
        at: &str,
        col: usize,
        in_flow: bool,
        copy: bool,
        mut anchors: Vec<(String, String)>,
    ) {
        let (anchor, body, flow, padded, kept_flow) = match node {
            Node::Alias(name) if self.aliases => return self.protect(&format!("*{name}")),
            Node::Alias(name) => {
                let node = self.tree.entry(name);
                return self.entry(node, at, col, in_flow, true, Vec::new());
            }
            Node::Own {
                anchor,
                body,
                flow,
                padded,
                kept_flow,
            } => (
                anchor.as_ref().filter(|_| !copy),
                body,
                *flow || in_flow,
                *padded,
                *kept_flow,
            ),
        };
        if let Some(a) = anchor {
            self.protect(&format!("&{a}"));
            anchors.push((a.clone(), String::new()));
            if flow {
                self.push(" ");
            } else {
                self.newline(col);
            }
        }
        let start = self.out.text.len();
        let unit = self.file.unit;
        if flow {
            self.push(if padded { "{ " } else { "{" });
        }
        for (i, (key, v)) in body.iter().enumerate() {
            if i > 0 {
                if flow {
                    self.push(", ");
                } else {
                    self.newline(col);
                }
            }
            self.push(&format!("{key}:"));
            match v {
                Val::True => self.push(" true"),
                Val::Str(s, q) => self.push(&format!(" {}", scalar(s, *q))),
                Val::Rule(n) if flow || kept_flow => {
                    self.push(&format!(" {{rule: {n}}}"));
                }
                Val::Rule(n) => {
                    self.newline(col + unit);
                    self.push(&format!("rule: {n}"));
                }
                Val::Labels(labels, k) => {
                    let k = k.as_ref().filter(|_| !copy);
                    // Not protected, nor is an alias here: they go with an
                    // expectation rewritten whole.
                    if let Some(k) = k {
                        self.push(&format!(" &{k}"));
                        anchors.push((k.clone(), String::new()));
                    }
                    self.labels(labels, flow || kept_flow, padded, col + unit);
                }
                Val::KeptAlias(k) if self.aliases => self.push(&format!(" *{k}")),
                Val::KeptAlias(k) => {
                    let labels = self.tree.kept(k).clone();
                    self.labels(&labels, flow || kept_flow, padded, col + unit);
                }
            }
        }
        if flow {
            self.push(if padded { " }" } else { "}" });
        }
        let end = self.out.text.len();
        self.out.regions.push(Region {
            range: start..end,
            own: at.to_string(),
            anchors,
            entries: None,
        });
    }

    fn labels(&mut self, labels: &[(String, String, Quote)], flow: bool, padded: bool, col: usize) {
        if flow || labels.is_empty() {
            let pairs: Vec<String> = (labels.iter())
                .map(|(k, v, q)| format!("{k}: {}", scalar(v, *q)))
                .collect();
            match (pairs.is_empty(), padded) {
                (true, _) => self.push(" {}"),
                (false, true) => self.push(&format!(" {{ {} }}", pairs.join(", "))),
                (false, false) => self.push(&format!(" {{{}}}", pairs.join(", "))),
            }
            return;
        }
        for (k, v, q) in labels {
            self.newline(col);
            self.push(&format!("{k}: {}", scalar(v, *q)));
        }
    }
}

fn test_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/scrape-configs/generated.test.yaml")
}

/// Loads and runs a test file's text.
fn run(text: &str) -> (TestFile, Vec<TestOutcome>) {
    let file = parse(Source::new("generated.test.yaml", text), &test_path())
        .unwrap_or_else(|e| panic!("{}\n{text}", e.message()));
    // The config is loaded once: compiling its rules dominates a run.
    static JOBS: std::sync::OnceLock<Vec<ScrapeJob>> = std::sync::OnceLock::new();
    let jobs = JOBS.get_or_init(|| load_jobs(&file).expect("the config loads"));
    let outcomes = run_tests(&file, jobs).unwrap_or_else(|e| panic!("{}\n{text}", e.message()));
    (file, outcomes)
}

fn json(text: &str) -> Value {
    let source = Source::new("generated.test.yaml", text);
    kdm::input::load_yaml(&source).expect("parses")[0].to_json()
}

/// Whether the value at `pointer` is one `--update` had to change: an
/// expectation that failed, or a list whose length was wrong.
fn failing(outcomes: &[TestOutcome], pointer: &str) -> bool {
    let parts: Vec<&str> = pointer.split('/').collect();
    let (Some(i), j) = (
        parts.get(2).and_then(|p| p.parse::<usize>().ok()),
        parts.get(4).and_then(|p| p.parse::<usize>().ok()),
    ) else {
        return false;
    };
    let failures = &outcomes[i].failures;
    failures
        .iter()
        .any(|f| f.target.is_none() || (j.is_some() && f.target == j))
}

/// The checks on an update made: it reads as its edits say, parses, passes,
/// is final, keeps its line endings and changes only what had to change.
fn check_update(
    rendered: &Rendered,
    readers: &BTreeMap<String, Vec<String>>,
    outcomes: &[TestOutcome],
    update: &Update,
    eol: &str,
) -> Result<(), TestCaseError> {
    let old = rendered.text.as_str();
    let new = update.text.as_str();
    // The edits, sorted and apart, make the new text.
    let mut made = String::new();
    let mut at = 0;
    for e in &update.edits {
        prop_assert!(at <= e.span.start && e.span.start <= e.span.end && e.span.end <= old.len());
        made.push_str(&old[at..e.span.start]);
        made.push_str(&e.text);
        at = e.span.end;
    }
    made.push_str(&old[at..]);
    prop_assert_eq!(&made, new);

    let (file, again) = run(new);
    for o in &again {
        prop_assert!(o.passed(), "{:?} fails after the update:\n{}", o.name, new);
    }
    let twice = rewrite(&file, &again).map_err(|e| TestCaseError::fail(e.message().to_string()))?;
    prop_assert!(twice.is_none(), "a second update changes more:\n{new}");

    let b = new.as_bytes();
    let lf = (0..b.len()).any(|i| b[i] == b'\n' && (i == 0 || b[i - 1] != b'\r'));
    let cr = (0..b.len()).any(|i| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'));
    let crlf = new.contains("\r\n");
    let kept = match eol {
        "\n" => !cr && !crlf,
        "\r\n" => !cr && !lf,
        _ => !lf && !crlf,
    };
    prop_assert!(kept, "line endings other than {eol:?}:\n{new:?}");

    let changeable = |r: &Region| {
        let mut pointers = vec![r.own.clone()];
        for (name, suffix) in &r.anchors {
            for p in readers.get(name).into_iter().flatten() {
                pointers.push(format!("{p}{suffix}"));
            }
        }
        pointers.iter().any(|p| failing(outcomes, p))
    };
    let line_end = |i: usize| i == old.len() || matches!(old.as_bytes()[i], b'\r' | b'\n');
    for e in &update.edits {
        let (s, t) = (e.span.start, e.span.end);
        let inside = rendered
            .regions
            .iter()
            .any(|r| r.range.start <= s && t <= r.range.end && changeable(r));
        prop_assert!(
            inside,
            "edit {:?} -> {:?} outside what had to change:\n{}",
            &old[s..t],
            e.text,
            old
        );
        if e.text.is_empty() {
            prop_assert!(
                line_end(s) && line_end(t),
                "a deletion of part of a line: {:?}",
                &old[s..t]
            );
            continue;
        }
        let whole = rendered
            .regions
            .iter()
            .any(|r| r.entries == Some(s..t) && changeable(r));
        if whole {
            continue;
        }
        for p in &rendered.protected {
            let hit = if s == t {
                p.start < s && s < p.end
            } else {
                p.start < t && s < p.end
            };
            prop_assert!(
                !hit,
                "edit {:?} -> {:?} overwrites {:?}:\n{}",
                &old[s..t],
                e.text,
                &old[p.clone()],
                old
            );
        }
    }
    Ok(())
}

/// Updates the text; the outcomes it was run with, and the update.
fn update(text: &str) -> (Vec<TestOutcome>, kdm::diag::Result<Option<Update>>) {
    let (file, outcomes) = run(text);
    let result = rewrite(&file, &outcomes);
    (outcomes, result)
}

fn check(f: &File) -> Result<(), TestCaseError> {
    let tree = tree(f);
    let readers = tree.readers();
    // The twin with every alias written out always updates.
    let twin = render(&tree, f, false);
    let (outcomes, result) = update(&twin.text);
    let twin_update = result
        .map_err(|e| TestCaseError::fail(format!("{}: refused\n{}", e.message(), twin.text)))?;
    let twin_json = match &twin_update {
        Some(u) => {
            check_update(&twin, &readers, &outcomes, u, f.eol)?;
            json(&u.text)
        }
        None => {
            for o in &outcomes {
                prop_assert!(o.passed());
            }
            json(&twin.text)
        }
    };

    let file = render(&tree, f, true);
    prop_assert_eq!(json(&file.text), json(&twin.text));
    let (outcomes, result) = update(&file.text);
    // Text read through an alias holds one value: refused where its
    // readers need different ones.
    let shared = readers.iter().find(|(_, at)| {
        let first = twin_json.pointer(&at[0]);
        at.iter().any(|p| twin_json.pointer(p) != first)
    });
    match result {
        Ok(None) => prop_assert!(twin_update.is_none()),
        // An update where text is shared, but rewritten whole (an alias
        // and its anchor in one list rewritten, say), is as good as any.
        Ok(Some(u)) => {
            check_update(&file, &readers, &outcomes, &u, f.eol)?;
            prop_assert_eq!(json(&u.text), twin_json);
        }
        Err(e) => {
            let m = e.message();
            prop_assert!(e.location().is_some(), "{m}");
            let lost = tree.anchor_rewritten_whole(&outcomes, &readers);
            prop_assert!(
                (shared.is_some() || lost)
                    && m.contains("through a YAML alias, and they need different values"),
                "{}: refused, though every alias reads one value\n{}",
                m,
                file.text
            );
        }
    }
    Ok(())
}

proptest! {
    // 256 cases, or PROPTEST_CASES.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn update_keeps_the_file_and_passes(f in file()) {
        check(&f)?;
    }
}
