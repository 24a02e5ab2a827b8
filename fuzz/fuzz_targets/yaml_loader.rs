//! The span-aware YAML loader on arbitrary text: no panic, no hang, bounded
//! memory, and every span inside the text.
#![no_main]
use kdm::yaml::{load_stream, Limits, Node, NodeKind, Source};
use libfuzzer_sys::fuzz_target;

fn check(node: &Node, len: usize) {
    assert!(
        node.span.start <= node.span.end && node.span.end <= len,
        "{:?} / {len}",
        node.span
    );
    match &node.kind {
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            check(k, len);
            check(v, len);
        }),
        NodeKind::Seq(items) => items.iter().for_each(|v| check(v, len)),
        NodeKind::Scalar { .. } => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = Source::new("fuzz", text);
    match load_stream(&src, Limits::default()) {
        Ok(docs) => docs.iter().for_each(|d| {
            check(d, text.len());
            let _ = d.to_json();
        }),
        Err(e) => {
            let _ = kdm::report::human::render(
                &kdm::diag::Error::from_load(&src, e),
                kdm::report::Term::PLAIN,
            );
        }
    }
});
