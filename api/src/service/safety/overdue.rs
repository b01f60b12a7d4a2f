//! Supervision worklists: cases whose review is overdue, and plan actions past their due date
//! grouped by owner (with the owner's team).
//!
//! Both run over visible cases only, in SQL, and are keyset-paginated. The action groups are one
//! `GROUP BY` query per page (owner agency, then owner; unowned actions form their agency's own
//! group), and one more fetches the actions of the groups on the page: the oldest
//! [`ACTIONS_PER_GROUP`] of each, so an answer stays bounded however far an owner falls behind
//! (`count` says how many there are).

use chrono::{NaiveDate, Utc};
use entity::{asb_case, case_action};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter,
    sea_query::{Alias, Expr, ExprTrait, Func, Query},
};
use uuid::Uuid;

use crate::{
    auth::{
        Actor,
        policy::{self, scope::Scope},
    },
    domain::{ActionStatus, CaseStatus, Cursor, PageRequest},
    error::{AppError, AppResult},
    service::paging::{self, KeyKind, Page, time_key},
};

/// The most actions a group carries (its oldest); the group's `count` has them all.
pub const ACTIONS_PER_GROUP: u64 = 100;

/// Visible cases, not closed, whose next review is in the past, most overdue first.
pub async fn reviews(
    db: &DatabaseConnection,
    actor: &Actor,
    page: &PageRequest,
) -> AppResult<Page<asb_case::Model>> {
    use asb_case::Column as C;
    policy::check_reads(&actor.permissions, "Case", &["nextReviewAt", "status"])?;
    let base = asb_case::Entity::find()
        .filter(Scope::new(actor.agency_id).cases())
        .filter(C::Status.ne(CaseStatus::Closed.as_str()))
        .filter(C::NextReviewAt.lt(Utc::now()));
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let rows = paging::apply(base, C::NextReviewAt, C::Id, KeyKind::Time, false, page)?
        .all(db)
        .await?;
    Ok(paging::finish(rows, page, total, |m| {
        (
            m.next_review_at.map(|t| time_key(&t)).unwrap_or_default(),
            m.id,
        )
    }))
}

/// One owner's overdue actions.
#[derive(Clone, Debug)]
pub struct ActionGroup {
    pub owner_agency_id: Uuid,
    /// `None`: actions of the agency with no named owner.
    pub owner_id: Option<Uuid>,
    pub count: i64,
    pub oldest_due: NaiveDate,
    /// Oldest first.
    pub actions: Vec<case_action::Model>,
}

#[derive(FromQueryResult)]
struct GroupRow {
    owner_agency_id: Uuid,
    owner_key: Uuid,
    n: i64,
    oldest_due: NaiveDate,
}

/// The owner as a grouping key: the nil id stands for "no named owner", so the key is never
/// NULL and sorts the same way on every backend.
fn owner_key() -> Expr {
    Func::coalesce([
        Expr::col((case_action::Entity, case_action::Column::OwnerId)),
        Expr::val(Uuid::nil()),
    ])
    .into()
}

fn overdue(scope: &Scope, today: NaiveDate) -> Condition {
    use case_action::Column as A;
    Condition::all()
        .add(A::Status.is_in([
            ActionStatus::Planned.as_str(),
            ActionStatus::InProgress.as_str(),
        ]))
        .add(A::DueDate.lt(today))
        .add(A::CaseId.in_subquery(scope.visible_case_ids()))
}

fn group_key(agency: Uuid, owner: Uuid) -> Condition {
    Condition::all()
        .add(case_action::Column::OwnerAgencyId.eq(agency))
        .add(owner_key().eq(owner))
}

/// Overdue actions on visible cases, grouped by owning agency and owner.
pub async fn actions(
    db: &DatabaseConnection,
    actor: &Actor,
    page: &PageRequest,
) -> AppResult<Page<ActionGroup>> {
    use case_action::Column as A;
    let perms = &actor.permissions;
    policy::check_reads(perms, "Case", &["actions"])?;
    policy::check_reads(
        perms,
        "CaseAction",
        &["dueDate", "status", "owner", "ownerAgency"],
    )?;
    let scope = Scope::new(actor.agency_id);
    let today = Utc::now().date_naive();
    // The owner key is computed in a subquery and grouped outside it, so the grouping
    // expression is a plain column on every backend.
    let rows_of = |cursor: Option<Condition>| {
        let mut inner = Query::select()
            .column(A::OwnerAgencyId)
            .expr_as(owner_key(), Alias::new("owner_key"))
            .columns([A::Id, A::DueDate])
            .from(case_action::Entity)
            .cond_where(overdue(&scope, today))
            .to_owned();
        if let Some(c) = cursor {
            inner.cond_where(c);
        }
        let t = Alias::new("t");
        Query::select()
            .column((t.clone(), A::OwnerAgencyId))
            .column((t.clone(), Alias::new("owner_key")))
            .expr_as(Expr::col((t.clone(), A::Id)).count(), Alias::new("n"))
            .expr_as(
                Expr::col((t.clone(), A::DueDate)).min(),
                Alias::new("oldest_due"),
            )
            .from_subquery(inner, t.clone())
            .group_by_col((t.clone(), A::OwnerAgencyId))
            .group_by_col((t, Alias::new("owner_key")))
            .to_owned()
    };
    let backend = db.get_database_backend();
    let count_stmt = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(rows_of(None), Alias::new("g"))
        .to_owned();
    // Counting the groups runs the grouping over the whole backlog again: only when asked.
    let total = if page.wants_count() {
        db.query_one(&count_stmt)
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0)
    } else {
        0
    };
    let mut paged = rows_of(page.after().map(after).transpose()?);
    paged
        .order_by(Alias::new("owner_agency_id"), sea_orm::Order::Asc)
        .order_by(Alias::new("owner_key"), sea_orm::Order::Asc)
        .limit(page.fetch_limit());
    let rows = GroupRow::find_by_statement(backend.build(&paged))
        .all(db)
        .await?;
    let page = Page::from_rows(rows, page, u64::try_from(total).unwrap_or(0), |r| {
        Cursor::new(r.owner_agency_id.to_string(), r.owner_key)
    });
    let keys: Vec<(Uuid, Uuid)> = page
        .items
        .iter()
        .map(|(_, r)| (r.owner_agency_id, r.owner_key))
        .collect();
    let mut actions = group_actions(db, &scope, today, &keys).await?;
    Ok(page.map(|r| ActionGroup {
        owner_agency_id: r.owner_agency_id,
        owner_id: (!r.owner_key.is_nil()).then_some(r.owner_key),
        count: r.n,
        oldest_due: r.oldest_due,
        actions: actions
            .remove(&(r.owner_agency_id, r.owner_key))
            .unwrap_or_default(),
    }))
}

/// Groups strictly after the cursor's (agency, owner) in ascending order.
fn after(cursor: &Cursor) -> AppResult<Condition> {
    let agency = Uuid::parse_str(cursor.sort_key())
        .map_err(|_| AppError::bad_input("after", "not a cursor this API issued"))?;
    Ok(Condition::any()
        .add(case_action::Column::OwnerAgencyId.gt(agency))
        .add(
            Condition::all()
                .add(case_action::Column::OwnerAgencyId.eq(agency))
                .add(owner_key().gt(cursor.id())),
        ))
}

/// The overdue actions of the groups on one page, in one query.
async fn group_actions<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
    keys: &[(Uuid, Uuid)],
) -> AppResult<std::collections::HashMap<(Uuid, Uuid), Vec<case_action::Model>>> {
    let mut out: std::collections::HashMap<(Uuid, Uuid), Vec<case_action::Model>> =
        std::collections::HashMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let any_group = keys
        .iter()
        .fold(Condition::any(), |c, (a, o)| c.add(group_key(*a, *o)));
    // The oldest of each group, numbered per owner (PARTITION BY treats the NULL owner of the
    // unowned actions as one owner, as the grouping does).
    let rank = Alias::new("rank_in_group");
    let inner = Query::select()
        .column(sea_orm::sea_query::Asterisk)
        .expr_as(
            Expr::cust(
                "ROW_NUMBER() OVER (PARTITION BY owner_agency_id, owner_id \
                 ORDER BY due_date, id)",
            ),
            rank.clone(),
        )
        .from(case_action::Entity)
        .cond_where(overdue(scope, today))
        .cond_where(any_group)
        .to_owned();
    let t = Alias::new("t");
    let outer = Query::select()
        .column((t.clone(), sea_orm::sea_query::Asterisk))
        .from_subquery(inner, t.clone())
        .and_where(Expr::col((t.clone(), rank)).lte(ACTIONS_PER_GROUP))
        .order_by(
            (t.clone(), case_action::Column::DueDate),
            sea_orm::Order::Asc,
        )
        .order_by((t, case_action::Column::Id), sea_orm::Order::Asc)
        .to_owned();
    let rows = case_action::Model::find_by_statement(db.get_database_backend().build(&outer))
        .all(db)
        .await?;
    for a in rows {
        let key = (a.owner_agency_id, a.owner_id.unwrap_or(Uuid::nil()));
        out.entry(key).or_default().push(a);
    }
    Ok(out)
}
