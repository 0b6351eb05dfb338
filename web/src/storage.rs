//! Lesson progress in `localStorage`, under a versioned schema.
//!
//! A store written by an older version is migrated, and the learner told so;
//! one that cannot be read (corrupt, or written by an unknown version) is
//! replaced by empty progress, and the learner is told why; the page itself
//! never fails because of it.

use shardlab_lessons::Progress;

/// The `localStorage` key holding the progress JSON.
pub const PROGRESS_KEY: &str = "shardlab.progress";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved progress, and a message for the learner if it had to be reset.
pub fn load_progress() -> (Progress, Option<String>) {
    let Some(storage) = local_storage() else {
        return (Progress::default(), Some("This browser does not let the page save progress.".into()));
    };
    match storage.get_item(PROGRESS_KEY).ok().flatten() {
        None => (Progress::default(), None),
        Some(json) => match Progress::from_json(&json) {
            Ok(progress) => {
                let note = progress.migrated_from.map(|version| {
                    format!("Your saved progress was updated from format version {version}; nothing was lost.")
                });
                (progress, note)
            }
            Err(err) => {
                (Progress::default(), Some(format!("Saved progress could not be read ({err}), so it was reset.")))
            }
        },
    }
}

/// Saves `progress`; returns a message for the learner if the browser refused.
pub fn save_progress(progress: &Progress) -> Option<String> {
    let storage = local_storage()?;
    storage.set_item(PROGRESS_KEY, &progress.to_json()).err().map(|_| "Progress could not be saved.".to_string())
}
