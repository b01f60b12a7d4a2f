//! Risk assessment: a questionnaire, its validation, and the pure scoring rules.
//!
//! There is no national matrix, so a questionnaire is data an administrator publishes
//! ([`QuestionnaireSpec::parse`] checks it), and an assessment is scored against the version it was
//! answered on:
//!
//! - each answer carries a weight (yes/no questions weigh their "yes"; choices weigh each option);
//!   the **score** is the sum;
//! - the score gives a **level**: high at `score >= high`, medium at `score >= medium`, standard
//!   below ([`Thresholds::level`]);
//! - a **forced-high rule** (question + answer) makes the computed level high whatever the score;
//! - an officer may **override upwards only**, with a reason ([`final_level`]).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{NonEmptyLongText, RiskLevel};
use crate::error::{AppError, AppResult};

mod questionnaire;

pub use questionnaire::{
    AnswerKind, ChoiceOption, Definition, ForcedHigh, Question, QuestionnaireSpec, RawQuestion,
    RawQuestionnaire, Thresholds,
};

pub const MAX_QUESTIONS: usize = 100;
pub const MAX_OPTIONS: usize = 20;
pub const MAX_WEIGHT: i32 = 1000;
pub const MAX_VALIDITY_DAYS: i32 = 3650;
/// How long an assessment counts as current unless the questionnaire says otherwise.
pub const DEFAULT_VALIDITY_DAYS: i32 = 365;
pub const YES: &str = "yes";
pub const NO: &str = "no";

/// Standard < medium < high.
pub fn rank(level: RiskLevel) -> u8 {
    match level {
        RiskLevel::Standard => 0,
        RiskLevel::Medium => 1,
        RiskLevel::High => 2,
    }
}

/// The higher of two levels.
pub fn highest(a: RiskLevel, b: RiskLevel) -> RiskLevel {
    if rank(b) > rank(a) { b } else { a }
}

/// One answer as submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawAnswer {
    pub question_key: String,
    pub answer: String,
}

/// Answers checked against one version: one per question, canonical, in question order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerSet(Vec<(String, String)>);

impl AnswerSet {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, a)| (k.as_str(), a.as_str()))
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, a)| a)
    }
    /// The stored form.
    pub fn to_json(&self) -> AppResult<String> {
        let v: Vec<RawAnswer> = self
            .iter()
            .map(|(k, a)| RawAnswer {
                question_key: k.into(),
                answer: a.into(),
            })
            .collect();
        serde_json::to_string(&v).map_err(AppError::internal)
    }
}

/// Reads stored answers back.
pub fn answers_from_json(json: &str) -> AppResult<Vec<RawAnswer>> {
    serde_json::from_str(json).map_err(AppError::internal)
}

/// The outcome of scoring, before any override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    pub score: i32,
    /// The level by score, raised to high by any forced-high rule that matched.
    pub computed: RiskLevel,
    /// The keys of the questions whose forced-high rule matched.
    pub forced_by: Vec<String>,
}

/// An officer's decision to raise the level, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub level: RiskLevel,
    pub reason: NonEmptyLongText,
}

impl Override {
    /// Both or neither: a level without a reason, or a reason without a level, is refused.
    pub fn parse(level: Option<RiskLevel>, reason: Option<&str>) -> AppResult<Option<Self>> {
        match (level, reason) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(AppError::bad_input(
                "overrideReason",
                "is only given with overrideLevel",
            )),
            (Some(_), None) => Err(AppError::bad_input(
                "overrideReason",
                "an override needs a reason",
            )),
            (Some(level), Some(r)) => Ok(Some(Self {
                level,
                reason: NonEmptyLongText::parse("overrideReason", r)?,
            })),
        }
    }
}

/// The final level: the computed one, or an override that must be strictly above it.
pub fn final_level(computed: RiskLevel, over: Option<&Override>) -> AppResult<RiskLevel> {
    match over {
        None => Ok(computed),
        Some(o) if rank(o.level) > rank(computed) => Ok(o.level),
        Some(_) => Err(AppError::bad_input(
            "overrideLevel",
            format!("may only raise the level above the computed {computed}"),
        )),
    }
}

/// Until when an assessment made at `at` counts as current.
pub fn valid_until(at: DateTime<Utc>, validity_days: i32) -> DateTime<Utc> {
    at + Duration::days(i64::from(validity_days))
}

#[cfg(test)]
mod tests;
