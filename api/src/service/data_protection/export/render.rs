//! Rendering what is held on a person as the export's JSON, field by field through the policy
//! ([`View`]): a field or section the user's roles may not read is left out.

use serde_json::{Value, json};
use uuid::Uuid;

use super::Held;
use crate::service::data_protection::view::{Obj, View};
use entity::{asb_case, case_party, incident, incident_party, risk_assessment};

impl Held {
    pub(super) fn user(&self, id: Option<Uuid>) -> Value {
        match id {
            Some(id) => json!({
                "id": id,
                "displayName": self.users.get(&id).map(|u| u.user.display_name.clone()),
            }),
            None => Value::Null,
        }
    }

    pub(super) fn agency(&self, id: Option<Uuid>) -> Value {
        match id {
            Some(id) => json!({
                "id": id,
                "name": self.agencies.get(&id).map(|a| a.name.clone()),
            }),
            None => Value::Null,
        }
    }

    pub(super) fn person_obj<'v, 'a>(&self, view: &'v View<'a>) -> Obj<'v, 'a> {
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

    pub(super) fn cases_section(&self, view: &View<'_>) -> Value {
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

    pub(super) fn case_obj(&self, view: &View<'_>, c: &asb_case::Model) -> Value {
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

    pub(super) fn incidents_section(&self, view: &View<'_>) -> Value {
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

    pub(super) fn incident_obj(&self, view: &View<'_>, i: &incident::Model) -> Value {
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

    pub(super) fn assessment(&self, view: &View<'_>, a: &risk_assessment::Model) -> Value {
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
    pub(super) fn history(&self) -> Value {
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
