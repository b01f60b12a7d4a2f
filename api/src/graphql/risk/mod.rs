//! Risk assessment: the questionnaire in force, submitting and reading assessments, publishing
//! questionnaire versions, and the queue of high-risk cases waiting for a vulnerable-victim
//! officer. Resolvers parse inputs and call `service::risk`; root fields need the operations in
//! `auth/policy/rules/risk.rs`.
//!
//! The links from case management (`Case.riskAssessments`, `Person.riskAssessments`,
//! `Incident.assessmentRequired`) are resolved by the helpers at the end of this module, each
//! batched by a per-request DataLoader.

mod inputs;
pub mod types;

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use self::{
    inputs::{PublishQuestionnaireVersionInput, SubmitRiskAssessmentInput},
    types::{Questionnaire, QuestionnaireVersion, RiskAssessment, VulnerableVictimQueueEntry},
};
use crate::{
    domain::PageRequest,
    error::{AppError, AppResult},
    graphql::{
        ContextExt,
        connection::{Connection, from_page},
    },
    service::risk::{assess, query, questionnaire},
};

#[derive(Default)]
pub struct RiskQuery;

#[derive(Default)]
pub struct RiskMutation;

#[Object]
impl RiskQuery {
    /// The questionnaire version in force: what `submitRiskAssessment` must answer. `null` until
    /// an administrator publishes one.
    async fn risk_questionnaire(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<QuestionnaireVersion>> {
        questionnaire::in_force(ctx.db()?)
            .await?
            .map(QuestionnaireVersion::new)
            .transpose()
    }

    /// Every questionnaire and its versions, for administrators.
    async fn risk_questionnaires(&self, ctx: &Context<'_>) -> AppResult<Vec<Questionnaire>> {
        let rows = questionnaire::list(ctx.db()?, ctx.principal()?).await?;
        Ok(rows.into_iter().map(Questionnaire).collect())
    }

    /// One assessment, or `NOT_FOUND` (also when its incident or case is outside the user's
    /// scope).
    async fn risk_assessment(&self, ctx: &Context<'_>, id: ID) -> AppResult<RiskAssessment> {
        let actor = ctx.principal()?.actor()?;
        let id = Uuid::parse_str(id.as_str()).map_err(|_| AppError::NotFound)?;
        Ok(RiskAssessment(query::get(ctx.db()?, actor, id).await?))
    }

    /// Visible high-risk cases waiting for a dedicated vulnerable-victim officer, oldest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn vulnerable_victim_queue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<VulnerableVictimQueueEntry>> {
        let actor = ctx.principal()?.actor()?;
        let max = ctx.settings()?.limits.max_page_size;
        let page = PageRequest::parse(first, after.as_deref(), max)?
            .with_count(crate::graphql::connection::wants_total(ctx));
        let rows = query::queue(ctx.db()?, actor, &page).await?;
        Ok(from_page(rows, VulnerableVictimQueueEntry))
    }
}

#[Object]
impl RiskMutation {
    /// Scores a victim's answers against the version in force and stores them with it. Linked to
    /// a case, it updates the case's risk level and next review, and a high result assigns the
    /// case to the lead agency's vulnerable-victim officer or queues it.
    async fn submit_risk_assessment(
        &self,
        ctx: &Context<'_>,
        input: SubmitRiskAssessmentInput,
    ) -> AppResult<RiskAssessment> {
        let new = input.parse()?;
        Ok(RiskAssessment(
            assess::submit(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Publishes a new, immutable version and puts it in force, retiring the one before.
    async fn publish_questionnaire_version(
        &self,
        ctx: &Context<'_>,
        input: PublishQuestionnaireVersionInput,
    ) -> AppResult<QuestionnaireVersion> {
        let (name, spec) = input.parse()?;
        let v = questionnaire::publish(ctx.db()?, ctx.principal()?, name, spec).await?;
        QuestionnaireVersion::new(v)
    }
}

/// `Case.riskAssessments`: the case is visible, so all of its assessments are.
pub async fn of_case(ctx: &Context<'_>, case: Uuid) -> AppResult<Option<Vec<RiskAssessment>>> {
    let rows = ctx.loaders()?.case_assessments.load_one(case).await?;
    Ok(Some(
        rows.unwrap_or_default()
            .into_iter()
            .map(RiskAssessment)
            .collect(),
    ))
}

/// `Person.riskAssessments`: those linked to an incident or case the user may see.
pub async fn of_person(ctx: &Context<'_>, person: Uuid) -> AppResult<Option<Vec<RiskAssessment>>> {
    let rows = ctx.loaders()?.person_assessments.load_one(person).await?;
    Ok(Some(
        rows.unwrap_or_default()
            .into_iter()
            .map(RiskAssessment)
            .collect(),
    ))
}

/// `Incident.assessmentRequired`.
pub async fn assessment_required(ctx: &Context<'_>, incident: Uuid) -> AppResult<Option<bool>> {
    Ok(Some(
        ctx.loaders()?
            .assessment_required
            .load_one(incident)
            .await?
            .unwrap_or(false),
    ))
}
