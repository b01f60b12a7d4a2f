//! Risk assessment: the questionnaire in force, assessments, and the vulnerable-victim queue.
//!
//! A questionnaire's content (questions, weights, thresholds) is partnership configuration, not
//! case content, so its types are public to whoever may reach them (`ASSESS_RISK` for the version
//! in force, `MANAGE_QUESTIONNAIRES` for every version). Everything an assessment says about a
//! person is restricted, and so are the links to assessments from cases, people and incidents.

use super::connection::{connection_fields, edge_fields};
use crate::auth::policy::{Access, Area, Operation::*, TypeFields};

pub static AREA: Area = Area {
    roots: &[
        ("Query", "riskQuestionnaire", Access::Op(AssessRisk)),
        (
            "Query",
            "riskQuestionnaires",
            Access::Op(ManageQuestionnaires),
        ),
        ("Query", "riskAssessment", Access::Op(ViewPeople)),
        ("Query", "vulnerableVictimQueue", Access::Op(ViewCases)),
        ("Mutation", "submitRiskAssessment", Access::Op(AssessRisk)),
        (
            "Mutation",
            "publishQuestionnaireVersion",
            Access::Op(ManageQuestionnaires),
        ),
    ],
    types: &[
        TypeFields {
            type_name: "RiskAssessment",
            public: &["id"],
            restricted: &[
                "person",
                "incident",
                "case",
                "questionnaireVersion",
                "answers",
                "score",
                "computedLevel",
                "forcedBy",
                "level",
                "overrideLevel",
                "overrideReason",
                "assessedBy",
                "assessedAt",
                "validUntil",
            ],
        },
        // Reached only through the restricted `RiskAssessment.answers`.
        TypeFields {
            type_name: "RiskAnswer",
            public: &["questionKey", "answer", "question", "weight"],
            restricted: &[],
        },
        TypeFields {
            type_name: "Questionnaire",
            public: &["id", "name", "versions"],
            restricted: &[],
        },
        TypeFields {
            type_name: "QuestionnaireVersion",
            public: &[
                "id",
                "questionnaire",
                "version",
                "inForce",
                "publishedAt",
                "publishedBy",
                "retiredAt",
                "mediumThreshold",
                "highThreshold",
                "validityDays",
                "questions",
                "forcedHigh",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "Question",
            public: &["key", "text", "kind", "yesWeight", "options"],
            restricted: &[],
        },
        TypeFields {
            type_name: "QuestionOption",
            public: &["value", "label", "weight"],
            restricted: &[],
        },
        TypeFields {
            type_name: "ForcedHighRule",
            public: &["questionKey", "answer"],
            restricted: &[],
        },
        TypeFields {
            type_name: "VulnerableVictimQueueEntry",
            public: &["id"],
            restricted: &["case", "agency", "assessment", "queuedAt"],
        },
        connection_fields!("VulnerableVictimQueueEntry"),
        edge_fields!("VulnerableVictimQueueEntry"),
        // The links from case-management types, classified here with the rest of the area.
        TypeFields {
            type_name: "Case",
            public: &[],
            restricted: &["riskAssessments"],
        },
        TypeFields {
            type_name: "Person",
            public: &[],
            restricted: &["riskAssessments"],
        },
        TypeFields {
            type_name: "Incident",
            public: &[],
            restricted: &["assessmentRequired"],
        },
    ],
};
