//! The dashboard's figures, kept for a short time (`ASB_HUB_DASHBOARD_CACHE_SECONDS`, 60 by
//! default) per agency and question, so a room of supervisors opening the same dashboard counts
//! a month of records once rather than once each.
//!
//! - The key is the row scope (the user's agency) and every argument (period, agency filter,
//!   ward), so figures counted over one agency's rows are never given to another.
//! - Only figures are kept; the caller checks the user's permissions before asking, on every
//!   request, and the field guard still decides which figures the user sees.
//! - Concurrent requests for the same key wait for one count instead of each starting their own.
//! - Each instance keeps its own; figures carry when they were counted (`computedAt`).
//! - At most [`CAPACITY`] keys are held: expired ones go first, then the oldest.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::dashboard::Dashboard;
use crate::error::AppResult;

/// The most questions kept at once.
pub const CAPACITY: usize = 256;

/// One question: whose rows, and what was asked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub scope_agency: Uuid,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub agency_id: Option<Uuid>,
    /// Lower case, as compared.
    pub ward: Option<String>,
}

type Slot = Arc<OnceCell<Dashboard>>;

pub struct DashboardCache {
    ttl: Duration,
    slots: Mutex<HashMap<Key, (Instant, Slot)>>,
}

impl DashboardCache {
    /// `ttl` zero keeps nothing.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The figures for `key`: kept ones younger than the time to live, or `compute`'s. A failed
    /// count is not kept.
    pub async fn get_or_compute<F, Fut>(&self, key: Key, compute: F) -> AppResult<Dashboard>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<Dashboard>>,
    {
        if self.ttl.is_zero() {
            return compute().await;
        }
        let slot = self.slot(key);
        slot.get_or_try_init(compute).await.cloned()
    }

    fn slot(&self, key: Key) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if let Some((at, slot)) = slots.get(&key)
            && now.duration_since(*at) < self.ttl
        {
            return slot.clone();
        }
        if slots.len() >= CAPACITY {
            slots.retain(|_, (at, _)| now.duration_since(*at) < self.ttl);
        }
        if slots.len() >= CAPACITY
            && let Some(oldest) = slots
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
        {
            slots.remove(&oldest);
        }
        let slot: Slot = Arc::new(OnceCell::new());
        slots.insert(key, (now, slot.clone()));
        slot
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::error::AppError;

    fn key(agency: u128) -> Key {
        let t = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        Key {
            scope_agency: Uuid::from_u128(agency),
            from: t,
            to: t,
            agency_id: None,
            ward: None,
        }
    }

    fn figures(n: i64) -> Dashboard {
        Dashboard {
            computed_at: Utc::now(),
            incidents_by_category: vec![],
            open_cases_by_risk: vec![],
            repeat_victims: n,
            median_days_to_first_contact: None,
            high_risk_victims_contacted: 0,
            overdue_reviews: 0,
            average_satisfaction: None,
            satisfaction_responses: 0,
            case_review_activations: 0,
            assessments_required: 0,
            assessments_done: 0,
        }
    }

    #[tokio::test]
    async fn one_count_per_key_and_never_across_agencies() {
        let cache = DashboardCache::new(Duration::from_secs(60));
        let counted = AtomicUsize::new(0);
        let count = |n| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move { Ok(figures(n)) }
        };
        let a = cache.get_or_compute(key(1), || count(1)).await.unwrap();
        let again = cache.get_or_compute(key(1), || count(99)).await.unwrap();
        let b = cache.get_or_compute(key(2), || count(2)).await.unwrap();
        assert_eq!((a.repeat_victims, again.repeat_victims), (1, 1));
        assert_eq!(b.repeat_victims, 2, "another agency's key counts its own");
        assert_eq!(counted.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn zero_ttl_keeps_nothing_and_failures_are_not_kept() {
        let off = DashboardCache::new(Duration::ZERO);
        off.get_or_compute(key(1), || async { Ok(figures(1)) })
            .await
            .unwrap();
        let fresh = off
            .get_or_compute(key(1), || async { Ok(figures(2)) })
            .await
            .unwrap();
        assert_eq!(fresh.repeat_victims, 2);
        assert_eq!(off.len(), 0);

        let on = DashboardCache::new(Duration::from_secs(60));
        let failed = on
            .get_or_compute(key(1), || async { Err(AppError::internal("db")) })
            .await;
        assert!(failed.is_err());
        let retried = on
            .get_or_compute(key(1), || async { Ok(figures(3)) })
            .await
            .unwrap();
        assert_eq!(retried.repeat_victims, 3);
    }

    #[tokio::test]
    async fn expired_figures_are_counted_again_and_capacity_holds() {
        let cache = DashboardCache::new(Duration::from_millis(30));
        cache
            .get_or_compute(key(1), || async { Ok(figures(1)) })
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(40)).await;
        let later = cache
            .get_or_compute(key(1), || async { Ok(figures(2)) })
            .await
            .unwrap();
        assert_eq!(later.repeat_victims, 2);

        let big = DashboardCache::new(Duration::from_secs(60));
        for i in 0..(CAPACITY as u128 + 10) {
            big.get_or_compute(key(i), || async { Ok(figures(0)) })
                .await
                .unwrap();
        }
        assert_eq!(big.len(), CAPACITY);
    }
}
