//! Inputs of the case-plan mutations, and their conversion into validated domain values. Every
//! field is parsed before anything is written; a bad one is `BAD_USER_INPUT` naming it.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::NaiveDate;
use uuid::Uuid;

use super::query::parse_id;
use crate::{
    domain::{ActionStatus, InterventionStatus, LongText, NonEmptyLongText, PartyRole, ShortText},
    error::AppResult,
    service::cases::{
        document_cmd::NewDocument,
        intervention_cmd::{InterventionChanges, NewBreach, NewIntervention},
        people_cmd::Change,
        plan_cmd::{ActionChanges, NewAction},
    },
};

/// Keep when undefined, clear when `null`, set when given.
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

fn opt_id(field: &str, id: Option<&ID>) -> AppResult<Option<Uuid>> {
    id.map(|i| parse_id(field, i)).transpose()
}

#[derive(InputObject)]
pub struct AddPartyInput {
    pub case_id: ID,
    pub person_id: ID,
    pub role: PartyRole,
}

#[derive(InputObject)]
pub struct RemovePartyInput {
    pub party_id: ID,
}

#[derive(InputObject)]
pub struct LinkIncidentInput {
    pub case_id: ID,
    /// An incident not yet in any case.
    pub incident_id: ID,
}

#[derive(InputObject)]
pub struct ShareCaseInput {
    pub case_id: ID,
    pub agency_id: ID,
    /// The legal basis of the disclosure, e.g. `Crime and Disorder Act 1998 s.115`.
    pub legal_basis: String,
}

impl ShareCaseInput {
    pub fn parse(self) -> AppResult<(Uuid, Uuid, ShortText)> {
        Ok((
            parse_id("caseId", &self.case_id)?,
            parse_id("agencyId", &self.agency_id)?,
            ShortText::parse("legalBasis", &self.legal_basis)?,
        ))
    }
}

#[derive(InputObject)]
pub struct RevokeShareInput {
    pub share_id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct AddActionInput {
    case_id: ID,
    description: String,
    /// The lead agency or an agency the case is shared with.
    owner_agency_id: ID,
    /// An officer of the owning agency.
    owner_id: Option<ID>,
    due_date: NaiveDate,
}

impl AddActionInput {
    pub fn parse(self) -> AppResult<(Uuid, NewAction)> {
        Ok((
            parse_id("caseId", &self.case_id)?,
            NewAction {
                description: NonEmptyLongText::parse("description", &self.description)?,
                owner_agency_id: parse_id("ownerAgencyId", &self.owner_agency_id)?,
                owner_id: opt_id("ownerId", self.owner_id.as_ref())?,
                due_date: self.due_date,
            },
        ))
    }
}

/// Changes to an action; omitted fields stay, `ownerId: null` clears the officer.
#[derive(InputObject)]
pub struct UpdateActionInput {
    id: ID,
    /// The version last read; a stale one is refused with `CONFLICT`.
    version: i32,
    description: Option<String>,
    owner_id: MaybeUndefined<ID>,
    due_date: Option<NaiveDate>,
    /// Any status but `DONE`: completing is `completeAction`.
    status: Option<ActionStatus>,
}

impl UpdateActionInput {
    pub fn parse(self) -> AppResult<(Uuid, i32, ActionChanges)> {
        Ok((
            parse_id("id", &self.id)?,
            self.version,
            ActionChanges {
                description: self
                    .description
                    .map(|v| NonEmptyLongText::parse("description", &v))
                    .transpose()?,
                owner_id: change(self.owner_id, |v| parse_id("ownerId", &v))?,
                due_date: self.due_date,
                status: self.status,
            },
        ))
    }
}

#[derive(InputObject)]
pub struct CompleteActionInput {
    pub id: ID,
    pub version: i32,
    pub completion_note: String,
}

#[derive(InputObject)]
pub struct AddNoteInput {
    pub case_id: ID,
    pub body: String,
    /// The note on the same case that this one corrects.
    pub corrects_note_id: Option<ID>,
}

impl AddNoteInput {
    pub fn parse(self) -> AppResult<(Uuid, NonEmptyLongText, Option<Uuid>)> {
        Ok((
            parse_id("caseId", &self.case_id)?,
            NonEmptyLongText::parse("body", &self.body)?,
            opt_id("correctsNoteId", self.corrects_note_id.as_ref())?,
        ))
    }
}

#[derive(InputObject)]
pub struct RecordInterventionInput {
    case_id: ID,
    /// An active tool from `interventionTools`.
    tool_id: ID,
    /// A party to the case.
    subject_person_id: Option<ID>,
    status: InterventionStatus,
    issued_on: Option<NaiveDate>,
    /// Not before `issuedOn`.
    served_on: Option<NaiveDate>,
    /// Not before `issuedOn` nor `servedOn`.
    expires_on: Option<NaiveDate>,
    notes: Option<String>,
}

impl RecordInterventionInput {
    pub fn parse(self) -> AppResult<(Uuid, NewIntervention)> {
        Ok((
            parse_id("caseId", &self.case_id)?,
            NewIntervention {
                tool_id: parse_id("toolId", &self.tool_id)?,
                subject_person_id: opt_id("subjectPersonId", self.subject_person_id.as_ref())?,
                status: self.status,
                issued_on: self.issued_on,
                served_on: self.served_on,
                expires_on: self.expires_on,
                notes: self
                    .notes
                    .map(|v| LongText::parse("notes", &v))
                    .transpose()?,
            },
        ))
    }
}

/// A breach of an intervention.
#[derive(InputObject)]
pub struct BreachInput {
    occurred_on: NaiveDate,
    description: String,
}

/// Changes to an intervention; omitted fields stay, `null` clears a date or the notes.
#[derive(InputObject)]
pub struct UpdateInterventionInput {
    id: ID,
    version: i32,
    status: Option<InterventionStatus>,
    issued_on: MaybeUndefined<NaiveDate>,
    served_on: MaybeUndefined<NaiveDate>,
    expires_on: MaybeUndefined<NaiveDate>,
    notes: MaybeUndefined<String>,
    /// Records a breach with the update.
    breach: Option<BreachInput>,
}

impl UpdateInterventionInput {
    pub fn parse(self) -> AppResult<(Uuid, i32, InterventionChanges)> {
        Ok((
            parse_id("id", &self.id)?,
            self.version,
            InterventionChanges {
                status: self.status,
                issued_on: change(self.issued_on, Ok)?,
                served_on: change(self.served_on, Ok)?,
                expires_on: change(self.expires_on, Ok)?,
                notes: change(self.notes, |v| LongText::parse("notes", &v))?,
                breach: self
                    .breach
                    .map(|b| -> AppResult<NewBreach> {
                        Ok(NewBreach {
                            occurred_on: b.occurred_on,
                            description: NonEmptyLongText::parse(
                                "breach.description",
                                &b.description,
                            )?,
                        })
                    })
                    .transpose()?,
            },
        ))
    }
}

#[derive(InputObject)]
pub struct AttachDocumentInput {
    case_id: ID,
    /// A plain file name: no path, at most 200 characters.
    file_name: String,
    /// One of `application/pdf`, `image/jpeg`, `image/png`, `text/plain`; the content's first
    /// bytes must agree.
    content_type: String,
    /// The file, base64-encoded (standard alphabet, padded); at most 1 MiB once decoded.
    content_base64: String,
    description: Option<String>,
}

impl AttachDocumentInput {
    pub fn parse(self) -> AppResult<(Uuid, NewDocument)> {
        let case_id = parse_id("caseId", &self.case_id)?;
        let description = self
            .description
            .map(|v| LongText::parse("description", &v))
            .transpose()?;
        Ok((
            case_id,
            NewDocument::parse(
                &self.file_name,
                &self.content_type,
                &self.content_base64,
                description,
            )?,
        ))
    }
}

#[derive(InputObject)]
pub struct MergePeopleInput {
    /// The record that stays.
    pub keep_id: ID,
    /// The duplicate, marked as merged into `keepId`; its links move there.
    pub duplicate_id: ID,
}
