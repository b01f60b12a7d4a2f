//! Merging duplicate people, such as the same victim recorded by two agencies.
//!
//! The duplicate is kept, marked as merged into the kept record, so that its history and the
//! access log still make sense. Its links move to the kept record: parts in incidents, roles in
//! cases, and interventions naming it as subject. A link the kept record already has (the same
//! incident and part, or case and role) stays with the duplicate rather than being doubled.

use std::collections::HashSet;

use chrono::Utc;
use entity::{case_party, incident_party, intervention, person};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    auth::{
        Actor, Principal,
        policy::{self, scope::Scope},
    },
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

/// Bumps a visible, unmerged person's version, and marks it merged into `into` when given.
/// Returns whether the row was written.
async fn bump<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
    into: Option<Uuid>,
) -> AppResult<bool> {
    let now = Utc::now();
    let mut q = person::Entity::update_many()
        .col_expr(
            person::Column::Version,
            Expr::col(person::Column::Version).add(1),
        )
        .col_expr(person::Column::UpdatedAt, Expr::value(now))
        .col_expr(person::Column::UpdatedBy, Expr::value(actor.user_id));
    if let Some(into) = into {
        q = q.col_expr(person::Column::MergedIntoId, Expr::value(into));
    }
    let res = q
        .filter(person::Column::Id.eq(id))
        .filter(person::Column::MergedIntoId.is_null())
        .filter(Scope::new(actor.agency_id).people())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn merge(
    db: &DatabaseConnection,
    principal: &Principal,
    keep_id: Uuid,
    duplicate_id: Uuid,
) -> AppResult<person::Model> {
    let actor = principal.actor()?;
    let fields = ["mergedInto", "cases", "incidents"];
    policy::check_writes(&actor.permissions, "Person", &fields)?;
    if keep_id == duplicate_id {
        return Err(AppError::bad_input(
            "duplicateId",
            "a record cannot be merged into itself",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    // Both must be visible (NOT_FOUND otherwise, like any record out of scope).
    let keep = super::records::person(&txn, actor, keep_id).await?;
    let duplicate = super::records::person(&txn, actor, duplicate_id).await?;
    if keep.merged_into_id.is_some() {
        return Err(AppError::bad_input(
            "keepId",
            "this record was itself merged into another",
        ));
    }
    if duplicate.merged_into_id.is_some() {
        return Err(AppError::bad_input(
            "duplicateId",
            "this record was already merged",
        ));
    }
    // Write first, on condition that neither is merged yet, in id order: two merges of the same
    // pair at once (either way round) wait for each other instead of deadlocking, and the second
    // finds a record already merged.
    let mut order = [(keep_id, None), (duplicate_id, Some(keep_id))];
    order.sort_by_key(|(id, _)| *id);
    for (id, into) in order {
        if !bump(&txn, actor, id, into).await? {
            let field = if id == keep_id {
                "keepId"
            } else {
                "duplicateId"
            };
            return Err(AppError::bad_input(
                field,
                "this record was merged meanwhile",
            ));
        }
    }

    let kept_incident_parts: HashSet<(Uuid, String)> = incident_party::Entity::find()
        .filter(incident_party::Column::PersonId.eq(keep_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.incident_id, p.part))
        .collect();
    let move_incident_parts: Vec<Uuid> = incident_party::Entity::find()
        .filter(incident_party::Column::PersonId.eq(duplicate_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter(|p| !kept_incident_parts.contains(&(p.incident_id, p.part.clone())))
        .map(|p| p.id)
        .collect();
    if !move_incident_parts.is_empty() {
        incident_party::Entity::update_many()
            .col_expr(incident_party::Column::PersonId, Expr::value(keep_id))
            .filter(incident_party::Column::Id.is_in(move_incident_parts.clone()))
            .exec(&txn)
            .await?;
    }

    let kept_case_roles: HashSet<(Uuid, String)> = case_party::Entity::find()
        .filter(case_party::Column::PersonId.eq(keep_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.case_id, p.role))
        .collect();
    let move_case_roles: Vec<Uuid> = case_party::Entity::find()
        .filter(case_party::Column::PersonId.eq(duplicate_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter(|p| !kept_case_roles.contains(&(p.case_id, p.role.clone())))
        .map(|p| p.id)
        .collect();
    let now = Utc::now();
    if !move_case_roles.is_empty() {
        case_party::Entity::update_many()
            .col_expr(case_party::Column::PersonId, Expr::value(keep_id))
            .col_expr(case_party::Column::UpdatedAt, Expr::value(now))
            .col_expr(case_party::Column::UpdatedBy, Expr::value(actor.user_id))
            .filter(case_party::Column::Id.is_in(move_case_roles.clone()))
            .exec(&txn)
            .await?;
    }
    let subjects = intervention::Entity::update_many()
        .col_expr(intervention::Column::SubjectPersonId, Expr::value(keep_id))
        .col_expr(
            intervention::Column::Version,
            Expr::col(intervention::Column::Version).add(1),
        )
        .col_expr(intervention::Column::UpdatedAt, Expr::value(now))
        .col_expr(intervention::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(intervention::Column::SubjectPersonId.eq(duplicate_id))
        .exec(&txn)
        .await?;

    audit::record(
        &txn,
        principal,
        Entry::new("mergePeople")
            .entity("Person", keep_id)
            .fields(fields)
            .detail(format!(
                "merged duplicate {duplicate_id} into {keep_id}: moved {} incident part(s), \
                 {} case role(s), {} intervention subject(s)",
                move_incident_parts.len(),
                move_case_roles.len(),
                subjects.rows_affected
            )),
    )
    .await?;
    let kept = person::Entity::find_by_id(keep_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(kept)
}
