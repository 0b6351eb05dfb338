//! The call log in version 1 of the snapshot format: a plain list, however
//! the log is chunked. A change to [`CallLog`] needs no change here unless
//! it changes what is stored. The default reads snapshots written before a
//! field existed.

use alloc::sync::Arc;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{CHUNK, CallLog, LoggedCall};

#[derive(Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CallLogV1 {
    calls: Vec<LoggedCall>,
    #[serde(default)]
    unlogged: u64,
}

impl From<CallLog> for CallLogV1 {
    fn from(log: CallLog) -> CallLogV1 {
        let CallLog { chunks, unlogged } = log;
        let calls = chunks.iter().flat_map(|chunk| chunk.iter().cloned()).collect();
        CallLogV1 { calls, unlogged }
    }
}

impl From<CallLogV1> for CallLog {
    fn from(v1: CallLogV1) -> CallLog {
        let CallLogV1 { calls, unlogged } = v1;
        let chunks = calls.chunks(CHUNK).map(|chunk| Arc::new(chunk.to_vec())).collect();
        CallLog { chunks, unlogged }
    }
}
