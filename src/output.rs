//! Writing files for the user: never over an existing file without
//! `--force`, and atomically (a temporary file in the same directory,
//! synced, then renamed), so a crash never leaves half a manifest.

use std::io::Write;
use std::path::Path;

use crate::diag::{Error, Result};

/// Fails when `path` exists and `force` is off, or is a directory.
pub fn check_writable(path: &str, force: bool) -> Result<()> {
    let p = Path::new(path);
    if p.is_dir() {
        return Err(Error::plain(format!(
            "cannot write {path}: it is a directory"
        )));
    }
    if !force && (p.exists() || p.is_symlink()) {
        return Err(
            Error::plain(format!("{path} already exists; not overwriting it"))
                .with_help("pass --force to replace it"),
        );
    }
    Ok(())
}

/// Writes `contents` to `path` atomically (see the module doc).
pub fn write_atomic(path: &str, contents: &str, force: bool) -> Result<()> {
    check_writable(path, force)?;
    let target = Path::new(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::plain(format!("cannot write {path}: not a file name")))?;
    let fail =
        |what: &str, e: std::io::Error| Error::plain(format!("cannot write {path}: {what}: {e}"));
    let mut attempt = 0;
    let (tmp_path, mut tmp) = loop {
        let candidate = dir.join(format!(
            ".{file_name}.kdm-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => break (candidate, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1
            }
            Err(e) => return Err(fail("creating a temporary file", e)),
        }
    };
    let written = tmp
        .write_all(contents.as_bytes())
        .and_then(|()| tmp.sync_all())
        .map_err(|e| fail("writing", e))
        .and_then(|()| {
            // Keep the permissions of a file being replaced.
            if let Ok(meta) = std::fs::metadata(target) {
                let _ = std::fs::set_permissions(&tmp_path, meta.permissions());
            }
            std::fs::rename(&tmp_path, target).map_err(|e| fail("renaming into place", e))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.yaml");
        let p = path.to_str().unwrap();
        write_atomic(p, "one\n", false).unwrap();
        let e = write_atomic(p, "two\n", false).unwrap_err();
        assert!(e.message().contains("already exists"), "{}", e.message());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\n");
        write_atomic(p, "two\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
        // no temporary files are left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_atomic(dir.path().to_str().unwrap(), "x", true).is_err());
        assert!(write_atomic(dir.path().join("missing/x").to_str().unwrap(), "x", false).is_err());
    }
}
