//! Lesson progress in `localStorage`, under a versioned schema.
//!
//! A store written by an older version is migrated, and the learner told so;
//! one with a part that cannot be read keeps the rest (see
//! `Progress::from_json`); one written by a newer version is never
//! overwritten; one that cannot be read at all is replaced by empty progress.
//! The learner is told which, and the page itself never fails because of it.

use shardlab_lessons::Progress;

/// The `localStorage` key holding the progress JSON.
pub const PROGRESS_KEY: &str = "shardlab.progress";

/// The page's `localStorage`, if the browser lets the page use it.
pub(crate) fn local_storage() -> Option<web_sys::Storage> {
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
                let note = match (&progress.partly_unreadable, progress.migrated_from) {
                    (Some(why), _) => {
                        Some(format!("Part of your saved progress could not be read ({why}); the rest was kept."))
                    }
                    (None, Some(version)) => Some(format!(
                        "Your saved progress was updated from format version {version}; nothing was lost."
                    )),
                    (None, None) => None,
                };
                (progress, note)
            }
            Err(err) if Progress::newer_version_in(&json).is_some() => (
                Progress::default(),
                Some(format!(
                    "Saved progress could not be read ({err}); it is kept for the newer Shardlab that wrote it."
                )),
            ),
            Err(err) => {
                (Progress::default(), Some(format!("Saved progress could not be read ({err}), so it was reset.")))
            }
        },
    }
}

/// Saves `progress`; returns a message for the learner if the browser refused.
pub fn save_progress(progress: &Progress) -> Option<String> {
    let storage = local_storage()?;
    // Progress a newer version wrote is the learner's real record: never
    // replace it with this version's smaller view.
    if let Some(version) =
        storage.get_item(PROGRESS_KEY).ok().flatten().and_then(|json| Progress::newer_version_in(&json))
    {
        return Some(format!(
            "Progress is not saved here: a newer Shardlab (format version {version}) saved yours, and this page keeps it."
        ));
    }
    storage.set_item(PROGRESS_KEY, &progress.to_json()).err().map(|_| "Progress could not be saved.".to_string())
}
