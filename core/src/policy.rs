//! IAM identity-based policies, checked on every Kinesis call.
//!
//! A learner attaches policies to the simulated caller and watches requests
//! succeed or fail with the `AccessDeniedException` text AWS would return.
//! The types serialize to and from IAM's JSON policy grammar, so a policy
//! pasted from the AWS console or documentation parses as it is:
//!
//! ```json
//! {"Version": "2012-10-17",
//!  "Statement": [{"Sid": "Write", "Effect": "Allow",
//!                 "Action": ["kinesis:PutRecord", "kinesis:PutRecords"],
//!                 "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/orders"}]}
//! ```
//!
//! What is modelled is the core of IAM's evaluation logic for requests within
//! one account: access is denied by default, an `Allow` statement that matches
//! both the action and the resource grants it, and a matching `Deny` statement
//! wins over every `Allow` ([IAM User Guide, "The difference between explicit
//! and implicit denies"][denies]). `Action` and `Resource` accept a string or
//! an array, and their patterns use IAM's wildcards: `*` for any run of
//! characters, `?` for exactly one. Actions match case-insensitively,
//! resources case-sensitively ([IAM JSON policy elements: Action and
//! Resource][elements]).
//!
//! Left out: `NotAction`, `NotResource`, `Principal` and `Condition`, resource
//! policies, permission boundaries, session policies and SCPs. A statement
//! that uses one of those elements fails to deserialize (it names the unknown
//! field) rather than being silently read as something broader.
//!
//! [denies]: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
//! [elements]: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ACCOUNT_ID;

// The region and stream ARNs are the crate's own, re-exported here because
// policies are where learners write them: one definition, two doors.
pub use crate::{REGION, stream_arn};

/// An identity-based policy document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policy {
    /// The policy language version, `"2012-10-17"` in every current policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// An optional identifier for the whole document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The statements, evaluated together. IAM accepts a single statement
    /// object in place of an array, and so does this type.
    #[serde(deserialize_with = "one_or_many")]
    pub statement: Vec<Statement>,
}

/// One `Allow` or `Deny` rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Statement {
    /// An optional statement id, shown to learners to say which rule applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Whether a match grants or forbids the request.
    pub effect: Effect,
    /// Action patterns such as `kinesis:PutRecord` or `kinesis:Get*`.
    #[serde(deserialize_with = "one_or_many", serialize_with = "string_or_array")]
    pub action: Vec<String>,
    /// Resource patterns: stream ARNs, possibly with wildcards, or `*`.
    #[serde(deserialize_with = "one_or_many", serialize_with = "string_or_array")]
    pub resource: Vec<String>,
}

/// A statement's `Effect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Grants the matching requests, unless some statement denies them.
    Allow,
    /// Forbids the matching requests, whatever else allows them.
    Deny,
}

impl Policy {
    /// A policy of one statement in the current policy language version
    /// (`2012-10-17`): the shape most lesson and learner policies take.
    pub fn single(effect: Effect, actions: &[&str], resources: &[&str]) -> Policy {
        let statement = Statement {
            sid: None,
            effect,
            action: actions.iter().map(|a| String::from(*a)).collect(),
            resource: resources.iter().map(|r| String::from(*r)).collect(),
        };
        Policy { version: Some("2012-10-17".into()), id: None, statement: vec![statement] }
    }
}

impl Statement {
    /// Whether this statement applies to `action` on `resource`.
    pub fn matches(&self, action: &str, resource: &str) -> bool {
        let action_matches = self.action.iter().any(|p| wildcard_match(p, action, char::eq_ignore_ascii_case));
        action_matches && self.resource.iter().any(|p| wildcard_match(p, resource, |a, b| a == b))
    }
}

/// The outcome of evaluating a request against a set of policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Some statement allows the request and none denies it.
    Allow,
    /// A `Deny` statement matches the request.
    ExplicitDeny,
    /// No statement matches the request, so the default deny applies.
    ImplicitDeny,
}

/// Evaluates `action` on `resource` against every statement of every policy.
///
/// Order does not matter: any matching `Deny` gives
/// [`Decision::ExplicitDeny`]; otherwise any matching `Allow` gives
/// [`Decision::Allow`]; otherwise the answer is [`Decision::ImplicitDeny`].
pub fn evaluate(policies: &[Policy], action: &str, resource: &str) -> Decision {
    let mut allowed = false;
    for statement in policies.iter().flat_map(|p| &p.statement) {
        if statement.matches(action, resource) {
            match statement.effect {
                Effect::Deny => return Decision::ExplicitDeny,
                Effect::Allow => allowed = true,
            }
        }
    }
    if allowed { Decision::Allow } else { Decision::ImplicitDeny }
}

/// Evaluates the request and, when it is denied, says so in AWS's words.
pub fn authorize(policies: &[Policy], principal: &Principal, action: &str, resource: &str) -> Result<(), AccessDenied> {
    let explicit = match evaluate(policies, action, resource) {
        Decision::Allow => return Ok(()),
        Decision::ExplicitDeny => true,
        Decision::ImplicitDeny => false,
    };
    Err(AccessDenied { principal: principal.clone(), action: action.into(), resource: resource.into(), explicit })
}

/// Identity policies by the principal they are attached to.
pub(crate) type Policies = BTreeMap<Principal, Vec<Policy>>;

/// Who makes a call, and the policies that decide what they may do: passed
/// to every operation that IAM guards, never read from ambient state, so a
/// Lambda mapping or a Firehose reader calls as its own role without
/// swapping anyone else's identity out and back.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caller<'a> {
    /// `None` is the account's root user, who may do anything.
    principal: Option<&'a Principal>,
    policies: &'a [Policy],
}

impl<'a> Caller<'a> {
    /// The account's root user.
    pub(crate) const ROOT: Caller<'static> = Caller { principal: None, policies: &[] };

    /// `principal` (or the root user with `None`), judged by the policies
    /// attached to it in `policies`.
    pub(crate) fn of(principal: Option<&'a Principal>, policies: &'a Policies) -> Caller<'a> {
        let attached = principal.and_then(|p| policies.get(p)).map(Vec::as_slice).unwrap_or_default();
        Caller { principal, policies: attached }
    }

    /// Whether this is the account's root user, whom no policy limits.
    pub(crate) fn is_account(&self) -> bool {
        self.principal.is_none()
    }

    /// Checks that the caller may perform `action` on `resource`.
    pub(crate) fn authorize(&self, action: &str, resource: &str) -> Result<(), AccessDenied> {
        match self.principal {
            None => Ok(()),
            Some(principal) => authorize(self.policies, principal, action, resource),
        }
    }
}

/// The identity making a request, named by its ARN.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Principal {
    arn: String,
}

impl Principal {
    /// The IAM user `name`: `arn:aws:iam::123456789012:user/NAME`.
    pub fn user(name: &str) -> Principal {
        Principal { arn: format!("arn:aws:iam::{ACCOUNT_ID}:user/{name}") }
    }

    /// A session of the IAM role `role`:
    /// `arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`.
    ///
    /// A role never calls Kinesis itself; whoever assumes it gets a session,
    /// and that session's ARN is the one AWS names in access-denied messages.
    pub fn assumed_role(role: &str, session: &str) -> Principal {
        Principal { arn: format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{session}") }
    }

    /// The principal an ARN names, if it is an IAM user
    /// (`arn:aws:iam::123456789012:user/NAME`, possibly with a path before
    /// the name) or a role session
    /// (`arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`) of the
    /// simulated account.
    pub fn from_arn(arn: &str) -> Option<Principal> {
        // Each part between slashes is non-empty and has no white space.
        let parts_ok = |path: &str| path.split('/').all(|part| !part.is_empty() && !part.contains(char::is_whitespace));
        if let Some(user) = arn.strip_prefix(&format!("arn:aws:iam::{ACCOUNT_ID}:user/")) {
            return parts_ok(user).then(|| Principal::user(user));
        }
        let (role, session) = arn.strip_prefix(&format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/"))?.split_once('/')?;
        (parts_ok(role) && parts_ok(session) && !session.contains('/')).then(|| Principal::assumed_role(role, session))
    }

    /// The principal's ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

/// A denied request (`AccessDeniedException`).
///
/// `Display` gives the message in the form the IAM User Guide documents for
/// identity-based policies ([Troubleshoot access denied error messages][ts]):
///
/// - implicit: `User: ARN is not authorized to perform: ACTION on resource:
///   RESOURCE because no identity-based policy allows the ACTION action`
/// - explicit: `User: ARN is not authorized to perform: ACTION on resource:
///   RESOURCE with an explicit deny in an identity-based policy`
///
/// AWS has begun appending the denying policy's ARN and an authorization id
/// to explicit denies for some callers; the simulation keeps the plain form
/// because its policies have no ARNs.
///
/// [ts]: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessDenied {
    /// Who made the request.
    pub principal: Principal,
    /// The action asked for, as the service names it (`kinesis:PutRecord`).
    pub action: String,
    /// The ARN of the resource acted on.
    pub resource: String,
    /// `true` when a `Deny` statement matched; `false` when nothing allowed the request.
    pub explicit: bool,
}

impl AccessDenied {
    /// The AWS exception name.
    pub fn code(&self) -> &'static str {
        "AccessDeniedException"
    }
}

impl fmt::Display for AccessDenied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let AccessDenied { principal, action, resource, explicit } = self;
        write!(f, "User: {principal} is not authorized to perform: {action} on resource: {resource} ")?;
        if *explicit {
            f.write_str("with an explicit deny in an identity-based policy")
        } else {
            write!(f, "because no identity-based policy allows the {action} action")
        }
    }
}

impl core::error::Error for AccessDenied {}

/// Whether `text` matches `pattern`, where `*` matches any run of characters
/// (including none) and `?` exactly one, comparing other characters with `eq`.
///
/// Greedy matching with one backtrack point: on a mismatch after a `*`, the
/// star takes one more character and matching resumes. This is linear in
/// practice and never exponential, unlike naive recursion over many stars.
fn wildcard_match(pattern: &str, text: &str, eq: impl Fn(&char, &char) -> bool) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // The pattern index just after the last `*` seen, and the text index that star matches up to.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                backtrack = Some((p + 1, t));
                p += 1;
            }
            Some(c) if *c == '?' || eq(c, &text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((after_star, star_end)) => {
                    backtrack = Some((after_star, star_end + 1));
                    p = after_star;
                    t = star_end + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Deserializes a value or an array of values, as IAM allows for
/// `Statement`, `Action` and `Resource`.
///
/// A hand-written visitor rather than an untagged enum, so that an error
/// inside a statement (an unsupported `Condition`, say) is reported as such
/// instead of as "did not match any variant".
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OneOrMany<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a value or an array of values")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|one| vec![one])
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
            Vec::deserialize(SeqAccessDeserializer::new(seq))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(|one| vec![one])
        }
    }

    deserializer.deserialize_any(OneOrMany(PhantomData))
}

/// Serializes one pattern as a bare string and several as an array, the way
/// policies are usually written.
fn string_or_array<S: Serializer>(values: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    match values {
        [one] => serializer.serialize_str(one),
        many => many.serialize(serializer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn allow(actions: &[&str], resources: &[&str]) -> Policy {
        Policy::single(Effect::Allow, actions, resources)
    }

    fn deny(actions: &[&str], resources: &[&str]) -> Policy {
        Policy::single(Effect::Deny, actions, resources)
    }

    #[track_caller]
    fn check(policies: &[Policy], action: &str, stream: &str, expected: Decision) {
        assert_eq!(evaluate(policies, action, &stream_arn(stream)), expected, "action={action} stream={stream}");
    }

    #[track_caller]
    fn check_match(pattern: &str, text: &str, expected: bool) {
        assert_eq!(wildcard_match(pattern, text, |a, b| a == b), expected, "pattern={pattern:?} text={text:?}");
    }

    #[test]
    fn stream_arn_names_region_and_account() {
        assert_eq!(stream_arn("orders"), "arn:aws:kinesis:us-east-1:123456789012:stream/orders");
    }

    #[test]
    fn wildcards_match_like_iam() {
        check_match("*", "", true);
        check_match("*", "anything:at/all", true);
        check_match("", "", true);
        check_match("", "a", false);
        check_match("a", "a", true);
        check_match("a", "ab", false);
        check_match("ab", "a", false);
        check_match("?", "a", true);
        check_match("?", "", false);
        check_match("?", "ab", false);
        check_match("a?c", "abc", true);
        check_match("a?c", "ac", false);
        check_match("a*", "a", true);
        check_match("*c", "abc", true);
        check_match("*c", "abd", false);
        check_match("a*b*c", "axxbyyc", true);
        check_match("a*b*c", "axxbyy", false);
        check_match("a*c", "abcbc", true);
        check_match("**", "x", true);
        check_match("*?", "", false);
        // `?` is one character, not one byte.
        check_match("stream/?", "stream/é", true);
        // Many stars against a long non-matching text stay fast.
        check_match("*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false);
    }

    #[test]
    fn action_patterns() {
        let orders = "orders";
        check(&[allow(&["*"], &["*"])], "kinesis:PutRecord", orders, Decision::Allow);
        check(&[allow(&["kinesis:*"], &["*"])], "kinesis:PutRecord", orders, Decision::Allow);
        check(&[allow(&["kinesis:*"], &["*"])], "firehose:PutRecord", orders, Decision::ImplicitDeny);
        check(&[allow(&["kinesis:Get*"], &["*"])], "kinesis:GetRecords", orders, Decision::Allow);
        check(&[allow(&["kinesis:Get*"], &["*"])], "kinesis:GetShardIterator", orders, Decision::Allow);
        check(&[allow(&["kinesis:Get*"], &["*"])], "kinesis:PutRecord", orders, Decision::ImplicitDeny);
        check(&[allow(&["kinesis:PutRecord?"], &["*"])], "kinesis:PutRecords", orders, Decision::Allow);
        check(&[allow(&["kinesis:PutRecord?"], &["*"])], "kinesis:PutRecord", orders, Decision::ImplicitDeny);
        // A prefix without a wildcard is not a prefix match.
        check(&[allow(&["kinesis:PutRecord"], &["*"])], "kinesis:PutRecords", orders, Decision::ImplicitDeny);
        // Action names are case-insensitive, in the pattern and in the request.
        check(&[allow(&["KINESIS:putrecord"], &["*"])], "kinesis:PutRecord", orders, Decision::Allow);
        check(&[allow(&["kinesis:get*"], &["*"])], "Kinesis:GetRecords", orders, Decision::Allow);
        // Any one of several actions is enough.
        check(
            &[allow(&["kinesis:DescribeStream", "kinesis:PutRecord"], &["*"])],
            "kinesis:PutRecord",
            orders,
            Decision::Allow,
        );
    }

    #[test]
    fn resource_patterns() {
        let orders_arn = stream_arn("orders");
        check(&[allow(&["kinesis:PutRecord"], &[&orders_arn])], "kinesis:PutRecord", "orders", Decision::Allow);
        check(
            &[allow(&["kinesis:PutRecord"], &[&orders_arn])],
            "kinesis:PutRecord",
            "payments",
            Decision::ImplicitDeny,
        );
        let prefixed = "arn:aws:kinesis:us-east-1:123456789012:stream/orders-*";
        check(&[allow(&["kinesis:PutRecord"], &[prefixed])], "kinesis:PutRecord", "orders-eu", Decision::Allow);
        check(&[allow(&["kinesis:PutRecord"], &[prefixed])], "kinesis:PutRecord", "orders", Decision::ImplicitDeny);
        let one_char = "arn:aws:kinesis:us-east-1:123456789012:stream/shard?";
        check(&[allow(&["kinesis:PutRecord"], &[one_char])], "kinesis:PutRecord", "shard7", Decision::Allow);
        check(&[allow(&["kinesis:PutRecord"], &[one_char])], "kinesis:PutRecord", "shard10", Decision::ImplicitDeny);
        // A wildcard may stand for whole ARN segments.
        let any_region = "arn:aws:kinesis:*:123456789012:stream/*";
        check(&[allow(&["kinesis:PutRecord"], &[any_region])], "kinesis:PutRecord", "orders", Decision::Allow);
        // Resources are case-sensitive, unlike actions.
        let upper = "arn:aws:kinesis:us-east-1:123456789012:stream/Orders";
        check(&[allow(&["kinesis:PutRecord"], &[upper])], "kinesis:PutRecord", "orders", Decision::ImplicitDeny);
        // Another account's stream is another resource.
        let other_account = "arn:aws:kinesis:us-east-1:999999999999:stream/orders";
        check(
            &[allow(&["kinesis:PutRecord"], &[other_account])],
            "kinesis:PutRecord",
            "orders",
            Decision::ImplicitDeny,
        );
    }

    #[test]
    fn nothing_is_allowed_by_default() {
        check(&[], "kinesis:PutRecord", "orders", Decision::ImplicitDeny);
        let empty = Policy { version: None, id: None, statement: vec![] };
        check(&[empty], "kinesis:PutRecord", "orders", Decision::ImplicitDeny);
        // A statement needs both its action and its resource to match.
        check(&[allow(&["kinesis:GetRecords"], &["*"])], "kinesis:PutRecord", "orders", Decision::ImplicitDeny);
    }

    #[test]
    fn an_explicit_deny_beats_any_allow() {
        let everything = allow(&["*"], &["*"]);
        let no_writes = deny(&["kinesis:Put*"], &["*"]);
        check(&[everything.clone(), no_writes.clone()], "kinesis:PutRecord", "orders", Decision::ExplicitDeny);
        // Order does not matter.
        check(&[no_writes.clone(), everything.clone()], "kinesis:PutRecords", "orders", Decision::ExplicitDeny);
        check(&[no_writes.clone(), everything.clone()], "kinesis:GetRecords", "orders", Decision::Allow);
        // A deny with nothing allowed is still reported as explicit.
        check(&[no_writes], "kinesis:PutRecord", "orders", Decision::ExplicitDeny);
        // Allow and deny statements in one policy behave the same way.
        let mut mixed = allow(&["kinesis:*"], &["*"]);
        mixed.statement.extend(deny(&["kinesis:DeleteStream"], &[&stream_arn("orders")]).statement);
        check(core::slice::from_ref(&mixed), "kinesis:DeleteStream", "orders", Decision::ExplicitDeny);
        check(core::slice::from_ref(&mixed), "kinesis:DeleteStream", "payments", Decision::Allow);
    }

    #[test]
    fn allows_add_up_across_policies() {
        let reader = allow(&["kinesis:GetRecords", "kinesis:GetShardIterator"], &["*"]);
        let writer = allow(&["kinesis:PutRecord"], &[&stream_arn("orders")]);
        let both = [reader, writer];
        check(&both, "kinesis:GetRecords", "payments", Decision::Allow);
        check(&both, "kinesis:PutRecord", "orders", Decision::Allow);
        check(&both, "kinesis:PutRecord", "payments", Decision::ImplicitDeny);
    }

    #[test]
    fn principals_parse_from_their_arns() {
        for (arn, expected) in [
            ("arn:aws:iam::123456789012:user/alice", Some(Principal::user("alice"))),
            ("arn:aws:iam::123456789012:user/ops/alice", Some(Principal::user("ops/alice"))),
            (
                "arn:aws:sts::123456789012:assumed-role/reader/lesson-3",
                Some(Principal::assumed_role("reader", "lesson-3")),
            ),
            ("arn:aws:iam::123456789012:user/", None),
            ("arn:aws:iam::123456789012:user/al ice", None),
            ("arn:aws:iam::210987654321:user/alice", None),
            ("arn:aws:iam::123456789012:role/reader", None),
            ("arn:aws:sts::123456789012:assumed-role/reader", None),
            ("arn:aws:sts::123456789012:assumed-role/reader/a/b", None),
            ("alice", None),
        ] {
            assert_eq!(Principal::from_arn(arn), expected, "{arn}");
        }
    }

    #[test]
    fn access_denied_messages_match_aws() {
        let alice = Principal::user("alice");
        let orders = stream_arn("orders");
        let implicit = authorize(&[], &alice, "kinesis:PutRecord", &orders).unwrap_err();
        assert_eq!(implicit.code(), "AccessDeniedException");
        assert_eq!(
            implicit.to_string(),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: kinesis:PutRecord \
             on resource: arn:aws:kinesis:us-east-1:123456789012:stream/orders \
             because no identity-based policy allows the kinesis:PutRecord action"
        );

        let session = Principal::assumed_role("reader", "lesson-3");
        let explicit = authorize(&[deny(&["kinesis:*"], &["*"])], &session, "kinesis:GetRecords", &orders).unwrap_err();
        assert!(explicit.explicit);
        assert_eq!(
            explicit.to_string(),
            "User: arn:aws:sts::123456789012:assumed-role/reader/lesson-3 is not authorized to perform: \
             kinesis:GetRecords on resource: arn:aws:kinesis:us-east-1:123456789012:stream/orders \
             with an explicit deny in an identity-based policy"
        );

        assert_eq!(authorize(&[allow(&["kinesis:*"], &["*"])], &alice, "kinesis:PutRecord", &orders), Ok(()));
    }
}
