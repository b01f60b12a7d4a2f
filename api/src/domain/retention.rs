//! Retention rules (DPA 2018: personal data kept only while it is needed): which record types an
//! agency sets a retention period for, when each type's clock starts, the period's bounds, and the
//! reason an erasure must give.

use chrono::{DateTime, Duration, Utc};

use super::ShortText;
use crate::error::AppError;

/// A type of record with a retention period.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug, Hash, PartialOrd, Ord)]
pub enum RecordType {
    /// A closed case, from its closing date; it is erased with everything that hangs off it.
    Case,
    /// An incident not linked to any case, from when it occurred. An incident linked to a case
    /// is kept with the case.
    Incident,
    /// A person nothing links to any more (no case, incident, assessment, contact, intervention
    /// or merged duplicate), from the last change to their record.
    Person,
}

impl RecordType {
    pub const ALL: &'static [RecordType] =
        &[RecordType::Case, RecordType::Incident, RecordType::Person];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Case => "case",
            RecordType::Incident => "incident",
            RecordType::Person => "person",
        }
    }

    /// The entity name the access log uses for records of this type.
    pub fn entity(self) -> &'static str {
        match self {
            RecordType::Case => "Case",
            RecordType::Incident => "Incident",
            RecordType::Person => "Person",
        }
    }

    pub fn from_stored(raw: &str) -> Option<RecordType> {
        Self::ALL.iter().copied().find(|t| t.as_str() == raw)
    }

    /// What starts the clock, for people reading the policy.
    pub fn clock_starts_at(self) -> &'static str {
        match self {
            RecordType::Case => "closedAt",
            RecordType::Incident => "occurredAt",
            RecordType::Person => "updatedAt",
        }
    }
}

/// A retention period in whole days: at least one day, at most a hundred years.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetainDays(i32);

impl RetainDays {
    pub const MIN: i32 = 1;
    pub const MAX: i32 = 36_500;

    pub fn parse(field: &str, raw: i32) -> Result<Self, AppError> {
        if (Self::MIN..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(AppError::bad_input(
                field,
                format!("must be from {} to {} days", Self::MIN, Self::MAX),
            ))
        }
    }

    pub fn days(self) -> i32 {
        self.0
    }

    /// Records whose clock started at or before this instant are due at `now`.
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(i64::from(self.0))
    }

    /// When a record whose clock started at `start` falls due.
    pub fn due(self, start: DateTime<Utc>) -> DateTime<Utc> {
        start + Duration::days(i64::from(self.0))
    }
}

/// Why a record is erased: required, one line of 3 to 200 characters. It is kept in the access
/// log, so it must not repeat the record's content (checked against the record by the service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasureReason(ShortText);

impl ErasureReason {
    pub fn parse(field: &str, raw: Option<&str>) -> Result<Self, AppError> {
        let text = ShortText::parse(field, raw.unwrap_or(""))?;
        if text.as_str().chars().count() < 3 {
            return Err(AppError::bad_input(field, "must be at least 3 characters"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether the reason repeats `value` (ignoring case), so that erased data would survive in
    /// the log. Values shorter than 3 characters are ignored.
    pub fn repeats(&self, value: &str) -> bool {
        let value = value.trim();
        value.chars().count() >= 3 && self.as_str().to_lowercase().contains(&value.to_lowercase())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn field_of(err: AppError) -> String {
        match err {
            AppError::BadUserInput { field, .. } => field,
            other => panic!("not bad input: {other:?}"),
        }
    }

    #[test]
    fn retain_days_are_bounded() {
        assert_eq!(RetainDays::parse("retainDays", 1).unwrap().days(), 1);
        assert_eq!(
            RetainDays::parse("retainDays", 36_500).unwrap().days(),
            36_500
        );
        for bad in [0, -1, 36_501, i32::MAX, i32::MIN] {
            assert_eq!(
                field_of(RetainDays::parse("retainDays", bad).unwrap_err()),
                "retainDays"
            );
        }
    }

    #[test]
    fn due_and_cutoff_agree() {
        let d = RetainDays::parse("retainDays", 10).unwrap();
        let now = Utc::now();
        assert_eq!(d.due(d.cutoff(now)), now);
    }

    #[test]
    fn a_reason_is_required_and_checked() {
        for bad in [None, Some(""), Some("   "), Some("ab"), Some("two\nlines")] {
            assert_eq!(
                field_of(ErasureReason::parse("reason", bad).unwrap_err()),
                "reason"
            );
        }
        let r = ErasureReason::parse("reason", Some(" Retention period passed ")).unwrap();
        assert_eq!(r.as_str(), "Retention period passed");
        assert!(r.repeats("PERIOD"));
        assert!(!r.repeats("Smith"));
        assert!(!r.repeats("pe"));
    }

    #[test]
    fn stored_names_round_trip() {
        for t in RecordType::ALL {
            assert_eq!(RecordType::from_stored(t.as_str()), Some(*t));
        }
    }
}
