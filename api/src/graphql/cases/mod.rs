//! Case management: cases, people, incidents and the plan around them.

pub mod documents;
pub mod incidents;
pub mod inputs;
pub mod mutation;
pub mod people;
pub mod plan;
pub mod plan_inputs;
pub mod query;
pub mod types;

pub use mutation::CaseMutation;
pub use plan::CasePlanMutation;
pub use query::CaseQuery;
