//! Server-side encryption as a learner observes it.
//!
//! **This is a teaching model, not cryptography.** Nothing here protects
//! data. The "cipher" is a keystream of MD5 digests in counter mode, keyed by
//! the KMS key id *string*, which is public; anyone can reverse it. It exists
//! so the UI can show what real Kinesis server-side encryption looks like
//! from the outside:
//!
//! - `StartStreamEncryption` takes `EncryptionType: KMS` and a `KeyId` in one
//!   of the forms AWS accepts, and the stream then reports `EncryptionType:
//!   KMS` and the `KeyId`;
//! - records written afterwards are stored as ciphertext ("at rest"), which
//!   differs per record and per key;
//! - consumers read plaintext, because Kinesis decrypts on the way out.
//!
//! The accepted `KeyId` forms are those the [`StartStreamEncryption` API
//! reference][api] lists: a key ARN, an alias ARN, a globally unique key id
//! (a UUID) or an alias name beginning `alias/`, such as the AWS-managed
//! `alias/aws/kinesis`. Every well-formed id is treated as an existing,
//! enabled key.
//!
//! Left out: KMS itself (keys that do not exist, disabled keys, key policies,
//! grants, `KMSAccessDenied`, throttling), data keys and key rotation, the
//! limit of 25 key changes per rolling 24 hours, and the seconds during which
//! a stream is `UPDATING` after the call.
//!
//! [api]: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StartStreamEncryption.html

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::error::{ValidationError, Violation};

/// The longest `KeyId` the API accepts, in characters.
pub const MAX_KEY_ID_LEN: usize = 2048;

/// A stream's `EncryptionType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EncryptionType {
    /// Records are stored as written.
    #[default]
    #[serde(rename = "NONE")]
    None,
    /// Records are encrypted at rest with a KMS key.
    #[serde(rename = "KMS")]
    Kms,
}

impl EncryptionType {
    /// The AWS wire name: `NONE` or `KMS`.
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionType::None => "NONE",
            EncryptionType::Kms => "KMS",
        }
    }
}

impl fmt::Display for EncryptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of the accepted forms a [`KeyId`] takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyIdForm {
    /// `arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012`.
    KeyArn,
    /// `arn:aws:kms:us-east-1:123456789012:alias/MyAliasName`.
    AliasArn,
    /// `12345678-1234-1234-1234-123456789012`.
    KeyUuid,
    /// `alias/MyAliasName`, including the AWS-managed `alias/aws/kinesis`.
    AliasName,
}

/// A well-formed KMS key identifier, kept exactly as the caller wrote it
/// (Kinesis echoes the `KeyId` it was given).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId {
    // Invariant: `id` has the shape `form` describes.
    id: String,
    form: KeyIdForm,
}

impl KeyId {
    /// The key Kinesis manages on the account's behalf.
    pub const AWS_MANAGED: &'static str = "alias/aws/kinesis";

    /// Checks that `key_id` is one of the forms `StartStreamEncryption` accepts.
    pub fn parse(key_id: &str) -> Result<KeyId, KmsError> {
        let len = key_id.chars().count();
        if len == 0 || len > MAX_KEY_ID_LEN {
            let constraint = if len == 0 {
                "Member must have length greater than or equal to 1".into()
            } else {
                alloc::format!("Member must have length less than or equal to {MAX_KEY_ID_LEN}")
            };
            return Err(KmsError::Validation(ValidationError::one("keyId", key_id.into(), constraint)));
        }
        let form = key_id_form(key_id).ok_or_else(|| KmsError::KmsNotFound(InvalidKeyId(key_id.into())))?;
        Ok(KeyId { id: key_id.into(), form })
    }

    /// The id as given.
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// Which form the id takes.
    pub fn form(&self) -> KeyIdForm {
        self.form
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl TryFrom<String> for KeyId {
    type Error = KmsError;
    fn try_from(id: String) -> Result<KeyId, KmsError> {
        KeyId::parse(&id)
    }
}

impl From<KeyId> for String {
    fn from(key: KeyId) -> String {
        key.id
    }
}

/// Checks the arguments of `StartStreamEncryption`: `KMS` is the only
/// `EncryptionType` it accepts, and the `KeyId` must be well formed. Every
/// violated length or enum constraint is reported together, as AWS does.
pub fn check_start_stream_encryption(encryption_type: EncryptionType, key_id: &str) -> Result<KeyId, KmsError> {
    let mut violations = Vec::new();
    if encryption_type != EncryptionType::Kms {
        violations.push(Violation {
            member: "encryptionType".into(),
            value: encryption_type.as_str().into(),
            constraint: "Member must satisfy enum value set: [KMS]".into(),
        });
    }
    // Request validation comes before KMS is asked about the key.
    match (KeyId::parse(key_id), violations.is_empty()) {
        (Ok(key), true) => Ok(key),
        (Err(KmsError::Validation(ValidationError(more))), _) => {
            violations.extend(more);
            Err(KmsError::Validation(ValidationError(violations)))
        }
        (Err(not_found), true) => Err(not_found),
        (_, false) => Err(KmsError::Validation(ValidationError(violations))),
    }
}

/// Error returned by [`KeyId::parse`] and [`check_start_stream_encryption`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KmsError {
    /// The key id is not in any form KMS recognizes, so KMS cannot find it.
    KmsNotFound(InvalidKeyId),
    /// A length or enum constraint of the request is broken.
    Validation(ValidationError),
}

impl KmsError {
    /// The AWS exception name.
    pub fn code(&self) -> &'static str {
        match self {
            KmsError::KmsNotFound(_) => "KMSNotFoundException",
            KmsError::Validation(_) => "ValidationException",
        }
    }
}

impl fmt::Display for KmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KmsError::KmsNotFound(inner) => fmt::Display::fmt(inner, f),
            KmsError::Validation(inner) => fmt::Display::fmt(inner, f),
        }
    }
}

impl core::error::Error for KmsError {}

/// A key id KMS cannot resolve.
///
/// The message is KMS's own wording for an unrecognizable key id
/// (`Invalid keyId …`), which Kinesis passes through as a
/// `KMSNotFoundException`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidKeyId(pub String);

impl fmt::Display for InvalidKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invalid keyId {}", self.0)
    }
}

/// "Encrypts" `plaintext` for storage: XORs it with a keystream derived from
/// the key id and `nonce` (the record's sequence number, say). Not secure;
/// see the module documentation.
pub fn encrypt(key: &KeyId, nonce: &[u8], plaintext: &[u8]) -> Vec<u8> {
    apply_keystream(key, nonce, plaintext)
}

/// Recovers the plaintext [`encrypt`] produced with the same key and nonce.
pub fn decrypt(key: &KeyId, nonce: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    // XOR with the same keystream is its own inverse.
    apply_keystream(key, nonce, ciphertext)
}

/// XORs `data` with blocks `MD5(len(key) ‖ key ‖ len(nonce) ‖ nonce ‖ counter)`,
/// lengths and counter as big-endian `u64`. The length prefixes keep
/// (`"ab"`, `"c"`) and (`"a"`, `"bc"`) from sharing a keystream.
fn apply_keystream(key: &KeyId, nonce: &[u8], data: &[u8]) -> Vec<u8> {
    let mut prefix = Md5::new();
    prefix.update((key.id.len() as u64).to_be_bytes());
    prefix.update(key.id.as_bytes());
    prefix.update((nonce.len() as u64).to_be_bytes());
    prefix.update(nonce);
    let mut out = Vec::with_capacity(data.len());
    for (counter, chunk) in (0u64..).zip(data.chunks(16)) {
        let block: [u8; 16] = prefix.clone().chain_update(counter.to_be_bytes()).finalize().into();
        out.extend(chunk.iter().zip(block).map(|(byte, pad)| byte ^ pad));
    }
    out
}

/// The form of `id`, or `None` if it has none of the accepted shapes.
fn key_id_form(id: &str) -> Option<KeyIdForm> {
    if let Some(rest) = id.strip_prefix("arn:") {
        // arn:PARTITION:kms:REGION:ACCOUNT:key/UUID or …:alias/NAME
        let mut parts = rest.splitn(5, ':');
        let (partition, service, region, account, resource) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let well_formed = matches!(partition, "aws" | "aws-cn" | "aws-us-gov")
            && service == "kms"
            && !region.is_empty()
            && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return None;
        }
        if let Some(uuid) = resource.strip_prefix("key/") {
            is_uuid(uuid).then_some(KeyIdForm::KeyArn)
        } else {
            is_alias_name(resource).then_some(KeyIdForm::AliasArn)
        }
    } else if is_uuid(id) {
        Some(KeyIdForm::KeyUuid)
    } else {
        is_alias_name(id).then_some(KeyIdForm::AliasName)
    }
}

/// `8-4-4-4-12` hex digits, the shape of a KMS key id.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `alias/` and then letters, digits, `/`, `_` or `-`, as KMS's `AliasName`
/// pattern allows, up to its 256-character limit.
fn is_alias_name(s: &str) -> bool {
    s.len() <= 256
        && s.strip_prefix("alias/").is_some_and(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012";
    const ALIAS_ARN: &str = "arn:aws:kms:us-east-1:123456789012:alias/MyAliasName";
    const KEY_UUID: &str = "12345678-1234-1234-1234-123456789012";
    const SEQUENCE: &[u8] = b"49590338271490256608559692538361571095921575989136588898";

    fn key(id: &str) -> KeyId {
        KeyId::parse(id).unwrap()
    }

    #[track_caller]
    fn check_accepted(id: &str, form: KeyIdForm) {
        let key = KeyId::parse(id).unwrap_or_else(|e| panic!("{id:?} rejected: {e}"));
        assert_eq!((key.as_str(), key.form()), (id, form));
    }

    #[track_caller]
    fn check_rejected(id: &str, code: &str, message: &str) {
        let err = KeyId::parse(id).unwrap_err();
        assert_eq!((err.code(), err.to_string().as_str()), (code, message), "id={id:?}");
    }

    #[test]
    fn the_documented_key_id_forms_are_accepted() {
        check_accepted(KEY_ARN, KeyIdForm::KeyArn);
        check_accepted(ALIAS_ARN, KeyIdForm::AliasArn);
        check_accepted(KEY_UUID, KeyIdForm::KeyUuid);
        check_accepted("alias/MyAliasName", KeyIdForm::AliasName);
        check_accepted(KeyId::AWS_MANAGED, KeyIdForm::AliasName);
        check_accepted("arn:aws:kms:eu-west-1:123456789012:alias/aws/kinesis", KeyIdForm::AliasArn);
        check_accepted(
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/ABCDEF01-2345-6789-abcd-ef0123456789",
            KeyIdForm::KeyArn,
        );
    }

    #[test]
    fn other_key_ids_are_rejected() {
        let not_found = "KMSNotFoundException";
        check_rejected("my-key", not_found, "Invalid keyId my-key");
        check_rejected("aws/kinesis", not_found, "Invalid keyId aws/kinesis");
        check_rejected("alias/", not_found, "Invalid keyId alias/");
        check_rejected("alias/has space", not_found, "Invalid keyId alias/has space");
        check_rejected(
            "12345678-1234-1234-1234-12345678901",
            not_found,
            "Invalid keyId 12345678-1234-1234-1234-12345678901",
        );
        check_rejected(
            "12345678-1234-1234-1234-12345678901g",
            not_found,
            "Invalid keyId 12345678-1234-1234-1234-12345678901g",
        );
        let bad_arns = [
            "arn:aws:kms:us-east-1:123456789012:key/not-a-uuid",
            "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
            "arn:aws:kms:us-east-1:12345:alias/short-account",
            "arn:aws:kms::123456789012:alias/no-region",
            "arn:azure:kms:us-east-1:123456789012:alias/x",
            "arn:aws:kms:us-east-1:123456789012:MyAliasName",
            "arn:aws:kms:us-east-1",
        ];
        for arn in bad_arns {
            check_rejected(arn, not_found, &alloc::format!("Invalid keyId {arn}"));
        }
        check_rejected(
            "",
            "ValidationException",
            "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: \
             Member must have length greater than or equal to 1",
        );
        let long = "a".repeat(MAX_KEY_ID_LEN + 1);
        let err = KeyId::parse(&long).unwrap_err();
        assert_eq!(err.code(), "ValidationException");
        assert!(err.to_string().ends_with("Member must have length less than or equal to 2048"), "{err}");
    }

    #[test]
    fn start_stream_encryption_takes_only_kms() {
        assert_eq!(check_start_stream_encryption(EncryptionType::Kms, KeyId::AWS_MANAGED), Ok(key(KeyId::AWS_MANAGED)));
        let none = check_start_stream_encryption(EncryptionType::None, KeyId::AWS_MANAGED).unwrap_err();
        assert_eq!(none.code(), "ValidationException");
        assert_eq!(
            none.to_string(),
            "1 validation error detected: Value 'NONE' at 'encryptionType' failed to satisfy constraint: \
             Member must satisfy enum value set: [KMS]"
        );
        // Constraint violations are reported together.
        let both = check_start_stream_encryption(EncryptionType::None, "").unwrap_err();
        assert!(both.to_string().starts_with("2 validation errors detected: "), "{both}");
        // A malformed key id with a good type is KMS's business, not a validation error.
        assert_eq!(
            check_start_stream_encryption(EncryptionType::Kms, "nope").unwrap_err().code(),
            "KMSNotFoundException"
        );
    }

    #[test]
    fn encryption_type_names() {
        assert_eq!(EncryptionType::default(), EncryptionType::None);
        assert_eq!(EncryptionType::None.to_string(), "NONE");
        assert_eq!(EncryptionType::Kms.as_str(), "KMS");
    }

    #[test]
    fn decrypt_inverts_encrypt() {
        let k = key(KEY_ARN);
        for len in [0, 1, 15, 16, 17, 32, 1000] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let ciphertext = encrypt(&k, SEQUENCE, &plaintext);
            assert_eq!(ciphertext.len(), plaintext.len());
            assert_eq!(decrypt(&k, SEQUENCE, &ciphertext), plaintext, "len={len}");
        }
    }

    #[test]
    fn ciphertext_depends_on_data_key_and_nonce() {
        let plaintext = b"{\"order\": 42, \"total\": 99.5}";
        let managed = key(KeyId::AWS_MANAGED);
        let ciphertext = encrypt(&managed, SEQUENCE, plaintext);
        assert_ne!(ciphertext, plaintext);
        assert_ne!(
            encrypt(&managed, b"49590338271490256608559692538361571095921575989136588899", plaintext),
            ciphertext
        );
        assert_ne!(encrypt(&key(KEY_UUID), SEQUENCE, plaintext), ciphertext);
        // The same inputs always give the same bytes, so snapshots replay exactly.
        assert_eq!(encrypt(&managed, SEQUENCE, plaintext), ciphertext);
    }

    #[test]
    fn keystream_matches_an_independent_md5() {
        // Computed with Python's hashlib from the construction in `apply_keystream`.
        let hex = |bytes: &[u8]| bytes.iter().map(|b| alloc::format!("{b:02x}")).collect::<String>();
        let managed = key(KeyId::AWS_MANAGED);
        assert_eq!(hex(&encrypt(&managed, b"1", b"hello")), "7260294cfc");
        assert_eq!(
            hex(&encrypt(&managed, SEQUENCE, b"hello, kinesis! this is twenty+ bytes")),
            "d6490a7e049500294035639e703b363238bee76465f4bca553c622eede1a108f695a88d8d6"
        );
    }

    #[test]
    fn key_ids_round_trip_through_strings() {
        let k = key(ALIAS_ARN);
        assert_eq!(k.to_string(), ALIAS_ARN);
        assert_eq!(KeyId::try_from(String::from(k.clone())), Ok(k));
        assert!(KeyId::try_from(String::from("nope")).is_err());
    }
}
