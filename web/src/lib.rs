//! The Shardlab site: a thin Leptos view over `shardlab-core`.
//!
//! Components render simulation state and send commands through
//! [`SimHandle`]; no rule of the service is implemented here.

pub mod cli;
pub mod components;
pub mod embed;
pub mod format;
pub mod hooks;
pub mod offline;
pub mod pages;
pub mod panic_hook;
pub mod permissions;
pub mod resume;
pub mod route;
pub mod share;
pub mod sim_handle;
pub mod storage;

use std::sync::Arc;

use leptos::prelude::*;
use shardlab_lessons::{Course, LessonError};

use crate::pages::course_map::CourseMap;
use crate::pages::exam::ExamPage;
use crate::pages::lesson::{Embedding, LessonPage};
use crate::pages::sandbox::SandboxPage;
use crate::route::Route;
pub use crate::sim_handle::SimHandle;

/// The course, as the build parsed it from `lessons/data` (see `build.rs`).
pub fn built_in_course() -> Result<Course, LessonError> {
    Course::from_json(include_str!(concat!(env!("OUT_DIR"), "/course.json")))
}

/// The whole site: the page the address asks for.
#[component]
pub fn App() -> impl IntoView {
    let course = match built_in_course() {
        Ok(course) => Arc::new(course),
        Err(err) => return view! { <Fatal message=err.to_string() /> }.into_any(),
    };
    let position = |id: &str| course.lessons.iter().position(|lesson| lesson.id == id);
    match Route::current() {
        Route::CourseMap => view! { <CourseMap course=course /> }.into_any(),
        Route::Lesson { id, step } => match position(&id) {
            Some(index) => view! { <LessonPage course=course index=index step=step.unwrap_or(0) /> }.into_any(),
            None => view! { <CourseMap course=course missing=id /> }.into_any(),
        },
        Route::Embed { id, origin } => match position(&id) {
            Some(index) => view! { <LessonPage course=course index=index embedding=Embedding { origin } /> }.into_any(),
            None => view! { <Fatal message=format!("There is no lesson called “{id}” to embed.") /> }.into_any(),
        },
        Route::Exam => match course.exam.clone() {
            Some(exam) => view! { <ExamPage exam=Arc::new(exam) /> }.into_any(),
            None => view! { <CourseMap course=course /> }.into_any(),
        },
        Route::Sandbox => view! { <SandboxPage /> }.into_any(),
    }
}

#[component]
fn Fatal(message: String) -> impl IntoView {
    view! {
        <main class="layout">
            <section class="panel" role="alert">
                <h2>"The course could not be loaded"</h2>
                <pre>{message}</pre>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    /// The course the build embedded is the one in `lessons/data`, less the
    /// known-wrong solutions, which the build leaves out (see `build.rs`).
    #[test]
    fn the_built_in_course_is_the_lesson_data() {
        let mut course = shardlab_lessons::Course::load_trusted().unwrap();
        for lesson in &mut course.lessons {
            lesson.wrong_solutions.clear();
        }
        assert_eq!(super::built_in_course().unwrap(), course);
    }
}
