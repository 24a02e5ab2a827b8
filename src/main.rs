#![forbid(unsafe_code)]

fn main() {
    std::process::exit(kdm::main(std::env::args_os()));
}

// Relabeling 100,000 targets allocates millions of small strings; mimalloc
// handles that pattern several times faster than glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
