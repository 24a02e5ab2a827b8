//! The checks the operator makes before a selected monitor gets a job
//! (`check*` in `resource_selector.go`): a refused monitor is left out of
//! the configuration and reported with the operator's wording. Relabelings
//! are checked by parsing them as Prometheus would load them.

use std::collections::HashMap;

use super::compile::MonitorKind;
use super::model::common::RelabelConfig;
use super::model::{At, Prometheus, Resources};
use super::Rejection;
use crate::prom::duration;
use crate::relabel::Flavor;
use crate::relabel::{parse_rules, NameScheme, RuleContext};
use crate::yaml::{to_go_yaml, GoYaml, Source};

/// The Prometheus-wide check: the global timeout within the interval.
pub fn server(prom: &Prometheus) -> Result<(), String> {
    if !prom.scrape_timeout.is_empty() {
        compare_timeout(&prom.scrape_timeout, &prom.scrape_interval)?;
    }
    Ok(())
}

/// `CompareScrapeTimeoutToScrapeInterval`.
fn compare_timeout(timeout: &str, interval: &str) -> Result<(), String> {
    let si = duration::parse(interval, Flavor::V3)
        .map_err(|e| format!("invalid scrapeInterval {interval:?}: {e}"))?;
    let st = duration::parse(timeout, Flavor::V3)
        .map_err(|e| format!("invalid scrapeTimeout: {timeout:?}: {e}"))?;
    if st > si {
        return Err(format!(
            "scrapeTimeout {timeout:?} greater than scrapeInterval {interval:?}"
        ));
    }
    Ok(())
}

/// `validateScrapeIntervalAndTimeout`: an endpoint without an interval
/// uses the Prometheus's.
fn interval_and_timeout(prom: &Prometheus, interval: &str, timeout: &str) -> Result<(), String> {
    if timeout.is_empty() {
        return Ok(());
    }
    let interval = if interval.is_empty() {
        prom.scrape_interval.as_str()
    } else {
        interval
    };
    compare_timeout(timeout, interval)
}

fn scrape_class(prom: &Prometheus, name: Option<&str>) -> Result<(), String> {
    match name.filter(|n| !n.is_empty()) {
        Some(n) if !prom.scrape_classes.iter().any(|c| c.name == n) => Err(format!(
            "scrapeClassName: scrapeClass {n:?} not found in Prometheus scrapeClasses"
        )),
        _ => Ok(()),
    }
}

/// Checks relabelings as Prometheus would load them. Monitors often repeat
/// the same rules (a team's shared relabelings), so each distinct rule is
/// parsed once per run.
struct Relabelings {
    flavor: Flavor,
    scheme: NameScheme,
    seen: HashMap<(String, bool), Result<(), String>>,
}

impl Relabelings {
    fn new(prom: &Prometheus) -> Relabelings {
        let version = if prom.version.is_empty() {
            super::DEFAULT_PROMETHEUS_VERSION
        } else {
            &prom.version
        };
        let major3 = super::version::Version::parse(version).is_none_or(|v| v.major >= 3);
        let (flavor, scheme) = if major3 {
            (Flavor::V3, NameScheme::Utf8)
        } else {
            (Flavor::V2, NameScheme::Legacy)
        };
        Relabelings {
            flavor,
            scheme,
            seen: HashMap::new(),
        }
    }

    /// The first refused rule, with the error pointing at the user's rule.
    fn check(&mut self, rcs: &[RelabelConfig], what: &str) -> Result<(), (String, Option<At>)> {
        let metric = what.starts_with("metric");
        for rc in rcs {
            let one = super::compile::relabel_rules(std::slice::from_ref(rc));
            let text = to_go_yaml(&GoYaml::Seq(one));
            let (flavor, scheme) = (self.flavor, self.scheme);
            let verdict = self
                .seen
                .entry((text, metric))
                .or_insert_with_key(|(text, _)| load_one(text, flavor, scheme, metric));
            if let Err(e) = verdict {
                return Err((format!("{what}: {e}"), rc.at));
            }
        }
        Ok(())
    }
}

fn load_one(text: &str, flavor: Flavor, scheme: NameScheme, metric: bool) -> Result<(), String> {
    let src = Source::new("relabeling", text);
    let docs = crate::input::load_yaml(&src).map_err(|e| e.message().to_string())?;
    let Some(list) = docs.first() else {
        return Ok(());
    };
    let ctx = RuleContext {
        source: &src,
        flavor,
        scheme,
        metric,
        // The operator's words: Go's types, not a place.
        root: None,
    };
    parse_rules(list, &ctx)
        .map(|_| ())
        .map_err(|e| e.message().to_string())
}

/// Splits the selected monitors into those that get jobs and those the
/// operator refuses.
pub fn split(prom: &Prometheus, selected: &Resources) -> (Resources, Vec<Rejection>) {
    let mut checker = Relabelings::new(prom);
    let mut rejected = Vec::new();
    let mut out = Resources::default();
    let mut refuse =
        |kind, meta: &super::model::Meta, file: usize, message: String, at: Option<At>| {
            rejected.push(Rejection {
                kind,
                monitor: meta.key(),
                message,
                at: at.unwrap_or(At {
                    file,
                    span: meta.anchor,
                }),
            })
        };
    for sm in &selected.service_monitors {
        let mut problem = scrape_class(prom, sm.common.limits.scrape_class_name.as_deref())
            .err()
            .map(|m| (m, None));
        for (i, ep) in sm.endpoints.iter().enumerate() {
            if problem.is_some() {
                break;
            }
            problem = endpoint_problem(prom, &mut checker, &ep.common, i);
        }
        match problem {
            Some((m, a)) => refuse(MonitorKind::ServiceMonitor, &sm.meta, sm.file, m, a),
            None => out.service_monitors.push(sm.clone()),
        }
    }
    for pm in &selected.pod_monitors {
        let mut problem = scrape_class(prom, pm.common.limits.scrape_class_name.as_deref())
            .err()
            .map(|m| (m, None));
        for (i, ep) in pm.endpoints.iter().enumerate() {
            if problem.is_some() {
                break;
            }
            problem = endpoint_problem(prom, &mut checker, &ep.common, i);
        }
        match problem {
            Some((m, a)) => refuse(MonitorKind::PodMonitor, &pm.meta, pm.file, m, a),
            None => out.pod_monitors.push(pm.clone()),
        }
    }
    for p in &selected.probes {
        let problem = scrape_class(prom, p.limits.scrape_class_name.as_deref())
            .map_err(|m| (m, None))
            .and_then(|_| {
                if p.static_config.as_ref().is_none_or(|s| s.targets.is_empty())
                    && p.ingress.is_none()
                {
                    return Err(("targets: no targets (staticConfig or ingress) defined".to_string(), None));
                }
                interval_and_timeout(prom, &p.interval, &p.scrape_timeout).map_err(|m| (m, None))?;
                checker.check(&p.metric_relabelings, "metricRelabelConfigs")?;
                if let Some(s) = &p.static_config {
                    checker.check(&s.relabelings, "targets.staticConfig.relabelConfigs")?;
                }
                if let Some(i) = &p.ingress {
                    checker.check(&i.relabelings, "targets.ingress.relabelConfigs")?;
                }
                if p.prober_url.is_empty() {
                    return Err((
                        "\"\" url specified in proberSpec is invalid, it should be of the format `hostname` or `hostname:port`".to_string(),
                        None,
                    ));
                }
                Ok(())
            });
        match problem {
            Err((m, a)) => refuse(MonitorKind::Probe, &p.meta, p.file, m, a),
            Ok(()) => out.probes.push(p.clone()),
        }
    }
    for sc in &selected.scrape_configs {
        let problem = scrape_class(prom, sc.limits.scrape_class_name.as_deref())
            .map_err(|m| (m, None))
            .and_then(|_| {
                if let Some((sd, span)) = &sc.unmodelled {
                    return Err((
                        format!(
                            "{sd} are not modelled by kdm: no job is written for this ScrapeConfig"
                        ),
                        Some(At {
                            file: sc.file,
                            span: *span,
                        }),
                    ));
                }
                interval_and_timeout(
                    prom,
                    sc.scrape_interval.as_deref().unwrap_or(""),
                    sc.scrape_timeout.as_deref().unwrap_or(""),
                )
                .map_err(|m| (m, None))?;
                checker.check(&sc.relabelings, "relabelings")?;
                checker.check(&sc.metric_relabelings, "metricRelabelings")
            });
        match problem {
            Err((m, a)) => refuse(MonitorKind::ScrapeConfig, &sc.meta, sc.file, m, a),
            Ok(()) => out.scrape_configs.push(sc.clone()),
        }
    }
    (out, rejected)
}

fn endpoint_problem(
    prom: &Prometheus,
    checker: &mut Relabelings,
    ep: &super::model::monitors::EndpointCommon,
    i: usize,
) -> Option<(String, Option<At>)> {
    let prefix = format!("endpoints[{i}]");
    if let Err(m) = interval_and_timeout(prom, &ep.interval, &ep.scrape_timeout) {
        return Some((format!("{prefix}: {m}"), ep.timeout_at));
    }
    if let Err((m, at)) = checker.check(&ep.relabelings, "relabelConfigs") {
        return Some((format!("{prefix}: {m}"), at));
    }
    if let Err((m, at)) = checker.check(&ep.metric_relabelings, "metricRelabelConfigs") {
        return Some((format!("{prefix}: {m}"), at));
    }
    None
}
