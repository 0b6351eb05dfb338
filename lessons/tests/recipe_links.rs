//! A lesson's start and its reference solution, recorded as recipe steps
//! (`Action::steps`), make a share link that replays to the very state the
//! solution reached.

use std::time::Instant;

use shardlab_core::recipe::{Recipe, Start};
use shardlab_core::share::{Link, ShareError};
use shardlab_lessons::{Course, recipe_start};

#[test]
fn every_lessons_solution_replays_from_its_recipe_link() {
    let course = Course::load().unwrap();
    for lesson in &course.lessons {
        let mut sim = lesson.start();
        let mut recipe = Recipe::new(Start::Lesson { id: lesson.id.clone() });
        for action in &lesson.solution {
            action.apply(&mut sim).unwrap();
            action.steps().unwrap().into_iter().for_each(|step| recipe.push(step));
        }
        let fragment = recipe.share_fragment(&sim).unwrap_or_else(|err| panic!("lesson={}: {err}", lesson.id));
        let began = Instant::now();
        let opened = Link::read(&fragment).unwrap().open(|start| recipe_start(start, Some(lesson)));
        let opened = opened.unwrap_or_else(|err| panic!("lesson={}: {err}", lesson.id));
        println!("{}: {} characters, opened in {:?}", lesson.id, fragment.len(), began.elapsed());
        assert_eq!(opened.snapshot(), sim.snapshot(), "lesson={}", lesson.id);

        // On another lesson's page the start cannot be built.
        let elsewhere = Link::read(&fragment).unwrap().open(|start| recipe_start(start, None));
        assert_eq!(elsewhere.unwrap_err(), ShareError::UnknownStart(recipe.start.clone()), "lesson={}", lesson.id);
    }
}

/// Issue 13's measure: an hour of sandbox play with a generator at 1,000
/// records/s is a link of a few hundred characters (the target is under
/// 8 KB), where the whole state would be millions. The time to open it is
/// printed, not asserted.
#[test]
fn an_hour_of_sandbox_traffic_is_a_short_link() {
    use shardlab_core::recipe::Step;
    use shardlab_core::{Duration, recipe};

    let api = |target: &str, body: serde_json::Value| Step::Api { target: target.into(), body: body.to_string() };
    let mut steps = vec![api(
        "Shardlab.StartGenerator",
        serde_json::json!({"StreamName": shardlab_lessons::SANDBOX_STREAM, "RecordsPerSecond": 1000}),
    )];
    for i in 0..20 {
        let put = serde_json::json!({"StreamName": "sandbox", "PartitionKey": format!("user-{i}"), "Data": "eA=="});
        steps.push(api("Kinesis_20131202.PutRecord", put));
    }
    // Ten minutes at 1× (100 ms ticks), then fifty with the Step button.
    let mut recipe = Recipe::new(Start::Sandbox);
    let mut sim = shardlab_lessons::sandbox();
    let ticks = std::iter::repeat_n(Step::Advance(100, 1), 6000);
    let seconds = recipe::advances(Duration::from_secs(3000));
    for step in steps.into_iter().chain(ticks).chain(seconds) {
        step.apply(&mut sim);
        recipe.push(step);
    }
    let fragment = recipe.share_fragment(&sim).unwrap();
    assert!(fragment.len() < 8 * 1024, "{} characters", fragment.len());
    let began = Instant::now();
    let opened = Link::read(&fragment).unwrap().open(|start| recipe_start(start, None)).unwrap();
    println!(
        "an hour at 1,000 records/s: a link of {} characters, opened in {:?} ({} records retained)",
        fragment.len(),
        began.elapsed(),
        opened.retained().records
    );
    assert_eq!(recipe::fingerprint(&opened), recipe::fingerprint(&sim));
}
