//! A deterministic simulation of Amazon Kinesis Data Streams.
//!
//! `shardlab-core` is sans-IO: it never reads a clock, never touches the
//! network or the browser, and uses no unordered collections, so the same
//! calls always produce the same state. Time is a value the caller moves.
//!
//! ```
//! use shardlab_core::{PutRecordInput, ShardIteratorType, Simulation};
//!
//! let mut sim = Simulation::new();
//! sim.create_stream("orders", 4).unwrap();
//! let put = sim
//!     .put_record(PutRecordInput {
//!         stream_name: "orders".into(),
//!         partition_key: "user-42".into(),
//!         data: b"hello".to_vec(),
//!         explicit_hash_key: None,
//!     })
//!     .unwrap();
//! assert_eq!(put.shard_id.to_string(), "shardId-000000000001");
//!
//! let iterator = sim.get_shard_iterator("orders", put.shard_id, ShardIteratorType::TrimHorizon).unwrap();
//! let page = sim.get_records(&iterator, None).unwrap();
//! assert_eq!(page.records[0].data, b"hello");
//! ```

#![no_std]

extern crate alloc;

pub mod base64;
mod consumer;
mod error;
mod hash;
mod iterator;
mod sequence;
mod sim;
mod stream;
mod time;

pub use consumer::{ConsumerId, ConsumerView, POLL_INTERVAL, ShardCursor};
pub use error::{
    ACCOUNT_ID, CreateStreamError, GetRecordsError, GetShardIteratorError, IteratorExpired, NotFound, PutRecordError,
    StreamExists, ValidationError,
};
pub use hash::{HashKey, HashKeyRange};
pub use iterator::{ITERATOR_LIFETIME, ShardIteratorType};
pub use sequence::SequenceNumber;
pub use sim::{
    GetRecordsOutput, MAX_GET_RECORDS_LIMIT, MAX_PARTITION_KEY_CHARS, MAX_RECORD_DATA_BYTES, MAX_STREAM_NAME_LEN,
    PutRecordInput, PutRecordOutput, Simulation,
};
pub use stream::{Record, ShardId, ShardView, StreamView};
pub use time::{Duration, Instant};
