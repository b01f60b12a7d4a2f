//! A person involved in ASB, and the cases and incidents they take part in.

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::{asb_case, case_party, person};

use super::{
    incidents::IncidentParty,
    types::{Case, gid},
};
use crate::{
    auth::policy::{self, Disclosure},
    error::{AppError, AppResult},
    graphql::{ContextExt, staff::Agency},
};

pub struct Person(pub person::Model);

impl Person {
    /// Finishes the policy's check for one personal-data field with the person in hand, and
    /// notes the disclosure for the access log.
    async fn disclose<T>(
        &self,
        ctx: &Context<'_>,
        field: &'static str,
        value: Option<T>,
    ) -> AppResult<Option<T>> {
        let actor = ctx.principal()?.actor()?;
        let allowed = match policy::person_disclosure(&actor.permissions, field) {
            Disclosure::Always => true,
            Disclosure::IfVictim => ctx
                .loaders()?
                .victims
                .load_one(self.0.id)
                .await?
                .unwrap_or(false),
            Disclosure::Never => false,
        };
        if !allowed {
            return Err(AppError::ForbiddenField {
                type_name: "Person".into(),
                field: field.into(),
            });
        }
        ctx.consult(self.0.id, field);
        Ok(value)
    }
}

#[Object]
impl Person {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    /// Send back with updates; a stale version is refused with `CONFLICT`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn given_name(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(ctx, "givenName", Some(self.0.given_name.as_str()))
            .await
    }
    async fn family_name(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(ctx, "familyName", Some(self.0.family_name.as_str()))
            .await
    }
    async fn date_of_birth(&self, ctx: &Context<'_>) -> AppResult<Option<NaiveDate>> {
        self.disclose(ctx, "dateOfBirth", self.0.date_of_birth)
            .await
    }
    async fn address(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(ctx, "address", self.0.address.as_deref())
            .await
    }
    async fn postcode(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(ctx, "postcode", self.0.postcode.as_deref())
            .await
    }
    async fn phone(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(ctx, "phone", self.0.phone.as_deref()).await
    }
    async fn email(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(ctx, "email", self.0.email.as_deref()).await
    }
    async fn preferred_contact(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(ctx, "preferredContact", self.0.preferred_contact.as_deref())
            .await
    }
    async fn vulnerability_personal(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(
            ctx,
            "vulnerabilityPersonal",
            self.0.vulnerability_personal.as_deref(),
        )
        .await
    }
    async fn vulnerability_situational(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(
            ctx,
            "vulnerabilitySituational",
            self.0.vulnerability_situational.as_deref(),
        )
        .await
    }
    async fn vulnerability_incidental(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(
            ctx,
            "vulnerabilityIncidental",
            self.0.vulnerability_incidental.as_deref(),
        )
        .await
    }
    async fn consent_to_share(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        self.disclose(ctx, "consentToShare", self.0.consent_to_share)
            .await
    }
    async fn consent_lawful_basis(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.disclose(
            ctx,
            "consentLawfulBasis",
            self.0.consent_lawful_basis.as_deref(),
        )
        .await
    }
    async fn consent_date(&self, ctx: &Context<'_>) -> AppResult<Option<NaiveDate>> {
        self.disclose(ctx, "consentDate", self.0.consent_date).await
    }
    async fn created_by_agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        Ok(ctx
            .loaders()?
            .agencies
            .load_one(self.0.created_by_agency_id)
            .await?
            .map(Agency))
    }
    /// The record this duplicate was merged into.
    async fn merged_into(&self) -> Option<ID> {
        self.0.merged_into_id.map(gid)
    }
    /// The cases, visible to the user, in which this person takes part.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn cases(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<PersonCase>>> {
        let rows = ctx.loaders()?.person_cases.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(|(party, case)| PersonCase { party, case })
                .collect(),
        ))
    }
    /// Risk assessments of this person linked to incidents or cases the user may see, oldest
    /// first.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn risk_assessments(
        &self,
        ctx: &Context<'_>,
    ) -> AppResult<Option<Vec<crate::graphql::risk::types::RiskAssessment>>> {
        crate::graphql::risk::of_person(ctx, self.0.id).await
    }
    /// The incidents, visible to the user, in which this person takes part.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
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
