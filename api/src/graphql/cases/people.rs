//! A person involved in ASB, and the cases and incidents they take part in.

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::{asb_case, case_party, person};

use super::{
    incidents::IncidentParty,
    types::{Case, gid},
};
use crate::{error::AppResult, graphql::ContextExt, graphql::identity::ViewerAgency as Agency};

pub struct Person(pub person::Model);

#[Object]
impl Person {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    /// Send back with updates; a stale version is refused with `CONFLICT`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn given_name(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "givenName");
        Some(&self.0.given_name)
    }
    async fn family_name(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "familyName");
        Some(&self.0.family_name)
    }
    async fn date_of_birth(&self, ctx: &Context<'_>) -> Option<NaiveDate> {
        ctx.consult(self.0.id, "dateOfBirth");
        self.0.date_of_birth
    }
    async fn address(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "address");
        self.0.address.as_deref()
    }
    async fn postcode(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "postcode");
        self.0.postcode.as_deref()
    }
    async fn phone(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "phone");
        self.0.phone.as_deref()
    }
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "email");
        self.0.email.as_deref()
    }
    async fn preferred_contact(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "preferredContact");
        self.0.preferred_contact.as_deref()
    }
    async fn vulnerability_personal(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "vulnerabilityPersonal");
        self.0.vulnerability_personal.as_deref()
    }
    async fn vulnerability_situational(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "vulnerabilitySituational");
        self.0.vulnerability_situational.as_deref()
    }
    async fn vulnerability_incidental(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "vulnerabilityIncidental");
        self.0.vulnerability_incidental.as_deref()
    }
    async fn consent_to_share(&self, ctx: &Context<'_>) -> Option<bool> {
        ctx.consult(self.0.id, "consentToShare");
        self.0.consent_to_share
    }
    async fn consent_lawful_basis(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.consult(self.0.id, "consentLawfulBasis");
        self.0.consent_lawful_basis.as_deref()
    }
    async fn consent_date(&self, ctx: &Context<'_>) -> Option<NaiveDate> {
        ctx.consult(self.0.id, "consentDate");
        self.0.consent_date
    }
    async fn created_by_agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        Ok(ctx
            .loaders()?
            .agencies
            .load_one(self.0.created_by_agency_id)
            .await?
            .map(Into::into))
    }
    /// The record this duplicate was merged into.
    async fn merged_into(&self) -> Option<ID> {
        self.0.merged_into_id.map(gid)
    }
    /// The cases, visible to the user, in which this person takes part.
    async fn cases(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<PersonCase>>> {
        let rows = ctx.loaders()?.person_cases.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(|(party, case)| PersonCase { party, case })
                .collect(),
        ))
    }
    /// The incidents, visible to the user, in which this person takes part.
    async fn incidents(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<IncidentParty>>> {
        let rows = ctx.loaders()?.person_incidents.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(|(party, incident)| IncidentParty::with_incident(party, incident))
                .collect(),
        ))
    }
}

/// A person's role in one case.
pub struct PersonCase {
    party: case_party::Model,
    case: asb_case::Model,
}

#[Object]
impl PersonCase {
    async fn id(&self) -> ID {
        gid(self.party.id)
    }
    async fn role(&self) -> Option<&str> {
        Some(&self.party.role)
    }
    async fn case(&self) -> Option<Case> {
        Some(Case(self.case.clone()))
    }
}
