#![forbid(unsafe_code)]

use clap::Parser;

fn main() {
    let cli = kdm::cli::Cli::parse();
    std::process::exit(kdm::run(cli));
}

// Relabeling 100,000 targets allocates millions of small strings; mimalloc
// handles that pattern several times faster than glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
