//! Per-request DataLoaders for the victim-safety fields: incident flags, and a case's reviews,
//! contacts and satisfaction responses. Each starts from a record the user already reached
//! (a visible incident or case, or a worklist row that was scoped in SQL), so none needs a scope.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    case_action, case_review, case_review_action, incident, incident_flag, victim_contact,
    victim_satisfaction,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    error::AppError,
    graphql::loaders::{ById, ChildrenOf, by_id, children},
};

/// The actions a review added, by review id.
pub struct ReviewActions {
    db: DatabaseConnection,
}

impl Loader<Uuid> for ReviewActions {
    type Value = Vec<case_action::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = case_review_action::Entity::find()
            .filter(case_review_action::Column::ReviewId.is_in(keys.to_vec()))
            .find_also_related(case_action::Entity)
            .order_by_asc(case_action::Column::DueDate)
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for (link, action) in rows {
            if let Some(action) = action {
                out.entry(link.review_id).or_default().push(action);
            }
        }
        Ok(out)
    }
}

pub struct SafetyLoaders {
    pub incident_flags: DataLoader<ById<incident_flag::Entity>>,
    /// Incidents by id, for worklist rows whose incident was checked visible in SQL.
    pub incidents: DataLoader<ById<incident::Entity>>,
    pub case_reviews: DataLoader<ChildrenOf<case_review::Entity>>,
    pub review_actions: DataLoader<ReviewActions>,
    pub case_contacts: DataLoader<ChildrenOf<victim_contact::Entity>>,
    pub case_satisfaction: DataLoader<ChildrenOf<victim_satisfaction::Entity>>,
}

impl SafetyLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            incident_flags: by_id(db, incident_flag::Column::IncidentId),
            incidents: by_id(db, incident::Column::Id),
            case_reviews: children(
                db,
                case_review::Column::CaseId,
                case_review::Column::CreatedAt,
            ),
            review_actions: DataLoader::new(ReviewActions { db: db.clone() }, tokio::spawn),
            case_contacts: children(
                db,
                victim_contact::Column::CaseId,
                victim_contact::Column::ContactedAt,
            ),
            case_satisfaction: children(
                db,
                victim_satisfaction::Column::CaseId,
                victim_satisfaction::Column::RecordedAt,
            ),
        }
    }
}
