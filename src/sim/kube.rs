//! Kubernetes objects to SD target groups.

use super::targets::{Group, KubeObject};
use crate::diag::{Error, Result};
use crate::prom::config::KubernetesSd;

pub fn groups_for_sd(_sd: &KubernetesSd, _objects: &[KubeObject]) -> Result<Vec<Group>> {
    Err(Error::plain("Kubernetes object input is not supported yet"))
}

pub fn groups_for_role(_role: &str, _objects: &[KubeObject]) -> Result<Vec<Group>> {
    Err(Error::plain("Kubernetes object input is not supported yet"))
}
