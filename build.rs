//! Packs the Kubernetes API schemas of `schemas/kubernetes/v1.*/` into the
//! binary: each distinct file once (most kinds do not change between minor
//! versions), deflated, with a table of which file each version uses per
//! kind. 11 versions of 23 kinds are 7 MB of JSON and about half a megabyte
//! packed; `k8s::schema` inflates a schema the first time a run needs it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/kubernetes");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut versions: Vec<(u32, String)> = std::fs::read_dir(&root)
        .expect("schemas/kubernetes exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let minor = name.strip_prefix("v1.")?.parse().ok()?;
            Some((minor, name))
        })
        .collect();
    versions.sort();
    let mut data: Vec<u8> = Vec::new();
    let mut blobs: Vec<(usize, usize)> = Vec::new();
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut table = String::from(
        "/// (minor version, [(schema file stem, blob)]), oldest first.\n\
         pub static VERSIONS: &[(&str, &[(&str, usize)])] = &[\n",
    );
    for (minor, dir) in &versions {
        let path = root.join(dir);
        println!("cargo:rerun-if-changed={}", path.display());
        let mut files: Vec<String> = std::fs::read_dir(&path)
            .expect("version directory")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".json"))
            .collect();
        files.sort();
        let _ = write!(table, "    (\"1.{minor}\", &[");
        for file in files {
            let text = std::fs::read(path.join(&file)).expect("schema file");
            let next = blobs.len();
            let blob = *seen.entry(text.clone()).or_insert_with(|| {
                let packed = miniz_oxide::deflate::compress_to_vec(&text, 10);
                blobs.push((data.len(), packed.len()));
                data.extend_from_slice(&packed);
                next
            });
            let stem = file.trim_end_matches(".json");
            let _ = write!(table, "(\"{stem}\", {blob}), ");
        }
        table.push_str("]),\n");
    }
    table.push_str("];\n\n/// (offset, length) of each deflated schema in `DATA`.\n");
    let _ = writeln!(table, "pub static BLOBS: &[(usize, usize)] = &{blobs:?};");
    table.push_str(
        "pub static DATA: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/k8s-schemas.bin\"));\n",
    );
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out).join("k8s-schemas.bin"), &data).expect("write blobs");
    std::fs::write(Path::new(&out).join("k8s_schemas.rs"), table).expect("write table");
}
