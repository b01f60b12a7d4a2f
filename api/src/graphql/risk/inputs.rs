//! Inputs of risk assessment, and their conversion into domain values. Everything that can be
//! checked without the database is checked here; a bad value is `BAD_USER_INPUT` naming it.

use async_graphql::{ID, InputObject};

use crate::{
    domain::{
        RiskLevel, ShortText,
        risk::{
            ChoiceOption, ForcedHigh, Override, QuestionnaireSpec, RawAnswer, RawQuestion,
            RawQuestionnaire,
        },
    },
    error::{AppError, AppResult},
    graphql::staff::parse_id,
    service::risk::assess::{NewAssessment, Subject},
};

#[derive(InputObject)]
pub struct RiskAnswerInput {
    question_key: String,
    /// `yes` or `no`, or the `value` of one option of a choice question.
    answer: String,
}

#[derive(InputObject)]
pub struct SubmitRiskAssessmentInput {
    /// The victim.
    person_id: ID,
    /// Exactly one of `incidentId` and `caseId`: where the victim was assessed.
    incident_id: Option<ID>,
    case_id: Option<ID>,
    /// One answer to every question of the version in force.
    answers: Vec<RiskAnswerInput>,
    /// Raises the level above the computed one (never lowers it); needs `overrideReason`.
    override_level: Option<RiskLevel>,
    override_reason: Option<String>,
}

impl SubmitRiskAssessmentInput {
    pub fn parse(self) -> AppResult<NewAssessment> {
        let subject = match (self.incident_id, self.case_id) {
            (Some(id), None) => Subject::Incident(parse_id("incidentId", &id)?),
            (None, Some(id)) => Subject::Case(parse_id("caseId", &id)?),
            _ => {
                return Err(AppError::bad_input(
                    "incidentId",
                    "give exactly one of incidentId and caseId",
                ));
            }
        };
        Ok(NewAssessment {
            person_id: parse_id("personId", &self.person_id)?,
            subject,
            answers: self
                .answers
                .into_iter()
                .map(|a| RawAnswer {
                    question_key: a.question_key,
                    answer: a.answer,
                })
                .collect(),
            override_level: Override::parse(self.override_level, self.override_reason.as_deref())?,
        })
    }
}

#[derive(InputObject)]
pub struct QuestionOptionInput {
    /// 1-40 characters of a-z, 0-9 and _, unique within the question.
    value: String,
    label: String,
    /// 0 or more.
    weight: i32,
}

/// A yes/no question (`yesWeight`) or a choice (`options`), not both.
#[derive(InputObject)]
pub struct QuestionInput {
    /// 1-40 characters of a-z, 0-9 and _, unique within the version.
    key: String,
    text: String,
    yes_weight: Option<i32>,
    options: Option<Vec<QuestionOptionInput>>,
}

#[derive(InputObject)]
pub struct ForcedHighRuleInput {
    question_key: String,
    answer: String,
}

#[derive(InputObject)]
pub struct PublishQuestionnaireVersionInput {
    /// The questionnaire's name; its first version creates it.
    questionnaire: String,
    questions: Vec<QuestionInput>,
    /// Answers that make the level high whatever the score.
    forced_high: Option<Vec<ForcedHighRuleInput>>,
    /// Medium risk from this score (above 0).
    medium_threshold: i32,
    /// High risk from this score (above `mediumThreshold`).
    high_threshold: i32,
    /// How many days an assessment counts as current; 365 unless given.
    validity_days: Option<i32>,
}

impl PublishQuestionnaireVersionInput {
    pub fn parse(self) -> AppResult<(ShortText, QuestionnaireSpec)> {
        let name = ShortText::parse("questionnaire", &self.questionnaire)?;
        let spec = QuestionnaireSpec::parse(RawQuestionnaire {
            questions: self
                .questions
                .into_iter()
                .map(|q| RawQuestion {
                    key: q.key,
                    text: q.text,
                    yes_weight: q.yes_weight,
                    options: q
                        .options
                        .unwrap_or_default()
                        .into_iter()
                        .map(|o| ChoiceOption {
                            value: o.value,
                            label: o.label,
                            weight: o.weight,
                        })
                        .collect(),
                })
                .collect(),
            forced_high: self
                .forced_high
                .unwrap_or_default()
                .into_iter()
                .map(|r| ForcedHigh {
                    question_key: r.question_key,
                    answer: r.answer,
                })
                .collect(),
            medium_threshold: self.medium_threshold,
            high_threshold: self.high_threshold,
            validity_days: self.validity_days,
        })?;
        Ok((name, spec))
    }
}
