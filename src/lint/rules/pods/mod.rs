//! Rules of the `pods` group.
use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[];
