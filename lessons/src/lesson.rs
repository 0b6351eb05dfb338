//! One lesson: its mechanics (`lesson.toml`), prose and quiz, and how a
//! simulation is checked against its goals.
//!
//! A goal is a named condition over the state of the lesson's stream, not a
//! script the learner must follow: any sequence of actions that reaches the
//! state counts. Loading a lesson proves it can be solved and cannot be
//! solved by accident, by replaying its reference solution and its known
//! wrong solutions.

use serde::{Deserialize, Serialize};
use shardlab_core::{CapacityMode, Duration, Instant, Simulation, api, limits};
use toml::Spanned;

use crate::action::{ACTION_KINDS, Action};
use crate::course::Checks;
use crate::error::{LessonError, Source, check_slug, check_text};
use crate::markdown::Markdown;
use crate::prose;
use crate::quiz::{self, Question};
use crate::{clock, words};

/// A lesson, loaded and checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    /// Unique within the course; used in URLs and saved progress.
    pub id: String,
    /// Shown as the lesson's heading.
    pub title: String,
    /// One sentence on what the lesson teaches, for the course map.
    pub summary: String,
    /// About how many minutes the lesson takes, for the course map.
    pub minutes: u32,
    /// The course outline's topics (1 to [`TOPIC_COUNT`]) the lesson teaches.
    pub topics: Vec<u32>,
    /// What the learner may do, by action kind (`put_record`) or API target
    /// (`Kinesis_20131202.SplitShard`); `None` allows everything. Moving
    /// the clock (`advance`) is always allowed.
    pub allowed_actions: Option<Vec<String>>,
    /// What exists before the learner does anything.
    pub setup: Setup,
    /// What the learner must achieve; the lesson is solved when all are met.
    pub goals: Vec<Goal>,
    /// A reference solution, which meets every goal.
    pub solution: Vec<Action>,
    /// Plausible mistakes, each of which fails at least one goal.
    pub wrong_solutions: Vec<WrongSolution>,
    /// The teaching text shown first.
    pub intro: Markdown,
    /// Hints, from a nudge to nearly the answer, revealed one at a time.
    pub hints: Vec<Markdown>,
    /// Shown once every goal is met: why the solution works.
    pub explanation: Markdown,
    /// Questions asked after the explanation.
    pub quiz: Vec<Question>,
}

/// The longest a lesson may say it takes, in minutes.
const MAX_MINUTES: u32 = 60;

/// How many topics the course outline has; the last is the practice exam.
pub const TOPIC_COUNT: u32 = 24;

/// The lesson's starting state: one stream, `ACTIVE`, and whatever the
/// setup steps then create (producers, consumers, delivery streams, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// The stream every action and goal refers to unless it names another.
    pub stream_name: String,
    /// `PROVISIONED` (the default) or `ON_DEMAND`.
    #[serde(default = "provisioned")]
    pub capacity_mode: CapacityMode,
    /// How many shards `CreateStream` gives a provisioned stream; leave it
    /// out for an on-demand one.
    #[serde(default)]
    pub shard_count: Option<u32>,
    /// Actions run once the stream is `ACTIVE`, before the learner starts.
    #[serde(default)]
    pub steps: Vec<Action>,
}

fn provisioned() -> CapacityMode {
    CapacityMode::Provisioned
}

impl Setup {
    /// A simulation holding this setup's stream, past its `CREATING` delay,
    /// with the setup steps done; the service's error otherwise.
    fn start(&self) -> Result<Simulation, String> {
        let mut sim = Simulation::new();
        // Through the API, so that the simulation's log of Kinesis calls
        // (what a script exported from the lesson replays) begins with it.
        let mut body = serde_json::json!({"StreamName": self.stream_name});
        if let Some(count) = self.shard_count {
            body["ShardCount"] = count.into();
        }
        if self.capacity_mode == CapacityMode::OnDemand {
            body["StreamModeDetails"] = serde_json::json!({"StreamMode": "ON_DEMAND"});
        }
        crate::action::call(&mut sim, "Kinesis_20131202.CreateStream", &body)
            .map_err(|err| format!("cannot create the stream: {err}"))?;
        sim.advance(limits::STREAM_CREATE_DELAY);
        for (idx, step) in self.steps.iter().enumerate() {
            step.apply(&mut sim).map_err(|err| format!("step {} fails: {err}", idx + 1))?;
        }
        Ok(sim)
    }
}

/// Something the learner must achieve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Unique within the lesson.
    pub id: String,
    /// The task, as the learner reads it.
    pub description: String,
    /// When the task is done.
    pub condition: Condition,
    /// A condition to keep rather than a task to do ("Keep: no write
    /// throttled"): it holds at the start, and the learner must not break it
    /// while doing the others. Every other goal is unmet at the start, which
    /// loading proves, so that no goal shows "Done" before the learner acts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub standing: bool,
    /// Earlier goals that must be met for this one to count: "after
    /// worker-1 crashes, worker-2 holds its lease" is not done while
    /// worker-2 took the lease some other way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
}

/// A test of the simulation's state, written in TOML as an inline table
/// tagged by `kind`: `{ kind = "total_records", at_least = 4 }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Some shard holds at least `at_least` records.
    MaxRecordsInOneShard {
        /// The threshold.
        at_least: usize,
    },
    /// At least `at_least` shards hold a record.
    ShardsWithRecords {
        /// The threshold.
        at_least: usize,
    },
    /// The stream holds at least `at_least` records in all.
    TotalRecords {
        /// The threshold.
        at_least: usize,
    },
    /// A value read from a JSON API answer, compared with a threshold:
    /// anything the service can report can be a goal.
    ///
    /// ```toml
    /// condition = { kind = "api", target = "Kinesis_20131202.DescribeStreamSummary", body = { StreamName = "orders" }, pointer = "/StreamDescriptionSummary/OpenShardCount", label = "open shards", at_least = 3 }
    /// ```
    Api {
        /// A target that only reads ([`shardlab_core::api::is_read_only`]).
        target: String,
        /// The request body; times may be written in clock words.
        #[serde(default = "empty_object", deserialize_with = "crate::clock::body")]
        body: serde_json::Value,
        /// Where the value is in the answer, as a JSON pointer (RFC 6901).
        /// A list counts its items; with `sum_of`, sums that member of its items.
        pointer: String,
        /// The member of each list item to add up (`Sum` of metric datapoints).
        #[serde(default)]
        sum_of: Option<String>,
        /// What the value is, for the learner: "open shards".
        label: String,
        /// The value must be at least this.
        #[serde(default)]
        at_least: Option<i64>,
        /// The value must be at most this.
        #[serde(default)]
        at_most: Option<i64>,
        /// The value must be exactly this (a string or a number).
        #[serde(default)]
        equals: Option<serde_json::Value>,
    },
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// The number a condition compares: a number, a numeric string, the length
/// of a list or the sum of a member over a list.
pub(crate) fn measure(
    answer: &serde_json::Value,
    pointer: &str,
    sum_of: Option<&str>,
) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    let found = answer.pointer(pointer).ok_or_else(|| format!("the answer has nothing at {pointer}"))?;
    Ok(match (found, sum_of) {
        (Value::Array(items), Some(member)) => {
            let sum: f64 = items.iter().filter_map(|item| item.get(member)?.as_f64()).sum();
            serde_json::json!(sum)
        }
        (Value::Array(items), None) => serde_json::json!(items.len()),
        (other, _) => other.clone(),
    })
}

/// Whether a goal is met, for the lesson panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalStatus {
    /// [`Goal::id`].
    pub goal_id: String,
    /// [`Goal::description`].
    pub description: String,
    /// Whether the condition holds.
    pub met: bool,
    /// [`Goal::standing`]: a condition to keep, not a task to do.
    pub standing: bool,
    /// Where the learner stands, e.g. "the fullest shard holds 2 of 3 records".
    pub detail: String,
}

/// A known-wrong attempt, kept so that loading proves the goals reject it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongSolution {
    /// What the mistake is, e.g. "a different key for every record".
    pub name: String,
    /// The attempt.
    pub actions: Vec<Action>,
}

impl Condition {
    /// Whether the condition holds in `sim`, and where the learner stands,
    /// in their terms.
    fn evaluate(&self, sim: &Simulation, stream_name: &str) -> (bool, String) {
        match self {
            Condition::Api { target, body, pointer, sum_of, label, at_least, at_most, equals } => {
                // Over a window the clock has not reached, "at most 5,000"
                // would hold on no data at all: it is not met, whatever it says.
                if let Some(start) = window_start(body)
                    && sim.now() < start + Duration::from_secs(1)
                {
                    return (false, format!("{label}: no data yet; the window starts at {}", clock::words(start)));
                }
                let answer = match crate::action::read(sim, target, body) {
                    Ok(answer) => answer,
                    // What the goal reads does not exist yet (the delivery
                    // stream the learner is to create): none yet, in the
                    // lesson's words; any other refusal by its name.
                    Err(err) if err.starts_with("ResourceNotFoundException") => {
                        return (false, format!("{label}: none yet"));
                    }
                    Err(err) => return (false, format!("{label}: {}", exception_name(&err).unwrap_or(&err))),
                };
                // A value the answer does not hold yet (a consumer's expired
                // iterator before it meets one) is, to the learner, none yet.
                match measure(&answer, pointer, sum_of.as_deref()) {
                    Ok(value) => compare(label, &value, *at_least, *at_most, equals.as_ref()),
                    Err(_) => (false, format!("{label}: none yet")),
                }
            }
            _ => {
                let shards = sim.stream(stream_name).map(|s| s.shards).unwrap_or_default();
                let records_per_shard: Vec<usize> = shards.iter().map(|s| s.n_records).collect();
                self.evaluate_records(&records_per_shard)
            }
        }
    }

    /// Whether a record-count condition holds for a stream whose shards hold
    /// `records_per_shard`.
    fn evaluate_records(&self, records_per_shard: &[usize]) -> (bool, String) {
        let records = records_per_shard.iter().copied();
        let (subject, noun, have, at_least) = match *self {
            Condition::MaxRecordsInOneShard { at_least } => {
                ("the fullest shard holds", "record", records.max().unwrap_or(0), at_least)
            }
            Condition::ShardsWithRecords { at_least } => {
                ("records are in", "shard", records.filter(|&n| n > 0).count(), at_least)
            }
            Condition::TotalRecords { at_least } => ("the stream holds", "record", records.sum(), at_least),
            Condition::Api { .. } => unreachable!("evaluate handles API conditions"),
        };
        if have >= at_least {
            (true, format!("{subject} {}", count(have, noun)))
        } else {
            (false, format!("{subject} {have} of {}", count(at_least, noun)))
        }
    }
}

/// Where the time window a request asks about begins (its `StartTime`), if
/// it asks about one. A second's metrics exist once the clock has left it.
fn window_start(body: &serde_json::Value) -> Option<Instant> {
    let seconds = body.get("StartTime")?.as_f64()?;
    Some(Instant::from_epoch_millis((seconds * 1000.0).round() as u64))
}

/// `value` as the learner reads it: a number as the page prints numbers,
/// text as it is.
fn value_words(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => exception_name(text).unwrap_or(text).to_string(),
        serde_json::Value::Number(n) => words::number(n.as_f64().unwrap_or(f64::NAN)),
        other => other.to_string(),
    }
}

/// The error's name when `text` is a service error as the simulation writes
/// one (`AccessDeniedException: User: arn:… is not authorized …`): a goal's
/// progress names the error; its full message is in the panel that met it.
fn exception_name(text: &str) -> Option<&str> {
    let (name, _) = text.split_once(": ")?;
    (name.ends_with("Exception") && name.chars().all(|c| c.is_ascii_alphanumeric())).then_some(name)
}

/// Shardlab's own state words (a KCL worker's `Status`), each as the end of a
/// sentence about what the label names ("worker-1 was killed") and as what a
/// goal wants ("needs to be killed"). AWS's own values (`ACTIVE`,
/// `ON_DEMAND`, `KMS`) stay as AWS writes them: the learner meets them in
/// the API console and the AWS documentation.
const STATE_WORDS: &[(&str, &str, &str)] = &[
    ("RUNNING", "is running", "running"),
    ("PAUSED", "is paused", "paused"),
    ("STOPPED", "has stopped", "stopped"),
    ("KILLED", "was killed", "killed"),
];

/// A label that reads as a subject and a verb's "-ing" form ("spike
/// generator running"), split into the two, for a yes-or-no value.
fn subject_and_verb(label: &str) -> Option<(&str, &str)> {
    label.rsplit_once(' ').filter(|(subject, verb)| !subject.is_empty() && verb.len() > 4 && verb.ends_with("ing"))
}

/// What `label` having `value` says, as the learner reads it: "spike
/// generator is running" for a yes-or-no value of a label with a verb,
/// "worker-1 was killed" for a state word, and otherwise "label: value",
/// the value as [`value_words`] writes it (a count as a whole number).
pub fn statement(label: &str, value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Bool(yes) => match subject_and_verb(label) {
            Some((subject, verb)) => format!("{subject} is {}{verb}", if *yes { "" } else { "not " }),
            None => format!("{label}: {}", if *yes { "yes" } else { "no" }),
        },
        serde_json::Value::String(word) => match STATE_WORDS.iter().find(|(w, ..)| *w == word.as_str()) {
            Some((_, said, _)) => format!("{label} {said}"),
            None => format!("{label}: {}", value_words(value)),
        },
        _ => format!("{label}: {}", value_words(value)),
    }
}

/// Where the learner stands when `value` is not the `expected` one, as a
/// sentence, for yes-or-no values and state words; `None` for the rest,
/// which say the value and what the goal needs.
fn not_yet(label: &str, value: &serde_json::Value, expected: &serde_json::Value) -> Option<String> {
    match (value, expected) {
        (serde_json::Value::Bool(yes), serde_json::Value::Bool(_)) => Some(match subject_and_verb(label) {
            Some((subject, verb)) if *yes => format!("{subject} is still {verb}"),
            Some((subject, verb)) => format!("{subject} is not {verb} yet"),
            None => format!("{label}: {}, needs {}", if *yes { "yes" } else { "no" }, if *yes { "no" } else { "yes" }),
        }),
        (_, serde_json::Value::String(wanted)) => {
            let (_, _, wanted) = STATE_WORDS.iter().find(|(w, ..)| *w == wanted.as_str())?;
            Some(format!("{}, needs to be {wanted}", statement(label, value)))
        }
        _ => None,
    }
}

/// Compares a measured `value` with the thresholds, saying what it is.
fn compare(
    label: &str,
    value: &serde_json::Value,
    at_least: Option<i64>,
    at_most: Option<i64>,
    equals: Option<&serde_json::Value>,
) -> (bool, String) {
    let number = value.as_f64().or_else(|| value.as_str()?.parse().ok());
    let mut wanted = Vec::new();
    let mut met = true;
    if let Some(min) = at_least {
        met &= number.is_some_and(|n| n >= min as f64);
        wanted.push(format!("at least {}", words::number(min as f64)));
    }
    if let Some(max) = at_most {
        met &= number.is_some_and(|n| n <= max as f64);
        wanted.push(format!("at most {}", words::number(max as f64)));
    }
    if let Some(expected) = equals {
        let same = match (expected.as_f64(), number) {
            (Some(e), Some(n)) => e == n,
            // Text compares with the value as the answer wrote it: "false" with false.
            _ => {
                let written = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                expected == value || expected.as_str() == Some(written.as_str())
            }
        };
        met &= same;
        wanted.push(format!("exactly {}", value_words(expected)));
    }
    if met {
        (true, statement(label, value))
    } else if let Some(sentence) = equals.filter(|_| wanted.len() == 1).and_then(|e| not_yet(label, value, e)) {
        (false, sentence)
    } else {
        (false, format!("{}, needs {}", statement(label, value), wanted.join(" and ")))
    }
}

/// "1 record", "2 records".
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

impl Lesson {
    /// The name of the lesson's stream.
    pub fn stream_name(&self) -> &str {
        &self.setup.stream_name
    }

    /// A fresh simulation holding the lesson's empty stream, already `ACTIVE`.
    ///
    /// # Panics
    /// If the setup is one the simulation rejects, which loading rules out.
    pub fn start(&self) -> Simulation {
        match self.setup.start() {
            Ok(sim) => sim,
            Err(err) => panic!("lesson={} setup was checked when loading: {err}", self.id),
        }
    }

    /// Every goal, in order, and whether `sim` meets it. Goals only read:
    /// through the JSON API's read-only targets, over a shared simulation.
    pub fn check(&self, sim: &Simulation) -> Vec<GoalStatus> {
        let mut statuses: Vec<GoalStatus> = Vec::with_capacity(self.goals.len());
        for goal in &self.goals {
            let (mut met, mut detail) = goal.condition.evaluate(sim, self.stream_name());
            // Loading checked that required goals come earlier.
            if let Some(first) = statuses.iter().find(|s| goal.requires.contains(&s.goal_id) && !s.met) {
                met = false;
                detail = format!("{detail}; counts once this is done: {}", first.description);
            }
            statuses.push(GoalStatus {
                goal_id: goal.id.clone(),
                description: goal.description.clone(),
                met,
                standing: goal.standing,
                detail,
            });
        }
        statuses
    }

    /// Whether `sim` meets every goal: the lesson is solved.
    pub fn goals_met(&self, sim: &Simulation) -> bool {
        self.check(sim).iter().all(|status| status.met)
    }

    /// Whether the learner may take `action` in this lesson.
    pub fn allows(&self, action: &Action) -> bool {
        self.allows_permission(action.permission())
    }

    /// Whether the learner may take actions named `permission`: an action
    /// kind or an API target. `api` allows every target; an action and the
    /// API target it sends (`put_record` and `Kinesis_20131202.PutRecord`)
    /// allow each other.
    pub fn allows_permission(&self, permission: &str) -> bool {
        const SAME: &[(&str, &str)] = &[
            ("put_record", "Kinesis_20131202.PutRecord"),
            ("start_polling_consumer", "Shardlab.StartPollingConsumer"),
            ("advance", "Shardlab.AdvanceClock"),
        ];
        let aliases = SAME.iter().filter_map(|&(kind, target)| match permission {
            p if p == kind => Some(target),
            p if p == target => Some(kind),
            _ => None,
        });
        let names: Vec<&str> = std::iter::once(permission).chain(aliases).collect();
        let Some(allowed) = &self.allowed_actions else { return true };
        let is_target = !ACTION_KINDS.contains(&permission);
        names.contains(&"advance") || allowed.iter().any(|a| names.contains(&a.as_str()) || (a == "api" && is_target))
    }

    /// The clock and every goal at the start and after each step of the
    /// reference solution and of each known-wrong solution, for an author
    /// tuning a lesson's timings (`lesson-check --trace`). Works on a lesson
    /// whose replay fails, which is when it is most needed.
    pub fn trace(&self) -> String {
        use std::fmt::Write;
        let solution = std::iter::once(("solution".to_string(), &self.solution[..]));
        let wrong = self.wrong_solutions.iter().map(|w| (format!("wrong solution `{}`", w.name), &w.actions[..]));
        let mut out = String::new();
        for (attempt, actions) in solution.chain(wrong) {
            let _ = writeln!(out, "{attempt}:");
            let mut sim = match self.setup.start() {
                Ok(sim) => sim,
                Err(err) => {
                    let _ = writeln!(out, "  [setup] {err}");
                    return out;
                }
            };
            let goals = |out: &mut String, sim: &Simulation, what: &str| {
                let _ = writeln!(out, "  {}  {what}", clock::words(sim.now()));
                for status in self.check(sim) {
                    let mark = if status.met { "[x]" } else { "[ ]" };
                    let _ = writeln!(out, "              {mark} {}: {}", status.goal_id, status.detail);
                }
            };
            goals(&mut out, &sim, "start");
            for (idx, action) in actions.iter().enumerate() {
                let step = format!("step {}: {}", idx + 1, action.describe());
                if let Err(err) = action.apply(&mut sim) {
                    let _ = writeln!(out, "  {}  {step}\n              fails: {err}", clock::words(sim.now()));
                    break;
                }
                goals(&mut out, &sim, &step);
            }
            let unmet: Vec<String> =
                self.check(&sim).into_iter().filter(|status| !status.met).map(|status| status.goal_id).collect();
            let verdict =
                if unmet.is_empty() { "every goal met".to_string() } else { format!("unmet: {}", unmet.join(", ")) };
            let _ = writeln!(out, "  ends at {}: {verdict}", clock::words(sim.now()));
        }
        out
    }

    /// Runs `actions` from the start; on failure, the failing step's index and error.
    fn replay(&self, actions: &[Action]) -> Result<Simulation, (usize, String)> {
        let mut sim = self.start();
        for (idx, action) in actions.iter().enumerate() {
            action.apply(&mut sim).map_err(|err| (idx, err))?;
        }
        Ok(sim)
    }
}

/// `lesson.toml`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    // Checked by `Source::parse_toml` before this struct is read.
    #[serde(rename = "format_version")]
    _format_version: serde::de::IgnoredAny,
    id: Spanned<String>,
    title: Spanned<String>,
    summary: Spanned<String>,
    minutes: Spanned<u32>,
    topics: Spanned<Vec<u32>>,
    #[serde(default)]
    allowed_actions: Option<Spanned<Vec<String>>>,
    setup: Spanned<Setup>,
    goals: Vec<Spanned<Goal>>,
    // Read as tables and converted one by one: toml would place an error in
    // the third `[[solution]]` at the first, where the array starts.
    solution: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    wrong_solutions: Vec<Spanned<WrongSolution>>,
}

/// Parses and checks one lesson from its three files. Returns it with the
/// offset of its id in `lesson.toml`, for reporting a clash with another lesson.
pub(crate) fn parse(
    mechanics: &Source,
    prose: &Source,
    quiz: &Source,
    checks: Checks,
) -> Result<(Lesson, usize), LessonError> {
    let file: LessonFile = mechanics.parse_toml()?;
    let id_at = file.id.span().start;
    check_slug(mechanics, id_at, "lesson id", file.id.get_ref())?;
    check_text(mechanics, file.title.span().start, "title", file.title.get_ref())?;
    check_text(mechanics, file.summary.span().start, "summary", file.summary.get_ref())?;
    let minutes_at = file.minutes.span().start;
    let minutes = file.minutes.into_inner();
    if !(1..=MAX_MINUTES).contains(&minutes) {
        return Err(mechanics.error_at(
            minutes_at,
            format!("`minutes` must be from 1 to {MAX_MINUTES}, but is {minutes}: a longer lesson is two lessons"),
        ));
    }

    let topics_at = file.topics.span().start;
    let topics = file.topics.into_inner();
    if topics.is_empty() {
        return Err(mechanics.error_at(topics_at, "`topics` lists no topic"));
    }
    if let Some(topic) = topics.iter().find(|t| !(1..TOPIC_COUNT).contains(t)) {
        return Err(mechanics.error_at(
            topics_at,
            format!(
                "topic {topic} is not a lesson topic: topics are 1 to {} ({TOPIC_COUNT} is the exam)",
                TOPIC_COUNT - 1
            ),
        ));
    }
    let allowed_actions = match file.allowed_actions {
        None => None,
        Some(spanned) => {
            let at = spanned.span().start;
            let allowed = spanned.into_inner();
            for permission in &allowed {
                if !is_known_permission(permission) {
                    return Err(mechanics.error_at(
                        at,
                        format!(
                            "allowed action `{permission}` is neither an action ({}) nor an API target",
                            ACTION_KINDS.join(", ")
                        ),
                    ));
                }
            }
            Some(allowed)
        }
    };

    let setup_at = file.setup.span().start;
    let mut setup = file.setup.into_inner();
    for step in &mut setup.steps {
        if let Some(name) = step.stream_name_mut().filter(|name| name.is_empty()) {
            *name = setup.stream_name.clone();
        }
    }
    if checks == Checks::Replay
        && let Err(err) = setup.start()
    {
        return Err(mechanics.error_at(setup_at, format!("[setup] {err}")));
    }

    if file.goals.is_empty() {
        return Err(mechanics.error("a lesson needs at least one `[[goals]]`"));
    }
    let mut goals: Vec<Goal> = Vec::with_capacity(file.goals.len());
    let mut goal_at = Vec::with_capacity(file.goals.len());
    for spanned in file.goals {
        let at = spanned.span().start;
        goal_at.push(at);
        let goal = spanned.into_inner();
        check_slug(mechanics, at, "goal id", &goal.id)?;
        check_text(mechanics, at, &format!("goal `{}`: description", goal.id), &goal.description)?;
        if goals.iter().any(|g| g.id == goal.id) {
            return Err(mechanics.error_at(at, format!("goal id `{}` is used twice", goal.id)));
        }
        if let Some(unknown) = goal.requires.iter().find(|id| !goals.iter().any(|g| &g.id == *id)) {
            return Err(mechanics
                .error_at(at, format!("goal `{}` requires `{unknown}`, which is not a goal above it", goal.id)));
        }
        if let Condition::Api { target, .. } = &goal.condition
            && !api::is_read_only(target)
        {
            return Err(mechanics.error_at(
                at,
                format!("goal `{}`: a condition may only read, and `{target}` is not a read-only target", goal.id),
            ));
        }
        goals.push(goal);
    }

    if file.solution.is_empty() {
        return Err(mechanics.error("a lesson needs a reference solution: one or more `[[solution]]` actions"));
    }
    let mut solution = Vec::with_capacity(file.solution.len());
    let mut solution_at = Vec::with_capacity(file.solution.len());
    for spanned in file.solution {
        let at = spanned.span().start;
        let mut action: Action = mechanics.convert(at, toml::Value::Table(spanned.into_inner()))?;
        resolve_stream(mechanics, at, &setup, &mut action)?;
        solution.push(action);
        solution_at.push(at);
    }

    let mut wrong_solutions = Vec::with_capacity(file.wrong_solutions.len());
    let mut wrong_at = Vec::with_capacity(file.wrong_solutions.len());
    for spanned in file.wrong_solutions {
        let at = spanned.span().start;
        let mut wrong = spanned.into_inner();
        check_text(mechanics, at, "wrong solution name", &wrong.name)?;
        for action in &mut wrong.actions {
            resolve_stream(mechanics, at, &setup, action)?;
        }
        wrong_solutions.push(wrong);
        wrong_at.push(at);
    }

    let prose = prose::parse(prose)?;
    let start = || setup.start().expect("checked above");
    let quiz =
        quiz::parse(quiz, &setup.stream_name, (checks == Checks::Replay).then_some(&start as &dyn Fn() -> Simulation))?;
    let lesson = Lesson {
        id: file.id.into_inner(),
        title: file.title.into_inner(),
        summary: file.summary.into_inner(),
        minutes,
        topics,
        allowed_actions,
        setup,
        goals,
        solution,
        wrong_solutions,
        intro: prose.intro,
        hints: prose.hints,
        explanation: prose.explanation,
        quiz,
    };
    check_permissions(&lesson, mechanics, &solution_at, &wrong_at)?;
    if checks == Checks::Replay {
        check_solutions(&lesson, mechanics, &goal_at, &solution_at, &wrong_at)?;
    }
    Ok((lesson, id_at))
}

/// Whether `permission` names an action kind or an operation of the JSON API.
fn is_known_permission(permission: &str) -> bool {
    if ACTION_KINDS.contains(&permission) {
        return true;
    }
    // An empty body is refused by every known operation for its members,
    // never as an unknown operation; the scratch simulation is thrown away.
    let answer = api::handle(&mut Simulation::new(), permission, "{}");
    !answer.body.contains("UnknownOperationException")
}

/// Fills in an action's stream when the file leaves it out, and rejects a
/// stream other than the lesson's: goals only look at the lesson's stream.
fn resolve_stream(source: &Source, at: usize, setup: &Setup, action: &mut Action) -> Result<(), LessonError> {
    match action.stream_name_mut() {
        Some(name) if name.is_empty() => *name = setup.stream_name.clone(),
        Some(name) if *name != setup.stream_name => {
            return Err(source.error_at(
                at,
                format!("the action names stream `{name}`, but the lesson's stream is `{}`", setup.stream_name),
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Checks that the solutions use only the lesson's `allowed_actions`.
fn check_permissions(
    lesson: &Lesson,
    source: &Source,
    solution_at: &[usize],
    wrong_at: &[usize],
) -> Result<(), LessonError> {
    let steps = lesson.solution.iter().zip(solution_at).map(|(action, &at)| (action, at, "solution"));
    let wrong_steps = lesson
        .wrong_solutions
        .iter()
        .zip(wrong_at)
        .flat_map(|(wrong, &at)| wrong.actions.iter().map(move |action| (action, at, wrong.name.as_str())));
    for (action, at, attempt) in steps.chain(wrong_steps) {
        if !lesson.allows(action) {
            return Err(source.error_at(
                at,
                format!("{attempt}: `{}` is not in the lesson's `allowed_actions`", action.permission()),
            ));
        }
    }
    Ok(())
}

/// Proves the goals are well chosen: each unmet at the start (a standing
/// goal, met), met by the reference solution, and failed by every
/// known-wrong solution.
fn check_solutions(
    lesson: &Lesson,
    source: &Source,
    goal_at: &[usize],
    solution_at: &[usize],
    wrong_at: &[usize],
) -> Result<(), LessonError> {
    let at_start = lesson.check(&lesson.start());
    for (status, &at) in at_start.iter().zip(goal_at) {
        if status.met && !status.standing {
            return Err(source.error_at(
                at,
                format!(
                    "goal `{}` is met before the learner does anything ({}): make it need the learner's action, \
                     or mark it `standing = true` if it is a condition to keep",
                    status.goal_id, status.detail
                ),
            ));
        }
        if !status.met && status.standing {
            return Err(source.error_at(
                at,
                format!(
                    "standing goal `{}` does not hold at the start ({}): a condition to keep must hold until the learner breaks it",
                    status.goal_id, status.detail
                ),
            ));
        }
    }
    if at_start.iter().all(|status| status.standing) {
        return Err(source.error("every goal is standing: a lesson needs at least one goal the learner must reach"));
    }
    let solved = lesson
        .replay(&lesson.solution)
        .map_err(|(idx, err)| source.error_at(solution_at[idx], format!("solution step {} fails: {err}", idx + 1)))?;
    let statuses = lesson.check(&solved);
    if let Some((goal, unmet)) = lesson.goals.iter().zip(statuses).find(|(_, status)| !status.met) {
        // "none yet" is the learner's reading; the author also needs to know
        // the pointer found nothing, which may be a typo.
        let missing = match &goal.condition {
            Condition::Api { target, body, pointer, .. } => crate::action::read(&solved, target, body)
                .is_ok_and(|answer| answer.pointer(pointer).is_none())
                .then(|| format!("; the answer has nothing at {pointer}")),
            _ => None,
        };
        return Err(source.error_at(
            solution_at[0],
            format!(
                "the solution does not meet goal `{}` when it ends, at {}: {}{} (lesson-check --trace {} shows each step)",
                unmet.goal_id,
                clock::words(solved.now()),
                unmet.detail,
                missing.unwrap_or_default(),
                lesson.id
            ),
        ));
    }
    for (wrong, &at) in lesson.wrong_solutions.iter().zip(wrong_at) {
        // A wrong attempt may fail part-way, as the learner's would: the
        // service refuses the call, and the goals are checked where it stopped.
        let sim = match lesson.replay(&wrong.actions) {
            Ok(sim) => sim,
            Err((idx, _)) => lesson.replay(&wrong.actions[..idx]).map_err(|(idx, err)| {
                source.error_at(at, format!("wrong solution `{}`: step {} fails: {err}", wrong.name, idx + 1))
            })?,
        };
        if lesson.goals_met(&sim) {
            return Err(
                source.error_at(at, format!("wrong solution `{}` meets every goal; it must fail one", wrong.name))
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_condition(condition: &Condition, n_records: &[usize], met: bool, detail: &str) {
        assert_eq!(condition.evaluate_records(n_records), (met, detail.to_string()));
    }

    #[test]
    fn service_errors_in_progress_are_named_not_quoted() {
        use serde_json::json;
        let denied = json!(
            "AccessDeniedException: User: arn:aws:iam::123456789012:user/p is not authorized to perform: kinesis:GetRecords"
        );
        assert_eq!(
            compare("last error", &denied, None, None, None),
            (true, "last error: AccessDeniedException".into())
        );
        // Text that merely contains a colon is shown whole.
        assert_eq!(value_words(&json!("Note: fine")), "Note: fine");
        let mut sim = Simulation::new();
        let missing = Condition::Api {
            target: "Firehose_20150804.DescribeDeliveryStream".into(),
            body: json!({"DeliveryStreamName": "archive"}),
            pointer: "/DeliveryStreamDescription/DeliveryStreamStatus".into(),
            sum_of: None,
            label: "archive".into(),
            at_least: None,
            at_most: None,
            equals: Some(json!("ACTIVE")),
        };
        assert_eq!(missing.evaluate(&mut sim, "s"), (false, "archive: none yet".into()));
    }

    #[test]
    fn api_conditions_compare_what_the_service_reports() {
        use serde_json::json;
        let answer = json!({"A": {"N": 3, "S": "7", "Name": "ACTIVE", "Big": 120_000.0, "Flag": false}, "L": [{"Sum": 2.0}, {"Sum": 5.0}, {}], "E": []});
        // (pointer, sum_of, at_least, at_most, equals, met, detail)
        type Case = (
            &'static str,
            Option<&'static str>,
            Option<i64>,
            Option<i64>,
            Option<serde_json::Value>,
            bool,
            &'static str,
        );
        let cases: &[Case] = &[
            ("/A/N", None, Some(3), None, None, true, "n: 3"),
            ("/A/N", None, Some(4), None, None, false, "n: 3, needs at least 4"),
            ("/A/N", None, Some(1), Some(2), None, false, "n: 3, needs at least 1 and at most 2"),
            ("/A/S", None, None, Some(7), None, true, "n: 7"),
            ("/A/Name", None, None, None, Some(json!("ACTIVE")), true, "n: ACTIVE"),
            ("/A/Name", None, None, None, Some(json!("UPDATING")), false, "n: ACTIVE, needs exactly UPDATING"),
            ("/A/Flag", None, None, None, Some(json!(true)), false, "n: no, needs yes"),
            ("/A/Flag", None, None, None, Some(json!("false")), true, "n: no"),
            ("/L", None, Some(3), None, None, true, "n: 3"),
            ("/L", Some("Sum"), Some(7), None, None, true, "n: 7"),
            ("/L", Some("Sum"), None, Some(6), None, false, "n: 7, needs at most 6"),
            // An empty list sums to -0.0 in Rust; the learner reads 0.
            ("/E", Some("Sum"), None, Some(5000), None, true, "n: 0"),
            ("/A/Big", None, Some(150_000), None, None, false, "n: 120,000, needs at least 150,000"),
            ("/A/Big", None, None, None, Some(json!(120_000.0)), true, "n: 120,000"),
        ];
        for (pointer, sum_of, at_least, at_most, equals, met, detail) in cases {
            let value = measure(&answer, pointer, *sum_of).unwrap();
            assert_eq!(
                compare("n", &value, *at_least, *at_most, equals.as_ref()),
                (*met, detail.to_string()),
                "{pointer}"
            );
        }
        assert_eq!(measure(&answer, "/B", None), Err("the answer has nothing at /B".into()));
    }

    #[test]
    fn progress_reads_as_a_sentence_with_whole_counts() {
        use serde_json::json;
        // (label, value, at_least, equals, met, detail)
        let cases: &[(&str, serde_json::Value, Option<i64>, Option<serde_json::Value>, bool, &str)] = &[
            (
                "spike generator running",
                json!(true),
                None,
                Some(json!(false)),
                false,
                "spike generator is still running",
            ),
            ("spike generator running", json!(false), None, Some(json!(false)), true, "spike generator is not running"),
            ("generator 1 running", json!(false), None, Some(json!(true)), false, "generator 1 is not running yet"),
            ("generator 1 running", json!(true), None, Some(json!(true)), true, "generator 1 is running"),
            // A yes-or-no label with no verb to make a sentence of.
            ("compressed", json!(true), None, Some(json!(true)), true, "compressed: yes"),
            ("worker-1", json!("KILLED"), None, Some(json!("KILLED")), true, "worker-1 was killed"),
            (
                "worker-1",
                json!("RUNNING"),
                None,
                Some(json!("KILLED")),
                false,
                "worker-1 is running, needs to be killed",
            ),
            (
                "worker-2",
                json!("STOPPED"),
                None,
                Some(json!("RUNNING")),
                false,
                "worker-2 has stopped, needs to be running",
            ),
            // AWS's own values stay as AWS writes them.
            (
                "capacity mode",
                json!("PROVISIONED"),
                None,
                Some(json!("ON_DEMAND")),
                false,
                "capacity mode: PROVISIONED, needs exactly ON_DEMAND",
            ),
            (
                "fraud-detector status",
                json!("ACTIVE"),
                None,
                Some(json!("ACTIVE")),
                true,
                "fraud-detector status: ACTIVE",
            ),
            // A count summed from floats reads as a whole number.
            ("entries throttled", json!(5.0), Some(1), None, true, "entries throttled: 5"),
            ("entries throttled", json!(0.0), Some(1), None, false, "entries throttled: 0, needs at least 1"),
        ];
        for (label, value, at_least, equals, met, detail) in cases {
            assert_eq!(
                compare(label, value, *at_least, None, equals.as_ref()),
                (*met, detail.to_string()),
                "{label} {value}"
            );
        }
        assert_eq!(statement("entries throttled", &json!(5.0)), "entries throttled: 5");
    }

    #[test]
    fn a_window_the_clock_has_not_reached_has_no_data_yet() {
        let window: Condition = toml::from_str::<toml::Table>(
            r#"condition = { kind = "api", target = "Shardlab.GetMetricStatistics", body = { StreamName = "s", MetricName = "WriteProvisionedThroughputExceeded", Period = 60, StartTime = "00:01:00", EndTime = "00:02:00" }, pointer = "/Datapoints", sum_of = "Sum", label = "throttled writes", at_most = 5000 }"#,
        )
        .unwrap()["condition"]
            .clone()
            .try_into()
            .unwrap();
        let mut sim = Simulation::new();
        sim.create_stream(shardlab_core::CreateStreamInput::provisioned("s", 1)).unwrap();
        let no_data = (false, "throttled writes: no data yet; the window starts at 00:01:00".to_string());
        for (clock_words, expected) in [
            ("00:00:05", no_data.clone()),
            ("00:01:00.999", no_data),
            ("00:01:01", (true, "throttled writes: 0".to_string())),
        ] {
            let to = clock::parse(clock_words).unwrap();
            sim.advance(to.saturating_since(sim.now()));
            assert_eq!(window.evaluate(&mut sim, "s"), expected, "{clock_words}");
        }
    }

    #[test]
    fn allowed_actions_cover_their_aliases_and_api_covers_every_target() {
        let course = crate::Course::load_trusted().unwrap();
        let mut lesson = course.lessons[0].clone();
        let cases = [
            (None, "Kinesis_20131202.SplitShard", true),
            (Some(vec!["put_record"]), "put_record", true),
            (Some(vec!["put_record"]), "Kinesis_20131202.PutRecord", true),
            (Some(vec!["put_record"]), "Kinesis_20131202.PutRecords", false),
            (Some(vec!["put_record"]), "advance", true),
            (Some(vec!["put_record"]), "Shardlab.AdvanceClock", true),
            (Some(vec!["Shardlab.StartPollingConsumer"]), "start_polling_consumer", true),
            (Some(vec!["api"]), "Kinesis_20131202.SplitShard", true),
            (Some(vec!["api"]), "put_record", false),
        ];
        for (allowed, permission, expected) in cases {
            lesson.allowed_actions = allowed.clone().map(|a| a.into_iter().map(String::from).collect());
            assert_eq!(lesson.allows_permission(permission), expected, "{allowed:?} {permission}");
        }
    }

    #[test]
    fn conditions_explain_where_the_learner_stands() {
        let fullest = Condition::MaxRecordsInOneShard { at_least: 3 };
        check_condition(&fullest, &[0, 0, 0, 0], false, "the fullest shard holds 0 of 3 records");
        check_condition(&fullest, &[1, 2, 0, 1], false, "the fullest shard holds 2 of 3 records");
        check_condition(&fullest, &[1, 2, 4, 1], true, "the fullest shard holds 4 records");
        let spread = Condition::ShardsWithRecords { at_least: 2 };
        check_condition(&spread, &[0, 5, 0, 0], false, "records are in 1 of 2 shards");
        check_condition(&spread, &[1, 5, 0, 0], true, "records are in 2 shards");
        let total = Condition::TotalRecords { at_least: 1 };
        check_condition(&total, &[0, 0], false, "the stream holds 0 of 1 record");
        check_condition(&total, &[0, 1], true, "the stream holds 1 record");
    }
}
