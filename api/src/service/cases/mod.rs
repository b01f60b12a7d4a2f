//! Case management use cases: reading and changing cases, people and incidents.

pub mod case_cmd;
pub mod incident_cmd;
pub mod people_cmd;
pub mod query;
pub mod records;
