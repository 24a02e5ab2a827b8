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
        return Err(exists(path));
    }
    Ok(())
}

fn exists(path: &str) -> Error {
    Error::plain(format!("{path} already exists; not overwriting it"))
        .with_help("pass --force to replace it")
}

/// Writes `contents` to `path` atomically (see the module doc). Without
/// `force` the final rename refuses to replace a file that appeared since
/// [`check_writable`]; with it, the replaced file's permissions are kept.
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
    let prefix = format!(".{file_name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".kdm.tmp");
    // A new file gets the permissions `File::create` would give it (0666
    // less the umask), not the temporary file's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| fail("creating a temporary file", e))?;
    tmp.write_all(contents.as_bytes())
        .map_err(|e| fail("writing", e))?;
    if force {
        if let Ok(meta) = std::fs::metadata(target) {
            let _ = tmp.as_file().set_permissions(meta.permissions());
        }
    }
    tmp.as_file().sync_all().map_err(|e| fail("writing", e))?;
    // On failure the temporary file is dropped, which removes it.
    let persisted = if force {
        tmp.persist(target)
    } else {
        tmp.persist_noclobber(target)
    };
    match persisted {
        Ok(_) => {}
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(path)),
        Err(e) => return Err(fail("renaming into place", e.error)),
    }
    // The rename is durable once the directory is synced (where a directory
    // can be opened for that).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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

    #[cfg(unix)]
    #[test]
    fn new_files_get_default_permissions_and_replaced_files_keep_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        // What File::create gives a file here, under this process's umask.
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let path = dir.path().join("out.yaml");
        let p = path.to_str().unwrap();
        write_atomic(p, "one\n", false).unwrap();
        assert_eq!(mode(&path), mode(&plain));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(p, "two\n", true).unwrap();
        assert_eq!(mode(&path), 0o640);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
