//! Mutations on cases, incidents and people. Each runs in one transaction with its access-log
//! entry; resolvers parse inputs and call services, which ask the policy.

use async_graphql::{Context, Object};

use super::{
    incidents::Incident,
    inputs::{
        ChangeCaseStatusInput, OpenCaseInput, PersonInput, RecordIncidentInput, UpdateCaseInput,
        UpdatePersonInput,
    },
    people::Person,
    query::parse_id,
    types::Case,
};
use crate::{
    error::AppResult,
    graphql::ContextExt,
    service::cases::{case_cmd, incident_cmd, people_cmd},
};

#[derive(Default)]
pub struct CaseMutation;

#[Object]
impl CaseMutation {
    /// Records an incident from a call, with new or existing people and location.
    async fn record_incident(
        &self,
        ctx: &Context<'_>,
        input: RecordIncidentInput,
    ) -> AppResult<Incident> {
        let new = input.parse()?;
        Ok(Incident(
            incident_cmd::record(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Opens a case led by the user's agency from one or more incidents.
    async fn open_case(&self, ctx: &Context<'_>, input: OpenCaseInput) -> AppResult<Case> {
        let new = input.parse()?;
        Ok(Case(
            case_cmd::open(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    async fn update_case(&self, ctx: &Context<'_>, input: UpdateCaseInput) -> AppResult<Case> {
        let (id, version, changes) = input.parse()?;
        Ok(Case(
            case_cmd::update(ctx.db()?, ctx.principal()?, id, version, changes).await?,
        ))
    }

    /// Moves a case through its lifecycle; closing needs a reason; a closed case can reopen.
    async fn change_case_status(
        &self,
        ctx: &Context<'_>,
        input: ChangeCaseStatusInput,
    ) -> AppResult<Case> {
        let id = parse_id("id", &input.id)?;
        Ok(Case(
            case_cmd::change_status(
                ctx.db()?,
                ctx.principal()?,
                id,
                input.version,
                input.status,
                input.closure_reason,
            )
            .await?,
        ))
    }

    async fn create_person(&self, ctx: &Context<'_>, input: PersonInput) -> AppResult<Person> {
        let details = input.parse()?;
        Ok(Person(
            people_cmd::create(ctx.db()?, ctx.principal()?, details).await?,
        ))
    }

    async fn update_person(
        &self,
        ctx: &Context<'_>,
        input: UpdatePersonInput,
    ) -> AppResult<Person> {
        let (id, version, details) = input.parse()?;
        Ok(Person(
            people_cmd::update(ctx.db()?, ctx.principal()?, id, version, details).await?,
        ))
    }
}
