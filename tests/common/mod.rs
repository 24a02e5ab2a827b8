//! Running the `kdm` binary from integration tests.

use std::path::Path;
use std::process::Command;

/// What one run of `kdm` printed and exited with.
#[allow(dead_code)] // not every test binary reads every field
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `kdm` in `dir` without colours.
pub fn kdm_in(dir: impl AsRef<Path>, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_kdm"))
        .args(args)
        .current_dir(dir))
}

/// Runs a prepared command (kdm, perhaps through a wrapper) without colours.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.env("NO_COLOR", "1").output().expect("run kdm");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `kdm` at the repository root, where `testdata/` paths resolve.
#[allow(dead_code)] // not every test binary uses it
pub fn kdm(args: &[&str]) -> Run {
    kdm_in(env!("CARGO_MANIFEST_DIR"), args)
}

/// An oracle program on PATH (promtool), or `None` after saying the test is
/// skipped; with `KDM_REQUIRE_ORACLES=1` a missing oracle fails the test.
#[allow(dead_code)] // not every test binary uses it
pub fn oracle(name: &str, install: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("KDM_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "{name} not found on PATH and KDM_REQUIRE_ORACLES=1 ({install})"
        );
        eprintln!("skipping: {name} not found on PATH ({install})");
    }
    found
}
