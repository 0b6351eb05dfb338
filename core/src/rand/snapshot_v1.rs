//! A seeded generator's version-1 snapshot form. A change to [`Rand`] needs
//! no change here unless it changes what is stored.

use serde::{Deserialize, Serialize};

use super::Rand;

/// A generator's state: restoring it continues the same sequence.
#[derive(Serialize, Deserialize)]
pub(crate) struct RandV1 {
    state: u64,
}

impl From<Rand> for RandV1 {
    fn from(rand: Rand) -> RandV1 {
        let Rand { state } = rand;
        RandV1 { state }
    }
}

impl From<RandV1> for Rand {
    fn from(v1: RandV1) -> Rand {
        let RandV1 { state } = v1;
        Rand { state }
    }
}
