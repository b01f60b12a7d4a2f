//! Output types of a case and what hangs off it. Restricted fields are nullable: the field guard
//! resolves them to null with `FORBIDDEN_FIELD` when the role may not read them.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    asb_case, case_action, case_note, case_party, case_share, intervention, intervention_breach,
    intervention_tool, location,
};

use super::people::Person;
use crate::{
    error::AppResult,
    graphql::{
        ContextExt,
        staff::{Agency, User},
    },
};

pub fn gid(id: uuid::Uuid) -> ID {
    ID(id.to_string())
}

pub(crate) async fn agency(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<Option<Agency>> {
    Ok(ctx.loaders()?.agencies.load_one(id).await?.map(Agency))
}

pub(crate) async fn user(ctx: &Context<'_>, id: Option<uuid::Uuid>) -> AppResult<Option<User>> {
    match id {
        Some(id) => Ok(ctx.loaders()?.users.load_one(id).await?.map(User)),
        None => Ok(None),
    }
}

/// A managed ASB problem.
pub struct Case(pub asb_case::Model);

#[Object]
impl Case {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    /// Human-readable and unique, e.g. `ASB-2026-000123`.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    /// Send back with updates; a stale version is refused with `CONFLICT`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn title(&self) -> Option<&str> {
        Some(&self.0.title)
    }
    async fn summary(&self) -> Option<&str> {
        Some(&self.0.summary)
    }
    async fn category(&self) -> Option<&str> {
        Some(&self.0.category)
    }
    async fn status(&self) -> Option<&str> {
        Some(&self.0.status)
    }
    async fn closure_reason(&self) -> Option<&str> {
        self.0.closure_reason.as_deref()
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    async fn lead_agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        agency(ctx, self.0.lead_agency_id).await
    }
    async fn owner(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, self.0.owner_id).await
    }
    async fn risk_level(&self) -> Option<&str> {
        Some(&self.0.risk_level)
    }
    async fn next_review_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_review_at
    }
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.created_at)
    }
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.updated_at)
    }
    async fn police_intelligence(&self) -> Option<&str> {
        self.0.police_intelligence.as_deref()
    }
    async fn tenancy_details(&self) -> Option<&str> {
        self.0.tenancy_details.as_deref()
    }
    async fn health_safeguarding_notes(&self) -> Option<&str> {
        self.0.health_safeguarding_notes.as_deref()
    }
    /// People and their role in this case.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn parties(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CaseParty>>> {
        let rows = ctx.loaders()?.case_parties.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(CaseParty)
                .collect(),
        ))
    }
    /// Incidents linked to this case.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn incidents(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<super::incidents::Incident>>> {
        let rows = ctx.loaders()?.case_incidents.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(super::incidents::Incident)
                .collect(),
        ))
    }
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn locations(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Location>>> {
        let loaders = ctx.loaders()?;
        let links = loaders
            .case_locations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let ids: Vec<uuid::Uuid> = links.iter().map(|l| l.location_id).collect();
        let found = loaders.locations.load_many(ids.clone()).await?;
        Ok(Some(
            ids.iter()
                .filter_map(|id| found.get(id).cloned().map(Location))
                .collect(),
        ))
    }
    /// Agencies this case is shared with, including revoked shares.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn shares(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CaseShare>>> {
        let rows = ctx.loaders()?.case_shares.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(CaseShare)
                .collect(),
        ))
    }
    /// The problem-solving plan.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn actions(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CaseAction>>> {
        let rows = ctx.loaders()?.case_actions.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(CaseAction)
                .collect(),
        ))
    }
    /// Append-only notes, oldest first.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn notes(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CaseNote>>> {
        let rows = ctx.loaders()?.case_notes.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default().into_iter().map(CaseNote).collect(),
        ))
    }
    /// Attached evidence, oldest first; the content only when `contentBase64` is asked for.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn documents(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<super::documents::Document>>> {
        Ok(Some(super::documents::of_case(ctx, self.0.id).await?))
    }

    /// Risk assessments of this case's victims, oldest first.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn risk_assessments(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::risk::types::RiskAssessment>>> {
        crate::graphql::risk::of_case(ctx, self.0.id).await
    }

    /// Supervisors' reviews, oldest first.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn reviews(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::safety::types::CaseReview>>> {
        crate::graphql::safety::case_reviews(ctx, self.0.id).await
    }
    /// Contacts with the case's victims, oldest first.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn contacts(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::safety::types::VictimContact>>> {
        crate::graphql::safety::case_contacts(ctx, self.0.id).await
    }
    /// Victims' satisfaction responses, oldest first.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn satisfaction(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::safety::types::SatisfactionResponse>>> {
        crate::graphql::safety::case_satisfaction(ctx, self.0.id).await
    }
    /// Legal interventions.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn interventions(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<Intervention>>> {
        let rows = ctx
            .loaders()?
            .case_interventions
            .load_one(self.0.id)
            .await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(Intervention)
                .collect(),
        ))
    }
}

/// A person's role in a case.
pub struct CaseParty(pub case_party::Model);

#[Object]
impl CaseParty {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn role(&self) -> Option<&str> {
        Some(&self.0.role)
    }
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.0.person_id)
            .await?
            .map(Person))
    }
}

/// An address or premises.
pub struct Location(pub location::Model);

#[Object]
impl Location {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn address(&self) -> Option<&str> {
        Some(&self.0.address)
    }
    async fn premises_name(&self) -> Option<&str> {
        self.0.premises_name.as_deref()
    }
    async fn postcode(&self) -> Option<&str> {
        Some(&self.0.postcode)
    }
    async fn ward(&self) -> Option<&str> {
        self.0.ward.as_deref()
    }
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }
}

/// A case shared with another agency: by whom, when, on what legal basis.
pub struct CaseShare(pub case_share::Model);

#[Object]
impl CaseShare {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        agency(ctx, self.0.agency_id).await
    }
    async fn legal_basis(&self) -> Option<&str> {
        Some(&self.0.legal_basis)
    }
    async fn shared_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, Some(self.0.shared_by)).await
    }
    async fn shared_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.shared_at)
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    async fn revoked_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, self.0.revoked_by).await
    }
    async fn revoke_reason(&self) -> Option<&str> {
        self.0.revoke_reason.as_deref()
    }
}

/// One action of the problem-solving plan.
pub struct CaseAction(pub case_action::Model);

#[Object]
impl CaseAction {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn description(&self) -> Option<&str> {
        Some(&self.0.description)
    }
    async fn owner_agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        agency(ctx, self.0.owner_agency_id).await
    }
    async fn owner(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, self.0.owner_id).await
    }
    async fn due_date(&self) -> Option<NaiveDate> {
        Some(self.0.due_date)
    }
    async fn status(&self) -> Option<&str> {
        Some(&self.0.status)
    }
    async fn completion_note(&self) -> Option<&str> {
        self.0.completion_note.as_deref()
    }
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
}

/// A note on a case. Notes are never edited; a correction is a new note.
pub struct CaseNote(pub case_note::Model);

#[Object]
impl CaseNote {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn author(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, Some(self.0.author_id)).await
    }
    async fn body(&self) -> Option<&str> {
        Some(&self.0.body)
    }
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.created_at)
    }
    /// The note this one corrects, if any.
    async fn corrects_note_id(&self) -> Option<ID> {
        self.0.corrects_note_id.map(gid)
    }
}

/// A legal tool from the partnership's reference list.
pub struct InterventionTool(pub intervention_tool::Model);

#[Object]
impl InterventionTool {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn statutory(&self) -> bool {
        self.0.statutory
    }
    async fn max_duration_days(&self) -> Option<i32> {
        self.0.max_duration_days
    }
    async fn active(&self) -> bool {
        self.0.active
    }
}

/// A legal intervention recorded against a case.
pub struct Intervention(pub intervention::Model);

#[Object]
impl Intervention {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn tool(&self, ctx: &Context<'_>) -> AppResult<Option<InterventionTool>> {
        Ok(ctx
            .loaders()?
            .tools
            .load_one(self.0.tool_id)
            .await?
            .map(InterventionTool))
    }
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        match self.0.subject_person_id {
            Some(id) => Ok(ctx.loaders()?.people.load_one(id).await?.map(Person)),
            None => Ok(None),
        }
    }
    async fn status(&self) -> Option<&str> {
        Some(&self.0.status)
    }
    async fn issued_on(&self) -> Option<NaiveDate> {
        self.0.issued_on
    }
    async fn served_on(&self) -> Option<NaiveDate> {
        self.0.served_on
    }
    async fn expires_on(&self) -> Option<NaiveDate> {
        self.0.expires_on
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn breaches(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<InterventionBreach>>> {
        let rows = ctx.loaders()?.breaches.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(InterventionBreach)
                .collect(),
        ))
    }
}

/// A recorded breach of an intervention.
pub struct InterventionBreach(pub intervention_breach::Model);

#[Object]
impl InterventionBreach {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn occurred_on(&self) -> Option<NaiveDate> {
        Some(self.0.occurred_on)
    }
    async fn description(&self) -> Option<&str> {
        Some(&self.0.description)
    }
}
