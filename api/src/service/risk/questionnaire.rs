//! The questionnaire in force, and publishing new versions.

use chrono::Utc;
use entity::{risk_questionnaire, risk_questionnaire_version as version};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::{Principal, policy::Operation},
    domain::{ShortText, risk::QuestionnaireSpec},
    error::AppResult,
    service::audit::{self, Entry},
};

/// The version in force, if any has been published.
pub async fn in_force<C: ConnectionTrait>(db: &C) -> AppResult<Option<version::Model>> {
    Ok(version::Entity::find()
        .filter(version::Column::InForce.eq(true))
        .one(db)
        .await?)
}

/// The checked questions, rules and thresholds of a stored version.
pub fn spec_of(v: &version::Model) -> AppResult<QuestionnaireSpec> {
    QuestionnaireSpec::from_stored(
        &v.definition,
        v.medium_threshold,
        v.high_threshold,
        v.validity_days,
    )
}

/// Every questionnaire, by name.
pub async fn list(
    db: &DatabaseConnection,
    principal: &Principal,
) -> AppResult<Vec<risk_questionnaire::Model>> {
    principal
        .actor()?
        .require(Operation::ManageQuestionnaires)?;
    Ok(risk_questionnaire::Entity::find()
        .order_by_asc(risk_questionnaire::Column::Name)
        .all(db)
        .await?)
}

/// Publishes `spec` as the next version of the questionnaire called `name` (created on its first
/// version) and puts it in force, retiring the version in force before it.
pub async fn publish(
    db: &DatabaseConnection,
    principal: &Principal,
    name: ShortText,
    spec: QuestionnaireSpec,
) -> AppResult<version::Model> {
    let actor = principal.actor()?;
    actor.require(Operation::ManageQuestionnaires)?;
    let definition = spec.to_json()?;
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Serialises publications, so two cannot both retire the same version (SQLite has one
        // writer at a time already). An arbitrary constant key naming "the questionnaire".
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7305143220)")
            .await?;
    }
    let now = Utc::now();
    let questionnaire = match risk_questionnaire::Entity::find()
        .filter(risk_questionnaire::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?
    {
        Some(q) => q,
        None => {
            risk_questionnaire::ActiveModel {
                id: Set(Uuid::new_v4()),
                name: Set(name.as_str().to_string()),
                created_at: Set(now),
                created_by: Set(Some(actor.user_id)),
            }
            .insert(&txn)
            .await?
        }
    };
    let last: Option<i32> = version::Entity::find()
        .select_only()
        .column_as(version::Column::VersionNumber.max(), "n")
        .filter(version::Column::QuestionnaireId.eq(questionnaire.id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let number = last.unwrap_or(0) + 1;
    version::Entity::update_many()
        .col_expr(version::Column::InForce, Expr::value(Option::<bool>::None))
        .col_expr(version::Column::RetiredAt, Expr::value(now))
        .filter(version::Column::InForce.eq(true))
        .exec(&txn)
        .await?;
    let thresholds = spec.thresholds();
    let v = version::ActiveModel {
        id: Set(Uuid::new_v4()),
        questionnaire_id: Set(questionnaire.id),
        version_number: Set(number),
        in_force: Set(Some(true)),
        definition: Set(definition),
        medium_threshold: Set(thresholds.medium()),
        high_threshold: Set(thresholds.high()),
        validity_days: Set(spec.validity_days()),
        published_at: Set(now),
        published_by: Set(Some(actor.user_id)),
        retired_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("publishQuestionnaireVersion")
            .entity("QuestionnaireVersion", v.id)
            .detail(format!(
                "{} v{number}: {} questions, medium >= {}, high >= {}",
                questionnaire.name,
                spec.questions().len(),
                thresholds.medium(),
                thresholds.high()
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(v)
}
