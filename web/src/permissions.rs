//! What the learner may do on the current page: a lesson's
//! `allowed_actions`, or everything in the sandbox. Provided as context, so
//! that each control hides itself (or refuses a request) when its action is
//! not part of the lesson.

use std::sync::Arc;

use shardlab_lessons::Lesson;

/// The actions allowed on this page.
#[derive(Clone)]
pub struct Permissions(Option<Arc<Lesson>>);

impl Permissions {
    /// Everything is allowed (the sandbox).
    pub fn everything() -> Permissions {
        Permissions(None)
    }

    /// What `lesson` allows.
    pub fn of(lesson: Arc<Lesson>) -> Permissions {
        Permissions(Some(lesson))
    }

    /// Whether an action kind (`put_record`) or API target may be used.
    pub fn allows(&self, permission: &str) -> bool {
        self.0.as_ref().is_none_or(|lesson| lesson.allows_permission(permission))
    }
}
