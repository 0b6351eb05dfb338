//! Which page the address asks for. Pages are chosen by the query string,
//! so that every page of the static site is `index.html` and a deep link
//! works from a bookmark or another site:
//!
//! | address | page |
//! | --- | --- |
//! | `./` | the course map |
//! | `?lesson=ID` | a lesson |
//! | `?lesson=ID&step=N` | a lesson with the first N steps of its reference solution done |
//! | `?exam` | the practice exam |
//! | `?sandbox` | the free sandbox |
//! | `?embed=ID&origin=https://course.example` | one lesson without site chrome, for an iframe |
//!
//! The fragment (`#sim=1.…`) is a share link and works on every lesson page.

/// A page of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Every lesson with the learner's progress.
    CourseMap,
    /// One lesson; `step` replays that many steps of its solution.
    Lesson {
        /// The lesson's id.
        id: String,
        /// Solution steps to replay on opening.
        step: Option<usize>,
    },
    /// The practice exam.
    Exam,
    /// A playground with no lesson.
    Sandbox,
    /// One lesson for an iframe, reporting completion to its parent window.
    Embed {
        /// The lesson's id.
        id: String,
        /// The origin completion messages are posted to; `None` uses the
        /// embedding page's origin from the referrer.
        origin: Option<String>,
    },
}

impl Route {
    /// The page `search` (`location.search`, with or without `?`) asks for.
    /// Unknown parameters are ignored; an empty id is the course map.
    pub fn parse(search: &str) -> Route {
        let params: Vec<(String, String)> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), decode(value))
            })
            .collect();
        let get = |name: &str| params.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
        if let Some(id) = get("embed").filter(|id| !id.is_empty()) {
            return Route::Embed { id, origin: get("origin").filter(|o| !o.is_empty()) };
        }
        if let Some(id) = get("lesson").filter(|id| !id.is_empty()) {
            return Route::Lesson { id, step: get("step").and_then(|s| s.parse().ok()) };
        }
        if get("exam").is_some() {
            return Route::Exam;
        }
        if get("sandbox").is_some() {
            return Route::Sandbox;
        }
        Route::CourseMap
    }

    /// The query string that opens this page (`?lesson=x`), or `./` for the map.
    pub fn href(&self) -> String {
        match self {
            Route::CourseMap => "./".into(),
            Route::Lesson { id, step: None } => format!("?lesson={}", encode(id)),
            Route::Lesson { id, step: Some(step) } => format!("?lesson={}&step={step}", encode(id)),
            Route::Exam => "?exam".into(),
            Route::Sandbox => "?sandbox".into(),
            Route::Embed { id, origin: None } => format!("?embed={}", encode(id)),
            Route::Embed { id, origin: Some(origin) } => format!("?embed={}&origin={}", encode(id), encode(origin)),
        }
    }

    /// The page the browser's address asks for.
    pub fn current() -> Route {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        Route::parse(&search)
    }
}

/// Percent-decoding of a query component (`+` is a space); invalid escapes stay as they are.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'+' => out.push(b' '),
            b'%' if idx + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[idx + 1..idx + 3])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or(())
                {
                    Ok(byte) => {
                        out.push(byte);
                        idx += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        idx += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding of everything but unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_pages() {
        let lesson = |id: &str, step| Route::Lesson { id: id.into(), step };
        let cases = [
            ("", Route::CourseMap),
            ("?", Route::CourseMap),
            ("?lesson=", Route::CourseMap),
            ("?lesson=hot-keys", lesson("hot-keys", None)),
            ("lesson=hot-keys&step=2", lesson("hot-keys", Some(2))),
            ("?lesson=hot-keys&step=x", lesson("hot-keys", None)),
            ("?exam", Route::Exam),
            ("?exam=1&utm=x", Route::Exam),
            ("?sandbox", Route::Sandbox),
            ("?embed=hot-keys", Route::Embed { id: "hot-keys".into(), origin: None }),
            (
                "?embed=hot-keys&origin=https%3A%2F%2Fcourse.example%3A8443",
                Route::Embed { id: "hot-keys".into(), origin: Some("https://course.example:8443".into()) },
            ),
            ("?nothing=here", Route::CourseMap),
        ];
        for (search, route) in cases {
            assert_eq!(Route::parse(search), route, "{search}");
        }
    }

    #[test]
    fn hrefs_parse_back_to_their_route() {
        for route in [
            Route::CourseMap,
            Route::Lesson { id: "a b".into(), step: Some(3) },
            Route::Exam,
            Route::Sandbox,
            Route::Embed { id: "x".into(), origin: Some("http://127.0.0.1:9000".into()) },
        ] {
            let href = route.href();
            let search = if href == "./" { "" } else { href.as_str() };
            assert_eq!(Route::parse(search), route, "{href}");
        }
    }

    #[test]
    fn bad_escapes_are_kept_as_text() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%41%2"), "A%2");
    }
}
