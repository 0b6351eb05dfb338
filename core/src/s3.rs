//! An S3-like object store: buckets of immutable objects, listed by key
//! prefix and opened whole. It exists so that Firehose has somewhere to
//! deliver and learners have something to open.
//!
//! Modelled: buckets named by the learner (created explicitly, as a real
//! delivery stream's bucket is), keys listed in UTF-8 binary order as
//! `ListObjectsV2` lists them, and the last-modified time of each object.
//! Left out: versioning, deletion, metadata, storage classes, paging,
//! delimiters and everything about access control.

pub(crate) mod snapshot_v1;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::time::Instant;

/// One stored object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Object {
    /// The object's bytes.
    pub body: Vec<u8>,
    /// When it was written.
    pub last_modified: Instant,
}

/// One entry of [`Simulation::s3_list_objects`]: `ListObjectsV2`'s `Contents`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSummary {
    /// `Key`.
    pub key: String,
    /// `Size` in bytes.
    pub size: u64,
    /// `LastModified`.
    pub last_modified: Instant,
}

/// Every bucket of the account, by name.
#[derive(Clone, Debug, Default)]
pub(crate) struct ObjectStore {
    buckets: BTreeMap<String, BTreeMap<String, S3Object>>,
}

impl ObjectStore {
    pub(crate) fn has_bucket(&self, bucket: &str) -> bool {
        self.buckets.contains_key(bucket)
    }

    /// Writes `key`, replacing any object there, as `PutObject` does.
    pub(crate) fn put(&mut self, bucket: &str, key: String, body: Vec<u8>, now: Instant) -> Result<(), S3Error> {
        let objects = self.buckets.get_mut(bucket).ok_or_else(|| S3Error::NoSuchBucket(bucket.into()))?;
        objects.insert(key, S3Object { body, last_modified: now });
        Ok(())
    }

    /// Nothing was modified after `now`.
    pub(crate) fn check_invariants(&self, now: Instant) -> Result<(), String> {
        for (bucket, objects) in &self.buckets {
            if let Some((key, _)) = objects.iter().find(|(_, object)| object.last_modified > now) {
                return Err(alloc::format!("object s3://{bucket}/{key} was written after the clock"));
            }
        }
        Ok(())
    }
}

/// The bucket name in `arn:aws:s3:::NAME`, if `arn` is one.
pub fn bucket_of_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:aws:s3:::").filter(|name| !name.is_empty() && !name.contains('/'))
}

/// Error of the object store's operations, named after S3's error codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum S3Error {
    /// The bucket does not exist.
    NoSuchBucket(String),
    /// The bucket has no object with this key.
    NoSuchKey(String),
    /// `CreateBucket` for a bucket the account already has.
    BucketAlreadyOwnedByYou(String),
    /// A bucket name outside S3's rules (3–63 lowercase letters, digits, `.` and `-`).
    InvalidBucketName(String),
}

impl S3Error {
    /// The S3 error code.
    pub fn code(&self) -> &'static str {
        match self {
            S3Error::NoSuchBucket(_) => "NoSuchBucket",
            S3Error::NoSuchKey(_) => "NoSuchKey",
            S3Error::BucketAlreadyOwnedByYou(_) => "BucketAlreadyOwnedByYou",
            S3Error::InvalidBucketName(_) => "InvalidBucketName",
        }
    }
}

impl fmt::Display for S3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // S3's own messages, which name the resource in a separate field; here it follows.
        match self {
            S3Error::NoSuchBucket(name) => write!(f, "The specified bucket does not exist: {name}"),
            S3Error::NoSuchKey(key) => write!(f, "The specified key does not exist: {key}"),
            S3Error::BucketAlreadyOwnedByYou(name) => {
                write!(f, "Your previous request to create the named bucket succeeded and you already own it: {name}")
            }
            S3Error::InvalidBucketName(name) => write!(f, "The specified bucket is not valid: {name}"),
        }
    }
}

impl core::error::Error for S3Error {}

/// S3's general-purpose bucket naming rules, without the rules about IP
/// addresses and reserved prefixes.
fn is_valid_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

// Documented where the simulation offers them, in `sim_s3.rs`.
impl ObjectStore {
    pub(crate) fn create_bucket(&mut self, bucket: &str) -> Result<(), S3Error> {
        if !is_valid_bucket_name(bucket) {
            return Err(S3Error::InvalidBucketName(bucket.into()));
        }
        if self.has_bucket(bucket) {
            return Err(S3Error::BucketAlreadyOwnedByYou(bucket.into()));
        }
        self.buckets.insert(bucket.into(), BTreeMap::new());
        Ok(())
    }

    pub(crate) fn buckets(&self) -> Vec<String> {
        self.buckets.keys().cloned().collect()
    }

    pub(crate) fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectSummary>, S3Error> {
        let objects = self.buckets.get(bucket).ok_or_else(|| S3Error::NoSuchBucket(bucket.into()))?;
        Ok(objects
            .range::<str, _>((core::ops::Bound::Included(prefix), core::ops::Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, object)| ObjectSummary {
                key: key.clone(),
                size: object.body.len() as u64,
                last_modified: object.last_modified,
            })
            .collect())
    }

    pub(crate) fn get_object(&self, bucket: &str, key: &str) -> Result<&S3Object, S3Error> {
        let objects = self.buckets.get(bucket).ok_or_else(|| S3Error::NoSuchBucket(bucket.into()))?;
        objects.get(key).ok_or_else(|| S3Error::NoSuchKey(key.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Simulation;

    #[track_caller]
    fn check_bucket_name(name: &str, valid: bool) {
        assert_eq!(is_valid_bucket_name(name), valid, "{name}");
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        check_bucket_name("logs", true);
        check_bucket_name("my.logs-2026", true);
        check_bucket_name("ab", false);
        check_bucket_name("Logs", false);
        check_bucket_name("-logs", false);
        check_bucket_name("logs_", false);
    }

    #[test]
    fn lists_by_prefix_in_key_order_and_opens_objects() {
        let mut sim = Simulation::new();
        sim.s3_create_bucket("logs").unwrap();
        assert_eq!(sim.s3_create_bucket("logs"), Err(S3Error::BucketAlreadyOwnedByYou("logs".into())));
        let now = sim.now();
        for key in ["b/2", "a/1", "b/1", "c"] {
            sim.s3.put("logs", key.into(), key.as_bytes().to_vec(), now).unwrap();
        }
        let keys: Vec<String> = sim.s3_list_objects("logs", "b/").unwrap().into_iter().map(|o| o.key).collect();
        assert_eq!(keys, ["b/1", "b/2"]);
        assert_eq!(sim.s3_list_objects("logs", "").unwrap().len(), 4);
        assert_eq!(sim.s3_get_object("logs", "a/1").unwrap().body, b"a/1");
        assert_eq!(sim.s3_get_object("logs", "a/2"), Err(S3Error::NoSuchKey("a/2".into())));
        assert_eq!(sim.s3_list_objects("nope", ""), Err(S3Error::NoSuchBucket("nope".into())));
    }
}
