//! `course-files DIR`: writes the files the site fetches when a page opens a
//! lesson or the exam ([`Course::site_files`]) under `DIR`, which is Trunk's
//! staging directory when the site's build runs it (see `Trunk.toml`).
//!
//! The course is the one built into the crate, as the site's own build
//! embeds its outline (`web/build.rs`), so the two always agree.

use std::path::Path;
use std::process::ExitCode;
use std::{env, fs};

use shardlab_lessons::Course;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let [dir] = args.as_slice() else {
        eprintln!("usage: course-files DIR");
        return ExitCode::from(2);
    };
    let course = match Course::load_trusted() {
        Ok(course) => course.for_site(),
        Err(err) => {
            eprintln!("course-files: the course does not load: {err}");
            return ExitCode::FAILURE;
        }
    };
    for (path, json) in course.site_files() {
        let path = Path::new(dir).join(path);
        let written = path.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::write(&path, json));
        if let Err(err) = written {
            eprintln!("course-files: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
