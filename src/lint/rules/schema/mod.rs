//! Rules of the `schema` group: objects checked against the Kubernetes API's
//! own schemas, bundled per minor version.
mod bundle;
mod instance;
mod schema_invalid;

use crate::lint::Rule;

pub use bundle::for_version as schemas_for_version;
pub use bundle::versions as bundled_versions;

pub const RULES: &[&dyn Rule] = &[&schema_invalid::SchemaInvalid];

/// Refuses a Kubernetes version without bundled schemas, naming the ones
/// there are (for `--kubernetes-version` of lint and generate).
pub fn require_version(version: &str) -> crate::diag::Result<()> {
    if schemas_for_version(version).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = bundled_versions().collect();
    Err(
        crate::diag::Error::plain(format!("no bundled schemas for Kubernetes {version:?}"))
            .with_help(format!("bundled versions: {}", known.join(", "))),
    )
}
