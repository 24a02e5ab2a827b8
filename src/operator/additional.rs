//! Where a Prometheus's `additionalScrapeConfigs` come from: the key of a
//! Secret in the input (`stringData`, or base64 `data`) that
//! `spec.additionalScrapeConfigs` names, or in kube-prometheus-stack values
//! the list `prometheus.prometheusSpec.additionalScrapeConfigs`, which the
//! chart writes into such a Secret.

use base64::Engine;

use super::model::common::At;
use super::model::prometheus::AdditionalJob;
use super::model::Prometheus;
use crate::diag::{Error, Result};
use crate::k8s::Object;
use crate::yaml::{GoYaml, Node, Source};

/// The jobs of a list written in the user's file `file`.
pub fn from_list(file: usize, list: &[Node]) -> Vec<AdditionalJob> {
    list.iter()
        .map(|job| AdditionalJob {
            config: GoYaml::from_node(job),
            at: At {
                file,
                span: job.span,
            },
            relabel_at: job
                .get("relabel_configs")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .map(|r| At { file, span: r.span })
                .collect(),
        })
        .collect()
}

/// Fills in the jobs of each server whose `additionalScrapeConfigs` names
/// a Secret of `objects`; a note for each Secret that is not there.
pub fn resolve(
    sources: &[&Source],
    objects: &[Object<'_>],
    servers: &mut [Prometheus],
) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    for prom in servers {
        let Some((secret, _)) = &prom.additional_ref else {
            continue;
        };
        let found = objects.iter().find(|o| {
            o.kind == "Secret"
                && o.api_version == "v1"
                && o.name == Some(secret.name.as_str())
                && o.namespace.unwrap_or("default") == prom.meta.namespace
        });
        let Some(o) = found else {
            notes.push(format!(
                "{}: additionalScrapeConfigs names Secret {}/{}, which is not in the input: its jobs are left out",
                super::select::server_name(prom),
                prom.meta.namespace,
                secret.name
            ));
            continue;
        };
        let Some(src) = sources.get(o.file) else {
            continue;
        };
        let string_data = o.node.get("stringData").and_then(|d| d.entry(&secret.key));
        let data = o.node.get("data").and_then(|d| d.entry(&secret.key));
        let (key, text) = match (string_data, data) {
            (Some((k, v)), _) => (k, v.as_str().unwrap_or_default().to_string()),
            (None, Some((k, v))) => {
                let encoded: String = v.as_str().unwrap_or_default().split_whitespace().collect();
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                match decoded {
                    Some(text) => (k, text),
                    None => {
                        return Err(Error::at(
                            src,
                            v.span,
                            format!("Secret data {:?} is not base64-encoded UTF-8", secret.key),
                            "not base64",
                        ))
                    }
                }
            }
            (None, None) => {
                notes.push(format!(
                    "{}: Secret {}/{} has no key {:?}: no additional scrape configs",
                    super::select::server_name(prom),
                    prom.meta.namespace,
                    secret.name,
                    secret.key
                ));
                continue;
            }
        };
        let at = At {
            file: o.file,
            span: key.span,
        };
        let inner = Source::new(
            format!(
                "{} (Secret {}/{}, key {})",
                src.location(key.span.start),
                prom.meta.namespace,
                secret.name,
                secret.key
            ),
            text,
        );
        let docs = crate::input::load_yaml(&inner)?;
        let list = match docs.first() {
            None => &[][..],
            Some(d) if d.is_null() => &[][..],
            Some(d) => d.as_seq().ok_or_else(|| {
                Error::at(
                    &inner,
                    d.span,
                    "unmarshalling additional scrape configs failed: expected a list of scrape configs",
                    "not a list",
                )
            })?,
        };
        prom.additional = from_list(o.file, list)
            .into_iter()
            .map(|mut job| {
                // The jobs are written inside the Secret's value: they are
                // shown at its key.
                job.relabel_at = vec![at; job.relabel_at.len()];
                job.at = at;
                job
            })
            .collect();
    }
    Ok(notes)
}
