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
