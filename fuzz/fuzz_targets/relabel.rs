//! Relabel configs and labels from arbitrary input: the text before the
//! first `\n---\n` is a scrape config (or rule list), the lines after it are
//! `name=value` labels. Config errors must render; processing must not
//! panic and must produce sorted, unique, valid label sets.
#![no_main]
use kdm::prom::config::{parse_config, ConfigInput};
use kdm::relabel::{process, Flavor, LabelBuilder, Labels};
use kdm::yaml::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (config, labels) = text.split_once("\n---\n").unwrap_or((text, ""));
    let mut input = Labels::new();
    for line in labels.lines() {
        if let Some((k, v)) = line.split_once('=') {
            if !k.is_empty() {
                input.insert(k.to_string(), v.to_string());
            }
        }
    }
    for flavor in [Flavor::V3, Flavor::V2] {
        let src = Source::new("fuzz.yml", config);
        let Ok(docs) = kdm::input::load_yaml(&src) else {
            return;
        };
        let Some(root) = docs.first() else { return };
        let rules = match parse_config(&src, root, flavor) {
            Ok(ConfigInput::Rules(r)) => r,
            Ok(ConfigInput::Jobs(jobs)) => jobs.into_iter().flat_map(|j| j.relabel).collect(),
            Err(e) => {
                let _ = kdm::report::human::render(&e, kdm::report::Term::PLAIN);
                continue;
            }
        };
        let mut lb = LabelBuilder::from_sorted(&input);
        let outcome = process(&rules, &mut lb, flavor, true);
        if outcome.dropped_by.is_none() {
            let out = lb.labels();
            // A BTreeMap is sorted and unique; names must be non-empty.
            assert!(out.keys().all(|k| !k.is_empty()));
        }
    }
});
