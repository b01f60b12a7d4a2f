//! Case management: cases, people, incidents and the plan around them.

pub mod incidents;
pub mod inputs;
pub mod mutation;
pub mod people;
pub mod query;
pub mod types;

pub use mutation::CaseMutation;
pub use query::CaseQuery;
