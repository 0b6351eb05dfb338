//! Security: `StartStreamEncryption` and `StopStreamEncryption`, and the
//! simulation-only targets that set up IAM for the calls that follow.
//!
//! Every call is made as the account's root user, who may do anything,
//! until `Shardlab.SetCaller` names an IAM principal; from then on each
//! Kinesis operation is checked against the identity policies attached to
//! that principal and refused with AWS's `AccessDeniedException` text. The
//! `Shardlab.*` targets themselves are never checked, so a driver can always
//! switch back.
//!
//! | target | body |
//! | --- | --- |
//! | `Shardlab.AttachPolicy` | `{"Principal": ARN, "Policy": {IAM policy document}}` |
//! | `Shardlab.DetachPolicies` | `{"Principal": ARN}`: removes every policy attached to it |
//! | `Shardlab.SetCaller` | `{"Principal": ARN}`, or `{}` for the root user again |
//!
//! A principal is an IAM user (`arn:aws:iam::123456789012:user/NAME`) or a
//! role session (`arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`) of
//! the simulated account. A policy document is IAM's JSON as it is, with the
//! elements [`policy`](crate::policy) models. One that does not parse is an
//! `InvalidArgumentException` carrying the parser's reason (IAM itself would
//! answer `MalformedPolicyDocument`, an exception Kinesis does not have).

use alloc::format;
use alloc::string::String;

use super::Reply;
use super::decode::Decoder;
use super::error::ApiError;
use crate::Simulation;
use crate::kms::EncryptionType;
use crate::policy::{Policy, Principal};

/// `EncryptionType`, in the model's order.
const ENCRYPTION_TYPES: &[(&str, EncryptionType)] = &[("NONE", EncryptionType::None), ("KMS", EncryptionType::Kms)];

/// The members `StartStreamEncryption` and `StopStreamEncryption` share:
/// the stream, `EncryptionType` and `KeyId`, which AWS requires for both.
fn encryption_members(d: &mut Decoder<'_>) -> Result<(String, EncryptionType, String), ApiError> {
    let stream_name = d.stream()?;
    let encryption_type = d.required_enum("EncryptionType", ENCRYPTION_TYPES)?;
    let key_id = d.required("KeyId", Decoder::string)?;
    Ok((stream_name, encryption_type, key_id))
}

pub(super) fn start_stream_encryption(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let (stream_name, encryption_type, key_id) = encryption_members(d)?;
    d.finish()?;
    sim.start_stream_encryption(&stream_name, encryption_type, &key_id)?;
    Ok(None)
}

pub(super) fn stop_stream_encryption(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    // The key and type are required, and then play no part: stopping stops whatever key is in use.
    let (stream_name, ..) = encryption_members(d)?;
    d.finish()?;
    sim.stop_stream_encryption(&stream_name)?;
    Ok(None)
}

/// The principal an ARN names; see the module documentation.
fn principal(arn: &str) -> Result<Principal, ApiError> {
    Principal::from_arn(arn).ok_or_else(|| {
        ApiError::invalid_argument(format!(
            "Principal {arn} is neither an IAM user (arn:aws:iam::{account}:user/NAME) nor a role session (arn:aws:sts::{account}:assumed-role/ROLE/SESSION) of account {account}.",
            account = crate::ACCOUNT_ID
        ))
    })
}

/// `Shardlab.AttachPolicy {"Principal": ARN, "Policy": {…}}`: attaches an
/// identity policy to the principal.
pub(super) fn attach_policy(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let principal_arn = d.required("Principal", Decoder::string)?;
    let document = d.required("Policy", Decoder::document)?;
    d.finish()?;
    let principal = principal(&principal_arn)?;
    let policy: Policy = serde_json::from_value(document)
        .map_err(|err| ApiError::invalid_argument(format!("Policy is not an IAM policy document: {err}")))?;
    sim.attach_policy(&principal, policy);
    Ok(None)
}

/// `Shardlab.DetachPolicies {"Principal": ARN}`: removes every policy
/// attached to the principal.
pub(super) fn detach_policies(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let principal_arn = d.required("Principal", Decoder::string)?;
    d.finish()?;
    sim.detach_policies(&principal(&principal_arn)?);
    Ok(None)
}

/// `Shardlab.SetCaller {"Principal": ARN}`: makes later calls as the
/// principal, or as the account's root user when `Principal` is absent.
pub(super) fn set_caller(sim: &mut Simulation, d: &mut Decoder<'_>) -> Reply {
    let principal_arn = d.string("Principal")?;
    d.finish()?;
    sim.set_caller(principal_arn.as_deref().map(principal).transpose()?);
    Ok(None)
}
