use clap::CommandFactory;

use crate::cli::Cli;

/// The completion script for `shell`, as checked in under `completions/`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "kdm", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// File names under `completions/` for each supported shell.
pub fn file_name(shell: clap_complete::Shell) -> &'static str {
    use clap_complete::Shell::*;
    match shell {
        Bash => "kdm.bash",
        Zsh => "_kdm",
        Fish => "kdm.fish",
        PowerShell => "_kdm.ps1",
        Elvish => "kdm.elv",
        _ => "kdm.unknown",
    }
}
