//! Rules of the `prometheus` group.
use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[];
