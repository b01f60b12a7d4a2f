//! Case management use cases: reading and changing cases, people and incidents, and the plan,
//! sharing, interventions and documents around a case.

pub mod case_cmd;
pub mod document_cmd;
pub mod incident_cmd;
pub mod intervention_cmd;
pub mod merge_cmd;
pub mod party_cmd;
pub mod people_cmd;
pub mod plan_cmd;
pub mod query;
pub mod records;
pub mod share_cmd;
