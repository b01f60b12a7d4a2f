//! Recording an incident from a call, with new or existing people and location.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{case_location, incident, incident_party, location};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::people_cmd::{PersonDetails, insert_person};
use crate::{
    auth::{
        Actor, Principal,
        policy::{self, Operation},
    },
    domain::{
        AsbCategory, Channel, NonEmptyLongText, PartyRole, Postcode, ShortText, check_order,
        not_in_future,
    },
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

pub enum PersonRef {
    Existing(Uuid),
    New(Box<PersonDetails>),
}

pub struct NewParty {
    pub part: PartyRole,
    pub person: PersonRef,
}

pub struct NewLocation {
    pub address: ShortText,
    pub premises_name: Option<ShortText>,
    pub postcode: Postcode,
    pub ward: Option<ShortText>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

pub enum LocationRef {
    Existing(Uuid),
    New(NewLocation),
}

pub struct NewIncident {
    pub occurred_at: DateTime<Utc>,
    pub reported_at: Option<DateTime<Utc>>,
    pub channel: Channel,
    pub category: AsbCategory,
    pub sub_type: ShortText,
    pub description: NonEmptyLongText,
    pub location: Option<LocationRef>,
    pub police_reference: Option<ShortText>,
    pub case_id: Option<Uuid>,
    pub hate_motivated: bool,
    pub parties: Vec<NewParty>,
}

impl NewIncident {
    fn fields(&self) -> Vec<&'static str> {
        let mut f = vec![
            "occurredAt",
            "reportedAt",
            "channel",
            "category",
            "subType",
            "description",
            "hateMotivated",
        ];
        if !self.parties.is_empty() {
            f.push("parties");
        }
        if self.location.is_some() {
            f.push("location");
        }
        if self.police_reference.is_some() {
            f.push("policeReference");
        }
        if self.case_id.is_some() {
            f.push("case");
        }
        f
    }

    fn validate(&self, now: DateTime<Utc>) -> AppResult<()> {
        not_in_future("occurredAt", self.occurred_at, now)?;
        if let Some(reported) = self.reported_at {
            not_in_future("reportedAt", reported, now)?;
            check_order("reportedAt", self.occurred_at, reported)?;
        }
        if let Some(LocationRef::New(l)) = &self.location {
            if let Some(lat) = l.latitude
                && !(-90.0..=90.0).contains(&lat)
            {
                return Err(AppError::bad_input(
                    "latitude",
                    "must be between -90 and 90",
                ));
            }
            if let Some(lon) = l.longitude
                && !(-180.0..=180.0).contains(&lon)
            {
                return Err(AppError::bad_input(
                    "longitude",
                    "must be between -180 and 180",
                ));
            }
        }
        for p in &self.parties {
            if let PersonRef::New(d) = &p.person {
                d.validate()?;
            }
        }
        Ok(())
    }
}

/// Records an incident and everything new that comes with it, in one transaction with one
/// access-log entry.
pub async fn record(
    db: &DatabaseConnection,
    principal: &Principal,
    new: NewIncident,
) -> AppResult<incident::Model> {
    let actor = principal.actor()?;
    let now = Utc::now();
    new.validate(now)?;
    let fields = new.fields();
    let perms = &actor.permissions;
    policy::check_writes(perms, "Incident", &fields)?;
    for p in &new.parties {
        policy::check_writes(perms, "IncidentParty", &["part", "person"])?;
        if let PersonRef::New(d) = &p.person {
            policy::require(perms, Operation::ManagePeople)
                .or_else(|_| policy::require(perms, Operation::RecordIncident))?;
            policy::check_writes(perms, "Person", &d.fields())?;
        }
    }
    if let Some(LocationRef::New(l)) = &new.location {
        let mut lf = vec!["address", "postcode"];
        if l.premises_name.is_some() {
            lf.push("premisesName");
        }
        if l.ward.is_some() {
            lf.push("ward");
        }
        if l.latitude.is_some() || l.longitude.is_some() {
            lf.extend(["latitude", "longitude"]);
        }
        policy::check_writes(perms, "Location", &lf)?;
    }
    if new.case_id.is_some() {
        policy::require(perms, Operation::UpdateCase)?;
    }

    let txn = crate::db::begin_write(db).await?;
    if let Some(case_id) = new.case_id {
        super::query::get(&txn, actor, case_id)
            .await
            .map_err(|e| match e {
                AppError::NotFound => AppError::bad_input("caseId", "no such case"),
                other => other,
            })?;
    }
    let location_id = match new.location {
        None => None,
        Some(LocationRef::Existing(id)) => {
            location::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::bad_input("locationId", "no such location"))?;
            Some(id)
        }
        Some(LocationRef::New(l)) => Some(insert_location(&txn, actor, l, now).await?),
    };
    let inc = incident::ActiveModel {
        id: Set(Uuid::new_v4()),
        occurred_at: Set(new.occurred_at),
        reported_at: Set(new.reported_at.unwrap_or(now)),
        channel: Set(new.channel.as_str().into()),
        reporting_agency_id: Set(actor.agency_id),
        category: Set(new.category.as_str().into()),
        sub_type: Set(new.sub_type.into_string()),
        description: Set(new.description.into_string()),
        location_id: Set(location_id),
        police_reference: Set(new.police_reference.map(ShortText::into_string)),
        case_id: Set(new.case_id),
        hate_motivated: Set(new.hate_motivated),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_by: Set(Some(actor.user_id)),
    }
    .insert(&txn)
    .await?;

    let mut parties: BTreeSet<(Uuid, String)> = BTreeSet::new();
    for (i, p) in new.parties.into_iter().enumerate() {
        let person_id = match p.person {
            PersonRef::Existing(id) => {
                super::records::person(&txn, actor, id)
                    .await
                    .map_err(|e| match e {
                        AppError::NotFound => {
                            AppError::bad_input(format!("parties.{i}.personId"), "no such person")
                        }
                        other => other,
                    })?;
                id
            }
            PersonRef::New(d) => insert_person(&txn, actor, *d).await?.id,
        };
        parties.insert((person_id, p.part.as_str().to_string()));
    }
    if !parties.is_empty() {
        incident_party::Entity::insert_many(parties.iter().map(|(person_id, part)| {
            incident_party::ActiveModel {
                id: Set(Uuid::new_v4()),
                incident_id: Set(inc.id),
                person_id: Set(*person_id),
                part: Set(part.clone()),
                created_at: Set(now),
                created_by: Set(Some(actor.user_id)),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    if let Some(case_id) = new.case_id {
        super::case_cmd::add_parties(&txn, actor, case_id, parties, now).await?;
        if let Some(location_id) = location_id {
            let linked = case_location::Entity::find()
                .filter(case_location::Column::CaseId.eq(case_id))
                .filter(case_location::Column::LocationId.eq(location_id))
                .one(&txn)
                .await?;
            if linked.is_none() {
                case_location::ActiveModel {
                    case_id: Set(case_id),
                    location_id: Set(location_id),
                    created_at: Set(now),
                    created_by: Set(Some(actor.user_id)),
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    // Repeat and Case Review detection, in this transaction; what it returns is what an alert
    // about this incident needs.
    let detection = crate::service::safety::detection::detect(&txn, &inc).await?;
    raise_alerts(&txn, &detection).await?;
    audit::record(
        &txn,
        principal,
        Entry::new("recordIncident")
            .entity("Incident", inc.id)
            .fields(fields),
    )
    .await?;
    txn.commit().await?;
    detection.trace();
    Ok(inc)
}

/// Tells the reporting agency, and every agency that can see the incident's case, about a victim
/// who has just become a repeat victim or eligible for an ASB Case Review.
async fn raise_alerts<C: ConnectionTrait>(
    db: &C,
    d: &crate::service::safety::detection::Detection,
) -> AppResult<()> {
    use crate::service::alerts::{self, AlertKind, Draft};
    let case = match d.case_id {
        Some(id) => entity::asb_case::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    for v in &d.victims {
        let mut drafts = Vec::new();
        if v.newly_repeat {
            drafts.push(Draft {
                kind: AlertKind::NewRepeatVictim,
                case_id: d.case_id,
                person_id: Some(v.person_id),
                incident_id: Some(d.incident_id),
                message: format!(
                    "A victim is now a repeat victim: {} incidents in {} days",
                    v.incident_count, d.victim_window_days
                ),
            });
        }
        if v.newly_eligible {
            drafts.push(Draft {
                kind: AlertKind::CaseReviewEligible,
                case_id: d.case_id,
                person_id: Some(v.person_id),
                incident_id: Some(d.incident_id),
                message: "A victim now meets the ASB Case Review threshold".into(),
            });
        }
        for draft in drafts {
            match &case {
                Some(case) => alerts::raise_for_case(db, case, &draft).await?,
                None => {
                    alerts::raise(db, d.reporting_agency_id, &draft).await?;
                }
            }
        }
    }
    Ok(())
}

async fn insert_location<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    l: NewLocation,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let m = location::ActiveModel {
        id: Set(Uuid::new_v4()),
        address: Set(l.address.into_string()),
        premises_name: Set(l.premises_name.map(ShortText::into_string)),
        postcode: Set(l.postcode.as_str().to_string()),
        ward: Set(l.ward.map(ShortText::into_string)),
        latitude: Set(l.latitude),
        longitude: Set(l.longitude),
        created_by_agency_id: Set(actor.agency_id),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_by: Set(Some(actor.user_id)),
    }
    .insert(db)
    .await?;
    Ok(m.id)
}
