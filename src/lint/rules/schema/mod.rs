//! Rules of the `schema` group: objects checked against the Kubernetes API's
//! own schemas, bundled per minor version.
mod bundle;
mod schema_invalid;

use crate::lint::Rule;

pub use bundle::for_version as schemas_for_version;
pub use bundle::versions as bundled_versions;

pub const RULES: &[&dyn Rule] = &[&schema_invalid::SchemaInvalid];
