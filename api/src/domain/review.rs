//! Supervision cadence: when a case is next due for review, by risk level.
//!
//! The defaults follow the practice described in DOMAIN.md (standard 56 days, medium 28, high 14).
//! The victim-safety work makes the cadence partnership configuration; until then these are the
//! defaults every partnership starts from.

use chrono::{DateTime, Duration, Utc};

use super::RiskLevel;

/// Days until the next supervisor review.
pub fn cadence_days(risk: RiskLevel) -> i64 {
    match risk {
        RiskLevel::Standard => 56,
        RiskLevel::Medium => 28,
        RiskLevel::High => 14,
    }
}

pub fn next_review(risk: RiskLevel, from: DateTime<Utc>) -> DateTime<Utc> {
    from + Duration::days(cadence_days(risk))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
