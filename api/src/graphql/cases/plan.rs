//! Mutations on what hangs off a case: parties and incidents, sharing, the action plan, notes,
//! legal interventions and documents, and merging duplicate people. Each runs in one
//! transaction with its access-log entry; resolvers parse inputs and call services, which ask
//! the policy.

use async_graphql::{Context, Object};

use super::{
    documents::Document,
    incidents::Incident,
    people::Person,
    plan_inputs::{
        AddActionInput, AddNoteInput, AddPartyInput, AttachDocumentInput, CompleteActionInput,
        LinkIncidentInput, MergePeopleInput, RecordInterventionInput, RemovePartyInput,
        RevokeShareInput, ShareCaseInput, UpdateActionInput, UpdateInterventionInput,
    },
    query::parse_id,
    types::{CaseAction, CaseNote, CaseParty, CaseShare, Intervention},
};
use crate::{
    domain::{NonEmptyLongText, ShortText},
    error::AppResult,
    graphql::ContextExt,
    service::cases::{document_cmd, intervention_cmd, merge_cmd, party_cmd, plan_cmd, share_cmd},
};

#[derive(Default)]
pub struct CasePlanMutation;

#[Object]
impl CasePlanMutation {
    /// Adds a person the user may see to a case, in a role; each role once per person.
    async fn add_party(&self, ctx: &Context<'_>, input: AddPartyInput) -> AppResult<CaseParty> {
        let case_id = parse_id("caseId", &input.case_id)?;
        let person_id = parse_id("personId", &input.person_id)?;
        Ok(CaseParty(
            party_cmd::add(ctx.db()?, ctx.principal()?, case_id, person_id, input.role).await?,
        ))
    }

    async fn remove_party(&self, ctx: &Context<'_>, input: RemovePartyInput) -> AppResult<bool> {
        let party_id = parse_id("partyId", &input.party_id)?;
        party_cmd::remove(ctx.db()?, ctx.principal()?, party_id).await
    }

    /// Links an incident that is in no case yet; its people and location join the case.
    async fn link_incident(
        &self,
        ctx: &Context<'_>,
        input: LinkIncidentInput,
    ) -> AppResult<Incident> {
        let case_id = parse_id("caseId", &input.case_id)?;
        let incident_id = parse_id("incidentId", &input.incident_id)?;
        Ok(Incident(
            party_cmd::link_incident(ctx.db()?, ctx.principal()?, case_id, incident_id).await?,
        ))
    }

    /// Shares a case with another agency. Lead agency only; every party must have consented
    /// or have another lawful basis recorded.
    async fn share_case(&self, ctx: &Context<'_>, input: ShareCaseInput) -> AppResult<CaseShare> {
        let (case_id, agency_id, basis) = input.parse()?;
        Ok(CaseShare(
            share_cmd::share(ctx.db()?, ctx.principal()?, case_id, agency_id, basis).await?,
        ))
    }

    /// Ends a share; the other agency loses access at once. Lead agency only.
    async fn revoke_share(
        &self,
        ctx: &Context<'_>,
        input: RevokeShareInput,
    ) -> AppResult<CaseShare> {
        let share_id = parse_id("shareId", &input.share_id)?;
        let reason = ShortText::parse("reason", &input.reason)?;
        Ok(CaseShare(
            share_cmd::revoke(ctx.db()?, ctx.principal()?, share_id, reason).await?,
        ))
    }

    async fn add_action(&self, ctx: &Context<'_>, input: AddActionInput) -> AppResult<CaseAction> {
        let (case_id, new) = input.parse()?;
        Ok(CaseAction(
            plan_cmd::add_action(ctx.db()?, ctx.principal()?, case_id, new).await?,
        ))
    }

    async fn update_action(
        &self,
        ctx: &Context<'_>,
        input: UpdateActionInput,
    ) -> AppResult<CaseAction> {
        let (id, version, changes) = input.parse()?;
        Ok(CaseAction(
            plan_cmd::update_action(ctx.db()?, ctx.principal()?, id, version, changes).await?,
        ))
    }

    async fn complete_action(
        &self,
        ctx: &Context<'_>,
        input: CompleteActionInput,
    ) -> AppResult<CaseAction> {
        let id = parse_id("id", &input.id)?;
        let note = NonEmptyLongText::parse("completionNote", &input.completion_note)?;
        Ok(CaseAction(
            plan_cmd::complete_action(ctx.db()?, ctx.principal()?, id, input.version, note).await?,
        ))
    }

    /// Appends a note. Notes are never edited; a correction is a new note.
    async fn add_note(&self, ctx: &Context<'_>, input: AddNoteInput) -> AppResult<CaseNote> {
        let (case_id, body, corrects) = input.parse()?;
        Ok(CaseNote(
            plan_cmd::add_note(ctx.db()?, ctx.principal()?, case_id, body, corrects).await?,
        ))
    }

    async fn record_intervention(
        &self,
        ctx: &Context<'_>,
        input: RecordInterventionInput,
    ) -> AppResult<Intervention> {
        let (case_id, new) = input.parse()?;
        Ok(Intervention(
            intervention_cmd::record(ctx.db()?, ctx.principal()?, case_id, new).await?,
        ))
    }

    async fn update_intervention(
        &self,
        ctx: &Context<'_>,
        input: UpdateInterventionInput,
    ) -> AppResult<Intervention> {
        let (id, version, changes) = input.parse()?;
        Ok(Intervention(
            intervention_cmd::update(ctx.db()?, ctx.principal()?, id, version, changes).await?,
        ))
    }

    /// Attaches evidence to a case: at most 1 MiB, PDF, JPEG, PNG or plain text.
    async fn attach_document(
        &self,
        ctx: &Context<'_>,
        input: AttachDocumentInput,
    ) -> AppResult<Document> {
        let (case_id, new) = input.parse()?;
        Ok(Document(
            document_cmd::attach(ctx.db()?, ctx.principal()?, case_id, new).await?,
        ))
    }

    /// Merges a duplicate person into the record that stays, moving every link.
    async fn merge_people(&self, ctx: &Context<'_>, input: MergePeopleInput) -> AppResult<Person> {
        let keep_id = parse_id("keepId", &input.keep_id)?;
        let duplicate_id = parse_id("duplicateId", &input.duplicate_id)?;
        Ok(Person(
            merge_cmd::merge(ctx.db()?, ctx.principal()?, keep_id, duplicate_id).await?,
        ))
    }
}
