//! The dashboard's output: one period's figures (see `service::safety::dashboard`).

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use crate::service::safety::dashboard;

#[derive(SimpleObject)]
pub struct CategoryCount {
    /// `personal`, `nuisance` or `environmental`.
    pub category: String,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct RiskCount {
    /// `standard`, `medium` or `high`.
    pub risk_level: String,
    pub count: i64,
}

/// Figures for one period over the records the user's agency may see.
#[derive(SimpleObject)]
pub struct Dashboard {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// When these figures were counted. An instance reuses them for the same agency and
    /// question for a short time (`ASB_HUB_DASHBOARD_CACHE_SECONDS`, 60 by default).
    pub computed_at: DateTime<Utc>,
    /// Incidents that occurred in the period, every category listed.
    pub incidents_by_category: Vec<CategoryCount>,
    /// Cases open at some time in the period, every risk level listed.
    pub open_cases_by_risk: Vec<RiskCount>,
    /// Different people flagged as repeat victims by an incident in the period.
    pub repeat_victims: i64,
    /// Median days from a victim joining a high-risk case in the period to their first contact
    /// (null when none has been contacted yet).
    pub median_days_to_first_contact: Option<f64>,
    /// How many victims the median is taken over.
    pub high_risk_victims_contacted: i64,
    /// Cases not closed whose review was due by the end of the period and is now past.
    pub overdue_reviews: i64,
    /// Mean satisfaction score (1-5) recorded in the period; null without responses.
    pub average_satisfaction: Option<f64>,
    pub satisfaction_responses: i64,
    /// Different people whose incident in the period met the ASB Case Review threshold.
    pub case_review_activations: i64,
    /// Different victims of the period's incidents: each needs a risk assessment.
    pub assessments_required: i64,
    /// Those of them with an assessment in force at some time in the period.
    pub assessments_done: i64,
    /// `assessmentsDone` as a percentage of `assessmentsRequired`; null when none were required.
    pub assessment_rate: Option<f64>,
}

impl Dashboard {
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>, d: dashboard::Dashboard) -> Self {
        Self {
            from,
            to,
            computed_at: d.computed_at,
            incidents_by_category: d
                .incidents_by_category
                .into_iter()
                .map(|(c, count)| CategoryCount {
                    category: c.as_str().into(),
                    count,
                })
                .collect(),
            open_cases_by_risk: d
                .open_cases_by_risk
                .into_iter()
                .map(|(r, count)| RiskCount {
                    risk_level: r.as_str().into(),
                    count,
                })
                .collect(),
            repeat_victims: d.repeat_victims,
            median_days_to_first_contact: d.median_days_to_first_contact,
            high_risk_victims_contacted: d.high_risk_victims_contacted,
            overdue_reviews: d.overdue_reviews,
            average_satisfaction: d.average_satisfaction,
            satisfaction_responses: d.satisfaction_responses,
            case_review_activations: d.case_review_activations,
            assessments_required: d.assessments_required,
            assessments_done: d.assessments_done,
            assessment_rate: (d.assessments_required > 0)
                .then(|| 100.0 * d.assessments_done as f64 / d.assessments_required as f64),
        }
    }
}
