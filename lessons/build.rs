//! Embeds every lesson data file, so that adding a lesson is a matter of
//! adding files under `data/` and a line to `data/index.toml`, with no Rust.
//!
//! Writes `$OUT_DIR/embedded.rs`, defining `EMBEDDED: &[(&str, &str)]`: each
//! `.toml` and `.md` file in `data/` and its subdirectories, by path relative
//! to `data/` with `/` separators, and its contents by `include_str!`.

use std::fs;
use std::path::Path;

fn main() {
    // Read when the script runs, not built into it: cargo reuses a compiled
    // build script for a checkout of the same workspace in another directory.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let data = Path::new(&manifest_dir).join("data");
    // Cargo scans a directory given here for changes to any file beneath it.
    println!("cargo::rerun-if-changed={}", data.display());

    let mut files = Vec::new();
    for entry in read_dir(&data) {
        if entry.is_dir() {
            files.extend(read_dir(&entry).into_iter().filter(|path| path.is_file()));
        } else {
            files.push(entry);
        }
    }
    files.retain(|path| path.extension().is_some_and(|ext| ext == "toml" || ext == "md"));
    files.sort();

    let mut out = String::from("static EMBEDDED: &[(&str, &str)] = &[\n");
    for path in &files {
        let relative = path.strip_prefix(&data).expect("under data/");
        let key: Vec<&str> = relative.iter().map(|part| part.to_str().expect("UTF-8 file names")).collect();
        let absolute = path.to_str().expect("UTF-8 paths");
        out += &format!("    ({:?}, include_str!({absolute:?})),\n", key.join("/"));
    }
    out += "];\n";
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("embedded.rs"), out).expect("write embedded.rs");
}

fn read_dir(dir: &Path) -> Vec<std::path::PathBuf> {
    let entries = fs::read_dir(dir).unwrap_or_else(|err| panic!("read {}: {err}", dir.display()));
    entries.map(|entry| entry.expect("directory entry").path()).collect()
}
