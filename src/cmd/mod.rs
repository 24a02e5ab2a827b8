//! The subcommands: thin layers that read inputs, call the core and print.
pub mod completions;
pub mod lint;
pub mod relabel_sim;
