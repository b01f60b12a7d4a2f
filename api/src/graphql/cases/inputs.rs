//! Mutation inputs, and their conversion into validated domain values. Every field is parsed
//! before anything is written; a bad one is `BAD_USER_INPUT` naming it.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::{DateTime, NaiveDate, Utc};

use super::query::parse_id;
use crate::{
    domain::{
        AsbCategory, CaseStatus, CaseTitle, Channel, ClosureReason, ContactMethod, Email,
        LawfulBasis, LongText, NonEmptyLongText, PartyRole, PersonName, Phone, Postcode, RiskLevel,
        ShortText,
    },
    error::AppResult,
    service::cases::{
        case_cmd::{CaseChanges, NewCase},
        incident_cmd::{LocationRef, NewIncident, NewLocation, NewParty, PersonRef},
        people_cmd::{Change, PersonDetails},
    },
};

fn change<T, U>(
    v: MaybeUndefined<T>,
    parse: impl FnOnce(T) -> AppResult<U>,
) -> AppResult<Change<U>> {
    Ok(match v {
        MaybeUndefined::Undefined => Change::Keep,
        MaybeUndefined::Null => Change::Clear,
        MaybeUndefined::Value(v) => Change::Set(parse(v)?),
    })
}

fn opt<T, U>(v: Option<T>, parse: impl FnOnce(T) -> AppResult<U>) -> AppResult<Change<U>> {
    Ok(match v {
        None => Change::Keep,
        Some(v) => Change::Set(parse(v)?),
    })
}

/// A new person.
#[derive(InputObject)]
pub struct PersonInput {
    given_name: String,
    family_name: String,
    date_of_birth: Option<NaiveDate>,
    address: Option<String>,
    postcode: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    preferred_contact: Option<ContactMethod>,
    vulnerability_personal: Option<String>,
    vulnerability_situational: Option<String>,
    vulnerability_incidental: Option<String>,
    consent_to_share: Option<bool>,
    consent_lawful_basis: Option<LawfulBasis>,
    consent_date: Option<NaiveDate>,
}

impl PersonInput {
    pub fn parse(self) -> AppResult<PersonDetails> {
        Ok(PersonDetails {
            given_name: Some(PersonName::parse("givenName", &self.given_name)?),
            family_name: Some(PersonName::parse("familyName", &self.family_name)?),
            date_of_birth: opt(self.date_of_birth, Ok)?,
            address: opt(self.address, |v| ShortText::parse("address", &v))?,
            postcode: opt(self.postcode, |v| Postcode::parse("postcode", &v))?,
            phone: opt(self.phone, |v| Phone::parse("phone", &v))?,
            email: opt(self.email, |v| Email::parse("email", &v))?,
            preferred_contact: opt(self.preferred_contact, Ok)?,
            vulnerability_personal: opt(self.vulnerability_personal, |v| {
                LongText::parse("vulnerabilityPersonal", &v)
            })?,
            vulnerability_situational: opt(self.vulnerability_situational, |v| {
                LongText::parse("vulnerabilitySituational", &v)
            })?,
            vulnerability_incidental: opt(self.vulnerability_incidental, |v| {
                LongText::parse("vulnerabilityIncidental", &v)
            })?,
            consent_to_share: opt(self.consent_to_share, Ok)?,
            consent_lawful_basis: opt(self.consent_lawful_basis, Ok)?,
            consent_date: opt(self.consent_date, Ok)?,
        })
    }
}

/// Changes to a person; omitted fields stay as they are, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    pub id: ID,
    /// The version last read; a stale one is refused with `CONFLICT`.
    pub version: i32,
    given_name: Option<String>,
    family_name: Option<String>,
    date_of_birth: MaybeUndefined<NaiveDate>,
    address: MaybeUndefined<String>,
    postcode: MaybeUndefined<String>,
    phone: MaybeUndefined<String>,
    email: MaybeUndefined<String>,
    preferred_contact: MaybeUndefined<ContactMethod>,
    vulnerability_personal: MaybeUndefined<String>,
    vulnerability_situational: MaybeUndefined<String>,
    vulnerability_incidental: MaybeUndefined<String>,
    consent_to_share: MaybeUndefined<bool>,
    consent_lawful_basis: MaybeUndefined<LawfulBasis>,
    consent_date: MaybeUndefined<NaiveDate>,
}

impl UpdatePersonInput {
    pub fn parse(self) -> AppResult<(uuid::Uuid, i32, PersonDetails)> {
        let id = parse_id("id", &self.id)?;
        Ok((
            id,
            self.version,
            PersonDetails {
                given_name: self
                    .given_name
                    .map(|v| PersonName::parse("givenName", &v))
                    .transpose()?,
                family_name: self
                    .family_name
                    .map(|v| PersonName::parse("familyName", &v))
                    .transpose()?,
                date_of_birth: change(self.date_of_birth, Ok)?,
                address: change(self.address, |v| ShortText::parse("address", &v))?,
                postcode: change(self.postcode, |v| Postcode::parse("postcode", &v))?,
                phone: change(self.phone, |v| Phone::parse("phone", &v))?,
                email: change(self.email, |v| Email::parse("email", &v))?,
                preferred_contact: change(self.preferred_contact, Ok)?,
                vulnerability_personal: change(self.vulnerability_personal, |v| {
                    LongText::parse("vulnerabilityPersonal", &v)
                })?,
                vulnerability_situational: change(self.vulnerability_situational, |v| {
                    LongText::parse("vulnerabilitySituational", &v)
                })?,
                vulnerability_incidental: change(self.vulnerability_incidental, |v| {
                    LongText::parse("vulnerabilityIncidental", &v)
                })?,
                consent_to_share: change(self.consent_to_share, Ok)?,
                consent_lawful_basis: change(self.consent_lawful_basis, Ok)?,
                consent_date: change(self.consent_date, Ok)?,
            },
        ))
    }
}

/// A new address or premises.
#[derive(InputObject)]
pub struct LocationInput {
    address: String,
    premises_name: Option<String>,
    postcode: String,
    ward: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// A person's part in an incident: an existing person by id, or a new one.
#[derive(InputObject)]
pub struct IncidentPartyInput {
    part: PartyRole,
    person_id: Option<ID>,
    new_person: Option<PersonInput>,
}

#[derive(InputObject)]
pub struct RecordIncidentInput {
    occurred_at: DateTime<Utc>,
    /// Defaults to now.
    reported_at: Option<DateTime<Utc>>,
    channel: Channel,
    category: AsbCategory,
    sub_type: String,
    description: String,
    /// An existing location, or `location` for a new one.
    location_id: Option<ID>,
    location: Option<LocationInput>,
    police_reference: Option<String>,
    /// Adds the incident to an existing case.
    case_id: Option<ID>,
    hate_motivated: Option<bool>,
    parties: Option<Vec<IncidentPartyInput>>,
}

impl RecordIncidentInput {
    pub fn parse(self) -> AppResult<NewIncident> {
        let location = match (self.location_id, self.location) {
            (Some(_), Some(_)) => {
                return Err(crate::error::AppError::bad_input(
                    "location",
                    "give either locationId or location, not both",
                ));
            }
            (Some(id), None) => Some(LocationRef::Existing(parse_id("locationId", &id)?)),
            (None, Some(l)) => Some(LocationRef::New(NewLocation {
                address: ShortText::parse("address", &l.address)?,
                premises_name: l
                    .premises_name
                    .map(|v| ShortText::parse("premisesName", &v))
                    .transpose()?,
                postcode: Postcode::parse("postcode", &l.postcode)?,
                ward: l.ward.map(|v| ShortText::parse("ward", &v)).transpose()?,
                latitude: l.latitude,
                longitude: l.longitude,
            })),
            (None, None) => None,
        };
        let mut parties = Vec::new();
        for (i, p) in self.parties.unwrap_or_default().into_iter().enumerate() {
            let person = match (p.person_id, p.new_person) {
                (Some(id), None) => {
                    PersonRef::Existing(parse_id(&format!("parties.{i}.personId"), &id)?)
                }
                (None, Some(np)) => PersonRef::New(Box::new(np.parse()?)),
                _ => {
                    return Err(crate::error::AppError::bad_input(
                        format!("parties.{i}"),
                        "give either personId or newPerson",
                    ));
                }
            };
            parties.push(NewParty {
                part: p.part,
                person,
            });
        }
        Ok(NewIncident {
            occurred_at: self.occurred_at,
            reported_at: self.reported_at,
            channel: self.channel,
            category: self.category,
            sub_type: ShortText::parse("subType", &self.sub_type)?,
            description: NonEmptyLongText::parse("description", &self.description)?,
            location,
            police_reference: self
                .police_reference
                .map(|v| ShortText::parse("policeReference", &v))
                .transpose()?,
            case_id: self.case_id.map(|id| parse_id("caseId", &id)).transpose()?,
            hate_motivated: self.hate_motivated.unwrap_or(false),
            parties,
        })
    }
}

#[derive(InputObject)]
pub struct OpenCaseInput {
    title: String,
    summary: Option<String>,
    category: AsbCategory,
    /// The incidents the case starts from; their people become its parties.
    incident_ids: Vec<ID>,
    risk_level: Option<RiskLevel>,
    /// Defaults to the signed-in user.
    owner_id: Option<ID>,
    police_intelligence: Option<String>,
    tenancy_details: Option<String>,
    health_safeguarding_notes: Option<String>,
}

impl OpenCaseInput {
    pub fn parse(self) -> AppResult<NewCase> {
        Ok(NewCase {
            title: CaseTitle::parse("title", &self.title)?,
            summary: LongText::parse("summary", self.summary.as_deref().unwrap_or(""))?,
            category: self.category,
            risk_level: self.risk_level.unwrap_or(RiskLevel::Standard),
            owner_id: self
                .owner_id
                .map(|id| parse_id("ownerId", &id))
                .transpose()?,
            incident_ids: self
                .incident_ids
                .iter()
                .map(|id| parse_id("incidentIds", id))
                .collect::<AppResult<_>>()?,
            police_intelligence: self
                .police_intelligence
                .map(|v| LongText::parse("policeIntelligence", &v))
                .transpose()?,
            tenancy_details: self
                .tenancy_details
                .map(|v| LongText::parse("tenancyDetails", &v))
                .transpose()?,
            health_safeguarding_notes: self
                .health_safeguarding_notes
                .map(|v| LongText::parse("healthSafeguardingNotes", &v))
                .transpose()?,
        })
    }
}

/// Changes to a case; omitted fields stay, `null` clears a sensitive section.
#[derive(InputObject)]
pub struct UpdateCaseInput {
    pub id: ID,
    pub version: i32,
    title: Option<String>,
    summary: Option<String>,
    category: Option<AsbCategory>,
    risk_level: Option<RiskLevel>,
    owner_id: Option<ID>,
    next_review_at: Option<DateTime<Utc>>,
    police_intelligence: MaybeUndefined<String>,
    tenancy_details: MaybeUndefined<String>,
    health_safeguarding_notes: MaybeUndefined<String>,
}

impl UpdateCaseInput {
    pub fn parse(self) -> AppResult<(uuid::Uuid, i32, CaseChanges)> {
        Ok((
            parse_id("id", &self.id)?,
            self.version,
            CaseChanges {
                title: self
                    .title
                    .map(|v| CaseTitle::parse("title", &v))
                    .transpose()?,
                summary: self
                    .summary
                    .map(|v| LongText::parse("summary", &v))
                    .transpose()?,
                category: self.category,
                risk_level: self.risk_level,
                owner_id: self
                    .owner_id
                    .map(|id| parse_id("ownerId", &id))
                    .transpose()?,
                next_review_at: self.next_review_at,
                police_intelligence: change(self.police_intelligence, |v| {
                    LongText::parse("policeIntelligence", &v)
                })?,
                tenancy_details: change(self.tenancy_details, |v| {
                    LongText::parse("tenancyDetails", &v)
                })?,
                health_safeguarding_notes: change(self.health_safeguarding_notes, |v| {
                    LongText::parse("healthSafeguardingNotes", &v)
                })?,
            },
        ))
    }
}

#[derive(InputObject)]
pub struct ChangeCaseStatusInput {
    pub id: ID,
    pub version: i32,
    pub status: CaseStatus,
    /// Required when closing.
    pub closure_reason: Option<ClosureReason>,
}
