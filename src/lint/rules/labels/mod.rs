//! Rules of the `labels` group.
use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[];
