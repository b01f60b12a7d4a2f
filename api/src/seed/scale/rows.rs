//! People, places, incidents, their parties and what detection flagged.

use chrono::{Datelike, Duration};
use entity::{incident, incident_flag, incident_party, location, person, victim_flag};
use sea_orm::ActiveValue::Set;

use super::{
    emit::{Context, Emitter, date, kind, ts},
    plan::{DAY, NONE, POLICE, Plan, SPAN_DAYS, home},
    rng::Rng,
};
use crate::seed::demo::{CHANNELS, FAMILY, GIVEN, INCIDENT_KINDS, STREETS};

const TOWN: &str = "Eastbrook";
/// Letters allowed in the inward part of a UK postcode.
const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// (address, postcode, ward) of location `i`.
pub fn place(i: u32) -> (String, String, &'static str) {
    let (street, postcode, ward) = STREETS[i as usize % STREETS.len()];
    let n = i as usize / STREETS.len();
    let district = postcode.split(' ').next().unwrap_or("EB1");
    let inward = format!(
        "{}{}{}",
        n % 10,
        INWARD[(n / 10) % INWARD.len()] as char,
        INWARD[(n / 200) % INWARD.len()] as char
    );
    (
        format!("{} {street}, {TOWN}", n + 1),
        format!("{district} {inward}"),
        ward,
    )
}

pub fn people_and_places(plan: &Plan, ctx: &Context, e: &mut Emitter<'_>) -> bool {
    let created = ts(plan.now - SPAN_DAYS * DAY - DAY);
    let locations = (0..plan.sizes.locations).map(|i| {
        let (address, postcode, ward) = place(i);
        location::ActiveModel {
            id: Set(ctx.id(kind::LOCATION, i.into())),
            address: Set(address),
            premises_name: Set((i % 40 == 0).then(|| format!("{TOWN} Community Centre {i}"))),
            postcode: Set(postcode),
            ward: Set(Some(ward.into())),
            latitude: Set(Some(52.55 + f64::from(i % 1000) * 0.0002)),
            longitude: Set(Some(-1.35 + f64::from(i / 1000 % 1000) * 0.0002)),
            created_by_agency_id: Set(ctx.agencies[(i % 2) as usize]),
            created_at: Set(created),
            updated_at: Set(created),
            created_by: Set(None),
            updated_by: Set(None),
        }
    });
    if !e.table("location", locations) {
        return false;
    }
    let today = date(plan.now);
    let people = (0..plan.sizes.people).map(|i| {
        let mut r = Rng::new(ctx.seed ^ u64::from(i).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let (address, postcode, _) = place(home(&plan.sizes, i));
        let age = 16 + r.below(75) as i32;
        let dob = chrono::NaiveDate::from_ymd_opt(
            today.year() - age,
            1 + r.below(12) as u32,
            1 + r.below(28) as u32,
        );
        let consent = r.chance(0.8);
        person::ActiveModel {
            id: Set(ctx.id(kind::PERSON, i.into())),
            given_name: Set(GIVEN[r.below(GIVEN.len() as u64) as usize].into()),
            family_name: Set(FAMILY[r.below(FAMILY.len() as u64) as usize].into()),
            date_of_birth: Set(dob),
            address: Set(Some(format!("Flat {}, {address}", 1 + r.below(12)))),
            postcode: Set(Some(postcode)),
            phone: Set(Some(format!("07700 9{:05}", i % 100_000))),
            email: Set(r.chance(0.4).then(|| format!("resident{i}@example.org"))),
            preferred_contact: Set(Some(if r.chance(0.4) { "email" } else { "phone" }.into())),
            vulnerability_personal: Set(r
                .chance(0.15)
                .then(|| "Lives with a long-term health condition".into())),
            vulnerability_situational: Set(r
                .chance(0.2)
                .then(|| "Lives alone; targeted at home".into())),
            vulnerability_incidental: Set(None),
            consent_to_share: Set(Some(consent)),
            consent_lawful_basis: Set(Some(if consent { "consent" } else { "public_task" }.into())),
            consent_date: Set(Some(today - Duration::days(30 + r.below(900) as i64))),
            created_by_agency_id: Set(ctx.agencies[usize::from(plan.person_agency[i as usize])]),
            merged_into_id: Set(None),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(created),
            created_by: Set(None),
            updated_by: Set(None),
        }
    });
    e.table("person", people)
}

pub fn incidents(plan: &Plan, ctx: &Context, e: &mut Emitter<'_>) -> bool {
    let rows = plan.incidents.iter().enumerate().map(|(j, inc)| {
        let (category, sub_type, description) = INCIDENT_KINDS[usize::from(inc.kind)];
        let occurred = ts(inc.at);
        let reported = ts(inc.at + i64::from(inc.report_delay_min) * 60);
        incident::ActiveModel {
            id: Set(ctx.id(kind::INCIDENT, j as u64)),
            occurred_at: Set(occurred),
            reported_at: Set(reported),
            channel: Set(CHANNELS[usize::from(inc.channel)].into()),
            reporting_agency_id: Set(ctx.agencies[usize::from(inc.agency)]),
            category: Set(category.into()),
            sub_type: Set(sub_type.into()),
            description: Set(description.into()),
            location_id: Set(Some(ctx.id(kind::LOCATION, inc.location.into()))),
            police_reference: Set(
                (inc.agency == POLICE).then(|| format!("NP/{}/{j:07}", occurred.year()))
            ),
            case_id: Set((inc.case != NONE).then(|| ctx.id(kind::CASE, inc.case.into()))),
            hate_motivated: Set(sub_type == "hate"),
            created_at: Set(reported),
            updated_at: Set(reported),
            created_by: Set(None),
            updated_by: Set(None),
        }
    });
    if !e.table("incident", rows) {
        return false;
    }
    let parties = plan.incidents.iter().enumerate().flat_map(|(j, inc)| {
        let incident_id = ctx.id(kind::INCIDENT, j as u64);
        let at = ts(inc.at + i64::from(inc.report_delay_min) * 60);
        [
            (0, "victim", inc.victim),
            (1, "perpetrator", inc.perpetrator),
        ]
        .into_iter()
        .filter(|(_, _, p)| *p != NONE)
        .map(move |(n, part, p)| incident_party::ActiveModel {
            id: Set(ctx.id(kind::INCIDENT_PARTY, 2 * j as u64 + n)),
            incident_id: Set(incident_id),
            person_id: Set(ctx.id(kind::PERSON, p.into())),
            part: Set(part.into()),
            created_at: Set(at),
            created_by: Set(None),
        })
    });
    if !e.table("incident_party", parties) {
        return false;
    }
    flags(plan, ctx, e)
}

/// What detection would have stored when each incident was recorded, under the default rules
/// (2 in 365 days for victims and places; 3 complaints in 183 days for a Case Review).
fn flags(plan: &Plan, ctx: &Context, e: &mut Emitter<'_>) -> bool {
    let eligible = |n: u32| n >= 3;
    let basis = |n: u32| eligible(n).then(|| "complaints".to_string());
    let rows = plan.incidents.iter().enumerate().map(|(j, inc)| {
        let reported = ts(inc.at + i64::from(inc.report_delay_min) * 60);
        incident_flag::ActiveModel {
            incident_id: Set(ctx.id(kind::INCIDENT, j as u64)),
            occurred_at: Set(ts(inc.at)),
            location_id: Set(Some(ctx.id(kind::LOCATION, inc.location.into()))),
            is_repeat_victim: Set(inc.victim_count >= 2),
            repeat_victim_count: Set(inc.victim_count as i32),
            repeat_window_days: Set(365),
            is_repeat_location: Set(inc.location_count >= 2),
            repeat_location_count: Set(inc.location_count as i32),
            location_window_days: Set(365),
            case_review_eligible: Set(eligible(inc.review_count)),
            case_review_basis: Set(basis(inc.review_count)),
            detected_at: Set(reported),
        }
    });
    if !e.table("incident_flag", rows) {
        return false;
    }
    let rows = plan.incidents.iter().enumerate().map(|(j, inc)| {
        let reported = ts(inc.at + i64::from(inc.report_delay_min) * 60);
        victim_flag::ActiveModel {
            id: Set(ctx.id(kind::VICTIM_FLAG, j as u64)),
            incident_id: Set(ctx.id(kind::INCIDENT, j as u64)),
            person_id: Set(ctx.id(kind::PERSON, inc.victim.into())),
            occurred_at: Set(ts(inc.at)),
            incident_count: Set(inc.victim_count as i32),
            window_days: Set(365),
            is_repeat: Set(inc.victim_count >= 2),
            case_review_eligible: Set(eligible(inc.review_count)),
            case_review_basis: Set(basis(inc.review_count)),
            detected_at: Set(reported),
        }
    });
    e.table("victim_flag", rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_have_valid_looking_postcodes_and_distinct_addresses() {
        let all: std::collections::HashSet<String> = (0..50_000).map(|i| place(i).0).collect();
        assert_eq!(all.len(), 50_000);
        for i in [0, 13, 4999, 49_999] {
            let (_, postcode, _) = place(i);
            let (out, inward) = postcode.split_once(' ').expect("two parts");
            assert!(out.starts_with("EB"), "{postcode}");
            assert_eq!(inward.len(), 3, "{postcode}");
        }
    }
}
