//! `kdm test --update` on arbitrary test files, run against the jobs of
//! testdata's prometheus-community config whatever `config` they name:
//! load, run and rewrite never panic, and an update made parses, passes
//! when run again, needs no second update and keeps the file's line breaks
//! (LF, CRLF or lone CR).
#![no_main]
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kdm::prom::config::{ConfigInput, ScrapeJob};
use kdm::relabel::Flavor;
use kdm::testfile::parse;
use kdm::testfile::run::run_tests;
use kdm::testfile::update::rewrite;
use kdm::yaml::Source;
use libfuzzer_sys::fuzz_target;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/scrape-configs");

/// The config's jobs, loaded once per flavor: compiling their rules costs
/// more than a run.
fn jobs(flavor: Flavor) -> &'static [ScrapeJob] {
    static V2: OnceLock<Vec<ScrapeJob>> = OnceLock::new();
    static V3: OnceLock<Vec<ScrapeJob>> = OnceLock::new();
    let cell = match flavor {
        Flavor::V2 => &V2,
        Flavor::V3 => &V3,
    };
    cell.get_or_init(|| {
        let path = Path::new(DIR).join("prometheus-community__prometheus.yml");
        match kdm::sim::config::load(path, flavor) {
            Ok(ConfigInput::Jobs(jobs)) => jobs,
            _ => panic!("the prometheus-community config does not load"),
        }
    })
}

/// The one kind of line break a text uses, if it uses breaks of one kind.
fn line_breaks(text: &str) -> Option<&'static str> {
    let b = text.as_bytes();
    let (mut lf, mut crlf, mut cr) = (false, false, false);
    for (i, c) in b.iter().enumerate() {
        match c {
            b'\r' if b.get(i + 1) == Some(&b'\n') => crlf = true,
            b'\r' => cr = true,
            b'\n' if i == 0 || b[i - 1] != b'\r' => lf = true,
            _ => {}
        }
    }
    match (lf, crlf, cr) {
        (true, false, false) => Some("\n"),
        (false, true, false) => Some("\r\n"),
        (false, false, true) => Some("\r"),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path: PathBuf = Path::new(DIR).join("fuzz.test.yaml");
    let Ok(file) = parse(Source::new("fuzz.test.yaml", text), &path) else {
        return;
    };
    let Ok(outcomes) = run_tests(&file, jobs(file.flavor)) else {
        return;
    };
    let Ok(Some(update)) = rewrite(&file, &outcomes) else {
        return;
    };
    let new = update.text.as_str();
    let again = parse(Source::new("fuzz.test.yaml", new), &path)
        .unwrap_or_else(|e| panic!("the update does not parse: {}\n{new:?}", e.message()));
    let outcomes = run_tests(&again, jobs(again.flavor))
        .unwrap_or_else(|e| panic!("the update does not run: {}\n{new:?}", e.message()));
    for o in &outcomes {
        assert!(o.passed(), "{:?} fails after the update:\n{new:?}", o.name);
    }
    assert!(
        matches!(rewrite(&again, &outcomes), Ok(None)),
        "a second update changes more:\n{new:?}"
    );
    if let Some(eol) = line_breaks(text) {
        assert_eq!(line_breaks(new), Some(eol), "line breaks changed:\n{new:?}");
    }
});
