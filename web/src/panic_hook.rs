//! Shows a panic to the learner instead of leaving a frozen page. What
//! the page opened (a share link, the lesson's saved work) is dropped, so
//! that reloading starts afresh.
//!
//! The message is written with `textContent`, never as HTML.

use std::fmt::Write as _;

/// Installs the hook. Call once, before mounting the app.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let mut message = String::from("Shardlab stopped because of an internal error: ");
        let _ = write!(message, "{info}");
        web_sys::console::error_1(&message.as_str().into());
        forget_share_link();
        crate::resume::forget_after_panic();
        show(&message);
    }));
}

/// Drops a `#sim=` share link from the address, so that "Reload the page"
/// starts afresh instead of opening the link that may have caused the panic.
/// `replaceState` changes the address without loading or adding history.
pub fn forget_share_link() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    if !location.hash().is_ok_and(|hash| hash.starts_with("#sim=")) {
        return;
    }
    let (Ok(path), Ok(search), Ok(history)) = (location.pathname(), location.search(), window.history()) else {
        return;
    };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{search}")));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    let banner = match document.get_element_by_id("panic") {
        Some(existing) => existing,
        None => match document.create_element("div") {
            Ok(created) => {
                created.set_id("panic");
                created.set_attribute("role", "alert").ok();
                let _ = body.prepend_with_node_1(&created);
                created
            }
            Err(_) => return,
        },
    };
    banner
        .set_text_content(Some(&format!("{message}. Reload the page to start again; your lesson progress is saved.")));
}
