//! The demonstration partnership: four agencies, one user per role, and a few dozen people,
//! incidents and cases, so the API has something to show. Ids are deterministic and rows are
//! inserted only when missing, so seeding twice duplicates nothing.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, TransactionTrait,
    sea_query::OnConflict,
};
use uuid::Uuid;

use super::{demo_id, matrix};
use crate::{
    auth::passwords,
    configuration::Settings,
    error::{AppError, AppResult},
};

pub struct Agency {
    pub key: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
}

pub const AGENCIES: &[Agency] = &[
    Agency {
        key: "police",
        name: "Northshire Police",
        kind: "police",
    },
    Agency {
        key: "council",
        name: "Eastbrook District Council",
        kind: "council",
    },
    Agency {
        key: "housing",
        name: "Riverside Homes Housing Association",
        kind: "housing",
    },
    Agency {
        key: "victimsupport",
        name: "Northshire Victim Support",
        kind: "victim_support",
    },
    Agency {
        key: "hub",
        name: "Partnership Hub Team",
        kind: "other",
    },
];

/// (email, display name, agency key, role, team, dedicated vulnerable-victim officer)
pub const USERS: &[(&str, &str, &str, &str, &str, bool)] = &[
    (
        "officer@police.demo",
        "PC Sam Okafor",
        "police",
        "police_officer",
        "Eastbrook SNT",
        false,
    ),
    (
        "supervisor@police.demo",
        "Sgt Priya Shah",
        "police",
        "police_supervisor",
        "Eastbrook SNT",
        false,
    ),
    (
        "housing.officer@housing.demo",
        "Dan Whitfield",
        "housing",
        "housing_officer",
        "Tenancy Enforcement",
        false,
    ),
    (
        "asb.officer@council.demo",
        "Lucy Marr",
        "council",
        "council_asb_officer",
        "Community Safety",
        false,
    ),
    (
        "caseworker@victimsupport.demo",
        "Amira Haddad",
        "victimsupport",
        "victim_caseworker",
        "Vulnerable Victims",
        true,
    ),
    (
        "admin@hub.demo",
        "Hub Administrator",
        "hub",
        "administrator",
        "Hub Team",
        false,
    ),
    (
        "auditor@hub.demo",
        "Data Protection Officer",
        "hub",
        "auditor",
        "Information Governance",
        false,
    ),
    (
        "dpo@police.demo",
        "Ruth Adeyemi",
        "police",
        "data_protection_officer",
        "Information Management",
        false,
    ),
    (
        "dpo@council.demo",
        "Tom Bellamy",
        "council",
        "data_protection_officer",
        "Information Governance",
        false,
    ),
];

pub const INTERVENTION_TOOLS: &[(&str, &str, bool, Option<i32>)] = &[
    ("ABC", "Acceptable Behaviour Contract", false, None),
    ("CPW", "Community Protection Warning", true, None),
    ("CPN", "Community Protection Notice", true, None),
    ("CIVIL_INJUNCTION", "Civil Injunction", true, None),
    ("CBO", "Criminal Behaviour Order", true, None),
    ("DISPERSAL", "Dispersal direction", true, Some(2)),
    (
        "PSPO",
        "Public Spaces Protection Order",
        true,
        Some(3 * 365),
    ),
    ("CLOSURE_NOTICE", "Closure Notice", true, Some(2)),
    ("CLOSURE_ORDER", "Closure Order", true, Some(90)),
    ("POSSESSION", "Possession proceedings", true, None),
];

pub(crate) const GIVEN: &[&str] = &[
    "Margaret", "John", "Aisha", "Tomasz", "Grace", "Oliver", "Fatima", "David", "Chloe",
    "Mohammed", "Eileen", "Liam", "Sofia", "Kwame", "Hannah", "Robert", "Zara", "Patrick", "Mei",
    "Gareth",
];
pub(crate) const FAMILY: &[&str] = &[
    "Thompson", "Walsh", "Begum", "Nowak", "Adeyemi", "Hughes", "Khan", "Price", "Morgan", "Ali",
    "Fletcher", "O'Brien", "Rossi", "Mensah", "Clarke", "Evans", "Hussain", "Doyle", "Chen",
    "Lloyd",
];
pub(crate) const STREETS: &[(&str, &str, &str)] = &[
    ("Alder Court", "EB1 2AB", "Castle Ward"),
    ("Brook Street", "EB1 3CD", "Castle Ward"),
    ("Canal View", "EB2 4EF", "Riverside Ward"),
    ("Dyers Lane", "EB2 5GH", "Riverside Ward"),
    ("Elm Tower", "EB3 6JK", "Northgate Ward"),
    ("Foundry Road", "EB3 7LM", "Northgate Ward"),
    ("Glebe Close", "EB4 8NP", "Millfield Ward"),
    ("Hartley Gardens", "EB4 9QR", "Millfield Ward"),
    ("Ivy Parade", "EB5 1ST", "Station Ward"),
    ("Jubilee Walk", "EB5 2UV", "Station Ward"),
    ("Kestrel Park", "EB6 3WX", "Parkside Ward"),
    ("Linden Row", "EB6 4YZ", "Parkside Ward"),
];
/// (category, sub-type, description)
pub(crate) const INCIDENT_KINDS: &[(&str, &str, &str)] = &[
    (
        "personal",
        "harassment",
        "Neighbour shouting abuse at the caller on the landing",
    ),
    (
        "personal",
        "intimidation",
        "Group blocking the caller's door and filming her",
    ),
    (
        "personal",
        "hate",
        "Racist graffiti written on the caller's front door",
    ),
    (
        "nuisance",
        "noise",
        "Loud music and parties until 4am from the flat above",
    ),
    (
        "nuisance",
        "rowdy_behaviour",
        "Youths kicking a football against parked cars and shouting",
    ),
    (
        "nuisance",
        "drug_activity",
        "Suspected drug dealing in the stairwell",
    ),
    (
        "environmental",
        "fly_tipping",
        "Mattresses and rubbish dumped behind the garages",
    ),
    (
        "environmental",
        "graffiti",
        "Graffiti on the play area and bus shelter",
    ),
    (
        "environmental",
        "abandoned_vehicle",
        "Burnt-out car left on the verge",
    ),
];
pub(crate) const CHANNELS: &[&str] = &["phone", "online", "in_person", "partner_referral"];

/// A small deterministic generator, so the demo is the same on every machine.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() as usize) % items.len()]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Loads the demo partnership. Returns a one-line summary.
pub async fn seed(db: &DatabaseConnection, settings: &Settings) -> AppResult<String> {
    // Hash before the transaction: argon2 is deliberately slow.
    let hash = passwords::hash(settings.demo_password.expose().to_string()).await?;
    let txn = db.begin().await?;
    let now = Utc::now();
    let inserted = seed_in(&txn, &hash, now).await.map_err(AppError::from)?
        + super::safety::seed(&txn, now).await?;
    let inserted = inserted + super::questionnaire::seed(&txn, now).await?;
    let inserted = inserted + super::retention::seed(&txn, now).await?;
    txn.commit().await?;
    Ok(format!(
        "demo data: {inserted} rows added ({} agencies, {} users defined)",
        AGENCIES.len(),
        USERS.len()
    ))
}

pub(super) async fn insert_missing<E, A, C>(
    db: &C,
    models: Vec<A>,
    pk: impl sea_orm::sea_query::IntoIden,
) -> Result<u64, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    if models.is_empty() {
        return Ok(0);
    }
    let n = models.len() as u64;
    let res = E::insert_many(models)
        .on_conflict(OnConflict::column(pk).do_nothing().to_owned())
        .exec_without_returning(db)
        .await;
    match res {
        Ok(rows) => Ok(rows),
        Err(DbErr::RecordNotInserted) => Ok(0),
        Err(e) => Err(e).map(|_: ()| n),
    }
}

async fn seed_in<C: ConnectionTrait>(
    db: &C,
    password_hash: &str,
    now: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    use entity::*;
    let mut total = 0;

    total += insert_missing(
        db,
        AGENCIES
            .iter()
            .map(|a| agency::ActiveModel {
                id: Set(demo_id("agency", a.key)),
                name: Set(a.name.into()),
                kind: Set(a.kind.into()),
                disabled: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                created_by: Set(None),
                updated_by: Set(None),
            })
            .collect(),
        agency::Column::Id,
    )
    .await?;

    total += insert_missing(
        db,
        matrix::ROLES
            .iter()
            .map(|r| role::ActiveModel {
                id: Set(demo_id("role", r.name)),
                name: Set(r.name.into()),
                description: Set(r.description.into()),
                created_at: Set(now),
                updated_at: Set(now),
                created_by: Set(None),
                updated_by: Set(None),
            })
            .collect(),
        role::Column::Id,
    )
    .await?;

    // Permissions of the demo roles are inserted once; an administrator's later changes stay.
    let mut ops = Vec::new();
    let mut fields = Vec::new();
    for r in matrix::ROLES {
        let role_id = demo_id("role", r.name);
        for op in r.operations {
            ops.push(role_operation::ActiveModel {
                role_id: Set(role_id),
                operation: Set(op.as_str().into()),
                created_at: Set(now),
                created_by: Set(None),
            });
        }
        for (t, f, write) in (r.grants)() {
            fields.push(role_field_permission::ActiveModel {
                role_id: Set(role_id),
                type_name: Set(t.into()),
                field_name: Set(f.into()),
                can_read: Set(true),
                can_write: Set(write),
                created_at: Set(now),
                updated_at: Set(now),
                updated_by: Set(None),
            });
        }
    }
    total += insert_many_ignore(db, ops).await?;
    for chunk in chunks(fields, 200) {
        total += insert_many_ignore(db, chunk).await?;
    }

    total += insert_missing(
        db,
        USERS
            .iter()
            .map(
                |(email, name, agency, _, team, vvo)| app_user::ActiveModel {
                    id: Set(demo_id("user", email)),
                    agency_id: Set(demo_id("agency", agency)),
                    email: Set((*email).into()),
                    display_name: Set((*name).into()),
                    password_hash: Set(Some(password_hash.into())),
                    disabled: Set(false),
                    external_subject: Set(None),
                    team: Set(Some((*team).into())),
                    is_vulnerable_victim_officer: Set(*vvo),
                    created_at: Set(now),
                    updated_at: Set(now),
                    created_by: Set(None),
                    updated_by: Set(None),
                },
            )
            .collect(),
        app_user::Column::Id,
    )
    .await?;
    total += insert_many_ignore(
        db,
        USERS
            .iter()
            .map(|(email, _, _, role, _, _)| user_role::ActiveModel {
                user_id: Set(demo_id("user", email)),
                role_id: Set(demo_id("role", role)),
                created_at: Set(now),
                created_by: Set(None),
            })
            .collect(),
    )
    .await?;

    total += insert_missing(
        db,
        INTERVENTION_TOOLS
            .iter()
            .map(
                |(code, name, statutory, max)| intervention_tool::ActiveModel {
                    id: Set(demo_id("tool", code)),
                    code: Set((*code).into()),
                    name: Set((*name).into()),
                    statutory: Set(*statutory),
                    max_duration_days: Set(*max),
                    active: Set(true),
                    created_at: Set(now),
                    updated_at: Set(now),
                    created_by: Set(None),
                    updated_by: Set(None),
                },
            )
            .collect(),
        intervention_tool::Column::Id,
    )
    .await?;

    total += seed_casework(db, now).await?;
    Ok(total)
}

fn chunks<T>(mut v: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    while v.len() > size {
        let rest = v.split_off(size);
        out.push(v);
        v = rest;
    }
    if !v.is_empty() {
        out.push(v);
    }
    out
}

/// Inserts rows whose composite key may already exist.
async fn insert_many_ignore<E, A, C>(db: &C, models: Vec<A>) -> Result<u64, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    if models.is_empty() {
        return Ok(0);
    }
    let pk: Vec<_> = <E::PrimaryKey as sea_orm::Iterable>::iter()
        .map(sea_orm::PrimaryKeyToColumn::into_column)
        .collect();
    let res = E::insert_many(models)
        .on_conflict(OnConflict::columns(pk).do_nothing().to_owned())
        .exec_without_returning(db)
        .await;
    match res {
        Ok(rows) => Ok(rows),
        Err(DbErr::RecordNotInserted) => Ok(0),
        Err(e) => Err(e),
    }
}

/// People, locations, incidents and cases.
async fn seed_casework<C: ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    use entity::*;
    let mut rng = Lcg(20_261_127);
    let mut total = 0;
    let police = demo_id("agency", "police");
    let council = demo_id("agency", "council");
    let housing = demo_id("agency", "housing");
    let victim_support = demo_id("agency", "victimsupport");
    let officer = demo_id("user", "officer@police.demo");
    let housing_officer = demo_id("user", "housing.officer@housing.demo");
    let council_officer = demo_id("user", "asb.officer@council.demo");
    // A fixed "today" for the story, relative to when the seed runs, so windows stay meaningful.
    let today = now.date_naive();

    let locations: Vec<Uuid> = (0..STREETS.len()).map(|i| demo_id("location", i)).collect();
    total += insert_missing(
        db,
        STREETS
            .iter()
            .enumerate()
            .map(|(i, (street, postcode, ward))| location::ActiveModel {
                id: Set(locations[i]),
                address: Set(format!("{} {street}, Eastbrook", 1 + i * 3)),
                premises_name: Set(None),
                postcode: Set((*postcode).into()),
                ward: Set(Some((*ward).into())),
                latitude: Set(Some(52.60 + i as f64 * 0.004)),
                longitude: Set(Some(-1.30 - i as f64 * 0.003)),
                created_by_agency_id: Set(if i % 2 == 0 { police } else { council }),
                created_at: Set(now),
                updated_at: Set(now),
                created_by: Set(None),
                updated_by: Set(None),
            })
            .collect(),
        location::Column::Id,
    )
    .await?;

    const PEOPLE: usize = 36;
    let people: Vec<Uuid> = (0..PEOPLE).map(|i| demo_id("person", i)).collect();
    let mut person_models = Vec::new();
    for (i, id) in people.iter().enumerate() {
        let (street, postcode, _) = STREETS[i % STREETS.len()];
        let age = 16 + rng.below(70) as i32;
        let dob =
            NaiveDate::from_ymd_opt(today.year() - age, 1 + (i as u32 % 12), 1 + (i as u32 % 27));
        let vulnerable = i % 5 == 0;
        person_models.push(person::ActiveModel {
            id: Set(*id),
            given_name: Set(GIVEN[i % GIVEN.len()].into()),
            family_name: Set(FAMILY[(i * 7) % FAMILY.len()].into()),
            date_of_birth: Set(dob),
            address: Set(Some(format!(
                "Flat {}, {} {street}, Eastbrook",
                1 + i % 9,
                1 + (i % STREETS.len()) * 3
            ))),
            postcode: Set(Some(postcode.into())),
            phone: Set(Some(format!("07700 900{:03}", i))),
            email: Set((i % 3 == 0).then(|| format!("resident{i}@example.org"))),
            preferred_contact: Set(Some(if i % 3 == 0 { "email" } else { "phone" }.into())),
            vulnerability_personal: Set(
                vulnerable.then(|| "Lives with a long-term mental health condition".into())
            ),
            vulnerability_situational: Set(
                (i % 4 == 0).then(|| "Lives alone; targeted at home".into())
            ),
            vulnerability_incidental: Set((i % 7 == 0).then(|| "Hate-motivated incidents".into())),
            consent_to_share: Set(Some(i % 6 != 0)),
            consent_lawful_basis: Set(Some(
                if i % 6 != 0 { "consent" } else { "public_task" }.into(),
            )),
            consent_date: Set(Some(today - Duration::days(30 + i as i64))),
            created_by_agency_id: Set(match i % 4 {
                0 | 1 => police,
                2 => housing,
                _ => council,
            }),
            merged_into_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            created_by: Set(None),
            updated_by: Set(None),
        });
    }
    total += insert_missing(db, person_models, person::Column::Id).await?;

    // Cases: lead agencies rotate; some are shared.
    const CASES: usize = 12;
    let year = today.year();
    let mut case_models = Vec::new();
    let mut party_models = Vec::new();
    let mut share_models = Vec::new();
    let mut action_models = Vec::new();
    let mut note_models = Vec::new();
    for c in 0..CASES {
        let id = demo_id("case", c);
        let (lead, owner) = match c % 3 {
            0 => (police, officer),
            1 => (housing, housing_officer),
            _ => (council, council_officer),
        };
        let (category, sub_type, description) = INCIDENT_KINDS[(c * 2) % INCIDENT_KINDS.len()];
        let risk = match c % 4 {
            0 => "high",
            1 | 2 => "medium",
            _ => "standard",
        };
        let status = match c % 5 {
            0 | 1 => "active",
            2 => "open",
            3 => "monitoring",
            _ => "closed",
        };
        let opened = now - Duration::days(10 + (c as i64) * 9);
        let victim = people[c * 2];
        let perpetrator = people[c * 2 + 1];
        case_models.push(asb_case::ActiveModel {
            id: Set(id),
            reference: Set(format!("ASB-{year}-{:06}", c + 1)),
            title: Set(format!(
                "{} at {}",
                sub_type.replace('_', " "),
                STREETS[c % STREETS.len()].0
            )),
            summary: Set(description.into()),
            category: Set(category.into()),
            status: Set(status.into()),
            closure_reason: Set((status == "closed").then(|| "resolved".into())),
            closed_at: Set((status == "closed").then_some(now - Duration::days(2))),
            lead_agency_id: Set(lead),
            owner_id: Set(Some(owner)),
            risk_level: Set(risk.into()),
            next_review_at: Set(Some(
                opened + Duration::days(if risk == "high" { 14 } else { 28 }),
            )),
            police_intelligence: Set(Some(format!(
                "Intelligence log {}: known associates recorded",
                4000 + c
            ))),
            tenancy_details: Set(
                (c % 3 == 1).then(|| "Assured tenancy since 2019; one prior warning letter".into())
            ),
            health_safeguarding_notes: Set(
                (c % 4 == 0).then(|| "Adult safeguarding referral made".into())
            ),
            version: Set(1),
            created_at: Set(opened),
            updated_at: Set(opened),
            created_by: Set(Some(owner)),
            updated_by: Set(Some(owner)),
        });
        for (role, person) in [("victim", victim), ("perpetrator", perpetrator)] {
            party_models.push(case_party::ActiveModel {
                id: Set(demo_id("case_party", format!("{c}:{role}"))),
                case_id: Set(id),
                person_id: Set(person),
                role: Set(role.into()),
                created_at: Set(opened),
                updated_at: Set(opened),
                created_by: Set(Some(owner)),
                updated_by: Set(Some(owner)),
            });
        }
        if c % 2 == 0 {
            let with = if lead == police { housing } else { police };
            for agency in [with, victim_support] {
                share_models.push(case_share::ActiveModel {
                    id: Set(demo_id("case_share", format!("{c}:{agency}"))),
                    case_id: Set(id),
                    agency_id: Set(agency),
                    legal_basis: Set("Crime and Disorder Act 1998 s.115".into()),
                    shared_by: Set(owner),
                    shared_at: Set(opened + Duration::hours(2)),
                    revoked_at: Set(None),
                    revoked_by: Set(None),
                    revoke_reason: Set(None),
                    created_at: Set(opened),
                    updated_at: Set(opened),
                });
            }
        }
        for a in 0..2 {
            let due = today + Duration::days(if a == 0 { -3 } else { 10 } + c as i64);
            action_models.push(case_action::ActiveModel {
                id: Set(demo_id("case_action", format!("{c}:{a}"))),
                case_id: Set(id),
                description: Set(if a == 0 {
                    "Visit the victim and complete diary sheets".into()
                } else {
                    "Send a warning letter to the perpetrator".into()
                }),
                owner_agency_id: Set(lead),
                owner_id: Set(Some(owner)),
                due_date: Set(due),
                status: Set(if a == 0 && c % 2 == 0 {
                    "done"
                } else {
                    "planned"
                }
                .into()),
                completion_note: Set(
                    (a == 0 && c % 2 == 0).then(|| "Visited; diary sheets left".into())
                ),
                completed_at: Set((a == 0 && c % 2 == 0).then_some(now - Duration::days(1))),
                version: Set(1),
                created_at: Set(opened),
                updated_at: Set(opened),
                created_by: Set(Some(owner)),
                updated_by: Set(Some(owner)),
            });
        }
        note_models.push(case_note::ActiveModel {
            id: Set(demo_id("case_note", c)),
            case_id: Set(id),
            author_id: Set(owner),
            body: Set("Case opened after repeat calls; victim visited and reassured.".into()),
            corrects_note_id: Set(None),
            created_at: Set(opened),
            updated_at: Set(opened),
            created_by: Set(Some(owner)),
            updated_by: Set(Some(owner)),
        });
    }
    total += insert_missing(db, case_models, asb_case::Column::Id).await?;
    total += insert_missing(db, party_models, case_party::Column::Id).await?;
    total += insert_missing(db, share_models, case_share::Column::Id).await?;
    total += insert_missing(db, action_models, case_action::Column::Id).await?;
    total += insert_missing(db, note_models, case_note::Column::Id).await?;

    // Keep the reference counter ahead of the demo references.
    total += insert_missing(
        db,
        vec![case_reference_counter::ActiveModel {
            year: Set(year),
            last_value: Set(CASES as i64),
        }],
        case_reference_counter::Column::Year,
    )
    .await?;

    // Incidents: several per case (repeat victims), and a few without a case yet.
    const INCIDENTS: usize = 48;
    let mut incident_models = Vec::new();
    let mut incident_parties = Vec::new();
    for n in 0..INCIDENTS {
        let id = demo_id("incident", n);
        let case = (n < 36).then_some(n % CASES);
        let victim_idx = match case {
            Some(c) => c * 2,
            None => 24 + (n % 12),
        };
        let (category, sub_type, description) = match case {
            Some(c) => INCIDENT_KINDS[(c * 2) % INCIDENT_KINDS.len()],
            None => *rng.pick(INCIDENT_KINDS),
        };
        let days_ago = 2 + rng.below(300) as i64;
        let occurred = Utc.from_utc_datetime(
            &(today - Duration::days(days_ago))
                .and_hms_opt(19 + (n % 4) as u32, 15, 0)
                .unwrap_or_default(),
        );
        let reporting = match n % 4 {
            0 | 1 => police,
            2 => housing,
            _ => council,
        };
        incident_models.push(incident::ActiveModel {
            id: Set(id),
            occurred_at: Set(occurred),
            reported_at: Set(occurred + Duration::hours(1 + (n % 30) as i64)),
            channel: Set((*rng.pick(CHANNELS)).into()),
            reporting_agency_id: Set(reporting),
            category: Set(category.into()),
            sub_type: Set(sub_type.into()),
            description: Set(description.into()),
            location_id: Set(Some(locations[victim_idx % STREETS.len()])),
            police_reference: Set(
                (reporting == police).then(|| format!("NP/{year}/{:05}", 1000 + n))
            ),
            case_id: Set(case.map(|c| demo_id("case", c))),
            hate_motivated: Set(sub_type == "hate"),
            created_at: Set(occurred),
            updated_at: Set(occurred),
            created_by: Set(None),
            updated_by: Set(None),
        });
        for (part, person) in [
            ("victim", people[victim_idx]),
            ("perpetrator", people[(victim_idx + 1) % PEOPLE]),
        ] {
            incident_parties.push(incident_party::ActiveModel {
                id: Set(demo_id("incident_party", format!("{n}:{part}"))),
                incident_id: Set(id),
                person_id: Set(person),
                part: Set(part.into()),
                created_at: Set(occurred),
                created_by: Set(None),
            });
        }
    }
    total += insert_missing(db, incident_models, incident::Column::Id).await?;
    total += insert_missing(db, incident_parties, incident_party::Column::Id).await?;
    Ok(total)
}
