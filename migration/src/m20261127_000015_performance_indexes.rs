//! Indexes found by the benchmark (`bench/run`) at partnership scale:
//!
//! - `overdueReviews` and the dashboard's overdue count read open cases by `next_review_at`. The
//!   plain index starts with three years of closed cases, which the query then throws away one by
//!   one; a partial index over cases not closed starts at the first overdue open case.
//! - Case lists sorted by `UPDATED` (keyset on `updated_at, id`) had no index at all, so every
//!   page sorted every visible case.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Same SQL on PostgreSQL and SQLite (both have partial indexes).
const UP: &[&str] = &[
    "CREATE INDEX idx_asb_case_open_next_review_at ON asb_case (next_review_at, id) \
     WHERE status <> 'closed'",
    "CREATE INDEX idx_asb_case_updated_at_id ON asb_case (updated_at, id)",
];
const DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_asb_case_updated_at_id",
    "DROP INDEX IF EXISTS idx_asb_case_open_next_review_at",
];

sql_migration!();
