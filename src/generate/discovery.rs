//! How Prometheus finds the generated DaemonSet (`metrics.scrapeWith`,
//! `--scrape-with`): exactly one mechanism, so that no pod is scraped twice.
//! The template writes the objects of the chosen one; this module checks the
//! choice against the values before rendering and the output after it.

use serde_json::Value;

use crate::diag::Error;
use crate::values::Values;
use crate::yaml::{Source, Span};

/// The value that chooses the mechanism.
pub const VALUE: &str = "metrics.scrapeWith";
const POINTER: &str = "/metrics/scrapeWith";

/// The discovery mechanism of the DaemonSet's metrics port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrapeWith {
    /// `prometheus.io/*` pod annotations, for an annotation-driven pod job.
    Annotations,
    /// A scrape job written to its own file (`--scrape-config FILE`).
    ScrapeConfig,
    /// A prometheus-operator PodMonitor.
    PodMonitor,
    /// A headless Service and a prometheus-operator ServiceMonitor.
    ServiceMonitor,
}

impl ScrapeWith {
    pub const ALL: [ScrapeWith; 4] = [
        ScrapeWith::Annotations,
        ScrapeWith::ScrapeConfig,
        ScrapeWith::PodMonitor,
        ScrapeWith::ServiceMonitor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ScrapeWith::Annotations => "annotations",
            ScrapeWith::ScrapeConfig => "scrape-config",
            ScrapeWith::PodMonitor => "pod-monitor",
            ScrapeWith::ServiceMonitor => "service-monitor",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            ScrapeWith::Annotations => "prometheus.io/* pod annotations (the default)",
            ScrapeWith::ScrapeConfig => "a scrape job written to --scrape-config FILE",
            ScrapeWith::PodMonitor => "a prometheus-operator PodMonitor",
            ScrapeWith::ServiceMonitor => {
                "a headless Service and a prometheus-operator ServiceMonitor"
            }
        }
    }

    /// The choice in `values`; `fallback` when the template has no such
    /// value (a user template that does not offer the choice).
    pub fn of(values: &Values, fallback: ScrapeWith) -> Result<ScrapeWith, Error> {
        let Some(value) = values.tree.pointer(POINTER) else {
            return Ok(fallback);
        };
        let text = value.as_str().unwrap_or_default();
        ScrapeWith::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = ScrapeWith::ALL.iter().map(|s| s.as_str()).collect();
                at_value(values, format!("invalid values: {VALUE} is {value}"))
                    .with_help(format!("choose one of: {}", names.join(", ")))
            })
    }
}

/// An error at whatever set `metrics.scrapeWith`.
fn at_value(values: &Values, message: String) -> Error {
    match values.locate(POINTER) {
        Some((src, span, _)) => Error::at(src, span, message, "set here"),
        None => Error::plain(message),
    }
}

/// `scrape-config` writes its job to `--scrape-config FILE`, which must be
/// given (a values file can choose it without naming the file).
pub fn check_file(values: &Values, with: ScrapeWith, has_file: bool) -> Result<(), Error> {
    if with != ScrapeWith::ScrapeConfig || has_file {
        return Ok(());
    }
    Err(at_value(
        values,
        "scraping with scrape-config writes a scrape job, but no --scrape-config FILE says where"
            .into(),
    )
    .with_help("add --scrape-config FILE (- for standard output, with -o FILE for the manifests)"))
}

/// Every mechanism but annotations needs a metrics port to point at; with
/// annotations, a DaemonSet without metrics simply gets none.
pub fn check_values(values: &Values, with: ScrapeWith) -> Result<(), Error> {
    if with == ScrapeWith::Annotations {
        return Ok(());
    }
    let disabled = if values.tree.pointer("/metrics/enabled") == Some(&Value::Bool(false)) {
        Some(("/metrics/enabled", "metrics.enabled is false"))
    } else if values.tree.pointer("/port") == Some(&Value::Null) {
        Some(("/port", "port is null"))
    } else {
        None
    };
    let Some((pointer, why)) = disabled else {
        return Ok(());
    };
    let message = format!(
        "cannot scrape with {} ({}): the DaemonSet serves no metrics, {why}",
        with.as_str(),
        chosen_by(values)
    );
    let err = match values.locate(pointer) {
        Some((src, span, key)) => Error::at(src, key.unwrap_or(span), message, "no metrics"),
        None => Error::plain(message),
    };
    Err(err.with_help(
        "without metrics there is nothing to discover: scrape with annotations (the default; no annotations are written), or enable metrics on a port (metrics.enabled=true, --port PORT)",
    ))
}

/// What chose the mechanism: a flag, or the place in a values file.
fn chosen_by(values: &Values) -> String {
    match values.locate(POINTER) {
        Some((src, _, _)) if src.name.starts_with("--") => format!("chosen by {}", src.name),
        Some((src, span, key)) => format!("{VALUE} at {}", src.location(key.unwrap_or(span).start)),
        None => VALUE.to_string(),
    }
}

/// The rendered objects follow the choice: the pods are annotated only for
/// `annotations` (else an annotation-driven job scrapes them a second time),
/// and a monitor choice wrote its monitor. Guards user templates that do
/// not read `metrics.scrapeWith`.
pub fn check_output(
    objects: &[(Value, Span)],
    rendered: &Source,
    with: ScrapeWith,
) -> Result<(), Error> {
    let Some((ds, span)) = objects.iter().find(|(o, _)| o["kind"] == "DaemonSet") else {
        return Ok(());
    };
    let annotated = crate::k8s::kinds::PodTemplate::Spec
        .template(ds)
        .and_then(|t| t.pointer("/metadata/annotations/prometheus.io~1scrape"))
        .is_some_and(|v| v == "true");
    if annotated && with != ScrapeWith::Annotations {
        return Err(Error::at(
            rendered,
            *span,
            format!(
                "the pods are annotated prometheus.io/scrape: \"true\" although they are scraped with {}: an annotation-driven job (kubernetes-pods) would scrape them a second time",
                with.as_str()
            ),
            "this DaemonSet",
        )
        .with_help(format!(
            "remove the annotation (podAnnotations), or make the template write prometheus.io/* annotations only when {VALUE} is annotations"
        )));
    }
    let wanted: &[&str] = match with {
        ScrapeWith::PodMonitor => &["PodMonitor"],
        ScrapeWith::ServiceMonitor => &["Service", "ServiceMonitor"],
        _ => &[],
    };
    for kind in wanted {
        if !objects.iter().any(|(o, _)| o["kind"] == *kind) {
            return Err(Error::at(
                rendered,
                Span::new(0, rendered.text.len()),
                format!(
                    "scraping with {} needs a {kind}, and the template wrote none",
                    with.as_str()
                ),
                "rendered output",
            )
            .with_help(format!(
                "the template must write the {kind} when {VALUE} is {}",
                with.as_str()
            )));
        }
    }
    Ok(())
}
