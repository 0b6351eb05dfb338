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
    let course = Arc::new(shardlab_web::built_in_course().unwrap());
    let index = course.lessons.iter().position(|l| l.id == "shards-and-partition-keys").unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        leptos::view! { <shardlab_web::pages::lesson::LessonPage course=course.clone() index=index /> }
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
