//! prometheus-operator resources on arbitrary text: reading, selection,
//! refusal checks and config generation never panic, and what is generated
//! reads back as YAML.
#![no_main]
use kdm::operator::compile::Options;
use kdm::operator::model::Resources;
use kdm::operator::select::Namespaces;
use kdm::yaml::{load_stream, to_go_yaml, Limits, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = Source::new("fuzz", text);
    let Ok(docs) = load_stream(&src, Limits::default()) else {
        return;
    };
    let objects = kdm::k8s::objects_in(0, &docs);
    let (mut res, _) = Resources::read_each(&[&src], &objects);
    res.apply_crd_defaults();
    let namespaces = Namespaces::from_objects(&objects);
    for (_, compiled) in kdm::operator::compile_all(&res, &namespaces, Options::default()) {
        let Ok(c) = compiled else {
            continue;
        };
        let out = to_go_yaml(&c.config);
        let back = Source::new("generated", out.clone());
        assert!(
            load_stream(&back, Limits::default()).is_ok(),
            "generated YAML does not load:\n{out}"
        );
    }
});
