//! Every moment of a lesson can be saved and reopened: the page's undo, its
//! timeline and a learner's saved progress all restore snapshots, so a
//! snapshot taken after any step of a lesson must restore, and be written
//! again byte for byte.

use shardlab_core::Simulation;
use shardlab_lessons::Course;

/// States that retain more records are left out: their snapshots are
/// megabytes, and they would take the test from seconds to a minute without
/// adding a kind of state the smaller ones lack.
const MOST_RECORDS_CHECKED: u64 = 20_000;

#[test]
fn every_step_of_every_lessons_solution_reopens_from_its_snapshot() {
    let course = Course::load().unwrap();
    let mut checked = 0;
    for lesson in &course.lessons {
        let mut sim = lesson.start();
        for step in 0..=lesson.solution.len() {
            if step > 0 {
                lesson.solution[step - 1].apply(&mut sim).unwrap();
            }
            if sim.retained().records > MOST_RECORDS_CHECKED {
                continue;
            }
            let snapshot = sim.snapshot();
            let restored = Simulation::restore(&snapshot)
                .unwrap_or_else(|err| panic!("lesson={} after step {step}: {err}", lesson.id));
            assert!(restored.snapshot() == snapshot, "lesson={} after step {step}: written differently", lesson.id);
            checked += 1;
        }
    }
    // Most states are small; the limit above must not hollow the test out.
    assert!(checked >= 90, "only {checked} states checked");
}
