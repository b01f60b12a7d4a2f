//! One reported occurrence of ASB, and who took part in it.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{incident, incident_party};

use super::{
    people::Person,
    types::{Case, Location, gid},
};
use crate::{error::AppResult, graphql::ContextExt, graphql::staff::Agency};

pub struct Incident(pub incident::Model);

#[Object]
impl Incident {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn occurred_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.occurred_at)
    }
    async fn reported_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.reported_at)
    }
    async fn channel(&self) -> Option<&str> {
        Some(&self.0.channel)
    }
    async fn reporting_agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        Ok(ctx
            .loaders()?
            .agencies
            .load_one(self.0.reporting_agency_id)
            .await?
            .map(Agency))
    }
    async fn category(&self) -> Option<&str> {
        Some(&self.0.category)
    }
    async fn sub_type(&self) -> Option<&str> {
        Some(&self.0.sub_type)
    }
    async fn description(&self) -> Option<&str> {
        Some(&self.0.description)
    }
    async fn location(&self, ctx: &Context<'_>) -> AppResult<Option<Location>> {
        match self.0.location_id {
            Some(id) => Ok(ctx.loaders()?.locations.load_one(id).await?.map(Location)),
            None => Ok(None),
        }
    }
    async fn police_reference(&self) -> Option<&str> {
        self.0.police_reference.as_deref()
    }
    /// The case this incident belongs to, when the user may see it.
    async fn case(&self, ctx: &Context<'_>) -> AppResult<Option<Case>> {
        match self.0.case_id {
            Some(id) => Ok(ctx.loaders()?.visible_cases.load_one(id).await?.map(Case)),
            None => Ok(None),
        }
    }
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn parties(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<IncidentParty>>> {
        let rows = ctx.loaders()?.incident_parties.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(|p| IncidentParty {
                    party: p,
                    incident: None,
                })
                .collect(),
        ))
    }
    async fn hate_motivated(&self) -> Option<bool> {
        Some(self.0.hate_motivated)
    }
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.created_at)
    }
    /// True when a victim of this incident has no risk assessment that is still current (within
    /// the validity period of the version it was answered on).
    async fn assessment_required(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        crate::graphql::risk::assessment_required(ctx, self.0.id).await
    }
    /// Whether a victim of this incident had, counting it, enough incidents in the rolling
    /// window to be a repeat victim when it was recorded (null: recorded before detection).
    async fn is_repeat_victim(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        Ok(flag(ctx, self).await?.map(|f| f.is_repeat_victim))
    }
    /// The most incidents any victim of this one had in the window, this one included.
    async fn repeat_victim_count(&self, ctx: &Context<'_>) -> AppResult<Option<i32>> {
        Ok(flag(ctx, self).await?.map(|f| f.repeat_victim_count))
    }
    /// The repeat-victim window in force when the incident was recorded.
    async fn repeat_window_days(&self, ctx: &Context<'_>) -> AppResult<Option<i32>> {
        Ok(flag(ctx, self).await?.map(|f| f.repeat_window_days))
    }
    async fn is_repeat_location(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        Ok(flag(ctx, self).await?.map(|f| f.is_repeat_location))
    }
    /// Whether the incident met the ASB Case Review threshold when recorded.
    async fn case_review_eligible(&self, ctx: &Context<'_>) -> AppResult<Option<bool>> {
        Ok(flag(ctx, self).await?.map(|f| f.case_review_eligible))
    }
}

async fn flag(
    ctx: &Context<'_>,
    incident: &Incident,
) -> AppResult<Option<entity::incident_flag::Model>> {
    crate::graphql::safety::incident_flag(ctx, incident.0.id).await
}

/// A person's part in an incident.
pub struct IncidentParty {
    party: incident_party::Model,
    incident: Option<incident::Model>,
}

impl IncidentParty {
    pub fn with_incident(party: incident_party::Model, incident: incident::Model) -> Self {
        Self {
            party,
            incident: Some(incident),
        }
    }
}

#[Object]
impl IncidentParty {
    async fn id(&self) -> ID {
        gid(self.party.id)
    }
    async fn part(&self) -> Option<&str> {
        Some(&self.party.part)
    }
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.party.person_id)
            .await?
            .map(Person))
    }
    /// The incident, when reached from a person.
    async fn incident(&self) -> Option<Incident> {
        self.incident.clone().map(Incident)
    }
}
