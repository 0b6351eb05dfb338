//! Security: encryption at rest (`StartStreamEncryption`,
//! `StopStreamEncryption`) and identity policies checked on every call.
//!
//! The account's root user, the default caller, may do anything, as in AWS.
//! [`Simulation::set_caller`] switches to an IAM principal, after which every
//! operation is evaluated against the policies attached to it: default deny,
//! an explicit `Deny` wins, wildcards in actions and resources.

use alloc::vec::Vec;

use crate::error::{EncryptionError, NotFound, Validator};
use crate::kms::{self, EncryptionType, KeyId, KmsError};
use crate::limits::ENCRYPTION_CHANGE_DELAY;
use crate::policy::{self, AccessDenied, Policy, Principal};
use crate::sim::Simulation;
use crate::stream::{Change, PendingChange, Record, StreamStatus};
use crate::validate;

impl Simulation {
    /// Attaches an identity policy to `principal`.
    pub fn attach_policy(&mut self, principal: &Principal, policy: Policy) {
        self.policies.entry(principal.clone()).or_default().push(policy);
    }

    /// Removes every policy attached to `principal`.
    pub fn detach_policies(&mut self, principal: &Principal) {
        self.policies.remove(principal);
    }

    /// Makes later calls on behalf of `principal`, or of the account's root
    /// user (allowed everything) with `None`.
    pub fn set_caller(&mut self, principal: Option<Principal>) {
        self.caller = principal;
    }

    /// Who calls are made as; `None` is the account's root user.
    pub fn caller(&self) -> Option<&Principal> {
        self.caller.as_ref()
    }

    /// Checks that the caller may perform `action` on `resource`.
    pub(crate) fn authorize(&self, action: &str, resource: &str) -> Result<(), AccessDenied> {
        let Some(principal) = &self.caller else { return Ok(()) };
        let policies = self.policies.get(principal).map(Vec::as_slice).unwrap_or_default();
        policy::authorize(policies, principal, action, resource)
    }

    /// `StartStreamEncryption`: records written once the stream is `ACTIVE`
    /// again are stored encrypted under `key_id`.
    pub fn start_stream_encryption(
        &mut self,
        stream_name: &str,
        encryption_type: EncryptionType,
        key_id: &str,
    ) -> Result<(), EncryptionError> {
        self.authorize("kinesis:StartStreamEncryption", &crate::stream_arn(stream_name))
            .map_err(EncryptionError::AccessDenied)?;
        let key = kms::check_start_stream_encryption(encryption_type, key_id).map_err(|err| match err {
            KmsError::KmsNotFound(invalid) => EncryptionError::KmsNotFound(invalid),
            KmsError::Validation(violations) => EncryptionError::Validation(violations),
        })?;
        self.begin_encryption_change(stream_name, Some(key))
    }

    /// `StopStreamEncryption`: records written from then on are stored in plain.
    pub fn stop_stream_encryption(&mut self, stream_name: &str) -> Result<(), EncryptionError> {
        self.authorize("kinesis:StopStreamEncryption", &crate::stream_arn(stream_name))
            .map_err(EncryptionError::AccessDenied)?;
        self.begin_encryption_change(stream_name, None)
    }

    fn begin_encryption_change(&mut self, stream_name: &str, key: Option<KeyId>) -> Result<(), EncryptionError> {
        let mut v = Validator::default();
        validate::stream_name(&mut v, stream_name);
        v.finish().map_err(EncryptionError::Validation)?;
        let due = self.now + ENCRYPTION_CHANGE_DELAY;
        let stream = self
            .streams
            .get_mut(stream_name)
            .ok_or_else(|| EncryptionError::ResourceNotFound(NotFound::Stream(stream_name.into())))?;
        if stream.status != StreamStatus::Active {
            return Err(EncryptionError::ResourceInUse(crate::error::not_active(stream_name, stream.status)));
        }
        stream.status = StreamStatus::Updating;
        stream.pending = Some(PendingChange { due, change: Change::SetEncryption(key) });
        Ok(())
    }

    /// A record as `GetRecords` would return it: decrypted when it is stored
    /// encrypted. Records from [`Simulation::shard_records`] are as stored.
    pub fn plaintext(&self, stream_name: &str, record: &Record) -> Record {
        let keys = self.streams.get(stream_name).map(|s| s.keys.as_slice()).unwrap_or_default();
        crate::ops_records::plaintext(record, keys)
    }
}
