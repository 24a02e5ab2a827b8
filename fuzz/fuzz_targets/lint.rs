//! `kdm lint` on arbitrary documents: no panic, and every finding inside
//! its file.
#![no_main]
use kdm::lint::config::LintConfig;
use kdm::lint::runner::{run_loaded, LintOptions};
use kdm::lint::LintFile;
use kdm::yaml::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::new("fuzz.yaml", text);
    let Ok(docs) = kdm::input::load_yaml(&source) else {
        return;
    };
    let opts = LintOptions {
        paths: Vec::new(),
        force_prometheus: false,
        kubernetes_version: "1.37".into(),
        config: LintConfig::default(),
    };
    let result = run_loaded(vec![LintFile::new(source, docs)], &opts);
    for f in &result.findings {
        let len = result.files[f.file].source.text.len();
        assert!(f.span.start <= f.span.end && f.span.end <= len, "{f:?}");
    }
    let _ = kdm::lint::report::human(&result, false);
    let _ = kdm::lint::report::sarif(&result);
});
