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
//!
//! # Layers
//!
//! From the bottom up; each layer uses only the ones below it.
//!
//! **Values** (`time`, `hash`, `sequence`, `iterator`, `base64`, `rand`,
//! `limits`, `validate`): instants and durations, hash keys and ranges,
//! shard ids and sequence numbers, sealed shard iterators, the seeded generator, AWS's
//! limits as constants. They hold no state of the account.
//!
//! **IAM** (`policy`): identity policies and their evaluation. Whoever makes
//! a call is a `Caller` passed to it, never ambient state: a Lambda mapping
//! or a Firehose reader calls as its own role without swapping anyone's
//! identity out and back.
//!
//! **Kinesis** (`kinesis/`, holding the operations in `ops_streams`,
//! `ops_records`, `ops_efo`, `ops_security`, `reshard`, and `stream` and
//! `telemetry`; with `record_log`, `throttle`, `metrics`, `cost`, `kms`
//! beside it): the service. `Kinesis` owns streams, shards, records,
//! throttling, metrics, cost, encryption, resharding and fan-out; its
//! operations are told the time and the caller (`kinesis::Call`). Its
//! invariants are private: its own fields, and those of `Stream` and `Shard`,
//! are seen only inside `kinesis/`, so the rest of the crate reads a stream
//! through its methods and changes it only through the operations. A stream
//! change begins in one place (`Stream::begin`) and lands in one
//! (`Kinesis::land_stream_change`). It knows nothing of the applications
//! that use it.
//!
//! **The Kinesis client API** (`kinesis::KinesisClient`): the calls an
//! application makes (`ListShards`, `DescribeStreamSummary`,
//! `GetShardIterator`, `GetRecords`, `PutRecords`, the fan-out calls), lent
//! to an application while it runs. It holds the service privately, so an
//! application that reads a stream's state behind the API does not compile.
//!
//! **Leaf services** (`s3`, `sqs`, `destinations`): the object store, the
//! queues and the on-failure destinations' `Outbox`. They call no one, and
//! like Kinesis they are told the time; `Simulation` offers their
//! operations at its clock (`sim_s3`, `sim_sqs`).
//!
//! **Applications** (`consumer`, `generator`, `kpl`, `kcl`, `lambda`,
//! `firehose`): polling consumers, traffic generators, the KPL, the KCL,
//! Lambda event-source mappings and Firehose. Each reads and writes streams
//! through a `KinesisClient`, and is handed the other services it needs and
//! no more: a Lambda mapping gets the account's functions and an `Outbox`
//! to its on-failure destinations (`lambda::mapping::MappingServices`).
//! They run in place, beside the client they are lent, never taken out of
//! the simulation. (The KPL producer and the KCL application keep a public
//! `poll`/`tick(&mut Simulation)` for tests that drive one by hand; it only
//! borrows the client.)
//!
//! **`Simulation`** (`sim`, `sim_kinesis`, `sim_sqs`, `sim_s3`, `clients`,
//! `views`): composes the services,
//! owns the clock, and runs what falls due in a fixed order (`advance`). Its
//! Kinesis methods (`sim_kinesis`) pass each call to the service at its
//! clock, as its current caller, and read the service's metrics and cost.
//!
//! **Edges** (`snapshot`, `share`, `recipe`, `call_log`, `api`): versioned snapshots
//! written only through edge types (`snapshot/v1.rs` at the top, and each
//! service's `snapshot_v1` form of its own state beside it), so a service's
//! layout may change without changing the format; share links, whole or as recipes; the log of Kinesis
//! calls; the JSON protocol over `Simulation`.

#![no_std]

extern crate alloc;

/// The call context of simulation `$sim`: its clock, and `$caller` (its
/// current caller when not given). A macro rather than a method, so that it
/// borrows only the fields it reads, leaving `$sim.kinesis` and the
/// applications free to borrow mutably beside it.
macro_rules! kinesis_call {
    ($sim:expr) => {
        $crate::kinesis::Call {
            now: $sim.now,
            caller: $crate::policy::Caller::of($sim.caller.as_ref(), &$sim.policies),
        }
    };
    ($sim:expr, $caller:expr) => {
        $crate::kinesis::Call { now: $sim.now, caller: $caller }
    };
}

/// A [`kinesis::KinesisClient`] lent out of simulation `$sim`, calling as
/// in [`kinesis_call`].
macro_rules! kinesis_client {
    ($sim:expr $(, $caller:expr)?) => {
        $crate::kinesis::KinesisClient::new(&mut $sim.kinesis, kinesis_call!($sim $(, $caller)?))
    };
}

// The Kinesis JSON wire protocol over `Simulation`, for headless drivers.
pub mod api;
pub mod base64;
pub mod call_log;
pub mod clients;
mod consumer;
pub mod cost;
mod destinations;
mod error;
mod generated;
pub mod generator;
// Amazon Data Firehose delivery streams, delivering to `s3`.
pub mod firehose;
mod hash;
mod iterator;
pub mod kcl;
mod kinesis;
// Server-side encryption as learners observe it (a teaching model, not cryptography).
pub mod kms;
pub mod kpl;
// Lambda event-source mappings reading streams, with scripted functions.
pub mod lambda;
pub mod limits;
mod lineage;
mod maps;
pub mod metrics;
pub mod policy;
pub mod rand;
pub mod recipe;
mod record_log;
// The S3-like object store Firehose delivers to.
pub mod s3;
mod sequence;
pub mod share;
mod sim;
mod sim_kinesis;
mod sim_s3;
mod sim_sqs;
pub mod snapshot;
// Amazon SQS standard queues, for contrast with Kinesis.
pub mod sqs;
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
pub use kinesis::ops_efo::{
    ConsumerStatus, FanOutConsumerSummary, StreamConsumer, SubscribeToShardEvent, SubscriptionId, SubscriptionPosition,
    SubscriptionRead,
};
pub use kinesis::ops_records::{
    ChildShard, GetRecordsOutput, GetShardIteratorInput, PutRecordInput, PutRecordOutput, PutRecordsEntry,
    PutRecordsInput, PutRecordsOutput, PutRecordsResultEntry,
};
pub use kinesis::ops_streams::{
    CreateStreamInput, Limits, ListShardsInput, ListShardsOutput, ListStreamsOutput, ShardFilter, StreamDescription,
    StreamSummary, stream_arn,
};
pub use kinesis::stream::{Record, ShardId, ShardView, StreamStatus, StreamView};
pub use sequence::SequenceNumber;
pub use sim::{Retained, Simulation};
pub use time::{Duration, Instant};
