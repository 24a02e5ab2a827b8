//! Reading user files: size-bounded, UTF-8 checked, `-` for stdin; and
//! finding them in the directories given on the command line.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{Error, Result};
use crate::yaml::{self, Node, Source};

/// Inputs larger than this are refused rather than risking memory
/// exhaustion (a 100 MB targets file is fine).
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads a file (or stdin for `-`) into a [`Source`]. A name that is not
/// valid UTF-8 is read as it is and shown with U+FFFD in its place.
pub fn read_source(path: impl AsRef<Path>) -> Result<Source> {
    let path = path.as_ref();
    read(path).map_err(|e| e.in_file(&path.to_string_lossy()))
}

fn read(file: &Path) -> Result<Source> {
    let path = file.to_string_lossy();
    let (name, bytes) = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::plain(format!("cannot read standard input: {e}")))?;
        ("<stdin>".to_string(), buf)
    } else {
        let meta = std::fs::metadata(file)
            .map_err(|e| Error::plain(format!("cannot read {path}: {}", io_reason(&e))))?;
        if meta.is_dir() {
            return Err(Error::plain(format!(
                "cannot read {path}: it is a directory"
            )));
        }
        if meta.len() > MAX_INPUT_BYTES {
            return Err(too_large(&path));
        }
        let file = std::fs::File::open(file)
            .map_err(|e| Error::plain(format!("cannot read {path}: {}", io_reason(&e))))?;
        let buf = match read_in_parallel(&file, meta.len()) {
            Some(buf) => buf,
            None => {
                // Pre-size from the file length: growing a 100 MB buffer by
                // doubling costs several copies.
                // `read_in_parallel` reads at offsets, so the file is still
                // at its start.
                let mut buf = Vec::with_capacity(meta.len() as usize + 1);
                (&file)
                    .take(MAX_INPUT_BYTES + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| Error::plain(format!("cannot read {path}: {}", io_reason(&e))))?;
                buf
            }
        };
        (path.into_owned(), buf)
    };
    if buf_len(&bytes) > MAX_INPUT_BYTES {
        return Err(too_large(&name));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Report the position in the lossy text, whose prefix is identical.
            let src = Source::new(name, lossy);
            Err(Error::at(
                &src,
                yaml::Span::new(valid, valid + 1),
                format!("{} is not valid UTF-8 (byte offset {valid})", src.name),
                "invalid UTF-8 here",
            )
            .with_help("kdm reads YAML and JSON, which must be UTF-8 encoded"))
        }
    }
}

fn too_large(name: &str) -> Error {
    Error::plain(format!(
        "{name} is larger than {} MiB; refusing to load it",
        MAX_INPUT_BYTES / 1024 / 1024
    ))
}

/// Files at least this large are read on all cores.
const PARALLEL_READ_BYTES: u64 = 16 << 20;

/// Reads a large regular file in parts, one per core: first touching the
/// fresh memory of a 100 MB buffer is much of the cost of reading it, and it
/// shares out. `None` (read it the plain way) when the file is small, is not
/// a regular file, or changed size while being read.
#[cfg(not(unix))]
fn read_in_parallel(_: &std::fs::File, _: u64) -> Option<Vec<u8>> {
    None
}

#[cfg(unix)]
fn read_in_parallel(file: &std::fs::File, len: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    if len < PARALLEL_READ_BYTES {
        return None;
    }
    let threads = crate::worker_threads();
    if threads < 2 || !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut buf = vec![0u8; usize::try_from(len).ok()?];
    let part = buf.len().div_ceil(threads);
    let all_read = std::thread::scope(|scope| {
        let handles: Vec<_> = buf
            .chunks_mut(part)
            .enumerate()
            .map(|(i, chunk)| scope.spawn(move || file.read_exact_at(chunk, (i * part) as u64)))
            .collect();
        handles.into_iter().all(|h| matches!(h.join(), Ok(Ok(()))))
    });
    // A file that grew meanwhile has more to read: use the plain way.
    let mut probe = [0u8; 1];
    if !all_read || !matches!(file.read_at(&mut probe, len), Ok(0)) {
        return None;
    }
    Some(buf)
}

fn buf_len(b: &[u8]) -> u64 {
    b.len() as u64
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Parses every YAML document of a source, with kdm's limits.
pub fn load_yaml(src: &Source) -> Result<Vec<Node>> {
    yaml::load_stream(src, yaml::Limits::default()).map_err(|e| Error::from_load(src, e))
}

/// An input file found by [`discover`], with its size when known.
pub struct Found {
    pub path: PathBuf,
    pub bytes: u64,
}

/// What [`discover`] found: the files to read, the paths it could not read
/// (input errors), and what a directory walk passed over on purpose.
#[derive(Default)]
pub struct Discovery {
    pub files: Vec<Found>,
    pub errors: Vec<Error>,
    /// One line per entry that has an input file's name but is not a
    /// regular file (a FIFO, a socket, a device): reading it could block
    /// forever or never end, so a walk reports it instead of opening it.
    pub skipped: Vec<String>,
}

/// Expands directories (recursively: .yaml, .yml, .json), keeps explicit
/// files as given (a FIFO named on the command line is read), drops paths
/// found in directories that `excluded` names, and survives symlink loops.
pub fn discover(paths: &[String], excluded: &dyn Fn(&str) -> bool) -> Discovery {
    let mut found = Discovery::default();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        if p == "-" {
            found.files.push(Found {
                path: PathBuf::from(p),
                bytes: 0,
            });
            continue;
        }
        let path = Path::new(p);
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, excluded, &mut seen_dirs, &mut found),
            Ok(m) => found.files.push(Found {
                path: PathBuf::from(p),
                bytes: m.len(),
            }),
            Err(e) => found
                .errors
                .push(Error::plain(format!("cannot read {p}: {}", io_reason(&e))).in_file(p)),
        }
    }
    found
}

fn walk(
    dir: &Path,
    excluded: &dyn Fn(&str) -> bool,
    seen: &mut HashSet<PathBuf>,
    found: &mut Discovery,
) {
    let Ok(canonical) = dir.canonicalize() else {
        return;
    };
    if !seen.insert(canonical) {
        return; // a symlink loop, or a directory reached twice
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            found.errors.push(Error::plain(format!(
                "cannot read {}: {}",
                dir.display(),
                io_reason(&e)
            )));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let display = path.to_string_lossy().into_owned();
        if excluded(&display) {
            continue;
        }
        // Names that are not UTF-8 are read all the same (by their real
        // path) and shown lossily.
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with('.') && name != "." {
            continue;
        }
        let wanted = [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| name.ends_with(ext));
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, excluded, seen, found),
            Ok(m) if wanted && m.is_file() => found.files.push(Found {
                path,
                bytes: m.len(),
            }),
            Ok(m) if wanted => found.skipped.push(format!(
                "skipped {display}: {} (name it on the command line to read it)",
                not_regular(&m.file_type())
            )),
            Ok(_) => {}
            // Dangling symlinks and unreadable entries are reported, not skipped.
            Err(e) => found.errors.push(
                Error::plain(format!("cannot read {display}: {}", io_reason(&e))).in_file(&display),
            ),
        }
    }
}

/// Says what a file that is neither a directory nor a regular file is.
fn not_regular(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO, not a regular file";
        }
        if kind.is_socket() {
            return "a socket, not a regular file";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device, not a regular file";
        }
    }
    let _ = kind;
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_files_read_in_parts_are_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        // Multi-byte characters straddle the part boundaries somewhere.
        let line = "{\"ü\": \"日本語\", \"n\": 12345}\n";
        let text = line.repeat((PARALLEL_READ_BYTES as usize) / line.len() + 1000);
        std::fs::write(&path, &text).unwrap();
        let src = read_source(path.to_str().unwrap()).unwrap();
        assert_eq!(src.text.as_str(), text);
        let file = std::fs::File::open(&path).unwrap();
        assert_eq!(
            read_in_parallel(&file, text.len() as u64).is_some(),
            crate::worker_threads() > 1
        );
        // A stale (smaller) length means the file grew: read it plainly.
        assert!(read_in_parallel(&file, text.len() as u64 - 10).is_none());
    }
}
