//! Contact with victims and their satisfaction, recorded against a case (`CONTACT_VICTIMS`).
//!
//! The person must be a victim in the case, and the case visible to the user's agency (else
//! `NOT_FOUND`). Each record keeps who made it, for which agency and when; a contact also keeps
//! whether its author was a dedicated vulnerable-victim officer at the time, which is what the
//! high-risk first-contact worklist asks.

use chrono::{DateTime, Utc};
use entity::{app_user, case_party, victim_contact, victim_satisfaction};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use crate::{
    auth::{
        Actor, Principal,
        policy::{self, Operation},
    },
    domain::{
        ContactMethod, LongText, NonEmptyLongText, PartyRole, not_in_future,
        safety::SatisfactionScore,
    },
    error::{AppError, AppResult},
    service::{
        audit::{self, Entry},
        audit_query::PERSON_ENTITY,
        cases::query,
    },
};

pub struct NewContact {
    pub person_id: Uuid,
    pub case_id: Uuid,
    pub method: ContactMethod,
    pub outcome: NonEmptyLongText,
    /// When the contact happened; now when not given.
    pub contacted_at: Option<DateTime<Utc>>,
}

pub struct NewSatisfaction {
    pub person_id: Uuid,
    pub case_id: Uuid,
    pub score: SatisfactionScore,
    pub comments: Option<LongText>,
}

/// Checks, in the transaction, that the case is visible and the person one of its victims.
async fn check_victim<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    case_id: Uuid,
    person_id: Uuid,
) -> AppResult<()> {
    query::get(db, actor, case_id).await?;
    let is_victim = case_party::Entity::find()
        .filter(case_party::Column::CaseId.eq(case_id))
        .filter(case_party::Column::PersonId.eq(person_id))
        .filter(case_party::Column::Role.eq(PartyRole::Victim.as_str()))
        .count(db)
        .await?
        > 0;
    if is_victim {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "personId",
            "is not a victim in this case",
        ))
    }
}

pub async fn record_contact(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewContact,
) -> AppResult<victim_contact::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ContactVictims)?;
    let now = Utc::now();
    let contacted_at = new.contacted_at.unwrap_or(now);
    not_in_future("contactedAt", contacted_at, now)?;
    let fields = ["person", "method", "outcome", "contactedAt"];
    policy::check_writes(&actor.permissions, "VictimContact", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    check_victim(&txn, actor, new.case_id, new.person_id).await?;
    let dedicated = app_user::Entity::find_by_id(actor.user_id)
        .one(&txn)
        .await?
        .is_some_and(|u| u.is_vulnerable_victim_officer);
    let contact = victim_contact::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(new.case_id),
        person_id: Set(new.person_id),
        method: Set(new.method.as_str().into()),
        outcome: Set(new.outcome.into_string()),
        contacted_at: Set(contacted_at),
        user_id: Set(actor.user_id),
        agency_id: Set(actor.agency_id),
        by_dedicated_officer: Set(dedicated),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("recordVictimContact")
            .entity(PERSON_ENTITY, new.person_id)
            .fields(fields)
            .detail(format!("case {}", new.case_id)),
    )
    .await?;
    txn.commit().await?;
    Ok(contact)
}

pub async fn record_satisfaction(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewSatisfaction,
) -> AppResult<victim_satisfaction::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ContactVictims)?;
    let mut fields = vec!["person", "score"];
    if new.comments.is_some() {
        fields.push("comments");
    }
    policy::check_writes(&actor.permissions, "SatisfactionResponse", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    check_victim(&txn, actor, new.case_id, new.person_id).await?;
    let now = Utc::now();
    let row = victim_satisfaction::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(new.case_id),
        person_id: Set(new.person_id),
        score: Set(new.score.value()),
        comments: Set(new
            .comments
            .map(LongText::into_string)
            .filter(|c| !c.is_empty())),
        recorded_at: Set(now),
        user_id: Set(actor.user_id),
        agency_id: Set(actor.agency_id),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("recordSatisfaction")
            .entity(PERSON_ENTITY, new.person_id)
            .fields(fields)
            .detail(format!("case {}", new.case_id)),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
