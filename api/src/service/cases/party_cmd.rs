//! Who and what a case is about: adding and removing parties, and linking an incident (whose
//! people join the parties and whose location joins the locations).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{case_location, case_party, incident, incident_party, intervention};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::plan_cmd::bad_input_if_not_found;
use crate::{
    auth::{
        Actor, Principal,
        policy::{self, scope::Scope},
    },
    domain::PartyRole,
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

/// Adds a person to a case in a role. The person must be one the user may see and not a
/// duplicate merged into another record; the same person may hold several roles, each once.
pub async fn add(
    db: &DatabaseConnection,
    principal: &Principal,
    case_id: Uuid,
    person_id: Uuid,
    role: PartyRole,
) -> AppResult<case_party::Model> {
    let actor = principal.actor()?;
    policy::check_writes(&actor.permissions, "Case", &["parties"])?;
    policy::check_writes(&actor.permissions, "CaseParty", &["role", "person"])?;
    let txn = crate::db::begin_write(db).await?;
    super::query::get(&txn, actor, case_id).await?;
    // An invisible person is "no such person": its existence must not leak.
    let person = super::records::person(&txn, actor, person_id)
        .await
        .map_err(bad_input_if_not_found("personId", "no such person"))?;
    if person.merged_into_id.is_some() {
        return Err(AppError::bad_input(
            "personId",
            "this record was merged into another; add that one instead",
        ));
    }
    let now = Utc::now();
    let party = case_party::Model {
        id: Uuid::new_v4(),
        case_id,
        person_id,
        role: role.as_str().into(),
        created_at: now,
        updated_at: now,
        created_by: Some(actor.user_id),
        updated_by: Some(actor.user_id),
    };
    // Insert-or-nothing against the unique (case, person, role) index, so two clients adding the
    // same party at once cannot both succeed nor fail with a database error.
    let inserted =
        case_party::Entity::insert(case_party::ActiveModel::from(party.clone()).reset_all())
            .on_conflict(
                OnConflict::columns([
                    case_party::Column::CaseId,
                    case_party::Column::PersonId,
                    case_party::Column::Role,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    if inserted != 1 {
        return Err(AppError::bad_input(
            "personId",
            "already a party to this case in this role",
        ));
    }
    audit::record(
        &txn,
        principal,
        Entry::new("addParty")
            .entity("Case", case_id)
            .fields(["parties"])
            .detail(format!("party {} (person {person_id})", party.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(party)
}

/// Removes a party from a visible case. A person who is the subject of one of the case's
/// interventions stays a party (in some role) while the intervention exists.
pub async fn remove(
    db: &DatabaseConnection,
    principal: &Principal,
    party_id: Uuid,
) -> AppResult<bool> {
    let actor = principal.actor()?;
    policy::check_writes(&actor.permissions, "Case", &["parties"])?;
    policy::check_writes(&actor.permissions, "CaseParty", &["role", "person"])?;
    let txn = crate::db::begin_write(db).await?;
    let visible = Scope::new(actor.agency_id).visible_case_ids();
    let party = case_party::Entity::find()
        .filter(case_party::Column::Id.eq(party_id))
        .filter(case_party::Column::CaseId.in_subquery(visible.clone()))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let other_roles = case_party::Entity::find()
        .filter(case_party::Column::CaseId.eq(party.case_id))
        .filter(case_party::Column::PersonId.eq(party.person_id))
        .filter(case_party::Column::Id.ne(party.id))
        .count(&txn)
        .await?;
    if other_roles == 0 {
        let subject_of = intervention::Entity::find()
            .filter(intervention::Column::CaseId.eq(party.case_id))
            .filter(intervention::Column::SubjectPersonId.eq(party.person_id))
            .count(&txn)
            .await?;
        if subject_of > 0 {
            return Err(AppError::bad_input(
                "partyId",
                "the person is the subject of an intervention on this case",
            ));
        }
    }
    let res = case_party::Entity::delete_many()
        .filter(case_party::Column::Id.eq(party_id))
        .filter(case_party::Column::CaseId.in_subquery(visible))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        principal,
        Entry::new("removeParty")
            .entity("Case", party.case_id)
            .fields(["parties"])
            .detail(format!("party {party_id} (person {})", party.person_id)),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Links an incident the user may see, and that is in no case yet, to a visible case. Its people
/// join the case's parties and its location the case's locations.
pub async fn link_incident(
    db: &DatabaseConnection,
    principal: &Principal,
    case_id: Uuid,
    incident_id: Uuid,
) -> AppResult<incident::Model> {
    let actor = principal.actor()?;
    let fields = ["incidents", "parties", "locations"];
    policy::check_writes(&actor.permissions, "Case", &fields)?;
    policy::check_writes(&actor.permissions, "Incident", &["case"])?;
    let txn = crate::db::begin_write(db).await?;
    super::query::get(&txn, actor, case_id).await?;
    let now = Utc::now();
    // Write first, on condition that the incident is still in no case: two cases claiming it at
    // once cannot both win.
    let res = incident::Entity::update_many()
        .col_expr(incident::Column::CaseId, Expr::value(case_id))
        .col_expr(incident::Column::UpdatedAt, Expr::value(now))
        .col_expr(incident::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(incident::Column::Id.eq(incident_id))
        .filter(incident::Column::CaseId.is_null())
        .filter(Scope::new(actor.agency_id).incidents())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        let found = incident::Entity::find()
            .filter(incident::Column::Id.eq(incident_id))
            .filter(Scope::new(actor.agency_id).incidents())
            .one(&txn)
            .await?;
        return Err(match found {
            None => AppError::bad_input("incidentId", "no such incident"),
            Some(i) if i.case_id == Some(case_id) => {
                AppError::bad_input("incidentId", "already linked to this case")
            }
            Some(_) => AppError::bad_input("incidentId", "already belongs to another case"),
        });
    }
    let inc = incident::Entity::find_by_id(incident_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let parties: BTreeSet<(Uuid, String)> = incident_party::Entity::find()
        .filter(incident_party::Column::IncidentId.eq(incident_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.person_id, p.part))
        .collect();
    super::case_cmd::add_parties(&txn, actor, case_id, parties, now).await?;
    if let Some(location_id) = inc.location_id {
        link_location(&txn, actor, case_id, location_id, now).await?;
    }
    audit::record(
        &txn,
        principal,
        Entry::new("linkIncident")
            .entity("Case", case_id)
            .fields(fields)
            .detail(format!("incident {incident_id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(inc)
}

/// Links a location to a case unless it already is.
async fn link_location<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    case_id: Uuid,
    location_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let linked = case_location::Entity::find_by_id((case_id, location_id))
        .one(db)
        .await?;
    if linked.is_none() {
        case_location::ActiveModel {
            case_id: Set(case_id),
            location_id: Set(location_id),
            created_at: Set(now),
            created_by: Set(Some(actor.user_id)),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
