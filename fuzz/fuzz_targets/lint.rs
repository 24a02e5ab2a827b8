//! `kdm lint` on arbitrary documents: no panic, and every finding inside
//! its file.
#![no_main]
use kdm::k8s::schema::DEFAULT_VERSION as DEFAULT_KUBERNETES_VERSION;
use kdm::lint::runner::lint_parsed;
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
    let result = lint_parsed(source, docs, DEFAULT_KUBERNETES_VERSION);
    for f in &result.findings {
        let len = result.files[f.file].source.text.len();
        assert!(f.span.start <= f.span.end && f.span.end <= len, "{f:?}");
    }
    let _ = kdm::lint::report::human(&result, kdm::report::Term::PLAIN);
    let _ = kdm::lint::report::sarif(&result);
});
