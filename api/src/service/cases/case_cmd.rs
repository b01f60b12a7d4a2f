//! Opening a case from incidents, updating it, and moving it through its lifecycle.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Utc};
use entity::{app_user, asb_case, case_location, case_party, incident, incident_party};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, Statement,
};
use uuid::Uuid;

use super::people_cmd::Change;
use crate::{
    auth::{
        Actor, Principal,
        policy::{self, scope::Scope},
    },
    domain::{
        AsbCategory, CaseReference, CaseStatus, CaseTitle, ClosureReason, LongText, RiskLevel,
    },
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

pub struct NewCase {
    pub title: CaseTitle,
    pub summary: LongText,
    pub category: AsbCategory,
    pub risk_level: RiskLevel,
    pub owner_id: Option<Uuid>,
    pub incident_ids: Vec<Uuid>,
    pub police_intelligence: Option<LongText>,
    pub tenancy_details: Option<LongText>,
    pub health_safeguarding_notes: Option<LongText>,
}

impl NewCase {
    fn fields(&self) -> Vec<&'static str> {
        let mut f = vec![
            "title",
            "summary",
            "category",
            "riskLevel",
            "incidents",
            "parties",
        ];
        if self.owner_id.is_some() {
            f.push("owner");
        }
        if self.police_intelligence.is_some() {
            f.push("policeIntelligence");
        }
        if self.tenancy_details.is_some() {
            f.push("tenancyDetails");
        }
        if self.health_safeguarding_notes.is_some() {
            f.push("healthSafeguardingNotes");
        }
        f
    }
}

/// The next reference of `year`, in the caller's transaction. One statement, so two cases opened
/// at once never get the same number.
async fn next_reference<C: ConnectionTrait>(db: &C, year: i32) -> AppResult<CaseReference> {
    let backend = db.get_database_backend();
    let sql = "INSERT INTO case_reference_counter (year, last_value) VALUES ($1, 1) \
               ON CONFLICT (year) DO UPDATE SET last_value = case_reference_counter.last_value + 1 \
               RETURNING last_value";
    let sql = if backend == sea_orm::DatabaseBackend::Sqlite {
        sql.replace("$1", "?")
    } else {
        sql.to_string()
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [year.into()]))
        .await?
        .ok_or_else(|| AppError::internal("reference counter returned no row"))?;
    let seq: i64 = row.try_get("", "last_value")?;
    CaseReference::new(year, seq)
}

/// Checks that a proposed owner works for the lead agency.
async fn check_owner<C: ConnectionTrait>(db: &C, agency_id: Uuid, owner_id: Uuid) -> AppResult<()> {
    let owner = app_user::Entity::find_by_id(owner_id).one(db).await?;
    match owner {
        Some(u) if u.agency_id == agency_id && !u.disabled => Ok(()),
        _ => Err(AppError::bad_input(
            "ownerId",
            "must be an active user of the lead agency",
        )),
    }
}

pub async fn open(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewCase,
) -> AppResult<asb_case::Model> {
    let actor = principal.actor()?;
    let fields = new.fields();
    policy::check_writes(&actor.permissions, "Case", &fields)?;
    if new.incident_ids.is_empty() {
        return Err(AppError::bad_input(
            "incidentIds",
            "a case is opened from at least one incident",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    // The incidents must be visible and not yet in a case.
    let incidents = incident::Entity::find()
        .filter(incident::Column::Id.is_in(new.incident_ids.clone()))
        .filter(Scope::new(actor.agency_id).incidents())
        .all(&txn)
        .await?;
    let distinct: BTreeSet<Uuid> = new.incident_ids.iter().copied().collect();
    if incidents.len() != distinct.len() {
        return Err(AppError::bad_input("incidentIds", "no such incident"));
    }
    if incidents.iter().any(|i| i.case_id.is_some()) {
        return Err(AppError::bad_input(
            "incidentIds",
            "an incident already belongs to a case",
        ));
    }
    let owner_id = new.owner_id.unwrap_or(actor.user_id);
    check_owner(&txn, actor.agency_id, owner_id).await?;

    let now = Utc::now();
    let reference = next_reference(&txn, now.year()).await?;
    let case = asb_case::ActiveModel {
        id: Set(Uuid::new_v4()),
        reference: Set(reference.as_str().to_string()),
        title: Set(new.title.into_string()),
        summary: Set(new.summary.into_string()),
        category: Set(new.category.as_str().into()),
        status: Set(CaseStatus::Open.as_str().into()),
        closure_reason: Set(None),
        closed_at: Set(None),
        lead_agency_id: Set(actor.agency_id),
        owner_id: Set(Some(owner_id)),
        risk_level: Set(new.risk_level.as_str().into()),
        next_review_at: Set(Some(
            crate::service::safety::reviews::first_review_due(&txn, new.risk_level, now).await?,
        )),
        police_intelligence: Set(new.police_intelligence.map(LongText::into_string)),
        tenancy_details: Set(new.tenancy_details.map(LongText::into_string)),
        health_safeguarding_notes: Set(new.health_safeguarding_notes.map(LongText::into_string)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_by: Set(Some(actor.user_id)),
    }
    .insert(&txn)
    .await?;

    incident::Entity::update_many()
        .col_expr(
            incident::Column::CaseId,
            sea_orm::sea_query::Expr::value(case.id),
        )
        .col_expr(
            incident::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            incident::Column::UpdatedBy,
            sea_orm::sea_query::Expr::value(actor.user_id),
        )
        .filter(incident::Column::Id.is_in(distinct.iter().copied()))
        .exec(&txn)
        .await?;
    // The incidents' people become the case's parties, and their locations its locations.
    let parties = incident_party::Entity::find()
        .filter(incident_party::Column::IncidentId.is_in(distinct.iter().copied()))
        .all(&txn)
        .await?;
    let party_keys: BTreeSet<(Uuid, String)> =
        parties.into_iter().map(|p| (p.person_id, p.part)).collect();
    add_parties(&txn, actor, case.id, party_keys, now).await?;
    let locations: BTreeSet<Uuid> = incidents.iter().filter_map(|i| i.location_id).collect();
    if !locations.is_empty() {
        case_location::Entity::insert_many(locations.into_iter().map(|l| {
            case_location::ActiveModel {
                case_id: Set(case.id),
                location_id: Set(l),
                created_at: Set(now),
                created_by: Set(Some(actor.user_id)),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    if new.risk_level == RiskLevel::High {
        high_risk_alert(&txn, &case).await?;
    }
    audit::record(
        &txn,
        principal,
        Entry::new("openCase")
            .entity("Case", case.id)
            .fields(fields)
            .detail(format!("from {} incident(s)", distinct.len())),
    )
    .await?;
    txn.commit().await?;
    Ok(case)
}

/// Tells every agency that can see the case that it now has a high-risk victim.
pub(crate) async fn high_risk_alert<C: ConnectionTrait>(
    db: &C,
    case: &asb_case::Model,
) -> AppResult<()> {
    crate::service::alerts::raise_for_case(
        db,
        case,
        &crate::service::alerts::Draft {
            kind: crate::service::alerts::AlertKind::HighRiskVictim,
            case_id: Some(case.id),
            person_id: None,
            incident_id: None,
            message: format!("Case {} is now high risk", case.reference),
        },
    )
    .await
}

/// Adds (person, role) parties to a case, skipping those already there.
pub async fn add_parties<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    case_id: Uuid,
    parties: BTreeSet<(Uuid, String)>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if parties.is_empty() {
        return Ok(());
    }
    let existing: BTreeSet<(Uuid, String)> = case_party::Entity::find()
        .filter(case_party::Column::CaseId.eq(case_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.person_id, p.role))
        .collect();
    let new: Vec<_> = parties
        .into_iter()
        .filter(|k| !existing.contains(k))
        .map(|(person_id, role)| case_party::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(case_id),
            person_id: Set(person_id),
            role: Set(role),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(actor.user_id)),
            updated_by: Set(Some(actor.user_id)),
        })
        .collect();
    if !new.is_empty() {
        case_party::Entity::insert_many(new)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The editable parts of a case. `None`/`Keep` leaves a field as it is.
#[derive(Default)]
pub struct CaseChanges {
    pub title: Option<CaseTitle>,
    pub summary: Option<LongText>,
    pub category: Option<AsbCategory>,
    pub risk_level: Option<RiskLevel>,
    pub owner_id: Option<Uuid>,
    pub next_review_at: Option<DateTime<Utc>>,
    pub police_intelligence: Change<LongText>,
    pub tenancy_details: Change<LongText>,
    pub health_safeguarding_notes: Change<LongText>,
}

impl CaseChanges {
    fn fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        let set: [(&'static str, bool); 9] = [
            ("title", self.title.is_some()),
            ("summary", self.summary.is_some()),
            ("category", self.category.is_some()),
            ("riskLevel", self.risk_level.is_some()),
            ("owner", self.owner_id.is_some()),
            ("nextReviewAt", self.next_review_at.is_some()),
            ("policeIntelligence", !self.police_intelligence.is_keep()),
            ("tenancyDetails", !self.tenancy_details.is_keep()),
            (
                "healthSafeguardingNotes",
                !self.health_safeguarding_notes.is_keep(),
            ),
        ];
        f.extend(set.into_iter().filter(|(_, s)| *s).map(|(n, _)| n));
        f
    }
}

fn text_change(c: Change<LongText>) -> Option<Option<String>> {
    match c {
        Change::Keep => None,
        Change::Clear => Some(None),
        Change::Set(t) => Some(Some(t.into_string())),
    }
}

/// Writes `m` to the case only if it is visible and still at `version`; otherwise `NOT_FOUND` or
/// `CONFLICT` with the current version.
async fn write_versioned<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
    version: i32,
    mut m: asb_case::ActiveModel,
) -> AppResult<asb_case::Model> {
    match write_if(
        db,
        actor,
        id,
        version,
        m_with_version(&mut m, actor, version),
        Condition::all(),
    )
    .await?
    {
        Ok(case) => Ok(case),
        Err(current) => Err(AppError::stale(current.version)),
    }
}

fn m_with_version(
    m: &mut asb_case::ActiveModel,
    actor: &Actor,
    version: i32,
) -> asb_case::ActiveModel {
    m.version = Set(version + 1);
    m.updated_at = Set(Utc::now());
    m.updated_by = Set(Some(actor.user_id));
    m.clone()
}

/// Writes first, conditionally (visible, at `version`, and `extra`), so that two saves cannot
/// both win and SQLite takes its write lock up front. `Ok(Err(current))` when the condition did
/// not hold for a visible case; `NOT_FOUND` when the case is not visible.
async fn write_if<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
    version: i32,
    m: asb_case::ActiveModel,
    extra: Condition,
) -> AppResult<Result<asb_case::Model, asb_case::Model>> {
    let res = asb_case::Entity::update_many()
        .set(m)
        .filter(asb_case::Column::Id.eq(id))
        .filter(asb_case::Column::Version.eq(version))
        .filter(Scope::new(actor.agency_id).cases())
        .filter(extra)
        .exec(db)
        .await?;
    let current = super::query::get(db, actor, id).await?;
    Ok(if res.rows_affected == 1 {
        Ok(current)
    } else {
        Err(current)
    })
}

pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: CaseChanges,
) -> AppResult<asb_case::Model> {
    let actor = principal.actor()?;
    let fields = changes.fields();
    if fields.is_empty() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    policy::check_writes(&actor.permissions, "Case", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    let mut m = <asb_case::ActiveModel as Default>::default();
    if let Some(v) = changes.title {
        m.title = Set(v.into_string());
    }
    if let Some(v) = changes.summary {
        m.summary = Set(v.into_string());
    }
    if let Some(v) = changes.category {
        m.category = Set(v.as_str().into());
    }
    if let Some(v) = changes.risk_level {
        m.risk_level = Set(v.as_str().into());
    }
    if let Some(v) = changes.next_review_at {
        m.next_review_at = Set(Some(v));
    }
    if let Some(v) = text_change(changes.police_intelligence) {
        m.police_intelligence = Set(v);
    }
    if let Some(v) = text_change(changes.tenancy_details) {
        m.tenancy_details = Set(v);
    }
    if let Some(v) = text_change(changes.health_safeguarding_notes) {
        m.health_safeguarding_notes = Set(v);
    }
    let owner = changes.owner_id;
    if let Some(owner) = owner {
        m.owner_id = Set(Some(owner));
    }
    let previous_level = asb_case::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .map(|c| c.risk_level);
    let was_high = previous_level.as_deref() == Some(RiskLevel::High.as_str());
    // A new risk level brings the review date of its cadence, unless one is given.
    if let (Some(level), None) = (changes.risk_level, changes.next_review_at)
        && previous_level.as_deref() != Some(level.as_str())
    {
        m.next_review_at = Set(Some(
            crate::service::safety::reviews::first_review_due(&txn, level, Utc::now()).await?,
        ));
    }
    let case = write_versioned(&txn, actor, id, version, m).await?;
    if !was_high && case.risk_level == RiskLevel::High.as_str() {
        high_risk_alert(&txn, &case).await?;
    }
    if let Some(owner) = owner {
        check_owner(&txn, case.lead_agency_id, owner).await?;
    }
    audit::record(
        &txn,
        principal,
        Entry::new("updateCase").entity("Case", id).fields(fields),
    )
    .await?;
    txn.commit().await?;
    Ok(case)
}

/// Moves a case through open → active → monitoring → closed, and reopens it. Only the lead
/// agency changes a case's status; closing needs a reason.
pub async fn change_status(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    version: i32,
    status: CaseStatus,
    reason: Option<ClosureReason>,
) -> AppResult<asb_case::Model> {
    let actor = principal.actor()?;
    let mut fields = vec!["status"];
    if status == CaseStatus::Closed {
        fields.push("closureReason");
    }
    policy::check_writes(&actor.permissions, "Case", &fields)?;
    let mut m = asb_case::ActiveModel {
        status: Set(status.as_str().into()),
        ..Default::default()
    };
    if status == CaseStatus::Closed {
        let Some(reason) = reason else {
            return Err(AppError::bad_input(
                "closureReason",
                "closing a case needs a reason",
            ));
        };
        m.closure_reason = Set(Some(reason.as_str().into()));
        m.closed_at = Set(Some(Utc::now()));
    } else {
        m.closure_reason = Set(None);
        m.closed_at = Set(None);
    }
    let allowed_from: Vec<&str> = CaseStatus::ALL
        .iter()
        .filter(|s| s.can_transition_to(status))
        .map(|s| s.as_str())
        .collect();
    let extra = Condition::all()
        .add(asb_case::Column::LeadAgencyId.eq(actor.agency_id))
        .add(asb_case::Column::Status.is_in(allowed_from));
    let txn = crate::db::begin_write(db).await?;
    if status == CaseStatus::Closed {
        // Medium and high risk close only with a supervisor's current sign-off.
        crate::service::safety::reviews::check_closure_sign_off(&txn, actor, id, version).await?;
    }
    let case = match write_if(
        &txn,
        actor,
        id,
        version,
        m_with_version(&mut m, actor, version),
        extra,
    )
    .await?
    {
        Ok(case) => case,
        Err(current) if current.lead_agency_id != actor.agency_id => {
            return Err(AppError::Forbidden);
        }
        Err(current) if current.version != version => return Err(AppError::stale(current.version)),
        Err(current) => {
            return Err(AppError::bad_input(
                "status",
                format!(
                    "a case cannot go from {} to {}",
                    current.status,
                    status.as_str()
                ),
            ));
        }
    };
    audit::record(
        &txn,
        principal,
        Entry::new("changeCaseStatus")
            .entity("Case", id)
            .fields(fields)
            .detail(format!("status -> {}", status.as_str())),
    )
    .await?;
    txn.commit().await?;
    Ok(case)
}
