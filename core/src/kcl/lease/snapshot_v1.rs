//! The lease table's version-1 snapshot form. A change to [`LeaseTable`]
//! needs no change here unless it changes what is stored.

use alloc::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Lease, LeaseTable};
use crate::kinesis::stream::ShardId;

#[derive(Serialize, Deserialize)]
pub(in crate::kcl) struct LeaseTableV1 {
    rows: BTreeMap<ShardId, Lease>,
}

impl From<LeaseTable> for LeaseTableV1 {
    fn from(table: LeaseTable) -> LeaseTableV1 {
        let LeaseTable { rows } = table;
        LeaseTableV1 { rows }
    }
}

impl From<LeaseTableV1> for LeaseTable {
    fn from(v1: LeaseTableV1) -> LeaseTable {
        let LeaseTableV1 { rows } = v1;
        LeaseTable { rows }
    }
}
