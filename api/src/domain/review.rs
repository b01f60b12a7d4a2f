//! Supervision cadence: when a case is next due for review, and at what level, by risk level.
//!
//! A [`Cadence`] is a cycle of steps, each "`days` after the cycle began, a review at `level`".
//! The defaults follow the practice described in DOMAIN.md:
//!
//! | risk | steps |
//! |---|---|
//! | standard | 56 supervisor |
//! | medium | 28 supervisor, 56 senior |
//! | high | 14 supervisor, 28 senior, 56 further up the chain |
//!
//! A case opened now is first due at the first step's day. Each review is at the step after the
//! case's previous review at the same risk level (the first step when there was none, or when the
//! risk level has changed since). The next review is then due, counted from the review itself,
//! after the gap to the following step; after the last step the cycle starts again, so a high-risk
//! case reviewed on time is reviewed at 14, 28, 56, then 70, 84, 112 days. Partnerships configure
//! the steps (`service::safety::rules`); [`ReviewCadences::default`] is where every partnership
//! starts.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::RiskLevel;
use crate::error::AppError;

/// The seniority of a review, by cadence step.
#[derive(async_graphql::Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ReviewLevel {
    Supervisor,
    Senior,
    /// Further up the chain of command.
    Chain,
}

impl ReviewLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewLevel::Supervisor => "supervisor",
            ReviewLevel::Senior => "senior",
            ReviewLevel::Chain => "chain",
        }
    }
}

/// What a supervisor's review concluded.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewOutcome {
    Approved,
    /// Needs at least one new action for the plan.
    ChangesRequested,
}

impl ReviewOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Approved => "approved",
            ReviewOutcome::ChangesRequested => "changes_requested",
        }
    }
}

/// One step of a cadence: `days` after the cycle began, a review at `level`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct CadenceStep {
    pub days: u32,
    pub level: ReviewLevel,
}

/// A validated cycle of review steps: 1 to 6 steps, days strictly increasing, 1 to 365.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cadence(Vec<CadenceStep>);

pub const MAX_STEPS: usize = 6;
pub const MAX_STEP_DAYS: u32 = 365;

impl Cadence {
    /// Refuses (naming `field`) an empty, unordered or out-of-range list of steps.
    pub fn parse(field: &str, steps: Vec<CadenceStep>) -> Result<Self, AppError> {
        if steps.is_empty() || steps.len() > MAX_STEPS {
            return Err(AppError::bad_input(
                field,
                format!("must have between 1 and {MAX_STEPS} steps"),
            ));
        }
        if steps.iter().any(|s| s.days == 0 || s.days > MAX_STEP_DAYS) {
            return Err(AppError::bad_input(
                field,
                format!("each step must be between 1 and {MAX_STEP_DAYS} days"),
            ));
        }
        if steps.windows(2).any(|w| w[0].days >= w[1].days) {
            return Err(AppError::bad_input(
                field,
                "the steps' days must be strictly increasing",
            ));
        }
        Ok(Self(steps))
    }

    /// Reads the stored JSON form back; `None` when it is not a valid cadence.
    pub fn from_json(json: &str) -> Option<Self> {
        let steps: Vec<CadenceStep> = serde_json::from_str(json).ok()?;
        Self::parse("cadence", steps).ok()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    pub fn steps(&self) -> &[CadenceStep] {
        &self.0
    }

    fn days(&self, step: usize) -> i64 {
        i64::from(self.0[step % self.0.len()].days)
    }

    /// When a case opened at `opened` is first due for review.
    pub fn first_due(&self, opened: DateTime<Utc>) -> DateTime<Utc> {
        opened + Duration::days(self.days(0))
    }

    /// The step of a review, given the step of the case's previous review at the same risk level.
    pub fn step_after(&self, previous: Option<usize>) -> usize {
        previous.map_or(0, |s| (s + 1) % self.0.len())
    }

    /// The level a review at `step` is held at.
    pub fn level(&self, step: usize) -> ReviewLevel {
        self.0[step % self.0.len()].level
    }

    /// Days from a review at `step` to the next one: the gap to the following step, or the first
    /// step's days when the cycle starts again.
    pub fn gap_after(&self, step: usize) -> i64 {
        let step = step % self.0.len();
        let next = (step + 1) % self.0.len();
        if next == 0 {
            self.days(0)
        } else {
            self.days(next) - self.days(step)
        }
    }

    /// When the review after one at `step`, held at `reviewed_at`, is due.
    pub fn next_due(&self, step: usize, reviewed_at: DateTime<Utc>) -> DateTime<Utc> {
        reviewed_at + Duration::days(self.gap_after(step))
    }
}

/// One cadence per risk level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewCadences {
    pub standard: Cadence,
    pub medium: Cadence,
    pub high: Cadence,
}

impl ReviewCadences {
    pub fn for_risk(&self, risk: RiskLevel) -> &Cadence {
        match risk {
            RiskLevel::Standard => &self.standard,
            RiskLevel::Medium => &self.medium,
            RiskLevel::High => &self.high,
        }
    }
}

impl Default for ReviewCadences {
    fn default() -> Self {
        use ReviewLevel::*;
        let c = |steps: &[(u32, ReviewLevel)]| {
            Cadence(
                steps
                    .iter()
                    .map(|&(days, level)| CadenceStep { days, level })
                    .collect(),
            )
        };
        Self {
            standard: c(&[(56, Supervisor)]),
            medium: c(&[(28, Supervisor), (56, Senior)]),
            high: c(&[(14, Supervisor), (28, Senior), (56, Chain)]),
        }
    }
}

/// Days until the first supervisor review under the default cadence.
pub fn cadence_days(risk: RiskLevel) -> i64 {
    ReviewCadences::default().for_risk(risk).days(0)
}

/// When a case opened at `from` is first due under the default cadence.
pub fn next_review(risk: RiskLevel, from: DateTime<Utc>) -> DateTime<Utc> {
    ReviewCadences::default().for_risk(risk).first_due(from)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn higher_risk_is_reviewed_sooner() {
        let now = Utc::now();
        assert_eq!(next_review(RiskLevel::High, now) - now, Duration::days(14));
        assert_eq!(
            next_review(RiskLevel::Medium, now) - now,
            Duration::days(28)
        );
        assert_eq!(
            next_review(RiskLevel::Standard, now) - now,
            Duration::days(56)
        );
    }

    /// Reviewing on the day each review falls due walks the documented schedule.
    fn schedule(risk: RiskLevel, reviews: usize) -> Vec<(i64, ReviewLevel)> {
        let cadences = ReviewCadences::default();
        let cadence = cadences.for_risk(risk);
        let opened = Utc::now();
        let mut due = cadence.first_due(opened);
        let mut previous = None;
        let mut out = Vec::new();
        for _ in 0..reviews {
            let step = cadence.step_after(previous);
            out.push(((due - opened).num_days(), cadence.level(step)));
            due = cadence.next_due(step, due);
            previous = Some(step);
        }
        out
    }

    #[test]
    fn default_schedules() {
        use ReviewLevel::*;
        assert_eq!(
            schedule(RiskLevel::High, 6),
            vec![
                (14, Supervisor),
                (28, Senior),
                (56, Chain),
                (70, Supervisor),
                (84, Senior),
                (112, Chain)
            ]
        );
        assert_eq!(
            schedule(RiskLevel::Medium, 4),
            vec![
                (28, Supervisor),
                (56, Senior),
                (84, Supervisor),
                (112, Senior)
            ]
        );
        assert_eq!(
            schedule(RiskLevel::Standard, 2),
            vec![(56, Supervisor), (112, Supervisor)]
        );
    }

    #[test]
    fn invalid_cadences_are_refused() {
        let s = |days, level| CadenceStep { days, level };
        use ReviewLevel::*;
        assert!(Cadence::parse("high", vec![]).is_err());
        assert!(Cadence::parse("high", vec![s(0, Supervisor)]).is_err());
        assert!(Cadence::parse("high", vec![s(366, Supervisor)]).is_err());
        assert!(Cadence::parse("high", vec![s(14, Supervisor), s(14, Senior)]).is_err());
        assert!(Cadence::parse("high", vec![s(28, Supervisor), s(14, Senior)]).is_err());
        assert!(Cadence::parse("high", vec![s(1, Supervisor); 7]).is_err());
        match Cadence::parse("reviewCadence.high", vec![]) {
            Err(AppError::BadUserInput { field, .. }) => assert_eq!(field, "reviewCadence.high"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_round_trips() {
        let d = ReviewCadences::default();
        for c in [&d.standard, &d.medium, &d.high] {
            assert_eq!(Cadence::from_json(&c.to_json()).as_ref(), Some(c));
        }
        assert_eq!(
            d.high.to_json(),
            r#"[{"days":14,"level":"supervisor"},{"days":28,"level":"senior"},{"days":56,"level":"chain"}]"#
        );
        assert!(Cadence::from_json("not json").is_none());
        assert!(Cadence::from_json("[]").is_none());
    }

    proptest! {
        /// Over whole cycles, the gaps add up to the last step's days per cycle, every gap is
        /// positive, and levels follow the steps in order.
        #[test]
        fn a_cycle_lasts_its_last_step(mut days in proptest::collection::btree_set(1u32..=365, 1..=6), cycles in 1usize..4) {
            let days: Vec<u32> = std::mem::take(&mut days).into_iter().collect();
            let steps: Vec<CadenceStep> = days.iter().map(|&d| CadenceStep { days: d, level: ReviewLevel::Senior }).collect();
            let cadence = Cadence::parse("c", steps).unwrap();
            let n = days.len();
            let mut total = i64::from(days[0]);
            let mut previous = None;
            for _ in 0..(n * cycles) {
                let step = cadence.step_after(previous);
                let gap = cadence.gap_after(step);
                prop_assert!(gap > 0);
                total += gap;
                previous = Some(step);
            }
            let last = i64::from(days[n - 1]);
            prop_assert_eq!(total, last * cycles as i64 + i64::from(days[0]));
        }
    }
}
