//! Risk assessment use cases.
//!
//! - [`questionnaire`]: the version in force, and publishing a new one (`MANAGE_QUESTIONNAIRES`).
//!   Versions are immutable; publishing retires the version in force in the same transaction, so
//!   exactly one is in force at a time, partnership-wide.
//! - [`assess`]: `submitRiskAssessment` (`ASSESS_RISK`): answers checked against the version in
//!   force, scored by `domain::risk`, stored with that version's id, so a later version never
//!   changes what an old assessment says.
//! - [`case_effects`]: what an assessment linked to a case does to the case: its risk level
//!   becomes the highest final level of its victims' latest assessments in the case, its next
//!   review follows the new level, and a high assessment assigns the case to the lead agency's
//!   dedicated vulnerable-victim officer, or queues it when the agency names none.
//! - [`query`]: reading assessments and the queue over the user's visible rows, and the batched
//!   "assessment required" check behind `Incident.assessmentRequired`.

pub mod assess;
mod case_effects;
pub mod query;
pub mod questionnaire;
