//! Victim safety: repeat-victim, repeat-location and ASB Case Review detection at recording
//! time, supervision on the configured cadence, contact with victims and their satisfaction, the
//! worklists that keep follow-up from being forgotten, and the performance dashboard.
//!
//! The rules are partnership configuration (`rules`); the pure rules they parameterise live in
//! `domain::safety` and `domain::review`. Every mutation here follows the house shape: validate,
//! ask the policy, one write transaction, exactly one access-log entry. Every list and figure is
//! computed in SQL over the rows the user's agency may see.
//!
//! Not here yet: victims awaiting a risk assessment, and assessments done against required on
//! the dashboard. Both need the risk-assessment tables, which arrive with that work.

pub mod contact;
pub mod dashboard;
pub mod dashboard_cache;
pub mod detection;
pub mod overdue;
pub mod reviews;
pub mod rules;
pub mod worklists;
