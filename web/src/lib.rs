//! The Shardlab site: a thin Leptos view over `shardlab-core`.
//!
//! Components render simulation state and send commands through
//! [`SimHandle`]; no rule of the service is implemented here.

pub mod cli;
pub mod components;
pub mod course;
pub mod embed;
pub mod export;
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
use shardlab_lessons::{EXAM_FILE, Exam, Lesson, Outline, lesson_file};

use crate::course::fetched;
use crate::pages::course_map::CourseMap;
use crate::pages::exam::ExamPage;
use crate::pages::lesson::{Embedding, LessonPage};
use crate::pages::sandbox::SandboxPage;
use crate::route::Route;
pub use crate::sim_handle::SimHandle;

/// The whole site: the page the address asks for.
#[component]
pub fn App() -> impl IntoView {
    let outline = match course::outline() {
        Ok(outline) => Arc::new(outline),
        Err(err) => return view! { <Fatal message=err.to_string() /> }.into_any(),
    };
    let position = |id: &str| outline.lessons.iter().position(|lesson| lesson.id == id);
    let route = Route::current();
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        document.set_title(&page_title(&route, &outline));
    }
    match route {
        Route::CourseMap => view! { <CourseMap outline=outline /> }.into_any(),
        Route::Lesson { id, step } => match position(&id) {
            Some(index) => lesson_page(outline.clone(), index, step.unwrap_or(0), None),
            None => view! { <CourseMap outline=outline missing=id /> }.into_any(),
        },
        Route::Embed { id, origin } => match position(&id) {
            Some(index) => lesson_page(outline.clone(), index, 0, Some(Embedding { origin })),
            None => view! { <Fatal message=format!("There is no lesson called “{id}” to embed.") /> }.into_any(),
        },
        Route::Exam => match outline.exam {
            Some(_) => fetched(EXAM_FILE.to_owned(), "exam", |exam: Arc<Exam>| view! { <ExamPage exam=exam /> }),
            None => view! { <CourseMap outline=outline /> }.into_any(),
        },
        Route::Sandbox => view! { <SandboxPage /> }.into_any(),
    }
}

/// The tab's title on `route`: the page first, so that tabs and history
/// entries of different lessons tell apart.
fn page_title(route: &Route, outline: &Outline) -> String {
    const SITE: &str = "Shardlab";
    let lesson = |id: &str| outline.lessons.iter().find(|lesson| lesson.id == id).map(|lesson| lesson.title.as_str());
    let page = match route {
        Route::Lesson { id, .. } | Route::Embed { id, .. } => lesson(id),
        Route::Exam => outline.exam.as_ref().map(|exam| exam.title.as_str()),
        Route::Sandbox => Some("Sandbox"),
        Route::CourseMap => None,
    };
    match page {
        Some(page) => format!("{page} · {SITE}"),
        None => format!("{SITE} — learn streaming data hands-on"),
    }
}

/// Lesson number `index` of `outline`, once its file has arrived.
fn lesson_page(outline: Arc<Outline>, index: usize, step: usize, embedding: Option<Embedding>) -> AnyView {
    fetched(lesson_file(&outline.lessons[index].id), "lesson", move |lesson: Arc<Lesson>| {
        let (outline, embedding) = (outline.clone(), embedding.clone());
        view! { <LessonPage outline=outline index=index lesson=lesson step=step embedding=embedding /> }
    })
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
    use super::*;

    #[test]
    fn each_page_has_its_own_title() {
        let outline = course::outline().unwrap();
        let first = &outline.lessons[0];
        let lesson = |id: &str| Route::Lesson { id: id.into(), step: None };
        for (route, title) in [
            (Route::CourseMap, "Shardlab — learn streaming data hands-on".to_string()),
            (lesson(&first.id), format!("{} · Shardlab", first.title)),
            (Route::Embed { id: first.id.clone(), origin: None }, format!("{} · Shardlab", first.title)),
            (lesson("no-such-lesson"), "Shardlab — learn streaming data hands-on".to_string()),
            (Route::Exam, format!("{} · Shardlab", outline.exam.as_ref().unwrap().title)),
            (Route::Sandbox, "Sandbox · Shardlab".to_string()),
        ] {
            assert_eq!(page_title(&route, &outline), title, "{route:?}");
        }
    }

    /// The outline the build embedded is the one of the course in
    /// `lessons/data`; the lessons' bodies are `course-files`' (tested in
    /// the lessons crate).
    #[test]
    fn the_built_in_outline_is_the_lesson_data() {
        let course = shardlab_lessons::Course::load_trusted().unwrap();
        assert_eq!(super::course::outline().unwrap(), course.outline());
    }
}
