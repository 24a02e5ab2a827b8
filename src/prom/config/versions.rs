//! Fields one Prometheus major version knows and the other does not, from
//! `config/config.go` of Prometheus 2.55 (the last 2.x) and 3.x: with
//! `--prometheus-version 2` a config using a 3.x field is refused, as 2.x
//! refuses it.

use crate::relabel::Flavor;

/// A section of the config whose fields differ between versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Global,
    Scrape,
}

/// Fields added in 3.x: section, field, the release that added it.
pub const ADDED_IN_3: &[(Section, &str, &str)] = &[
    (Section::Global, "metric_name_escaping_scheme", "3.4"),
    (Section::Global, "convert_classic_histograms_to_nhcb", "3.4"),
    (Section::Global, "always_scrape_classic_histograms", "3.5"),
    (Section::Global, "scrape_native_histograms", "3.8"),
    (Section::Global, "extra_scrape_metrics", "3.10"),
    (Section::Scrape, "fallback_scrape_protocol", "3.0"),
    (Section::Scrape, "always_scrape_classic_histograms", "3.0"),
    (Section::Scrape, "convert_classic_histograms_to_nhcb", "3.0"),
    (Section::Scrape, "metric_name_escaping_scheme", "3.4"),
    (Section::Scrape, "scrape_native_histograms", "3.8"),
    (Section::Scrape, "extra_scrape_metrics", "3.10"),
];

/// 2.x's `scrape_classic_histograms`, renamed in 3.0.
pub const RENAMED_IN_3: (&str, &str) = (
    "scrape_classic_histograms",
    "always_scrape_classic_histograms",
);

/// The 3.x release that added `field` to `section`, if it is a 3.x field.
pub fn added_in_3(section: Section, field: &str) -> Option<&'static str> {
    ADDED_IN_3
        .iter()
        .find(|(s, f, _)| *s == section && *f == field)
        .map(|(_, _, v)| *v)
}

/// Whether `flavor`'s Prometheus knows `field` of `section`, given the
/// fields 3.x knows (`fields_3`).
pub fn knows(flavor: Flavor, section: Section, fields_3: &[&str], field: &str) -> bool {
    match flavor {
        Flavor::V3 => fields_3.contains(&field),
        Flavor::V2 => {
            (fields_3.contains(&field) && added_in_3(section, field).is_none())
                || (section == Section::Scrape && field == RENAMED_IN_3.0)
        }
    }
}
