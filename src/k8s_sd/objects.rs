//! Discovery over Kubernetes objects read from files: each object keeps
//! where it came from, so that an object discovery cannot decode is
//! reported at its place.

use serde_json::Value;

use super::{discover, SdConfig, TargetGroup};
use crate::diag::{Error, Result};
use crate::yaml::{Source, Span};

/// A Kubernetes object (Lists flattened) and where it came from.
#[derive(Debug, Clone)]
pub struct KubeObject {
    pub value: Value,
    pub span: Span,
    pub source: Source,
}

/// The target groups `cfg` discovers from `objects`; an error points at the
/// object that caused it.
pub fn discover_objects(objects: &[KubeObject], cfg: &SdConfig) -> Result<Vec<TargetGroup>> {
    let values: Vec<Value> = objects.iter().map(|o| o.value.clone()).collect();
    discover(&values, cfg).map_err(|e| match e.object_index.and_then(|i| objects.get(i)) {
        Some(o) => Error::at(&o.source, o.span, e.message, "this object"),
        None => Error::plain(e.message),
    })
}
