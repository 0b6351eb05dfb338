//! A deterministic simulation of Amazon Kinesis Data Streams.
//!
//! `shardlab-core` is sans-IO: it never reads a clock, never touches the
//! network or the browser, and uses no unordered collections, so the same
//! calls always produce the same state. Time is a value the caller moves.
//!
//! ```
//! use shardlab_core::{
//!     CreateStreamInput, GetShardIteratorInput, PutRecordInput, Simulation, StartingPosition, limits,
//! };
//!
//! let mut sim = Simulation::new();
//! sim.create_stream(CreateStreamInput::provisioned("orders", 4)).unwrap();
//! // A new stream is CREATING for a few simulated seconds.
//! sim.advance(limits::STREAM_CREATE_DELAY);
//!
//! let put = sim.put_record(PutRecordInput::new("orders", "user-42", b"hello".to_vec())).unwrap();
//! assert_eq!(put.shard_id.to_string(), "shardId-000000000001");
//!
//! let iterator = sim
//!     .get_shard_iterator(GetShardIteratorInput {
//!         stream_name: "orders".into(),
//!         shard_id: put.shard_id,
//!         position: StartingPosition::TrimHorizon,
//!     })
//!     .unwrap();
//! let page = sim.get_records(&iterator, None).unwrap();
//! assert_eq!(page.records[0].data(), b"hello");
//! ```

#![no_std]

extern crate alloc;

// The Kinesis JSON wire protocol over `Simulation`, for headless drivers.
pub mod api;
pub mod base64;
pub mod call_log;
pub mod clients;
mod consumer;
pub mod cost;
mod destinations;
mod error;
pub mod generator;
// Amazon Data Firehose delivery streams, delivering to `s3`.
pub mod firehose;
mod hash;
mod iterator;
pub mod kcl;
// Server-side encryption as learners observe it (a teaching model, not cryptography).
pub mod kms;
pub mod kpl;
// Lambda event-source mappings reading streams, with scripted functions.
pub mod lambda;
pub mod limits;
pub mod metrics;
mod ops_efo;
mod ops_records;
mod ops_security;
mod ops_streams;
pub mod policy;
pub mod rand;
mod record_log;
mod reshard;
// The S3-like object store Firehose delivers to.
pub mod s3;
mod sequence;
pub mod share;
mod sim;
pub mod snapshot;
// Amazon SQS standard queues, for contrast with Kinesis.
pub mod sqs;
mod stream;
mod telemetry;
mod throttle;
mod time;
mod validate;
// Read-only answers the pages and lessons show, so that no rule is repeated outside core.
pub mod views;
#[cfg(feature = "workload")]
pub mod workload;

pub use consumer::{
    ConsumerId, ConsumerSummary, ConsumerView, CursorSummary, IteratorExpiry, POLL_INTERVAL, ShardCursor,
};
pub use cost::CapacityMode;
pub use error::{
    ACCOUNT_ID, CreateFunctionError, CreateStreamError, EfoError, EncryptionError, EventSourceMappingError,
    FunctionConcurrencyError, GetRecordsError, GetShardIteratorError, IteratorExpired, ListError, NotFound,
    PauseConsumerError, PutRecordError, REGION, ReshardError, StreamOpError, ThroughputExceeded, ValidationError,
    Violation,
};
pub use hash::{HashKey, HashKeyRange};
pub use iterator::{ShardIteratorType, StartingPosition};
pub use ops_efo::{
    ConsumerStatus, FanOutConsumerSummary, StreamConsumer, SubscribeToShardEvent, SubscriptionId, SubscriptionPosition,
    SubscriptionRead,
};
pub use ops_records::{
    ChildShard, GetRecordsOutput, GetShardIteratorInput, PutRecordInput, PutRecordOutput, PutRecordsEntry,
    PutRecordsInput, PutRecordsOutput, PutRecordsResultEntry,
};
pub use ops_streams::{
    CreateStreamInput, Limits, ListShardsInput, ListShardsOutput, ListStreamsOutput, ShardFilter, StreamDescription,
    StreamSummary, stream_arn,
};
pub use sequence::SequenceNumber;
pub use sim::{Retained, Simulation};
pub use stream::{Record, ShardId, ShardView, StreamStatus, StreamView};
pub use time::{Duration, Instant};
