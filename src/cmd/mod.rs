//! The subcommands: thin layers that read inputs, call the core and print.
pub mod completions;
pub mod generate;
pub mod lint;
pub mod operator_config;
pub mod relabel_sim;
pub mod test;

/// What a subcommand prints and exits with.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    /// Diagnostics and notes, printed to stderr.
    pub stderr: String,
}

impl Outcome {
    /// Success with only standard output.
    pub fn stdout(stdout: String) -> Outcome {
        Outcome {
            code: 0,
            stdout,
            stderr: String::new(),
        }
    }
}

impl Outcome {
    /// Prints the report, then the diagnostics, and returns the exit code.
    /// The diagnostics are printed even when the report could not be (they
    /// may say which files were written).
    pub fn print(self, sink: &mut crate::report::Sink) -> crate::diag::Result<i32> {
        let printed = sink.print(&self.stdout);
        sink.eprint(&self.stderr);
        match printed {
            Err(e) if !sink.closed() => Err(e),
            _ => Ok(self.code),
        }
    }
}
