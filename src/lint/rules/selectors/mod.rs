//! Rules about label selectors: whether they exist, are valid, and select
//! what they should.
mod selector_mismatch;

pub mod selector;

use crate::lint::Rule;

pub const RULES: &[&dyn Rule] = &[&selector_mismatch::SelectorMismatch];
