//! Parses the course once, here, into `$OUT_DIR/course.json`, which the site
//! embeds and reads with `Course::from_json`: the learner's browser then
//! needs neither the TOML nor the Markdown parser, nor the time to run them.
//!
//! A course that does not parse fails the build with the author's
//! `file:line: message`. Solutions are not replayed here; the lessons
//! crate's tests do that.

use std::path::Path;

fn main() {
    // Cargo reruns this script when it or a dependency changes, which
    // includes the lessons crate whenever a lesson file does.
    println!("cargo::rerun-if-changed=build.rs");
    let mut course =
        shardlab_lessons::Course::load_trusted().unwrap_or_else(|err| panic!("the course does not load: {err}"));
    // Plausible mistakes are for `lesson-check`, which proves each fails a
    // goal; the browser never replays them, so they stay out of its download.
    for lesson in &mut course.lessons {
        lesson.wrong_solutions.clear();
    }
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("course.json");
    std::fs::write(&out, course.to_json()).unwrap_or_else(|err| panic!("cannot write {}: {err}", out.display()));
}
