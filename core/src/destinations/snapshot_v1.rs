//! The destinations' record in version 1 of the snapshot format. A change to
//! [`DestinationStore`] needs no change here unless it changes what is stored.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::DestinationStore;

#[derive(Default, Serialize, Deserialize)]
pub(crate) struct DestinationStoreV1 {
    messages: BTreeMap<String, Vec<String>>,
}

impl From<DestinationStore> for DestinationStoreV1 {
    fn from(store: DestinationStore) -> DestinationStoreV1 {
        let DestinationStore { messages } = store;
        DestinationStoreV1 { messages }
    }
}

impl From<DestinationStoreV1> for DestinationStore {
    fn from(v1: DestinationStoreV1) -> DestinationStore {
        let DestinationStoreV1 { messages } = v1;
        DestinationStore { messages }
    }
}
