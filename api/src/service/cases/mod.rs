//! Case management use cases: reading and changing cases, people and incidents.

pub mod query;
pub mod records;
