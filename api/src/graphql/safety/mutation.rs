//! Victim-safety mutations: supervisors' reviews, contact and satisfaction, and the rules. Each
//! runs in one transaction with its access-log entry; resolvers only parse.

use async_graphql::{Context, Object};

use super::{
    inputs::{
        RecordSatisfactionInput, RecordVictimContactInput, ReviewCaseInput, SafetyRulesInput,
    },
    types::{CaseReview, SafetyRules, SatisfactionResponse, VictimContact},
};
use crate::{
    error::AppResult,
    graphql::ContextExt,
    service::safety::{contact, reviews, rules},
};

#[derive(Default)]
pub struct SafetyMutation;

#[Object]
impl SafetyMutation {
    /// Records a supervisor's review of a case (never their own) and schedules the next one by
    /// the cadence for its risk level. `CHANGES_REQUESTED` must add at least one action.
    async fn review_case(
        &self,
        ctx: &Context<'_>,
        input: ReviewCaseInput,
    ) -> AppResult<CaseReview> {
        let new = input.parse()?;
        Ok(CaseReview(
            reviews::review(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Records a contact with a victim of a case.
    async fn record_victim_contact(
        &self,
        ctx: &Context<'_>,
        input: RecordVictimContactInput,
    ) -> AppResult<VictimContact> {
        let new = input.parse()?;
        Ok(VictimContact(
            contact::record_contact(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Records a victim's satisfaction (1-5) with how their case was handled.
    async fn record_satisfaction(
        &self,
        ctx: &Context<'_>,
        input: RecordSatisfactionInput,
    ) -> AppResult<SatisfactionResponse> {
        let new = input.parse()?;
        Ok(SatisfactionResponse(
            contact::record_satisfaction(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Changes the partnership's safety rules; omitted fields stay. New rules apply to incidents
    /// recorded, and reviews made, from now on.
    async fn update_safety_rules(
        &self,
        ctx: &Context<'_>,
        input: SafetyRulesInput,
    ) -> AppResult<SafetyRules> {
        let version = input.version();
        Ok(SafetyRules(
            rules::update(ctx.db()?, ctx.principal()?, version, |current| {
                input.apply(current)
            })
            .await?,
        ))
    }
}
