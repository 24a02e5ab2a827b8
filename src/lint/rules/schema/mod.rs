//! Rules of the `schema` group: objects checked against the Kubernetes API's
//! own schemas ([`crate::k8s::schema`]).
mod api_invalid;
mod api_version_deprecated;
mod api_version_removed;
mod schema_invalid;

use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[
    &schema_invalid::SchemaInvalid,
    &api_invalid::ApiInvalid,
    &api_version_removed::ApiVersionRemoved,
    &api_version_deprecated::ApiVersionDeprecated,
];
