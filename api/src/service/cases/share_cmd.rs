//! Sharing a case with another agency, and revoking the share.
//!
//! Only the lead agency shares or revokes. Sharing is a disclosure (Crime and Disorder Act 1998
//! s.115; UK GDPR; DPA 2018): it needs a legal basis, and every party to the case must have
//! consented or have another lawful basis recorded. A revoked share ends the other agency's
//! access at once, because row scope only counts shares that are not revoked.

use chrono::Utc;
use entity::{agency, asb_case, case_party, case_share, person};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, Query},
};
use uuid::Uuid;

use crate::{
    auth::{
        Principal,
        policy::{self, scope::Scope},
    },
    domain::{LawfulBasis, ShortText},
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

/// Whether a person's data may go to another agency: they consented, or another lawful basis
/// than consent is recorded.
pub fn may_share(p: &person::Model) -> bool {
    p.consent_to_share == Some(true)
        || p.consent_lawful_basis
            .as_deref()
            .is_some_and(|b| b != LawfulBasis::Consent.as_str())
}

pub async fn share(
    db: &DatabaseConnection,
    principal: &Principal,
    case_id: Uuid,
    agency_id: Uuid,
    legal_basis: ShortText,
) -> AppResult<case_share::Model> {
    let actor = principal.actor()?;
    policy::check_writes(&actor.permissions, "Case", &["shares"])?;
    policy::check_writes(&actor.permissions, "CaseShare", &["agency", "legalBasis"])?;
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    // Write first: touching the case (only as its lead agency) takes its row lock, so two shares
    // of one case are decided one after the other and never both pass the checks below.
    let res = asb_case::Entity::update_many()
        .col_expr(asb_case::Column::UpdatedAt, Expr::value(now))
        .col_expr(asb_case::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(asb_case::Column::Id.eq(case_id))
        .filter(asb_case::Column::LeadAgencyId.eq(actor.agency_id))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        // NOT_FOUND when the case is invisible, FORBIDDEN when visible but led by another.
        super::query::get(&txn, actor, case_id).await?;
        return Err(AppError::Forbidden);
    }
    match agency::Entity::find_by_id(agency_id).one(&txn).await? {
        Some(a) if !a.disabled => {}
        _ => return Err(AppError::bad_input("agencyId", "no such agency")),
    }
    if agency_id == actor.agency_id {
        return Err(AppError::bad_input(
            "agencyId",
            "the lead agency already holds the case",
        ));
    }
    let active = case_share::Entity::find()
        .filter(case_share::Column::CaseId.eq(case_id))
        .filter(case_share::Column::AgencyId.eq(agency_id))
        .filter(case_share::Column::RevokedAt.is_null())
        .one(&txn)
        .await?;
    if active.is_some() {
        return Err(AppError::bad_input(
            "agencyId",
            "the case is already shared with this agency",
        ));
    }
    let parties = person::Entity::find()
        .filter(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(case_party::Column::PersonId)
                    .from(case_party::Entity)
                    .and_where(case_party::Column::CaseId.eq(case_id))
                    .to_owned(),
            ),
        )
        .all(&txn)
        .await?;
    let lacking = parties.iter().filter(|p| !may_share(p)).count();
    if lacking > 0 {
        // A count only: the message must not disclose who the parties are.
        return Err(AppError::bad_input(
            "caseId",
            format!(
                "{lacking} of the case's parties have neither consent to share nor another \
                 lawful basis recorded"
            ),
        ));
    }
    let share = case_share::ActiveModel {
        id: Set(Uuid::new_v4()),
        case_id: Set(case_id),
        agency_id: Set(agency_id),
        legal_basis: Set(legal_basis.into_string()),
        shared_by: Set(actor.user_id),
        shared_at: Set(now),
        revoked_at: Set(None),
        revoked_by: Set(None),
        revoke_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    // The agency's users learn at once that they can now see the case.
    let reference = asb_case::Entity::find_by_id(case_id)
        .one(&txn)
        .await?
        .map(|c| c.reference)
        .unwrap_or_default();
    crate::service::alerts::raise(
        &txn,
        agency_id,
        &crate::service::alerts::Draft {
            kind: crate::service::alerts::AlertKind::CaseShared,
            case_id: Some(case_id),
            person_id: None,
            incident_id: None,
            message: format!("Case {reference} was shared with your agency"),
        },
    )
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("shareCase")
            .entity("Case", case_id)
            .fields(["shares"])
            .detail(format!("share {} with agency {agency_id}", share.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(share)
}

pub async fn revoke(
    db: &DatabaseConnection,
    principal: &Principal,
    share_id: Uuid,
    reason: ShortText,
) -> AppResult<case_share::Model> {
    let actor = principal.actor()?;
    policy::check_writes(&actor.permissions, "Case", &["shares"])?;
    policy::check_writes(
        &actor.permissions,
        "CaseShare",
        &["revokedAt", "revokedBy", "revokeReason"],
    )?;
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let led_by_me = Query::select()
        .column(asb_case::Column::Id)
        .from(asb_case::Entity)
        .and_where(asb_case::Column::LeadAgencyId.eq(actor.agency_id))
        .to_owned();
    // Write first, on condition: not yet revoked, on a case this agency leads.
    let res = case_share::Entity::update_many()
        .col_expr(case_share::Column::RevokedAt, Expr::value(now))
        .col_expr(case_share::Column::RevokedBy, Expr::value(actor.user_id))
        .col_expr(
            case_share::Column::RevokeReason,
            Expr::value(reason.into_string()),
        )
        .col_expr(case_share::Column::UpdatedAt, Expr::value(now))
        .filter(case_share::Column::Id.eq(share_id))
        .filter(case_share::Column::RevokedAt.is_null())
        .filter(case_share::Column::CaseId.in_subquery(led_by_me))
        .exec(&txn)
        .await?;
    let share = case_share::Entity::find()
        .filter(case_share::Column::Id.eq(share_id))
        .filter(
            case_share::Column::CaseId.in_subquery(Scope::new(actor.agency_id).visible_case_ids()),
        )
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if res.rows_affected != 1 {
        let case = super::query::get(&txn, actor, share.case_id).await?;
        return Err(if case.lead_agency_id != actor.agency_id {
            AppError::Forbidden
        } else {
            AppError::bad_input("shareId", "the share is already revoked")
        });
    }
    audit::record(
        &txn,
        principal,
        Entry::new("revokeShare")
            .entity("Case", share.case_id)
            .fields(["shares"])
            .detail(format!("share {share_id} with agency {}", share.agency_id)),
    )
    .await?;
    txn.commit().await?;
    Ok(share)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(consent: Option<bool>, basis: Option<&str>) -> person::Model {
        let now = Utc::now();
        person::Model {
            id: Uuid::nil(),
            given_name: "A".into(),
            family_name: "B".into(),
            date_of_birth: None,
            address: None,
            postcode: None,
            phone: None,
            email: None,
            preferred_contact: None,
            vulnerability_personal: None,
            vulnerability_situational: None,
            vulnerability_incidental: None,
            consent_to_share: consent,
            consent_lawful_basis: basis.map(str::to_string),
            consent_date: None,
            created_by_agency_id: Uuid::nil(),
            merged_into_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: None,
            updated_by: None,
        }
    }

    #[test]
    fn consent_or_another_lawful_basis_allows_sharing() {
        assert!(may_share(&person(Some(true), Some("consent"))));
        assert!(may_share(&person(Some(true), None)));
        assert!(may_share(&person(Some(false), Some("public_task"))));
        assert!(may_share(&person(None, Some("law_enforcement"))));
        assert!(!may_share(&person(Some(false), Some("consent"))));
        assert!(!may_share(&person(None, Some("consent"))));
        assert!(!may_share(&person(None, None)));
        assert!(!may_share(&person(Some(false), None)));
    }
}
