//! Victim safety: repeat and Case Review flags, supervision, contact and satisfaction, the
//! worklists, the dashboard and the rules behind them.
//!
//! - The flags on `Incident` and the reviews, contacts and satisfaction on `Case` are restricted,
//!   like the rest of those types; so are the fields of `CaseReview`, `VictimContact` and
//!   `SatisfactionResponse`, which are reached only through them or through the mutation that
//!   wrote them.
//! - Worklist rows (`VictimFlag`, `LocationFlag`, `ContactDue`, `OverdueActionGroup`) are public:
//!   they are reached only through worklist roots, whose services refuse a user who may not read
//!   the restricted fields each list is selected by; the people, incidents, cases and actions
//!   they lead to carry their own restrictions.
//! - The rules and the dashboard's figures are public to whoever may call their root field: the
//!   rules are configuration, and the figures are aggregates over the caller's visible rows.

use super::connection::{connection_fields, edge_fields};
use crate::auth::policy::{Access, Area, Operation::*, TypeFields};

pub static AREA: Area = Area {
    roots: &[
        ("Query", "safetyRules", Access::SignedIn),
        ("Query", "repeatVictims", Access::Op(ViewPeople)),
        ("Query", "caseReviewEligibleVictims", Access::Op(ViewPeople)),
        ("Query", "repeatLocations", Access::Op(ViewIncidents)),
        ("Query", "victimsAwaitingContact", Access::Op(ViewPeople)),
        ("Query", "victimsAwaitingAssessment", Access::Op(ViewPeople)),
        ("Query", "overdueReviews", Access::Op(ViewCases)),
        ("Query", "overdueActions", Access::Op(ViewCases)),
        ("Query", "dashboard", Access::Op(ViewDashboard)),
        ("Mutation", "reviewCase", Access::Op(ReviewCase)),
        (
            "Mutation",
            "recordVictimContact",
            Access::Op(ContactVictims),
        ),
        ("Mutation", "recordSatisfaction", Access::Op(ContactVictims)),
        (
            "Mutation",
            "updateSafetyRules",
            Access::Op(ManageSafetyRules),
        ),
    ],
    types: &[
        TypeFields {
            type_name: "Incident",
            public: &[],
            restricted: &[
                "isRepeatVictim",
                "repeatVictimCount",
                "repeatWindowDays",
                "isRepeatLocation",
                "caseReviewEligible",
            ],
        },
        TypeFields {
            type_name: "Case",
            public: &[],
            restricted: &["reviews", "contacts", "satisfaction"],
        },
        TypeFields {
            type_name: "CaseReview",
            public: &["id"],
            restricted: &[
                "reviewer",
                "outcome",
                "comment",
                "level",
                "reviewedAt",
                "nextReviewAt",
                "actions",
            ],
        },
        TypeFields {
            type_name: "VictimContact",
            public: &["id"],
            restricted: &[
                "person",
                "method",
                "outcome",
                "contactedAt",
                "contactedBy",
                "agency",
                "byDedicatedOfficer",
            ],
        },
        TypeFields {
            type_name: "SatisfactionResponse",
            public: &["id"],
            restricted: &[
                "person",
                "score",
                "comments",
                "recordedAt",
                "recordedBy",
                "agency",
            ],
        },
        TypeFields {
            type_name: "VictimFlag",
            public: &[
                "id",
                "person",
                "incident",
                "occurredAt",
                "incidentCount",
                "windowDays",
                "isRepeatVictim",
                "caseReviewEligible",
                "caseReviewBasis",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "LocationFlag",
            public: &[
                "id",
                "location",
                "incident",
                "occurredAt",
                "incidentCount",
                "windowDays",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "ContactDue",
            public: &["id", "person", "case", "since", "dueBy", "overdue"],
            restricted: &[],
        },
        TypeFields {
            type_name: "OverdueActionGroup",
            public: &[
                "ownerAgency",
                "owner",
                "team",
                "count",
                "oldestDueDate",
                "actions",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "SafetyRules",
            public: &[
                "repeatVictimMinIncidents",
                "repeatVictimWindowDays",
                "repeatLocationMinIncidents",
                "repeatLocationWindowDays",
                "caseReviewMinComplaints",
                "caseReviewWindowDays",
                "caseReviewReportWithinDays",
                "caseReviewByReporters",
                "caseReviewMinReporters",
                "caseReviewAnyHate",
                "reviewCadence",
                "highRiskFirstContactHours",
                "version",
                "updatedAt",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "ReviewCadence",
            public: &["standard", "medium", "high"],
            restricted: &[],
        },
        TypeFields {
            type_name: "CadenceStep",
            public: &["days", "level"],
            restricted: &[],
        },
        TypeFields {
            type_name: "Dashboard",
            public: &[
                "from",
                "to",
                "computedAt",
                "incidentsByCategory",
                "openCasesByRisk",
                "repeatVictims",
                "medianDaysToFirstContact",
                "highRiskVictimsContacted",
                "overdueReviews",
                "averageSatisfaction",
                "satisfactionResponses",
                "caseReviewActivations",
                "assessmentsRequired",
                "assessmentsDone",
                "assessmentRate",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "CategoryCount",
            public: &["category", "count"],
            restricted: &[],
        },
        TypeFields {
            type_name: "RiskCount",
            public: &["riskLevel", "count"],
            restricted: &[],
        },
        // Which person is waiting is decided by the policy on `Person`; the list itself is
        // selected by restricted incident fields, checked by the service.
        TypeFields {
            type_name: "AwaitingAssessment",
            public: &["id", "person", "incident", "recordedAt"],
            restricted: &[],
        },
        connection_fields!("AwaitingAssessment"),
        edge_fields!("AwaitingAssessment"),
        connection_fields!("VictimFlag"),
        edge_fields!("VictimFlag"),
        connection_fields!("LocationFlag"),
        edge_fields!("LocationFlag"),
        connection_fields!("ContactDue"),
        edge_fields!("ContactDue"),
        connection_fields!("OverdueActionGroup"),
        edge_fields!("OverdueActionGroup"),
    ],
};
