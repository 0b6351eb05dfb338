//! Security: encryption at rest (`StartStreamEncryption`,
//! `StopStreamEncryption`) and identity policies checked on every call.
//!
//! The account's root user, the default caller, may do anything, as in AWS.
//! [`Simulation::set_caller`] switches to an IAM principal, after which every
//! operation is evaluated against the policies attached to it: default deny,
//! an explicit `Deny` wins, wildcards in actions and resources.

use crate::error::{EncryptionError, NotFound, Validator};
use crate::kinesis::stream::{Change, Record, StreamStatus};
use crate::kinesis::{Call, Kinesis};
use crate::kms::{self, EncryptionType, KeyId, KmsError};
use crate::limits::ENCRYPTION_CHANGE_DELAY;
use crate::validate;

// Documented where the simulation offers them, in `sim_kinesis.rs`.
impl Kinesis {
    pub(crate) fn start_stream_encryption(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        encryption_type: EncryptionType,
        key_id: &str,
    ) -> Result<(), EncryptionError> {
        cx.authorize_on_stream("kinesis:StartStreamEncryption", stream_name).map_err(EncryptionError::AccessDenied)?;
        let key = kms::check_start_stream_encryption(encryption_type, key_id).map_err(|err| match err {
            KmsError::KmsNotFound(invalid) => EncryptionError::KmsNotFound(invalid),
            KmsError::Validation(violations) => EncryptionError::Validation(violations),
        })?;
        self.begin_encryption_change(cx, stream_name, Some(key))
    }

    pub(crate) fn stop_stream_encryption(&mut self, cx: Call<'_>, stream_name: &str) -> Result<(), EncryptionError> {
        cx.authorize_on_stream("kinesis:StopStreamEncryption", stream_name).map_err(EncryptionError::AccessDenied)?;
        self.begin_encryption_change(cx, stream_name, None)
    }

    fn begin_encryption_change(
        &mut self,
        cx: Call<'_>,
        stream_name: &str,
        key: Option<KeyId>,
    ) -> Result<(), EncryptionError> {
        let mut v = Validator::default();
        validate::stream_name(&mut v, stream_name);
        v.finish().map_err(EncryptionError::Validation)?;
        let stream = self
            .streams
            .get_mut(stream_name)
            .ok_or_else(|| EncryptionError::ResourceNotFound(NotFound::Stream(stream_name.into())))?;
        if stream.status != StreamStatus::Active {
            return Err(EncryptionError::ResourceInUse(crate::error::not_active(stream_name, stream.status)));
        }
        stream.begin(cx.now, Change::SetEncryption(key), ENCRYPTION_CHANGE_DELAY);
        Ok(())
    }

    pub(crate) fn plaintext(&self, stream_name: &str, record: &Record) -> Record {
        let keys = self.streams.get(stream_name).map(|s| s.keys.as_slice()).unwrap_or_default();
        crate::kinesis::ops_records::plaintext(record, keys)
    }
}
