//! Indexes for figures over a period, found by the benchmark (`bench/run`) at 1,000,000
//! incidents:
//!
//! - The dashboard counts a period's incidents by category and finds their victims. With only
//!   `occurred_at` indexed, PostgreSQL read one heap page per incident of the month (14,000 pages
//!   for 23,000 incidents) to check its agency and case; this index carries the columns the
//!   row scope and the counts need, so a month is read from the index alone.
//! - `victimsAwaitingAssessment` lists the newest victim parts first (keyset on `created_at,
//!   id`). Without an index in that order PostgreSQL sorted every victim part in the database
//!   (a million rows, on disk) for each page: 1.2 s; walking this index backwards it stops after
//!   the page: 3 ms.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Same SQL on PostgreSQL and SQLite.
const UP: &[&str] = &[
    "CREATE INDEX idx_incident_period_scope ON incident \
     (occurred_at, reporting_agency_id, case_id, category, id)",
    "CREATE INDEX idx_incident_party_created_at_id ON incident_party (created_at, id)",
];
const DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_incident_party_created_at_id",
    "DROP INDEX IF EXISTS idx_incident_period_scope",
];

sql_migration!();
