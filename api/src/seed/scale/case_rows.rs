//! Cases and what hangs off them: parties, places, shares, plan actions, notes, the victim's
//! risk assessment and supervisors' reviews.

use chrono::Datelike;
use entity::{
    asb_case, case_action, case_location, case_note, case_party, case_review, case_share,
    risk_assessment,
};
use sea_orm::ActiveValue::Set;

use super::{
    emit::{Context, Emitter, date, kind, risk_name, ts},
    plan::{Case, DAY, FIRST_REVIEW_DAYS, HOUSING, NONE, POLICE, Plan, STATUSES, VICTIM_SUPPORT},
    rows::place,
};
use crate::seed::demo::INCIDENT_KINDS;

fn review_at(c: &Case) -> i64 {
    c.created + FIRST_REVIEW_DAYS[usize::from(c.risk)] * DAY - DAY
}

fn closed_at(c: &Case, now: i64) -> Option<i64> {
    (c.status == 3).then(|| (c.created + 120 * DAY).min(now - DAY).max(c.created))
}

pub fn reference(c: &Case) -> String {
    format!("ASB-{}-{:06}", ts(c.created).year(), c.seq)
}

pub fn cases(plan: &Plan, ctx: &Context, e: &mut Emitter<'_>) -> bool {
    let rows = plan.cases.iter().enumerate().map(|(n, c)| {
        let (category, sub_type, description) = INCIDENT_KINDS[usize::from(c.kind)];
        let (street, _, _) = place(c.location);
        let owner = ctx.owners[usize::from(c.lead)];
        let reviewed = c.reviewed(plan.now);
        let first = FIRST_REVIEW_DAYS[usize::from(c.risk)] * DAY;
        let updated = if reviewed { review_at(c) } else { c.created };
        asb_case::ActiveModel {
            id: Set(ctx.id(kind::CASE, n as u64)),
            reference: Set(reference(c)),
            title: Set(format!("{} at {street}", sub_type.replace('_', " "))),
            summary: Set(description.into()),
            category: Set(category.into()),
            status: Set(STATUSES[usize::from(c.status)].into()),
            closure_reason: Set((c.status == 3).then(|| "resolved".into())),
            closed_at: Set(closed_at(c, plan.now).map(ts)),
            lead_agency_id: Set(ctx.agencies[usize::from(c.lead)]),
            owner_id: Set(Some(owner)),
            risk_level: Set(risk_name(c.risk).into()),
            next_review_at: Set(Some(ts(if reviewed {
                c.created + 2 * first
            } else {
                c.created + first
            }))),
            police_intelligence: Set(
                (c.lead == POLICE).then(|| format!("Intelligence log {}: associates noted", n))
            ),
            tenancy_details: Set(
                (c.lead == HOUSING).then(|| "Assured tenancy; one prior warning letter".into())
            ),
            health_safeguarding_notes: Set(
                (c.risk == 2).then(|| "Adult safeguarding referral made".into())
            ),
            version: Set(if reviewed { 2 } else { 1 }),
            created_at: Set(ts(c.created)),
            updated_at: Set(ts(updated)),
            created_by: Set(Some(owner)),
            updated_by: Set(Some(owner)),
        }
    });
    e.table("asb_case", rows)
}

pub fn case_children(plan: &Plan, ctx: &Context, e: &mut Emitter<'_>) -> bool {
    let case_id = |n: usize| ctx.id(kind::CASE, n as u64);
    let parties = plan.cases.iter().enumerate().flat_map(|(n, c)| {
        let owner = ctx.owners[usize::from(c.lead)];
        [
            (0, "victim", c.victim),
            (1, "perpetrator", c.perpetrator),
            (2, "witness", c.witness),
        ]
        .into_iter()
        .filter(|(_, _, p)| *p != NONE)
        .map(move |(k, role, p)| case_party::ActiveModel {
            id: Set(ctx.id(kind::CASE_PARTY, 3 * n as u64 + k)),
            case_id: Set(case_id(n)),
            person_id: Set(ctx.id(kind::PERSON, p.into())),
            role: Set(role.into()),
            created_at: Set(ts(c.created)),
            updated_at: Set(ts(c.created)),
            created_by: Set(Some(owner)),
            updated_by: Set(Some(owner)),
        })
    });
    if !e.table("case_party", parties) {
        return false;
    }
    let places = plan
        .cases
        .iter()
        .enumerate()
        .map(|(n, c)| case_location::ActiveModel {
            case_id: Set(case_id(n)),
            location_id: Set(ctx.id(kind::LOCATION, c.location.into())),
            created_at: Set(ts(c.created)),
            created_by: Set(Some(ctx.owners[usize::from(c.lead)])),
        });
    if !e.table("case_location", places) {
        return false;
    }
    let shares = plan.cases.iter().enumerate().flat_map(|(n, c)| {
        let with_support = (c.risk == 2).then_some(VICTIM_SUPPORT);
        [(0, c.shared_with), (1, with_support)]
            .into_iter()
            .filter_map(|(k, a)| a.map(|a| (k, a)))
            .map(move |(k, agency)| {
                let at = ts(c.created + 2 * 3600);
                case_share::ActiveModel {
                    id: Set(ctx.id(kind::SHARE, 2 * n as u64 + k)),
                    case_id: Set(case_id(n)),
                    agency_id: Set(ctx.agencies[usize::from(agency)]),
                    legal_basis: Set("Crime and Disorder Act 1998 s.115".into()),
                    shared_by: Set(ctx.owners[usize::from(c.lead)]),
                    shared_at: Set(at),
                    revoked_at: Set(None),
                    revoked_by: Set(None),
                    revoke_reason: Set(None),
                    created_at: Set(at),
                    updated_at: Set(at),
                }
            })
    });
    if !e.table("case_share", shares) {
        return false;
    }
    actions_and_notes(plan, ctx, e) && assessments_and_reviews(plan, ctx, e)
}

const ACTIONS: &[&str] = &[
    "Visit the victim and complete diary sheets",
    "Send a warning letter to the perpetrator",
    "Joint visit with the housing officer",
    "Review CCTV coverage with the council",
];

fn actions_and_notes(plan: &Plan, ctx: &Context, e: &mut Emitter<'_>) -> bool {
    let now = plan.now;
    let actions = plan.cases.iter().enumerate().flat_map(|(n, c)| {
        let owner = ctx.owners[usize::from(c.lead)];
        (0..u64::from(c.actions)).map(move |a| {
            let due = c.created + (14 + 14 * a as i64) * DAY;
            // Closed cases finished their plans; elsewhere the first actions are done when due
            // and the rest are still planned, some of them overdue.
            let done = c.status == 3 || (a == 0 && due < now && n % 3 != 0);
            let completed = done.then(|| ts(due.min(now - DAY).max(c.created)));
            case_action::ActiveModel {
                id: Set(ctx.id(kind::ACTION, 4 * n as u64 + a)),
                case_id: Set(ctx.id(kind::CASE, n as u64)),
                description: Set(ACTIONS[a as usize % ACTIONS.len()].into()),
                owner_agency_id: Set(ctx.agencies[usize::from(c.lead)]),
                owner_id: Set(Some(owner)),
                due_date: Set(date(due)),
                status: Set(if done { "done" } else { "planned" }.into()),
                completion_note: Set(done.then(|| "Completed as planned".into())),
                completed_at: Set(completed),
                version: Set(1),
                created_at: Set(ts(c.created)),
                updated_at: Set(completed.unwrap_or(ts(c.created))),
                created_by: Set(Some(owner)),
                updated_by: Set(Some(owner)),
            }
        })
    });
    if !e.table("case_action", actions) {
        return false;
    }
    let notes = plan.cases.iter().enumerate().map(|(n, c)| {
        let owner = ctx.owners[usize::from(c.lead)];
        case_note::ActiveModel {
            id: Set(ctx.id(kind::NOTE, n as u64)),
            case_id: Set(ctx.id(kind::CASE, n as u64)),
            author_id: Set(owner),
            body: Set("Case opened after repeat calls; victim visited and reassured.".into()),
            corrects_note_id: Set(None),
            created_at: Set(ts(c.created)),
            updated_at: Set(ts(c.created)),
            created_by: Set(Some(owner)),
            updated_by: Set(Some(owner)),
        }
    });
    e.table("case_note", notes)
}

fn assessments_and_reviews(plan: &Plan, ctx: &Context, e: &mut Emitter<'_>) -> bool {
    let assessments = plan.cases.iter().enumerate().map(|(n, c)| {
        let (answers, score) = &ctx.profiles[usize::from(c.risk)];
        let at = ts(c.created + 3600);
        risk_assessment::ActiveModel {
            id: Set(ctx.id(kind::ASSESSMENT, n as u64)),
            person_id: Set(ctx.id(kind::PERSON, c.victim.into())),
            incident_id: Set(None),
            case_id: Set(Some(ctx.id(kind::CASE, n as u64))),
            questionnaire_version_id: Set(ctx.questionnaire_version),
            answers: Set(answers.clone()),
            score: Set(*score),
            computed_level: Set(risk_name(c.risk).into()),
            override_level: Set(None),
            override_reason: Set(None),
            level: Set(risk_name(c.risk).into()),
            assessed_by: Set(ctx.owners[usize::from(c.lead)]),
            assessed_by_agency_id: Set(ctx.agencies[usize::from(c.lead)]),
            assessed_at: Set(at),
            valid_until: Set(crate::domain::risk::valid_until(at, ctx.validity_days)),
        }
    });
    if !e.table("risk_assessment", assessments) {
        return false;
    }
    let now = plan.now;
    let reviews = plan
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.reviewed(now))
        .map(|(n, c)| {
            let first = FIRST_REVIEW_DAYS[usize::from(c.risk)] * DAY;
            case_review::ActiveModel {
                id: Set(ctx.id(kind::REVIEW, n as u64)),
                case_id: Set(ctx.id(kind::CASE, n as u64)),
                reviewer_id: Set(ctx.supervisor),
                reviewer_agency_id: Set(ctx.agencies[usize::from(POLICE)]),
                outcome: Set("approved".into()),
                comment: Set("Plan reviewed; actions proportionate".into()),
                level: Set("supervisor".into()),
                risk_level: Set(risk_name(c.risk).into()),
                step: Set(0),
                case_version: Set(2),
                next_review_at: Set(ts(c.created + 2 * first)),
                created_at: Set(ts(review_at(c))),
            }
        });
    e.table("case_review", reviews)
}
