//! The demo's default risk questionnaire and demo assessments of the case victims.
//!
//! Fifteen questions over personal vulnerability (age, disability, mental and physical health,
//! isolation), situation (living alone, targeted at home, how long and how often), impact (fear,
//! sleep, work, thoughts of moving or of self-harm) and hate motivation. Thoughts of self-harm
//! force high risk. Medium from 12, high from 22 (the referral figure one area uses).
//!
//! Each demo case's victim gets one assessment whose answers give the level the case already
//! has: three high (one forced by the self-harm rule), six medium and three standard, some of
//! them exactly at a threshold. No demo lead agency names a dedicated vulnerable-victim officer,
//! so the high cases wait in the vulnerable-victim queue. Rows are inserted only when missing.

use chrono::{DateTime, Duration, Utc};
use entity::{
    risk_assessment, risk_questionnaire, risk_questionnaire_version, vulnerable_victim_queue,
};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{demo::insert_missing, demo_id};
use crate::{
    domain::risk::{
        ChoiceOption, ForcedHigh, QuestionnaireSpec, RawAnswer, RawQuestion, RawQuestionnaire,
    },
    error::AppResult,
    service::risk::questionnaire::in_force,
};

pub const NAME: &str = "Northshire ASB victim risk assessment";
pub const MEDIUM: i32 = 12;
pub const HIGH: i32 = 22;

/// (key, text, yes weight) or (key, text, options as (value, label, weight)).
enum Q {
    YesNo(&'static str, &'static str, i32),
    Choice(
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str, i32)],
    ),
}

const QUESTIONS: &[Q] = &[
    Q::Choice(
        "age_band",
        "How old is the victim?",
        &[
            ("18_to_64", "18 to 64", 0),
            ("under_18", "Under 18", 3),
            ("65_to_79", "65 to 79", 2),
            ("80_or_over", "80 or over", 4),
        ],
    ),
    Q::YesNo(
        "disability",
        "Does the victim have a disability or a long-term illness?",
        3,
    ),
    Q::YesNo(
        "mental_health",
        "Does the victim have a mental health condition, or is the ASB affecting their mental health?",
        4,
    ),
    Q::YesNo(
        "physical_health",
        "Has the victim's physical health suffered because of the ASB?",
        2,
    ),
    Q::YesNo(
        "isolated",
        "Is the victim isolated, with little support from family, friends or neighbours?",
        3,
    ),
    Q::YesNo("lives_alone", "Does the victim live alone?", 2),
    Q::YesNo(
        "targeted_at_home",
        "Is the victim being targeted at or near their home?",
        3,
    ),
    Q::Choice(
        "duration",
        "How long has the ASB been going on?",
        &[
            ("under_1_month", "Less than a month", 0),
            ("1_to_6_months", "One to six months", 2),
            ("over_6_months", "More than six months", 4),
        ],
    ),
    Q::Choice(
        "frequency",
        "How often does it happen?",
        &[
            ("occasionally", "Once or occasionally", 0),
            ("weekly", "Weekly", 2),
            ("daily", "Daily or almost daily", 4),
        ],
    ),
    Q::YesNo(
        "fear",
        "Is the victim afraid to leave home, or afraid for their safety?",
        3,
    ),
    Q::YesNo("sleep", "Is the ASB affecting the victim's sleep?", 2),
    Q::YesNo(
        "work_or_school",
        "Is the ASB affecting the victim's work, school or daily routine?",
        2,
    ),
    Q::YesNo(
        "thinking_of_moving",
        "Is the victim thinking of moving home because of the ASB?",
        2,
    ),
    Q::YesNo(
        "self_harm",
        "Has the victim expressed thoughts of self-harm or suicide?",
        10,
    ),
    Q::YesNo(
        "hate_motivated",
        "Does the victim believe they are targeted because of who they are (race, religion, disability, sexual orientation or gender identity)?",
        4,
    ),
];

/// The default questionnaire.
pub fn default_spec() -> AppResult<QuestionnaireSpec> {
    QuestionnaireSpec::parse(RawQuestionnaire {
        questions: QUESTIONS
            .iter()
            .map(|q| match q {
                Q::YesNo(key, text, w) => RawQuestion {
                    key: (*key).into(),
                    text: (*text).into(),
                    yes_weight: Some(*w),
                    options: Vec::new(),
                },
                Q::Choice(key, text, options) => RawQuestion {
                    key: (*key).into(),
                    text: (*text).into(),
                    yes_weight: None,
                    options: options
                        .iter()
                        .map(|(value, label, weight)| ChoiceOption {
                            value: (*value).into(),
                            label: (*label).into(),
                            weight: *weight,
                        })
                        .collect(),
                },
            })
            .collect(),
        forced_high: vec![ForcedHigh {
            question_key: "self_harm".into(),
            answer: "yes".into(),
        }],
        medium_threshold: MEDIUM,
        high_threshold: HIGH,
        validity_days: None,
    })
}

/// The answers that differ from "no" / the first option, for demo case `c` (0..12). Scores:
/// high 26, 22 and forced (12); medium 13, 12, 15, 17, 19, 21; standard 3, 6, 11.
fn profile(c: usize) -> &'static [(&'static str, &'static str)] {
    match c {
        0 => &[
            ("age_band", "80_or_over"),
            ("disability", "yes"),
            ("isolated", "yes"),
            ("lives_alone", "yes"),
            ("targeted_at_home", "yes"),
            ("duration", "over_6_months"),
            ("frequency", "daily"),
            ("fear", "yes"),
        ],
        4 => &[
            ("mental_health", "yes"),
            ("targeted_at_home", "yes"),
            ("duration", "1_to_6_months"),
            ("frequency", "daily"),
            ("fear", "yes"),
            ("sleep", "yes"),
            ("hate_motivated", "yes"),
        ],
        8 => &[("self_harm", "yes"), ("sleep", "yes")],
        1 => &[
            ("age_band", "65_to_79"),
            ("lives_alone", "yes"),
            ("targeted_at_home", "yes"),
            ("duration", "1_to_6_months"),
            ("frequency", "weekly"),
            ("sleep", "yes"),
        ],
        2 => &[
            ("disability", "yes"),
            ("fear", "yes"),
            ("frequency", "weekly"),
            ("sleep", "yes"),
            ("work_or_school", "yes"),
        ],
        5 => &[
            ("mental_health", "yes"),
            ("isolated", "yes"),
            ("duration", "over_6_months"),
            ("frequency", "weekly"),
            ("thinking_of_moving", "yes"),
        ],
        6 => &[
            ("age_band", "under_18"),
            ("targeted_at_home", "yes"),
            ("duration", "1_to_6_months"),
            ("frequency", "daily"),
            ("fear", "yes"),
            ("thinking_of_moving", "yes"),
        ],
        9 => &[
            ("hate_motivated", "yes"),
            ("targeted_at_home", "yes"),
            ("duration", "over_6_months"),
            ("frequency", "weekly"),
            ("sleep", "yes"),
            ("work_or_school", "yes"),
            ("physical_health", "yes"),
        ],
        10 => &[
            ("age_band", "80_or_over"),
            ("disability", "yes"),
            ("lives_alone", "yes"),
            ("isolated", "yes"),
            ("duration", "1_to_6_months"),
            ("frequency", "weekly"),
            ("fear", "yes"),
            ("sleep", "yes"),
        ],
        3 => &[("fear", "yes")],
        7 => &[
            ("frequency", "weekly"),
            ("sleep", "yes"),
            ("work_or_school", "yes"),
        ],
        _ => &[
            ("age_band", "65_to_79"),
            ("lives_alone", "yes"),
            ("targeted_at_home", "yes"),
            ("frequency", "weekly"),
            ("sleep", "yes"),
        ],
    }
}

/// A full answer set: the profile's answers, "no" or the first option elsewhere.
pub fn demo_answers(c: usize) -> Vec<RawAnswer> {
    let given = profile(c);
    QUESTIONS
        .iter()
        .map(|q| {
            let (key, default) = match q {
                Q::YesNo(key, _, _) => (*key, "no"),
                Q::Choice(key, _, options) => (*key, options.first().map_or("", |o| o.0)),
            };
            let answer = given
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(default, |(_, a)| *a);
            RawAnswer {
                question_key: key.into(),
                answer: answer.into(),
            }
        })
        .collect()
}

/// The demo cases' (lead agency key, owner email) and opening time, as `demo.rs` makes them.
fn case_facts(c: usize, now: DateTime<Utc>) -> (&'static str, &'static str, DateTime<Utc>) {
    let (agency, owner) = match c % 3 {
        0 => ("police", "officer@police.demo"),
        1 => ("housing", "housing.officer@housing.demo"),
        _ => ("council", "asb.officer@council.demo"),
    };
    (agency, owner, now - Duration::days(10 + (c as i64) * 9))
}

pub async fn seed<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<u64> {
    let spec = default_spec()?;
    let questionnaire = demo_id("risk_questionnaire", "default");
    let version = demo_id("risk_questionnaire_version", "default:1");
    let mut total = insert_missing(
        db,
        vec![risk_questionnaire::ActiveModel {
            id: Set(questionnaire),
            name: Set(NAME.into()),
            created_at: Set(now),
            created_by: Set(None),
        }],
        risk_questionnaire::Column::Id,
    )
    .await?;
    if risk_questionnaire_version::Entity::find_by_id(version)
        .one(db)
        .await?
        .is_none()
    {
        // In force unless an administrator already published another questionnaire.
        let free = in_force(db).await?.is_none();
        total += insert_missing(
            db,
            vec![risk_questionnaire_version::ActiveModel {
                id: Set(version),
                questionnaire_id: Set(questionnaire),
                version_number: Set(1),
                in_force: Set(free.then_some(true)),
                definition: Set(spec.to_json()?),
                medium_threshold: Set(MEDIUM),
                high_threshold: Set(HIGH),
                validity_days: Set(spec.validity_days()),
                published_at: Set(now),
                published_by: Set(None),
                retired_at: Set((!free).then_some(now)),
            }],
            risk_questionnaire_version::Column::Id,
        )
        .await?;
    }

    let mut assessments = Vec::new();
    let mut queue = Vec::new();
    for c in 0..12 {
        let (agency, owner, opened) = case_facts(c, now);
        let answers = spec.check_answers(demo_answers(c))?;
        let scored = spec.score(&answers);
        let id = demo_id("risk_assessment", c);
        let at = opened + Duration::days(1);
        assessments.push(risk_assessment::ActiveModel {
            id: Set(id),
            person_id: Set(demo_id("person", c * 2)),
            incident_id: Set(None),
            case_id: Set(Some(demo_id("case", c))),
            questionnaire_version_id: Set(version),
            answers: Set(answers.to_json()?),
            score: Set(scored.score),
            computed_level: Set(scored.computed.as_str().into()),
            override_level: Set(None),
            override_reason: Set(None),
            level: Set(scored.computed.as_str().into()),
            assessed_by: Set(demo_id("user", owner)),
            assessed_by_agency_id: Set(demo_id("agency", agency)),
            assessed_at: Set(at),
            valid_until: Set(crate::domain::risk::valid_until(at, spec.validity_days())),
        });
        if scored.computed == crate::domain::RiskLevel::High {
            queue.push(vulnerable_victim_queue::ActiveModel {
                id: Set(demo_id("vulnerable_victim_queue", c)),
                case_id: Set(demo_id("case", c)),
                agency_id: Set(demo_id("agency", agency)),
                assessment_id: Set(id),
                queued_at: Set(at),
                assigned_at: Set(None),
                assigned_to: Set(None),
            });
        }
    }
    total += insert_missing(db, assessments, risk_assessment::Column::Id).await?;
    total += insert_missing(db, queue, vulnerable_victim_queue::Column::Id).await?;
    Ok(total)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::RiskLevel;

    /// The demo victims come out as their cases' levels: c % 4 == 0 high, 1 or 2 medium, 3
    /// standard.
    #[test]
    fn demo_assessments_give_high_medium_and_standard_victims() {
        let spec = default_spec().unwrap();
        assert_eq!(spec.questions().len(), 15);
        let mut counts = [0; 3];
        for c in 0..12 {
            let scored = spec.score(&spec.check_answers(demo_answers(c)).unwrap());
            let expected = match c % 4 {
                0 => RiskLevel::High,
                1 | 2 => RiskLevel::Medium,
                _ => RiskLevel::Standard,
            };
            assert_eq!(
                scored.computed, expected,
                "case {c}: score {}",
                scored.score
            );
            counts[crate::domain::risk::rank(expected) as usize] += 1;
        }
        assert_eq!(counts, [3, 6, 3]);
        let forced = spec.score(&spec.check_answers(demo_answers(8)).unwrap());
        assert_eq!(forced.forced_by, vec!["self_harm".to_string()]);
        assert!(forced.score < HIGH);
    }
}
