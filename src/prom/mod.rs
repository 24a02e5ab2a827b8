//! Prometheus configuration, target population and scrape URLs, and the
//! label matchers of `--target`.
pub mod config;
pub mod duration;
pub mod embedded;
pub mod matchers;
pub mod target;
pub mod url;
