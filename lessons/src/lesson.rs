//! One lesson: its mechanics (`lesson.toml`), prose and quiz, and how a
//! simulation is checked against its goals.
//!
//! A goal is a named condition over the state of the lesson's stream, not a
//! script the learner must follow: any sequence of actions that reaches the
//! state counts. Loading a lesson proves it can be solved and cannot be
//! solved by accident, by replaying its reference solution and its known
//! wrong solutions.

use serde::Deserialize;
use shardlab_core::{CreateStreamError, CreateStreamInput, Simulation, limits};
use toml::Spanned;

use crate::action::Action;
use crate::error::{LessonError, Source, check_slug, check_text};
use crate::markdown::Markdown;
use crate::prose;
use crate::quiz::{self, Question};

/// A lesson, loaded and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// Unique within the course; used in URLs and saved progress.
    pub id: String,
    /// Shown as the lesson's heading.
    pub title: String,
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

/// The lesson's starting state: one provisioned stream, empty.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// The stream every action and goal refers to.
    pub stream_name: String,
    /// How many shards `CreateStream` gives it.
    pub shard_count: u32,
}

impl Setup {
    /// A simulation holding this setup's stream, past its `CREATING` delay.
    fn start(&self) -> Result<Simulation, CreateStreamError> {
        let mut sim = Simulation::new();
        sim.create_stream(CreateStreamInput::provisioned(self.stream_name.clone(), self.shard_count))?;
        sim.advance(limits::STREAM_CREATE_DELAY);
        Ok(sim)
    }
}

/// Something the learner must achieve.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Unique within the lesson.
    pub id: String,
    /// The task, as the learner reads it.
    pub description: String,
    /// When the task is done.
    pub condition: Condition,
}

/// A test of the lesson stream's state, written in TOML as an inline table
/// tagged by `kind`: `{ kind = "total_records", at_least = 4 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
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
    /// Where the learner stands, e.g. "the fullest shard holds 2 of 3 records".
    pub detail: String,
}

/// A known-wrong attempt, kept so that loading proves the goals reject it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongSolution {
    /// What the mistake is, e.g. "a different key for every record".
    pub name: String,
    /// The attempt.
    pub actions: Vec<Action>,
}

impl Condition {
    /// Whether the condition holds for a stream whose shards hold
    /// `records_per_shard`, and where the learner stands, in their terms.
    fn evaluate(self, records_per_shard: &[usize]) -> (bool, String) {
        let records = records_per_shard.iter().copied();
        let (subject, noun, have, at_least) = match self {
            Condition::MaxRecordsInOneShard { at_least } => {
                ("the fullest shard holds", "record", records.max().unwrap_or(0), at_least)
            }
            Condition::ShardsWithRecords { at_least } => {
                ("records are in", "shard", records.filter(|&n| n > 0).count(), at_least)
            }
            Condition::TotalRecords { at_least } => ("the stream holds", "record", records.sum(), at_least),
        };
        if have >= at_least {
            (true, format!("{subject} {}", count(have, noun)))
        } else {
            (false, format!("{subject} {have} of {}", count(at_least, noun)))
        }
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
            Err(err) => panic!("lesson={} setup was checked when loading: {}: {err}", self.id, err.code()),
        }
    }

    /// Every goal, in order, and whether `sim` meets it.
    pub fn check(&self, sim: &Simulation) -> Vec<GoalStatus> {
        let shards = sim.stream(self.stream_name()).map(|s| s.shards).unwrap_or_default();
        let records_per_shard: Vec<usize> = shards.iter().map(|s| s.n_records).collect();
        self.goals
            .iter()
            .map(|goal| {
                let (met, detail) = goal.condition.evaluate(&records_per_shard);
                GoalStatus { goal_id: goal.id.clone(), description: goal.description.clone(), met, detail }
            })
            .collect()
    }

    /// Whether `sim` meets every goal: the lesson is solved.
    pub fn goals_met(&self, sim: &Simulation) -> bool {
        self.check(sim).iter().all(|status| status.met)
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
pub(crate) fn parse(mechanics: &Source, prose: &Source, quiz: &Source) -> Result<(Lesson, usize), LessonError> {
    let file: LessonFile = mechanics.parse_toml()?;
    let id_at = file.id.span().start;
    check_slug(mechanics, id_at, "lesson id", file.id.get_ref())?;
    check_text(mechanics, file.title.span().start, "title", file.title.get_ref())?;

    let setup_at = file.setup.span().start;
    let setup = file.setup.into_inner();
    if let Err(err) = setup.start() {
        return Err(mechanics.error_at(setup_at, format!("[setup] cannot create the stream: {}: {err}", err.code())));
    }

    if file.goals.is_empty() {
        return Err(mechanics.error("a lesson needs at least one `[[goals]]`"));
    }
    let mut goals: Vec<Goal> = Vec::with_capacity(file.goals.len());
    for spanned in file.goals {
        let at = spanned.span().start;
        let goal = spanned.into_inner();
        check_slug(mechanics, at, "goal id", &goal.id)?;
        check_text(mechanics, at, &format!("goal `{}`: description", goal.id), &goal.description)?;
        if goals.iter().any(|g| g.id == goal.id) {
            return Err(mechanics.error_at(at, format!("goal id `{}` is used twice", goal.id)));
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
        let mut action: Action =
            toml::Value::Table(spanned.into_inner()).try_into().map_err(|err| mechanics.error_at(at, err.message()))?;
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
    let lesson = Lesson {
        id: file.id.into_inner(),
        title: file.title.into_inner(),
        setup,
        goals,
        solution,
        wrong_solutions,
        intro: prose.intro,
        hints: prose.hints,
        explanation: prose.explanation,
        quiz: quiz::parse(quiz)?,
    };
    check_solutions(&lesson, mechanics, &solution_at, &wrong_at)?;
    Ok((lesson, id_at))
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

/// Proves the goals are well chosen: not met at the start, met by the
/// reference solution, and failed by every known-wrong solution.
fn check_solutions(
    lesson: &Lesson,
    source: &Source,
    solution_at: &[usize],
    wrong_at: &[usize],
) -> Result<(), LessonError> {
    if lesson.goals_met(&lesson.start()) {
        return Err(source.error("every goal is met before the learner does anything"));
    }
    let solved = lesson
        .replay(&lesson.solution)
        .map_err(|(idx, err)| source.error_at(solution_at[idx], format!("solution step {} fails: {err}", idx + 1)))?;
    if let Some(unmet) = lesson.check(&solved).into_iter().find(|status| !status.met) {
        return Err(source.error_at(
            solution_at[0],
            format!("the solution does not meet goal `{}`: {}", unmet.goal_id, unmet.detail),
        ));
    }
    for (wrong, &at) in lesson.wrong_solutions.iter().zip(wrong_at) {
        let sim = lesson.replay(&wrong.actions).map_err(|(idx, err)| {
            source.error_at(at, format!("wrong solution `{}`: step {} fails: {err}", wrong.name, idx + 1))
        })?;
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
    fn check_condition(condition: Condition, n_records: &[usize], met: bool, detail: &str) {
        assert_eq!(condition.evaluate(n_records), (met, detail.to_string()));
    }

    #[test]
    fn conditions_explain_where_the_learner_stands() {
        let fullest = Condition::MaxRecordsInOneShard { at_least: 3 };
        check_condition(fullest, &[0, 0, 0, 0], false, "the fullest shard holds 0 of 3 records");
        check_condition(fullest, &[1, 2, 0, 1], false, "the fullest shard holds 2 of 3 records");
        check_condition(fullest, &[1, 2, 4, 1], true, "the fullest shard holds 4 records");
        let spread = Condition::ShardsWithRecords { at_least: 2 };
        check_condition(spread, &[0, 5, 0, 0], false, "records are in 1 of 2 shards");
        check_condition(spread, &[1, 5, 0, 0], true, "records are in 2 shards");
        let total = Condition::TotalRecords { at_least: 1 };
        check_condition(total, &[0, 0], false, "the stream holds 0 of 1 record");
        check_condition(total, &[0, 1], true, "the stream holds 1 record");
    }
}
