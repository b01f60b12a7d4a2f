//! The subject access export (`SUBJECT_ACCESS_EXPORT`): everything the user's agency may disclose
//! about one person, with its access history, as one JSON document.
//!
//! - **Rows**: only records within the agency's scope (`policy::scope`): the cases the person is
//!   a party to that the agency leads or that are shared with it, the incidents it may see, and
//!   what hangs off those. A case not shared with the agency, and its incidents, are not loaded.
//!   A person outside the scope, or unknown, is `NOT_FOUND`.
//! - **Fields**: each field goes in only when the user's roles may read it (`view::View`, which
//!   asks the policy exactly as the schema's field guard does, `Victim.<field>` grants
//!   included). A section the user may not read (`Person.cases`, `Case.notes`, ...) is absent.
//!   Other people in the person's cases are not exported: they are third parties.
//! - **Access history**: the access-log entries about the person and about each exported case,
//!   incident and risk assessment: when, who, which agency, the operation, its outcome, the
//!   record and the fields named. Entries name fields, never values, so no history entry
//!   discloses more than the record itself.
//! - The export is itself logged, as a disclosure naming the person fields it contained.
//!
//! Document content is not exported, only its metadata; it is read separately by document id.

use std::collections::HashMap;

use chrono::Utc;
use entity::{
    access_log, agency, asb_case, case_action, case_note, case_party, incident, incident_party,
    intervention, intervention_breach, intervention_tool, location, person, risk_assessment,
    victim_contact, victim_satisfaction,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use super::view::View;
use crate::{
    auth::{
        Principal,
        policy::{Operation, scope::Scope},
    },
    error::AppResult,
    service::{
        audit::{self, Entry},
        audit_query::PERSON_ENTITY,
        cases::{document_cmd::DocumentMeta, records},
        staff::{self, UserDetails},
    },
};

/// The export's format, so that a reader knows what it holds.
pub const FORMAT: &str = "asb-hub/subject-access-export/v1";

/// Everything held on one person within one agency's scope.
struct Held {
    person: person::Model,
    parties: Vec<case_party::Model>,
    cases: HashMap<Uuid, asb_case::Model>,
    incident_parties: Vec<incident_party::Model>,
    incidents: HashMap<Uuid, incident::Model>,
    locations: HashMap<Uuid, location::Model>,
    assessments: Vec<risk_assessment::Model>,
    contacts: Vec<victim_contact::Model>,
    satisfaction: Vec<victim_satisfaction::Model>,
    interventions: Vec<intervention::Model>,
    breaches: Vec<intervention_breach::Model>,
    tools: HashMap<Uuid, intervention_tool::Model>,
    notes: Vec<case_note::Model>,
    actions: Vec<case_action::Model>,
    documents: Vec<DocumentMeta>,
    log: Vec<access_log::Model>,
    users: HashMap<Uuid, UserDetails>,
    agencies: HashMap<Uuid, agency::Model>,
}

pub async fn export(
    db: &DatabaseConnection,
    principal: &Principal,
    person_id: Uuid,
) -> AppResult<Value> {
    let actor = principal.actor()?;
    actor.require(Operation::SubjectAccessExport)?;
    let person = records::person(db, actor, person_id).await?;
    let held = Held::load(db, &Scope::new(actor.agency_id), person).await?;
    let is_victim = held.parties.iter().any(|p| p.role == "victim");
    let view = View::new(&actor.permissions, is_victim);

    let person = held.person_obj(&view);
    let person_fields: Vec<&'static str> = person.disclosed().to_vec();
    let mut doc = serde_json::Map::new();
    doc.insert("format".into(), json!(FORMAT));
    doc.insert("exportedAt".into(), json!(Utc::now()));
    doc.insert(
        "exportedBy".into(),
        json!({ "userId": actor.user_id, "agency": held.agency(Some(actor.agency_id)) }),
    );
    doc.insert("person".into(), person.done());
    let (n_cases, n_incidents, n_assessments) = (
        held.parties.len(),
        held.incident_parties.len(),
        held.assessments.len(),
    );
    if view.allows("Person", "cases") {
        doc.insert("cases".into(), held.cases_section(&view));
    }
    if view.allows("Person", "incidents") {
        doc.insert("incidents".into(), held.incidents_section(&view));
    }
    if view.allows("Person", "riskAssessments") {
        let list = held.assessments.iter().map(|a| held.assessment(&view, a));
        doc.insert("riskAssessments".into(), Value::Array(list.collect()));
    }
    doc.insert("accessHistory".into(), held.history());
    audit::record(
        db,
        principal,
        Entry::new("subjectAccessExport")
            .entity(PERSON_ENTITY, person_id)
            .fields(person_fields)
            .detail(format!(
                "disclosure: subject access export of {n_cases} case role(s), \
                 {n_incidents} incident part(s), {n_assessments} risk assessment(s) and {} \
                 access-log entries",
                held.log.len()
            )),
    )
    .await?;
    Ok(Value::Object(doc))
}

impl Held {
    async fn load(
        db: &DatabaseConnection,
        scope: &Scope,
        person: person::Model,
    ) -> AppResult<Self> {
        let pid = person.id;
        let parties = case_party::Entity::find()
            .filter(case_party::Column::PersonId.eq(pid))
            .filter(case_party::Column::CaseId.in_subquery(scope.visible_case_ids()))
            .order_by_asc(case_party::Column::CreatedAt)
            .order_by_asc(case_party::Column::Id)
            .all(db)
            .await?;
        let mut case_ids: Vec<Uuid> = parties.iter().map(|p| p.case_id).collect();
        case_ids.sort();
        case_ids.dedup();
        let cases: HashMap<Uuid, asb_case::Model> = asb_case::Entity::find()
            .filter(asb_case::Column::Id.is_in(case_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let incident_parties = incident_party::Entity::find()
            .filter(incident_party::Column::PersonId.eq(pid))
            .filter(incident_party::Column::IncidentId.in_subquery(scope.visible_incident_ids()))
            .order_by_asc(incident_party::Column::CreatedAt)
            .order_by_asc(incident_party::Column::Id)
            .all(db)
            .await?;
        let incident_ids: Vec<Uuid> = incident_parties.iter().map(|p| p.incident_id).collect();
        let incidents: HashMap<Uuid, incident::Model> = incident::Entity::find()
            .filter(incident::Column::Id.is_in(incident_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let location_ids: Vec<Uuid> = incidents.values().filter_map(|i| i.location_id).collect();
        let locations = location::Entity::find()
            .filter(location::Column::Id.is_in(location_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let assessments = risk_assessment::Entity::find()
            .filter(risk_assessment::Column::PersonId.eq(pid))
            .filter(
                Condition::any()
                    .add(risk_assessment::Column::CaseId.in_subquery(scope.visible_case_ids()))
                    .add(
                        risk_assessment::Column::IncidentId
                            .in_subquery(scope.visible_incident_ids()),
                    ),
            )
            .order_by_asc(risk_assessment::Column::AssessedAt)
            .order_by_asc(risk_assessment::Column::Id)
            .all(db)
            .await?;
        let contacts = victim_contact::Entity::find()
            .filter(victim_contact::Column::PersonId.eq(pid))
            .filter(victim_contact::Column::CaseId.is_in(case_ids.clone()))
            .order_by_asc(victim_contact::Column::ContactedAt)
            .all(db)
            .await?;
        let satisfaction = victim_satisfaction::Entity::find()
            .filter(victim_satisfaction::Column::PersonId.eq(pid))
            .filter(victim_satisfaction::Column::CaseId.is_in(case_ids.clone()))
            .order_by_asc(victim_satisfaction::Column::RecordedAt)
            .all(db)
            .await?;
        let interventions = intervention::Entity::find()
            .filter(intervention::Column::SubjectPersonId.eq(pid))
            .filter(intervention::Column::CaseId.is_in(case_ids.clone()))
            .order_by_asc(intervention::Column::CreatedAt)
            .all(db)
            .await?;
        let breaches = intervention_breach::Entity::find()
            .filter(
                intervention_breach::Column::InterventionId
                    .is_in(interventions.iter().map(|i| i.id).collect::<Vec<_>>()),
            )
            .order_by_asc(intervention_breach::Column::OccurredOn)
            .all(db)
            .await?;
        let tools = intervention_tool::Entity::find()
            .filter(
                intervention_tool::Column::Id
                    .is_in(interventions.iter().map(|i| i.tool_id).collect::<Vec<_>>()),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let notes = case_note::Entity::find()
            .filter(case_note::Column::CaseId.is_in(case_ids.clone()))
            .order_by_asc(case_note::Column::CreatedAt)
            .order_by_asc(case_note::Column::Id)
            .all(db)
            .await?;
        let actions = case_action::Entity::find()
            .filter(case_action::Column::CaseId.is_in(case_ids.clone()))
            .order_by_asc(case_action::Column::DueDate)
            .order_by_asc(case_action::Column::Id)
            .all(db)
            .await?;
        let documents =
            crate::service::cases::document_cmd::metadata_of_cases(db, &case_ids).await?;
        let log = history(db, pid, &case_ids, &incident_ids, &assessments).await?;

        let mut user_ids: Vec<Uuid> = cases.values().filter_map(|c| c.owner_id).collect();
        user_ids.extend(notes.iter().map(|n| n.author_id));
        user_ids.extend(actions.iter().filter_map(|a| a.owner_id));
        user_ids.extend(documents.iter().filter_map(|d| d.created_by));
        user_ids.extend(contacts.iter().map(|c| c.user_id));
        user_ids.extend(satisfaction.iter().map(|s| s.user_id));
        user_ids.extend(assessments.iter().map(|a| a.assessed_by));
        user_ids.extend(log.iter().filter_map(|e| e.user_id));
        user_ids.sort();
        user_ids.dedup();
        let mut agency_ids: Vec<Uuid> = cases.values().map(|c| c.lead_agency_id).collect();
        agency_ids.extend(incidents.values().map(|i| i.reporting_agency_id));
        agency_ids.extend(actions.iter().map(|a| a.owner_agency_id));
        agency_ids.extend(contacts.iter().map(|c| c.agency_id));
        agency_ids.extend(satisfaction.iter().map(|s| s.agency_id));
        agency_ids.extend(log.iter().filter_map(|e| e.agency_id));
        agency_ids.push(person.created_by_agency_id);
        agency_ids.push(scope.agency_id);
        agency_ids.sort();
        agency_ids.dedup();
        let users = staff::users_by_id(db, user_ids).await?;
        let mut agencies = staff::agencies_by_id(db, agency_ids).await?;
        for u in users.values() {
            agencies
                .entry(u.agency.id)
                .or_insert_with(|| u.agency.clone());
        }
        Ok(Self {
            person,
            parties,
            cases,
            incident_parties,
            incidents,
            locations,
            assessments,
            contacts,
            satisfaction,
            interventions,
            breaches,
            tools,
            notes,
            actions,
            documents,
            log,
            users,
            agencies,
        })
    }

    fn user(&self, id: Option<Uuid>) -> Value {
        match id {
            Some(id) => json!({
                "id": id,
                "displayName": self.users.get(&id).map(|u| u.user.display_name.clone()),
            }),
            None => Value::Null,
        }
    }

    fn agency(&self, id: Option<Uuid>) -> Value {
        match id {
            Some(id) => json!({
                "id": id,
                "name": self.agencies.get(&id).map(|a| a.name.clone()),
            }),
            None => Value::Null,
        }
    }

    fn person_obj<'v, 'a>(&self, view: &'v View<'a>) -> super::view::Obj<'v, 'a> {
        let p = &self.person;
        view.object("Person")
            .put("id", json!(p.id))
            .put("version", p.version)
            .put("givenName", p.given_name.clone())
            .put("familyName", p.family_name.clone())
            .put("dateOfBirth", json!(p.date_of_birth))
            .put("address", p.address.clone())
            .put("postcode", p.postcode.clone())
            .put("phone", p.phone.clone())
            .put("email", p.email.clone())
            .put("preferredContact", p.preferred_contact.clone())
            .put("vulnerabilityPersonal", p.vulnerability_personal.clone())
            .put(
                "vulnerabilitySituational",
                p.vulnerability_situational.clone(),
            )
            .put(
                "vulnerabilityIncidental",
                p.vulnerability_incidental.clone(),
            )
            .put("consentToShare", p.consent_to_share)
            .put("consentLawfulBasis", p.consent_lawful_basis.clone())
            .put("consentDate", json!(p.consent_date))
            .put_with("createdByAgency", || {
                self.agency(Some(p.created_by_agency_id))
            })
            .put("mergedInto", json!(p.merged_into_id))
    }

    fn cases_section(&self, view: &View<'_>) -> Value {
        let mut parties: Vec<&case_party::Model> = self.parties.iter().collect();
        parties.sort_by_key(|p| self.cases.get(&p.case_id).map(|c| c.reference.clone()));
        Value::Array(
            parties
                .into_iter()
                .filter_map(|p| {
                    let case = self.cases.get(&p.case_id)?;
                    Some(
                        view.object("PersonCase")
                            .put("id", json!(p.id))
                            .put("role", p.role.clone())
                            .put_with("case", || self.case_obj(view, case))
                            .done(),
                    )
                })
                .collect(),
        )
    }

    fn case_obj(&self, view: &View<'_>, c: &asb_case::Model) -> Value {
        let pid = self.person.id;
        let list = |items: Vec<Value>| Value::Array(items);
        view.object("Case")
            .put("id", json!(c.id))
            .put("reference", c.reference.clone())
            .put("version", c.version)
            .put("title", c.title.clone())
            .put("summary", c.summary.clone())
            .put("category", c.category.clone())
            .put("status", c.status.clone())
            .put("closureReason", c.closure_reason.clone())
            .put("closedAt", json!(c.closed_at))
            .put_with("leadAgency", || self.agency(Some(c.lead_agency_id)))
            .put_with("owner", || self.user(c.owner_id))
            .put("riskLevel", c.risk_level.clone())
            .put("nextReviewAt", json!(c.next_review_at))
            .put("createdAt", json!(c.created_at))
            .put("updatedAt", json!(c.updated_at))
            .put("policeIntelligence", c.police_intelligence.clone())
            .put("tenancyDetails", c.tenancy_details.clone())
            .put(
                "healthSafeguardingNotes",
                c.health_safeguarding_notes.clone(),
            )
            .put_with("notes", || {
                list(
                    self.notes
                        .iter()
                        .filter(|n| n.case_id == c.id)
                        .map(|n| {
                            view.object("CaseNote")
                                .put("id", json!(n.id))
                                .put_with("author", || self.user(Some(n.author_id)))
                                .put("body", n.body.clone())
                                .put("createdAt", json!(n.created_at))
                                .put("correctsNoteId", json!(n.corrects_note_id))
                                .done()
                        })
                        .collect(),
                )
            })
            .put_with("actions", || {
                list(
                    self.actions
                        .iter()
                        .filter(|a| a.case_id == c.id)
                        .map(|a| {
                            view.object("CaseAction")
                                .put("id", json!(a.id))
                                .put("description", a.description.clone())
                                .put_with("ownerAgency", || self.agency(Some(a.owner_agency_id)))
                                .put_with("owner", || self.user(a.owner_id))
                                .put("dueDate", json!(a.due_date))
                                .put("status", a.status.clone())
                                .put("completionNote", a.completion_note.clone())
                                .put("completedAt", json!(a.completed_at))
                                .done()
                        })
                        .collect(),
                )
            })
            .put_with("interventions", || {
                list(
                    self.interventions
                        .iter()
                        .filter(|i| i.case_id == c.id)
                        .map(|i| {
                            view.object("Intervention")
                                .put("id", json!(i.id))
                                .put_with("tool", || {
                                    self.tools.get(&i.tool_id).map_or(
                                        Value::Null,
                                        |t| json!({ "id": t.id, "code": t.code, "name": t.name }),
                                    )
                                })
                                .put("subject", json!({ "id": pid }))
                                .put("status", i.status.clone())
                                .put("issuedOn", json!(i.issued_on))
                                .put("servedOn", json!(i.served_on))
                                .put("expiresOn", json!(i.expires_on))
                                .put("notes", i.notes.clone())
                                .put_with("breaches", || {
                                    list(
                                        self.breaches
                                            .iter()
                                            .filter(|b| b.intervention_id == i.id)
                                            .map(|b| {
                                                view.object("InterventionBreach")
                                                    .put("id", json!(b.id))
                                                    .put("occurredOn", json!(b.occurred_on))
                                                    .put("description", b.description.clone())
                                                    .done()
                                            })
                                            .collect(),
                                    )
                                })
                                .done()
                        })
                        .collect(),
                )
            })
            .put_with("documents", || {
                list(
                    self.documents
                        .iter()
                        .filter(|d| d.case_id == c.id)
                        .map(|d| {
                            view.object("Document")
                                .put("id", json!(d.id))
                                .put("fileName", d.file_name.clone())
                                .put("contentType", d.content_type.clone())
                                .put("sizeBytes", d.size_bytes)
                                .put("sha256", d.sha256.clone())
                                .put("description", d.description.clone())
                                .put("uploadedAt", json!(d.created_at))
                                .put_with("uploadedBy", || self.user(d.created_by))
                                .done()
                        })
                        .collect(),
                )
            })
            .put_with("contacts", || {
                list(
                    self.contacts
                        .iter()
                        .filter(|x| x.case_id == c.id)
                        .map(|x| {
                            view.object("VictimContact")
                                .put("id", json!(x.id))
                                .put("person", json!({ "id": pid }))
                                .put("method", x.method.clone())
                                .put("outcome", x.outcome.clone())
                                .put("contactedAt", json!(x.contacted_at))
                                .put_with("contactedBy", || self.user(Some(x.user_id)))
                                .put_with("agency", || self.agency(Some(x.agency_id)))
                                .put("byDedicatedOfficer", x.by_dedicated_officer)
                                .done()
                        })
                        .collect(),
                )
            })
            .put_with("satisfaction", || {
                list(
                    self.satisfaction
                        .iter()
                        .filter(|x| x.case_id == c.id)
                        .map(|x| {
                            view.object("SatisfactionResponse")
                                .put("id", json!(x.id))
                                .put("person", json!({ "id": pid }))
                                .put("score", x.score)
                                .put("comments", x.comments.clone())
                                .put("recordedAt", json!(x.recorded_at))
                                .put_with("recordedBy", || self.user(Some(x.user_id)))
                                .put_with("agency", || self.agency(Some(x.agency_id)))
                                .done()
                        })
                        .collect(),
                )
            })
            .done()
    }

    fn incidents_section(&self, view: &View<'_>) -> Value {
        let mut parties: Vec<&incident_party::Model> = self.incident_parties.iter().collect();
        parties.sort_by_key(|p| {
            (
                self.incidents.get(&p.incident_id).map(|i| i.occurred_at),
                p.id,
            )
        });
        Value::Array(
            parties
                .into_iter()
                .filter_map(|p| {
                    let i = self.incidents.get(&p.incident_id)?;
                    Some(
                        view.object("IncidentParty")
                            .put("id", json!(p.id))
                            .put("part", p.part.clone())
                            .put_with("incident", || self.incident_obj(view, i))
                            .done(),
                    )
                })
                .collect(),
        )
    }

    fn incident_obj(&self, view: &View<'_>, i: &incident::Model) -> Value {
        view.object("Incident")
            .put("id", json!(i.id))
            .put("occurredAt", json!(i.occurred_at))
            .put("reportedAt", json!(i.reported_at))
            .put("channel", i.channel.clone())
            .put_with("reportingAgency", || {
                self.agency(Some(i.reporting_agency_id))
            })
            .put("category", i.category.clone())
            .put("subType", i.sub_type.clone())
            .put("description", i.description.clone())
            .put_with("location", || {
                let Some(l) = i.location_id.and_then(|id| self.locations.get(&id)) else {
                    return Value::Null;
                };
                view.object("Location")
                    .put("id", json!(l.id))
                    .put("address", l.address.clone())
                    .put("premisesName", l.premises_name.clone())
                    .put("postcode", l.postcode.clone())
                    .put("ward", l.ward.clone())
                    .put("latitude", l.latitude)
                    .put("longitude", l.longitude)
                    .done()
            })
            .put("policeReference", i.police_reference.clone())
            // Only the id: the case itself is exported when the person is a party to it and
            // the agency may see it.
            .put(
                "case",
                i.case_id.map_or(Value::Null, |id| json!({ "id": id })),
            )
            .put("hateMotivated", i.hate_motivated)
            .put("createdAt", json!(i.created_at))
            .done()
    }

    fn assessment(&self, view: &View<'_>, a: &risk_assessment::Model) -> Value {
        view.object("RiskAssessment")
            .put("id", json!(a.id))
            .put("person", json!({ "id": a.person_id }))
            .put(
                "incident",
                a.incident_id.map_or(Value::Null, |id| json!({ "id": id })),
            )
            .put(
                "case",
                a.case_id.map_or(Value::Null, |id| json!({ "id": id })),
            )
            .put(
                "questionnaireVersion",
                json!({ "id": a.questionnaire_version_id }),
            )
            .put_with("answers", || {
                serde_json::from_str(&a.answers).unwrap_or(Value::Null)
            })
            .put("score", a.score)
            .put("computedLevel", a.computed_level.clone())
            .put("level", a.level.clone())
            .put("overrideLevel", a.override_level.clone())
            .put("overrideReason", a.override_reason.clone())
            .put_with("assessedBy", || self.user(Some(a.assessed_by)))
            .put("assessedAt", json!(a.assessed_at))
            .put("validUntil", json!(a.valid_until))
            .done()
    }

    /// The access history, oldest first: who, for which agency, when, what, on which record,
    /// naming fields and never values.
    fn history(&self) -> Value {
        Value::Array(
            self.log
                .iter()
                .map(|e| {
                    let fields: Value = e
                        .fields
                        .as_deref()
                        .and_then(|f| serde_json::from_str(f).ok())
                        .unwrap_or(Value::Array(Vec::new()));
                    json!({
                        "id": e.id,
                        "at": e.at,
                        "user": self.user(e.user_id),
                        "agency": self.agency(e.agency_id),
                        "operation": e.operation,
                        "outcome": e.outcome,
                        "entity": e.entity,
                        "entityId": e.entity_id,
                        "fields": fields,
                    })
                })
                .collect(),
        )
    }
}

/// The access-log entries about the person and the exported records, oldest first.
async fn history(
    db: &DatabaseConnection,
    person_id: Uuid,
    case_ids: &[Uuid],
    incident_ids: &[Uuid],
    assessments: &[risk_assessment::Model],
) -> AppResult<Vec<access_log::Model>> {
    use access_log::Column as L;
    let about = |entity: &str, ids: Vec<String>| {
        Condition::all()
            .add(L::Entity.eq(entity))
            .add(L::EntityId.is_in(ids))
    };
    let strings = |ids: &[Uuid]| ids.iter().map(Uuid::to_string).collect::<Vec<_>>();
    let assessment_ids: Vec<Uuid> = assessments.iter().map(|a| a.id).collect();
    Ok(access_log::Entity::find()
        .filter(
            Condition::any()
                .add(about(PERSON_ENTITY, vec![person_id.to_string()]))
                .add(about("Case", strings(case_ids)))
                .add(about("Incident", strings(incident_ids)))
                .add(about("RiskAssessment", strings(&assessment_ids))),
        )
        .order_by_asc(L::At)
        .order_by_asc(L::Id)
        .all(db)
        .await?)
}
