//! Unit and property tests of the risk rules (`domain/risk.rs` and `risk/questionnaire.rs`).

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::*;
use crate::error::AppError;

fn yes_no(key: &str, w: i32) -> RawQuestion {
    RawQuestion {
        key: key.into(),
        text: format!("Question {key}?"),
        yes_weight: Some(w),
        options: Vec::new(),
    }
}

fn choice(key: &str, options: &[(&str, i32)]) -> RawQuestion {
    RawQuestion {
        key: key.into(),
        text: format!("Question {key}?"),
        yes_weight: None,
        options: options
            .iter()
            .map(|(v, w)| ChoiceOption {
                value: (*v).into(),
                label: v.to_uppercase(),
                weight: *w,
            })
            .collect(),
    }
}

fn forced(key: &str, answer: &str) -> ForcedHigh {
    ForcedHigh {
        question_key: key.into(),
        answer: answer.into(),
    }
}

/// Weights 4 + (0|2|5) + 10; medium at 5, high at 9; self_harm=yes forces high.
fn sample() -> QuestionnaireSpec {
    QuestionnaireSpec::parse(RawQuestionnaire {
        questions: vec![
            yes_no("lives_alone", 4),
            choice("frequency", &[("once", 0), ("weekly", 2), ("daily", 5)]),
            yes_no("self_harm", 0),
        ],
        forced_high: vec![forced("self_harm", "YES")],
        medium_threshold: 5,
        high_threshold: 9,
        validity_days: None,
    })
    .unwrap()
}

fn answers(pairs: &[(&str, &str)]) -> Vec<RawAnswer> {
    pairs
        .iter()
        .map(|(k, a)| RawAnswer {
            question_key: (*k).into(),
            answer: (*a).into(),
        })
        .collect()
}

fn field_of(err: AppError) -> String {
    match err {
        AppError::BadUserInput { field, .. } => field,
        other => panic!("expected BAD_USER_INPUT, got {other:?}"),
    }
}

fn scored(spec: &QuestionnaireSpec, pairs: &[(&str, &str)]) -> Scored {
    spec.score(&spec.check_answers(answers(pairs)).unwrap())
}

#[test]
fn scores_are_sums_and_levels_change_exactly_at_the_thresholds() {
    let s = sample();
    let cases = [
        (("no", "once"), 0, RiskLevel::Standard),
        (("yes", "once"), 4, RiskLevel::Standard),
        (("no", "daily"), 5, RiskLevel::Medium),
        (("yes", "weekly"), 6, RiskLevel::Medium),
        (("yes", "daily"), 9, RiskLevel::High),
    ];
    for ((alone, freq), score, level) in cases {
        let r = scored(
            &s,
            &[
                ("lives_alone", alone),
                ("frequency", freq),
                ("self_harm", "no"),
            ],
        );
        assert_eq!((r.score, r.computed), (score, level), "{alone} {freq}");
        assert!(r.forced_by.is_empty());
    }
    let t = s.thresholds();
    assert_eq!(t.level(4), RiskLevel::Standard);
    assert_eq!(t.level(5), RiskLevel::Medium);
    assert_eq!(t.level(8), RiskLevel::Medium);
    assert_eq!(t.level(9), RiskLevel::High);
}

#[test]
fn a_forced_high_answer_makes_the_level_high_whatever_the_score() {
    let r = scored(
        &sample(),
        &[
            ("lives_alone", "no"),
            ("frequency", "once"),
            ("self_harm", "Yes"),
        ],
    );
    assert_eq!(r.score, 0);
    assert_eq!(r.computed, RiskLevel::High);
    assert_eq!(r.forced_by, vec!["self_harm".to_string()]);
}

#[test]
fn answers_are_checked_and_refusals_name_the_question() {
    let s = sample();
    let bad = [
        (
            answers(&[
                ("lives_alone", "maybe"),
                ("frequency", "once"),
                ("self_harm", "no"),
            ]),
            "answers.lives_alone",
        ),
        (
            answers(&[
                ("lives_alone", "no"),
                ("frequency", "hourly"),
                ("self_harm", "no"),
            ]),
            "answers.frequency",
        ),
        (
            answers(&[("lives_alone", "no"), ("frequency", "once")]),
            "answers.self_harm",
        ),
        (
            answers(&[
                ("lives_alone", "no"),
                ("lives_alone", "yes"),
                ("frequency", "once"),
                ("self_harm", "no"),
            ]),
            "answers.lives_alone",
        ),
        (
            answers(&[
                ("lives_alone", "no"),
                ("frequency", "once"),
                ("self_harm", "no"),
                ("pets", "yes"),
            ]),
            "answers.pets",
        ),
    ];
    for (a, field) in bad {
        assert_eq!(field_of(s.check_answers(a).unwrap_err()), field);
    }
    // Answers come back canonical and in question order.
    let set = s
        .check_answers(answers(&[
            ("self_harm", " NO "),
            ("frequency", "Weekly"),
            ("lives_alone", "yes"),
        ]))
        .unwrap();
    let got: Vec<_> = set.iter().collect();
    assert_eq!(
        got,
        vec![
            ("lives_alone", "yes"),
            ("frequency", "weekly"),
            ("self_harm", "no")
        ]
    );
}

#[test]
fn publishing_checks_keys_weights_thresholds_and_rules() {
    let base = || RawQuestionnaire {
        questions: vec![yes_no("a", 1), choice("b", &[("x", 1), ("y", 2)])],
        forced_high: vec![],
        medium_threshold: 1,
        high_threshold: 2,
        validity_days: None,
    };
    assert!(QuestionnaireSpec::parse(base()).is_ok());
    type Change = Box<dyn Fn(&mut RawQuestionnaire)>;
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|q| q.questions.clear()), "questions"),
        (
            Box::new(|q| q.questions.push(yes_no("a", 1))),
            "questions.2.key",
        ),
        (
            Box::new(|q| q.questions[0].key = "Bad Key".into()),
            "questions.0.key",
        ),
        (
            Box::new(|q| q.questions[0].yes_weight = Some(-1)),
            "questions.0.yesWeight",
        ),
        (
            Box::new(|q| q.questions[1].options[1].weight = MAX_WEIGHT + 1),
            "questions.1.options.1.weight",
        ),
        (
            Box::new(|q| q.questions[1].options[1].value = "x".into()),
            "questions.1.options.1.value",
        ),
        (
            Box::new(|q| q.questions[1].options.truncate(1)),
            "questions.1.options",
        ),
        (
            Box::new(|q| q.questions[0].options = q.questions[1].options.clone()),
            "questions.0.yesWeight",
        ),
        (Box::new(|q| q.medium_threshold = 0), "mediumThreshold"),
        (Box::new(|q| q.high_threshold = 1), "highThreshold"),
        (Box::new(|q| q.validity_days = Some(0)), "validityDays"),
        (
            Box::new(|q| q.forced_high.push(forced("zzz", "yes"))),
            "forcedHigh.0.questionKey",
        ),
        (
            Box::new(|q| q.forced_high.push(forced("b", "z"))),
            "forcedHigh.0.answer",
        ),
    ];
    for (change, field) in cases {
        let mut q = base();
        change(&mut q);
        assert_eq!(field_of(QuestionnaireSpec::parse(q).unwrap_err()), field);
    }
}

#[test]
fn a_stored_version_reads_back_as_published() {
    let s = sample();
    let back = QuestionnaireSpec::from_stored(&s.to_json().unwrap(), 5, 9, 365).unwrap();
    assert_eq!(back, s);
    assert!(QuestionnaireSpec::from_stored("{", 5, 9, 365).is_err());
}

#[test]
fn overrides_go_upwards_only_and_need_a_reason() {
    let o = |l| Override::parse(Some(l), Some("seen at the visit")).unwrap();
    assert_eq!(
        final_level(RiskLevel::Medium, o(RiskLevel::High).as_ref()).unwrap(),
        RiskLevel::High
    );
    for l in [RiskLevel::Standard, RiskLevel::Medium] {
        assert_eq!(
            field_of(final_level(RiskLevel::Medium, o(l).as_ref()).unwrap_err()),
            "overrideLevel"
        );
    }
    assert_eq!(
        field_of(Override::parse(Some(RiskLevel::High), None).unwrap_err()),
        "overrideReason"
    );
    assert_eq!(
        field_of(Override::parse(Some(RiskLevel::High), Some("  ")).unwrap_err()),
        "overrideReason"
    );
    assert_eq!(
        field_of(Override::parse(None, Some("why")).unwrap_err()),
        "overrideReason"
    );
}

fn level_strategy() -> impl Strategy<Value = RiskLevel> {
    prop_oneof![
        Just(RiskLevel::Standard),
        Just(RiskLevel::Medium),
        Just(RiskLevel::High)
    ]
}

proptest! {
    #[test]
    fn the_score_is_the_sum_of_the_chosen_weights(
        qs in proptest::collection::vec((0..=MAX_WEIGHT, any::<bool>()), 1..30),
        medium in 1..500i32,
        gap in 1..500i32,
    ) {
        let spec = QuestionnaireSpec::parse(RawQuestionnaire {
            questions: qs.iter().enumerate().map(|(i, (w, _))| yes_no(&format!("q{i}"), *w)).collect(),
            forced_high: vec![],
            medium_threshold: medium,
            high_threshold: medium + gap,
            validity_days: None,
        }).unwrap();
        let raw: Vec<RawAnswer> = qs.iter().enumerate().map(|(i, (_, yes))| RawAnswer {
            question_key: format!("q{i}"),
            answer: if *yes { "yes" } else { "no" }.into(),
        }).collect();
        let r = spec.score(&spec.check_answers(raw).unwrap());
        let expected: i32 = qs.iter().filter(|(_, yes)| *yes).map(|(w, _)| *w).sum();
        prop_assert_eq!(r.score, expected);
        prop_assert_eq!(r.computed, spec.thresholds().level(expected));
    }

    #[test]
    fn the_level_never_falls_as_the_score_rises(
        medium in 1..1000i32, gap in 1..1000i32, a in -10..3000i32, b in -10..3000i32,
    ) {
        let t = Thresholds::new(medium, medium + gap).unwrap();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(rank(t.level(lo)) <= rank(t.level(hi)));
        prop_assert_eq!(t.level(medium - 1), RiskLevel::Standard);
        prop_assert_eq!(t.level(medium), RiskLevel::Medium);
        prop_assert_eq!(t.level(medium + gap - 1), RiskLevel::Medium);
        prop_assert_eq!(t.level(medium + gap), RiskLevel::High);
    }

    #[test]
    fn a_forced_rule_always_wins(weights in proptest::collection::vec(0..50i32, 1..10)) {
        let mut questions: Vec<RawQuestion> =
            weights.iter().enumerate().map(|(i, w)| yes_no(&format!("q{i}"), *w)).collect();
        questions.push(yes_no("self_harm", 0));
        let spec = QuestionnaireSpec::parse(RawQuestionnaire {
            questions,
            forced_high: vec![forced("self_harm", "yes")],
            medium_threshold: 1000,
            high_threshold: 2000,
            validity_days: None,
        }).unwrap();
        let mut raw: Vec<RawAnswer> = (0..weights.len()).map(|i| RawAnswer {
            question_key: format!("q{i}"), answer: "yes".into() }).collect();
        raw.push(RawAnswer { question_key: "self_harm".into(), answer: "yes".into() });
        prop_assert_eq!(spec.score(&spec.check_answers(raw).unwrap()).computed, RiskLevel::High);
    }

    #[test]
    fn an_override_never_lowers_the_level(computed in level_strategy(), wanted in level_strategy()) {
        let o = Override::parse(Some(wanted), Some("reason")).unwrap();
        match final_level(computed, o.as_ref()) {
            Ok(level) => {
                prop_assert!(rank(level) > rank(computed));
                prop_assert_eq!(level, wanted);
            }
            Err(_) => prop_assert!(rank(wanted) <= rank(computed)),
        }
        prop_assert_eq!(final_level(computed, None).unwrap(), computed);
    }
}
