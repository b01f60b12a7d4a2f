//! Alerts: listed and acknowledged through queries, and pushed in real time through the `alerts`
//! subscription (graphql-transport-ws over WebSocket at `/graphql`).
//!
//! An alert carries identifiers and a message without personal data; a front-end reads the
//! details over HTTP, where every read of personal data is logged.

use async_graphql::{Context, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use entity::alert;
use futures_util::{Stream, StreamExt};

use crate::{
    auth::policy,
    domain::PageRequest,
    error::{AppError, AppResult},
    graphql::{
        ContextExt,
        connection::{Connection, from_page},
        staff::parse_id,
    },
    service::alerts::{self, AlertKind},
};

pub struct Alert {
    model: alert::Model,
    acknowledged: bool,
}

#[Object]
impl Alert {
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }
    async fn kind(&self) -> Option<AlertKind> {
        AlertKind::parse(&self.model.kind)
    }
    /// What happened, for staff; never names a person.
    async fn message(&self) -> &str {
        &self.model.message
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    async fn case_id(&self) -> Option<ID> {
        self.model.case_id.map(|i| ID(i.to_string()))
    }
    async fn person_id(&self) -> Option<ID> {
        self.model.person_id.map(|i| ID(i.to_string()))
    }
    async fn incident_id(&self) -> Option<ID> {
        self.model.incident_id.map(|i| ID(i.to_string()))
    }
    /// Whether the signed-in user has acknowledged it.
    async fn acknowledged(&self) -> bool {
        self.acknowledged
    }
}

#[derive(Default)]
pub struct AlertQuery;

#[Object]
impl AlertQuery {
    /// The user's agency's alerts, newest first.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        unacknowledged_only: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<Alert>> {
        let actor = ctx.principal()?.actor()?;
        let page = PageRequest::parse(
            first,
            after.as_deref(),
            ctx.settings()?.limits.max_page_size,
        )?;
        let db = ctx.db()?;
        let result = alerts::list(db, actor, unacknowledged_only.unwrap_or(false), &page).await?;
        let ids = result.items.iter().map(|(_, a)| a.id).collect();
        let acked = alerts::acknowledged(db, actor.user_id, ids).await?;
        Ok(from_page(result, |model| Alert {
            acknowledged: acked.contains(&model.id),
            model,
        }))
    }
}

#[derive(Default)]
pub struct AlertMutation;

#[Object]
impl AlertMutation {
    async fn acknowledge_alert(&self, ctx: &Context<'_>, id: ID) -> AppResult<Alert> {
        let id = parse_id("id", &id)?;
        let model = alerts::acknowledge(ctx.db()?, ctx.principal()?, id).await?;
        Ok(Alert {
            model,
            acknowledged: true,
        })
    }
}

#[derive(Default)]
pub struct AlertSubscription;

#[Subscription(name = "Subscription")]
impl AlertSubscription {
    /// Alerts for the signed-in user's agency as they are raised, over cases it may see. The
    /// user's account and permissions are checked again before each alert is delivered.
    async fn alerts(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = Alert>> {
        let actor = ctx.principal()?.actor()?.clone();
        let db = ctx.db()?.clone();
        if policy::catalog().decide(Some(&actor.permissions), "Subscription", "alerts")
            != policy::FieldDecision::Allow
        {
            return Err(AppError::Forbidden.into());
        }
        let bus = ctx
            .data::<crate::events::AlertBus>()
            .map_err(|_| async_graphql::Error::from(AppError::internal("alert bus missing")))?;
        let rx = bus.subscribe();
        tracing::debug!(user.id = %actor.user_id, "alerts subscription started");
        let stream = tokio_stream::wrappers::BroadcastStream::new(rx)
            .filter_map(|m| async move { m.ok() })
            .then(move |a| {
                let db = db.clone();
                let actor = actor.clone();
                async move {
                    tracing::debug!(alert.id = %a.id, "subscription received an alert");
                    // Still active, still permitted, still visible?
                    let current = crate::auth::reload(&db, &actor).await.ok().flatten();
                    let Some(current) = current else {
                        return Err(());
                    };
                    if !current.permissions.can(policy::Operation::ViewCases) && a.case_id.is_some()
                    {
                        return Ok(None);
                    }
                    match alerts::visible_to(&db, &current, &a).await {
                        Ok(true) => Ok(Some(Alert {
                            model: a,
                            acknowledged: false,
                        })),
                        _ => Ok(None),
                    }
                }
            })
            // A user disabled or signed out since connecting gets no more alerts.
            .take_while(|r| futures_util::future::ready(r.is_ok()))
            .filter_map(|r| async move { r.ok().flatten() });
        Ok(stream)
    }
}
