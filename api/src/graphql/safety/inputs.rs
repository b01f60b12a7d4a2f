//! Inputs of the victim-safety mutations, parsed once into domain values: a bad value is
//! `BAD_USER_INPUT` naming its field, before anything is written.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    domain::{
        ContactMethod, LongText, NonEmptyLongText,
        review::{Cadence, CadenceStep, ReviewLevel, ReviewOutcome},
        safety::{
            RepeatRule, SafetySettings, SatisfactionScore, parse_case_review,
            parse_first_contact_hours, parse_min_reporters,
        },
    },
    error::{AppError, AppResult},
    graphql::staff::parse_id,
    service::safety::{
        contact::{NewContact, NewSatisfaction},
        reviews::{NewReview, NewReviewAction},
        rules::RulesChange,
    },
};

/// An action the review adds to the plan, owned by the lead agency.
#[derive(InputObject)]
pub struct ReviewActionInput {
    description: String,
    /// An officer of the lead agency; the case's owner when omitted.
    owner_id: Option<ID>,
    /// Today or later.
    due_date: NaiveDate,
}

#[derive(InputObject)]
pub struct ReviewCaseInput {
    case_id: ID,
    outcome: ReviewOutcome,
    comment: String,
    /// Required (at least one) when the outcome is `CHANGES_REQUESTED`.
    #[graphql(default)]
    actions: Vec<ReviewActionInput>,
}

impl ReviewCaseInput {
    pub fn parse(self) -> AppResult<NewReview> {
        let actions = self
            .actions
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                Ok(NewReviewAction {
                    description: NonEmptyLongText::parse(
                        &format!("actions.{i}.description"),
                        &a.description,
                    )?,
                    owner_id: a
                        .owner_id
                        .as_ref()
                        .map(|id| parse_id(&format!("actions.{i}.ownerId"), id))
                        .transpose()?,
                    due_date: a.due_date,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(NewReview {
            case_id: parse_id("caseId", &self.case_id)?,
            outcome: self.outcome,
            comment: NonEmptyLongText::parse("comment", &self.comment)?,
            actions,
        })
    }
}

#[derive(InputObject)]
pub struct RecordVictimContactInput {
    person_id: ID,
    case_id: ID,
    method: ContactMethod,
    /// What came of the contact.
    outcome: String,
    /// When it happened, if not now; never in the future.
    contacted_at: Option<DateTime<Utc>>,
}

impl RecordVictimContactInput {
    pub fn parse(self) -> AppResult<NewContact> {
        Ok(NewContact {
            person_id: parse_id("personId", &self.person_id)?,
            case_id: parse_id("caseId", &self.case_id)?,
            method: self.method,
            outcome: NonEmptyLongText::parse("outcome", &self.outcome)?,
            contacted_at: self.contacted_at,
        })
    }
}

#[derive(InputObject)]
pub struct RecordSatisfactionInput {
    person_id: ID,
    case_id: ID,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    score: i32,
    comments: Option<String>,
}

impl RecordSatisfactionInput {
    pub fn parse(self) -> AppResult<NewSatisfaction> {
        Ok(NewSatisfaction {
            person_id: parse_id("personId", &self.person_id)?,
            case_id: parse_id("caseId", &self.case_id)?,
            score: SatisfactionScore::parse("score", i64::from(self.score))?,
            comments: self
                .comments
                .map(|c| LongText::parse("comments", &c))
                .transpose()?,
        })
    }
}

#[derive(InputObject)]
pub struct CadenceStepInput {
    /// Days since the cycle began.
    days: i32,
    level: ReviewLevel,
}

#[derive(InputObject, Default)]
pub struct ReviewCadenceInput {
    standard: Option<Vec<CadenceStepInput>>,
    medium: Option<Vec<CadenceStepInput>>,
    high: Option<Vec<CadenceStepInput>>,
}

/// Changes to the rules; omitted fields stay as they are.
#[derive(InputObject)]
pub struct SafetyRulesInput {
    /// The version last read (0 before the rules were first saved); a stale one is `CONFLICT`.
    version: i32,
    repeat_victim_min_incidents: Option<i32>,
    repeat_victim_window_days: Option<i32>,
    repeat_location_min_incidents: Option<i32>,
    repeat_location_window_days: Option<i32>,
    case_review_min_complaints: Option<i32>,
    case_review_window_days: Option<i32>,
    case_review_report_within_days: Option<i32>,
    case_review_by_reporters: Option<bool>,
    case_review_min_reporters: Option<i32>,
    case_review_any_hate: Option<bool>,
    review_cadence: Option<ReviewCadenceInput>,
    high_risk_first_contact_hours: Option<i32>,
}

fn cadence(field: &str, steps: Vec<CadenceStepInput>) -> AppResult<Cadence> {
    let steps = steps
        .into_iter()
        .map(|s| {
            Ok(CadenceStep {
                days: u32::try_from(s.days)
                    .map_err(|_| AppError::bad_input(field, "days must be positive"))?,
                level: s.level,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Cadence::parse(field, steps)
}

impl SafetyRulesInput {
    pub fn version(&self) -> i32 {
        self.version
    }

    /// Applies the changes to `current`, validating each, and names the settings changed.
    pub fn apply(self, current: SafetySettings) -> AppResult<RulesChange> {
        let mut s = current;
        let mut fields = Vec::new();
        let or = |v: Option<i32>, current: u32| v.map_or(i64::from(current), i64::from);
        if self.repeat_victim_min_incidents.is_some() || self.repeat_victim_window_days.is_some() {
            s.repeat_victim = RepeatRule::parse(
                "repeatVictim",
                or(
                    self.repeat_victim_min_incidents,
                    s.repeat_victim.min_incidents,
                ),
                or(self.repeat_victim_window_days, s.repeat_victim.window_days),
            )?;
            fields.push("repeatVictim");
        }
        if self.repeat_location_min_incidents.is_some()
            || self.repeat_location_window_days.is_some()
        {
            s.repeat_location = RepeatRule::parse(
                "repeatLocation",
                or(
                    self.repeat_location_min_incidents,
                    s.repeat_location.min_incidents,
                ),
                or(
                    self.repeat_location_window_days,
                    s.repeat_location.window_days,
                ),
            )?;
            fields.push("repeatLocation");
        }
        let cr = s.case_review;
        if self.case_review_min_complaints.is_some()
            || self.case_review_window_days.is_some()
            || self.case_review_report_within_days.is_some()
        {
            let (k, m, r) = parse_case_review(
                or(self.case_review_min_complaints, cr.min_complaints),
                or(self.case_review_window_days, cr.window_days),
                or(self.case_review_report_within_days, cr.report_within_days),
            )?;
            s.case_review.min_complaints = k;
            s.case_review.window_days = m;
            s.case_review.report_within_days = r;
            fields.push("caseReview");
        }
        if let Some(n) = self.case_review_min_reporters {
            s.reporters_when_on = parse_min_reporters(i64::from(n))?;
            fields.push("caseReviewMinReporters");
        }
        let by_reporters = self
            .case_review_by_reporters
            .unwrap_or(cr.min_reporters.is_some());
        if self.case_review_by_reporters.is_some() {
            fields.push("caseReviewByReporters");
        }
        s.case_review.min_reporters = by_reporters.then_some(s.reporters_when_on);
        if let Some(h) = self.case_review_any_hate {
            s.case_review.any_hate = h;
            fields.push("caseReviewAnyHate");
        }
        let rc = self.review_cadence.unwrap_or_default();
        for (name, steps, slot) in [
            (
                "reviewCadence.standard",
                rc.standard,
                &mut s.cadences.standard,
            ),
            ("reviewCadence.medium", rc.medium, &mut s.cadences.medium),
            ("reviewCadence.high", rc.high, &mut s.cadences.high),
        ] {
            if let Some(steps) = steps {
                *slot = cadence(name, steps)?;
                fields.push(name);
            }
        }
        if let Some(h) = self.high_risk_first_contact_hours {
            s.first_contact_hours = parse_first_contact_hours(i64::from(h))?;
            fields.push("highRiskFirstContactHours");
        }
        Ok(RulesChange {
            settings: s,
            fields,
        })
    }
}
