//! `asb-hub seed --scale N`: a partnership's worth of data for benchmarks, reproducible from a
//! seed number. At N = 1.0: 100,000 cases, 1,000,000 incidents and 300,000 people, spread over
//! three years before the day it runs, on top of the demo partnership (its agencies, staff and
//! questionnaire), with repeat victims and places, cases with parties, linked incidents, plans,
//! notes, shares, risk assessments and reviews, and the flags detection would have stored.
//!
//! The same seed gives the same ids and values; dates are relative to the day of the run.
//! Rows go in as multi-row `INSERT`s of 1,000 rows, 50 statements to a transaction, built on one
//! thread while the database executes on the other; `ANALYZE` follows (`VACUUM (ANALYZE)` on
//! PostgreSQL).

mod case_rows;
mod emit;
mod plan;
mod rng;
mod rows;

use std::collections::BTreeMap;

use chrono::{Datelike, Utc};
use entity::{case_reference_counter, person};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait,
    sea_query::OnConflict,
};

pub use plan::Sizes;

use super::demo_id;
use crate::{
    configuration::Settings,
    error::{AppError, AppResult},
};

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 20_261_127;
/// Statements per transaction.
const PER_TRANSACTION: usize = 50;

#[derive(Clone, Copy, Debug)]
pub struct ScaleOptions {
    pub scale: f64,
    pub seed: u64,
}

/// Checks the scale factor: positive, at most 10.
pub fn check_scale(scale: f64) -> Result<f64, String> {
    if scale.is_finite() && scale > 0.0 && scale <= 10.0 {
        Ok(scale)
    } else {
        Err(format!(
            "--scale must be above 0 and at most 10, got {scale}"
        ))
    }
}

/// Seeds the demo partnership (idempotent), then the scale data. Refuses to load the same seed
/// twice. Returns a summary.
pub async fn seed(
    db: &DatabaseConnection,
    settings: &Settings,
    options: ScaleOptions,
) -> AppResult<String> {
    check_scale(options.scale).map_err(|m| AppError::bad_input("scale", m))?;
    crate::seed::demo::seed(db, settings).await?;
    let started = std::time::Instant::now();
    let first = rng::id(options.seed, emit::kind::PERSON, 0);
    if person::Entity::find_by_id(first).one(db).await?.is_some() {
        return Err(AppError::bad_input(
            "seed",
            format!(
                "this database already holds the scale data of seed {}",
                options.seed
            ),
        ));
    }
    let now = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let now = now.and_utc().timestamp();
    let sizes = Sizes::of(options.scale);
    let mut plan = plan::build(sizes, options.seed, now);
    let counters = number_cases(db, &mut plan).await?;
    let ctx = context(db, options.seed).await?;
    let counts = write(db, plan, ctx).await?;
    save_counters(db, counters).await?;
    // Statistics for the planner; on PostgreSQL also the visibility map, as autovacuum would
    // set it on a live system, so index-only scans need not visit the table.
    let finish = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "VACUUM (ANALYZE)",
        _ => "ANALYZE",
    };
    db.execute_unprepared(finish).await?;
    let rows: u64 = counts.iter().map(|(_, n)| n).sum();
    let detail: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    Ok(format!(
        "scale data (scale {}, seed {}): {rows} rows in {:.0} s: {}",
        options.scale,
        options.seed,
        started.elapsed().as_secs_f64(),
        detail.join(", ")
    ))
}

/// Gives each case the next reference number of its year, after those already used. Returns
/// the counters' new values.
async fn number_cases<C: ConnectionTrait>(
    db: &C,
    plan: &mut plan::Plan,
) -> AppResult<BTreeMap<i32, i64>> {
    let mut counters: BTreeMap<i32, i64> = case_reference_counter::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.year, c.last_value))
        .collect();
    for case in &mut plan.cases {
        let year = emit::ts(case.created).year();
        let next = counters.entry(year).or_insert(0);
        *next += 1;
        case.seq = u32::try_from(*next)
            .ok()
            .filter(|s| *s <= 999_999)
            .ok_or_else(|| AppError::bad_input("scale", "more than 999,999 cases in a year"))?;
    }
    Ok(counters)
}

async fn save_counters<C: ConnectionTrait>(db: &C, counters: BTreeMap<i32, i64>) -> AppResult<()> {
    for (year, last_value) in counters {
        case_reference_counter::Entity::insert(case_reference_counter::ActiveModel {
            year: Set(year),
            last_value: Set(last_value),
        })
        .on_conflict(
            OnConflict::column(case_reference_counter::Column::Year)
                .update_column(case_reference_counter::Column::LastValue)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The demo's agencies, staff and questionnaire that the rows refer to.
async fn context<C: ConnectionTrait>(db: &C, seed: u64) -> AppResult<emit::Context> {
    let spec = super::questionnaire::default_spec()?;
    // The demo answer sets for a high (0), medium (1) and standard (3) victim.
    let mut profiles: [(String, i32); 3] = Default::default();
    for (risk, c) in [(0, 3), (1, 1), (2, 0)] {
        let answers = spec.check_answers(super::questionnaire::demo_answers(c))?;
        profiles[risk] = (answers.to_json()?, spec.score(&answers).score);
    }
    let agency = |k| demo_id("agency", k);
    let user = |e| demo_id("user", e);
    let ctx = emit::Context {
        seed,
        backend: db.get_database_backend(),
        agencies: [
            agency("police"),
            agency("council"),
            agency("housing"),
            agency("victimsupport"),
        ],
        owners: [
            user("officer@police.demo"),
            user("asb.officer@council.demo"),
            user("housing.officer@housing.demo"),
            user("caseworker@victimsupport.demo"),
        ],
        supervisor: user("supervisor@police.demo"),
        questionnaire_version: demo_id("risk_questionnaire_version", "default:1"),
        validity_days: spec.validity_days(),
        profiles,
    };
    Ok(ctx)
}

/// Builds statements on a thread of its own and executes them here, in transactions of
/// [`PER_TRANSACTION`] statements.
async fn write(
    db: &DatabaseConnection,
    plan: plan::Plan,
    ctx: emit::Context,
) -> AppResult<emit::Counts> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let producer = std::thread::spawn(move || {
        let mut send = |stmt| tx.blocking_send(stmt).is_ok();
        emit::all(&plan, &ctx, &mut send)
    });
    let result = async {
        let mut txn = db.begin().await?;
        let mut n = 0;
        while let Some(stmt) = rx.recv().await {
            txn.execute_raw(stmt).await?;
            n += 1;
            if n % PER_TRANSACTION == 0 {
                txn.commit().await?;
                txn = db.begin().await?;
            }
        }
        txn.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    // On failure, closing the channel stops the producer at its next statement.
    drop(rx);
    let counts = producer
        .join()
        .map_err(|_| AppError::internal("the scale data generator panicked"))?;
    result.map(|()| counts)
}
