//! Validated domain types and pure rules. Inputs are parsed into these once; services accept only
//! these, so invalid data cannot reach the database.
//!
//! Every constructor that takes raw input has the shape `parse(field, raw)`, where `field` is the
//! GraphQL input field name in camelCase. A refusal is [`AppError::BadUserInput`] naming that
//! field, so a partner front-end can show the message next to the right box.
//!
//! [`AppError::BadUserInput`]: crate::error::AppError::BadUserInput

mod contact;
mod dates;
mod enums;
mod like;
mod pagination;
mod postcode;
mod reference;
pub mod retention;
pub mod review;
pub mod risk;
pub mod safety;
mod text;

pub use contact::{Email, Phone};
pub use dates::{DateRange, FUTURE_TOLERANCE, check_order, not_in_future};
pub use enums::{
    ActionStatus, AgencyKind, AsbCategory, CaseStatus, Channel, ClosureReason, ContactMethod,
    InterventionStatus, LawfulBasis, PartyRole, RiskLevel,
};
pub use like::{LIKE_ESCAPE, LikePattern, escape_like, unescape_like};
pub use pagination::{Cursor, DEFAULT_PAGE_SIZE, PageRequest};
pub use postcode::{Postcode, PostcodePrefix};
pub use reference::CaseReference;
pub use text::{CaseTitle, LongText, NonEmptyLongText, PersonName, ShortText};
