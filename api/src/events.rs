//! Delivering alerts to connected subscribers, on every instance.
//!
//! On PostgreSQL each instance LISTENs on [`CHANNEL`]; the transaction that raises an alert sends
//! NOTIFY, which PostgreSQL delivers only when that transaction commits, to every instance. On
//! SQLite (one instance) a listener task reads alerts newer than the last one it saw, every
//! quarter of a second. Either way new alerts reach a broadcast channel that subscriptions read;
//! each subscription filters by its user's agency and row scope.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::alert;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::broadcast;

use crate::service::alerts::CHANNEL;

/// Fan-out of newly committed alerts within this instance.
#[derive(Clone)]
pub struct AlertBus {
    tx: broadcast::Sender<alert::Model>,
}

impl AlertBus {
    /// Starts listening on `db`; runs until the process ends.
    pub fn start(db: DatabaseConnection) -> Self {
        let (tx, _) = broadcast::channel(1024);
        let bus = Self { tx };
        let sender = bus.tx.clone();
        tokio::spawn(async move {
            if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
                listen_postgres(db, sender).await;
            } else {
                poll(db, sender).await;
            }
        });
        bus
    }

    /// Checks for overdue reviews every `every`, raising their alerts; runs until the process ends.
    pub fn watch_overdue_reviews(db: DatabaseConnection, every: Duration) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match crate::service::alerts::raise_overdue_reviews(&db).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(cases = n, "overdue review alerts raised"),
                    Err(_) => tracing::warn!("overdue review check failed; will retry"),
                }
            }
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<alert::Model> {
        self.tx.subscribe()
    }
}

async fn listen_postgres(db: DatabaseConnection, tx: broadcast::Sender<alert::Model>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let pool = db.get_postgres_connection_pool().clone();
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "alert listener cannot connect; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "alert listener cannot LISTEN; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        loop {
            match listener.recv().await {
                Ok(n) => {
                    let Ok(id) = uuid::Uuid::parse_str(n.payload()) else {
                        continue;
                    };
                    match alert::Entity::find_by_id(id).one(&db).await {
                        Ok(Some(a)) => {
                            let _ = tx.send(a);
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "cannot load a notified alert"),
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "alert listener lost its connection; reconnecting");
                    break;
                }
            }
        }
    }
}

async fn poll(db: DatabaseConnection, tx: broadcast::Sender<alert::Model>) {
    let mut since: DateTime<Utc> = Utc::now();
    let mut seen: Vec<uuid::Uuid> = Vec::new();
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let rows = alert::Entity::find()
            .filter(alert::Column::CreatedAt.gte(since))
            .order_by_asc(alert::Column::CreatedAt)
            .all(&db)
            .await;
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                tracing::debug!(error = %e, "alert poll failed");
                continue;
            }
        };
        for a in rows {
            if seen.contains(&a.id) {
                continue;
            }
            if a.created_at > since {
                since = a.created_at;
                seen.clear();
            }
            seen.push(a.id);
            tracing::debug!(alert.id = %a.id, receivers = tx.receiver_count(), "alert delivered to subscribers");
            let _ = tx.send(a);
        }
    }
}
