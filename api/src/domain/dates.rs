//! Rules about dates and times: ranges in filters, order between two dates, and "not in the
//! future".

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::AppError;

/// How far ahead of the server's clock a time may be and still count as "now": clocks on phones
/// and partner systems drift.
pub const FUTURE_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// A filter range; either end may be open. Both ends are inclusive, and `from <= to`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateRange {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

impl DateRange {
    /// Refuses (naming `field`) a range whose start is after its end.
    pub fn parse(
        field: &str,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Self, AppError> {
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::bad_input(
                field,
                "the start of the range must not be after its end",
            ));
        }
        Ok(Self { from, to })
    }

    /// A range with no bounds, matching every time.
    pub fn unbounded() -> Self {
        Self::default()
    }

    pub fn from(&self) -> Option<DateTime<Utc>> {
        self.from
    }

    pub fn to(&self) -> Option<DateTime<Utc>> {
        self.to
    }

    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.from.is_none_or(|f| f <= at) && self.to.is_none_or(|t| at <= t)
    }
}

/// Refuses, naming `field_later`, a `later` value that is before `earlier`: "reportedAt must not
/// be before occurredAt", "expiresOn must not be before issuedOn". Equal values are accepted.
/// Works for any ordered, printable value (`DateTime<Utc>`, `NaiveDate`, ...).
pub fn check_order<T: PartialOrd + fmt::Display>(
    field_later: &str,
    earlier: T,
    later: T,
) -> Result<(), AppError> {
    if later < earlier {
        return Err(AppError::bad_input(
            field_later,
            format!("must not be before {earlier}"),
        ));
    }
    Ok(())
}

/// Refuses, naming `field`, a time more than [`FUTURE_TOLERANCE`] after `now`. Callers pass
/// `now` so that the rule is pure and testable.
pub fn not_in_future(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), AppError> {
    if at - now > FUTURE_TOLERANCE {
        return Err(AppError::bad_input(field, "must not be in the future"));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};
    use proptest::prelude::*;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn field_of(err: AppError) -> String {
        match err {
            AppError::BadUserInput { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ranges() {
        assert!(DateRange::parse("occurredBetween", Some(t(0)), Some(t(0))).is_ok());
        assert!(DateRange::parse("occurredBetween", None, Some(t(0))).is_ok());
        let err = DateRange::parse("occurredBetween", Some(t(1)), Some(t(0))).unwrap_err();
        assert_eq!(field_of(err), "occurredBetween");

        let r = DateRange::parse("r", Some(t(0)), Some(t(10))).unwrap();
        assert_eq!((r.from(), r.to()), (Some(t(0)), Some(t(10))));
        assert!(r.contains(t(0)) && r.contains(t(10)) && !r.contains(t(11)) && !r.contains(t(-1)));
        assert!(DateRange::unbounded().is_unbounded());
        assert!(DateRange::unbounded().contains(t(-1_000_000)));
    }

    #[test]
    fn order() {
        assert!(check_order("reportedAt", t(0), t(0)).is_ok());
        assert!(check_order("reportedAt", t(0), t(1)).is_ok());
        assert_eq!(
            field_of(check_order("reportedAt", t(1), t(0)).unwrap_err()),
            "reportedAt"
        );

        let issued = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let expires = NaiveDate::from_ymd_opt(2025, 2, 28).unwrap();
        match check_order("expiresOn", issued, expires).unwrap_err() {
            AppError::BadUserInput { field, message } => {
                assert_eq!(field, "expiresOn");
                assert!(message.contains("2025-03-01"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn future() {
        let now = t(0);
        assert!(not_in_future("occurredAt", t(-86_400), now).is_ok());
        assert!(not_in_future("occurredAt", t(300), now).is_ok());
        assert_eq!(
            field_of(not_in_future("occurredAt", t(301), now).unwrap_err()),
            "occurredAt"
        );
    }

    proptest! {
        #[test]
        fn accepted_ranges_are_ordered(a in -1_000_000i64..1_000_000, b in -1_000_000i64..1_000_000) {
            let result = DateRange::parse("r", Some(t(a)), Some(t(b)));
            prop_assert_eq!(result.is_ok(), a <= b);
            if let Ok(r) = result {
                prop_assert!(r.contains(t(a)) && r.contains(t(b)));
            }
        }
    }
}
