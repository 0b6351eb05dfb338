//! Parses the course once, here, and writes its outline (titles, summaries,
//! the exam's size) into `$OUT_DIR/outline.json`, which the site embeds. Each
//! lesson's body, and the exam, are files the page fetches when it opens one
//! (written into the build by `course-files`, see `Trunk.toml`), so the first
//! visit downloads none of them, and the learner's browser needs neither the
//! TOML nor the Markdown parser, nor the time to run them.
//!
//! A course that does not parse fails the build with the author's
//! `file:line: message`. Solutions are not replayed here; the lessons
//! crate's tests do that.

use std::path::Path;

fn main() {
    // Cargo reruns this script when it or a dependency changes, which
    // includes the lessons crate whenever a lesson file does.
    println!("cargo::rerun-if-changed=build.rs");
    let course =
        shardlab_lessons::Course::load_trusted().unwrap_or_else(|err| panic!("the course does not load: {err}"));
    let outline = serde_json::to_string(&course.outline()).expect("an outline has only strings and numbers");
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("outline.json");
    std::fs::write(&out, outline).unwrap_or_else(|err| panic!("cannot write {}: {err}", out.display()));
}
