//! Victim-safety rules, pure: rolling windows, the repeat-victim and repeat-location rules, the
//! ASB Case Review threshold, and the partnership's settings that hold them.
//!
//! **Window edges.** A rolling window of `D` days at time `t` is the closed interval
//! `[t - D × 24 h, t]`: an earlier incident exactly `D` days before counts, one a second earlier
//! does not, and the incident being recorded counts itself. Incidents that occurred after `t` are
//! not in `t`'s window (a late-recorded incident is judged on what came before it).

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::review::ReviewCadences;
use crate::error::AppError;

/// The start of the window of `days` ending at `at` (inclusive).
pub fn window_start(at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    at - Duration::days(i64::from(days))
}

/// Whether `event` falls in the window of `days` ending at `at`, both edges included.
pub fn in_window(event: DateTime<Utc>, at: DateTime<Utc>, days: u32) -> bool {
    window_start(at, days) <= event && event <= at
}

fn bounded(field: &str, value: i64, min: u32, max: u32) -> Result<u32, AppError> {
    u32::try_from(value)
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| AppError::bad_input(field, format!("must be between {min} and {max}")))
}

/// The longest window any rule may use: ten years.
pub const MAX_WINDOW_DAYS: u32 = 3650;

/// "`min_incidents` or more incidents in a rolling `window_days` days", for a victim or a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepeatRule {
    pub min_incidents: u32,
    pub window_days: u32,
}

impl RepeatRule {
    /// `prefix` names the input fields: `repeatVictim` → `repeatVictimMinIncidents`, ...
    pub fn parse(prefix: &str, min_incidents: i64, window_days: i64) -> Result<Self, AppError> {
        Ok(Self {
            min_incidents: bounded(&format!("{prefix}MinIncidents"), min_incidents, 2, 100)?,
            window_days: bounded(
                &format!("{prefix}WindowDays"),
                window_days,
                1,
                MAX_WINDOW_DAYS,
            )?,
        })
    }

    /// Whether `count` incidents in the window (the new one included) make a repeat.
    pub fn is_repeat(&self, count: u64) -> bool {
        count >= u64::from(self.min_incidents)
    }
}

/// Why a victim or incident meets the ASB Case Review threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseReviewBasis {
    /// Enough qualifying complaints in the window.
    Complaints,
    /// Enough different people reported incidents at the place.
    Reporters,
    /// A hate incident.
    Hate,
}

impl CaseReviewBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseReviewBasis::Complaints => "complaints",
            CaseReviewBasis::Reporters => "reporters",
            CaseReviewBasis::Hate => "hate",
        }
    }
}

/// One complaint (an incident) as the Case Review threshold sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Complaint {
    pub occurred_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub hate: bool,
}

/// "`min_complaints` qualifying complaints in `window_days` days, each reported within
/// `report_within_days` of the incident", or optionally `min_reporters` different people
/// reporting at one place in the window, or any hate incident in the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseReviewRule {
    pub min_complaints: u32,
    pub window_days: u32,
    pub report_within_days: u32,
    /// `Some(n)`: the different-reporters alternative is on.
    pub min_reporters: Option<u32>,
    pub any_hate: bool,
}

impl CaseReviewRule {
    /// Whether a complaint was reported in time (within `report_within_days`, edge included).
    pub fn reported_in_time(&self, c: &Complaint) -> bool {
        c.reported_at >= c.occurred_at
            && c.reported_at - c.occurred_at <= Duration::days(i64::from(self.report_within_days))
    }

    fn qualifying<'a>(
        &'a self,
        at: DateTime<Utc>,
        complaints: impl IntoIterator<Item = &'a Complaint> + 'a,
    ) -> impl Iterator<Item = &'a Complaint> + 'a {
        complaints
            .into_iter()
            .filter(move |c| in_window(c.occurred_at, at, self.window_days))
            .filter(move |c| self.reported_in_time(c))
    }

    /// How many different people reported qualifying complaints in the window.
    pub fn distinct_reporters(&self, at: DateTime<Utc>, reports: &[(Complaint, Uuid)]) -> usize {
        let mut people: Vec<Uuid> = reports
            .iter()
            .filter(|(c, _)| in_window(c.occurred_at, at, self.window_days))
            .filter(|(c, _)| self.reported_in_time(c))
            .map(|(_, p)| *p)
            .collect();
        people.sort_unstable();
        people.dedup();
        people.len()
    }

    /// Whether a victim whose complaints are `complaints` meets the threshold at `at`, given how
    /// many different people reported at the place (`reporters`). The main threshold wins over
    /// the alternatives when several hold.
    pub fn evaluate(
        &self,
        at: DateTime<Utc>,
        complaints: &[Complaint],
        reporters: usize,
    ) -> Option<CaseReviewBasis> {
        let qualifying = self.qualifying(at, complaints).count();
        if qualifying >= self.min_complaints as usize {
            return Some(CaseReviewBasis::Complaints);
        }
        if let Some(n) = self.min_reporters
            && reporters >= n as usize
        {
            return Some(CaseReviewBasis::Reporters);
        }
        let hate = complaints
            .iter()
            .any(|c| c.hate && in_window(c.occurred_at, at, self.window_days));
        (self.any_hate && hate).then_some(CaseReviewBasis::Hate)
    }
}

/// The partnership's victim-safety settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafetySettings {
    pub repeat_victim: RepeatRule,
    pub repeat_location: RepeatRule,
    pub case_review: CaseReviewRule,
    /// When the different-reporters alternative is off, the number it would use when turned on.
    pub reporters_when_on: u32,
    pub cadences: ReviewCadences,
    /// Hours within which a high-risk victim must hear from a dedicated officer.
    pub first_contact_hours: u32,
}

impl Default for SafetySettings {
    fn default() -> Self {
        Self {
            repeat_victim: RepeatRule {
                min_incidents: 2,
                window_days: 365,
            },
            repeat_location: RepeatRule {
                min_incidents: 2,
                window_days: 365,
            },
            case_review: CaseReviewRule {
                min_complaints: 3,
                window_days: 183,
                report_within_days: 31,
                min_reporters: None,
                any_hate: false,
            },
            reporters_when_on: 5,
            cadences: ReviewCadences::default(),
            first_contact_hours: 24,
        }
    }
}

/// Validates the Case Review threshold's numbers.
pub fn parse_case_review(
    min_complaints: i64,
    window_days: i64,
    report_within_days: i64,
) -> Result<(u32, u32, u32), AppError> {
    Ok((
        bounded("caseReviewMinComplaints", min_complaints, 1, 100)?,
        bounded("caseReviewWindowDays", window_days, 1, MAX_WINDOW_DAYS)?,
        bounded("caseReviewReportWithinDays", report_within_days, 1, 365)?,
    ))
}

pub fn parse_min_reporters(n: i64) -> Result<u32, AppError> {
    bounded("caseReviewMinReporters", n, 2, 1000)
}

pub fn parse_first_contact_hours(h: i64) -> Result<u32, AppError> {
    bounded("highRiskFirstContactHours", h, 1, 24 * 30)
}

/// A victim's satisfaction score, 1 (very dissatisfied) to 5 (very satisfied).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SatisfactionScore(u8);

impl SatisfactionScore {
    pub fn parse(field: &str, raw: i64) -> Result<Self, AppError> {
        bounded(field, raw, 1, 5).map(|v| Self(v as u8))
    }

    pub fn value(self) -> i32 {
        i32::from(self.0)
    }
}

/// The median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(days: i64, secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 0).unwrap()
            + Duration::days(days)
            + Duration::seconds(secs)
    }

    fn complaint(day: i64, reported_after_days: i64, hate: bool) -> Complaint {
        Complaint {
            occurred_at: t(day, 0),
            reported_at: t(day + reported_after_days, 0),
            hate,
        }
    }

    #[test]
    fn window_edges_are_inclusive() {
        let at = t(0, 0);
        assert!(in_window(t(-365, 0), at, 365), "exactly at the boundary");
        assert!(in_window(t(-365, 1), at, 365), "just inside");
        assert!(!in_window(t(-365, -1), at, 365), "just outside");
        assert!(in_window(at, at, 365), "the incident itself");
        assert!(!in_window(t(0, 1), at, 365), "later incidents do not count");
    }

    #[test]
    fn repeat_rule() {
        let r = RepeatRule::parse("repeatVictim", 2, 365).unwrap();
        assert!(!r.is_repeat(1) && r.is_repeat(2) && r.is_repeat(3));
        match RepeatRule::parse("repeatVictim", 1, 365) {
            Err(AppError::BadUserInput { field, .. }) => {
                assert_eq!(field, "repeatVictimMinIncidents")
            }
            other => panic!("{other:?}"),
        }
        match RepeatRule::parse("repeatLocation", 2, 0) {
            Err(AppError::BadUserInput { field, .. }) => {
                assert_eq!(field, "repeatLocationWindowDays")
            }
            other => panic!("{other:?}"),
        }
        assert!(RepeatRule::parse("x", 2, i64::from(MAX_WINDOW_DAYS) + 1).is_err());
    }

    fn rule() -> CaseReviewRule {
        SafetySettings::default().case_review
    }

    #[test]
    fn case_review_threshold() {
        let r = rule();
        let at = t(0, 0);
        // Three complaints in six months, each reported within a month.
        let three = [
            complaint(-183, 31, false),
            complaint(-90, 0, false),
            complaint(0, 0, false),
        ];
        assert_eq!(r.evaluate(at, &three, 0), Some(CaseReviewBasis::Complaints));
        // One reported a day too late does not qualify.
        let late = [
            complaint(-100, 32, false),
            complaint(-90, 0, false),
            complaint(0, 0, false),
        ];
        assert_eq!(r.evaluate(at, &late, 0), None);
        // One just outside the window does not count.
        let mut outside = three;
        outside[0].occurred_at = t(-183, -1);
        assert_eq!(r.evaluate(at, &outside, 0), None);
        // A report before the incident is not a valid complaint.
        assert!(!r.reported_in_time(&Complaint {
            occurred_at: t(0, 0),
            reported_at: t(0, -1),
            hate: false
        }));
    }

    #[test]
    fn case_review_alternatives() {
        let at = t(0, 0);
        let one_hate = [complaint(0, 0, true)];
        assert_eq!(rule().evaluate(at, &one_hate, 9), None, "alternatives off");
        let r = CaseReviewRule {
            any_hate: true,
            ..rule()
        };
        assert_eq!(r.evaluate(at, &one_hate, 0), Some(CaseReviewBasis::Hate));
        assert_eq!(r.evaluate(at, &[complaint(-200, 0, true)], 0), None);
        let r = CaseReviewRule {
            min_reporters: Some(5),
            ..rule()
        };
        assert_eq!(r.evaluate(at, &[], 4), None);
        assert_eq!(r.evaluate(at, &[], 5), Some(CaseReviewBasis::Reporters));

        let p: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let reports = [
            (complaint(-10, 0, false), p[0]),
            (complaint(-9, 0, false), p[0]),
            (complaint(-8, 0, false), p[1]),
            (complaint(-7, 40, false), p[2]),
            (complaint(-400, 0, false), p[2]),
        ];
        assert_eq!(r.distinct_reporters(at, &reports), 2);
    }

    #[test]
    fn scores_and_median() {
        assert!(SatisfactionScore::parse("score", 0).is_err());
        assert!(SatisfactionScore::parse("score", 6).is_err());
        assert_eq!(SatisfactionScore::parse("score", 5).unwrap().value(), 5);
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    proptest! {
        /// The window is exactly the closed interval [at - D days, at].
        #[test]
        fn window_is_a_closed_interval(days in 1u32..=3650, offset in -400_000_000i64..400_000_000) {
            let at = t(0, 0);
            let event = at + Duration::seconds(offset);
            let expected = offset <= 0 && -offset <= i64::from(days) * 86_400;
            prop_assert_eq!(in_window(event, at, days), expected);
        }

        /// Adding a complaint never takes a victim below the threshold.
        #[test]
        fn more_complaints_never_lose_eligibility(
            days in proptest::collection::vec((-400i64..=0, 0i64..60, any::<bool>()), 0..8),
            extra in (-400i64..=0, 0i64..60, any::<bool>()),
        ) {
            let r = CaseReviewRule { any_hate: true, ..rule() };
            let at = t(0, 0);
            let mut cs: Vec<Complaint> = days.iter().map(|&(d, late, h)| complaint(d, late.min(-d), h)).collect();
            let before = r.evaluate(at, &cs, 0).is_some();
            cs.push(complaint(extra.0, extra.1.min(-extra.0), extra.2));
            prop_assert!(!before || r.evaluate(at, &cs, 0).is_some());
        }

        #[test]
        fn median_is_between_min_and_max(v in proptest::collection::vec(0.0f64..1000.0, 1..50)) {
            let m = median(v.clone()).unwrap();
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(lo <= m && m <= hi);
        }
    }
}
