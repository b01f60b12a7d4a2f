//! Row scope: which rows a user's agency may see.
//!
//! A case is visible when the user's agency leads it or it is shared with that agency (and the
//! share is not revoked). Incidents are visible when the agency reported them or they belong to a
//! visible case; people when the agency created them or they take part in a visible case or
//! incident. Everything else (parties, actions, notes, interventions, documents) hangs off a
//! visible case. Lists, counts and searches apply these conditions in SQL, so rows outside the
//! scope are never loaded.

use entity::{asb_case, case_party, case_share, incident, incident_party, person};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Query, SelectStatement},
};
use uuid::Uuid;

/// The scope of one agency.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub agency_id: Uuid,
}

impl Scope {
    pub fn new(agency_id: Uuid) -> Self {
        Self { agency_id }
    }

    /// `SELECT case_id FROM case_share WHERE agency = mine AND not revoked`.
    fn shared_case_ids(&self) -> SelectStatement {
        Query::select()
            .column(case_share::Column::CaseId)
            .from(case_share::Entity)
            .and_where(case_share::Column::AgencyId.eq(self.agency_id))
            .and_where(case_share::Column::RevokedAt.is_null())
            .to_owned()
    }

    /// Condition on `asb_case`.
    pub fn cases(&self) -> Condition {
        if super::AUTHZ_BYPASSED {
            return Condition::all();
        }
        Condition::any()
            .add(asb_case::Column::LeadAgencyId.eq(self.agency_id))
            .add(asb_case::Column::Id.in_subquery(self.shared_case_ids()))
    }

    /// `SELECT id FROM asb_case WHERE visible`.
    pub fn visible_case_ids(&self) -> SelectStatement {
        Query::select()
            .column(asb_case::Column::Id)
            .from(asb_case::Entity)
            .cond_where(self.cases())
            .to_owned()
    }

    /// Condition on `incident`.
    pub fn incidents(&self) -> Condition {
        if super::AUTHZ_BYPASSED {
            return Condition::all();
        }
        Condition::any()
            .add(incident::Column::ReportingAgencyId.eq(self.agency_id))
            .add(incident::Column::CaseId.in_subquery(self.visible_case_ids()))
    }

    /// `SELECT id FROM incident WHERE visible`.
    pub fn visible_incident_ids(&self) -> SelectStatement {
        Query::select()
            .column(incident::Column::Id)
            .from(incident::Entity)
            .cond_where(self.incidents())
            .to_owned()
    }

    /// Condition on `person`.
    pub fn people(&self) -> Condition {
        if super::AUTHZ_BYPASSED {
            return Condition::all();
        }
        Condition::any()
            .add(person::Column::CreatedByAgencyId.eq(self.agency_id))
            .add(
                person::Column::Id.in_subquery(
                    Query::select()
                        .column(case_party::Column::PersonId)
                        .from(case_party::Entity)
                        .and_where(case_party::Column::CaseId.in_subquery(self.visible_case_ids()))
                        .to_owned(),
                ),
            )
            .add(
                person::Column::Id.in_subquery(
                    Query::select()
                        .column(incident_party::Column::PersonId)
                        .from(incident_party::Entity)
                        .and_where(
                            incident_party::Column::IncidentId
                                .in_subquery(self.visible_incident_ids()),
                        )
                        .to_owned(),
                ),
            )
    }
}

/// Whether a single case is visible, as a query condition on its id.
pub fn case_by_id(scope: &Scope, id: Uuid) -> Condition {
    Condition::all()
        .add(asb_case::Column::Id.eq(id))
        .add(scope.cases())
}
