//! The Kubernetes API's own JSON schemas, bundled per minor version, the
//! schemas of prometheus-operator's custom resources, those translated from
//! the CustomResourceDefinitions of a run, and the YAML tree as an instance
//! they validate. Lint's `schema-invalid` rule and `generate`'s self-check
//! both read them from here.
mod bundle;
mod crd;
mod custom;
mod extensions;
mod formats;
mod instance;
mod structural;

pub use bundle::{for_version, versions, Entry, Lookup, Schemas};
pub use crd::{entries as crd_entries, CRD_GROUP, CRD_RELEASE};
pub use custom::{is_crd, CustomResources};
pub use instance::Instance;

/// The Kubernetes version checked against when neither a flag nor
/// `.kdm.yaml` names one: the newest bundled.
pub const DEFAULT_VERSION: &str = "1.37";

/// Refuses a Kubernetes version without bundled schemas, naming the ones
/// there are (for `--kubernetes-version` of lint and generate).
pub fn require_version(version: &str) -> crate::diag::Result<()> {
    if for_version(version).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = versions().collect();
    Err(
        crate::diag::Error::plain(format!("no bundled schemas for Kubernetes {version:?}"))
            .with_help(format!("bundled versions: {}", known.join(", "))),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_version_is_the_newest_bundled() {
        assert_eq!(super::versions().last(), Some(super::DEFAULT_VERSION));
    }
}
