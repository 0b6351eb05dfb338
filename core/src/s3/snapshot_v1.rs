//! The object store in version 1 of the snapshot format. A change to
//! [`ObjectStore`] needs no change here unless it changes what is stored.

use alloc::collections::BTreeMap;
use alloc::string::String;

use serde::{Deserialize, Serialize};

use super::{ObjectStore, S3Object};

#[derive(Default, Serialize, Deserialize)]
pub(crate) struct ObjectStoreV1 {
    buckets: BTreeMap<String, BTreeMap<String, S3Object>>,
}

impl From<ObjectStore> for ObjectStoreV1 {
    fn from(store: ObjectStore) -> ObjectStoreV1 {
        let ObjectStore { buckets } = store;
        ObjectStoreV1 { buckets }
    }
}

impl From<ObjectStoreV1> for ObjectStore {
    fn from(v1: ObjectStoreV1) -> ObjectStore {
        let ObjectStoreV1 { buckets } = v1;
        ObjectStore { buckets }
    }
}
