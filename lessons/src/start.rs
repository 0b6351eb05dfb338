//! The simulations the pages start from, which a share link's recipe names
//! (`shardlab_core::recipe::Start`): core knows no lessons, so they are
//! built here, once, for the pages and for opening links alike.

use shardlab_core::recipe::Start;
use shardlab_core::share::ShareError;
use shardlab_core::{Simulation, limits};

use crate::Lesson;

/// The sandbox's stream.
pub const SANDBOX_STREAM: &str = "sandbox";

/// The sandbox's start: an `ACTIVE` four-shard stream, created through the
/// API so that a script exported from the sandbox begins with it.
pub fn sandbox() -> Simulation {
    let mut sim = Simulation::new();
    let body = serde_json::json!({"StreamName": SANDBOX_STREAM, "ShardCount": 4});
    let created = crate::action::call(&mut sim, "Kinesis_20131202.CreateStream", &body);
    debug_assert!(created.is_ok(), "{created:?}");
    sim.advance(limits::STREAM_CREATE_DELAY);
    sim
}

/// The simulation `start` names, on a page showing `lesson` (if any): a
/// link to another lesson's start opens on that lesson's page.
pub fn recipe_start(start: &Start, lesson: Option<&Lesson>) -> Result<Simulation, ShareError> {
    match (start, lesson) {
        (Start::Sandbox, _) => Ok(sandbox()),
        (Start::Lesson { id }, Some(lesson)) if *id == lesson.id => Ok(lesson.start()),
        (start, _) => shardlab_core::share::blank_start(start),
    }
}
