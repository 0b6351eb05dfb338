//! The Leptos app mounted in Chromium and driven through its DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts the lesson on shards and partition keys (its stream `orders` has
/// four shards) in a fresh container, with no saved progress.
fn mount_app() -> (HtmlElement, impl Drop) {
    use std::sync::Arc;

    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let course = shardlab_lessons::Course::load_trusted().unwrap().for_site();
    let outline = Arc::new(course.outline());
    let index = course.lessons.iter().position(|l| l.id == "shards-and-partition-keys").unwrap();
    let lesson = Arc::new(course.lessons[index].clone());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        leptos::view! { <shardlab_web::pages::lesson::LessonPage outline=outline.clone() index=index lesson=lesson.clone() /> }
    });
    (root, handle)
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length()).map(|i| nodes.item(i).unwrap().text_content().unwrap_or_default()).collect()
}

fn type_into(root: &Element, selector: &str, text: &str) {
    let input: HtmlInputElement = find(root, selector).unchecked_into();
    input.set_value(text);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

async fn put(root: &Element, key: &str, data: &str) {
    type_into(root, "input[name=partition-key]", key);
    type_into(root, "input[name=data]", data);
    click(root, ".put-form button[type=submit]");
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn preview_predicts_the_shard_and_put_lands_there() {
    let (root, _mounted) = mount_app();
    type_into(&root, "input[name=partition-key]", "user-42");
    leptos::task::tick().await;
    assert_eq!(find(&root, ".predicted-shard").text_content().unwrap(), "shardId-000000000001");
    assert_eq!(find(&root, ".md5").text_content().unwrap().len(), 32);

    put(&root, "user-42", "hello").await;
    let result = find(&root, ".result.ok").text_content().unwrap();
    assert!(result.contains("shardId-000000000001 · SequenceNumber 49"), "{result}");
    let counts = texts(&root, ".lane .count");
    assert_eq!(counts, ["0 records", "1 record", "0 records", "0 records"]);
}

#[wasm_bindgen_test]
async fn an_empty_partition_key_shows_the_validation_exception() {
    let (root, _mounted) = mount_app();
    put(&root, "", "x").await;
    let error = find(&root, ".result.error").text_content().unwrap();
    assert!(error.starts_with("ValidationException"), "{error}");
    assert!(error.contains("Member must have length greater than or equal to 1"), "{error}");
}

#[wasm_bindgen_test]
async fn consumer_from_trim_horizon_shows_records_per_shard_in_order() {
    let (root, _mounted) = mount_app();
    put(&root, "user-42", "first").await;
    put(&root, "user-42", "second").await;
    click(&root, ".consumer-controls button.primary");
    leptos::task::tick().await;
    click(&root, ".consumer-controls button:not(.primary)");
    leptos::task::tick().await;
    let shard_one = find(&root, ".consumer-shard[data-shard='shardId-000000000001']");
    assert_eq!(texts(&shard_one, ".received .data"), ["first", "second"]);
}

#[wasm_bindgen_test]
async fn lesson_goals_follow_the_simulation() {
    let (root, _mounted) = mount_app();
    assert!(texts(&root, ".goal.met").is_empty(), "no goal is met at the start");
    for _ in 0..3 {
        put(&root, "user-42", "x").await;
    }
    assert_eq!(texts(&root, ".goal.met").len(), 1);
    put(&root, "device-9", "x").await;
    assert_eq!(texts(&root, ".goal.met").len(), 2);
}

/// Mounts the KCL panel alone over a stream `orders` of two shards and an
/// application `billing` with one running worker, and returns the handle to
/// its simulation.
fn mount_kcl_panel() -> (HtmlElement, shardlab_web::SimHandle, impl Drop) {
    use shardlab_core::{CreateStreamInput, Simulation, api, limits};

    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("orders", 2)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    for (target, body) in [
        ("Shardlab.KclCreateApplication", r#"{"ApplicationName": "billing", "StreamName": "orders"}"#),
        ("Shardlab.KclStartWorker", r#"{"ApplicationId": 0}"#),
    ] {
        assert_eq!(api::handle(&mut sim, target, body).status, 200, "{target}");
    }
    let sim = shardlab_web::SimHandle::new(sim, None);
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        leptos::prelude::provide_context(sim);
        leptos::view! { <shardlab_web::components::kcl_panel::KclPanel /> }
    });
    (root, sim, handle)
}

/// Focuses the button matching `selector` and presses it, as Enter would.
async fn press(root: &Element, selector: &str) -> HtmlElement {
    let button: HtmlElement = find(root, selector).unchecked_into();
    button.focus().unwrap();
    button.click();
    leptos::task::tick().await;
    button
}

fn focused() -> Option<Element> {
    document().active_element()
}

#[wasm_bindgen_test]
async fn kcl_buttons_keep_keyboard_focus_through_a_press_and_a_tick() {
    let (root, sim, _mounted) = mount_kcl_panel();
    let freeze = press(&root, "#kcl-0-worker-0 button[title^=Freeze]").await;
    assert!(texts(&root, "#kcl-0-worker-0").concat().contains("paused"), "the press froze worker-0");
    assert_eq!(focused(), Some(freeze.clone().into()), "Freeze keeps focus");
    sim.advance(shardlab_core::Duration::from_secs(1));
    leptos::task::tick().await;
    assert_eq!(focused(), Some(freeze.into()), "and keeps it as the clock moves");

    let add = press(&root, ".kcl-app > button").await;
    assert_eq!(texts(&root, ".workers li").len(), 2, "the press added worker-1");
    assert_eq!(focused(), Some(add.into()), "Add a worker keeps focus");

    // Kill removes its own button: focus goes to the worker's row.
    press(&root, "#kcl-0-worker-1 button").await;
    assert!(texts(&root, "#kcl-0-worker-1").concat().contains("killed"));
    assert_eq!(focused(), Some(find(&root, "#kcl-0-worker-1")));
}

/// A crafted link may hold a stream of 10,000 shards: the stream view draws
/// one page of lanes, and turns the pages with its buttons.
#[wasm_bindgen_test]
async fn a_stream_of_10_000_shards_draws_one_page_of_lanes() {
    use leptos::prelude::*;
    use shardlab_core::{CreateStreamInput, Simulation, limits};
    use shardlab_web::components::inspector::Selection;
    use shardlab_web::components::stream_view::StreamView;

    let mut sim = Simulation::new();
    sim.create_stream(CreateStreamInput::provisioned("wide", 10_000)).unwrap();
    sim.advance(limits::STREAM_CREATE_DELAY);
    let sim = shardlab_web::SimHandle::new(sim, None);
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(sim);
        provide_context(Selection(RwSignal::new(None)));
        view! { <StreamView stream="wide" probe=Signal::derive(|| None) /> }
    });
    let lanes = || texts(&root, ".lane strong");
    assert_eq!(lanes().len(), 32);
    assert_eq!(lanes()[0], "shardId-000000000000");
    assert_eq!(texts(&root, ".lane-pages [role=status]"), ["Lanes 1–32 of 10000"]);
    let previous_disabled = || find(&root, ".lane-pages button:first-child").has_attribute("disabled");
    assert!(previous_disabled(), "there is no page before the first");

    click(&root, ".lane-pages button:last-child");
    leptos::task::tick().await;
    assert_eq!(lanes()[0], "shardId-000000000032");
    assert_eq!(texts(&root, ".lane-pages [role=status]"), ["Lanes 33–64 of 10000"]);
    assert!(!previous_disabled());
    click(&root, ".lane-pages button:first-child");
    leptos::task::tick().await;
    assert_eq!(lanes()[0], "shardId-000000000000");
}
