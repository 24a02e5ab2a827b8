//! Kubernetes objects to SD target groups, per `kubernetes_sd_configs` entry.

use super::targets::{Group, GroupLabels, KubeObject};
use crate::diag::{Error, Result};
use crate::k8s_sd::{self, AttachMetadata, Role, RoleSelector, SdConfig};
use crate::prom::config::KubernetesSd;
use crate::relabel::to_pairs;

fn role(name: &str) -> Result<Role> {
    Role::parse(name).ok_or_else(|| Error::plain(format!("unknown Kubernetes SD role {name:?}")))
}

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
    let cfg = SdConfig {
        role: role(&sd.role)?,
        namespaces: sd.namespaces.clone(),
        attach_metadata: AttachMetadata {
            node: sd.attach_node,
            namespace: sd.attach_namespace,
            deployment: sd.attach_deployment,
            job: sd.attach_job,
            cronjob: sd.attach_cronjob,
        },
        selectors: sd
            .selectors
            .iter()
            .map(|(r, label, field)| {
                Ok(RoleSelector {
                    role: role(r)?,
                    label: label.clone(),
                    field: field.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    run(&cfg, objects)
}

/// The groups a plain `kubernetes_sd_configs: [{role: ROLE}]` would discover.
pub fn groups_for_role(name: &str, objects: &[KubeObject]) -> Result<Vec<Group<'static>>> {
    let cfg = SdConfig {
        role: role(name)?,
        namespaces: Vec::new(),
        attach_metadata: AttachMetadata::default(),
        selectors: Vec::new(),
    };
    run(&cfg, objects)
}
