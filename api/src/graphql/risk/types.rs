//! Output types of risk assessment. An assessment always shows the questions, weights and
//! thresholds of the version it was answered on, never those of a later one.
//!
//! `RiskAssessment`'s fields and the queue entry's are restricted (nullable; the field guard
//! resolves a refused one to `null`); questionnaire types are partnership configuration and
//! public to whoever reaches them (`auth/policy/rules/risk.rs`).

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::{
    risk_assessment, risk_questionnaire, risk_questionnaire_version as version,
    vulnerable_victim_queue as queue,
};

use crate::{
    domain::{
        RiskLevel,
        risk::{self, AnswerKind, QuestionnaireSpec},
    },
    error::{AppError, AppResult},
    graphql::{
        ContextExt,
        cases::{
            incidents::Incident,
            people::Person,
            types::{Case, gid},
        },
        staff::{Agency, User},
    },
    service::risk::questionnaire::spec_of,
};

fn level(raw: &str) -> AppResult<RiskLevel> {
    RiskLevel::parse("level", raw).map_err(|_| AppError::internal("unknown stored risk level"))
}

async fn user(ctx: &Context<'_>, id: Option<uuid::Uuid>) -> AppResult<Option<User>> {
    match id {
        Some(id) => Ok(ctx.loaders()?.users.load_one(id).await?.map(User)),
        None => Ok(None),
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum QuestionKind {
    /// Answered `yes` or `no`; `yes` weighs `yesWeight`, `no` nothing.
    YesNo,
    /// Answered with one option's `value`; each option has its own weight.
    Choice,
}

/// One question of a questionnaire version.
pub struct Question(pub risk::Question);

#[Object]
impl Question {
    /// Answers name their question by this key.
    async fn key(&self) -> &str {
        &self.0.key
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    async fn kind(&self) -> QuestionKind {
        match self.0.kind {
            AnswerKind::YesNo { .. } => QuestionKind::YesNo,
            AnswerKind::Choice { .. } => QuestionKind::Choice,
        }
    }
    /// The weight of `yes`, for a yes/no question.
    async fn yes_weight(&self) -> Option<i32> {
        match self.0.kind {
            AnswerKind::YesNo { yes_weight } => Some(yes_weight),
            AnswerKind::Choice { .. } => None,
        }
    }
    /// The options of a choice question; empty for yes/no.
    async fn options(&self) -> Vec<QuestionOption> {
        match &self.0.kind {
            AnswerKind::YesNo { .. } => Vec::new(),
            AnswerKind::Choice { options } => options.iter().cloned().map(QuestionOption).collect(),
        }
    }
}

pub struct QuestionOption(risk::ChoiceOption);

#[Object]
impl QuestionOption {
    /// What an answer gives to choose this option.
    async fn value(&self) -> &str {
        &self.0.value
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    async fn weight(&self) -> i32 {
        self.0.weight
    }
}

/// An answer that makes the level high whatever the score.
pub struct ForcedHighRule(risk::ForcedHigh);

#[Object]
impl ForcedHighRule {
    async fn question_key(&self) -> &str {
        &self.0.question_key
    }
    async fn answer(&self) -> &str {
        &self.0.answer
    }
}

/// A partnership's risk questionnaire; its content is in its versions.
pub struct Questionnaire(pub risk_questionnaire::Model);

#[Object]
impl Questionnaire {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Every published version, oldest first.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn versions(&self, ctx: &Context<'_>) -> AppResult<Vec<QuestionnaireVersion>> {
        let rows = ctx
            .loaders()?
            .versions_of_questionnaire
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        rows.into_iter().map(QuestionnaireVersion::new).collect()
    }
}

/// One published, immutable version of a questionnaire.
pub struct QuestionnaireVersion {
    model: version::Model,
    spec: QuestionnaireSpec,
}

impl QuestionnaireVersion {
    pub fn new(model: version::Model) -> AppResult<Self> {
        let spec = spec_of(&model)?;
        Ok(Self { model, spec })
    }
}

#[Object]
impl QuestionnaireVersion {
    async fn id(&self) -> ID {
        gid(self.model.id)
    }
    async fn questionnaire(&self, ctx: &Context<'_>) -> AppResult<Questionnaire> {
        ctx.loaders()?
            .questionnaires
            .load_one(self.model.questionnaire_id)
            .await?
            .map(Questionnaire)
            .ok_or_else(|| AppError::internal("version without its questionnaire"))
    }
    /// 1 for the first version of its questionnaire, then 2, 3, ...
    async fn version(&self) -> i32 {
        self.model.version_number
    }
    /// Whether new assessments are answered on this version. Exactly one version is in force.
    async fn in_force(&self) -> bool {
        self.model.in_force == Some(true)
    }
    async fn published_at(&self) -> DateTime<Utc> {
        self.model.published_at
    }
    async fn published_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, self.model.published_by).await
    }
    /// When a later version replaced this one.
    async fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.model.retired_at
    }
    /// Medium risk from this score.
    async fn medium_threshold(&self) -> i32 {
        self.spec.thresholds().medium()
    }
    /// High risk from this score.
    async fn high_threshold(&self) -> i32 {
        self.spec.thresholds().high()
    }
    /// How many days an assessment on this version counts as current.
    async fn validity_days(&self) -> i32 {
        self.spec.validity_days()
    }
    async fn questions(&self) -> Vec<Question> {
        self.spec
            .questions()
            .iter()
            .cloned()
            .map(Question)
            .collect()
    }
    async fn forced_high(&self) -> Vec<ForcedHighRule> {
        self.spec
            .forced_high()
            .iter()
            .cloned()
            .map(ForcedHighRule)
            .collect()
    }
}

/// One answer of an assessment, with the question and weight of the assessment's own version.
pub struct RiskAnswer {
    question: risk::Question,
    answer: String,
    weight: i32,
}

#[Object]
impl RiskAnswer {
    async fn question_key(&self) -> &str {
        &self.question.key
    }
    async fn answer(&self) -> &str {
        &self.answer
    }
    async fn question(&self) -> Question {
        Question(self.question.clone())
    }
    /// What this answer added to the score.
    async fn weight(&self) -> i32 {
        self.weight
    }
}

/// A victim's risk assessment.
pub struct RiskAssessment(pub risk_assessment::Model);

impl RiskAssessment {
    async fn spec(&self, ctx: &Context<'_>) -> AppResult<QuestionnaireVersion> {
        let m = ctx
            .loaders()?
            .questionnaire_versions
            .load_one(self.0.questionnaire_version_id)
            .await?
            .ok_or_else(|| AppError::internal("assessment without its questionnaire version"))?;
        QuestionnaireVersion::new(m)
    }
}

#[Object]
impl RiskAssessment {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    /// The victim assessed.
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.0.person_id)
            .await?
            .map(Person))
    }
    async fn incident(&self, ctx: &Context<'_>) -> AppResult<Option<Incident>> {
        match self.0.incident_id {
            Some(id) => Ok(ctx
                .loaders()?
                .visible_incidents
                .load_one(id)
                .await?
                .map(Incident)),
            None => Ok(None),
        }
    }
    async fn case(&self, ctx: &Context<'_>) -> AppResult<Option<Case>> {
        match self.0.case_id {
            Some(id) => Ok(ctx.loaders()?.visible_cases.load_one(id).await?.map(Case)),
            None => Ok(None),
        }
    }
    /// The version the answers were given on.
    async fn questionnaire_version(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<QuestionnaireVersion>> {
        Ok(Some(self.spec(ctx).await?))
    }
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn answers(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<RiskAnswer>>> {
        let version = self.spec(ctx).await?;
        let mut out = Vec::new();
        for a in risk::answers_from_json(&self.0.answers)? {
            let q = version
                .spec
                .question(&a.question_key)
                .ok_or_else(|| AppError::internal("answer to a question its version lacks"))?;
            out.push(RiskAnswer {
                weight: q.kind.weight(&a.answer).unwrap_or(0),
                question: q.clone(),
                answer: a.answer,
            });
        }
        Ok(Some(out))
    }
    /// The sum of the answers' weights.
    async fn score(&self) -> Option<i32> {
        Some(self.0.score)
    }
    /// The level by score, raised to high by a forced-high rule.
    async fn computed_level(&self) -> AppResult<Option<RiskLevel>> {
        level(&self.0.computed_level).map(Some)
    }
    /// The questions whose forced-high rule matched.
    async fn forced_by(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<String>>> {
        let version = self.spec(ctx).await?;
        let answers = risk::answers_from_json(&self.0.answers)?;
        Ok(Some(
            version
                .spec
                .forced_high()
                .iter()
                .filter(|r| {
                    answers
                        .iter()
                        .any(|a| a.question_key == r.question_key && a.answer == r.answer)
                })
                .map(|r| r.question_key.clone())
                .collect(),
        ))
    }
    /// The final level: the computed one, or the officer's override above it.
    async fn level(&self) -> AppResult<Option<RiskLevel>> {
        level(&self.0.level).map(Some)
    }
    async fn override_level(&self) -> AppResult<Option<RiskLevel>> {
        self.0.override_level.as_deref().map(level).transpose()
    }
    async fn override_reason(&self) -> Option<&str> {
        self.0.override_reason.as_deref()
    }
    async fn assessed_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, Some(self.0.assessed_by)).await
    }
    async fn assessed_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.assessed_at)
    }
    /// Until when this assessment counts as current for `Incident.assessmentRequired`.
    async fn valid_until(&self) -> Option<DateTime<Utc>> {
        Some(self.0.valid_until)
    }
}

/// A high-risk case waiting for a dedicated vulnerable-victim officer, because its lead agency
/// names none.
pub struct VulnerableVictimQueueEntry(pub queue::Model);

#[Object]
impl VulnerableVictimQueueEntry {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn case(&self, ctx: &Context<'_>) -> AppResult<Option<Case>> {
        Ok(ctx
            .loaders()?
            .visible_cases
            .load_one(self.0.case_id)
            .await?
            .map(Case))
    }
    /// The lead agency that needs to name an officer.
    async fn agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        Ok(ctx
            .loaders()?
            .agencies
            .load_one(self.0.agency_id)
            .await?
            .map(Agency))
    }
    /// The high assessment that queued the case.
    async fn assessment(&self, ctx: &Context<'_>) -> AppResult<Option<RiskAssessment>> {
        Ok(ctx
            .loaders()?
            .assessments
            .load_one(self.0.assessment_id)
            .await?
            .map(RiskAssessment))
    }
    async fn queued_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.queued_at)
    }
}
