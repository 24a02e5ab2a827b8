//! Kubernetes objects to SD target groups, per `kubernetes_sd_configs` entry.

use super::targets::{Group, GroupLabels, KubeObject};
use crate::diag::{Error, Result};
use crate::k8s_sd::{self, AttachMetadata, Role, SdConfig};
use crate::prom::config::KubernetesSd;
use crate::relabel::to_pairs;

fn run(cfg: &SdConfig, objects: &[KubeObject]) -> Result<Vec<Group<'static>>> {
    let values: Vec<serde_json::Value> = objects.iter().map(|o| o.value.clone()).collect();
    let groups = k8s_sd::discover(&values, cfg).map_err(|e| match e.object_index {
        Some(i) if i < objects.len() => Error::at(
            &objects[i].source,
            objects[i].span,
            e.message.clone(),
            "this object",
        ),
        _ => Error::plain(e.message.clone()),
    })?;
    Ok(groups
        .into_iter()
        .map(|g| Group {
            source: g.source,
            labels: GroupLabels::Pairs(to_pairs(g.labels)),
            targets: g.targets.into_iter().map(to_pairs).collect(),
        })
        .collect())
}

/// The groups one `kubernetes_sd_configs` entry would discover.
pub fn groups_for_sd(sd: &KubernetesSd, objects: &[KubeObject]) -> Result<Vec<Group<'static>>> {
    run(&sd.config, objects)
}

/// The groups a plain `kubernetes_sd_configs: [{role: ROLE}]` would discover.
pub fn groups_for_role(role: Role, objects: &[KubeObject]) -> Result<Vec<Group<'static>>> {
    let cfg = SdConfig {
        role,
        namespaces: Vec::new(),
        attach_metadata: AttachMetadata::default(),
        selectors: Vec::new(),
    };
    run(&cfg, objects)
}
