//! Messages and places of a few refusals; `tests/api_validation.rs` runs
//! the cases transcribed from Kubernetes' own tests.

use super::validate;
use crate::yaml::{load_stream, Limits, Source};

fn problems(text: &str) -> Vec<(usize, String)> {
    let source = Source::new("t.yaml", text);
    let docs = load_stream(&source, Limits::default()).unwrap_or_default();
    crate::k8s::objects_in(0, &docs)
        .iter()
        .flat_map(validate)
        .map(|p| {
            (
                source.line_col(p.span.start).0,
                format!("{}: {}", p.path, p.message),
            )
        })
        .collect()
}

#[test]
fn messages_are_the_api_servers() {
    let got = problems(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources:\n      requests: {memory: 1Gb}\n      limits: {memroy: 1Gi}\n    ports:\n    - {containerPort: 80, protocol: tcp}\n",
    );
    assert_eq!(
        got,
        vec![
            (12, "spec.containers[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\"".to_string()),
            (10, "spec.containers[0].resources.limits[memroy]: Invalid value: \"memroy\": must be a standard resource type or fully qualified".to_string()),
            (9, "spec.containers[0].resources.requests[memory]: Invalid value: \"1Gb\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_string()),
        ]
    );
}

/// An image is required everywhere; only a Pod's is refused with spaces
/// around it (templates keep them for backward compatibility).
#[test]
fn images_are_required_and_only_a_pods_is_trimmed() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: ' i'}\n  - {name: d}\n";
    assert_eq!(problems(pod).len(), 2);
    let ds = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: ' i'}\n      - {name: d}\n";
    assert_eq!(problems(ds).len(), 1);
}

#[test]
fn other_api_versions_are_left_alone() {
    let old = "apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata: {name: Bad_Name}\n";
    assert!(problems(old).is_empty());
}
