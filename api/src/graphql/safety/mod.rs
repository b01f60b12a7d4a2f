//! Victim safety: repeat and Case Review flags on incidents, supervisors' reviews, contact and
//! satisfaction on cases, the worklists, the dashboard and the rules behind them.

pub mod dashboard;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;

use async_graphql::Context;
use entity::incident_flag;
use uuid::Uuid;

pub use mutation::SafetyMutation;
pub use query::SafetyQuery;
use types::{CaseReview, SatisfactionResponse, VictimContact};

use crate::{error::AppResult, graphql::ContextExt};

/// What detection stored for an incident when it was recorded (none for incidents recorded
/// before detection existed).
pub async fn incident_flag(
    ctx: &Context<'_>,
    incident_id: Uuid,
) -> AppResult<Option<incident_flag::Model>> {
    ctx.loaders()?
        .safety
        .incident_flags
        .load_one(incident_id)
        .await
}

/// A case's reviews, oldest first.
pub async fn case_reviews(ctx: &Context<'_>, case_id: Uuid) -> AppResult<Option<Vec<CaseReview>>> {
    let rows = ctx.loaders()?.safety.case_reviews.load_one(case_id).await?;
    Ok(Some(
        rows.unwrap_or_default()
            .into_iter()
            .map(CaseReview)
            .collect(),
    ))
}

/// A case's contacts with victims, oldest first.
pub async fn case_contacts(
    ctx: &Context<'_>,
    case_id: Uuid,
) -> AppResult<Option<Vec<VictimContact>>> {
    let rows = ctx
        .loaders()?
        .safety
        .case_contacts
        .load_one(case_id)
        .await?;
    Ok(Some(
        rows.unwrap_or_default()
            .into_iter()
            .map(VictimContact)
            .collect(),
    ))
}

/// A case's satisfaction responses, oldest first.
pub async fn case_satisfaction(
    ctx: &Context<'_>,
    case_id: Uuid,
) -> AppResult<Option<Vec<SatisfactionResponse>>> {
    let rows = ctx
        .loaders()?
        .safety
        .case_satisfaction
        .load_one(case_id)
        .await?;
    Ok(Some(
        rows.unwrap_or_default()
            .into_iter()
            .map(SatisfactionResponse)
            .collect(),
    ))
}
