//! Embedding a lesson in another site's page (`?embed=ID&origin=…`): on
//! completion, the lesson tells its parent window with
//! `postMessage({type: "shardlab:complete", lesson, score}, origin)`.
//!
//! The message goes only to the origin the embedding page named with
//! `origin`, or, without one, to the origin of the page that loaded the
//! iframe (the referrer). With neither, nothing is posted: the lesson never
//! broadcasts to `*`.

use wasm_bindgen::JsValue;

/// The `type` of the completion message.
pub const COMPLETE_MESSAGE: &str = "shardlab:complete";

/// The origin (`scheme://host[:port]`) of `url`, if it has one.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!scheme.is_empty() && !host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Where the completion goes: the origin the embedding page named, or
/// without one the referrer's. A named value that is not an origin (`*`,
/// which would hand the score to whatever page framed the lesson, or `/`)
/// posts nothing rather than falling back.
pub fn target_origin(named: Option<&str>, referrer: &str) -> Option<String> {
    match named {
        Some(named) => origin_of(named),
        None => origin_of(referrer),
    }
}

/// Posts the completion of `lesson` with `score` (0 to 100) to the parent window.
pub fn post_completion(origin: Option<&str>, lesson: &str, score: u32) {
    let Some(window) = web_sys::window() else { return };
    let referrer = window.document().map(|d| d.referrer()).unwrap_or_default();
    let Some(target) = target_origin(origin, &referrer) else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    let message = js_sys::Object::new();
    let set = |key: &str, value: JsValue| js_sys::Reflect::set(&message, &JsValue::from_str(key), &value);
    let built = set("type", COMPLETE_MESSAGE.into())
        .and_then(|_| set("lesson", lesson.into()))
        .and_then(|_| set("score", score.into()));
    if built.is_ok() {
        // A wrong origin is the parent's mistake; the browser drops the message.
        let _ = parent.post_message(&message, &target);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port() {
        for (url, origin) in [
            ("https://course.example/unit/3?x=1", Some("https://course.example")),
            ("http://127.0.0.1:8123/examples/embed-host.html", Some("http://127.0.0.1:8123")),
            ("https://a.example#frag", Some("https://a.example")),
            ("", None),
            ("not a url", None),
        ] {
            assert_eq!(origin_of(url).as_deref(), origin, "{url}");
        }
    }

    #[test]
    fn a_wildcard_or_a_path_is_refused_not_broadcast() {
        let referrer = "https://course.example/unit/3";
        for named in ["*", "/", " *", ""] {
            assert_eq!(target_origin(Some(named), referrer), None, "{named:?}");
        }
        assert_eq!(
            target_origin(Some("https://lms.example:8443"), referrer).as_deref(),
            Some("https://lms.example:8443")
        );
        assert_eq!(target_origin(None, referrer).as_deref(), Some("https://course.example"));
        assert_eq!(target_origin(None, ""), None);
    }
}
