//! Simulation-only targets for the S3-like object store Firehose delivers
//! to (see [`crate::s3`]). S3 speaks XML over REST, not JSON, so these are
//! `Shardlab.*` targets with `ListObjectsV2`'s and `GetObject`'s member names.
//!
//! - `Shardlab.S3CreateBucket {"Bucket"}` → `{}`.
//! - `Shardlab.S3ListObjects {"Bucket", "Prefix"?}` → `{"Name", "Prefix",
//!   "KeyCount", "Contents": [{"Key", "Size", "LastModified"}]}`, in key
//!   order, without paging; `LastModified` as ISO 8601, as S3 writes it.
//! - `Shardlab.S3GetObject {"Bucket", "Key"}` → `{"Body": base64,
//!   "ContentLength", "LastModified", "Text"?, "InflatedText"?}`: `Text` when
//!   the body is UTF-8, `InflatedText` when it is GZIP of UTF-8 text.
//!
//! Errors carry S3's codes (`NoSuchBucket`, `NoSuchKey`,
//! `BucketAlreadyOwnedByYou`, `InvalidBucketName`) as `__type`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Value, json};

use super::Reply;
use super::decode::Decoder;
use crate::firehose::format::gunzip;
use crate::{Simulation, base64};

pub(super) fn create_bucket(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let bucket = d.required("Bucket", Decoder::string)?;
    d.finish()?;
    sim.s3_create_bucket(&bucket)?;
    Ok(Some(json!({})))
}

pub(super) fn list_objects(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let bucket = d.required("Bucket", Decoder::string)?;
    let prefix = d.string("Prefix")?.unwrap_or_default();
    d.finish()?;
    let objects = sim.s3_list_objects(&bucket, &prefix)?;
    let contents: Vec<Value> = objects
        .iter()
        .map(|o| json!({"Key": o.key, "Size": o.size, "LastModified": o.last_modified.to_string()}))
        .collect();
    Ok(Some(json!({"Name": bucket, "Prefix": prefix, "KeyCount": contents.len(), "Contents": contents})))
}

pub(super) fn get_object(sim: &Simulation, d: &mut Decoder<'_>) -> Reply {
    let bucket = d.required("Bucket", Decoder::string)?;
    let key = d.required("Key", Decoder::string)?;
    d.finish()?;
    let object = sim.s3_get_object(&bucket, &key)?;
    let text = String::from_utf8(object.body.clone()).ok();
    let inflated_text = gunzip(&object.body).and_then(|inflated| String::from_utf8(inflated).ok());
    Ok(Some(json!({
        "Body": base64::encode(&object.body),
        "ContentLength": object.body.len(),
        "LastModified": object.last_modified.to_string(),
        "Text": text,
        "InflatedText": inflated_text,
    })))
}
