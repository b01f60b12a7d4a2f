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

mod render;

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
