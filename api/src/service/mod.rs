//! Use cases: they take validated domain values and a principal, ask the policy, and talk to the
//! database. Each mutation runs in one transaction with its access-log entry.

pub mod admin;
pub mod alerts;
pub mod audit;
pub mod audit_query;
pub mod auth;
pub mod cases;
pub mod data_protection;
pub mod page;
pub mod paging;
pub mod risk;
pub mod safety;
pub mod staff;
