//! Share links: a simulation in a URL fragment, in one of two formats.
//!
//! - `sim=1.` + the base64 of the DEFLATE-compressed [snapshot](crate::snapshot):
//!   the whole state. It opens anywhere, but grows with the state (ten
//!   minutes of a generator at 1,000 records/s is millions of characters).
//! - `sim=2.` + the base64 of the DEFLATE-compressed JSON of a
//!   [recipe](crate::recipe): where the simulation started and the steps
//!   since, replayed on opening. It grows with what the learner did, not
//!   with what the simulation holds.
//!
//! The version in front lets a later Shardlab say that a link is from a
//! newer version instead of calling it damaged. Opening a link never trusts
//! it: the size it inflates to is capped, and the snapshot or recipe inside
//! is checked like any other.

use alloc::format;
use alloc::string::{String, ToString};

use crate::Duration;
use crate::base64;
use crate::recipe::{self, Recipe, Replay, Start};
use crate::sim::Simulation;
use crate::snapshot::SnapshotError;

/// What a share fragment starts with.
pub const PREFIX: &str = "sim=";
/// The format of a link holding the whole state.
const WHOLE_VERSION: &str = "1";
/// The format of a link holding a recipe.
pub(crate) const RECIPE_VERSION: &str = "2";
/// The most a whole-state share link may inflate to: far more than any
/// learner's session, far less than would hurt a browser tab.
pub(crate) const MAX_INFLATED_BYTES: usize = 32 * 1024 * 1024;

/// Why a share link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The fragment is not a Shardlab share link.
    NotALink,
    /// A link of another format version.
    UnsupportedVersion(String),
    /// The link ends too early: it was cut short as it was copied.
    CutShort,
    /// The link was altered on the way, or was never one Shardlab made.
    Damaged(String),
    /// The link would inflate to more than [`MAX_INFLATED_BYTES`].
    TooLarge,
    /// The snapshot inside was refused.
    Snapshot(SnapshotError),
    /// A recipe would inflate to more than [`recipe::MAX_INFLATED_BYTES`].
    RecipeTooLarge,
    /// A recipe of more than [`recipe::MAX_STEPS`] steps.
    TooManySteps(usize),
    /// A recipe of more than [`recipe::MAX_CALLS`] calls.
    TooManyCalls(u64),
    /// A recipe moving the clock more than [`recipe::MAX_SIMULATED`].
    TooMuchTime(Duration),
    /// A recipe's clock move longer than [`recipe::MAX_ADVANCE`].
    AdvanceTooLong(Duration),
    /// A recipe's API request body longer than [`recipe::MAX_BODY_BYTES`].
    BodyTooLarge(usize),
    /// A recipe starting from something this page cannot build.
    UnknownStart(Start),
    /// The replay did not come out as the state the link was made from:
    /// the link was made by another version of Shardlab.
    DifferentVersion,
}

impl core::fmt::Display for ShareError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        const MIB: usize = 1024 * 1024;
        match self {
            ShareError::NotALink => f.write_str("the link does not hold a Shardlab simulation"),
            ShareError::UnsupportedVersion(v) => write!(
                f,
                "the link is in format {v}, and this Shardlab reads formats {WHOLE_VERSION} and {RECIPE_VERSION}"
            ),
            ShareError::CutShort => {
                f.write_str("the link ends too early: it was cut short when copied; copy the whole link again")
            }
            ShareError::Damaged(why) => {
                write!(f, "the link is damaged ({why}): it is not a link Shardlab made, or it was changed on the way")
            }
            ShareError::TooLarge => write!(
                f,
                "the link holds more than {} MiB of simulation, more than Shardlab opens",
                MAX_INFLATED_BYTES / MIB
            ),
            ShareError::Snapshot(err) => err.fmt(f),
            ShareError::RecipeTooLarge => write!(
                f,
                "the link's steps take more than {} MiB, more than Shardlab replays",
                recipe::MAX_INFLATED_BYTES / MIB
            ),
            ShareError::TooManySteps(n) => {
                write!(f, "the link has {n} steps, and Shardlab replays at most {}", recipe::MAX_STEPS)
            }
            ShareError::TooManyCalls(n) => {
                write!(f, "the link makes {n} calls, and Shardlab replays at most {}", recipe::MAX_CALLS)
            }
            ShareError::TooMuchTime(d) => {
                write!(
                    f,
                    "the link moves the clock {}, and Shardlab replays at most {}",
                    words(*d),
                    words(recipe::MAX_SIMULATED)
                )
            }
            ShareError::AdvanceTooLong(d) => {
                write!(
                    f,
                    "the link moves the clock {} in one step, and a step moves it at most {}",
                    words(*d),
                    words(recipe::MAX_ADVANCE)
                )
            }
            ShareError::BodyTooLarge(n) => write!(
                f,
                "the link sends a request of {n} bytes, and a request may be at most {} MiB",
                recipe::MAX_BODY_BYTES / MIB
            ),
            ShareError::UnknownStart(Start::Lesson { id }) => {
                write!(f, "the link starts from lesson {id}; open it on that lesson's page")
            }
            ShareError::UnknownStart(start) => {
                write!(f, "the link starts from {start:?}, which this page cannot build")
            }
            ShareError::DifferentVersion => f.write_str(
                "the link was made by a different version of Shardlab: replaying it here gives another simulation",
            ),
        }
    }
}

impl core::error::Error for ShareError {}

/// `250 ms`, `1.5 s`, `168 h`.
fn words(d: Duration) -> String {
    match d.as_millis() {
        ms if ms < 1000 => format!("{ms} ms"),
        ms if ms % 3_600_000 == 0 => format!("{} h", ms / 3_600_000),
        ms => format!("{} s", ms as f64 / 1000.0),
    }
}

/// What a share link holds.
#[derive(Clone, Debug)]
pub enum Link {
    /// A `sim=1.` link: the snapshot of the whole state, not yet checked.
    Whole(String),
    /// A `sim=2.` link: a recipe, not yet checked, and the fingerprint of
    /// the state it made.
    Recipe(Recipe, String),
}

impl Link {
    /// The link a share fragment (with or without `#`) holds.
    pub fn read(fragment: &str) -> Result<Link, ShareError> {
        let link = fragment.trim_start_matches('#').strip_prefix(PREFIX).ok_or(ShareError::NotALink)?;
        let (version, payload) = link.split_once('.').ok_or(ShareError::NotALink)?;
        let (limit, too_large) = match version {
            WHOLE_VERSION => (MAX_INFLATED_BYTES, ShareError::TooLarge),
            RECIPE_VERSION => (recipe::MAX_INFLATED_BYTES, ShareError::RecipeTooLarge),
            _ => return Err(ShareError::UnsupportedVersion(version.into())),
        };
        let compressed = base64::decode(payload).ok_or_else(|| match base64::is_cut_short(payload) {
            true => ShareError::CutShort,
            false => ShareError::Damaged("it holds characters a link does not".into()),
        })?;
        let inflated =
            miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, limit).map_err(|err| match err.status {
                // Not damage: a link (a deflate bomb, say) that would grow past the cap.
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => too_large,
                // The compressed data stops before its end.
                miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => ShareError::CutShort,
                // The inflater's other status names mean nothing to a
                // learner; every one of them is a broken stream.
                _ => ShareError::Damaged("its compressed data is broken".into()),
            })?;
        if version == RECIPE_VERSION {
            let (recipe, fingerprint) = recipe::parse(&inflated)?;
            return Ok(Link::Recipe(recipe, fingerprint));
        }
        String::from_utf8(inflated).map(Link::Whole).map_err(|err| ShareError::Damaged(err.to_string()))
    }

    /// The simulation the link holds: a recipe starts from what `start`
    /// builds for its [`Start`], and is replayed at once.
    pub fn open(self, start: impl FnOnce(&Start) -> Result<Simulation, ShareError>) -> Result<Simulation, ShareError> {
        match self {
            Link::Whole(snapshot) => Simulation::restore(&snapshot).map_err(ShareError::Snapshot),
            Link::Recipe(recipe, fingerprint) => {
                let from = start(&recipe.start)?;
                Replay::new(recipe, from, fingerprint)?.run_to_end()
            }
        }
    }
}

/// What core can build of a recipe's start without the lessons: a blank
/// simulation.
pub fn blank_start(start: &Start) -> Result<Simulation, ShareError> {
    match start {
        Start::Blank { seed } => Ok(Simulation::with_seed(*seed)),
        other => Err(ShareError::UnknownStart(other.clone())),
    }
}

impl Simulation {
    /// The `sim=1.` URL fragment (without `#`) that restores this exact simulation.
    pub fn share_fragment(&self) -> String {
        fragment_of(WHOLE_VERSION, self.snapshot().as_bytes())
    }

    /// [`Simulation::share_fragment`], if it is at most `max_len` characters
    /// long and opens again: `None` for a simulation larger than a link may
    /// inflate to, which is found before the costly compression.
    pub fn share_fragment_within(&self, max_len: usize) -> Option<String> {
        let snapshot = self.snapshot();
        if snapshot.len() > MAX_INFLATED_BYTES {
            return None;
        }
        Some(fragment_of(WHOLE_VERSION, snapshot.as_bytes())).filter(|fragment| fragment.len() <= max_len)
    }

    /// The simulation a share fragment (with or without `#`) holds; a
    /// recipe link only if it starts from a blank simulation (see
    /// [`Link::open`] for the others).
    pub fn from_share_fragment(fragment: &str) -> Result<Simulation, ShareError> {
        Link::read(fragment)?.open(blank_start)
    }
}

/// The snapshot a `sim=1.` share fragment (with or without `#`) holds, not
/// yet checked: to read what a link carries without opening it.
pub fn snapshot_of_share_fragment(fragment: &str) -> Result<String, ShareError> {
    match Link::read(fragment)? {
        Link::Whole(snapshot) => Ok(snapshot),
        Link::Recipe(..) => Err(ShareError::UnsupportedVersion(RECIPE_VERSION.into())),
    }
}

/// `sim=<version>.` and the base64 of `payload` DEFLATE-compressed.
pub(crate) fn fragment_of(version: &str, payload: &[u8]) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(payload, 9);
    format!("{PREFIX}{version}.{}", base64::encode(&compressed))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{CreateStreamInput, PutRecordInput, limits};

    fn session() -> Simulation {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned("orders", 4)).unwrap();
        sim.advance(limits::STREAM_CREATE_DELAY);
        for i in 0..20 {
            sim.put_record(PutRecordInput::new("orders", format!("user-{i}"), b"order".to_vec())).unwrap();
        }
        sim
    }

    #[test]
    fn a_share_link_restores_the_exact_simulation() {
        let sim = session();
        let fragment = sim.share_fragment();
        assert!(fragment.len() < sim.snapshot().len(), "compressed: {} < {}", fragment.len(), sim.snapshot().len());
        let restored = Simulation::from_share_fragment(&format!("#{fragment}")).unwrap();
        assert_eq!(restored.snapshot(), sim.snapshot());
    }

    #[test]
    fn a_bounded_fragment_is_the_share_link_or_nothing() {
        let sim = session();
        let fragment = sim.share_fragment();
        assert_eq!(sim.share_fragment_within(fragment.len()), Some(fragment.clone()));
        assert_eq!(sim.share_fragment_within(fragment.len() - 1), None);
    }

    #[test]
    fn a_simulation_too_large_to_open_has_no_bounded_fragment() {
        let mut sim = session();
        // 26 MB of data is 35 MB of base64 in the snapshot, past the 32 MiB a link may inflate to.
        for _ in 0..26 {
            sim.put_record(PutRecordInput::new("orders", "big", alloc::vec![7; 1_000_000])).unwrap();
            sim.advance(crate::Duration::from_secs(1));
        }
        assert!(sim.snapshot().len() > MAX_INFLATED_BYTES);
        assert_eq!(sim.share_fragment_within(usize::MAX), None);
    }

    /// Opening `fragment` fails with a message that begins `expected`.
    #[track_caller]
    pub(crate) fn check_refused(fragment: &str, expected: &str) {
        let err = Simulation::from_share_fragment(fragment).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{fragment:.40}: {err}");
    }

    #[test]
    fn bad_links_are_refused_with_a_reason() {
        let good = session().share_fragment();
        check_refused("", "the link does not hold a Shardlab simulation");
        check_refused("#lesson=shards", "the link does not hold a Shardlab simulation");
        check_refused(
            &good.replacen("sim=1.", "sim=3.", 1),
            "the link is in format 3, and this Shardlab reads formats 1 and 2",
        );
        // Cut short anywhere: inside a base64 quantum, or on a whole one
        // inside its compressed data. A learner is told to copy it again.
        let payload = good.len() - "sim=1.".len();
        for cut in [good.len() / 2, "sim=1.".len() + payload * 2 / 3 / 4 * 4, good.len() - 1, good.len() - 4] {
            check_refused(&good[..cut], "the link ends too early: it was cut short when copied");
        }
        // Altered: not base64, or base64 of no compressed data. The learner
        // is told the link is not one Shardlab made as it stands.
        check_refused("sim=1.!!!!", "the link is damaged (it holds characters a link does not)");
        check_refused(
            &format!("{}!!!!", &good[..good.len() - 4]),
            "the link is damaged (it holds characters a link does not)",
        );
        check_refused("sim=1.QUJDREVGR0g=", "the link is damaged (its compressed data is broken)");
        let foreign = format!("sim=1.{}", base64::encode(&miniz_oxide::deflate::compress_to_vec(b"{}", 6)));
        check_refused(&foreign, "this is not a Shardlab snapshot");
    }

    #[test]
    fn a_deflate_bomb_is_refused_as_too_large() {
        // 40 MiB of spaces deflate to about 40 KiB: past the cap, not damaged.
        let bomb = alloc::vec![b' '; 40 * 1024 * 1024];
        let link = format!("sim=1.{}", base64::encode(&miniz_oxide::deflate::compress_to_vec(&bomb, 6)));
        assert!(link.len() < 100_000, "{}", link.len());
        check_refused(&link, "the link holds more than 32 MiB of simulation, more than Shardlab opens");
    }
}
