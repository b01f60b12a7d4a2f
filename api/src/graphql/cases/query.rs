//! Queries over cases, incidents and people. Lists are Relay connections with a hard maximum
//! page size; filters and sorts over restricted fields are refused unless the role may read them.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use super::{
    incidents::Incident,
    people::Person,
    types::{Case, InterventionTool},
};
use crate::{
    domain::{
        AsbCategory, CaseReference, CaseStatus, Channel, DateRange, LikePattern, PageRequest,
        PostcodePrefix, RiskLevel,
    },
    error::{AppError, AppResult},
    graphql::ContextExt,
    graphql::connection::{Connection, from_page},
    service::cases::{query as cases, records},
};

#[derive(Default)]
pub struct CaseQuery;

impl From<entity::asb_case::Model> for Case {
    fn from(m: entity::asb_case::Model) -> Self {
        Case(m)
    }
}
impl From<entity::incident::Model> for Incident {
    fn from(m: entity::incident::Model) -> Self {
        Incident(m)
    }
}
impl From<entity::person::Model> for Person {
    fn from(m: entity::person::Model) -> Self {
        Person(m)
    }
}

/// Time bounds, both inclusive.
#[derive(InputObject, Default)]
pub struct TimeRange {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

impl TimeRange {
    fn parse(field: &str, r: Option<TimeRange>) -> AppResult<Option<DateRange>> {
        r.map(|r| DateRange::parse(field, r.from, r.to)).transpose()
    }
}

#[derive(InputObject, Default)]
pub struct CaseFilter {
    status: Option<Vec<CaseStatus>>,
    category: Option<Vec<AsbCategory>>,
    risk_level: Option<Vec<RiskLevel>>,
    lead_agency_id: Option<ID>,
    owner_id: Option<ID>,
    created: Option<TimeRange>,
    next_review: Option<TimeRange>,
    ward: Option<String>,
    /// A full postcode or an outward code such as `EB1`.
    postcode: Option<String>,
    /// Cases the signed-in user owns.
    mine: Option<bool>,
    /// Cases the user's agency leads.
    my_agency: Option<bool>,
    /// Cases other agencies lead and share with the user's agency.
    shared_with_my_agency: Option<bool>,
    /// Free text over reference, title and the names of the parties.
    search: Option<String>,
}

#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseSortField {
    #[default]
    CreatedAt,
    UpdatedAt,
    Reference,
}

#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

#[derive(InputObject, Default)]
pub struct CaseSort {
    #[graphql(default)]
    field: CaseSortField,
    /// Newest first unless asked otherwise.
    #[graphql(default)]
    direction: SortDirection,
}

pub fn parse_id(field: &str, id: &ID) -> AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id.as_str()).map_err(|_| AppError::bad_input(field, "not an id"))
}

fn parse_case_filter(f: CaseFilter) -> AppResult<cases::CaseFilter> {
    Ok(cases::CaseFilter {
        statuses: f.status.unwrap_or_default(),
        categories: f.category.unwrap_or_default(),
        risk_levels: f.risk_level.unwrap_or_default(),
        lead_agency_id: f
            .lead_agency_id
            .as_ref()
            .map(|i| parse_id("leadAgencyId", i))
            .transpose()?,
        owner_id: f
            .owner_id
            .as_ref()
            .map(|i| parse_id("ownerId", i))
            .transpose()?,
        created: TimeRange::parse("created", f.created)?,
        next_review: TimeRange::parse("nextReview", f.next_review)?,
        ward: f
            .ward
            .map(|w| crate::domain::ShortText::parse("ward", &w).map(|w| w.into_string()))
            .transpose()?,
        postcode: f
            .postcode
            .map(|p| PostcodePrefix::parse("postcode", &p))
            .transpose()?,
        mine: f.mine.unwrap_or(false),
        my_agency: f.my_agency.unwrap_or(false),
        shared_with_my_agency: f.shared_with_my_agency.unwrap_or(false),
        search: f
            .search
            .map(|s| LikePattern::parse("search", &s))
            .transpose()?,
    })
}

#[derive(InputObject, Default)]
pub struct PersonFilter {
    /// Free text over given and family names.
    search: Option<String>,
    postcode: Option<String>,
}

#[derive(InputObject, Default)]
pub struct IncidentFilter {
    category: Option<Vec<AsbCategory>>,
    channel: Option<Vec<Channel>>,
    occurred: Option<TimeRange>,
    case_id: Option<ID>,
    /// Only incidents not yet linked to a case.
    without_case: Option<bool>,
    reporting_agency_id: Option<ID>,
}

fn page(ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> AppResult<PageRequest> {
    let max = ctx.settings()?.limits.max_page_size;
    Ok(PageRequest::parse(first, after.as_deref(), max)?
        .with_count(crate::graphql::connection::wants_total(ctx)))
}

#[Object]
impl CaseQuery {
    /// One case, or `NOT_FOUND` (also for a case outside the user's scope).
    async fn case(&self, ctx: &Context<'_>, id: ID) -> AppResult<Case> {
        let actor = ctx.principal()?.actor()?;
        let id = parse_id("id", &id).map_err(|_| AppError::NotFound)?;
        Ok(Case(cases::get(ctx.db()?, actor, id).await?))
    }

    async fn case_by_reference(&self, ctx: &Context<'_>, reference: String) -> AppResult<Case> {
        let actor = ctx.principal()?.actor()?;
        let reference =
            CaseReference::parse("reference", &reference).map_err(|_| AppError::NotFound)?;
        Ok(Case(
            cases::by_reference(ctx.db()?, actor, &reference).await?,
        ))
    }

    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        filter: Option<CaseFilter>,
        sort: Option<CaseSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Case>> {
        let actor = ctx.principal()?.actor()?;
        let page = page(ctx, first, after)?;
        let filter = parse_case_filter(filter.unwrap_or_default())?;
        let sort = sort.unwrap_or_default();
        let sort = cases::CaseSort {
            field: match sort.field {
                CaseSortField::CreatedAt => cases::CaseSortField::CreatedAt,
                CaseSortField::UpdatedAt => cases::CaseSortField::UpdatedAt,
                CaseSortField::Reference => cases::CaseSortField::Reference,
            },
            descending: sort.direction == SortDirection::Desc,
        };
        let result = cases::list(ctx.db()?, actor, &filter, sort, &page).await?;
        Ok(from_page(result, Into::into))
    }

    async fn incident(&self, ctx: &Context<'_>, id: ID) -> AppResult<Incident> {
        let actor = ctx.principal()?.actor()?;
        let id = parse_id("id", &id).map_err(|_| AppError::NotFound)?;
        Ok(Incident(records::incident(ctx.db()?, actor, id).await?))
    }

    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn incidents(
        &self,
        ctx: &Context<'_>,
        filter: Option<IncidentFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Incident>> {
        let actor = ctx.principal()?.actor()?;
        let page = page(ctx, first, after)?;
        let f = filter.unwrap_or_default();
        let filter = records::IncidentFilter {
            categories: f.category.unwrap_or_default(),
            channels: f.channel.unwrap_or_default(),
            occurred: TimeRange::parse("occurred", f.occurred)?,
            case_id: f
                .case_id
                .as_ref()
                .map(|i| parse_id("caseId", i))
                .transpose()?,
            without_case: f.without_case.unwrap_or(false),
            reporting_agency_id: f
                .reporting_agency_id
                .as_ref()
                .map(|i| parse_id("reportingAgencyId", i))
                .transpose()?,
        };
        let result = records::incidents(ctx.db()?, actor, &filter, &page).await?;
        Ok(from_page(result, Into::into))
    }

    async fn person(&self, ctx: &Context<'_>, id: ID) -> AppResult<Person> {
        let actor = ctx.principal()?.actor()?;
        let id = parse_id("id", &id).map_err(|_| AppError::NotFound)?;
        Ok(Person(records::person(ctx.db()?, actor, id).await?))
    }

    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Person>> {
        let actor = ctx.principal()?.actor()?;
        let page = page(ctx, first, after)?;
        let f = filter.unwrap_or_default();
        let filter = records::PersonFilter {
            search: f
                .search
                .map(|s| LikePattern::parse("search", &s))
                .transpose()?,
            postcode: f
                .postcode
                .map(|p| PostcodePrefix::parse("postcode", &p))
                .transpose()?,
        };
        let result = records::people(ctx.db()?, actor, &filter, &page).await?;
        Ok(from_page(result, Into::into))
    }

    /// The partnership's reference list of legal tools.
    async fn intervention_tools(&self, ctx: &Context<'_>) -> AppResult<Vec<InterventionTool>> {
        use sea_orm::{EntityTrait, QueryOrder};
        let rows = entity::intervention_tool::Entity::find()
            .order_by_asc(entity::intervention_tool::Column::Name)
            .all(ctx.db()?)
            .await?;
        Ok(rows.into_iter().map(InterventionTool).collect())
    }
}
