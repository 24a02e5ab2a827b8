//! `kdm relabel-sim`: discovered targets through a job's relabeling and
//! target population, reported per job.
pub mod config;
mod file_sd;
mod groups;
pub mod include;
mod name;
mod ordered;
pub mod report;
pub mod result;
pub mod run;
pub mod scrape;
pub mod series;
pub mod sink;
pub mod targets;
