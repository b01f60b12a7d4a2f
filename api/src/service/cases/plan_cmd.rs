//! The problem-solving plan: adding, updating and completing actions, and appending notes.
//!
//! Actions and notes are reached only through a case the user may see; one on any other case is
//! `NOT_FOUND`. Actions carry a `version`: an update names the version the client last saw and
//! is written only if it is still current (`CONFLICT` with the current version otherwise).

use chrono::{NaiveDate, Utc};
use entity::{agency, app_user, asb_case, case_action, case_note, case_share};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::people_cmd::Change;
use crate::{
    auth::{
        Actor, Principal,
        policy::{self, scope::Scope},
    },
    domain::{ActionStatus, NonEmptyLongText},
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

/// Turns `NOT_FOUND` for a referenced record into `BAD_USER_INPUT` on the field that named it,
/// with the same answer for a record that does not exist and one the user may not see.
pub(super) fn bad_input_if_not_found(
    field: &'static str,
    message: &'static str,
) -> impl FnOnce(AppError) -> AppError {
    move |e| match e {
        AppError::NotFound => AppError::bad_input(field, message),
        other => other,
    }
}

pub struct NewAction {
    pub description: NonEmptyLongText,
    pub owner_agency_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub due_date: NaiveDate,
}

impl NewAction {
    fn fields(&self) -> Vec<&'static str> {
        let mut f = vec!["description", "ownerAgency", "dueDate", "status"];
        if self.owner_id.is_some() {
            f.push("owner");
        }
        f
    }
}

/// The owning agency must be able to see the case: its lead, or an agency it is shared with.
async fn check_owner_agency<C: ConnectionTrait>(
    db: &C,
    case: &asb_case::Model,
    agency_id: Uuid,
) -> AppResult<()> {
    let enabled = agency::Entity::find_by_id(agency_id)
        .one(db)
        .await?
        .is_some_and(|a| !a.disabled);
    let holds_case = agency_id == case.lead_agency_id
        || case_share::Entity::find()
            .filter(case_share::Column::CaseId.eq(case.id))
            .filter(case_share::Column::AgencyId.eq(agency_id))
            .filter(case_share::Column::RevokedAt.is_null())
            .one(db)
            .await?
            .is_some();
    if enabled && holds_case {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "ownerAgencyId",
            "must be the lead agency or an agency the case is shared with",
        ))
    }
}

/// An action's officer must be an active user of the owning agency.
async fn check_owner<C: ConnectionTrait>(db: &C, agency_id: Uuid, owner_id: Uuid) -> AppResult<()> {
    match app_user::Entity::find_by_id(owner_id).one(db).await? {
        Some(u) if u.agency_id == agency_id && !u.disabled => Ok(()),
        _ => Err(AppError::bad_input(
            "ownerId",
            "must be an active user of the owning agency",
        )),
    }
}

pub async fn add_action(
    db: &DatabaseConnection,
    principal: &Principal,
    case_id: Uuid,
    new: NewAction,
) -> AppResult<case_action::Model> {
    let actor = principal.actor()?;
    let fields = new.fields();
    policy::check_writes(&actor.permissions, "CaseAction", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    let case = super::query::get(&txn, actor, case_id).await?;
    check_owner_agency(&txn, &case, new.owner_agency_id).await?;
    if let Some(owner) = new.owner_id {
        check_owner(&txn, new.owner_agency_id, owner).await?;
    }
    let now = Utc::now();
    let action = case_action::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(case_id),
        description: Set(new.description.into_string()),
        owner_agency_id: Set(new.owner_agency_id),
        owner_id: Set(new.owner_id),
        due_date: Set(new.due_date),
        status: Set(ActionStatus::Planned.as_str().into()),
        completion_note: Set(None),
        completed_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_by: Set(Some(actor.user_id)),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("addAction")
            .entity("Case", case_id)
            .fields(fields)
            .detail(format!("action {}", action.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(action)
}

/// Changes to an action. `None`/`Keep` leaves a field; completing goes through
/// [`complete_action`], so that a completed action always has its note.
#[derive(Default)]
pub struct ActionChanges {
    pub description: Option<NonEmptyLongText>,
    pub owner_id: Change<Uuid>,
    pub due_date: Option<NaiveDate>,
    pub status: Option<ActionStatus>,
}

impl ActionChanges {
    fn fields(&self) -> Vec<&'static str> {
        let set: [(&'static str, bool); 5] = [
            ("description", self.description.is_some()),
            ("owner", !self.owner_id.is_keep()),
            ("dueDate", self.due_date.is_some()),
            ("status", self.status.is_some()),
            // Leaving `done` clears the completion time.
            ("completedAt", self.status.is_some()),
        ];
        set.into_iter()
            .filter(|(_, s)| *s)
            .map(|(n, _)| n)
            .collect()
    }
}

/// One action on a case the user may see.
async fn visible_action<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<case_action::Model> {
    case_action::Entity::find()
        .filter(case_action::Column::Id.eq(id))
        .filter(
            case_action::Column::CaseId.in_subquery(Scope::new(actor.agency_id).visible_case_ids()),
        )
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Writes `m` to the action only if it is on a visible case and still at `version`, and
/// `extra` holds; returns whether it was written, and the action as it now is.
async fn write_action<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
    version: i32,
    mut m: case_action::ActiveModel,
    extra: sea_orm::Condition,
) -> AppResult<(bool, case_action::Model)> {
    m.version = Set(version + 1);
    m.updated_at = Set(Utc::now());
    m.updated_by = Set(Some(actor.user_id));
    let res = case_action::Entity::update_many()
        .set(m)
        .filter(case_action::Column::Id.eq(id))
        .filter(case_action::Column::Version.eq(version))
        .filter(
            case_action::Column::CaseId.in_subquery(Scope::new(actor.agency_id).visible_case_ids()),
        )
        .filter(extra)
        .exec(db)
        .await?;
    let current = visible_action(db, actor, id).await?;
    Ok((res.rows_affected == 1, current))
}

pub async fn update_action(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: ActionChanges,
) -> AppResult<case_action::Model> {
    let actor = principal.actor()?;
    let fields = changes.fields();
    if fields.is_empty() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    if changes.status == Some(ActionStatus::Done) {
        return Err(AppError::bad_input(
            "status",
            "use completeAction to complete an action, with its completion note",
        ));
    }
    policy::check_writes(&actor.permissions, "CaseAction", &fields)?;
    let mut m = <case_action::ActiveModel as Default>::default();
    if let Some(v) = changes.description {
        m.description = Set(v.into_string());
    }
    let owner = match changes.owner_id {
        Change::Keep => None,
        Change::Clear => {
            m.owner_id = Set(None);
            None
        }
        Change::Set(o) => {
            m.owner_id = Set(Some(o));
            Some(o)
        }
    };
    if let Some(v) = changes.due_date {
        m.due_date = Set(v);
    }
    if let Some(v) = changes.status {
        m.status = Set(v.as_str().into());
        m.completed_at = Set(None);
    }
    let txn = crate::db::begin_write(db).await?;
    let (written, action) =
        write_action(&txn, actor, id, version, m, sea_orm::Condition::all()).await?;
    if !written {
        return Err(AppError::stale(action.version));
    }
    if let Some(owner) = owner {
        check_owner(&txn, action.owner_agency_id, owner).await?;
    }
    audit::record(
        &txn,
        principal,
        Entry::new("updateAction")
            .entity("Case", action.case_id)
            .fields(fields)
            .detail(format!("action {id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(action)
}

/// Marks an action done, with its completion note. A done or cancelled action stays as it is.
pub async fn complete_action(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    version: i32,
    note: NonEmptyLongText,
) -> AppResult<case_action::Model> {
    let actor = principal.actor()?;
    let fields = ["status", "completionNote", "completedAt"];
    policy::check_writes(&actor.permissions, "CaseAction", &fields)?;
    let m = case_action::ActiveModel {
        status: Set(ActionStatus::Done.as_str().into()),
        completion_note: Set(Some(note.into_string())),
        completed_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    let open = sea_orm::Condition::all().add(case_action::Column::Status.is_not_in([
        ActionStatus::Done.as_str(),
        ActionStatus::Cancelled.as_str(),
    ]));
    let txn = crate::db::begin_write(db).await?;
    let (written, action) = write_action(&txn, actor, id, version, m, open).await?;
    if !written {
        return Err(if action.version != version {
            AppError::stale(action.version)
        } else {
            AppError::bad_input("id", format!("the action is already {}", action.status))
        });
    }
    audit::record(
        &txn,
        principal,
        Entry::new("completeAction")
            .entity("Case", action.case_id)
            .fields(fields)
            .detail(format!("action {id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(action)
}

/// Appends a note. Notes are never changed; a correction is a new note naming the one it
/// corrects, which must be on the same case.
pub async fn add_note(
    db: &DatabaseConnection,
    principal: &Principal,
    case_id: Uuid,
    body: NonEmptyLongText,
    corrects_note_id: Option<Uuid>,
) -> AppResult<case_note::Model> {
    let actor = principal.actor()?;
    let mut fields = vec!["body"];
    if corrects_note_id.is_some() {
        fields.push("correctsNoteId");
    }
    policy::check_writes(&actor.permissions, "CaseNote", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    super::query::get(&txn, actor, case_id).await?;
    if let Some(corrected) = corrects_note_id {
        case_note::Entity::find()
            .filter(case_note::Column::Id.eq(corrected))
            .filter(case_note::Column::CaseId.eq(case_id))
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::bad_input("correctsNoteId", "no such note on this case"))?;
    }
    let now = Utc::now();
    let note = case_note::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(case_id),
        author_id: Set(actor.user_id),
        body: Set(body.into_string()),
        corrects_note_id: Set(corrects_note_id),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_by: Set(Some(actor.user_id)),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("addNote")
            .entity("Case", case_id)
            .fields(fields)
            .detail(format!("note {}", note.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(note)
}
