//! Reading cases: by id, by reference, and as filtered, sorted, keyset-paginated lists over the
//! user's visible rows only.

use entity::{asb_case, case_location, case_party, location, person};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};
use uuid::Uuid;

use crate::{
    auth::{
        Actor,
        policy::{self, scope::Scope},
    },
    domain::{
        AsbCategory, CaseReference, CaseStatus, DateRange, LikePattern, PageRequest,
        PostcodePrefix, RiskLevel,
    },
    error::{AppError, AppResult},
    service::paging::{self, KeyKind, Page, time_key},
};

/// Typed filters over cases. Every field that filters on restricted data is checked against the
/// user's read permissions before the query runs.
#[derive(Default, Debug)]
pub struct CaseFilter {
    pub statuses: Vec<CaseStatus>,
    pub categories: Vec<AsbCategory>,
    pub risk_levels: Vec<RiskLevel>,
    pub lead_agency_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub created: Option<DateRange>,
    pub next_review: Option<DateRange>,
    pub ward: Option<String>,
    pub postcode: Option<PostcodePrefix>,
    pub mine: bool,
    pub my_agency: bool,
    pub shared_with_my_agency: bool,
    pub search: Option<LikePattern>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseSortField {
    #[default]
    CreatedAt,
    UpdatedAt,
    Reference,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct CaseSort {
    pub field: CaseSortField,
    pub descending: bool,
}

impl CaseFilter {
    /// The restricted fields this filter reveals, for the policy check.
    fn reads(&self) -> Vec<(&'static str, &'static str)> {
        let mut r = Vec::new();
        if !self.statuses.is_empty() {
            r.push(("Case", "status"));
        }
        if !self.categories.is_empty() {
            r.push(("Case", "category"));
        }
        if !self.risk_levels.is_empty() {
            r.push(("Case", "riskLevel"));
        }
        if self.lead_agency_id.is_some() || self.my_agency || self.shared_with_my_agency {
            r.push(("Case", "leadAgency"));
        }
        if self.owner_id.is_some() || self.mine {
            r.push(("Case", "owner"));
        }
        if self.created.is_some() {
            r.push(("Case", "createdAt"));
        }
        if self.next_review.is_some() {
            r.push(("Case", "nextReviewAt"));
        }
        if self.ward.is_some() {
            r.extend([("Case", "locations"), ("Location", "ward")]);
        }
        if self.postcode.is_some() {
            r.extend([("Case", "locations"), ("Location", "postcode")]);
        }
        if self.search.is_some() {
            r.extend([
                ("Case", "title"),
                ("Case", "parties"),
                ("Person", "givenName"),
                ("Person", "familyName"),
            ]);
        }
        r
    }

    fn condition(&self, actor: &Actor) -> Condition {
        use asb_case::Column as C;
        let mut cond = Condition::all();
        if !self.statuses.is_empty() {
            cond = cond.add(C::Status.is_in(self.statuses.iter().map(|s| s.as_str())));
        }
        if !self.categories.is_empty() {
            cond = cond.add(C::Category.is_in(self.categories.iter().map(|s| s.as_str())));
        }
        if !self.risk_levels.is_empty() {
            cond = cond.add(C::RiskLevel.is_in(self.risk_levels.iter().map(|s| s.as_str())));
        }
        if let Some(id) = self.lead_agency_id {
            cond = cond.add(C::LeadAgencyId.eq(id));
        }
        if let Some(id) = self.owner_id {
            cond = cond.add(C::OwnerId.eq(id));
        }
        if self.mine {
            cond = cond.add(C::OwnerId.eq(actor.user_id));
        }
        if self.my_agency {
            cond = cond.add(C::LeadAgencyId.eq(actor.agency_id));
        }
        if self.shared_with_my_agency {
            cond = cond.add(C::LeadAgencyId.ne(actor.agency_id));
        }
        if let Some(r) = &self.created {
            cond = range(cond, C::CreatedAt, r);
        }
        if let Some(r) = &self.next_review {
            cond = range(cond, C::NextReviewAt, r);
        }
        if self.ward.is_some() || self.postcode.is_some() {
            let mut loc = Query::select()
                .column((case_location::Entity, case_location::Column::CaseId))
                .from(case_location::Entity)
                .inner_join(
                    location::Entity,
                    Expr::col((location::Entity, location::Column::Id))
                        .equals((case_location::Entity, case_location::Column::LocationId)),
                )
                .to_owned();
            if let Some(ward) = &self.ward {
                loc.and_where(
                    Expr::expr(Func::lower(Expr::col((
                        location::Entity,
                        location::Column::Ward,
                    ))))
                    .eq(ward.to_lowercase()),
                );
            }
            if let Some(pc) = &self.postcode {
                if pc.is_full() {
                    loc.and_where(
                        Expr::col((location::Entity, location::Column::Postcode)).eq(pc.as_str()),
                    );
                } else {
                    loc.and_where(
                        Expr::col((location::Entity, location::Column::Postcode))
                            .like(LikeExpr::new(pc.like_pattern()).escape('\\')),
                    );
                }
            }
            cond = cond.add(C::Id.in_subquery(loc));
        }
        if let Some(p) = &self.search {
            let like = || LikeExpr::new(p.as_str()).escape('\\');
            let names = Query::select()
                .column((case_party::Entity, case_party::Column::CaseId))
                .from(case_party::Entity)
                .inner_join(
                    person::Entity,
                    Expr::col((person::Entity, person::Column::Id))
                        .equals((case_party::Entity, case_party::Column::PersonId)),
                )
                .cond_where(
                    Condition::any()
                        .add(
                            Expr::expr(Func::lower(Expr::col((
                                person::Entity,
                                person::Column::GivenName,
                            ))))
                            .like(like()),
                        )
                        .add(
                            Expr::expr(Func::lower(Expr::col((
                                person::Entity,
                                person::Column::FamilyName,
                            ))))
                            .like(like()),
                        ),
                )
                .to_owned();
            cond = cond.add(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col((asb_case::Entity, C::Reference))))
                            .like(like()),
                    )
                    .add(
                        Expr::expr(Func::lower(Expr::col((asb_case::Entity, C::Title))))
                            .like(like()),
                    )
                    .add(C::Id.in_subquery(names)),
            );
        }
        cond
    }
}

fn range(cond: Condition, col: asb_case::Column, r: &DateRange) -> Condition {
    let mut cond = cond;
    if let Some(from) = r.from() {
        cond = cond.add(col.gte(from));
    }
    if let Some(to) = r.to() {
        cond = cond.add(col.lte(to));
    }
    cond
}

impl CaseSort {
    fn reads(&self) -> Option<(&'static str, &'static str)> {
        match self.field {
            CaseSortField::CreatedAt => Some(("Case", "createdAt")),
            CaseSortField::UpdatedAt => Some(("Case", "updatedAt")),
            CaseSortField::Reference => None,
        }
    }

    fn column(&self) -> asb_case::Column {
        match self.field {
            CaseSortField::CreatedAt => asb_case::Column::CreatedAt,
            CaseSortField::UpdatedAt => asb_case::Column::UpdatedAt,
            CaseSortField::Reference => asb_case::Column::Reference,
        }
    }

    fn key(&self, m: &asb_case::Model) -> String {
        match self.field {
            CaseSortField::CreatedAt => time_key(&m.created_at),
            CaseSortField::UpdatedAt => time_key(&m.updated_at),
            CaseSortField::Reference => m.reference.clone(),
        }
    }

    fn kind(&self) -> KeyKind {
        match self.field {
            CaseSortField::Reference => KeyKind::Text,
            _ => KeyKind::Time,
        }
    }
}

/// A page of the cases the user may see.
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &CaseFilter,
    sort: CaseSort,
    page: &PageRequest,
) -> AppResult<Page<asb_case::Model>> {
    let mut reads = filter.reads();
    reads.extend(sort.reads());
    for (t, f) in reads {
        policy::check_reads(&actor.permissions, t, &[f])?;
    }
    let scope = Scope::new(actor.agency_id);
    let base = asb_case::Entity::find()
        .filter(scope.cases())
        .filter(filter.condition(actor));
    let total = if page.wants_count() {
        base.clone().count(db).await?
    } else {
        0
    };
    let q = paging::apply(
        base,
        sort.column(),
        asb_case::Column::Id,
        sort.kind(),
        sort.descending,
        page,
    )?;
    let rows = q.all(db).await?;
    Ok(paging::finish(rows, page, total, |m| (sort.key(m), m.id)))
}

/// One case the user may see; `NOT_FOUND` for one that does not exist or is out of scope alike.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<asb_case::Model> {
    asb_case::Entity::find()
        .filter(policy::scope::case_by_id(&Scope::new(actor.agency_id), id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn by_reference(
    db: &DatabaseConnection,
    actor: &Actor,
    reference: &CaseReference,
) -> AppResult<asb_case::Model> {
    asb_case::Entity::find()
        .filter(asb_case::Column::Reference.eq(reference.as_str()))
        .filter(Scope::new(actor.agency_id).cases())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}
