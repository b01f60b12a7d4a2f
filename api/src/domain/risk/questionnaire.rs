//! A questionnaire version: its questions, forced-high rules and thresholds, how an
//! administrator's submission is checked, and how answers are checked and scored against it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{
    AnswerSet, DEFAULT_VALIDITY_DAYS, MAX_OPTIONS, MAX_QUESTIONS, MAX_VALIDITY_DAYS, MAX_WEIGHT,
    NO, RawAnswer, Scored, YES,
};
use crate::{
    domain::{RiskLevel, ShortText},
    error::{AppError, AppResult},
};

/// One answer option of a choice question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
    pub weight: i32,
}

/// How a question is answered, and what each answer weighs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKind {
    /// `yes` weighs `yes_weight`, `no` nothing.
    YesNo {
        yes_weight: i32,
    },
    Choice {
        options: Vec<ChoiceOption>,
    },
}

impl AnswerKind {
    /// The weight of `answer`, when it is a valid answer.
    pub fn weight(&self, answer: &str) -> Option<i32> {
        match self {
            AnswerKind::YesNo { yes_weight } => match answer {
                YES => Some(*yes_weight),
                NO => Some(0),
                _ => None,
            },
            AnswerKind::Choice { options } => {
                options.iter().find(|o| o.value == answer).map(|o| o.weight)
            }
        }
    }

    /// The canonical form of a raw answer, when it is valid.
    fn canonical(&self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        let found = match self {
            AnswerKind::YesNo { .. } => [YES, NO].into_iter().find(|a| a.eq_ignore_ascii_case(raw)),
            AnswerKind::Choice { options } => options
                .iter()
                .map(|o| o.value.as_str())
                .find(|v| v.eq_ignore_ascii_case(raw)),
        };
        found.map(str::to_string)
    }

    fn allowed(&self) -> Vec<&str> {
        match self {
            AnswerKind::YesNo { .. } => vec![YES, NO],
            AnswerKind::Choice { options } => options.iter().map(|o| o.value.as_str()).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub text: String,
    #[serde(flatten)]
    pub kind: AnswerKind,
}

/// An answer that makes the level high whatever the score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForcedHigh {
    pub question_key: String,
    pub answer: String,
}

/// The stored document of a version: its questions and forced-high rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub questions: Vec<Question>,
    pub forced_high: Vec<ForcedHigh>,
}

/// Medium at `score >= medium`, high at `score >= high`; always `0 < medium < high`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    medium: i32,
    high: i32,
}

impl Thresholds {
    pub fn new(medium: i32, high: i32) -> AppResult<Self> {
        if medium <= 0 {
            return Err(AppError::bad_input("mediumThreshold", "must be above 0"));
        }
        if high <= medium {
            return Err(AppError::bad_input(
                "highThreshold",
                "must be above mediumThreshold",
            ));
        }
        Ok(Self { medium, high })
    }
    pub fn medium(&self) -> i32 {
        self.medium
    }
    pub fn high(&self) -> i32 {
        self.high
    }
    pub fn level(&self, score: i32) -> RiskLevel {
        if score >= self.high {
            RiskLevel::High
        } else if score >= self.medium {
            RiskLevel::Medium
        } else {
            RiskLevel::Standard
        }
    }
}

/// A questionnaire version as an administrator submits it, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct RawQuestionnaire {
    pub questions: Vec<RawQuestion>,
    pub forced_high: Vec<ForcedHigh>,
    pub medium_threshold: i32,
    pub high_threshold: i32,
    pub validity_days: Option<i32>,
}

#[derive(Clone, Debug)]
pub struct RawQuestion {
    pub key: String,
    pub text: String,
    /// `None` for a choice question.
    pub yes_weight: Option<i32>,
    pub options: Vec<ChoiceOption>,
}

/// A checked questionnaire version: unique keys, weights in `0..=MAX_WEIGHT`, `0 < M < H`,
/// forced rules that name existing questions and answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionnaireSpec {
    definition: Definition,
    thresholds: Thresholds,
    validity_days: i32,
}

/// A question key (1..=40 of `a-z`, `0-9` and `_`, starting with a letter) or, with
/// `letter_first` false, an option value (the same, starting with anything of them).
fn check_key(field: &str, key: &str, letter_first: bool) -> AppResult<String> {
    let key = key.trim();
    let ok = (1..=40).contains(&key.len())
        && (!letter_first || key.starts_with(|c: char| c.is_ascii_lowercase()))
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(key.to_string())
    } else {
        Err(AppError::bad_input(
            field,
            if letter_first {
                "must be 1-40 characters of a-z, 0-9 and _, starting with a letter"
            } else {
                "must be 1-40 characters of a-z, 0-9 and _"
            },
        ))
    }
}

fn check_weight(field: &str, w: i32) -> AppResult<i32> {
    if (0..=MAX_WEIGHT).contains(&w) {
        Ok(w)
    } else {
        Err(AppError::bad_input(
            field,
            format!("must be between 0 and {MAX_WEIGHT}"),
        ))
    }
}

fn check_question(i: usize, q: RawQuestion) -> AppResult<Question> {
    let f = |name: &str| format!("questions.{i}.{name}");
    let key = check_key(&f("key"), &q.key, true)?;
    let text = ShortText::parse(&f("text"), &q.text)?.into_string();
    let kind = match (q.yes_weight, q.options.is_empty()) {
        (Some(w), true) => AnswerKind::YesNo {
            yes_weight: check_weight(&f("yesWeight"), w)?,
        },
        (None, false) => {
            if !(2..=MAX_OPTIONS).contains(&q.options.len()) {
                return Err(AppError::bad_input(
                    f("options"),
                    format!("a choice needs 2 to {MAX_OPTIONS} options"),
                ));
            }
            let mut seen = BTreeSet::new();
            let mut options = Vec::new();
            for (j, o) in q.options.into_iter().enumerate() {
                let of = |name: &str| format!("questions.{i}.options.{j}.{name}");
                let value = check_key(&of("value"), &o.value, false)?;
                if !seen.insert(value.clone()) {
                    return Err(AppError::bad_input(of("value"), "is used twice"));
                }
                options.push(ChoiceOption {
                    value,
                    label: ShortText::parse(&of("label"), &o.label)?.into_string(),
                    weight: check_weight(&of("weight"), o.weight)?,
                });
            }
            AnswerKind::Choice { options }
        }
        _ => {
            return Err(AppError::bad_input(
                f("yesWeight"),
                "give yesWeight for a yes/no question, or options for a choice",
            ));
        }
    };
    Ok(Question { key, text, kind })
}

impl QuestionnaireSpec {
    pub fn parse(raw: RawQuestionnaire) -> AppResult<Self> {
        if raw.questions.is_empty() || raw.questions.len() > MAX_QUESTIONS {
            return Err(AppError::bad_input(
                "questions",
                format!("give 1 to {MAX_QUESTIONS} questions"),
            ));
        }
        let mut questions: Vec<Question> = Vec::new();
        for (i, q) in raw.questions.into_iter().enumerate() {
            let q = check_question(i, q)?;
            if questions.iter().any(|p| p.key == q.key) {
                return Err(AppError::bad_input(
                    format!("questions.{i}.key"),
                    "is used twice",
                ));
            }
            questions.push(q);
        }
        let mut forced_high = Vec::new();
        for (i, r) in raw.forced_high.into_iter().enumerate() {
            let key = r.question_key.trim();
            let Some(q) = questions.iter().find(|q| q.key == key) else {
                return Err(AppError::bad_input(
                    format!("forcedHigh.{i}.questionKey"),
                    "is not a question of this version",
                ));
            };
            let Some(answer) = q.kind.canonical(&r.answer) else {
                return Err(AppError::bad_input(
                    format!("forcedHigh.{i}.answer"),
                    format!("must be one of: {}", q.kind.allowed().join(", ")),
                ));
            };
            forced_high.push(ForcedHigh {
                question_key: q.key.clone(),
                answer,
            });
        }
        let thresholds = Thresholds::new(raw.medium_threshold, raw.high_threshold)?;
        let validity_days = raw.validity_days.unwrap_or(DEFAULT_VALIDITY_DAYS);
        if !(1..=MAX_VALIDITY_DAYS).contains(&validity_days) {
            return Err(AppError::bad_input(
                "validityDays",
                format!("must be between 1 and {MAX_VALIDITY_DAYS}"),
            ));
        }
        Ok(Self {
            definition: Definition {
                questions,
                forced_high,
            },
            thresholds,
            validity_days,
        })
    }

    /// A stored version, checked again: a document that does not pass is an internal error.
    pub fn from_stored(
        definition: &str,
        medium: i32,
        high: i32,
        validity_days: i32,
    ) -> AppResult<Self> {
        let d: Definition = serde_json::from_str(definition).map_err(AppError::internal)?;
        let raw = RawQuestionnaire {
            questions: d
                .questions
                .into_iter()
                .map(|q| match q.kind {
                    AnswerKind::YesNo { yes_weight } => RawQuestion {
                        key: q.key,
                        text: q.text,
                        yes_weight: Some(yes_weight),
                        options: Vec::new(),
                    },
                    AnswerKind::Choice { options } => RawQuestion {
                        key: q.key,
                        text: q.text,
                        yes_weight: None,
                        options,
                    },
                })
                .collect(),
            forced_high: d.forced_high,
            medium_threshold: medium,
            high_threshold: high,
            validity_days: Some(validity_days),
        };
        Self::parse(raw).map_err(|_| AppError::internal("stored questionnaire fails its checks"))
    }

    /// The document to store.
    pub fn to_json(&self) -> AppResult<String> {
        serde_json::to_string(&self.definition).map_err(AppError::internal)
    }

    pub fn questions(&self) -> &[Question] {
        &self.definition.questions
    }
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.definition.questions.iter().find(|q| q.key == key)
    }
    pub fn forced_high(&self) -> &[ForcedHigh] {
        &self.definition.forced_high
    }
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }
    pub fn validity_days(&self) -> i32 {
        self.validity_days
    }

    /// Checks a set of answers: every question answered exactly once, with an answer its kind
    /// allows. A refusal names `answers.<key>`.
    pub fn check_answers(&self, raw: Vec<RawAnswer>) -> AppResult<AnswerSet> {
        let mut given: BTreeMap<String, String> = BTreeMap::new();
        for a in raw {
            let key = a.question_key.trim().to_string();
            let field = format!("answers.{key}");
            let Some(q) = self.question(&key) else {
                return Err(AppError::bad_input(
                    field,
                    "is not a question of the questionnaire in force",
                ));
            };
            let Some(answer) = q.kind.canonical(&a.answer) else {
                return Err(AppError::bad_input(
                    field,
                    format!("must be one of: {}", q.kind.allowed().join(", ")),
                ));
            };
            if given.insert(key, answer).is_some() {
                return Err(AppError::bad_input(field, "is answered more than once"));
            }
        }
        let mut answers = Vec::with_capacity(self.questions().len());
        for q in self.questions() {
            let Some(a) = given.remove(&q.key) else {
                return Err(AppError::bad_input(
                    format!("answers.{}", q.key),
                    "is not answered",
                ));
            };
            answers.push((q.key.clone(), a));
        }
        Ok(AnswerSet(answers))
    }

    /// The score and computed level of a checked answer set.
    pub fn score(&self, answers: &AnswerSet) -> Scored {
        let score = answers
            .iter()
            .filter_map(|(k, a)| self.question(k).and_then(|q| q.kind.weight(a)))
            .sum();
        let forced_by: Vec<String> = self
            .forced_high()
            .iter()
            .filter(|r| answers.get(&r.question_key) == Some(r.answer.as_str()))
            .map(|r| r.question_key.clone())
            .collect();
        let by_score = self.thresholds.level(score);
        Scored {
            score,
            computed: if forced_by.is_empty() {
                by_score
            } else {
                RiskLevel::High
            },
            forced_by,
        }
    }
}
