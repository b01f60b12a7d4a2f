//! Creating and updating people.

use chrono::{NaiveDate, Utc};
use entity::person;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::{
    auth::{
        Actor, Principal,
        policy::{self, scope::Scope},
    },
    domain::{ContactMethod, Email, LawfulBasis, LongText, PersonName, Phone, Postcode, ShortText},
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

/// A change to one optional field: leave it, clear it, or set it.
#[derive(Clone, Debug, Default)]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }

    fn apply<U>(self, f: impl FnOnce(T) -> U) -> Option<Option<U>> {
        match self {
            Change::Keep => None,
            Change::Clear => Some(None),
            Change::Set(v) => Some(Some(f(v))),
        }
    }
}

/// Everything that can be recorded about a person, validated. `None`/`Keep` leaves a field.
#[derive(Clone, Debug, Default)]
pub struct PersonDetails {
    pub given_name: Option<PersonName>,
    pub family_name: Option<PersonName>,
    pub date_of_birth: Change<NaiveDate>,
    pub address: Change<ShortText>,
    pub postcode: Change<Postcode>,
    pub phone: Change<Phone>,
    pub email: Change<Email>,
    pub preferred_contact: Change<ContactMethod>,
    pub vulnerability_personal: Change<LongText>,
    pub vulnerability_situational: Change<LongText>,
    pub vulnerability_incidental: Change<LongText>,
    pub consent_to_share: Change<bool>,
    pub consent_lawful_basis: Change<LawfulBasis>,
    pub consent_date: Change<NaiveDate>,
}

impl PersonDetails {
    /// The GraphQL field names this change writes, for the write check and the access log.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        if self.given_name.is_some() {
            f.push("givenName");
        }
        if self.family_name.is_some() {
            f.push("familyName");
        }
        let optional: [(&'static str, bool); 12] = [
            ("dateOfBirth", self.date_of_birth.is_keep()),
            ("address", self.address.is_keep()),
            ("postcode", self.postcode.is_keep()),
            ("phone", self.phone.is_keep()),
            ("email", self.email.is_keep()),
            ("preferredContact", self.preferred_contact.is_keep()),
            (
                "vulnerabilityPersonal",
                self.vulnerability_personal.is_keep(),
            ),
            (
                "vulnerabilitySituational",
                self.vulnerability_situational.is_keep(),
            ),
            (
                "vulnerabilityIncidental",
                self.vulnerability_incidental.is_keep(),
            ),
            ("consentToShare", self.consent_to_share.is_keep()),
            ("consentLawfulBasis", self.consent_lawful_basis.is_keep()),
            ("consentDate", self.consent_date.is_keep()),
        ];
        f.extend(
            optional
                .into_iter()
                .filter(|(_, keep)| !keep)
                .map(|(n, _)| n),
        );
        f
    }

    pub fn validate(&self) -> AppResult<()> {
        if let Change::Set(dob) = &self.date_of_birth
            && *dob > Utc::now().date_naive()
        {
            return Err(AppError::bad_input(
                "dateOfBirth",
                "must not be in the future",
            ));
        }
        if let Change::Set(d) = &self.consent_date
            && *d > Utc::now().date_naive()
        {
            return Err(AppError::bad_input(
                "consentDate",
                "must not be in the future",
            ));
        }
        Ok(())
    }

    /// Writes the changes onto an active model.
    fn apply(self, m: &mut person::ActiveModel) {
        if let Some(v) = self.given_name {
            m.given_name = Set(v.into_string());
        }
        if let Some(v) = self.family_name {
            m.family_name = Set(v.into_string());
        }
        if let Some(v) = self.date_of_birth.apply(|d| d) {
            m.date_of_birth = Set(v);
        }
        if let Some(v) = self.address.apply(ShortText::into_string) {
            m.address = Set(v);
        }
        if let Some(v) = self.postcode.apply(|p| p.as_str().to_string()) {
            m.postcode = Set(v);
        }
        if let Some(v) = self.phone.apply(Phone::into_string) {
            m.phone = Set(v);
        }
        if let Some(v) = self.email.apply(Email::into_string) {
            m.email = Set(v);
        }
        if let Some(v) = self.preferred_contact.apply(|c| c.as_str().to_string()) {
            m.preferred_contact = Set(v);
        }
        if let Some(v) = self.vulnerability_personal.apply(LongText::into_string) {
            m.vulnerability_personal = Set(v);
        }
        if let Some(v) = self.vulnerability_situational.apply(LongText::into_string) {
            m.vulnerability_situational = Set(v);
        }
        if let Some(v) = self.vulnerability_incidental.apply(LongText::into_string) {
            m.vulnerability_incidental = Set(v);
        }
        if let Some(v) = self.consent_to_share.apply(|b| b) {
            m.consent_to_share = Set(v);
        }
        if let Some(v) = self.consent_lawful_basis.apply(|b| b.as_str().to_string()) {
            m.consent_lawful_basis = Set(v);
        }
        if let Some(v) = self.consent_date.apply(|d| d) {
            m.consent_date = Set(v);
        }
    }
}

/// Inserts a person inside the caller's transaction (no access-log entry: the caller writes one).
pub async fn insert_person<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    details: PersonDetails,
) -> AppResult<person::Model> {
    let (Some(given), Some(family)) = (details.given_name.clone(), details.family_name.clone())
    else {
        return Err(AppError::bad_input(
            "familyName",
            "a given and a family name are required",
        ));
    };
    let now = Utc::now();
    let mut m = person::ActiveModel {
        id: Set(Uuid::new_v4()),
        given_name: Set(given.into_string()),
        family_name: Set(family.into_string()),
        date_of_birth: Set(None),
        address: Set(None),
        postcode: Set(None),
        phone: Set(None),
        email: Set(None),
        preferred_contact: Set(None),
        vulnerability_personal: Set(None),
        vulnerability_situational: Set(None),
        vulnerability_incidental: Set(None),
        consent_to_share: Set(None),
        consent_lawful_basis: Set(None),
        consent_date: Set(None),
        created_by_agency_id: Set(actor.agency_id),
        merged_into_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_by: Set(Some(actor.user_id)),
    };
    details.apply(&mut m);
    Ok(m.insert(db).await?)
}

pub async fn create(
    db: &DatabaseConnection,
    principal: &Principal,
    details: PersonDetails,
) -> AppResult<person::Model> {
    let actor = principal.actor()?;
    details.validate()?;
    let fields = details.fields();
    policy::check_writes(&actor.permissions, "Person", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    let person = insert_person(&txn, actor, details).await?;
    audit::record(
        &txn,
        principal,
        Entry::new("createPerson")
            .entity("Person", person.id)
            .fields(fields),
    )
    .await?;
    txn.commit().await?;
    Ok(person)
}

pub async fn update(
    db: &DatabaseConnection,
    principal: &Principal,
    id: Uuid,
    version: i32,
    details: PersonDetails,
) -> AppResult<person::Model> {
    let actor = principal.actor()?;
    details.validate()?;
    let fields = details.fields();
    if fields.is_empty() {
        return Err(AppError::bad_input("input", "nothing to change"));
    }
    policy::check_writes(&actor.permissions, "Person", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    let mut m = <person::ActiveModel as Default>::default();
    details.apply(&mut m);
    m.version = Set(version + 1);
    m.updated_at = Set(Utc::now());
    m.updated_by = Set(Some(actor.user_id));
    // Write first, conditionally: only the visible row still at the version the client saw
    // changes, so two saves cannot both win (and SQLite takes its write lock up front).
    let res = person::Entity::update_many()
        .set(m)
        .filter(person::Column::Id.eq(id))
        .filter(person::Column::Version.eq(version))
        .filter(Scope::new(actor.agency_id).people())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        let current = super::records::person(&txn, actor, id).await?;
        return Err(AppError::stale(current.version));
    }
    audit::record(
        &txn,
        principal,
        Entry::new("updatePerson")
            .entity("Person", id)
            .fields(fields),
    )
    .await?;
    let updated = person::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(updated)
}
