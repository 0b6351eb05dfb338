//! Share links: a whole simulation in a URL fragment.
//!
//! The fragment is `sim=1.` followed by the base64 of the DEFLATE-compressed
//! [snapshot](crate::snapshot). The version in front lets a later Shardlab
//! say that a link is from a newer version instead of calling it damaged.
//! Opening a link never trusts it: the size it inflates to is capped, and the
//! snapshot inside is checked like any other.

use alloc::format;
use alloc::string::{String, ToString};

use crate::base64;
use crate::sim::Simulation;
use crate::snapshot::SnapshotError;

/// What a share fragment starts with.
pub const PREFIX: &str = "sim=";
/// The share link format this build writes and reads.
const VERSION: &str = "1";
/// The most a share link may inflate to: far more than any learner's
/// session, far less than would hurt a browser tab.
pub(crate) const MAX_INFLATED_BYTES: usize = 32 * 1024 * 1024;

/// Why a share link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The fragment is not a Shardlab share link.
    NotALink,
    /// A link of another format version.
    UnsupportedVersion(String),
    /// The link was cut short or altered on the way.
    Damaged(String),
    /// The link would inflate to more than [`MAX_INFLATED_BYTES`].
    TooLarge,
    /// The snapshot inside was refused.
    Snapshot(SnapshotError),
}

impl core::fmt::Display for ShareError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ShareError::NotALink => f.write_str("the link does not hold a Shardlab simulation"),
            ShareError::UnsupportedVersion(v) => {
                write!(f, "the link is in format {v}, and this Shardlab reads format {VERSION}")
            }
            ShareError::Damaged(why) => {
                write!(f, "the link is damaged ({why}); it may have been cut short when copied")
            }
            ShareError::TooLarge => write!(
                f,
                "the link holds more than {} MiB of simulation, more than Shardlab opens",
                MAX_INFLATED_BYTES / (1024 * 1024)
            ),
            ShareError::Snapshot(err) => err.fmt(f),
        }
    }
}

impl core::error::Error for ShareError {}

impl Simulation {
    /// The URL fragment (without `#`) that restores this exact simulation.
    pub fn share_fragment(&self) -> String {
        fragment_of(&self.snapshot())
    }

    /// [`Simulation::share_fragment`], if it is at most `max_len` characters
    /// long and opens again: `None` for a simulation larger than a link may
    /// inflate to, which is found before the costly compression.
    pub fn share_fragment_within(&self, max_len: usize) -> Option<String> {
        let snapshot = self.snapshot();
        if snapshot.len() > MAX_INFLATED_BYTES {
            return None;
        }
        Some(fragment_of(&snapshot)).filter(|fragment| fragment.len() <= max_len)
    }

    /// The simulation a share fragment (with or without `#`) holds.
    pub fn from_share_fragment(fragment: &str) -> Result<Simulation, ShareError> {
        Simulation::restore(&snapshot_of_share_fragment(fragment)?).map_err(ShareError::Snapshot)
    }
}

/// The snapshot a share fragment (with or without `#`) holds, not yet
/// checked: to read what a link carries without opening it.
pub fn snapshot_of_share_fragment(fragment: &str) -> Result<String, ShareError> {
    let link = fragment.trim_start_matches('#').strip_prefix(PREFIX).ok_or(ShareError::NotALink)?;
    let (version, payload) = link.split_once('.').ok_or(ShareError::NotALink)?;
    if version != VERSION {
        return Err(ShareError::UnsupportedVersion(version.into()));
    }
    let compressed = base64::decode(payload).ok_or_else(|| ShareError::Damaged("not base64".into()))?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_INFLATED_BYTES).map_err(|err| match err
            .status
        {
            // Not damage: a link (a deflate bomb, say) that would grow past the cap.
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            status => ShareError::Damaged(format!("{status:?}")),
        })?;
    String::from_utf8(json).map_err(|err| ShareError::Damaged(err.to_string()))
}

fn fragment_of(snapshot: &str) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(snapshot.as_bytes(), 9);
    format!("{PREFIX}{VERSION}.{}", base64::encode(&compressed))
}

#[cfg(test)]
mod tests {
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

    #[track_caller]
    fn check_refused(fragment: &str, expected: &str) {
        let err = Simulation::from_share_fragment(fragment).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{fragment:.40}: {err}");
    }

    #[test]
    fn bad_links_are_refused_with_a_reason() {
        let good = session().share_fragment();
        check_refused("", "the link does not hold a Shardlab simulation");
        check_refused("#lesson=shards", "the link does not hold a Shardlab simulation");
        check_refused(&good.replacen("sim=1.", "sim=2.", 1), "the link is in format 2");
        check_refused(&good[..good.len() / 2], "the link is damaged");
        check_refused("sim=1.!!!!", "the link is damaged (not base64)");
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
