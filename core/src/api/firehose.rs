//! Amazon Data Firehose's JSON protocol (`Firehose_20150804.*`) and the
//! simulation-only targets around it: scripted transformation functions
//! and a delivery stream's buffer state.
//!
//! - `Firehose_20150804.CreateDeliveryStream {"DeliveryStreamName",
//!   "DeliveryStreamType"?: "DirectPut"|"KinesisStreamAsSource",
//!   "KinesisStreamSourceConfiguration"?: {"KinesisStreamARN", "RoleARN"},
//!   "ExtendedS3DestinationConfiguration": {"BucketARN", "RoleARN", "Prefix"?,
//!   "ErrorOutputPrefix"?, "BufferingHints"?: {"SizeInMBs", "IntervalInSeconds"},
//!   "CompressionFormat"?: "UNCOMPRESSED"|"GZIP", "ProcessingConfiguration"?:
//!   {"Enabled", "Processors": [{"Type": "Lambda", "Parameters":
//!   [{"ParameterName": "LambdaArn", "ParameterValue"}]}, {"Type":
//!   "MetadataExtraction", "Parameters": [{"ParameterName":
//!   "MetadataExtractionQuery", …}, {"ParameterName": "JsonParsingEngine",
//!   "ParameterValue": "JQ-1.6"}]}]}, "DynamicPartitioningConfiguration"?:
//!   {"Enabled"?, "RetryOptions"?}, "SimulatedFormatConversion"?: {"Format":
//!   "CSV"|"NDJSON", "Columns"?}}}` → `{"DeliveryStreamARN"}`.
//!   `BufferingHints` with one member only is refused, as AWS refuses it
//!   ("if you specify a value for one of them, you must also provide a value
//!   for the other"). `SimulatedFormatConversion` is the simulation's
//!   stand-in for `DataFormatConversionConfiguration`, whose Parquet and ORC
//!   outputs are not modelled (see [`crate::firehose::format`]);
//!   `RetryOptions` is taken and not modelled.
//! - `Firehose_20150804.DescribeDeliveryStream {"DeliveryStreamName"}` →
//!   `{"DeliveryStreamDescription": {…}}`.
//! - `Firehose_20150804.PutRecord {"DeliveryStreamName", "Record": {"Data"}}`
//!   → `{"RecordId", "Encrypted": false}`.
//! - `Firehose_20150804.PutRecordBatch {"DeliveryStreamName", "Records":
//!   [{"Data"}]}` → `{"FailedPutCount", "Encrypted": false,
//!   "RequestResponses": [{"RecordId"} or {"ErrorCode", "ErrorMessage"}]}`.
//! - `Firehose_20150804.DeleteDeliveryStream {"DeliveryStreamName"}` → `{}`.
//! - `Firehose_20150804.ListDeliveryStreams {"Limit"?, "DeliveryStreamType"?,
//!   "ExclusiveStartDeliveryStreamName"?}` → `{"DeliveryStreamNames",
//!   "HasMoreDeliveryStreams"}`.
//! - `Shardlab.CreateTransformFunction {"FunctionName", "Steps": [{"Type":
//!   "UPPERCASE"|"DROP_IF_CONTAINS"|"FAIL_IF_CONTAINS"|"APPEND_NEWLINE"|
//!   "PARTITION_KEYS", "Text"?, "Query"?}]}` → `{"FunctionArn"}`: a scripted
//!   Lambda function for `ProcessingConfiguration`; no steps passes records
//!   through. `PARTITION_KEYS` answers `metadata.partitionKeys` from the
//!   record by `Query`, in the jq subset of `MetadataExtractionQuery`.
//! - `Shardlab.TestTransformFunction {"FunctionName", "Records": [{"recordId",
//!   "data"}]}` → `{"records": [{"recordId", "result", "data", "metadata"?}]}`: the
//!   function's answer in Lambda's Firehose record format, `data` in base64.
//! - `Shardlab.FirehoseStatus {"DeliveryStreamName"}` → `{"BufferedRecords",
//!   "BufferedBytes", "ActivePartitions", "BufferAgeMillis"?, "IntervalDue"?, "UndeliveredObjects",
//!   "NextRetry"?, "LastSourceError"?, "Counters": {…}}`.
//!
//! Left out: `RoleARN` is required where AWS requires it but not kept, so
//! descriptions leave it out; tags, encryption and every other destination.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::Reply;
use super::decode::Decoder;
use super::encode::timestamp;
use super::error::ApiError;
use crate::error::Validator;
use crate::firehose::format::RecordFormat;
use crate::firehose::transform::{TransformFunction, TransformInput, TransformResult, TransformStep, function_arn};
use crate::firehose::{
    BufferingHints, CompressionFormat, CreateDeliveryStreamInput, DeliverySource, FirehoseError, PutRecordBatchEntry,
    S3Destination, check_buffering_hints,
};
use crate::{Simulation, base64};

const DELIVERY_STREAM_TYPES: &[(&str, bool)] = &[("DirectPut", true), ("KinesisStreamAsSource", false)];
const COMPRESSION_FORMATS: &[(&str, CompressionFormat)] =
    &[("UNCOMPRESSED", CompressionFormat::Uncompressed), ("GZIP", CompressionFormat::Gzip)];

/// The most names one `ListDeliveryStreams` returns, and its default.
const LIST_LIMIT: (u32, usize) = (10_000, 10);

/// `KinesisStreamARN`'s stream name, or `InvalidArgumentException`.
fn stream_of_arn(arn: &str) -> Result<String, ApiError> {
    let prefix = format!("arn:aws:kinesis:{}:{}:stream/", crate::REGION, crate::ACCOUNT_ID);
    arn.strip_prefix(&prefix)
        .filter(|name| !name.is_empty())
        .map(String::from)
        .ok_or_else(|| ApiError::invalid_argument(format!("KinesisStreamARN {arn} is not a stream of this account.")))
}

/// The processors of an enabled `ProcessingConfiguration` that are modelled.
#[derive(Default)]
struct Processors {
    /// The Lambda processor's `LambdaArn`.
    lambda_arn: Option<String>,
    /// The `MetadataExtraction` processor's `MetadataExtractionQuery`.
    metadata_extraction_query: Option<String>,
}

/// The jq version AWS runs for `MetadataExtraction`: `JsonParsingEngine`'s only value.
const JSON_PARSING_ENGINE: &str = "JQ-1.6";

/// `ProcessingConfiguration`: its modelled processors, if enabled.
fn processors(d: &mut Decoder<'_>) -> Result<Processors, ApiError> {
    let enabled = d.boolean("Enabled")?.unwrap_or(false);
    let processors = d.structures("Processors", |d| {
        let _kind = d.required("Type", Decoder::string)?;
        d.structures("Parameters", |d| {
            let name = d.required("ParameterName", Decoder::string)?;
            let value = d.required("ParameterValue", Decoder::string)?;
            Ok((name, value))
        })
    })?;
    let mut found = Processors::default();
    for (name, value) in processors.into_iter().flatten().flatten().flatten() {
        match name.as_str() {
            "LambdaArn" => found.lambda_arn = Some(value),
            "MetadataExtractionQuery" => found.metadata_extraction_query = Some(value),
            "JsonParsingEngine" if value != JSON_PARSING_ENGINE => {
                // The simulation's wording: AWS's is not documented.
                return Err(ApiError::invalid_argument(format!(
                    "JsonParsingEngine {value} is not supported; use {JSON_PARSING_ENGINE}."
                )));
            }
            _ => {}
        }
    }
    Ok(if enabled { found } else { Processors::default() })
}

fn record_format(d: &mut Decoder<'_>) -> Result<RecordFormat, ApiError> {
    const FORMATS: &[(&str, bool)] = &[("CSV", true), ("NDJSON", false)];
    let csv = d.required_enum("Format", FORMATS)?;
    let columns = d.strings("Columns")?.unwrap_or_default();
    Ok(if csv { RecordFormat::Csv { columns } } else { RecordFormat::NdJson })
}

/// `ExtendedS3DestinationConfiguration`, and whether its `BufferingHints`
/// has one member only (the other then takes its default).
fn destination(d: &mut Decoder<'_>) -> Result<(S3Destination, bool), ApiError> {
    let bucket_arn = d.required("BucketARN", Decoder::string)?;
    let _role = d.required("RoleARN", Decoder::string)?;
    let mut destination = S3Destination::new(bucket_arn);
    destination.prefix = d.string("Prefix")?.unwrap_or_default();
    destination.error_output_prefix = d.string("ErrorOutputPrefix")?.unwrap_or_default();
    let mut lone_hint = false;
    if let Some((size, interval)) = d.structure("BufferingHints", |d| {
        Ok((d.non_negative_integer("SizeInMBs")?, d.non_negative_integer("IntervalInSeconds")?))
    })? {
        lone_hint = size.is_some() != interval.is_some();
        let defaults = BufferingHints::default();
        destination.buffering_hints = BufferingHints {
            size_in_mbs: size.unwrap_or(defaults.size_in_mbs),
            interval_in_seconds: interval.unwrap_or(defaults.interval_in_seconds),
        };
    }
    destination.compression = d.enumeration("CompressionFormat", COMPRESSION_FORMATS)?.unwrap_or_default();
    let processors = d.structure("ProcessingConfiguration", processors)?.unwrap_or_default();
    destination.processor = processors.lambda_arn;
    destination.metadata_extraction_query = processors.metadata_extraction_query;
    destination.dynamic_partitioning = d
        .structure("DynamicPartitioningConfiguration", |d| {
            let enabled = d.boolean("Enabled")?.unwrap_or(false);
            let _retry = d.structure("RetryOptions", |d| d.non_negative_integer("DurationInSeconds"))?;
            Ok(enabled)
        })?
        .unwrap_or(false);
    destination.record_format = d.structure("SimulatedFormatConversion", record_format)?;
    Ok((destination, lone_hint))
}

pub(super) fn create_delivery_stream(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("DeliveryStreamName", Decoder::string)?;
    let direct_put = d.enumeration("DeliveryStreamType", DELIVERY_STREAM_TYPES)?.unwrap_or(true);
    let source_arn = d.structure("KinesisStreamSourceConfiguration", |d| {
        let arn = d.required("KinesisStreamARN", Decoder::string)?;
        let _role = d.required("RoleARN", Decoder::string)?;
        Ok(arn)
    })?;
    let (destination, lone_hint) =
        d.required_or("ExtendedS3DestinationConfiguration", (S3Destination::new(""), false), |d, name| {
            d.structure(name, destination)
        })?;
    d.finish()?;
    if lone_hint {
        // The member that was given is held to its constraints first, as AWS validates the model first.
        let mut v = Validator::default();
        check_buffering_hints(&mut v, destination.buffering_hints);
        v.finish().map_err(FirehoseError::Validation)?;
        // The rule is documented (API Reference, BufferingHints); this wording is not.
        return Err(ApiError::invalid_argument(
            "BufferingHints must specify both SizeInMBs and IntervalInSeconds, or neither.",
        ));
    }
    let source = match (direct_put, source_arn) {
        (true, None) => DeliverySource::DirectPut,
        (false, Some(arn)) => DeliverySource::KinesisStream(stream_of_arn(&arn)?),
        (true, Some(_)) => {
            return Err(ApiError::invalid_argument(
                "KinesisStreamSourceConfiguration is only allowed with DeliveryStreamType KinesisStreamAsSource.",
            ));
        }
        (false, None) => {
            return Err(ApiError::invalid_argument(
                "KinesisStreamSourceConfiguration is required with DeliveryStreamType KinesisStreamAsSource.",
            ));
        }
    };
    sim.create_delivery_stream(CreateDeliveryStreamInput { name: name.clone(), source, destination })?;
    Ok(Some(json!({"DeliveryStreamARN": crate::firehose::delivery_stream_arn(&name)})))
}

pub(super) fn describe_delivery_stream(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("DeliveryStreamName", Decoder::string)?;
    d.finish()?;
    let description = sim.describe_delivery_stream(&name)?;
    let (kind, source) = match &description.source {
        DeliverySource::DirectPut => ("DirectPut", Value::Null),
        DeliverySource::KinesisStream(stream) => (
            "KinesisStreamAsSource",
            json!({"KinesisStreamSourceDescription": {
                "KinesisStreamARN": crate::stream_arn(stream),
                "DeliveryStartTimestamp": timestamp(description.created),
            }}),
        ),
    };
    let destination = &description.destination;
    let mut processors = Vec::new();
    if let Some(arn) = &destination.processor {
        processors
            .push(json!({"Type": "Lambda", "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": arn}]}));
    }
    if let Some(query) = &destination.metadata_extraction_query {
        processors.push(json!({"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": JSON_PARSING_ENGINE}]}));
    }
    let processing = if processors.is_empty() {
        json!({"Enabled": false})
    } else {
        json!({"Enabled": true, "Processors": processors})
    };
    let compression = COMPRESSION_FORMATS.iter().find(|(_, c)| *c == destination.compression).map(|(wire, _)| *wire);
    let mut s3 = json!({
        "BucketARN": destination.bucket_arn,
        "Prefix": destination.prefix,
        "ErrorOutputPrefix": destination.error_output_prefix,
        "BufferingHints": {
            "SizeInMBs": destination.buffering_hints.size_in_mbs,
            "IntervalInSeconds": destination.buffering_hints.interval_in_seconds,
        },
        "CompressionFormat": compression,
        "ProcessingConfiguration": processing,
    });
    if destination.dynamic_partitioning {
        s3["DynamicPartitioningConfiguration"] = json!({"Enabled": true});
    }
    Ok(Some(json!({"DeliveryStreamDescription": {
        "DeliveryStreamName": description.name,
        "DeliveryStreamARN": description.arn,
        "DeliveryStreamStatus": "ACTIVE",
        "DeliveryStreamType": kind,
        "VersionId": description.version.to_string(),
        "CreateTimestamp": timestamp(description.created),
        "Source": source,
        "Destinations": [{
            "DestinationId": "destinationId-000000000001",
            "ExtendedS3DestinationDescription": s3,
        }],
        "HasMoreDestinations": false,
    }})))
}

pub(super) fn put_record(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("DeliveryStreamName", Decoder::string)?;
    let data = d.required("Record", |d, name| d.structure(name, |d| d.required("Data", Decoder::blob)))?;
    d.finish()?;
    let record_id = sim.firehose_put_record(&name, data)?;
    Ok(Some(json!({"RecordId": record_id, "Encrypted": false})))
}

pub(super) fn put_record_batch(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("DeliveryStreamName", Decoder::string)?;
    let records = d.required("Records", |d, name| d.structures(name, |d| d.required("Data", Decoder::blob)))?;
    d.finish()?;
    let output = sim.firehose_put_record_batch(&name, records)?;
    let responses: Vec<Value> = output
        .request_responses
        .into_iter()
        .map(|entry| match entry {
            PutRecordBatchEntry::Ok(record_id) => json!({"RecordId": record_id}),
            PutRecordBatchEntry::Failed { error_code, error_message } => {
                json!({"ErrorCode": error_code, "ErrorMessage": error_message})
            }
        })
        .collect();
    Ok(Some(json!({"FailedPutCount": output.failed_put_count, "Encrypted": false, "RequestResponses": responses})))
}

pub(super) fn delete_delivery_stream(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("DeliveryStreamName", Decoder::string)?;
    let _force = d.boolean("AllowForceDelete")?;
    d.finish()?;
    sim.delete_delivery_stream(&name)?;
    Ok(Some(json!({})))
}

pub(super) fn list_delivery_streams(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let limit = d.integer_up_to("Limit", LIST_LIMIT.0)?.map_or(LIST_LIMIT.1, |n| n as usize);
    let direct_put = d.enumeration("DeliveryStreamType", DELIVERY_STREAM_TYPES)?;
    let start = d.string("ExclusiveStartDeliveryStreamName")?;
    d.finish()?;
    let output = sim.list_delivery_streams(limit, direct_put, start.as_deref());
    Ok(Some(json!({"DeliveryStreamNames": output.names, "HasMoreDeliveryStreams": output.has_more})))
}

pub(super) fn create_transform_function(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    #[derive(Clone, Copy)]
    enum Kind {
        Uppercase,
        DropIfContains,
        FailIfContains,
        AppendNewline,
        PartitionKeys,
    }
    const KINDS: &[(&str, Kind)] = &[
        ("UPPERCASE", Kind::Uppercase),
        ("DROP_IF_CONTAINS", Kind::DropIfContains),
        ("FAIL_IF_CONTAINS", Kind::FailIfContains),
        ("APPEND_NEWLINE", Kind::AppendNewline),
        ("PARTITION_KEYS", Kind::PartitionKeys),
    ];
    let name = d.required("FunctionName", Decoder::string)?;
    let steps = d.required("Steps", |d, name| {
        d.structures(name, |d| {
            let kind = d.required_enum("Type", KINDS)?;
            let text = d.string("Text")?;
            let query = d.string("Query")?;
            Ok(match kind {
                Kind::Uppercase => Ok(TransformStep::Uppercase),
                Kind::AppendNewline => Ok(TransformStep::AppendNewline),
                Kind::DropIfContains => text.map(TransformStep::DropIfContains).ok_or(kind),
                Kind::FailIfContains => text.map(TransformStep::FailIfContains).ok_or(kind),
                Kind::PartitionKeys => query.map(TransformStep::PartitionKeys).ok_or(kind),
            })
        })
    })?;
    d.finish()?;
    let steps = match steps.into_iter().collect::<Result<Vec<_>, Kind>>() {
        Ok(steps) => steps,
        Err(Kind::PartitionKeys) => return Err(ApiError::invalid_argument("PARTITION_KEYS steps need a Query.")),
        Err(_) => {
            return Err(ApiError::invalid_argument("DROP_IF_CONTAINS and FAIL_IF_CONTAINS steps need a Text."));
        }
    };
    let arn = sim.create_transform_function(TransformFunction { name, steps })?;
    Ok(Some(json!({"FunctionArn": arn})))
}

pub(super) fn test_transform_function(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("FunctionName", Decoder::string)?;
    let batch = d.required("Records", |d, name| {
        d.structures(name, |d| {
            let record_id = d.required("recordId", Decoder::string)?;
            let data = d.required("data", Decoder::blob)?;
            Ok(TransformInput { record_id, data })
        })
    })?;
    d.finish()?;
    let outputs = sim.invoke_transform_function(&name, &batch).ok_or_else(|| {
        // Lambda's wording for a function it cannot find.
        ApiError::new("ResourceNotFoundException", format!("Function not found: {}", function_arn(&name)))
    })?;
    let records: Vec<Value> = outputs
        .iter()
        .map(|output| {
            let result = match output.result {
                TransformResult::Ok => "Ok",
                TransformResult::Dropped => "Dropped",
                TransformResult::ProcessingFailed => "ProcessingFailed",
            };
            let mut record =
                json!({"recordId": output.record_id, "result": result, "data": base64::encode(&output.data)});
            if !output.partition_keys.is_empty() {
                record["metadata"] = json!({"partitionKeys": output.partition_keys});
            }
            record
        })
        .collect();
    Ok(Some(json!({"records": records})))
}

pub(super) fn firehose_status(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let name = d.required("DeliveryStreamName", Decoder::string)?;
    d.finish()?;
    let status = sim.delivery_stream_status(&name)?;
    let c = status.counters;
    Ok(Some(json!({
        "BufferedRecords": status.buffered_records,
        "BufferedBytes": status.buffered_bytes,
        "ActivePartitions": status.active_partitions,
        "BufferAgeMillis": status.buffer_age.map(|age| age.as_millis()),
        "IntervalDue": status.interval_due.map(timestamp),
        "UndeliveredObjects": status.undelivered_objects,
        "NextRetry": status.next_retry.map(timestamp),
        "LastSourceError": status.last_source_error,
        "Counters": {
            "IncomingRecords": c.incoming_records,
            "IncomingBytes": c.incoming_bytes,
            "DeliveredObjects": c.delivered_objects,
            "DeliveredRecords": c.delivered_records,
            "DroppedRecords": c.dropped_records,
            "FailedRecords": c.failed_records,
            "FailedDeliveryAttempts": c.failed_delivery_attempts,
            "ExpiredRecords": c.expired_records,
        },
    })))
}
