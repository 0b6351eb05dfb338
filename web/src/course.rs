//! The course as the site has it: the outline built in (see `build.rs`),
//! each lesson's body and the exam fetched from the site's own `course/`
//! files when a page opens one. The first visit so downloads no lesson, and
//! the service worker keeps them all for offline visits (`scripts/offline.mjs`).

use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use shardlab_lessons::{LessonError, Outline};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::route::Route;

/// The course's outline, as the build wrote it.
pub fn outline() -> Result<Outline, LessonError> {
    shardlab_lessons::from_json("outline.json", include_str!(concat!(env!("OUT_DIR"), "/outline.json")))
}

/// The site's file at `path` (relative to the page, so that the site works
/// under any path), read as a `T`; on failure, a sentence for the learner.
async fn fetch<T: DeserializeOwned>(path: &str) -> Result<T, String> {
    let unreachable = |err: JsValue| {
        let reason = err.dyn_ref::<js_sys::Error>().map(|err| String::from(err.message()));
        format!("The site could not be reached ({})", reason.unwrap_or_else(|| "no reason given".into()))
    };
    let window = web_sys::window().ok_or("There is no window")?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(path)).await.map_err(unreachable)?.unchecked_into();
    if !response.ok() {
        return Err(format!("The site answered {} {} for {path}", response.status(), response.status_text()));
    }
    let text = JsFuture::from(response.text().map_err(unreachable)?).await.map_err(unreachable)?;
    let text = text.as_string().ok_or("The answer was not text")?;
    shardlab_lessons::from_json(path, &text).map_err(|err| err.to_string())
}

/// `show`s the `what` (a lesson, the exam) in the file at `path` once it
/// has arrived; until then a note says it is coming, and if it cannot
/// arrive, why, and what to do.
pub fn fetched<T, V>(path: String, what: &'static str, show: impl Fn(Arc<T>) -> V + Send + Sync + 'static) -> AnyView
where
    T: DeserializeOwned + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let file = LocalResource::new(move || {
        let path = path.clone();
        async move { fetch::<T>(&path).await.map(Arc::new) }
    });
    (move || match file.get() {
        None => {
            view! { <main class="layout"><p class="muted" role="status">{format!("Opening the {what}…")}</p></main> }
                .into_any()
        }
        Some(Ok(value)) => show(value).into_any(),
        Some(Err(reason)) => view! {
            <main class="layout">
                <section class="panel" role="alert">
                    <h2>{format!("The {what} could not be opened")}</h2>
                    <p>{format!("{reason}. Check the connection, then reload the page.")}</p>
                    <p><a href=Route::CourseMap.href()>"Back to the course map"</a></p>
                </section>
            </main>
        }
        .into_any(),
    })
    .into_any()
}
