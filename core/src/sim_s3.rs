//! The S3-like object store as the simulation offers it. The store itself
//! is a service of its own (`s3.rs`).

use alloc::string::String;
use alloc::vec::Vec;

use crate::s3::{ObjectSummary, S3Error, S3Object};
use crate::sim::Simulation;

impl Simulation {
    /// `CreateBucket`: an empty bucket.
    pub fn s3_create_bucket(&mut self, bucket: &str) -> Result<(), S3Error> {
        self.s3.create_bucket(bucket)
    }

    /// Every bucket name, in order.
    pub fn s3_buckets(&self) -> Vec<String> {
        self.s3.buckets()
    }

    /// `ListObjectsV2` without paging: every object whose key starts with
    /// `prefix`, in key order.
    pub fn s3_list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectSummary>, S3Error> {
        self.s3.list_objects(bucket, prefix)
    }

    /// `GetObject`: the whole object.
    pub fn s3_get_object(&self, bucket: &str, key: &str) -> Result<&S3Object, S3Error> {
        self.s3.get_object(bucket, key)
    }
}
