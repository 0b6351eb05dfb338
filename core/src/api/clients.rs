//! Simulation-only targets for the client libraries the simulation runs: KPL
//! producers, KPL aggregation, and KCL applications (see [`clients`](crate::clients)).
//!
//! A headless driver creates a producer or an application, hands it work, and
//! then moves the clock (`Shardlab.AdvanceClock`): producers send their
//! buffers and KCL workers renew, take leases and process records only as
//! simulated time passes, exactly as they do in the browser.
//!
//! Producers, applications and workers are numbered from 0 in the order they
//! were created; an id that names none is a `ResourceNotFoundException`
//! (`Producer 3 not found.`). What the KPL or KCL would refuse with an
//! `IllegalArgumentException` is an `InvalidArgumentException`. Missing
//! members and members of the wrong JSON type are refused as for Kinesis
//! operations (`ValidationException`, `SerializationException`).
//!
//! **KPL.**
//!
//! - `Shardlab.KplCreateProducer {"Config": {…}, "Seed": N}` → `{"ProducerId": N}`.
//!   Every `Config` member is optional, with the KPL's default:
//!   `RecordMaxBufferedTime` (ms, 100), `AggregationEnabled` (true),
//!   `AggregationMaxSize` (bytes, 51200, from 64 to 1048576),
//!   `CollectionMaxCount` (500, at most 500), `RateLimit` (percent of a shard's
//!   write limits, 150), `RecordTtl` (ms, 30000, at least 100) and
//!   `Compression` (`NONE`, or `ZLIB` for zlib at level 6). `Seed` (default 0)
//!   drives the retry jitter.
//! - `Shardlab.KplPut {"ProducerId", "StreamName", "PartitionKey", "Data",
//!   "ExplicitHashKey"?}` → `{"UserRecordId": N}`: the KPL's `addUserRecord`.
//!   The record is buffered; as with the KPL, a stream that does not exist
//!   shows only in the record's outcome.
//! - `Shardlab.KplFlush {"ProducerId"}` → `{}`: the KPL's `flush()`.
//! - `Shardlab.KplStatus {"ProducerId", "UserRecordIds"?}` →
//!   `{"Counters": {…}, "Buffered": N, "InFlight": N, "Outcomes": [{"UserRecordId",
//!   "Status": "PENDING"|"SUCCEEDED"|"FAILED", "ShardId", "SequenceNumber",
//!   "SubSequenceNumber", "Attempts", "ErrorCode", "ErrorMessage",
//!   "LastAttemptErrorCode"}]}`, for the records listed or, without
//!   `UserRecordIds`, for every record the producer took.
//! - `Shardlab.Aggregate {"Records": [{"PartitionKey", "ExplicitHashKey"?, "Data"}]}`
//!   → `{"Data": base64}`: one KPL aggregated record.
//! - `Shardlab.Deaggregate {"Data"}` → `{"Aggregated": true, "Records": […]}`, or
//!   `{"Aggregated": false, "Reason": "…"}` for data the KCL would hand over as it is.
//!
//! **KCL.**
//!
//! - `Shardlab.KclCreateApplication {"ApplicationName", "StreamName",
//!   "Retrieval"?: "POLLING"|"FAN_OUT", "CheckpointEveryRecords"?}` →
//!   `{"ApplicationId": N}`: the KCL's defaults, reading from `TRIM_HORIZON`,
//!   checkpointing after every batch or every N records. `FAN_OUT` registers
//!   a consumer named after the application.
//! - `Shardlab.KclStartWorker {"ApplicationId"}` → `{"WorkerId": N}`;
//!   `Shardlab.KclKillWorker` (no shutdown: other workers' takers see its
//!   leases' counters stand still and take them 20 to 40 s after its last
//!   renewal), `Shardlab.KclPauseWorker` (with `Millis`) and
//!   `Shardlab.KclStopWorker` (graceful: checkpoints and releases its leases)
//!   take `{"ApplicationId", "WorkerId"}` and answer `{}`.
//! - `Shardlab.KclLeases {"ApplicationId"}` → `{"Leases": [{…}]}`, each lease
//!   with the attribute names of the KCL's DynamoDB lease table: `leaseKey`,
//!   `leaseOwner` (absent when unowned), `leaseCounter`, `checkpoint`
//!   (`TRIM_HORIZON`, `LATEST`, `SHARD_END` or a sequence number),
//!   `checkpointSubSequenceNumber`, `pendingCheckpoint` and
//!   `pendingCheckpointSubSequenceNumber` (when set),
//!   `ownerSwitchesSinceCheckpoint` and `parentShardId` (a list, empty for
//!   shards without parents). A worker's identifier, as `leaseOwner` shows
//!   it, is `worker-N`.
//! - `Shardlab.KclOutput {"ApplicationId", "After"?}` → `{"Records": […],
//!   "Next": N, "Counters": {…}}`: the records processed, in order, from index
//!   `After` (default 0); `Next` is the `After` that reads only newer ones.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::Reply;
use super::decode::Decoder;
use super::encode::timestamp;
use super::error::ApiError;
use crate::clients::{ApplicationId, ProducerId};
use crate::kcl::{Checkpoint, CheckpointPolicy, KclApp, KclConfig, KclCounters, Lease, WorkerId, WorkerStatus};
use crate::kpl::{
    Compression, Deaggregated, KplConfig, KplCounters, KplProducer, UserRecord, UserRecordId, UserRecordOutcome,
    aggregate as aggregate_records, deaggregate as deaggregate_blob,
};
use crate::{Duration, Simulation, base64};

/// The zlib level of `"Compression": "ZLIB"`: zlib's own default.
const ZLIB_LEVEL: u8 = 6;

/// The KPL's bounds on `AggregationMaxSize`.
const AGGREGATION_MAX_SIZE: (u32, u32) = (64, 1_048_576);

/// The KPL's bound on `CollectionMaxCount`.
const MAX_COLLECTION_COUNT: u32 = 500;

/// The KPL's least `RecordTtl`, in milliseconds.
const MIN_RECORD_TTL_MILLIS: u32 = 100;

/// `ResourceNotFoundException` saying `what` was not found.
fn not_found(what: String) -> ApiError {
    ApiError::new("ResourceNotFoundException", format!("{what} not found."))
}

fn producer(sim: &Simulation, id: u32) -> Result<&KplProducer, ApiError> {
    sim.kpl_producer(ProducerId(id)).ok_or_else(|| not_found(format!("Producer {id}")))
}

fn application(sim: &Simulation, id: u32) -> Result<&KclApp, ApiError> {
    sim.kcl_application(ApplicationId(id)).ok_or_else(|| not_found(format!("Application {id}")))
}

/// The status of `worker` of application `app`, which must exist.
fn worker_status(sim: &Simulation, app: u32, worker: u32) -> Result<WorkerStatus, ApiError> {
    application(sim, app)?
        .workers()
        .into_iter()
        .find(|w| w.id == WorkerId(worker))
        .map(|w| w.status)
        .ok_or_else(|| not_found(format!("Worker {worker} of application {app}")))
}

/// The members of `Config`, checked as the KPL checks its configuration.
/// The outer `Result` carries decoding errors; the inner one the KPL's
/// refusals, reported only once decoding has passed.
fn kpl_config(d: &mut Decoder<'_>) -> Result<Result<KplConfig, ApiError>, ApiError> {
    const COMPRESSIONS: &[(&str, Compression)] =
        &[("NONE", Compression::None), ("ZLIB", Compression::Zlib { level: ZLIB_LEVEL })];
    let mut config = KplConfig::default();
    if let Some(millis) = d.non_negative_integer("RecordMaxBufferedTime")? {
        config.record_max_buffered_time = Duration::from_millis(u64::from(millis));
    }
    if let Some(enabled) = d.boolean("AggregationEnabled")? {
        config.aggregation_enabled = enabled;
    }
    let aggregation_max_size = d.positive_integer("AggregationMaxSize")?;
    let collection_max_count = d.positive_integer("CollectionMaxCount")?;
    if let Some(rate_limit) = d.positive_integer("RateLimit")? {
        config.rate_limit = u64::from(rate_limit);
    }
    let record_ttl = d.positive_integer("RecordTtl")?;
    if let Some(compression) = d.enumeration("Compression", COMPRESSIONS)? {
        config.compression = compression;
    }
    let mut problems = Vec::new();
    if let Some(size) = aggregation_max_size {
        let (min, max) = AGGREGATION_MAX_SIZE;
        if !(min..=max).contains(&size) {
            problems.push(format!("AggregationMaxSize must be from {min} to {max} bytes, but was {size}."));
        }
        config.aggregation_max_size = size as usize;
    }
    if let Some(count) = collection_max_count {
        if count > MAX_COLLECTION_COUNT {
            problems.push(format!("CollectionMaxCount must be from 1 to {MAX_COLLECTION_COUNT}, but was {count}."));
        }
        config.collection_max_count = count as usize;
    }
    if let Some(ttl) = record_ttl {
        if ttl < MIN_RECORD_TTL_MILLIS {
            problems.push(format!("RecordTtl must be at least {MIN_RECORD_TTL_MILLIS} milliseconds, but was {ttl}."));
        }
        config.record_ttl = Duration::from_millis(u64::from(ttl));
    }
    Ok(if problems.is_empty() { Ok(config) } else { Err(ApiError::invalid_argument(problems.join(" "))) })
}

/// `Shardlab.KplCreateProducer`; see the module documentation.
pub(super) fn kpl_create_producer(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let config = d.structure("Config", kpl_config)?.unwrap_or_else(|| Ok(KplConfig::default()));
    let seed = d.non_negative_long("Seed")?.unwrap_or(0);
    d.finish()?;
    let ProducerId(id) = sim.create_kpl_producer(config?, seed);
    Ok(Some(json!({"ProducerId": id})))
}

/// `Shardlab.KplPut`: the KPL's `addUserRecord`.
pub(super) fn kpl_put(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("ProducerId", Decoder::non_negative_integer)?;
    let stream_name = d.stream()?;
    let partition_key = d.required("PartitionKey", Decoder::string)?;
    let data = d.required("Data", Decoder::blob)?;
    let explicit_hash_key = d.string("ExplicitHashKey")?;
    d.finish()?;
    let added = sim
        .kpl_add_user_record(ProducerId(id), &stream_name, &partition_key, data, explicit_hash_key.as_deref())
        .ok_or_else(|| not_found(format!("Producer {id}")))?;
    let UserRecordId(record) =
        added.map_err(|error| ApiError::invalid_argument(format!("The user record was refused: {error}.")))?;
    Ok(Some(json!({"UserRecordId": record})))
}

/// `Shardlab.KplFlush`: the KPL's `flush()`.
pub(super) fn kpl_flush(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("ProducerId", Decoder::non_negative_integer)?;
    d.finish()?;
    if !sim.kpl_flush(ProducerId(id)) {
        return Err(not_found(format!("Producer {id}")));
    }
    Ok(None)
}

fn kpl_counters(counters: KplCounters) -> Value {
    json!({
        "UserRecordsPut": counters.n_user_records_put,
        "UserRecordsSucceeded": counters.n_user_records_succeeded,
        "UserRecordsExpired": counters.n_user_records_expired,
        "KinesisRecordsSent": counters.n_kinesis_records_sent,
        "PutRecordsCalls": counters.n_put_records_calls,
        "Retries": counters.n_retries,
        "BytesBeforeCompression": counters.n_bytes_before_compression,
        "BytesAfterCompression": counters.n_bytes_after_compression,
    })
}

fn outcome(id: u64, outcome: &UserRecordOutcome) -> Value {
    match outcome {
        UserRecordOutcome::Pending => json!({"UserRecordId": id, "Status": "PENDING", "Attempts": 0}),
        UserRecordOutcome::Succeeded(result) => json!({
            "UserRecordId": id,
            "Status": "SUCCEEDED",
            "ShardId": result.shard_id.to_string(),
            "SequenceNumber": result.sequence_number.to_string(),
            "SubSequenceNumber": result.sub_sequence_number,
            "Attempts": result.attempts,
        }),
        UserRecordOutcome::Failed(failure) => json!({
            "UserRecordId": id,
            "Status": "FAILED",
            "Attempts": failure.attempts,
            "ErrorCode": failure.error_code,
            "ErrorMessage": failure.error_message,
            "LastAttemptErrorCode": failure.last_attempt_error_code,
        }),
    }
}

/// `Shardlab.KplStatus`; see the module documentation.
pub(super) fn kpl_status(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let id = d.required("ProducerId", Decoder::non_negative_integer)?;
    let wanted = d.non_negative_longs("UserRecordIds")?;
    d.finish()?;
    let producer = producer(sim, id)?;
    let outcomes: Vec<Value> = match wanted {
        Some(wanted) => wanted
            .into_iter()
            .map(|record| {
                let found = producer.outcome(UserRecordId(record));
                found
                    .map(|found| outcome(record, found))
                    .ok_or_else(|| not_found(format!("User record {record} of producer {id}")))
            })
            .collect::<Result<_, _>>()?,
        // Ids are given out from 0 without gaps.
        None => (0..)
            .map_while(|record| producer.outcome(UserRecordId(record)).map(|found| outcome(record, found)))
            .collect(),
    };
    Ok(Some(json!({
        "Counters": kpl_counters(producer.counters()),
        "Buffered": producer.n_buffered(),
        "InFlight": producer.n_in_flight(),
        "Outcomes": outcomes,
    })))
}

/// `Shardlab.Aggregate`: one KPL aggregated record of the given user records.
pub(super) fn aggregate(_sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let records = d.required("Records", |d, name| {
        d.structures(name, |d| {
            let partition_key = d.required("PartitionKey", Decoder::string)?;
            let explicit_hash_key = d.string("ExplicitHashKey")?;
            let data = d.required("Data", Decoder::blob)?;
            Ok(UserRecord { explicit_hash_key, ..UserRecord::new(partition_key, data) })
        })
    })?;
    d.finish()?;
    let blob = aggregate_records(&records)
        .map_err(|error| ApiError::invalid_argument(format!("The records cannot be aggregated: {error}.")))?;
    Ok(Some(json!({"Data": base64::encode(&blob)})))
}

/// `Shardlab.Deaggregate`: the user records of an aggregated record, as the KCL reads them.
pub(super) fn deaggregate(_sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let data = d.required("Data", Decoder::blob)?;
    d.finish()?;
    Ok(Some(match deaggregate_blob(&data) {
        Deaggregated::Aggregated(records) => {
            let records: Vec<Value> = records
                .iter()
                .map(|record| {
                    let tags: Vec<Value> =
                        record.tags.iter().map(|tag| json!({"Key": tag.key, "Value": tag.value})).collect();
                    json!({
                        "PartitionKey": record.partition_key,
                        "ExplicitHashKey": record.explicit_hash_key,
                        "Data": base64::encode(&record.data),
                        "Tags": if tags.is_empty() { Value::Null } else { tags.into() },
                    })
                })
                .collect();
            json!({"Aggregated": true, "Records": records})
        }
        Deaggregated::NotAggregated(reason) => {
            let mut reason = reason.to_string();
            // "the data does not …" as a sentence.
            if let Some(first) = reason.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            json!({"Aggregated": false, "Reason": format!("{reason}.")})
        }
    }))
}

/// `Shardlab.KclCreateApplication`; see the module documentation.
pub(super) fn kcl_create_application(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    #[derive(Clone, Copy)]
    enum Kind {
        Polling,
        FanOut,
    }
    let application_name = d.required("ApplicationName", Decoder::name)?;
    let stream_name = d.stream()?;
    let retrieval = d.enumeration("Retrieval", &[("POLLING", Kind::Polling), ("FAN_OUT", Kind::FanOut)])?;
    let every = d.positive_integer("CheckpointEveryRecords")?;
    d.finish()?;
    let mut config = match retrieval.unwrap_or(Kind::Polling) {
        Kind::Polling => KclConfig::polling(application_name, stream_name),
        Kind::FanOut => KclConfig::fan_out(application_name, stream_name),
    };
    if let Some(n) = every {
        config.checkpoint_policy = CheckpointPolicy::EveryNRecords(n);
    }
    let ApplicationId(id) = sim.create_kcl_application(config)?;
    Ok(Some(json!({"ApplicationId": id})))
}

/// `Shardlab.KclStartWorker`: adds a worker, which takes leases as the clock moves.
pub(super) fn kcl_start_worker(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let app = d.required("ApplicationId", Decoder::non_negative_integer)?;
    d.finish()?;
    let WorkerId(worker) = sim
        .with_kcl_application(ApplicationId(app), |app, now| app.add_worker(now))
        .ok_or_else(|| not_found(format!("Application {app}")))?;
    Ok(Some(json!({"WorkerId": worker})))
}

/// Reads `ApplicationId` and `WorkerId`, and any other members with `more`.
fn worker_members<T>(
    d: &mut Decoder<'_>,
    more: impl FnOnce(&mut Decoder<'_>) -> Result<T, ApiError>,
) -> Result<(u32, u32, T), ApiError> {
    let app = d.required("ApplicationId", Decoder::non_negative_integer)?;
    let worker = d.required("WorkerId", Decoder::non_negative_integer)?;
    let more = more(d)?;
    d.finish()?;
    Ok((app, worker, more))
}

/// Refuses a change to a worker that can no longer run.
fn check_not_gone(status: WorkerStatus, app: u32, worker: u32, change: &str) -> Result<(), ApiError> {
    let gone = match status {
        WorkerStatus::Killed => "was killed",
        WorkerStatus::Stopped => "was stopped",
        WorkerStatus::Running | WorkerStatus::Paused { .. } => return Ok(()),
    };
    Err(ApiError::invalid_argument(format!("Worker {worker} of application {app} {gone}; it cannot be {change}.")))
}

/// `Shardlab.KclKillWorker`: the worker stops without shutting down; its leases expire.
pub(super) fn kcl_kill_worker(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let (app, worker, ()) = worker_members(d, |_| Ok(()))?;
    check_not_gone(worker_status(sim, app, worker)?, app, worker, "killed")?;
    sim.with_kcl_application(ApplicationId(app), |a, _| a.kill_worker(WorkerId(worker)));
    Ok(None)
}

/// `Shardlab.KclPauseWorker`: freezes a running worker for `Millis`.
pub(super) fn kcl_pause_worker(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let (app, worker, millis) = worker_members(d, |d| d.required("Millis", Decoder::non_negative_integer))?;
    let status = worker_status(sim, app, worker)?;
    check_not_gone(status, app, worker, "paused")?;
    if let WorkerStatus::Paused { until } = status {
        return Err(ApiError::invalid_argument(format!(
            "Worker {worker} of application {app} is already paused until {}.",
            until.epoch_millis()
        )));
    }
    let duration = Duration::from_millis(u64::from(millis));
    sim.with_kcl_application(ApplicationId(app), |a, now| a.pause_worker(now, WorkerId(worker), duration));
    Ok(None)
}

/// `Shardlab.KclStopWorker`: a graceful shutdown; the worker checkpoints and releases its leases.
pub(super) fn kcl_stop_worker(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let (app, worker, ()) = worker_members(d, |_| Ok(()))?;
    check_not_gone(worker_status(sim, app, worker)?, app, worker, "stopped")?;
    sim.with_kcl_application(ApplicationId(app), |a, now| a.stop_worker(now, WorkerId(worker)));
    Ok(None)
}

/// A checkpoint as the lease table stores it: the sequence number (or
/// sentinel) and the sub-sequence number, 0 for a sentinel.
fn checkpoint(checkpoint: Checkpoint) -> (String, u64) {
    match checkpoint {
        Checkpoint::At { sequence_number, sub_sequence_number } => (sequence_number.to_string(), sub_sequence_number),
        sentinel => (sentinel.to_string(), 0),
    }
}

/// A lease with the KCL's DynamoDB attribute names.
fn lease(lease: &Lease) -> Value {
    let (at, sub) = checkpoint(lease.checkpoint);
    let pending = lease.pending_checkpoint.map(checkpoint);
    json!({
        "leaseKey": lease.lease_key.to_string(),
        "leaseOwner": lease.lease_owner.map(|owner| owner.to_string()),
        "leaseCounter": lease.lease_counter,
        "checkpoint": at,
        "checkpointSubSequenceNumber": sub,
        "pendingCheckpoint": pending.as_ref().map(|(at, _)| at.clone()),
        "pendingCheckpointSubSequenceNumber": pending.map(|(_, sub)| sub),
        "ownerSwitchesSinceCheckpoint": lease.owner_switches_since_checkpoint,
        "parentShardId": lease.parent_shard_ids.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
    })
}

/// `Shardlab.KclLeases`: the application's lease table.
pub(super) fn kcl_leases(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let app = d.required("ApplicationId", Decoder::non_negative_integer)?;
    d.finish()?;
    let leases: Vec<Value> = application(sim, app)?.leases().iter().map(lease).collect();
    Ok(Some(json!({"Leases": leases})))
}

fn kcl_counters(counters: KclCounters) -> Value {
    json!({
        "Processed": counters.n_processed,
        "Redelivered": counters.n_redelivered,
        "Reads": counters.n_reads,
        "Throttled": counters.n_throttled,
        "Checkpoints": counters.n_checkpoints,
        "CheckpointsRefused": counters.n_checkpoints_refused,
    })
}

/// `Shardlab.KclOutput`: the records the application processed, from index `After`.
pub(super) fn kcl_output(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let app = d.required("ApplicationId", Decoder::non_negative_integer)?;
    let after = d.non_negative_integer("After")?.unwrap_or(0) as usize;
    d.finish()?;
    let application = application(sim, app)?;
    let output = application.output();
    let Some(records) = output.get(after..) else {
        return Err(ApiError::invalid_argument(format!(
            "After {after} is past the end of application {app}'s output, which has {} records.",
            output.len()
        )));
    };
    let records: Vec<Value> = records
        .iter()
        .map(|record| {
            json!({
                "Worker": record.worker.0,
                "ShardId": record.shard.to_string(),
                "SequenceNumber": record.sequence_number.to_string(),
                "SubSequenceNumber": record.sub_sequence_number,
                "PartitionKey": record.partition_key,
                "Data": base64::encode(&record.data),
                "DeliveryCount": record.delivery_count,
                "ApproximateArrivalTimestamp": timestamp(record.arrival),
                "ProcessedAt": timestamp(record.processed_at),
            })
        })
        .collect();
    let workers: Vec<Value> = application
        .workers()
        .iter()
        .map(|worker| json!({"WorkerId": worker.id.to_string(), "Status": worker_status_name(worker.status)}))
        .collect();
    Ok(Some(json!({
        "Records": records,
        "Next": output.len(),
        "Counters": kcl_counters(application.counters()),
        "Workers": workers,
    })))
}

/// A worker's state, as `KclOutput` names it.
fn worker_status_name(status: WorkerStatus) -> &'static str {
    match status {
        WorkerStatus::Running => "RUNNING",
        WorkerStatus::Paused { .. } => "PAUSED",
        WorkerStatus::Killed => "KILLED",
        WorkerStatus::Stopped => "STOPPED",
    }
}
