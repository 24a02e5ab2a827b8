//! Prometheus configuration, target population and scrape URLs.
pub mod config;
pub mod duration;
pub mod embedded;
pub mod target;
pub mod url;
