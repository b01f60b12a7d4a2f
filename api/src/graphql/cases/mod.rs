//! Case management: cases, people, incidents and the plan around them.

pub mod incidents;
pub mod people;
pub mod query;
pub mod types;

pub use query::CaseQuery;
