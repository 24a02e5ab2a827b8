//! Differential test: `kdm relabel-sim --prometheus-version 2` against
//! Prometheus 2.x itself.
//!
//! `promtool check service-discovery CONFIG JOB` with a `file_sd_configs` job
//! runs the real relabeling and target population offline. promtool prints
//! its results unordered, de-duplicated and with error texts lost, so every
//! scenario is one job with one target: the single result maps back
//! unambiguously. Compared: config accepted or rejected; then the category
//! (kept / dropped / error) and, when kept, the exact final label set.
//! `discoveredLabels` is never compared (2.42 corrupts it in place).
//!
//! Environment:
//! - `KDM_DIFF_SEED`: base seed, decimal or `0x` hex (each scenario derives its own).
//! - `KDM_DIFF_SCENARIOS`: number of scenarios (default [`DEFAULT_SCENARIOS`]).
//! - `KDM_DIFF_ONLY`: run only this scenario index, to reproduce a failure.
//! - `KDM_REQUIRE_ORACLES=1`: fail instead of skipping when promtool is missing.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

const DEFAULT_SEED: u64 = 0x6b64_6d5f_6469_6666;
const DEFAULT_SCENARIOS: usize = 2000;
/// promtool spends most of its time sleeping for `--timeout`, so a few
/// concurrent processes keep two cores busy without starving them.
const THREADS: usize = 4;
/// promtool waits the whole timeout before relabeling and silently prints `[]`
/// when it was too short; an empty answer is retried with longer timeouts.
const TIMEOUTS: &[&str] = &["50ms", "500ms", "2s", "5s"];

// ---------------------------------------------------------------- PRNG

/// SplitMix64: tiny, seedable and plenty for picking from pools.
struct Rng(u64);

impl Rng {
    fn for_scenario(seed: u64, index: usize) -> Rng {
        let mut rng = Rng(seed ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------- pools

const ACTIONS: &[&str] = &[
    "replace",
    "keep",
    "drop",
    "keepequal",
    "dropequal",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
];

/// Weighted towards replace, the action with the most moving parts.
const ACTION_WEIGHTS: &[(&str, usize)] = &[
    ("replace", 30),
    ("keep", 7),
    ("drop", 7),
    ("keepequal", 5),
    ("dropequal", 5),
    ("hashmod", 8),
    ("labelmap", 9),
    ("labeldrop", 7),
    ("labelkeep", 4),
    ("lowercase", 6),
    ("uppercase", 6),
];

const JOB_NAMES: &[&str] = &["j", "node", "my-job", "ünï job"];

/// Legacy-valid names only: file_sd rejects the whole file otherwise.
const LABEL_NAMES: &[&str] = &[
    "a",
    "b",
    "env",
    "n1",
    "A",
    "_",
    "instance",
    "job",
    "__address__",
    "__scheme__",
    "__metrics_path__",
    "__param_x",
    "__param_y",
    "__scrape_interval__",
    "__scrape_timeout__",
    "__meta_x",
    "__meta_filepath",
    "__tmp_y",
];

const SOURCE_LABELS: &[&str] = &[
    "a",
    "b",
    "env",
    "n1",
    "A",
    "instance",
    "job",
    "missing",
    "__address__",
    "__scheme__",
    "__metrics_path__",
    "__param_x",
    "__scrape_interval__",
    "__scrape_timeout__",
    "__meta_x",
    "__meta_filepath",
    "__tmp_y",
];

const VALUES: &[&str] = &[
    "b",
    "B",
    "a",
    "abc",
    "prod",
    "foo:9100",
    "1.2.3.4",
    "1.2.3.4:8080",
    "[::1]",
    "::1",
    "https",
    "http",
    "/m",
    "30s",
    "90s",
    "123",
    "٣",
    "x y",
    "a\nb",
    "line1\nline2\n",
    "\t",
    "ünï€",
    "ß",
    "İ",
    "ﬁ",
    "ΑΣ",
    "\u{212A}",
    "ſ",
    "ǅ",
    "a;b",
    "A-B",
    "$1",
    "http://x",
    "",
    " ",
    "\u{a0}",
];

const ADDRESSES: &[&str] = &[
    "foo:9100",
    "foo",
    "1.2.3.4",
    "1.2.3.4:80",
    "10.0.0.1:",
    "[::1]",
    "::1",
    "[::1]:9100",
    "fe80::1%eth0",
    "http://x",
    "x/y",
    "ünï",
    "a b",
    "host:abc",
    "foo:9100:1",
    "[::1",
    "localhost:443",
    "FOO:1",
];

const SCHEME_VALUES: &[&str] = &["http", "https", "ftp", "HTTP", ""];
const PATH_VALUES: &[&str] = &["/m", "/x/y", "", "a b", "/metrics"];
/// Values for `__scrape_interval__`/`__scrape_timeout__` labels, which 2.x
/// re-parses after relabeling.
const DURATION_LABEL_VALUES: &[&str] = &[
    "30s",
    "5s",
    "0s",
    "0",
    "abc",
    "1m30s",
    "90s",
    "2notseconds",
    "-1s",
    "1.5s",
    "5m",
    "1h",
    "10s",
    "1y",
    "15s",
    "1d",
    "",
];

/// Config durations with their length in ms, so that timeouts can mostly be
/// kept within the interval (otherwise most configs fail to load).
const CONFIG_DURATIONS: &[(&str, u64)] = &[
    ("100ms", 100),
    ("500ms", 500),
    ("5s", 5_000),
    ("10s", 10_000),
    ("15s", 15_000),
    ("30s", 30_000),
    ("1m", 60_000),
    ("1m0s", 60_000),
    ("90s", 90_000),
    ("2m", 120_000),
    ("1h30m", 5_400_000),
    ("2d", 172_800_000),
    ("1w", 604_800_000),
];
const BAD_CONFIG_DURATIONS: &[&str] = &["0s", "1.5s", "abc", "-1s", "1", "10S"];

const VALUE_REGEXES: &[&str] = &[
    "(.*)",
    "(.+)",
    ".*",
    ".+",
    "",
    "a",
    "b",
    "b|c",
    "f|o",
    "^b$",
    "(?i)b",
    "(?i)k",
    "(?i)ss",
    "(?P<name>\\w+)",
    "(?P<name>[a-z]+):(\\d+)",
    "(\\d+)",
    "\\d+",
    "\\w+",
    "\\s*",
    "\\S+",
    "\\s",
    "([^:]+)(?::\\d+)?",
    "(.*):(.*)",
    "(.*);(.*)",
    "(?s)(.*)",
    "(.*)\n(.*)",
    "a\nb",
    "a\\nb",
    "(.*)\\n(.*)",
    "[a-z]+",
    "[[:alpha:]]+",
    "\\pL+",
    "\\p{Greek}+",
    "x{2,3}",
    "(.)(.)",
    "(a)|(b)",
    "(?U)(.+)(.*)",
    "(.*?)(\\d*)",
    "prod|staging",
    "(b)?",
    "\\Q.\\E",
    "\\101",
    "[a&&b]+",
    "\\x41",
    "\\x{263a}",
    "(?m)^b$",
    "\\A(.*)\\z",
    "1\\.2\\.3\\.4(:\\d+)?",
    "\\[::1\\](:\\d+)?",
    "(?i)ß",
    "(?i)s",
    "[^a]*",
    "a{0}",
    "()",
    "(|b)",
    "(?i:A)b",
    "\\$1",
    "a\\<b|a<b",
    "\\bb\\b",
    "(\\w+)\\W(\\w+)",
    "http://(.*)",
    "(.*)s",
    "\\d\\d[.]\\d",
];

const INVALID_REGEXES: &[&str] = &[
    "(",
    "[a",
    "a{1001}",
    "a{1000}",
    "(?:a{1000}){1000}",
    "(?x)a",
    "(?<n>a)",
    "a**",
    "a++",
    "\\1",
    "(?=a)",
    "\\Z",
    "x{2,1}",
    "\\C",
    "(?P<n>a)(?P<n>b)",
    "\\p{Foo}",
    "[z-a]",
    "*",
    "\\e",
    "\\8",
    "(?P<>a)",
    "(?P<1a>x)",
    "a{,2}",
    "[[:foo:]]",
    "\\pN",
];

/// Atoms for composed regexes; quantifiers are appended separately.
const REGEX_ATOMS: &[&str] = &[
    "a",
    "b",
    "B",
    "x",
    "1",
    "0",
    ".",
    "\\d",
    "\\w",
    "\\s",
    "\\D",
    "\\W",
    "\\S",
    "[a-c]",
    "[^:]",
    "[[:alpha:]]",
    "[[:^digit:]]",
    "\\pL",
    "\\p{Greek}",
    "\\PL",
    "\\.",
    ":",
    ";",
    "é",
    "ß",
    "K",
    "\\n",
    "\n",
    "\\x41",
    "\\x{3a3}",
    "\\b",
    "\\B",
    "\\<",
    "\\Q.\\E",
    "[a&&b]",
    "\\101",
    "[\\d:]",
    "\\A",
    "\\z",
    "^",
    "$",
    "-",
    "/",
    "\\[",
    "\\]",
    "\\v",
    "\\f",
];

const QUANTIFIERS: &[&str] = &[
    "", "", "", "", "", "*", "+", "?", "{1,2}", "*?", "+?", "{2}", "{0,}", "{,2}", "??",
];

const NAME_REGEXES: &[&str] = &[
    "a",
    "b",
    "b|env",
    "__meta_(.+)",
    "__param_(.+)",
    "(a|b)",
    "(.*)",
    "__(.*)",
    "__tmp.*",
    "instance",
    "job",
    "(?i)A",
    "[a-z]",
    "_",
    "(.)(.*)",
    "n(\\d)",
    "(env|n1)",
    "__meta_.*",
    "__scrape_.*",
    "__(scheme|metrics_path)__",
    "(?P<name>[ab])",
    "(\\w)",
];

const KEEP_REGEXES: &[&str] = &[
    "__.*|a|b|env|job|instance",
    "(__address__|job|a)",
    ".*",
    "__.*",
    "[a-z_]+",
    "__address__|__scheme__",
    "(?i)__ADDRESS__|A",
    "a",
];

const REPLACEMENTS: &[&str] = &[
    "$1",
    "${1}",
    "$1x",
    "${1}x",
    "${name}",
    "$name",
    "$$",
    "$$1",
    "$0",
    "${0}",
    "$01",
    "${01}",
    "lit",
    "",
    "$2",
    "${2}",
    "a$1b",
    "$",
    "${",
    "${}",
    "$-",
    "$1-x",
    "$1_x",
    "ünï",
    "foo:9090",
    "https",
    "http://x",
    "0s",
    "5s",
    "[::1]",
    "$1:9100",
    "$1$2",
    "${1}${2}",
    "\n",
    "x\ny",
    "$name_x",
    "${name}_x",
    "/probe",
    "ΑΣ",
];

const LABELMAP_REPLACEMENTS: &[&str] = &[
    "$1",
    "${1}",
    "x_$1",
    "${1}_y",
    "$0",
    "__param_$1",
    "$name",
    "a",
    "__address__",
    "${2}",
    "$1x",
];

const PLAIN_TARGETS: &[&str] = &[
    "a",
    "b",
    "c",
    "env",
    "instance",
    "job",
    "__address__",
    "__scheme__",
    "__metrics_path__",
    "__param_x",
    "__param_z",
    "__scrape_interval__",
    "__scrape_timeout__",
    "__tmp_y",
    "__meta_x",
    "_",
    "A",
];

/// Templates that pass 2.x's `target_label` check for replace.
const TEMPLATE_TARGETS: &[&str] = &[
    "${1}",
    "$1",
    "label_$1",
    "${name}",
    "x_${1}_y",
    "$name",
    "${2}",
    "asd$2asd",
    "_${1}_",
    "$1_x",
    "${1}${2}",
    "__param_$1",
];

/// Rejected by 2.x at load (or, for some, only suspected to be).
const BAD_TARGETS: &[&str] = &[
    "0${1}",
    "-${1}",
    "bar.foo${1}",
    "${1}.x",
    "$",
    "0abc",
    "a-b",
    "a.b",
    "ü",
    "${",
    "$$",
    "$1 x",
];

const SEPARATORS: &[&str] = &[";", "", ",", "\n", "::", "-"];

const MODULI: &[&str] = &[
    "1",
    "2",
    "3",
    "7",
    "10",
    "1000",
    "4294967296",
    "18446744073709551615",
    // YAML integer spellings: hex, octal (YAML 1.1), digit separators.
    "0x10",
    "010",
    "1_000",
];

// ---------------------------------------------------------------- scenarios

/// YAML `key: value` pairs, values already rendered; an empty value renders
/// as a YAML null (`key:`).
type Fields = Vec<(&'static str, String)>;

struct Scenario {
    index: usize,
    /// "random" or "invalid candidate: …" (a mutation aimed at load-time checks).
    kind: String,
    job: String,
    config: String,
    targets: String,
    actions: Vec<&'static str>,
}

/// YAML double-quoted scalar; JSON escapes are a subset of YAML's.
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialise")
}

fn q_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn set_field(fields: &mut Fields, key: &'static str, value: String) {
    fields.retain(|(k, _)| *k != key);
    fields.push((key, value));
}

/// Actions are case-insensitive in Prometheus; vary the spelling.
fn spell(rng: &mut Rng, action: &str) -> String {
    let word = match rng.below(8) {
        0 => {
            let mut c = action.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
        1 => action.to_uppercase(),
        2 => action
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect(),
        _ => action.to_string(),
    };
    if rng.percent(20) {
        q(&word)
    } else {
        word
    }
}

fn weighted_action(rng: &mut Rng) -> &'static str {
    let total: usize = ACTION_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut n = rng.below(total);
    for (action, weight) in ACTION_WEIGHTS {
        if n < *weight {
            return action;
        }
        n -= weight;
    }
    "replace"
}

fn compose_regex(rng: &mut Rng, depth: u32) -> String {
    let mut s = String::new();
    if depth == 0 && rng.percent(15) {
        s.push_str(rng.pick(&["(?i)", "(?s)", "(?m)", "(?U)", "(?is)"]));
    }
    if depth == 0 && rng.percent(10) {
        s.push('^');
    }
    for _ in 0..1 + rng.below(3) {
        if depth < 2 && rng.percent(30) {
            let inner = compose_regex(rng, depth + 1);
            let group = match rng.below(5) {
                0 => format!("({inner})"),
                1 => format!("(?:{inner})"),
                2 => format!("(?P<{}>{inner})", rng.pick(&["name", "n", "x1"])),
                3 => format!("(?i:{inner})"),
                _ => format!("({inner}|{})", compose_regex(rng, depth + 1)),
            };
            s.push_str(&group);
        } else {
            s.push_str(rng.pick(REGEX_ATOMS));
        }
        s.push_str(rng.pick(QUANTIFIERS));
    }
    if depth == 0 && rng.percent(10) {
        s.push('$');
    }
    if depth == 0 && rng.percent(15) {
        let other = compose_regex(rng, 1);
        s = format!("{s}|{other}");
    }
    s
}

fn value_regex(rng: &mut Rng) -> String {
    if rng.percent(65) {
        rng.pick(VALUE_REGEXES).to_string()
    } else {
        compose_regex(rng, 0)
    }
}

/// `regex:` is sometimes left null, which Prometheus reads as the empty regex.
fn push_regex(rng: &mut Rng, f: &mut Fields, regex: String) {
    if rng.percent(3) {
        f.push(("regex", String::new()));
    } else {
        f.push(("regex", q(&regex)));
    }
}

fn push_sources(rng: &mut Rng, f: &mut Fields, percent: u64) {
    if !rng.percent(percent) {
        return;
    }
    let n = rng.pick(&[0usize, 1, 1, 1, 2, 2, 3]);
    let names: Vec<&str> = (0..n).map(|_| rng.pick(SOURCE_LABELS)).collect();
    f.push(("source_labels", q_list(&names)));
}

fn push_separator(rng: &mut Rng, f: &mut Fields, percent: u64) {
    if rng.percent(percent) {
        f.push(("separator", q(rng.pick(SEPARATORS))));
    }
}

fn plain_or_template_target(rng: &mut Rng, template_percent: u64) -> String {
    if rng.percent(template_percent) {
        q(rng.pick(TEMPLATE_TARGETS))
    } else {
        q(rng.pick(PLAIN_TARGETS))
    }
}

fn random_rule(rng: &mut Rng) -> (&'static str, Fields) {
    let action = weighted_action(rng);
    let mut f = Fields::new();
    // replace is the default action; leave it out sometimes.
    if !(action == "replace" && rng.percent(30)) {
        f.push(("action", spell(rng, action)));
    }
    match action {
        "replace" => {
            push_sources(rng, &mut f, 85);
            push_separator(rng, &mut f, 15);
            if rng.percent(75) {
                let re = value_regex(rng);
                push_regex(rng, &mut f, re);
            }
            if rng.percent(80) {
                f.push(("replacement", q(rng.pick(REPLACEMENTS))));
            }
            let target = if rng.percent(3) {
                q(rng.pick(BAD_TARGETS))
            } else {
                plain_or_template_target(rng, 30)
            };
            f.push(("target_label", target));
        }
        "keep" | "drop" => {
            push_sources(rng, &mut f, 95);
            push_separator(rng, &mut f, 15);
            if rng.percent(90) {
                let re = value_regex(rng);
                push_regex(rng, &mut f, re);
            }
        }
        "keepequal" | "dropequal" => {
            push_sources(rng, &mut f, 95);
            f.push(("target_label", q(rng.pick(PLAIN_TARGETS))));
        }
        "hashmod" => {
            push_sources(rng, &mut f, 95);
            push_separator(rng, &mut f, 15);
            f.push(("target_label", q(rng.pick(PLAIN_TARGETS))));
            f.push(("modulus", rng.pick(MODULI).to_string()));
        }
        "labelmap" => {
            if rng.percent(90) {
                let re = rng.pick(NAME_REGEXES).to_string();
                push_regex(rng, &mut f, re);
            }
            if rng.percent(3) {
                f.push(("replacement", q("")));
            } else if rng.percent(70) {
                f.push(("replacement", q(rng.pick(LABELMAP_REPLACEMENTS))));
            }
        }
        "labeldrop" => {
            let re = rng.pick(NAME_REGEXES).to_string();
            push_regex(rng, &mut f, re);
        }
        "labelkeep" => {
            let re = rng.pick(KEEP_REGEXES).to_string();
            push_regex(rng, &mut f, re);
        }
        _ => {
            // lowercase / uppercase
            push_sources(rng, &mut f, 95);
            push_separator(rng, &mut f, 10);
            let target = plain_or_template_target(rng, 10);
            f.push(("target_label", target));
        }
    }
    // Field order does not matter to either loader; vary it a little.
    if f.len() > 1 && rng.percent(20) {
        let k = rng.below(f.len());
        f.rotate_left(k);
    }
    (action, f)
}

/// A config duration; mostly no longer than `max_ms`, sometimes invalid.
fn config_duration(rng: &mut Rng, max_ms: u64) -> (String, u64) {
    if rng.percent(3) {
        return (q(rng.pick(BAD_CONFIG_DURATIONS)), 0);
    }
    let fitting: Vec<(&str, u64)> = CONFIG_DURATIONS
        .iter()
        .copied()
        .filter(|(_, ms)| *ms <= max_ms)
        .collect();
    let (text, ms) = if fitting.is_empty() || rng.percent(10) {
        rng.pick(CONFIG_DURATIONS)
    } else {
        rng.pick(&fitting)
    };
    (q(text), ms)
}

fn random_settings(rng: &mut Rng, global: &mut Fields, job: &mut Fields) {
    // Prometheus defaults: interval 1m, timeout 10s (capped at the interval).
    let mut interval = 60_000;
    if rng.percent(20) {
        if rng.percent(70) {
            let (text, ms) = config_duration(rng, u64::MAX);
            global.push(("scrape_interval", text));
            interval = ms;
        }
        if rng.percent(50) {
            global.push(("scrape_timeout", config_duration(rng, interval).0));
        }
    }
    if rng.percent(35) {
        let (text, ms) = config_duration(rng, u64::MAX);
        job.push(("scrape_interval", text));
        interval = ms;
    }
    if rng.percent(30) {
        job.push(("scrape_timeout", config_duration(rng, interval).0));
    }
    if rng.percent(25) {
        job.push(("scheme", q(rng.pick(&["http", "https"]))));
    }
    if rng.percent(20) {
        job.push((
            "metrics_path",
            q(rng.pick(&["/m", "/metrics", "", "/a/b", "x", "/ü"])),
        ));
    }
    if rng.percent(25) {
        let mut keys = vec!["x", "y", "module", "target", "a b"];
        let mut entries = Vec::new();
        for _ in 0..1 + rng.below(2) {
            // "a b" (not a valid label name once prefixed) only rarely.
            let n = if rng.percent(5) {
                keys.len()
            } else {
                keys.len() - 1
            };
            let key = keys.remove(rng.below(n));
            let values: Vec<&str> = (0..rng.below(3)).map(|_| rng.pick(VALUES)).collect();
            entries.push(format!("{}: {}", q(key), q_list(&values)));
        }
        job.push(("params", format!("{{{}}}", entries.join(", "))));
    }
}

fn label_value(rng: &mut Rng, name: &str) -> String {
    let special = rng.percent(70);
    let v = match name {
        "__scrape_interval__" | "__scrape_timeout__" if special => rng.pick(DURATION_LABEL_VALUES),
        "__scheme__" if special => rng.pick(SCHEME_VALUES),
        "__metrics_path__" if special => rng.pick(PATH_VALUES),
        "__address__" => rng.pick(ADDRESSES),
        _ => rng.pick(VALUES),
    };
    v.to_string()
}

fn random_targets(rng: &mut Rng) -> String {
    let address = if rng.percent(5) {
        ""
    } else {
        rng.pick(ADDRESSES)
    };
    let mut labels = Map::new();
    for _ in 0..rng.below(5) {
        let name = rng.pick(LABEL_NAMES);
        let value = label_value(rng, name);
        labels.insert(name.to_string(), Value::String(value));
    }
    let mut group = Map::new();
    group.insert("targets".into(), json!([address]));
    if !labels.is_empty() || rng.percent(50) {
        group.insert("labels".into(), Value::Object(labels));
    }
    serde_json::to_string_pretty(&json!([group])).expect("targets serialise")
}

/// Injects one change aimed at a load-time check. Some of the variants are
/// actually valid (e.g. keepequal with `separator: ";"`); both sides must
/// still agree.
fn mutate(
    rng: &mut Rng,
    rules: &mut Vec<Option<Fields>>,
    actions: &mut Vec<&'static str>,
    global: &mut Fields,
    job: &mut Fields,
) -> &'static str {
    let mut rule = |action: &'static str, rng: &mut Rng| -> Fields {
        actions.push(action);
        vec![("action", spell(rng, action))]
    };
    // `new_rule` is None for config-level changes; Some(None) is a null rule.
    let (what, new_rule): (&'static str, Option<Option<Fields>>) = match rng.below(17) {
        0 => {
            let mut f = rule("replace", rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("replacement", q("x")));
            ("replace without target_label", Some(Some(f)))
        }
        1 => {
            let mut f = rule("hashmod", rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("target_label", q("h")));
            if rng.percent(50) {
                f.push(("modulus", "0".into()));
            }
            ("hashmod with modulus 0 or missing", Some(Some(f)))
        }
        2 => {
            let mut f = rule(rng.pick(&["keepequal", "dropequal"]), rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("target_label", q("b")));
            let (k, v) = rng.pick(&[
                ("regex", "(.*)"),
                ("regex", "a"),
                ("separator", ";"),
                ("separator", ","),
                ("modulus", "1"),
                ("replacement", "$1"),
                ("replacement", "x"),
            ]);
            f.push((k, if k == "modulus" { v.to_string() } else { q(v) }));
            ("keepequal/dropequal with another field", Some(Some(f)))
        }
        3 => {
            let mut f = rule(rng.pick(&["labeldrop", "labelkeep"]), rng);
            f.push(("regex", q("a|__.*")));
            let (k, v) = rng.pick(&[
                ("source_labels", "[\"a\"]"),
                ("source_labels", "[]"),
                ("target_label", "\"a\""),
                ("modulus", "2"),
                ("separator", "\",\""),
                ("separator", "\";\""),
                ("replacement", "\"x\""),
                ("replacement", "\"$1\""),
            ]);
            f.push((k, v.to_string()));
            ("labeldrop/labelkeep with another field", Some(Some(f)))
        }
        4 => {
            let action = rng.pick(&["replace", "keep", "drop", "labeldrop", "labelmap"]);
            let mut f = rule(action, rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("regex", q(rng.pick(INVALID_REGEXES))));
            if action == "replace" {
                f.push(("target_label", q("b")));
            }
            if matches!(action, "labeldrop" | "labelmap") {
                f.retain(|(k, _)| *k != "source_labels");
            }
            ("invalid (or Go-only) regex", Some(Some(f)))
        }
        5 => {
            let f = vec![
                (
                    "action",
                    q(rng.pick(&[
                        "foo",
                        "replace ",
                        "",
                        "label_drop",
                        "keep-equal",
                        "hash_mod",
                        "ReplacE_",
                    ])),
                ),
                ("source_labels", q_list(&["a"])),
                ("target_label", q("b")),
            ];
            ("unknown action", Some(Some(f)))
        }
        6 => {
            let mut f = rule("replace", rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("target_label", q(rng.pick(BAD_TARGETS))));
            ("replace target_label not valid under 2.x", Some(Some(f)))
        }
        7 => {
            let mut f = rule("labelmap", rng);
            f.push(("regex", q("(.*)")));
            f.push((
                "replacement",
                q(rng.pick(&["l-$1", "0$1", "$1.x", "a b", "ü"])),
            ));
            (
                "labelmap replacement not a valid name template",
                Some(Some(f)),
            )
        }
        8 => {
            let action = rng.pick(&[
                "hashmod",
                "keepequal",
                "dropequal",
                "lowercase",
                "uppercase",
            ]);
            let mut f = rule(action, rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push((
                "target_label",
                q(rng.pick(&["${1}", "$1", "label_$1", "0abc", "a-b"])),
            ));
            if action == "hashmod" {
                f.push(("modulus", "10".into()));
            }
            (
                "templated/invalid target on a non-replace action",
                Some(Some(f)),
            )
        }
        9 => {
            let mut f = rule(rng.pick(&["lowercase", "uppercase"]), rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("target_label", q("b")));
            f.push(("replacement", q(rng.pick(&["x", "$1", "${1}", ""]))));
            ("replacement on lowercase/uppercase", Some(Some(f)))
        }
        10 => {
            let action = rng.pick(&["replace", "keep", "hashmod"]);
            let mut f = rule(action, rng);
            f.push((
                "source_labels",
                q_list(&[rng.pick(&["a.b", "0a", "ü", "a-b", ""])]),
            ));
            if action != "keep" {
                f.push(("target_label", q("b")));
            }
            if action == "hashmod" {
                f.push(("modulus", "3".into()));
            }
            ("invalid source label name", Some(Some(f)))
        }
        11 => {
            let mut f = rule("replace", rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("target_label", q("b")));
            f.push((rng.pick(&["regexp", "Regex", "targetlabel"]), q("x")));
            ("unknown rule field", Some(Some(f)))
        }
        12 => {
            let mut f = rule("hashmod", rng);
            f.push(("source_labels", q_list(&["a"])));
            f.push(("target_label", q("h")));
            f.push((
                "modulus",
                rng.pick(&[
                    "-1",
                    "abc",
                    "1.5",
                    "1e3",
                    "18446744073709551616",
                    "\"5\"",
                    "~",
                ])
                .to_string(),
            ));
            (
                "negative, float, string or out-of-range modulus",
                Some(Some(f)),
            )
        }
        13 => {
            let rule = if rng.percent(50) {
                None
            } else {
                Some(Fields::new())
            };
            ("null or empty rule", Some(rule))
        }
        14 => {
            let fields = if rng.percent(70) { job } else { global };
            set_field(fields, "scrape_interval", q("10s"));
            set_field(
                fields,
                "scrape_timeout",
                q(rng.pick(&["20s", "10s", "11s"])),
            );
            (
                "scrape_timeout greater than (or equal to) scrape_interval",
                None,
            )
        }
        15 => {
            set_field(
                job,
                "scheme",
                q(rng.pick(&["ftp", "HTTP", "", "https ", "unix"])),
            );
            // 2.x accepts any scheme at load and fails per target instead.
            ("non-http(s) config scheme", None)
        }
        _ => {
            let key = rng.pick(&["scrape_interval", "scrape_timeout"]);
            set_field(job, key, q(rng.pick(BAD_CONFIG_DURATIONS)));
            ("invalid config duration", None)
        }
    };
    if let Some(new_rule) = new_rule {
        let pos = rng.below(rules.len() + 1);
        rules.insert(pos, new_rule);
    }
    what
}

fn render_fields(out: &mut String, first: &str, rest: &str, fields: &Fields) {
    for (i, (k, v)) in fields.iter().enumerate() {
        let lead = if i == 0 { first } else { rest };
        if v.is_empty() {
            let _ = writeln!(out, "{lead}{k}:");
        } else {
            let _ = writeln!(out, "{lead}{k}: {v}");
        }
    }
}

fn render_config(
    global: &Fields,
    job: &str,
    job_fields: &Fields,
    sd_path: &str,
    rules: &[Option<Fields>],
) -> String {
    let mut y = String::new();
    if !global.is_empty() {
        y.push_str("global:\n");
        render_fields(&mut y, "  ", "  ", global);
    }
    y.push_str("scrape_configs:\n");
    let _ = writeln!(y, "  - job_name: {}", q(job));
    render_fields(&mut y, "    ", "    ", job_fields);
    y.push_str("    file_sd_configs:\n");
    let _ = writeln!(y, "      - files: [{}]", q(sd_path));
    if !rules.is_empty() {
        y.push_str("    relabel_configs:\n");
        for rule in rules {
            match rule {
                None => y.push_str("      -\n"),
                Some(f) if f.is_empty() => y.push_str("      - {}\n"),
                Some(f) => render_fields(&mut y, "      - ", "        ", f),
            }
        }
    }
    y
}

fn generate(seed: u64, index: usize, sd_path: &str) -> Scenario {
    let mut rng = Rng::for_scenario(seed, index);
    let job = rng.pick(JOB_NAMES).to_string();
    let mut rules: Vec<Option<Fields>> = Vec::new();
    let mut actions = Vec::new();
    for _ in 0..rng.below(6) {
        let (action, rule) = random_rule(&mut rng);
        actions.push(action);
        rules.push(Some(rule));
    }
    let mut global = Fields::new();
    let mut job_fields = Fields::new();
    random_settings(&mut rng, &mut global, &mut job_fields);
    let kind = if rng.percent(15) {
        let what = mutate(
            &mut rng,
            &mut rules,
            &mut actions,
            &mut global,
            &mut job_fields,
        );
        format!("invalid candidate: {what}")
    } else {
        "random".to_string()
    };
    let targets = random_targets(&mut rng);
    Scenario {
        index,
        kind,
        config: render_config(&global, &job, &job_fields, sd_path, &rules),
        job,
        targets,
        actions,
    }
}

// ---------------------------------------------------------------- oracles

#[derive(Debug, Clone)]
enum Outcome {
    ConfigRejected(String),
    Kept(BTreeMap<String, String>),
    Dropped,
    /// Population error; promtool loses the text, so only kdm's is shown.
    Failed(String),
}

impl Outcome {
    fn category(&self) -> &'static str {
        match self {
            Outcome::ConfigRejected(_) => "config rejected",
            Outcome::Kept(_) => "kept",
            Outcome::Dropped => "dropped",
            Outcome::Failed(_) => "target error",
        }
    }

    fn agrees(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Kept(a), Outcome::Kept(b)) => a == b,
            _ => self.category() == other.category(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Outcome::ConfigRejected(msg) => format!("config rejected: {msg}"),
            Outcome::Kept(labels) => format!(
                "kept {}",
                serde_json::to_string(labels).expect("labels serialise")
            ),
            Outcome::Dropped => "dropped".into(),
            Outcome::Failed(msg) => format!("target error: {msg}"),
        }
    }
}

fn string_map(v: &Value) -> Result<BTreeMap<String, String>, String> {
    let obj = v.as_object().ok_or_else(|| format!("not an object: {v}"))?;
    obj.iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) => Ok((k.clone(), s.to_string())),
            None => Err(format!("label {k:?} is not a string: {v}")),
        })
        .collect()
}

/// promtool's load error from `needle` on; yaml errors continue on indented
/// lines, which are joined.
fn message_from(text: &str, needle: &str) -> String {
    let start = text.find(needle).unwrap_or(0);
    let mut lines = text[start..].lines();
    let mut msg = lines.next().unwrap_or(needle).trim().to_string();
    for line in lines.take_while(|l| l.starts_with(' ') || l.starts_with('\t')) {
        msg.push(' ');
        msg.push_str(line.trim());
    }
    msg
}

/// Returns the outcome, the raw output, and the timeout that produced it.
fn run_promtool(
    promtool: &Path,
    config: &Path,
    job: &str,
) -> Result<(Outcome, String, &'static str), String> {
    for &timeout in TIMEOUTS {
        let out = Command::new(promtool)
            .args(["check", "service-discovery"])
            .arg(config)
            .arg(job)
            .arg(format!("--timeout={timeout}"))
            .output()
            .map_err(|e| format!("cannot run promtool: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let all = format!("{stdout}{stderr}");
        if out.status.code() == Some(1) && all.contains("Cannot load config") {
            let msg = message_from(&all, "Cannot load config");
            return Ok((Outcome::ConfigRejected(msg.clone()), msg, timeout));
        }
        if !out.status.success() {
            return Err(format!("promtool failed ({}): {all}", out.status));
        }
        let parsed: Value = serde_json::from_str(&stdout)
            .map_err(|e| format!("promtool printed non-JSON ({e}): {stdout}"))?;
        let results = parsed
            .as_array()
            .ok_or_else(|| format!("promtool did not print an array: {stdout}"))?;
        let one = match results.as_slice() {
            [] => continue,
            [one] => one,
            _ => return Err(format!("promtool gave several results: {stdout}")),
        };
        let outcome = if one.get("error").is_some() {
            Outcome::Failed("(promtool does not print error texts)".into())
        } else {
            let labels = string_map(&one["labels"])?;
            if labels.is_empty() {
                Outcome::Dropped
            } else {
                Outcome::Kept(labels)
            }
        };
        return Ok((outcome, stdout, timeout));
    }
    Err(format!(
        "promtool printed [] even with --timeout={}",
        TIMEOUTS[TIMEOUTS.len() - 1]
    ))
}

/// One line from kdm's rendered diagnostic: its headline plus, for regex
/// errors, the parser's own `error:` line from the snippet.
fn kdm_error_summary(stderr: &str) -> String {
    let clean = |l: &str| {
        l.trim_start_matches(|c: char| c.is_whitespace() || "×│".contains(c))
            .trim()
            .to_string()
    };
    let mut lines = stderr.lines().map(clean).filter(|l| !l.is_empty());
    let mut msg = lines.next().unwrap_or_default();
    if let Some(detail) = lines.find(|l| l.starts_with("error: ")) {
        msg.push(' ');
        msg.push_str(&detail);
    }
    msg
}

fn run_kdm(config: &Path, job: &str, sd: &Path) -> Result<(Outcome, String), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(["relabel-sim", "--config"])
        .arg(config)
        .args(["--job", job, "--targets"])
        .arg(sd)
        .args(["--prometheus-version", "2", "--output", "json"])
        .output()
        .map_err(|e| format!("cannot run kdm: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(2) => Ok((Outcome::ConfigRejected(kdm_error_summary(&stderr)), stderr)),
        Some(0) => {
            let parsed: Value = serde_json::from_str(&stdout)
                .map_err(|e| format!("kdm printed non-JSON ({e}): {stdout}"))?;
            let results = parsed["results"]
                .as_array()
                .ok_or_else(|| format!("kdm output has no results array: {stdout}"))?;
            let [r] = results.as_slice() else {
                return Err(format!("kdm gave {} results: {stdout}", results.len()));
            };
            let outcome = if let Some(err) = r["error"].as_str() {
                Outcome::Failed(err.to_string())
            } else if !r["dropped_by_rule"].is_null() {
                Outcome::Dropped
            } else {
                Outcome::Kept(string_map(&r["target"])?)
            };
            let mut shown = r.clone();
            if let Some(obj) = shown.as_object_mut() {
                obj.remove("steps");
            }
            let raw = serde_json::to_string_pretty(&shown).expect("JSON re-serialises");
            Ok((outcome, raw))
        }
        _ => Err(format!("kdm failed ({}): {stderr}{stdout}", out.status)),
    }
}

// ---------------------------------------------------------------- driver

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn env_number(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    let raw = raw.trim();
    let parsed = match raw.strip_prefix("0x").or_else(|| raw.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => raw.replace('_', "").parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={raw:?} is not a number: {e}")))
}

fn label_diff(p: &BTreeMap<String, String>, k: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let names: std::collections::BTreeSet<&String> = p.keys().chain(k.keys()).collect();
    for name in names {
        let (a, b) = (p.get(name), k.get(name));
        if a != b {
            let _ = writeln!(out, "    {name:?}: promtool={a:?} kdm={b:?}");
        }
    }
    out
}

#[derive(Default)]
struct Stats {
    actions: BTreeMap<&'static str, usize>,
    /// promtool's load errors, shortened, to show which checks were exercised.
    rejections: BTreeMap<String, usize>,
    outcomes: BTreeMap<&'static str, usize>,
    mutations: usize,
    retried: usize,
}

struct Problem {
    index: usize,
    /// One line for the closing list.
    summary: String,
    /// Everything needed to reproduce.
    text: String,
}

/// Full reports are printed for this many mismatches; all get a summary line.
const DETAILED_REPORTS: usize = 20;

#[test]
fn relabel_sim_v2_matches_promtool() {
    let Some(promtool) = find_on_path("promtool") else {
        if std::env::var("KDM_REQUIRE_ORACLES").as_deref() == Ok("1") {
            panic!(
                "promtool not found on PATH and KDM_REQUIRE_ORACLES=1 \
                 (apt-get install prometheus)"
            );
        }
        eprintln!(
            "skipping promtool differential test: promtool not found (apt-get install prometheus)"
        );
        return;
    };
    let seed = env_number("KDM_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("KDM_DIFF_SCENARIOS").map_or(DEFAULT_SCENARIOS, |n| n as usize);
    let only = env_number("KDM_DIFF_ONLY").map(|n| n as usize);
    let indexes: Vec<usize> = match only {
        Some(i) => vec![i],
        None => (0..count).collect(),
    };

    let work = tempfile::Builder::new()
        .prefix("promtool_diff-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("create scratch directory");
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let stats = Mutex::new(Stats::default());
    let problems = Mutex::new(Vec::<Problem>::new());

    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(indexes.len()) {
            scope.spawn(|| {
                while let Some(&index) = indexes.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Some(problem) =
                        check_scenario(&promtool, seed, index, work.path(), &stats)
                    {
                        problems.lock().expect("problems lock").push(problem);
                    }
                }
            });
        }
    });

    let elapsed = started.elapsed();
    let stats = stats.into_inner().expect("stats lock");
    let mut problems = problems.into_inner().expect("problems lock");
    problems.sort_by_key(|p| p.index);
    eprintln!(
        "promtool differential: seed {seed:#x}, {} scenarios in {:.1}s, {} mismatches; \
         outcomes {:?}; {} invalid-config candidates; {} needed a longer promtool timeout; \
         rules per action {:?}",
        indexes.len(),
        elapsed.as_secs_f64(),
        problems.len(),
        stats.outcomes,
        stats.mutations,
        stats.retried,
        stats.actions,
    );
    let mut reasons: Vec<(&String, &usize)> = stats.rejections.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1));
    for (reason, n) in reasons {
        eprintln!("  {n:5} config rejected by promtool: {reason}");
    }

    if !problems.is_empty() {
        // Keep the files of the detailed reports only; the others are one
        // KDM_DIFF_ONLY run away.
        for p in problems.iter().skip(DETAILED_REPORTS) {
            let _ = std::fs::remove_dir_all(work.path().join(p.index.to_string()));
        }
        let kept = work.keep();
        let mut msg = String::new();
        for p in problems.iter().take(DETAILED_REPORTS) {
            msg.push_str(&p.text);
        }
        if problems.len() > DETAILED_REPORTS {
            let _ = writeln!(
                msg,
                "\n({} more; rerun one with KDM_DIFF_ONLY=<index> for its details)",
                problems.len() - DETAILED_REPORTS
            );
        }
        msg.push_str("\n=== all mismatches:\n");
        for p in &problems {
            let _ = writeln!(msg, "{}", p.summary);
        }
        panic!(
            "{msg}\n{} of {} scenarios disagree with promtool (seed {seed:#x}); \
             files kept under {}",
            problems.len(),
            indexes.len(),
            kept.display(),
        );
    }

    // The default run must actually exercise what it claims to cover.
    if only.is_none() && count >= 1000 {
        for action in ACTIONS {
            assert!(
                stats.actions.get(action).copied().unwrap_or(0) > 0,
                "no scenario used action {action}"
            );
        }
        for category in ["kept", "dropped", "target error", "config rejected"] {
            assert!(
                stats.outcomes.get(category).copied().unwrap_or(0) >= count / 100,
                "fewer than 1% of scenarios ended as {category}: {:?}",
                stats.outcomes
            );
        }
    }
}

/// The reason part of promtool's "Cannot load config parsing YAML file F: …",
/// with quoted values elided so that they do not split the counts.
/// Runs one scenario through both tools; a disagreement (or a tool failure)
/// comes back as a problem, with its files left in `work/<index>`.
fn check_scenario(
    promtool: &Path,
    seed: u64,
    index: usize,
    work: &Path,
    stats: &Mutex<Stats>,
) -> Option<Problem> {
    let dir = work.join(index.to_string());
    std::fs::create_dir_all(&dir).expect("create scenario directory");
    let sd = dir.join("targets.json");
    let cfg = dir.join("prometheus.yml");
    let s = generate(seed, index, sd.to_str().expect("scratch paths are UTF-8"));
    std::fs::write(&sd, &s.targets).expect("write targets");
    std::fs::write(&cfg, &s.config).expect("write config");

    let oracle = run_promtool(promtool, &cfg, &s.job);
    let ours = run_kdm(&cfg, &s.job, &sd);
    if let (Ok((p, _, timeout)), Ok((k, _))) = (&oracle, &ours) {
        let mut st = stats.lock().expect("stats lock");
        for a in &s.actions {
            *st.actions.entry(a).or_default() += 1;
        }
        *st.outcomes.entry(p.category()).or_default() += 1;
        if let Outcome::ConfigRejected(msg) = p {
            *st.rejections.entry(rejection_kind(msg)).or_default() += 1;
        }
        st.mutations += usize::from(s.kind != "random");
        st.retried += usize::from(*timeout != TIMEOUTS[0]);
        if p.agrees(k) {
            let _ = std::fs::remove_dir_all(&dir);
            return None;
        }
    }
    Some(Problem {
        index,
        summary: summary_line(&s, &oracle, &ours),
        text: report(seed, &s, &dir, &oracle, &ours),
    })
}

fn rejection_kind(msg: &str) -> String {
    let reason = msg.rsplit(".yml: ").next().unwrap_or(msg);
    let mut out = String::new();
    let mut quote = None;
    for c in reason.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '`') => {
                quote = Some(c);
                out.push('…');
            }
            None => out.push(c),
        }
    }
    let out = match out.split_once(": line ") {
        Some((head, tail)) => format!("{head}: {}", tail.split_once(": ").map_or(tail, |t| t.1)),
        None => out,
    };
    out.chars().take(90).collect()
}

fn short(outcome: &Result<(Outcome, String), String>, other: Option<&Outcome>) -> String {
    let cut = |m: &str| m.chars().take(110).collect::<String>();
    match outcome {
        Err(e) => format!("FAILED {}", cut(e)),
        Ok((Outcome::Kept(mine), _)) => match other {
            Some(Outcome::Kept(theirs)) => {
                let names: std::collections::BTreeSet<&String> = mine
                    .keys()
                    .chain(theirs.keys())
                    .filter(|k| mine.get(*k) != theirs.get(*k))
                    .collect();
                format!("kept, labels differ: {names:?}")
            }
            _ => "kept".into(),
        },
        Ok((Outcome::ConfigRejected(msg), _)) => {
            // Drop promtool's "Cannot load config parsing YAML file <path>: ".
            let reason = msg.rsplit(".yml: ").next().unwrap_or(msg);
            format!("config rejected: {}", cut(reason))
        }
        Ok((Outcome::Failed(_), _)) if other.is_none() => "target error".into(),
        Ok((o, _)) => cut(&o.describe()),
    }
}

fn summary_line(
    s: &Scenario,
    oracle: &Result<(Outcome, String, &'static str), String>,
    ours: &Result<(Outcome, String), String>,
) -> String {
    let oracle = oracle
        .as_ref()
        .map(|(o, raw, _)| (o.clone(), raw.clone()))
        .map_err(Clone::clone);
    let theirs = oracle.as_ref().ok().map(|(o, _)| o);
    format!(
        "  scenario {} ({}): promtool {} | kdm {}",
        s.index,
        s.kind,
        short(&oracle, None),
        short(ours, theirs),
    )
}

fn report(
    seed: u64,
    s: &Scenario,
    dir: &Path,
    oracle: &Result<(Outcome, String, &'static str), String>,
    ours: &Result<(Outcome, String), String>,
) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "\n=== mismatch: seed {seed:#x}, scenario {} ({})",
        s.index, s.kind
    );
    let _ = writeln!(
        t,
        "reproduce: KDM_DIFF_SEED={seed:#x} KDM_DIFF_ONLY={} cargo test --test promtool_diff",
        s.index
    );
    let cfg = dir.join("prometheus.yml");
    let sd = dir.join("targets.json");
    let _ = writeln!(
        t,
        "  promtool check service-discovery {} {:?} --timeout=1s",
        cfg.display(),
        s.job
    );
    let _ = writeln!(
        t,
        "  kdm relabel-sim --config {} --job {:?} --targets {} --prometheus-version 2 --output json",
        cfg.display(),
        s.job,
        sd.display()
    );
    match oracle {
        Ok((o, _, _)) => {
            let _ = writeln!(t, "promtool: {}", o.describe());
        }
        Err(e) => {
            let _ = writeln!(t, "promtool FAILED: {e}");
        }
    }
    match ours {
        Ok((o, _)) => {
            let _ = writeln!(t, "kdm:      {}", o.describe());
        }
        Err(e) => {
            let _ = writeln!(t, "kdm FAILED: {e}");
        }
    }
    if let (Ok((Outcome::Kept(p), _, _)), Ok((Outcome::Kept(k), _))) = (oracle, ours) {
        let _ = writeln!(t, "label differences:\n{}", label_diff(p, k));
    }
    let _ = writeln!(t, "--- config:\n{}", s.config);
    let _ = writeln!(t, "--- targets:\n{}", s.targets);
    if let Ok((_, raw, _)) = oracle {
        let _ = writeln!(t, "--- promtool output:\n{raw}");
    }
    if let Ok((_, raw)) = ours {
        let _ = writeln!(t, "--- kdm output:\n{raw}");
    }
    t
}
