//! Turning the plan into multi-row `INSERT` statements, table by table in foreign-key order,
//! on a thread of its own while the database executes the previous batch.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DbBackend, EntityTrait, QueryTrait, Statement};
use uuid::Uuid;

use super::{
    plan::{Plan, RISKS},
    rng,
};

/// Rows per statement: at most 22 columns, so under SQLite's 32,766 bound parameters.
pub const BATCH: usize = 1000;

/// Kinds of row, for their ids.
pub mod kind {
    pub const PERSON: u64 = 1;
    pub const LOCATION: u64 = 2;
    pub const INCIDENT: u64 = 3;
    pub const INCIDENT_PARTY: u64 = 4;
    pub const VICTIM_FLAG: u64 = 5;
    pub const CASE: u64 = 6;
    pub const CASE_PARTY: u64 = 7;
    pub const SHARE: u64 = 8;
    pub const ACTION: u64 = 9;
    pub const NOTE: u64 = 10;
    pub const REVIEW: u64 = 11;
    pub const ASSESSMENT: u64 = 12;
}

/// What the rows refer to that the plan does not hold: the demo's agencies and staff, and the
/// questionnaire in force.
pub struct Context {
    pub seed: u64,
    pub backend: DbBackend,
    /// Police, council, housing, victim support (the plan's agency indexes).
    pub agencies: [Uuid; 4],
    /// The officer who owns each agency's cases.
    pub owners: [Uuid; 4],
    pub supervisor: Uuid,
    pub questionnaire_version: Uuid,
    pub validity_days: i32,
    /// (answers as JSON, score) giving each risk level.
    pub profiles: [(String, i32); 3],
}

impl Context {
    pub fn id(&self, kind: u64, index: u64) -> Uuid {
        rng::id(self.seed, kind, index)
    }
}

pub fn ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

pub fn date(secs: i64) -> NaiveDate {
    ts(secs).date_naive()
}

/// Rows written per table, in the order written.
pub type Counts = Vec<(&'static str, u64)>;

/// Sends each statement; false when the receiver has gone (it failed), which stops the producer.
pub type Send<'a> = &'a mut dyn FnMut(Statement) -> bool;

pub struct Emitter<'a> {
    pub backend: DbBackend,
    pub send: Send<'a>,
    pub counts: Counts,
}

impl Emitter<'_> {
    /// Batches `rows` into statements. False when the receiver has gone.
    pub fn table<A, I>(&mut self, name: &'static str, rows: I) -> bool
    where
        A: ActiveModelTrait,
        I: IntoIterator<Item = A>,
    {
        tracing::info!(table = name, "scale seed: writing");
        let mut n = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        for row in rows {
            batch.push(row);
            if batch.len() == BATCH {
                n += BATCH as u64;
                if !self.flush(std::mem::take(&mut batch)) {
                    return false;
                }
            }
        }
        n += batch.len() as u64;
        let ok = batch.is_empty() || self.flush(batch);
        self.counts.push((name, n));
        ok
    }

    fn flush<A: ActiveModelTrait>(&mut self, rows: Vec<A>) -> bool {
        let stmt = A::Entity::insert_many(rows).build(self.backend);
        (self.send)(stmt)
    }
}

/// Every table, parents first. Returns the rows written per table.
pub fn all(plan: &Plan, ctx: &Context, send: Send<'_>) -> Counts {
    let mut e = Emitter {
        backend: ctx.backend,
        send,
        counts: Vec::new(),
    };
    let _ = super::rows::people_and_places(plan, ctx, &mut e)
        && super::case_rows::cases(plan, ctx, &mut e)
        && super::rows::incidents(plan, ctx, &mut e)
        && super::case_rows::case_children(plan, ctx, &mut e);
    e.counts
}

pub fn risk_name(risk: u8) -> &'static str {
    RISKS[usize::from(risk).min(2)]
}
