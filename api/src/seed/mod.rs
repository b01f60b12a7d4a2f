//! Loading data: the demonstration partnership, the default permission matrix and the default
//! risk questionnaire.

pub mod demo;
pub mod matrix;
pub mod questionnaire;
pub mod retention;
pub mod safety;
pub mod scale;

use uuid::Uuid;

/// Namespace for the demo's deterministic ids, so seeding twice finds the same rows.
const DEMO_NAMESPACE: Uuid = Uuid::from_u128(0x6173_6268_7562_2d64_656d_6f2d_6e73_0001);

pub fn demo_id(kind: &str, key: impl std::fmt::Display) -> Uuid {
    Uuid::new_v5(&DEMO_NAMESPACE, format!("{kind}:{key}").as_bytes())
}
