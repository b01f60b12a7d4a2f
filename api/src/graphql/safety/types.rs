//! Output types of the victim-safety area. A review, a contact and a satisfaction response are
//! reached through a case's restricted fields, so their own fields are restricted too; worklist
//! rows, the rules and the dashboard are reached only through root fields whose service checks
//! the reads they reveal, so their fields are public (`auth/policy/rules/safety.rs`).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{case_review, incident_flag, victim_contact, victim_flag, victim_satisfaction};

use crate::{
    domain::review::{CadenceStep as Step, ReviewLevel},
    error::AppResult,
    graphql::{
        ContextExt,
        cases::{
            incidents::Incident,
            people::Person,
            types::{Case, CaseAction, Location, agency, gid, user},
        },
        staff::{Agency, User},
    },
    service::safety::{overdue::ActionGroup, rules::StoredRules, worklists::ContactDue},
};

/// A supervisor's review of a case.
pub struct CaseReview(pub case_review::Model);

#[Object]
impl CaseReview {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn reviewer(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, Some(self.0.reviewer_id)).await
    }
    /// `approved` or `changes_requested`.
    async fn outcome(&self) -> Option<&str> {
        Some(&self.0.outcome)
    }
    async fn comment(&self) -> Option<&str> {
        Some(&self.0.comment)
    }
    /// `supervisor`, `senior` or `chain`: the level the cadence step called for.
    async fn level(&self) -> Option<&str> {
        Some(&self.0.level)
    }
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.created_at)
    }
    /// When the review after this one is due.
    async fn next_review_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.next_review_at)
    }
    /// Actions this review added to the plan.
    #[graphql(complexity = "crate::graphql::limits::nested(child_complexity)")]
    async fn actions(&self, ctx: &Context<'_>) -> AppResult<Option<Vec<CaseAction>>> {
        let rows = ctx
            .loaders()?
            .safety
            .review_actions
            .load_one(self.0.id)
            .await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(CaseAction)
                .collect(),
        ))
    }
}

/// A contact with a victim about a case.
pub struct VictimContact(pub victim_contact::Model);

#[Object]
impl VictimContact {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.0.person_id)
            .await?
            .map(Person))
    }
    async fn method(&self) -> Option<&str> {
        Some(&self.0.method)
    }
    async fn outcome(&self) -> Option<&str> {
        Some(&self.0.outcome)
    }
    async fn contacted_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.contacted_at)
    }
    async fn contacted_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, Some(self.0.user_id)).await
    }
    async fn agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        agency(ctx, self.0.agency_id).await
    }
    /// Whether a dedicated vulnerable-victim officer made the contact.
    async fn by_dedicated_officer(&self) -> Option<bool> {
        Some(self.0.by_dedicated_officer)
    }
}

/// A victim's satisfaction with how their case was handled, 1 to 5.
pub struct SatisfactionResponse(pub victim_satisfaction::Model);

#[Object]
impl SatisfactionResponse {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.0.person_id)
            .await?
            .map(Person))
    }
    async fn score(&self) -> Option<i32> {
        Some(self.0.score)
    }
    async fn comments(&self) -> Option<&str> {
        self.0.comments.as_deref()
    }
    async fn recorded_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.recorded_at)
    }
    async fn recorded_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, Some(self.0.user_id)).await
    }
    async fn agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        agency(ctx, self.0.agency_id).await
    }
}

/// A victim in a worklist: their latest qualifying incident in the period.
pub struct VictimFlag(pub victim_flag::Model);

#[Object]
impl VictimFlag {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.0.person_id)
            .await?
            .map(Person))
    }
    async fn incident(&self, ctx: &Context<'_>) -> AppResult<Option<Incident>> {
        let loaders = &ctx.loaders()?.safety;
        Ok(loaders
            .incidents
            .load_one(self.0.incident_id)
            .await?
            .map(Incident))
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// Incidents with this person as victim in the repeat window, that incident included.
    async fn incident_count(&self) -> i32 {
        self.0.incident_count
    }
    async fn window_days(&self) -> i32 {
        self.0.window_days
    }
    async fn is_repeat_victim(&self) -> bool {
        self.0.is_repeat
    }
    async fn case_review_eligible(&self) -> bool {
        self.0.case_review_eligible
    }
    /// Why the threshold is met: `complaints`, `reporters` or `hate`.
    async fn case_review_basis(&self) -> Option<&str> {
        self.0.case_review_basis.as_deref()
    }
}

/// A repeat location in a worklist: its latest qualifying incident in the period.
pub struct LocationFlag(pub incident_flag::Model);

#[Object]
impl LocationFlag {
    async fn id(&self) -> ID {
        gid(self.0.incident_id)
    }
    async fn location(&self, ctx: &Context<'_>) -> AppResult<Option<Location>> {
        match self.0.location_id {
            Some(id) => Ok(ctx.loaders()?.locations.load_one(id).await?.map(Location)),
            None => Ok(None),
        }
    }
    async fn incident(&self, ctx: &Context<'_>) -> AppResult<Option<Incident>> {
        let loaders = &ctx.loaders()?.safety;
        Ok(loaders
            .incidents
            .load_one(self.0.incident_id)
            .await?
            .map(Incident))
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// Incidents at the place in the repeat window, that incident included.
    async fn incident_count(&self) -> i32 {
        self.0.repeat_location_count
    }
    async fn window_days(&self) -> i32 {
        self.0.location_window_days
    }
}

/// A high-risk victim still waiting for a dedicated officer's first contact.
pub struct ContactDueNode(pub ContactDue);

#[Object(name = "ContactDue")]
impl ContactDueNode {
    async fn id(&self) -> ID {
        gid(self.0.party.id)
    }
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.0.party.person_id)
            .await?
            .map(Person))
    }
    async fn case(&self, ctx: &Context<'_>) -> AppResult<Option<Case>> {
        Ok(ctx
            .loaders()?
            .visible_cases
            .load_one(self.0.party.case_id)
            .await?
            .map(Case))
    }
    /// When the victim joined the case.
    async fn since(&self) -> DateTime<Utc> {
        self.0.party.created_at
    }
    /// When the first contact is due by the configured first-contact time.
    async fn due_by(&self) -> DateTime<Utc> {
        self.0.due_by
    }
    async fn overdue(&self) -> bool {
        self.0.due_by < Utc::now()
    }
}

/// One owner's actions past their due date.
pub struct OverdueActionGroup(pub ActionGroup);

#[Object]
impl OverdueActionGroup {
    async fn owner_agency(&self, ctx: &Context<'_>) -> AppResult<Option<Agency>> {
        agency(ctx, self.0.owner_agency_id).await
    }
    /// Null for the agency's actions with no named owner.
    async fn owner(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        user(ctx, self.0.owner_id).await
    }
    /// The owner's team.
    async fn team(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        Ok(user(ctx, self.0.owner_id)
            .await?
            .and_then(|u| u.0.user.team))
    }
    async fn count(&self) -> i64 {
        self.0.count
    }
    async fn oldest_due_date(&self) -> NaiveDate {
        self.0.oldest_due
    }
    /// The group's oldest actions, oldest due first: `first` of them (default 20, at most
    /// 100); `count` says how many there are in all.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn actions(&self, first: Option<i32>) -> AppResult<Vec<CaseAction>> {
        let max = crate::service::safety::overdue::ACTIONS_PER_GROUP;
        let n = match first {
            None => 20,
            Some(n) if n >= 1 && u64::try_from(n).is_ok_and(|n| n <= max) => n as usize,
            Some(_) => {
                return Err(crate::error::AppError::bad_input(
                    "first",
                    format!("must be between 1 and {max}"),
                ));
            }
        };
        Ok(self
            .0
            .actions
            .iter()
            .take(n)
            .cloned()
            .map(CaseAction)
            .collect())
    }
}

#[derive(SimpleObject)]
#[graphql(name = "CadenceStep")]
pub struct CadenceStepInfo {
    pub days: i32,
    pub level: ReviewLevel,
}

impl From<&Step> for CadenceStepInfo {
    fn from(s: &Step) -> Self {
        Self {
            days: i32::try_from(s.days).unwrap_or(i32::MAX),
            level: s.level,
        }
    }
}

/// Review cadences by risk level: each a cycle of steps, days since the cycle began.
#[derive(SimpleObject)]
pub struct ReviewCadence {
    pub standard: Vec<CadenceStepInfo>,
    pub medium: Vec<CadenceStepInfo>,
    pub high: Vec<CadenceStepInfo>,
}

/// The partnership's victim-safety rules.
pub struct SafetyRules(pub StoredRules);

fn n(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

#[Object]
impl SafetyRules {
    async fn repeat_victim_min_incidents(&self) -> i32 {
        n(self.0.settings.repeat_victim.min_incidents)
    }
    async fn repeat_victim_window_days(&self) -> i32 {
        n(self.0.settings.repeat_victim.window_days)
    }
    async fn repeat_location_min_incidents(&self) -> i32 {
        n(self.0.settings.repeat_location.min_incidents)
    }
    async fn repeat_location_window_days(&self) -> i32 {
        n(self.0.settings.repeat_location.window_days)
    }
    async fn case_review_min_complaints(&self) -> i32 {
        n(self.0.settings.case_review.min_complaints)
    }
    async fn case_review_window_days(&self) -> i32 {
        n(self.0.settings.case_review.window_days)
    }
    async fn case_review_report_within_days(&self) -> i32 {
        n(self.0.settings.case_review.report_within_days)
    }
    /// Whether enough different people reporting at one place also meets the threshold.
    async fn case_review_by_reporters(&self) -> bool {
        self.0.settings.case_review.min_reporters.is_some()
    }
    async fn case_review_min_reporters(&self) -> i32 {
        let s = &self.0.settings;
        n(s.case_review.min_reporters.unwrap_or(s.reporters_when_on))
    }
    /// Whether any hate incident also meets the threshold.
    async fn case_review_any_hate(&self) -> bool {
        self.0.settings.case_review.any_hate
    }
    async fn review_cadence(&self) -> ReviewCadence {
        let c = &self.0.settings.cadences;
        let steps = |c: &crate::domain::review::Cadence| c.steps().iter().map(Into::into).collect();
        ReviewCadence {
            standard: steps(&c.standard),
            medium: steps(&c.medium),
            high: steps(&c.high),
        }
    }
    async fn high_risk_first_contact_hours(&self) -> i32 {
        n(self.0.settings.first_contact_hours)
    }
    /// 0 while the defaults have never been saved. Send it back with `updateSafetyRules`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
}

/// A victim still waiting for a risk assessment, with the incident that brought them in.
pub struct AwaitingAssessment(pub entity::incident_party::Model);

#[Object]
impl AwaitingAssessment {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Option<Person>> {
        Ok(ctx
            .loaders()?
            .people
            .load_one(self.0.person_id)
            .await?
            .map(Person))
    }
    async fn incident(&self, ctx: &Context<'_>) -> AppResult<Option<Incident>> {
        Ok(ctx
            .loaders()?
            .safety
            .incidents
            .load_one(self.0.incident_id)
            .await?
            .map(Incident))
    }
    /// When the incident naming them as victim was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
