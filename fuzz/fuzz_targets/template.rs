//! `generate daemonset` with arbitrary values (YAML merged over the
//! node-exporter defaults), and arbitrary template text with the defaults:
//! errors, never panics or hangs.
#![no_main]
use kdm::generate::{generate, Options};
use kdm::template::Template;
use kdm::values::Values;
use kdm::yaml::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(template) = Template::load("node-exporter") else {
        return;
    };
    let opts = Options {
        kubernetes_version: kdm::k8s::schema::DEFAULT_VERSION,
        output_name: "<stdout>",
        scrape_config: true,
    };
    let mut values = Values::default();
    if let Some(defaults) = &template.defaults {
        let _ = values.merge_file(defaults.clone());
    }
    if values
        .merge_file(Source::new("fuzz-values.yaml", text))
        .is_ok()
    {
        let _ = generate(&template, &values, &opts);
    }
    // The same text as a template.
    let custom = Template {
        name: "fuzz".into(),
        main: Source::new("fuzz/daemonset.yaml.j2", text),
        others: Vec::new(),
        defaults: None,
        schema: None,
    };
    let _ = custom.render(&values.tree);
});
