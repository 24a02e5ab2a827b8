//! Reading user files: size-bounded, UTF-8 checked, `-` for stdin.

use std::io::Read;

use crate::diag::{Error, Result};
use crate::yaml::{self, Node, Source};

/// Inputs larger than this are refused rather than risking memory
/// exhaustion (a 100 MB targets file is fine).
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads a file (or stdin for `-`) into a [`Source`].
pub fn read_source(path: &str) -> Result<Source> {
    let (name, bytes) = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::plain(format!("cannot read standard input: {e}")))?;
        ("<stdin>".to_string(), buf)
    } else {
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::plain(format!("cannot read {path}: {}", io_reason(&e))))?;
        if meta.is_dir() {
            return Err(Error::plain(format!(
                "cannot read {path}: it is a directory"
            )));
        }
        let file = std::fs::File::open(path)
            .map_err(|e| Error::plain(format!("cannot read {path}: {}", io_reason(&e))))?;
        // Pre-size from the file length: growing a 100 MB buffer by
        // doubling costs several copies.
        let mut buf = Vec::with_capacity(meta.len().min(MAX_INPUT_BYTES + 1) as usize + 1);
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::plain(format!("cannot read {path}: {}", io_reason(&e))))?;
        (path.to_string(), buf)
    };
    if buf_len(&bytes) > MAX_INPUT_BYTES {
        return Err(Error::plain(format!(
            "{name} is larger than {} MiB; refusing to load it",
            MAX_INPUT_BYTES / 1024 / 1024
        )));
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

fn buf_len(b: &[u8]) -> u64 {
    b.len() as u64
}

fn io_reason(e: &std::io::Error) -> String {
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
