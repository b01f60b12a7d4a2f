//! Victim-safety queries: the rules, the worklists and the dashboard. Resolvers parse arguments
//! and call services, which check the reads each list reveals and scope its rows.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::{
    dashboard::Dashboard,
    types::{
        AwaitingAssessment, ContactDueNode, LocationFlag, OverdueActionGroup, SafetyRules,
        VictimFlag,
    },
};
use crate::{
    domain::{DateRange, PageRequest, ShortText},
    error::{AppError, AppResult},
    graphql::{
        ContextExt,
        cases::types::Case,
        connection::{Connection, from_page},
        staff::parse_id,
    },
    service::safety::{
        dashboard::{self, DashboardQuery},
        dashboard_cache::DashboardCache,
        overdue, rules,
        worklists::{self, VictimList},
    },
};

#[derive(Default)]
pub struct SafetyQuery;

fn page(ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> AppResult<PageRequest> {
    Ok(PageRequest::parse(
        first,
        after.as_deref(),
        ctx.settings()?.limits.max_page_size,
    )?
    .with_count(crate::graphql::connection::wants_total(ctx)))
}

async fn victims(
    ctx: &Context<'_>,
    list: VictimList,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<Connection<VictimFlag>> {
    let actor = ctx.principal()?.actor()?;
    let period = DateRange::parse("to", from, to)?;
    let page = page(ctx, first, after)?;
    let rows = worklists::victims(ctx.db()?, actor, list, &period, &page).await?;
    Ok(from_page(rows, VictimFlag))
}

#[Object]
impl SafetyQuery {
    /// The partnership's repeat, Case Review, review-cadence and first-contact rules.
    async fn safety_rules(&self, ctx: &Context<'_>) -> AppResult<SafetyRules> {
        Ok(SafetyRules(rules::load(ctx.db()?).await?))
    }

    /// Repeat victims flagged by an incident that occurred in the period (both ends inclusive,
    /// either open), one row per person: their latest such incident, newest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn repeat_victims(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<VictimFlag>> {
        victims(ctx, VictimList::RepeatVictims, from, to, first, after).await
    }

    /// Victims whose incident in the period met the ASB Case Review threshold, one row per
    /// person: their latest such incident, newest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn case_review_eligible_victims(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<VictimFlag>> {
        victims(ctx, VictimList::CaseReviewEligible, from, to, first, after).await
    }

    /// Repeat locations flagged by an incident in the period, one row per place, newest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn repeat_locations(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<LocationFlag>> {
        let actor = ctx.principal()?.actor()?;
        let period = DateRange::parse("to", from, to)?;
        let page = page(ctx, first, after)?;
        let rows = worklists::locations(ctx.db()?, actor, &period, &page).await?;
        Ok(from_page(rows, LocationFlag))
    }

    /// Victims of open high-risk cases with no contact yet from a dedicated vulnerable-victim
    /// officer, soonest due first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn victims_awaiting_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] overdue_only: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<ContactDueNode>> {
        let actor = ctx.principal()?.actor()?;
        let page = page(ctx, first, after)?;
        let rows = worklists::awaiting_contact(ctx.db()?, actor, overdue_only, &page).await?;
        Ok(from_page(rows, ContactDueNode))
    }

    /// Open cases whose review is overdue, most overdue first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn overdue_reviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Case>> {
        let actor = ctx.principal()?.actor()?;
        let page = page(ctx, first, after)?;
        let rows = overdue::reviews(ctx.db()?, actor, &page).await?;
        Ok(from_page(rows, Case))
    }

    /// Victims of incidents in the period with no current risk assessment, one row per person,
    /// newest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn victims_awaiting_assessment(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<AwaitingAssessment>> {
        let actor = ctx.principal()?.actor()?;
        let period = DateRange::parse("to", from, to)?;
        let page = page(ctx, first, after)?;
        let rows = worklists::awaiting_assessment(ctx.db()?, actor, &period, &page).await?;
        Ok(from_page(rows, AwaitingAssessment))
    }

    /// Plan actions past their due date, grouped by owner (agency, officer and team).
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn overdue_actions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<OverdueActionGroup>> {
        let actor = ctx.principal()?.actor()?;
        let page = page(ctx, first, after)?;
        let rows = overdue::actions(ctx.db()?, actor, &page).await?;
        Ok(from_page(rows, OverdueActionGroup))
    }

    /// The period's figures over visible records, optionally for one agency or one ward.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        agency_id: Option<ID>,
        ward: Option<String>,
    ) -> AppResult<Dashboard> {
        let actor = ctx.principal()?.actor()?;
        DateRange::parse("to", Some(from), Some(to))?;
        let q = DashboardQuery {
            from,
            to,
            agency_id: agency_id
                .as_ref()
                .map(|id| parse_id("agencyId", id))
                .transpose()?,
            ward: ward
                .map(|w| ShortText::parse("ward", &w).map(ShortText::into_string))
                .transpose()?,
        };
        let cache = ctx
            .data::<std::sync::Arc<DashboardCache>>()
            .map_err(|_| AppError::internal("the dashboard cache is not in the schema"))?;
        let d = dashboard::dashboard(ctx.db()?, cache, actor, &q).await?;
        Ok(Dashboard::new(from, to, d))
    }
}
