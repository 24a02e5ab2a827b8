//! `--prometheus-version 2` refuses the fields Prometheus 3.x added, as 2.x
//! does. promtool (2.42 on Debian) is the oracle that 2.x rejects each; kdm
//! targets 2.55, which knows a few fields 2.42 does not, so the check is one
//! way: nothing kdm refuses for 2.x is accepted by promtool 2.x.

mod common;

use common::{kdm, oracle};
use kdm::prom::config::versions::{Section, ADDED_IN_3};

/// A config with `field` set in its section (values valid for 3.x).
fn config_with(section: Section, field: &str) -> String {
    let value = match field {
        "metric_name_escaping_scheme" => "underscores",
        "fallback_scrape_protocol" => "PrometheusText0.0.4",
        _ => "true",
    };
    match section {
        Section::Global => format!(
            "global:\n  {field}: {value}\nscrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['localhost:9100']\n"
        ),
        Section::Scrape => format!(
            "scrape_configs:\n  - job_name: a\n    {field}: {value}\n    static_configs:\n      - targets: ['localhost:9100']\n"
        ),
    }
}

#[test]
fn fields_added_in_3_are_refused_for_2_and_accepted_for_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let promtool = oracle("promtool", "apt-get install prometheus");
    for (section, field, version) in ADDED_IN_3 {
        let path = dir.path().join(format!("{field}-{section:?}.yml"));
        std::fs::write(&path, config_with(*section, field)).expect("write");
        let path = path.to_string_lossy().into_owned();
        let v2 = kdm(&["relabel-sim", "--prometheus-version", "2", "-c", &path]);
        assert_eq!(v2.code, 2, "{field}: {}", v2.stderr);
        assert!(
            v2.stderr.contains(&format!("field {field} not found in"))
                && v2
                    .stderr
                    .contains(&format!("Prometheus {version} added it")),
            "{field}: {}",
            v2.stderr
        );
        let v3 = kdm(&["relabel-sim", "-c", &path]);
        assert_eq!(v3.code, 0, "{field}: {}", v3.stderr);
        if let Some(promtool) = &promtool {
            let out = std::process::Command::new(promtool)
                .args(["check", "config", &path])
                .output()
                .expect("promtool");
            let said = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success() && said.contains(&format!("field {field} not found")),
                "promtool 2.x accepts {field}: {said}"
            );
        }
    }
}

/// 2.x's name for always_scrape_classic_histograms: accepted for 2, and
/// for 3 refused with the new name.
#[test]
fn scrape_classic_histograms_was_renamed() {
    let r = kdm(&[
        "relabel-sim",
        "-c",
        "testdata/relabel-sim/v2-classic-histograms.yml",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("Prometheus 3.0 renamed it"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("always_scrape_classic_histograms"));
    let r = kdm(&[
        "relabel-sim",
        "--prometheus-version",
        "2",
        "-c",
        "testdata/relabel-sim/v2-classic-histograms.yml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
