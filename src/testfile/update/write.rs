//! Writing an updated test file back where it was read: through a symbolic
//! link to its target (the link stays a link), only over a regular file,
//! and only while it still holds the text that was read and updated.

use std::path::Path;

use crate::diag::{Error, Result};
use crate::input::io_reason;
use crate::output::Target;
use crate::yaml::Source;

/// Replaces the file at `path`, read as `source`, with `text`, atomically.
pub fn write_back(path: &Path, source: &Source, text: &str) -> Result<()> {
    let shown = path.to_string_lossy();
    let fail = |why: String| Error::plain(format!("cannot update {shown}: {why}"));
    if path.as_os_str() == "-" {
        return Err(fail("standard input cannot be rewritten".into())
            .with_help("name the test file instead of -"));
    }
    let target = Target::resolve(path, true)?;
    let now = std::fs::read(target.file()).map_err(|e| fail(io_reason(&e)))?;
    if now != source.text.as_bytes() {
        return Err(fail("it changed while kdm was reading it".into())
            .with_help("run kdm test --update again"));
    }
    crate::output::write_all(&[(&target, text)])
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn writes_through_links_and_only_to_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.test.yaml");
        std::fs::write(&real, "old\n").unwrap();
        let link = dir.path().join("link.test.yaml");
        std::os::unix::fs::symlink("real.test.yaml", &link).unwrap();
        let link = link.to_str().unwrap();
        let read = Source::new(link, "old\n");
        write_back(Path::new(link), &read, "new\n").unwrap();
        assert!(std::fs::symlink_metadata(link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
        // Changed since it was read: left alone.
        let e = write_back(Path::new(link), &read, "newer\n").unwrap_err();
        assert!(e.message().contains("changed"), "{}", e.message());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
        let e = write_back(Path::new("-"), &read, "x").unwrap_err();
        assert!(e.message().contains("standard input"), "{}", e.message());
        let e = write_back(Path::new("/dev/null"), &Source::new("/dev/null", ""), "x").unwrap_err();
        assert!(
            e.message().contains("not a regular file"),
            "{}",
            e.message()
        );
        let d = dir.path().to_str().unwrap();
        assert!(write_back(Path::new(d), &read, "x").is_err());
    }
}
