//! Scripted data-transformation functions: what a Lambda function attached
//! to a delivery stream's `ProcessingConfiguration` would do, described as
//! data so that it can be saved in snapshots and shown in lessons.
//!
//! A function receives Firehose's batch (`recordId`, `data`) and answers one
//! result per record in AWS's record format: the same `recordId`, a `result`
//! of `Ok`, `Dropped` or `ProcessingFailed`, the transformed `data`, and
//! for dynamic partitioning `metadata.partitionKeys`.
//! Left out: the Lambda invocation itself (payload limits, timeouts,
//! invocation retries), and functions that break the contract (a missing
//! or changed `recordId`).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::jq::Query;
use crate::error::ACCOUNT_ID;
use crate::error::REGION;

/// One step of a scripted transformation, applied to each record in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransformStep {
    /// ASCII letters to upper case; other bytes unchanged.
    Uppercase,
    /// `Dropped` when the data contains this text.
    DropIfContains(String),
    /// `ProcessingFailed` when the data contains this text.
    FailIfContains(String),
    /// A `\n` after the data, so that records delivered together stay apart.
    AppendNewline,
    /// `metadata.partitionKeys` from the data as it is at this step, by a
    /// query in the subset of the `jq` module (`{key: .path, …}`); a record
    /// the query finds no keys in is answered without them.
    PartitionKeys(String),
}

/// A transformation function: its steps, run in order on every record. No
/// steps passes every record through unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformFunction {
    /// The function name in its ARN.
    pub name: String,
    /// What it does to each record.
    pub steps: Vec<TransformStep>,
}

/// `result` of a transformed record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransformResult {
    /// Transformed; deliver `data`.
    Ok,
    /// Dropped on purpose; counts as successfully processed.
    Dropped,
    /// Could not be transformed; goes to the error output.
    ProcessingFailed,
}

/// One record of the function's input: `{"recordId", "data"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformInput {
    /// `recordId`.
    pub record_id: String,
    /// `data`.
    pub data: Vec<u8>,
}

/// One record of the function's answer: `{"recordId", "result", "data"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformOutput {
    /// `recordId`: the input record's.
    pub record_id: String,
    /// `result`.
    pub result: TransformResult,
    /// `data`.
    pub data: Vec<u8>,
    /// `metadata.partitionKeys`, empty when the function sets none.
    #[serde(default)]
    pub partition_keys: BTreeMap<String, String>,
}

/// The ARN of Lambda function `name` in the simulated account.
pub fn function_arn(name: &str) -> String {
    alloc::format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}")
}

/// The function name in `arn:aws:lambda:REGION:ACCOUNT:function:NAME`, if
/// the ARN is one of this account's.
pub fn function_of_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:lambda:")?.strip_prefix(REGION)?.strip_prefix(':')?;
    let name = rest.strip_prefix(ACCOUNT_ID)?.strip_prefix(":function:")?;
    // A qualified ARN (`:$LATEST`, `:alias`) names the same scripted function.
    let name = name.split(':').next()?;
    (!name.is_empty()).then_some(name)
}

impl TransformFunction {
    /// Runs the function on one batch: one output per input, in order.
    pub fn invoke(&self, batch: &[TransformInput]) -> Vec<TransformOutput> {
        batch.iter().map(|record| self.transform(record)).collect()
    }

    fn transform(&self, record: &TransformInput) -> TransformOutput {
        let mut data = record.data.clone();
        let mut result = TransformResult::Ok;
        let mut partition_keys = BTreeMap::new();
        for step in &self.steps {
            match step {
                TransformStep::Uppercase => data.make_ascii_uppercase(),
                TransformStep::DropIfContains(text) if contains(&data, text) => {
                    result = TransformResult::Dropped;
                    break;
                }
                TransformStep::FailIfContains(text) if contains(&data, text) => {
                    // Lambda blueprints hand back the original data of a failed record.
                    result = TransformResult::ProcessingFailed;
                    data = record.data.clone();
                    break;
                }
                TransformStep::DropIfContains(_) | TransformStep::FailIfContains(_) => {}
                TransformStep::AppendNewline => data.push(b'\n'),
                TransformStep::PartitionKeys(query) => {
                    // A query that does not parse (only a crafted snapshot holds one) finds no keys.
                    let found = Query::parse(query).and_then(|q| q.evaluate(&data));
                    partition_keys = found.unwrap_or_default();
                }
            }
        }
        TransformOutput { record_id: record.record_id.clone(), result, data, partition_keys }
    }
}

fn contains(data: &[u8], text: &str) -> bool {
    let needle = text.as_bytes();
    needle.is_empty() || data.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(steps: &[TransformStep], data: &str, result: TransformResult, out: &str) {
        let function = TransformFunction { name: "f".into(), steps: steps.to_vec() };
        let input = TransformInput { record_id: "r1".into(), data: data.as_bytes().to_vec() };
        let output = function.invoke(core::slice::from_ref(&input));
        let expected = TransformOutput {
            record_id: "r1".into(),
            result,
            data: out.as_bytes().to_vec(),
            partition_keys: BTreeMap::new(),
        };
        assert_eq!(output, [expected]);
    }

    #[test]
    fn scripted_steps_give_aws_results() {
        use TransformResult::*;
        use TransformStep::*;
        check(&[], "as is", Ok, "as is");
        check(&[Uppercase], "abc-é", Ok, "ABC-é");
        check(&[AppendNewline], "x", Ok, "x\n");
        check(&[DropIfContains("debug".into()), Uppercase], "debug: x", Dropped, "debug: x");
        check(&[DropIfContains("debug".into()), Uppercase], "info: x", Ok, "INFO: X");
        check(&[Uppercase, FailIfContains("BAD".into())], "bad", ProcessingFailed, "bad");
        check(&[FailIfContains("bad".into()), DropIfContains("bad".into())], "bad", ProcessingFailed, "bad");
    }

    #[test]
    fn partition_keys_step_answers_metadata() {
        let step = TransformStep::PartitionKeys("{region: .region}".into());
        let function = TransformFunction { name: "f".into(), steps: alloc::vec![step, TransformStep::Uppercase] };
        let batch =
            [br#"{"region":"eu"}"#.to_vec(), b"{}".to_vec()].map(|data| TransformInput { record_id: "r".into(), data });
        let outputs = function.invoke(&batch);
        assert_eq!(outputs[0].partition_keys, [("region".into(), "eu".into())].into());
        assert_eq!(outputs[0].data, br#"{"REGION":"EU"}"#);
        assert_eq!(outputs[1].partition_keys, BTreeMap::new(), "no region: no keys, still Ok");
        assert_eq!(outputs[1].result, TransformResult::Ok);
    }

    #[test]
    fn arns_round_trip() {
        let arn = function_arn("upper");
        assert_eq!(arn, "arn:aws:lambda:us-east-1:123456789012:function:upper");
        assert_eq!(function_of_arn(&arn), Some("upper"));
        assert_eq!(function_of_arn("arn:aws:lambda:us-east-1:123456789012:function:upper:$LATEST"), Some("upper"));
        assert_eq!(function_of_arn("arn:aws:lambda:eu-west-1:123456789012:function:upper"), None);
    }
}
