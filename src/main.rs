use clap::Parser;

fn main() {
    let cli = kdm::cli::Cli::parse();
    std::process::exit(kdm::run(cli));
}
