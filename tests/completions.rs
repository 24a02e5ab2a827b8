//! The checked-in completion scripts must match what the CLI generates.
//! Regenerate with `KDM_BLESS=1 cargo test --test completions`.

use clap_complete::Shell;
use kdm::cmd::completions::{file_name, man_pages, script};

#[test]
fn completions_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let bless = std::env::var_os("KDM_BLESS").is_some();
    let mut stale = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let path = dir.join(file_name(shell));
        let expected = script(shell);
        if bless {
            std::fs::write(&path, &expected).expect("write completion script");
            continue;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            stale.push(path.display().to_string());
        }
    }
    for (name, page) in man_pages() {
        let path = dir.join(&name);
        if bless {
            std::fs::write(&path, &page).expect("write man page");
            continue;
        }
        if std::fs::read_to_string(&path).unwrap_or_default() != page {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion scripts or man pages: {stale:?}; run `KDM_BLESS=1 cargo test --test completions`"
    );
}

#[test]
fn completions_subcommand_prints_the_script() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(["completions", "bash"])
        .output()
        .expect("run kdm");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), script(Shell::Bash));
}
