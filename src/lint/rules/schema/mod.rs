//! Rules of the `schema` group.
use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[];
