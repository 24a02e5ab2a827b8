//! Coverage of a config prometheus-operator generates: for each workload
//! no job scrapes, the first broken link between it and the monitors.

use super::Coverage;
use crate::k8s::{Object, Workload};
use crate::operator::chain::Monitors;

/// Notes, on each workload no job scrapes, why no monitor reaches it
/// (`objects` are the input's objects, in the order `c` was analyzed).
pub fn explain_unscraped(c: &mut Coverage, monitors: &Monitors, objects: &[Object<'_>]) {
    for w in &mut c.workloads {
        let scraped = w.ports.iter().any(|p| !p.kept_by().is_empty());
        if scraped || w.pods == 0 {
            continue;
        }
        let Some(workload) = objects
            .get(w.object)
            .and_then(|o| Workload::from_object(*o))
        else {
            continue;
        };
        let asks = w.asks_to_be_scraped.is_some();
        if let Some(why) = monitors.first_broken_link(objects, &workload, asks) {
            w.note = Some(match w.note.take() {
                Some(note) => format!("{note}; {why}"),
                None => why,
            });
        }
    }
}
