//! DataLoaders, created per request, so nested lists cost one statement per relation whatever
//! the page size, and no row loaded for one user can be served to another.
//!
//! Loaders that start from a visible parent (a case's parties, an incident's parties) need no
//! scope: the parent was already checked. Loaders that cross from a person to *other* records
//! (a person's cases and incidents, an incident's case) apply the user's row scope in SQL.

use std::{collections::HashMap, marker::PhantomData};

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{asb_case, case_party, incident, incident_party};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value,
};
use uuid::Uuid;

use crate::{
    auth::policy::scope::Scope,
    error::AppError,
    service::cases::document_cmd::{self, DocumentMeta},
};

/// Rows by primary key `id`.
pub struct ById<E: EntityTrait> {
    db: DatabaseConnection,
    id: E::Column,
    _e: PhantomData<fn() -> E>,
}

/// Rows by a parent key column, in a stable order.
pub struct ChildrenOf<E: EntityTrait> {
    db: DatabaseConnection,
    parent: E::Column,
    order: E::Column,
    _e: PhantomData<fn() -> E>,
}

fn uuid_of(v: Value) -> Option<Uuid> {
    match v {
        Value::Uuid(Some(u)) => Some(u),
        _ => None,
    }
}

impl<E> Loader<Uuid> for ById<E>
where
    E: EntityTrait,
    E::Model: Send + Sync + Clone + 'static,
    E::Column: Send + Sync,
{
    type Value = E::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, E::Model>, AppError> {
        let rows = E::find()
            .filter(self.id.is_in(keys.to_vec()))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|m| uuid_of(m.get(self.id)).map(|k| (k, m)))
            .collect())
    }
}

impl<E> Loader<Uuid> for ChildrenOf<E>
where
    E: EntityTrait,
    E::Model: Send + Sync + Clone + 'static,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<E::Model>>, AppError> {
        let rows = E::find()
            .filter(self.parent.is_in(keys.to_vec()))
            .order_by_asc(self.order)
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, Vec<E::Model>> = HashMap::new();
        for m in rows {
            if let Some(k) = uuid_of(m.get(self.parent)) {
                out.entry(k).or_default().push(m);
            }
        }
        Ok(out)
    }
}

/// A person's parts in cases the user may see.
pub struct PersonCases {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<Uuid> for PersonCases {
    type Value = Vec<(case_party::Model, asb_case::Model)>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = case_party::Entity::find()
            .filter(case_party::Column::PersonId.is_in(keys.to_vec()))
            .find_also_related(asb_case::Entity)
            .filter(self.scope.cases())
            .order_by_asc(case_party::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for (party, case) in rows {
            if let Some(case) = case {
                out.entry(party.person_id).or_default().push((party, case));
            }
        }
        Ok(out)
    }
}

/// A person's parts in incidents the user may see.
pub struct PersonIncidents {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<Uuid> for PersonIncidents {
    type Value = Vec<(incident_party::Model, incident::Model)>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = incident_party::Entity::find()
            .filter(incident_party::Column::PersonId.is_in(keys.to_vec()))
            .find_also_related(incident::Entity)
            .filter(self.scope.incidents())
            .order_by_asc(incident_party::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for (party, inc) in rows {
            if let Some(inc) = inc {
                out.entry(party.person_id).or_default().push((party, inc));
            }
        }
        Ok(out)
    }
}

/// Cases by id, only those the user may see.
pub struct VisibleCases {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<Uuid> for VisibleCases {
    type Value = asb_case::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, asb_case::Model>, AppError> {
        let rows = asb_case::Entity::find()
            .filter(asb_case::Column::Id.is_in(keys.to_vec()))
            .filter(self.scope.cases())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }
}

/// Which people are victims in a case the user may see.
pub struct VictimsInScope {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<Uuid> for VictimsInScope {
    type Value = bool;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, bool>, AppError> {
        let rows = case_party::Entity::find()
            .filter(case_party::Column::PersonId.is_in(keys.to_vec()))
            .filter(case_party::Column::Role.eq("victim"))
            .filter(case_party::Column::CaseId.in_subquery(self.scope.visible_case_ids()))
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, bool> = keys.iter().map(|k| (*k, false)).collect();
        for r in rows {
            out.insert(r.person_id, true);
        }
        Ok(out)
    }
}

/// Incidents by id, only those the user may see.
pub struct VisibleIncidents {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<Uuid> for VisibleIncidents {
    type Value = incident::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, incident::Model>, AppError> {
        let rows = incident::Entity::find()
            .filter(incident::Column::Id.is_in(keys.to_vec()))
            .filter(self.scope.incidents())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }
}

/// A person's risk assessments the user may see, oldest first.
pub struct PersonAssessments {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<Uuid> for PersonAssessments {
    type Value = Vec<entity::risk_assessment::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        crate::service::risk::query::of_people(&self.db, &self.scope, keys.to_vec()).await
    }
}

/// Whether an incident's victims still need a risk assessment: one statement per batch.
pub struct AssessmentRequired {
    db: DatabaseConnection,
}

impl Loader<Uuid> for AssessmentRequired {
    type Value = bool;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, bool>, AppError> {
        crate::service::risk::query::assessment_required(
            &self.db,
            keys.to_vec(),
            chrono::Utc::now(),
        )
        .await
    }
}

/// Staff with their agency and roles, as the directory shows them.
pub struct Staff {
    db: DatabaseConnection,
}

impl Loader<Uuid> for Staff {
    type Value = crate::service::staff::UserDetails;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        crate::service::staff::users_by_id(&self.db, keys.to_vec()).await
    }
}

/// The documents of (visible) cases, metadata only: the content column is never selected here.
pub struct CaseDocuments {
    db: DatabaseConnection,
}

impl Loader<Uuid> for CaseDocuments {
    type Value = Vec<DocumentMeta>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for d in document_cmd::metadata_of_cases(&self.db, keys).await? {
            out.entry(d.case_id).or_default().push(d);
        }
        Ok(out)
    }
}

/// Document content by document id, for documents reached through a visible case.
pub struct DocumentContents {
    db: DatabaseConnection,
}

impl Loader<Uuid> for DocumentContents {
    type Value = Vec<u8>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<u8>>, AppError> {
        document_cmd::contents(&self.db, keys).await
    }
}

/// Every loader of one request.
pub struct Loaders {
    pub agencies: DataLoader<ById<entity::agency::Entity>>,
    pub users: DataLoader<Staff>,
    pub people: DataLoader<ById<entity::person::Entity>>,
    pub locations: DataLoader<ById<entity::location::Entity>>,
    pub tools: DataLoader<ById<entity::intervention_tool::Entity>>,
    pub case_parties: DataLoader<ChildrenOf<case_party::Entity>>,
    pub case_incidents: DataLoader<ChildrenOf<incident::Entity>>,
    pub case_locations: DataLoader<ChildrenOf<entity::case_location::Entity>>,
    pub case_shares: DataLoader<ChildrenOf<entity::case_share::Entity>>,
    pub case_actions: DataLoader<ChildrenOf<entity::case_action::Entity>>,
    pub case_notes: DataLoader<ChildrenOf<entity::case_note::Entity>>,
    pub case_interventions: DataLoader<ChildrenOf<entity::intervention::Entity>>,
    pub breaches: DataLoader<ChildrenOf<entity::intervention_breach::Entity>>,
    pub incident_parties: DataLoader<ChildrenOf<incident_party::Entity>>,
    pub person_cases: DataLoader<PersonCases>,
    pub person_incidents: DataLoader<PersonIncidents>,
    pub visible_cases: DataLoader<VisibleCases>,
    pub victims: DataLoader<VictimsInScope>,
    pub case_documents: DataLoader<CaseDocuments>,
    pub document_contents: DataLoader<DocumentContents>,
    pub visible_incidents: DataLoader<VisibleIncidents>,
    pub questionnaires: DataLoader<ById<entity::risk_questionnaire::Entity>>,
    pub questionnaire_versions: DataLoader<ById<entity::risk_questionnaire_version::Entity>>,
    pub versions_of_questionnaire:
        DataLoader<ChildrenOf<entity::risk_questionnaire_version::Entity>>,
    /// By id, for links from an already visible record (a queue entry of a visible case).
    pub assessments: DataLoader<ById<entity::risk_assessment::Entity>>,
    pub case_assessments: DataLoader<ChildrenOf<entity::risk_assessment::Entity>>,
    pub person_assessments: DataLoader<PersonAssessments>,
    pub assessment_required: DataLoader<AssessmentRequired>,
    pub safety: super::safety::loaders::SafetyLoaders,
    pub staff: super::staff_loaders::StaffLoaders,
}

pub(crate) fn by_id<E: EntityTrait>(db: &DatabaseConnection, id: E::Column) -> DataLoader<ById<E>>
where
    E::Model: Send + Sync + Clone + 'static,
    E::Column: Send + Sync,
{
    DataLoader::new(
        ById {
            db: db.clone(),
            id,
            _e: PhantomData,
        },
        tokio::spawn,
    )
}

pub(crate) fn children<E: EntityTrait>(
    db: &DatabaseConnection,
    parent: E::Column,
    order: E::Column,
) -> DataLoader<ChildrenOf<E>>
where
    E::Model: Send + Sync + Clone + 'static,
    E::Column: Send + Sync,
{
    DataLoader::new(
        ChildrenOf {
            db: db.clone(),
            parent,
            order,
            _e: PhantomData,
        },
        tokio::spawn,
    )
}

impl Loaders {
    pub fn new(db: &DatabaseConnection, scope: Scope) -> Self {
        use entity::*;
        Self {
            agencies: by_id(db, agency::Column::Id),
            users: DataLoader::new(Staff { db: db.clone() }, tokio::spawn),
            people: by_id(db, person::Column::Id),
            locations: by_id(db, location::Column::Id),
            tools: by_id(db, intervention_tool::Column::Id),
            case_parties: children(
                db,
                case_party::Column::CaseId,
                case_party::Column::CreatedAt,
            ),
            case_incidents: children(db, incident::Column::CaseId, incident::Column::OccurredAt),
            case_locations: children(
                db,
                case_location::Column::CaseId,
                case_location::Column::CreatedAt,
            ),
            case_shares: children(db, case_share::Column::CaseId, case_share::Column::SharedAt),
            case_actions: children(
                db,
                case_action::Column::CaseId,
                case_action::Column::DueDate,
            ),
            case_notes: children(db, case_note::Column::CaseId, case_note::Column::CreatedAt),
            case_interventions: children(
                db,
                intervention::Column::CaseId,
                intervention::Column::CreatedAt,
            ),
            breaches: children(
                db,
                intervention_breach::Column::InterventionId,
                intervention_breach::Column::OccurredOn,
            ),
            incident_parties: children(
                db,
                incident_party::Column::IncidentId,
                incident_party::Column::CreatedAt,
            ),
            person_cases: DataLoader::new(
                PersonCases {
                    db: db.clone(),
                    scope,
                },
                tokio::spawn,
            ),
            person_incidents: DataLoader::new(
                PersonIncidents {
                    db: db.clone(),
                    scope,
                },
                tokio::spawn,
            ),
            visible_cases: DataLoader::new(
                VisibleCases {
                    db: db.clone(),
                    scope,
                },
                tokio::spawn,
            ),
            victims: DataLoader::new(
                VictimsInScope {
                    db: db.clone(),
                    scope,
                },
                tokio::spawn,
            ),
            case_documents: DataLoader::new(CaseDocuments { db: db.clone() }, tokio::spawn),
            document_contents: DataLoader::new(DocumentContents { db: db.clone() }, tokio::spawn),
            visible_incidents: DataLoader::new(
                VisibleIncidents {
                    db: db.clone(),
                    scope,
                },
                tokio::spawn,
            ),
            questionnaires: by_id(db, risk_questionnaire::Column::Id),
            questionnaire_versions: by_id(db, risk_questionnaire_version::Column::Id),
            versions_of_questionnaire: children(
                db,
                risk_questionnaire_version::Column::QuestionnaireId,
                risk_questionnaire_version::Column::VersionNumber,
            ),
            assessments: by_id(db, risk_assessment::Column::Id),
            case_assessments: children(
                db,
                risk_assessment::Column::CaseId,
                risk_assessment::Column::AssessedAt,
            ),
            person_assessments: DataLoader::new(
                PersonAssessments {
                    db: db.clone(),
                    scope,
                },
                tokio::spawn,
            ),
            assessment_required: DataLoader::new(
                AssessmentRequired { db: db.clone() },
                tokio::spawn,
            ),
            safety: super::safety::loaders::SafetyLoaders::new(db),
            staff: super::staff_loaders::StaffLoaders::new(db),
        }
    }
}
