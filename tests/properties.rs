//! Property tests: relabeling never panics and always yields sorted, unique,
//! valid label sets; lint never reports a location outside its file.

use proptest::prelude::*;

use kdm::k8s::schema::DEFAULT_VERSION as DEFAULT_KUBERNETES_VERSION;
use kdm::lint::runner::lint_parsed;
use kdm::prom::config::{parse_config, ConfigInput};
use kdm::relabel::{process, Flavor, LabelBuilder, Labels};
use kdm::yaml::Source;

fn label_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("__address__".to_string()),
        Just("__meta_kubernetes_pod_label_app".to_string()),
        Just("__meta_kubernetes_namespace".to_string()),
        Just("job".to_string()),
        "[a-z_][a-z0-9_]{0,6}",
    ]
}

fn label_value() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z0-9.:/;-]{0,8}", "\\PC{0,4}"]
}

fn regex() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(.*)".to_string()),
        Just("(.+)".to_string()),
        Just("__meta_kubernetes_pod_label_(.+)".to_string()),
        Just("([^:]+)(?::\\d+)?;(\\d+)".to_string()),
        Just("a|b|".to_string()),
        "[a-z.*+?()|]{0,6}",
    ]
}

fn rule() -> impl Strategy<Value = String> {
    let action = prop_oneof![
        Just("replace"),
        Just("keep"),
        Just("drop"),
        Just("keepequal"),
        Just("dropequal"),
        Just("hashmod"),
        Just("labelmap"),
        Just("labeldrop"),
        Just("labelkeep"),
        Just("lowercase"),
        Just("uppercase"),
    ];
    (
        action,
        proptest::collection::vec(label_name(), 0..3),
        regex(),
        label_name(),
        prop_oneof![Just("$1"), Just("${1}x"), Just("$$"), Just("a$2b"), Just("")],
        1u64..5,
    )
        .prop_map(|(action, sources, regex, target, replacement, modulus)| {
            let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
            let sources: Vec<String> = sources.iter().map(|s| quote(s)).collect();
            format!(
                "- {{action: {action}, source_labels: [{}], regex: {}, target_label: {}, replacement: {}, modulus: {modulus}}}",
                sources.join(", "),
                quote(&regex),
                quote(&target),
                quote(replacement),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn relabeling_yields_sorted_unique_valid_labels(
        rules in proptest::collection::vec(rule(), 0..6),
        labels in proptest::collection::btree_map(label_name(), label_value(), 0..8),
        v2 in any::<bool>(),
    ) {
        let flavor = if v2 { Flavor::V2 } else { Flavor::V3 };
        let text = rules.join("\n") + "\n";
        let src = Source::new("rules.yml", text.as_str());
        let Ok(docs) = kdm::input::load_yaml(&src) else { return Ok(()) };
        let Some(root) = docs.first() else { return Ok(()) };
        let Ok(ConfigInput::Rules(parsed)) = parse_config(&src, root, flavor) else { return Ok(()) };
        let input: Labels = labels.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let mut lb = LabelBuilder::from_sorted(&input);
        let outcome = process(&parsed, &mut lb, flavor, true);
        if outcome.dropped_by.is_none() {
            let out = lb.labels();
            let names: Vec<&String> = out.keys().collect();
            prop_assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
            // A labelmap whose replacement expands to nothing (`${2}` of a
            // group that did not take part) sets a label named "", as
            // Prometheus does (promtool check service-discovery shows
            // `"": "bar"`); population refuses the target later.
            let labelmap = parsed.iter().any(|r| r.action == kdm::relabel::Action::LabelMap);
            for (k, v) in &out {
                prop_assert!(labelmap || !k.is_empty(), "empty label name");
                prop_assert!(!v.is_empty(), "labels with empty values are removed: {k}");
            }
        }
        prop_assert_eq!(outcome.steps.len() <= parsed.len(), true);
    }

    #[test]
    fn lint_locations_stay_inside_the_file(
        pieces in proptest::collection::vec(prop_oneof![
            Just("apiVersion: apps/v1\n"),
            Just("kind: DaemonSet\n"),
            Just("metadata: {name: a, namespace: b, labels: {app: x}}\n"),
            Just("spec:\n  selector: {matchLabels: {app: y}}\n"),
            Just("  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: i, ports: [{name: metrics-too-long-name, containerPort: 1}]}]\n"),
            Just("      volumes: [{name: v, hostPath: {path: /}}]\n"),
            Just("---\n"),
            Just("scrape_configs:\n  - job_name: j\n    kubernetes_sd_configs: [{role: pod}]\n    relabel_configs: [{action: keep, regex: '('}]\n"),
            Just("\t\n"),
            Just("é: ü\n"),
        ], 0..12),
    ) {
        let text: String = pieces.concat();
        let source = Source::new("f.yaml", text.as_str());
        let Ok(docs) = kdm::input::load_yaml(&source) else { return Ok(()) };
        let result = lint_parsed(source, docs, DEFAULT_KUBERNETES_VERSION);
        for f in &result.findings {
            let len = result.files[f.file].source.text.len();
            prop_assert!(f.span.start <= f.span.end && f.span.end <= len, "{:?} in {} bytes", f.span, len);
            prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
    }
}
