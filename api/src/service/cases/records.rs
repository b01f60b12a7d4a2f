//! Reading people and incidents over the user's visible rows.

use entity::{incident, person};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};
use uuid::Uuid;

use crate::{
    auth::{
        Actor,
        policy::{self, scope::Scope},
    },
    domain::{AsbCategory, Channel, DateRange, LikePattern, PageRequest, PostcodePrefix},
    error::{AppError, AppResult},
    service::paging::{self, KeyKind, Page, time_key},
};

#[derive(Default, Debug)]
pub struct PersonFilter {
    pub search: Option<LikePattern>,
    pub postcode: Option<PostcodePrefix>,
}

/// People the user may see, by family name then given name.
pub async fn people(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &PersonFilter,
    page: &PageRequest,
) -> AppResult<Page<person::Model>> {
    let scope = Scope::new(actor.agency_id);
    // Sorting by family name reveals it, so listing people needs it.
    policy::check_reads(&actor.permissions, "Person", &["familyName"])?;
    let mut cond = Condition::all()
        .add(scope.people())
        .add(person::Column::MergedIntoId.is_null());
    if let Some(p) = &filter.search {
        policy::check_reads(&actor.permissions, "Person", &["givenName", "familyName"])?;
        let like = || LikeExpr::new(p.as_str()).escape('\\');
        cond = cond.add(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(person::Column::GivenName))).like(like()))
                .add(Expr::expr(Func::lower(Expr::col(person::Column::FamilyName))).like(like())),
        );
    }
    if let Some(pc) = &filter.postcode {
        policy::check_reads(&actor.permissions, "Person", &["postcode"])?;
        cond = if pc.is_full() {
            cond.add(person::Column::Postcode.eq(pc.as_str()))
        } else {
            cond.add(
                Expr::col(person::Column::Postcode)
                    .like(LikeExpr::new(pc.like_pattern()).escape('\\')),
            )
        };
    }
    let base = person::Entity::find().filter(cond);
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let q = paging::apply(
        base,
        person::Column::FamilyName,
        person::Column::Id,
        KeyKind::Text,
        false,
        page,
    )?;
    let rows = q.all(db).await?;
    Ok(paging::finish(rows, page, total, |m| {
        (m.family_name.clone(), m.id)
    }))
}

pub async fn person<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<person::Model> {
    person::Entity::find()
        .filter(person::Column::Id.eq(id))
        .filter(Scope::new(actor.agency_id).people())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Default, Debug)]
pub struct IncidentFilter {
    pub categories: Vec<AsbCategory>,
    pub channels: Vec<Channel>,
    pub occurred: Option<DateRange>,
    pub case_id: Option<Uuid>,
    pub without_case: bool,
    pub reporting_agency_id: Option<Uuid>,
}

/// Incidents the user may see, newest first.
pub async fn incidents(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &IncidentFilter,
    page: &PageRequest,
) -> AppResult<Page<incident::Model>> {
    use incident::Column as C;
    let p = &actor.permissions;
    policy::check_reads(p, "Incident", &["occurredAt"])?;
    let mut cond = Condition::all().add(Scope::new(actor.agency_id).incidents());
    if !filter.categories.is_empty() {
        policy::check_reads(p, "Incident", &["category"])?;
        cond = cond.add(C::Category.is_in(filter.categories.iter().map(|c| c.as_str())));
    }
    if !filter.channels.is_empty() {
        policy::check_reads(p, "Incident", &["channel"])?;
        cond = cond.add(C::Channel.is_in(filter.channels.iter().map(|c| c.as_str())));
    }
    if let Some(r) = &filter.occurred {
        if let Some(from) = r.from() {
            cond = cond.add(C::OccurredAt.gte(from));
        }
        if let Some(to) = r.to() {
            cond = cond.add(C::OccurredAt.lte(to));
        }
    }
    if let Some(id) = filter.case_id {
        policy::check_reads(p, "Incident", &["case"])?;
        cond = cond.add(C::CaseId.eq(id));
    }
    if filter.without_case {
        policy::check_reads(p, "Incident", &["case"])?;
        cond = cond.add(C::CaseId.is_null());
    }
    if let Some(id) = filter.reporting_agency_id {
        policy::check_reads(p, "Incident", &["reportingAgency"])?;
        cond = cond.add(C::ReportingAgencyId.eq(id));
    }
    let base = incident::Entity::find().filter(cond);
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let q = paging::apply(base, C::OccurredAt, C::Id, KeyKind::Time, true, page)?;
    let rows = q.all(db).await?;
    Ok(paging::finish(rows, page, total, |m| {
        (time_key(&m.occurred_at), m.id)
    }))
}

pub async fn incident(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<incident::Model> {
    incident::Entity::find()
        .filter(incident::Column::Id.eq(id))
        .filter(Scope::new(actor.agency_id).incidents())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}
