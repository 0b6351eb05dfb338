//! Offline after one visit: registers the service worker (`web/sw.js`) and
//! tells the learner when a new version of the site has been downloaded.
//!
//! The worker of a new build installs beside the running one and waits, so a
//! page never mixes two builds; the notice offers to reload into it now, and
//! otherwise it is used from the next visit. The notice is written with
//! `textContent`, like the panic banner, outside the Leptos tree, so it works
//! on every page (lessons, exam, sandbox, embeds).

use std::sync::atomic::{AtomicBool, Ordering};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// The message `sw.js` answers by taking over from the old version.
const USE_NEW_VERSION: &str = "shardlab:use-new-version";

/// Whether the learner pressed "Reload now": only then does a change of
/// controlling worker reload the page.
static RELOAD_ASKED: AtomicBool = AtomicBool::new(false);

/// Registers the worker beside `index.html`, relative so that the site works
/// under any path. Does nothing where the browser has no service workers
/// (an insecure origin, a private window in some browsers).
pub fn register() {
    let Some(container) = container() else { return };
    // Once the learner chose "Reload now", the new worker takes control: load
    // the page again from it, once. A worker also takes control on a first
    // visit (it claims the page so that the page works offline), and that
    // must not reload the learner's work away.
    let on_controller_change = Closure::<dyn FnMut()>::new(move || {
        if RELOAD_ASKED.swap(false, Ordering::Relaxed) {
            let _ = web_sys::window().map(|w| w.location().reload());
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();

    let on_registered = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
        let Ok(registration) = value.dyn_into::<ServiceWorkerRegistration>() else { return };
        // A new version may have been found before this handler was attached.
        if let Some(waiting) = registration.waiting() {
            offer_new_version(waiting);
        } else if let Some(installing) = registration.installing() {
            watch(installing);
        }
        let watched = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            if let Some(installing) = watched.installing() {
                watch(installing);
            }
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
        // Look for a new version on every visit rather than when the browser
        // gets round to it; offline, the check fails quietly.
        if let Ok(checked) = registration.update() {
            let quiet = Closure::<dyn FnMut(JsValue)>::new(|_| {});
            let _ = checked.catch(&quiet);
            quiet.forget();
        }
    });
    // A failed registration (no sw.js in a test build) leaves the site online-only.
    let on_failed = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let _ = container.register("sw.js").then2(&on_registered, &on_failed);
    on_registered.forget();
    on_failed.forget();
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let present = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

/// Offers `worker` once it has installed, if an older version runs this page
/// (on a first visit there is nothing to replace).
fn watch(worker: ServiceWorker) {
    let watched = worker.clone();
    let on_state = Closure::<dyn FnMut()>::new(move || {
        let replaces_a_version = container().and_then(|c| c.controller()).is_some();
        if watched.state() == ServiceWorkerState::Installed && replaces_a_version {
            offer_new_version(watched.clone());
        }
    });
    worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

/// The notice: a new version is ready; "Reload now" switches to it, "Later"
/// hides the notice.
fn offer_new_version(worker: ServiceWorker) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    if document.get_element_by_id("update-notice").is_some() {
        return;
    }
    let (Ok(notice), Ok(text), Ok(button), Ok(later)) = (
        document.create_element("div"),
        document.create_element("span"),
        document.create_element("button"),
        document.create_element("button"),
    ) else {
        return;
    };
    notice.set_id("update-notice");
    let _ = notice.set_attribute("role", "status");
    text.set_text_content(Some(
        "A new version of Shardlab has been downloaded. It opens on your next visit; reloading now keeps your progress but restarts this page's simulation.",
    ));
    button.set_text_content(Some("Reload now"));
    let _ = button.set_attribute("type", "button");
    let on_click = Closure::<dyn FnMut()>::new(move || {
        RELOAD_ASKED.store(true, Ordering::Relaxed);
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &USE_NEW_VERSION.into());
        let _ = worker.post_message(&message);
    });
    let _ = button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    // "Later" only hides the notice: the new version still opens on the next visit.
    later.set_text_content(Some("Later"));
    let _ = later.set_attribute("type", "button");
    let _ = later.set_attribute("class", "later");
    let shown = notice.clone();
    let on_later = Closure::<dyn FnMut()>::new(move || shown.remove());
    let _ = later.add_event_listener_with_callback("click", on_later.as_ref().unchecked_ref());
    on_later.forget();
    let _ = notice.append_with_node_3(&text, &button, &later);
    let _ = body.append_with_node_1(&notice);
}
