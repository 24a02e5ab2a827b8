//! Writing files for the user. Only a regular file or a new path is
//! written, never a device, FIFO or socket (renaming over `/dev/null` would
//! replace the device node); an existing file or symbolic link only with
//! `--force`, and a link is written through to its file, the link kept.
//! Writes are atomic: a temporary file in the target's directory, synced,
//! then renamed, so a crash never leaves half a manifest. Several files are
//! all or nothing up to the renames: each is written and synced first, and
//! an error before the first rename changes none of them.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::diag::{Error, Result};
use crate::input::io_reason;

/// A file to write, checked: where its bytes go and what it is.
#[derive(Debug)]
pub struct Target {
    /// The path as the user named it, for messages.
    named: String,
    /// Where the bytes go: the named path, or the file its links lead to.
    file: PathBuf,
    /// Whether the named path is a symbolic link written through.
    through_link: bool,
    /// The file's canonical path (a new file's: its directory's, joined
    /// with its name), to tell two targets apart however they are spelt.
    identity: PathBuf,
    /// Device and inode of an existing file: hard links are one file too.
    inode: Option<(u64, u64)>,
    force: bool,
}

/// Symbolic links followed to a file at most (Linux's own limit).
const MAX_LINKS: usize = 40;

impl Target {
    /// Checks `path` for writing: a new path, or with `force` an existing
    /// regular file or a symbolic link to one (or to a new path).
    pub fn resolve(path: &Path, force: bool) -> Result<Target> {
        let named = path.to_string_lossy().into_owned();
        let fail = |why: &str| Error::plain(format!("cannot write {named}: {why}"));
        let meta_of = |p: &Path| match std::fs::symlink_metadata(p) {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(fail(&io_reason(&e))),
        };
        let mut meta = if path.as_os_str().is_empty() {
            None
        } else {
            meta_of(path)?
        };
        let through_link = meta.as_ref().is_some_and(|m| m.file_type().is_symlink());
        if through_link && !force {
            let help = match std::fs::read_link(path) {
                Ok(to) => format!(
                    "pass --force to write through it to {}",
                    to.to_string_lossy()
                ),
                Err(_) => "pass --force to write through it".into(),
            };
            return Err(exists(&named).with_help(help));
        }
        let file = if through_link {
            let file = follow_links(path).map_err(|e| fail(&io_reason(&e)))?;
            meta = meta_of(&file)?;
            file
        } else {
            path.to_path_buf()
        };
        if let Some(m) = meta.as_ref().filter(|m| !m.is_file()) {
            let what = file_kind(m);
            return Err(if through_link {
                fail(&format!(
                    "it is a symbolic link to {}, which is {what}, not a regular file",
                    file.display()
                ))
            } else {
                fail(&format!("it is {what}, not a regular file"))
            });
        }
        if meta.is_some() && !force {
            return Err(exists(&named));
        }
        let spelt = file.as_os_str().as_encoded_bytes();
        if spelt.is_empty() || spelt.ends_with(b"/") || file.file_name().is_none() {
            return Err(fail("not a file name"));
        }
        Ok(Target {
            identity: identity(&file),
            inode: meta.as_ref().and_then(inode),
            named,
            file,
            through_link,
            force,
        })
    }

    /// The path as the user named it.
    pub fn named(&self) -> &str {
        &self.named
    }

    /// The file the bytes go to (the named path with links followed).
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Whether two targets are one file, however named.
    pub fn same_file(&self, other: &Target) -> bool {
        self.identity == other.identity || (self.inode.is_some() && self.inode == other.inode)
    }

    /// What to tell the user once the file is written.
    pub fn wrote(&self) -> String {
        if self.through_link {
            format!(
                "wrote through symbolic link {} to {}",
                self.named,
                self.file.display()
            )
        } else {
            format!("wrote {}", self.named)
        }
    }
}

/// The file a chain of symbolic links ends at (which may not exist yet).
fn follow_links(link: &Path) -> std::io::Result<PathBuf> {
    let mut at = link.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&at)?;
                // A relative link is read from the link's own directory.
                at = match at.parent() {
                    Some(dir) => dir.join(to),
                    None => to,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

fn identity(file: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(file) {
        return canonical;
    }
    let dir = directory(file);
    match (std::fs::canonicalize(dir), file.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()),
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// "a directory", "a character device", ... for a path that is not a
/// regular file.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The directory `file` is in.
fn directory(file: &Path) -> &Path {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn exists(path: &str) -> Error {
    Error::plain(format!("{path} already exists; not overwriting it"))
        .with_help("pass --force to replace it")
}

/// Writes each file: all are written and synced to temporary files beside
/// their targets before any is renamed into place, so an error up to then
/// leaves every target as it was.
pub fn write_all(files: &[(&Target, &str)]) -> Result<()> {
    let staged = files
        .iter()
        .map(|(target, contents)| stage(target, contents))
        .collect::<Result<Vec<_>>>()?;
    // Dropping the temporary files not yet renamed removes them.
    for ((target, _), tmp) in files.iter().zip(staged) {
        persist(target, tmp)?;
    }
    Ok(())
}

/// Writes one file (see [`write_all`]).
pub fn write_atomic(path: &Path, contents: &str, force: bool) -> Result<()> {
    let target = Target::resolve(path, force)?;
    write_all(&[(&target, contents)])
}

fn failure(target: &Target, what: &str, e: std::io::Error) -> Error {
    Error::plain(format!(
        "cannot write {}: {what}: {}",
        target.named,
        io_reason(&e)
    ))
}

/// The contents in a synced temporary file in the target's directory.
fn stage(target: &Target, contents: &str) -> Result<NamedTempFile> {
    let fail = |what: &str, e| failure(target, what, e);
    let name = target
        .file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".kdm.tmp");
    // A new file gets the permissions `File::create` would give it (0666
    // less the umask), not the temporary file's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let dir = directory(&target.file);
    let mut tmp = builder.tempfile_in(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::plain(format!(
            "cannot write {}: directory {} does not exist",
            target.named,
            dir.display()
        )),
        _ => fail("creating a temporary file", e),
    })?;
    tmp.write_all(contents.as_bytes())
        .map_err(|e| fail("writing", e))?;
    if let Ok(meta) = std::fs::metadata(&target.file) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.as_file().sync_all().map_err(|e| fail("writing", e))?;
    Ok(tmp)
}

/// Renames a staged file over its target. Without `force` the rename
/// refuses a file that appeared since [`Target::resolve`]; with it, only a
/// regular file is replaced even if the path changed since.
fn persist(target: &Target, tmp: NamedTempFile) -> Result<()> {
    let persisted = if target.force {
        match std::fs::symlink_metadata(&target.file) {
            Ok(m) if !m.is_file() => {
                let why = format!("it is {}, not a regular file", file_kind(&m));
                return Err(Error::plain(format!(
                    "cannot write {}: {why}",
                    target.named
                )));
            }
            _ => tmp.persist(&target.file),
        }
    } else {
        tmp.persist_noclobber(&target.file)
    };
    match persisted {
        Ok(_) => {}
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(exists(&target.named))
        }
        Err(e) => return Err(failure(target, "renaming into place", e.error)),
    }
    // The rename is durable once the directory is synced (where a directory
    // can be opened for that).
    if let Ok(d) = std::fs::File::open(directory(&target.file)) {
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
        write_atomic(&path, "one\n", false).unwrap();
        let e = write_atomic(&path, "two\n", false).unwrap_err();
        assert!(e.message().contains("already exists"), "{}", e.message());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\n");
        write_atomic(&path, "two\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
        // no temporary files are left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_atomic(dir.path(), "x", true).is_err());
        assert!(write_atomic(&dir.path().join("missing/x"), "x", false).is_err());
        assert!(write_atomic(Path::new(""), "x", true).is_err());
        assert!(write_atomic(&dir.path().join("new/"), "x", true).is_err());
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
        write_atomic(&path, "one\n", false).unwrap();
        assert_eq!(mode(&path), mode(&plain));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, "two\n", true).unwrap();
        assert_eq!(mode(&path), 0o640);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// One file however named: through `..`, a link to it, a hard link, or
    /// a new name in a directory reached two ways.
    #[cfg(unix)]
    #[test]
    fn the_same_file_is_known_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("a.yaml"), "a").unwrap();
        std::os::unix::fs::symlink("a.yaml", d.join("link.yaml")).unwrap();
        std::fs::hard_link(d.join("a.yaml"), d.join("hard.yaml")).unwrap();
        std::os::unix::fs::symlink("sub", d.join("sublink")).unwrap();
        let t = |p: &str| Target::resolve(&d.join(p), true).unwrap();
        assert!(t("a.yaml").same_file(&t("sub/../a.yaml")));
        assert!(t("a.yaml").same_file(&t("link.yaml")));
        assert!(t("a.yaml").same_file(&t("hard.yaml")));
        assert!(t("sub/new.yaml").same_file(&t("sublink/new.yaml")));
        assert!(t("./sub/new.yaml").same_file(&t("sub/./new.yaml")));
        assert!(!t("a.yaml").same_file(&t("sub/new.yaml")));
    }

    /// Nothing changes when a later file cannot be staged.
    #[test]
    fn files_are_written_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first.yaml");
        std::fs::write(&first, "old\n").unwrap();
        let a = Target::resolve(&first, true).unwrap();
        let b = Target::resolve(&dir.path().join("gone/second.yaml"), true).unwrap();
        let e = write_all(&[(&a, "new\n"), (&b, "new\n")]).unwrap_err();
        assert!(e.message().contains("gone/second.yaml"), "{}", e.message());
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for force in [false, true] {
            let e = Target::resolve(Path::new("/dev/null"), force).unwrap_err();
            assert!(
                e.message()
                    .contains("it is a character device, not a regular file"),
                "{}",
                e.message()
            );
            let e = Target::resolve(d, force).unwrap_err();
            assert!(e.message().contains("a directory"), "{}", e.message());
        }
        std::os::unix::fs::symlink("/dev/null", d.join("null")).unwrap();
        let e = Target::resolve(&d.join("null"), true).unwrap_err();
        assert!(
            e.message().contains("symbolic link to /dev/null"),
            "{}",
            e.message()
        );
        std::os::unix::fs::symlink("loop", d.join("loop")).unwrap();
        assert!(Target::resolve(&d.join("loop"), true).is_err());
        // A dangling link with --force creates the file it names.
        std::os::unix::fs::symlink("made.yaml", d.join("dangling")).unwrap();
        write_atomic(&d.join("dangling"), "x\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(d.join("made.yaml")).unwrap(), "x\n");
        assert!(std::fs::symlink_metadata(d.join("dangling"))
            .unwrap()
            .file_type()
            .is_symlink());
    }
}
