//! What a learner (or a lesson's reference solution) does to the simulation.
//!
//! An [`Action`] is one call into `shardlab-core`, written in lesson files as
//! an inline table tagged by `action`:
//!
//! ```toml
//! { action = "put_record", partition_key = "user-42", data = "order 1" }
//! ```
//!
//! The calls the playground's own controls make have their own actions;
//! anything else is an `api` action: any request of the JSON API, exactly
//! as the learner would send it from the API console.
//!
//! ```toml
//! { action = "api", target = "Kinesis_20131202.SplitShard", body = { StreamName = "orders", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "85070591730234615865843651857942052864" } }
//! ```

use serde::{Deserialize, Serialize};
use shardlab_core::recipe::{self, Step};
use shardlab_core::{Duration, ShardIteratorType, Simulation, api};

/// One call into the simulation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// `PutRecord` with text data.
    PutRecord {
        /// `StreamName`. Lesson files may leave it out: the loader fills in
        /// the lesson's stream.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        stream_name: String,
        /// `PartitionKey`.
        partition_key: String,
        /// `Data`, stored as its UTF-8 bytes.
        data: String,
        /// `ExplicitHashKey`, in decimal, when the producer picks the hash key itself.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explicit_hash_key: Option<String>,
    },
    /// Lets simulated time pass, so that consumers poll.
    Advance {
        /// How long, in milliseconds.
        millis: u64,
    },
    /// Starts a polling consumer on every shard of a stream.
    StartPollingConsumer {
        /// The stream to read. Lesson files may leave it out, as for `put_record`.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        stream_name: String,
        /// `ShardIteratorType`: `"TRIM_HORIZON"` or `"LATEST"`, the types
        /// that need no starting sequence number or timestamp.
        iterator_type: ShardIteratorType,
    },
    /// Any request of the JSON API (`shardlab_core::api`), by its target
    /// (`Kinesis_20131202.PutRecords`, `Shardlab.StartGenerator`, …). It
    /// fails unless the service answers 200.
    Api {
        /// The `X-Amz-Target` of the request.
        target: String,
        /// The request body; TOML tables become JSON objects, and times may
        /// be written in clock words (`StartTime = "00:01:00"`).
        #[serde(default = "empty_body", deserialize_with = "crate::clock::body")]
        body: serde_json::Value,
    },
}

fn empty_body() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// The names actions have in lesson files, for `allowed_actions`.
pub const ACTION_KINDS: &[&str] = &["put_record", "advance", "start_polling_consumer", "api"];

impl Action {
    /// Performs the action. An error is the service's, as
    /// `ExceptionName: message`, ready to show the learner.
    pub fn apply(&self, sim: &mut Simulation) -> Result<(), String> {
        self.apply_in_steps(sim, |_| ())
    }

    /// [`Action::apply`], handing `applied` each step as it is made (a
    /// failed call too: it may have changed the simulation, and a replay
    /// makes it again), so that the page can record it.
    pub fn apply_in_steps(&self, sim: &mut Simulation, mut applied: impl FnMut(Step)) -> Result<(), String> {
        for step in self.steps()? {
            let response = step.apply(sim);
            applied(step);
            if let Some(response) = response {
                answer(response)?;
            }
        }
        Ok(())
    }

    /// The recipe steps (`shardlab_core::recipe`) that perform the action,
    /// so that a share link can replay it: calls through the API, as the
    /// page's own controls send them (and so in the simulation's log of
    /// Kinesis calls), and clock moves in the page's slices.
    pub fn steps(&self) -> Result<Vec<Step>, String> {
        let api = |target: &str, body: serde_json::Value| Step::Api { target: target.into(), body: body.to_string() };
        Ok(match self {
            Action::PutRecord { stream_name, partition_key, data, explicit_hash_key } => {
                let mut body = serde_json::json!({
                    "StreamName": stream_name,
                    "PartitionKey": partition_key,
                    "Data": shardlab_core::base64::encode(data.as_bytes()),
                });
                if let Some(key) = explicit_hash_key {
                    body["ExplicitHashKey"] = key.as_str().into();
                }
                vec![api("Kinesis_20131202.PutRecord", body)]
            }
            Action::Advance { millis } => recipe::advances(Duration::from_millis(*millis)).collect(),
            Action::StartPollingConsumer { stream_name, iterator_type } => match iterator_type {
                ShardIteratorType::TrimHorizon | ShardIteratorType::Latest => vec![api(
                    "Shardlab.StartPollingConsumer",
                    serde_json::json!({"StreamName": stream_name, "ShardIteratorType": iterator_type.as_str()}),
                )],
                other => return Err(format!("start_polling_consumer takes TRIM_HORIZON or LATEST, not {other}")),
            },
            Action::Api { target, body } => vec![api(target, body.clone())],
        })
    }

    /// The action in words, for a learner watching the solution replayed:
    /// `Put a record with key user-42: {"order": 1}`.
    pub fn describe(&self) -> String {
        match self {
            Action::PutRecord { partition_key, data, explicit_hash_key: None, .. } => {
                format!("Put a record with key {partition_key}: {data}")
            }
            Action::PutRecord { partition_key, data, explicit_hash_key: Some(hash_key), .. } => {
                format!("Put a record with key {partition_key} and explicit hash key {hash_key}: {data}")
            }
            Action::Advance { millis } => format!("Let {} pass", crate::action::duration_words(*millis)),
            Action::StartPollingConsumer { iterator_type, .. } => {
                format!("Start a polling consumer from {iterator_type}")
            }
            // Where the page has a control for the call, the step names it
            // (the lesson tells the learner to use it), the call after it.
            Action::Api { target, body } => match page_control(target, body) {
                Some(control) => format!("{control} (the API call: {target} {body})"),
                None => format!("Send {target} {body}"),
            },
        }
    }

    /// How `allowed_actions` names this action: its kind, or for an `api`
    /// action its target.
    pub fn permission(&self) -> &str {
        match self {
            Action::PutRecord { .. } => "put_record",
            Action::Advance { .. } => "advance",
            Action::StartPollingConsumer { .. } => "start_polling_consumer",
            Action::Api { target, .. } => target,
        }
    }

    /// The stream the action names, if it names one.
    pub(crate) fn stream_name_mut(&mut self) -> Option<&mut String> {
        match self {
            Action::PutRecord { stream_name, .. } | Action::StartPollingConsumer { stream_name, .. } => {
                Some(stream_name)
            }
            Action::Advance { .. } | Action::Api { .. } => None,
        }
    }
}

/// What a learner does on the page to send `target` with `body`, in the
/// words of its control (web/src/components): `None` where no control sends
/// it, or not with these values.
fn page_control(target: &str, body: &serde_json::Value) -> Option<String> {
    let number = |member: &str| body.get(member).and_then(serde_json::Value::as_u64);
    let count = |n: u64| crate::words::number(n as f64);
    match target {
        "Shardlab.StartGenerator" => {
            let rate = number("RecordsPerSecond")?;
            let mut words =
                format!("Start a generator from the Traffic generators form: {} records a second", count(rate));
            if let Some(bytes) = number("RecordBytes") {
                words.push_str(&format!(" of {} bytes", count(bytes)));
            }
            let keys = body.get("Keys");
            let distinct = keys.and_then(|k| k.get("DistinctKeys")).and_then(serde_json::Value::as_u64);
            match keys.and_then(|k| k.get("Distribution")).and_then(serde_json::Value::as_str) {
                Some("HOT_KEY") => {
                    let share = keys.and_then(|k| k.get("HotPercent")).and_then(serde_json::Value::as_u64);
                    words.push_str(", one hot key");
                    if let Some(share) = share {
                        words.push_str(&format!(" taking {share}%"));
                    }
                }
                Some("ZIPF") => words.push_str(", Zipf keys"),
                _ => {}
            }
            if let Some(distinct) = distinct {
                words.push_str(&format!(", {} distinct keys", count(distinct)));
            }
            Some(words)
        }
        "Shardlab.StopGenerator" => Some(format!(
            "Stop generator {} with its Stop button in the Traffic generators table",
            number("GeneratorId")?
        )),
        "Shardlab.KclKillWorker" => {
            Some(format!("Kill worker-{} with its Kill button in the KCL applications panel", number("WorkerId")?))
        }
        "Shardlab.KclStartWorker" => Some("Press Add a worker in the KCL applications panel".to_string()),
        "Shardlab.UpdateEventSourceMapping" => {
            let settings: Vec<String> = body
                .as_object()?
                .iter()
                .filter(|(member, _)| *member != "UUID")
                .map(|(member, value)| format!("{member} {value}"))
                .collect();
            Some(format!(
                "Change the mapping's settings in the Lambda panel and press Update the mapping: {}",
                settings.join(", ")
            ))
        }
        _ => None,
    }
}

/// `1500` → `1.5 s`, `120000` → `2 min`, `250` → `250 ms`.
pub(crate) fn duration_words(millis: u64) -> String {
    match millis {
        m if m >= 60_000 && m % 60_000 == 0 => format!("{} min", m / 60_000),
        m if m >= 1000 => format!("{} s", m as f64 / 1000.0),
        m => format!("{m} ms"),
    }
}

/// Sends one JSON API request; the parsed answer, or the service's error as
/// `ExceptionName: message`.
pub(crate) fn call(sim: &mut Simulation, target: &str, body: &serde_json::Value) -> Result<serde_json::Value, String> {
    answer(api::handle(sim, target, &body.to_string()))
}

/// Sends one JSON API request to a target that only reads, over a shared
/// simulation (see [`api::is_read_only`]); as [`call`], or an
/// `InvalidArgument` for a target that may change the simulation, which
/// loading rules out for goals and questions.
pub(crate) fn read(sim: &Simulation, target: &str, body: &serde_json::Value) -> Result<serde_json::Value, String> {
    api::handle_read(sim, target, &body.to_string())
        .map_or_else(|| Err(format!("InvalidArgument: {target} is not a read-only target")), answer)
}

/// The parsed answer of `response`, or its error as `ExceptionName: message`.
fn answer(response: api::Response) -> Result<serde_json::Value, String> {
    let parsed: serde_json::Value = if response.body.is_empty() {
        empty_body()
    } else {
        serde_json::from_str(&response.body).map_err(|err| format!("InternalFailure: {err}"))?
    };
    if response.status == 200 {
        return Ok(parsed);
    }
    let code = parsed["__type"].as_str().unwrap_or("InternalFailure");
    match parsed.get("message").or_else(|| parsed.get("Message")).and_then(|m| m.as_str()) {
        Some(message) => Err(format!("{code}: {message}")),
        None => Err(code.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim_with_orders() -> Simulation {
        let mut sim = Simulation::new();
        sim.create_stream(shardlab_core::CreateStreamInput::provisioned("orders", 4)).unwrap();
        sim.advance(shardlab_core::limits::STREAM_CREATE_DELAY);
        sim
    }

    fn put(key: &str, explicit_hash_key: Option<&str>) -> Action {
        Action::PutRecord {
            stream_name: "orders".into(),
            partition_key: key.into(),
            data: "x".into(),
            explicit_hash_key: explicit_hash_key.map(Into::into),
        }
    }

    #[test]
    fn reading_sends_only_targets_that_only_read() {
        let sim = sim_with_orders();
        let orders = serde_json::json!({"StreamName": "orders"});
        let cases = [
            ("Kinesis_20131202.DescribeStreamSummary", Ok(4)),
            (
                "Kinesis_20131202.PutRecord",
                Err("InvalidArgument: Kinesis_20131202.PutRecord is not a read-only target"),
            ),
            ("Shardlab.AdvanceClock", Err("InvalidArgument: Shardlab.AdvanceClock is not a read-only target")),
        ];
        for (target, expected) in cases {
            let answer = read(&sim, target, &orders);
            let open_shards = answer.map(|a| a["StreamDescriptionSummary"]["OpenShardCount"].as_u64().unwrap());
            assert_eq!(open_shards, expected.map_err(String::from), "{target}");
        }
    }

    #[test]
    fn put_record_stores_in_the_key_s_shard() {
        let mut sim = sim_with_orders();
        put("user-42", None).apply(&mut sim).unwrap();
        let n_records: Vec<usize> = sim.stream("orders").unwrap().shards.iter().map(|s| s.n_records).collect();
        assert_eq!(n_records, [0, 1, 0, 0]);
    }

    #[test]
    fn explicit_hash_key_overrides_the_partition_key() {
        let mut sim = sim_with_orders();
        put("user-42", Some("0")).apply(&mut sim).unwrap();
        assert_eq!(sim.stream("orders").unwrap().shards[0].n_records, 1);
    }

    #[test]
    fn errors_carry_the_aws_exception_name() {
        let mut sim = sim_with_orders();
        let err = put("", None).apply(&mut sim).unwrap_err();
        assert!(err.starts_with("ValidationException: 1 validation error detected"), "{err}");
        let missing =
            Action::StartPollingConsumer { stream_name: "nope".into(), iterator_type: ShardIteratorType::Latest };
        let err = missing.apply(&mut sim).unwrap_err();
        assert!(err.starts_with("ResourceNotFoundException: Stream nope"), "{err}");
    }

    #[test]
    fn advance_moves_the_clock_and_consumers_poll() {
        let mut sim = sim_with_orders();
        put("user-42", None).apply(&mut sim).unwrap();
        let start = sim.now();
        let consume = Action::StartPollingConsumer {
            stream_name: "orders".into(),
            iterator_type: ShardIteratorType::TrimHorizon,
        };
        consume.apply(&mut sim).unwrap();
        Action::Advance { millis: 2_500 }.apply(&mut sim).unwrap();
        assert_eq!(sim.now().saturating_since(start), Duration::from_millis(2_500));
        assert_eq!(sim.consumers().len(), 1);
    }

    #[test]
    fn api_actions_send_the_request_and_report_the_service_s_error() {
        let mut sim = sim_with_orders();
        let split = Action::Api {
            target: "Kinesis_20131202.SplitShard".into(),
            body: serde_json::json!({
                "StreamName": "orders",
                "ShardToSplit": "shardId-000000000000",
                "NewStartingHashKey": "42535295865117307932921825928971026432",
            }),
        };
        split.apply(&mut sim).unwrap();
        sim.advance(shardlab_core::limits::RESHARD_DELAY);
        assert_eq!(sim.stream("orders").unwrap().shards.len(), 6);
        let err = split.apply(&mut sim).unwrap_err();
        assert!(err.starts_with("ResourceInUseException: ") || err.starts_with("InvalidArgumentException: "), "{err}");
        let unknown = Action::Api { target: "Kinesis_20131202.Nope".into(), body: serde_json::json!({}) };
        assert_eq!(unknown.apply(&mut sim).unwrap_err(), "UnknownOperationException");
        assert_eq!(split.permission(), "Kinesis_20131202.SplitShard");
    }

    #[test]
    fn actions_describe_themselves() {
        let api = Action::Api { target: "Shardlab.Consumers".into(), body: serde_json::json!({}) };
        let cases = [
            (put("k", None), "Put a record with key k: x"),
            (put("k", Some("7")), "Put a record with key k and explicit hash key 7: x"),
            (Action::Advance { millis: 250 }, "Let 250 ms pass"),
            (Action::Advance { millis: 1500 }, "Let 1.5 s pass"),
            (Action::Advance { millis: 120_000 }, "Let 2 min pass"),
            (
                Action::StartPollingConsumer { stream_name: String::new(), iterator_type: ShardIteratorType::Latest },
                "Start a polling consumer from LATEST",
            ),
            (api, "Send Shardlab.Consumers {}"),
        ];
        for (action, words) in cases {
            assert_eq!(action.describe(), words);
        }
    }

    #[test]
    fn a_step_with_a_page_control_names_it_before_the_call() {
        use serde_json::json;
        let api = |target: &str, body: serde_json::Value| Action::Api { target: target.into(), body };
        let cases = [
            (
                api(
                    "Shardlab.StartGenerator",
                    json!({"StreamName": "clicks", "RecordsPerSecond": 1500, "RecordBytes": 100}),
                ),
                r#"Start a generator from the Traffic generators form: 1,500 records a second of 100 bytes (the API call: Shardlab.StartGenerator {"RecordBytes":100,"RecordsPerSecond":1500,"StreamName":"clicks"})"#,
            ),
            (
                api(
                    "Shardlab.StartGenerator",
                    json!({"RecordsPerSecond": 3000, "Keys": {"Distribution": "HOT_KEY", "HotPercent": 90, "DistinctKeys": 50}}),
                ),
                r#"Start a generator from the Traffic generators form: 3,000 records a second, one hot key taking 90%, 50 distinct keys (the API call: Shardlab.StartGenerator {"Keys":{"DistinctKeys":50,"Distribution":"HOT_KEY","HotPercent":90},"RecordsPerSecond":3000})"#,
            ),
            (
                api("Shardlab.StopGenerator", json!({"GeneratorId": 1})),
                r#"Stop generator 1 with its Stop button in the Traffic generators table (the API call: Shardlab.StopGenerator {"GeneratorId":1})"#,
            ),
            (
                api("Shardlab.KclKillWorker", json!({"ApplicationId": 0, "WorkerId": 1})),
                r#"Kill worker-1 with its Kill button in the KCL applications panel (the API call: Shardlab.KclKillWorker {"ApplicationId":0,"WorkerId":1})"#,
            ),
            (
                api("Shardlab.UpdateEventSourceMapping", json!({"UUID": "u", "MaximumRetryAttempts": 2})),
                r#"Change the mapping's settings in the Lambda panel and press Update the mapping: MaximumRetryAttempts 2 (the API call: Shardlab.UpdateEventSourceMapping {"MaximumRetryAttempts":2,"UUID":"u"})"#,
            ),
            // No control sends it, or not with these values: the call alone.
            (api("Shardlab.StopGenerator", json!({})), r#"Send Shardlab.StopGenerator {}"#),
            (
                api("Kinesis_20131202.ListShards", json!({"StreamName": "s"})),
                r#"Send Kinesis_20131202.ListShards {"StreamName":"s"}"#,
            ),
        ];
        for (action, words) in cases {
            assert_eq!(action.describe(), words);
        }
    }

    #[test]
    fn toml_form() {
        #[derive(Deserialize)]
        struct Step {
            step: Action,
        }
        let parse = |text: &str| toml::from_str::<Step>(text).map(|s| s.step).map_err(|e| e.message().to_string());
        assert_eq!(
            parse(r#"step = { action = "put_record", partition_key = "user-1", data = "hello" }"#),
            Ok(Action::PutRecord {
                stream_name: String::new(),
                partition_key: "user-1".into(),
                data: "hello".into(),
                explicit_hash_key: None
            })
        );
        assert_eq!(
            parse(r#"step = { action = "start_polling_consumer", iterator_type = "TRIM_HORIZON" }"#),
            Ok(Action::StartPollingConsumer {
                stream_name: String::new(),
                iterator_type: ShardIteratorType::TrimHorizon
            })
        );
        assert_eq!(parse(r#"step = { action = "advance", millis = 1000 }"#), Ok(Action::Advance { millis: 1000 }));
        assert_eq!(
            parse(r#"step = { action = "api", target = "Shardlab.Generators" }"#),
            Ok(Action::Api { target: "Shardlab.Generators".into(), body: serde_json::json!({}) })
        );
        assert_eq!(
            parse(r#"step = { action = "api", target = "T", body = { A = 1, B = ["x"] } }"#),
            Ok(Action::Api { target: "T".into(), body: serde_json::json!({"A": 1, "B": ["x"]}) })
        );
        assert_eq!(
            parse(r#"step = { action = "delete_stream" }"#),
            Err("unknown variant `delete_stream`, expected one of `put_record`, `advance`, `start_polling_consumer`, `api`"
                .into())
        );
        // A misspelt optional field would otherwise be ignored without a word.
        assert_eq!(
            parse(r#"step = { action = "put_record", partition_key = "k", data = "d", explicit_hashkey = "1" }"#),
            Err("unknown field `explicit_hashkey`, expected one of `stream_name`, `partition_key`, `data`, `explicit_hash_key`"
                .into())
        );
    }
}
