//! Rules of the `volumes` group.
use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[];
