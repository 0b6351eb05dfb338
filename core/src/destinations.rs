//! Where discarded work is sent: the on-failure destinations of Lambda
//! event-source mappings.
//!
//! A destination is an Amazon SQS queue, Amazon SNS topic or Amazon S3
//! bucket named by its ARN. Every message sent to each ARN is kept here, in
//! order, so that a learner (or a test) can read what was sent; a message
//! for an SQS queue that exists in the simulation is also delivered to it,
//! where it can be received like any other (`sqs.rs`), and one for a bucket
//! that exists is written to it as an object. SNS topics are not modelled
//! beyond this record. [`Outbox`] is the one place messages leave.

pub(crate) mod snapshot_v1;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::s3::ObjectStore;
use crate::sqs::Queues;
use crate::time::Instant;

/// The services an on-failure destination of a stream mapping may be: AWS
/// accepts an SQS queue, an SNS topic or an S3 bucket for Kinesis sources
/// (Lambda API, `OnFailure`).
pub(crate) const DESTINATION_SERVICES: [&str; 3] = ["sqs", "sns", "s3"];

/// Messages sent to destinations, by destination ARN, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DestinationStore {
    messages: BTreeMap<String, Vec<String>>,
}

impl DestinationStore {
    /// Every message sent to `arn`, oldest first.
    pub(crate) fn sent_to(&self, arn: &str) -> &[String] {
        self.messages.get(arn).map_or(&[], Vec::as_slice)
    }
}

/// Why a string is not a destination ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadDestination {
    /// Not of the shape `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
    NotAnArn,
    /// An ARN of a service other than SQS, SNS or S3.
    UnsupportedService,
}

/// Checks `arn` is `arn:aws:sqs:REGION:ACCOUNT:NAME`, `arn:aws:sns:REGION:ACCOUNT:NAME`
/// or `arn:aws:s3:::BUCKET` (S3 ARNs have neither region nor account).
pub(crate) fn check_destination_arn(arn: &str) -> Result<(), BadDestination> {
    if crate::s3::bucket_of_arn(arn).is_some() {
        return Ok(());
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, name] = parts[..] else {
        return Err(BadDestination::NotAnArn);
    };
    let is_region = |r: &str| {
        r.split('-').count() >= 3 && r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let shaped = prefix == "arn"
        && partition.starts_with("aws")
        && !service.is_empty()
        && is_region(region)
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty();
    if !shaped {
        return Err(BadDestination::NotAnArn);
    }
    // A bucket's ARN has neither region nor account (checked above).
    if DESTINATION_SERVICES.contains(&service) && service != "s3" {
        Ok(())
    } else {
        Err(BadDestination::UnsupportedService)
    }
}

/// Where an event-source mapping sends what it gives up on, at one moment:
/// the record of every destination's messages, and the queues and buckets
/// the destinations name.
pub(crate) struct Outbox<'a> {
    pub(crate) now: Instant,
    pub(crate) sent: &'a mut DestinationStore,
    pub(crate) sqs: &'a mut Queues,
    pub(crate) s3: &'a mut ObjectStore,
}

impl Outbox<'_> {
    /// Writes `body` to the destination bucket `arn` as object `key`. A
    /// bucket that does not exist loses it, as the mapping's write fails;
    /// the record here still shows it.
    pub(crate) fn send_to_bucket(&mut self, arn: &str, key: String, body: String) {
        if let Some(bucket) = crate::s3::bucket_of_arn(arn) {
            let _ = self.s3.put(bucket, key, body.clone().into_bytes(), self.now);
        }
        self.sent.messages.entry(arn.into()).or_default().push(body);
    }

    /// Delivers `body` (a JSON document) to the destination `arn`.
    pub(crate) fn send(&mut self, arn: &str, body: String) {
        if arn.starts_with("arn:aws:sqs:") {
            // A queue that does not exist loses the message, as in AWS,
            // where the mapping's send fails; the record here still shows it.
            let _ = self.sqs.send_to_arn(self.now, arn, &body);
        }
        self.sent.messages.entry(arn.into()).or_default().push(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Simulation;

    #[test]
    fn messages_for_an_existing_queue_arrive_in_it() {
        let mut sim = Simulation::new();
        let url = sim.sqs_create_queue("failures", &BTreeMap::new()).unwrap();
        let arn = alloc::format!("arn:aws:sqs:us-east-1:{}:failures", crate::ACCOUNT_ID);
        let mut outbox = Outbox { now: sim.now, sent: &mut sim.destinations, sqs: &mut sim.sqs, s3: &mut sim.s3 };
        outbox.send(&arn, "{\"n\":1}".into());
        outbox.send("arn:aws:sqs:us-east-1:123456789012:missing", "{}".into());
        let received = sim.sqs_receive_message(crate::sqs::ReceiveMessageInput::new(&url)).unwrap();
        assert_eq!(received.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["{\"n\":1}"]);
        assert_eq!(sim.destination_messages(&arn), ["{\"n\":1}"]);
        assert_eq!(sim.destination_messages("arn:aws:sqs:us-east-1:123456789012:missing"), ["{}"]);
    }

    #[track_caller]
    fn check(arn: &str, expected: Result<(), BadDestination>) {
        assert_eq!(check_destination_arn(arn), expected, "{arn}");
    }

    #[test]
    fn destination_arns_are_sqs_queues_or_sns_topics() {
        check("arn:aws:sqs:us-east-1:123456789012:dlq", Ok(()));
        check("arn:aws:sns:eu-west-2:123456789012:alerts", Ok(()));
        check("arn:aws:s3:::failed-batches", Ok(()));
        check("arn:aws:s3:::", Err(BadDestination::NotAnArn));
        check("arn:aws:s3:us-east-1:123456789012:bucket", Err(BadDestination::UnsupportedService));
        check("arn:aws:lambda:us-east-1:123456789012:function:f", Err(BadDestination::UnsupportedService));
        check("arn:aws:sqs:us-east-1:1234:dlq", Err(BadDestination::NotAnArn));
        check("arn:aws:sqs:us-east-1:123456789012:", Err(BadDestination::NotAnArn));
        check("https://sqs.us-east-1.amazonaws.com/123456789012/dlq", Err(BadDestination::NotAnArn));
        check("", Err(BadDestination::NotAnArn));
    }
}
