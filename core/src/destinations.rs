//! Where discarded work is sent: the on-failure destinations of Lambda
//! event-source mappings.
//!
//! A destination is an Amazon SQS queue or Amazon SNS topic named by its
//! ARN. The simulation does not model either service here; it keeps every
//! message sent to each ARN, in order, so that a learner (or a test) can
//! read what would have arrived. [`Simulation::send_to_destination`] is the
//! one place messages leave, so a real queue can later be wired in there.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::sim::Simulation;

/// The services an on-failure destination of a stream mapping may be: AWS
/// accepts an SQS queue or an SNS topic for Kinesis sources.
pub(crate) const DESTINATION_SERVICES: [&str; 2] = ["sqs", "sns"];

/// Messages sent to destinations, by destination ARN, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DestinationStore {
    messages: BTreeMap<String, Vec<String>>,
}

/// Why a string is not a destination ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadDestination {
    /// Not of the shape `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
    NotAnArn,
    /// An ARN of a service other than SQS or SNS.
    UnsupportedService,
}

/// Checks `arn` is `arn:aws:sqs:REGION:ACCOUNT:NAME` or `arn:aws:sns:REGION:ACCOUNT:NAME`.
pub(crate) fn check_destination_arn(arn: &str) -> Result<(), BadDestination> {
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
    if DESTINATION_SERVICES.contains(&service) { Ok(()) } else { Err(BadDestination::UnsupportedService) }
}

impl Simulation {
    /// Delivers `body` (a JSON document) to the destination `arn`.
    pub(crate) fn send_to_destination(&mut self, arn: &str, body: String) {
        self.destinations.messages.entry(arn.into()).or_default().push(body);
    }

    /// Every message sent to destination `arn`, oldest first (empty for an
    /// ARN nothing was sent to).
    pub fn destination_messages(&self, arn: &str) -> &[String] {
        self.destinations.messages.get(arn).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(arn: &str, expected: Result<(), BadDestination>) {
        assert_eq!(check_destination_arn(arn), expected, "{arn}");
    }

    #[test]
    fn destination_arns_are_sqs_queues_or_sns_topics() {
        check("arn:aws:sqs:us-east-1:123456789012:dlq", Ok(()));
        check("arn:aws:sns:eu-west-2:123456789012:alerts", Ok(()));
        check("arn:aws:s3:us-east-1:123456789012:bucket", Err(BadDestination::UnsupportedService));
        check("arn:aws:sqs:us-east-1:1234:dlq", Err(BadDestination::NotAnArn));
        check("arn:aws:sqs:us-east-1:123456789012:", Err(BadDestination::NotAnArn));
        check("https://sqs.us-east-1.amazonaws.com/123456789012/dlq", Err(BadDestination::NotAnArn));
        check("", Err(BadDestination::NotAnArn));
    }
}
