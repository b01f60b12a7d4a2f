//! Data protection (DPA 2018): a data subject's right of access, and retention.
//!
//! - [`export`]: everything the user's agency may disclose about one person, with its access
//!   history, as one JSON document (`SUBJECT_ACCESS_EXPORT`).
//! - [`retention`]: each agency's retention period per record type (`MANAGE_RETENTION`) and the
//!   agency's records past it (`ERASE_RECORDS`).
//! - [`erase`]: erasing one due record and everything that hangs off it, in one transaction,
//!   leaving a single access-log entry that names the record and the reason and nothing of its
//!   content (`ERASE_RECORDS`).

pub mod erase;
pub mod export;
pub mod retention;
mod view;
