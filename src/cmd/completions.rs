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

/// Man pages for `kdm` and each subcommand: (file name, roff text), as
/// checked in under `completions/`.
pub fn man_pages() -> Vec<(String, String)> {
    let cmd = Cli::command();
    let mut pages = vec![("kdm.1".to_string(), render_man(cmd.clone()))];
    for sub in cmd.get_subcommands() {
        let name = format!("kdm-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(format!("kdm {}", sub.get_name()))
            .version(env!("CARGO_PKG_VERSION"));
        pages.push((format!("{name}.1"), render_man(page)));
    }
    pages
}

fn render_man(cmd: clap::Command) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd).render(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
