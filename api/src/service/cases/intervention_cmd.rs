//! Legal interventions on a case (warnings, notices, injunctions, orders) and their breaches.
//!
//! The tool comes from the administrators' reference list and must be active; the subject, when
//! named, must be a party to the case. Dates must be in order: served and expires not before
//! issued, expires not before served. An update is checked on the record as it will be, so a
//! change to one date cannot put it out of order with a date already stored.

use chrono::{NaiveDate, Utc};
use entity::{case_party, intervention, intervention_breach, intervention_tool};
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
    domain::{InterventionStatus, LongText, NonEmptyLongText, check_order},
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

/// Refuses dates out of order, naming the later field.
pub fn check_dates(
    issued: Option<NaiveDate>,
    served: Option<NaiveDate>,
    expires: Option<NaiveDate>,
) -> AppResult<()> {
    if let (Some(i), Some(s)) = (issued, served) {
        check_order("servedOn", i, s)?;
    }
    if let (Some(i), Some(e)) = (issued, expires) {
        check_order("expiresOn", i, e)?;
    }
    if let (Some(s), Some(e)) = (served, expires) {
        check_order("expiresOn", s, e)?;
    }
    Ok(())
}

pub struct NewIntervention {
    pub tool_id: Uuid,
    pub subject_person_id: Option<Uuid>,
    pub status: InterventionStatus,
    pub issued_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub notes: Option<LongText>,
}

impl NewIntervention {
    fn fields(&self) -> Vec<&'static str> {
        let optional: [(&'static str, bool); 5] = [
            ("subject", self.subject_person_id.is_some()),
            ("issuedOn", self.issued_on.is_some()),
            ("servedOn", self.served_on.is_some()),
            ("expiresOn", self.expires_on.is_some()),
            ("notes", self.notes.is_some()),
        ];
        let mut f = vec!["tool", "status"];
        f.extend(optional.into_iter().filter(|(_, s)| *s).map(|(n, _)| n));
        f
    }
}

pub async fn record(
    db: &DatabaseConnection,
    principal: &Principal,
    case_id: Uuid,
    new: NewIntervention,
) -> AppResult<intervention::Model> {
    let actor = principal.actor()?;
    check_dates(new.issued_on, new.served_on, new.expires_on)?;
    let fields = new.fields();
    policy::check_writes(&actor.permissions, "Intervention", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    super::query::get(&txn, actor, case_id).await?;
    match intervention_tool::Entity::find_by_id(new.tool_id)
        .one(&txn)
        .await?
    {
        Some(t) if t.active => {}
        _ => return Err(AppError::bad_input("toolId", "no such active tool")),
    }
    if let Some(subject) = new.subject_person_id {
        case_party::Entity::find()
            .filter(case_party::Column::CaseId.eq(case_id))
            .filter(case_party::Column::PersonId.eq(subject))
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::bad_input("subjectPersonId", "must be a party to the case"))?;
    }
    let now = Utc::now();
    let row = intervention::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(case_id),
        tool_id: Set(new.tool_id),
        subject_person_id: Set(new.subject_person_id),
        status: Set(new.status.as_str().into()),
        issued_on: Set(new.issued_on),
        served_on: Set(new.served_on),
        expires_on: Set(new.expires_on),
        notes: Set(new.notes.map(LongText::into_string)),
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
        Entry::new("recordIntervention")
            .entity("Case", case_id)
            .fields(fields)
            .detail(format!("intervention {}", row.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

pub struct NewBreach {
    pub occurred_on: NaiveDate,
    pub description: NonEmptyLongText,
}

/// Changes to an intervention, and optionally a breach to record with them.
#[derive(Default)]
pub struct InterventionChanges {
    pub status: Option<InterventionStatus>,
    pub issued_on: Change<NaiveDate>,
    pub served_on: Change<NaiveDate>,
    pub expires_on: Change<NaiveDate>,
    pub notes: Change<LongText>,
    pub breach: Option<NewBreach>,
}

impl InterventionChanges {
    fn fields(&self) -> Vec<&'static str> {
        let set: [(&'static str, bool); 6] = [
            ("status", self.status.is_some()),
            ("issuedOn", !self.issued_on.is_keep()),
            ("servedOn", !self.served_on.is_keep()),
            ("expiresOn", !self.expires_on.is_keep()),
            ("notes", !self.notes.is_keep()),
            ("breaches", self.breach.is_some()),
        ];
        set.into_iter()
            .filter(|(_, s)| *s)
            .map(|(n, _)| n)
            .collect()
    }

    /// The checks that need nothing from the database.
    fn validate(&self) -> AppResult<()> {
        let given = |c: &Change<NaiveDate>| match c {
            Change::Set(d) => Some(*d),
            _ => None,
        };
        check_dates(
            given(&self.issued_on),
            given(&self.served_on),
            given(&self.expires_on),
        )?;
        if let Some(b) = &self.breach
            && b.occurred_on > Utc::now().date_naive()
        {
            return Err(AppError::bad_input(
                "breach.occurredOn",
                "must not be in the future",
            ));
        }
        Ok(())
    }
}

fn date_change(c: Change<NaiveDate>) -> Option<Option<NaiveDate>> {
    match c {
        Change::Keep => None,
        Change::Clear => Some(None),
        Change::Set(d) => Some(Some(d)),
    }
}

/// One intervention on a case the user may see.
async fn visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<intervention::Model> {
    intervention::Entity::find()
        .filter(intervention::Column::Id.eq(id))
        .filter(
            intervention::Column::CaseId
                .in_subquery(Scope::new(actor.agency_id).visible_case_ids()),
        )
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: InterventionChanges,
) -> AppResult<intervention::Model> {
    let actor = principal.actor()?;
    let fields = changes.fields();
    if fields.is_empty() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    changes.validate()?;
    policy::check_writes(&actor.permissions, "Intervention", &fields)?;
    if changes.breach.is_some() {
        policy::check_writes(
            &actor.permissions,
            "InterventionBreach",
            &["occurredOn", "description"],
        )?;
    }
    let now = Utc::now();
    let mut m = intervention::ActiveModel {
        version: Set(version + 1),
        updated_at: Set(now),
        updated_by: Set(Some(actor.user_id)),
        ..Default::default()
    };
    if let Some(s) = changes.status {
        m.status = Set(s.as_str().into());
    }
    if let Some(v) = date_change(changes.issued_on) {
        m.issued_on = Set(v);
    }
    if let Some(v) = date_change(changes.served_on) {
        m.served_on = Set(v);
    }
    if let Some(v) = date_change(changes.expires_on) {
        m.expires_on = Set(v);
    }
    match changes.notes {
        Change::Keep => {}
        Change::Clear => m.notes = Set(None),
        Change::Set(n) => m.notes = Set(Some(n.into_string())),
    }
    let txn = crate::db::begin_write(db).await?;
    // Write first, conditionally (visible, at `version`), then check the record as it now is;
    // an error drops the transaction, so nothing stays written.
    let res = intervention::Entity::update_many()
        .set(m)
        .filter(intervention::Column::Id.eq(id))
        .filter(intervention::Column::Version.eq(version))
        .filter(
            intervention::Column::CaseId
                .in_subquery(Scope::new(actor.agency_id).visible_case_ids()),
        )
        .exec(&txn)
        .await?;
    let current = visible(&txn, actor, id).await?;
    if res.rows_affected != 1 {
        return Err(AppError::stale(current.version));
    }
    check_dates(current.issued_on, current.served_on, current.expires_on)?;
    if let Some(b) = changes.breach {
        if let Some(issued) = current.issued_on {
            check_order("breach.occurredOn", issued, b.occurred_on)?;
        }
        intervention_breach::ActiveModel {
            id: Set(Uuid::new_v4()),
            intervention_id: Set(id),
            occurred_on: Set(b.occurred_on),
            description: Set(b.description.into_string()),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(Some(actor.user_id)),
            updated_by: Set(Some(actor.user_id)),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        principal,
        Entry::new("updateIntervention")
            .entity("Case", current.case_id)
            .fields(fields)
            .detail(format!("intervention {id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 3, day)
    }

    fn field(r: AppResult<()>) -> String {
        match r {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dates_in_order_pass_and_out_of_order_name_the_later_field() {
        assert!(check_dates(d(1), d(1), d(1)).is_ok());
        assert!(check_dates(d(1), d(2), d(30)).is_ok());
        assert!(check_dates(None, None, None).is_ok());
        assert!(check_dates(None, d(5), None).is_ok());
        assert_eq!(field(check_dates(d(2), d(1), None)), "servedOn");
        assert_eq!(field(check_dates(d(2), None, d(1))), "expiresOn");
        assert_eq!(field(check_dates(None, d(3), d(2))), "expiresOn");
    }
}
