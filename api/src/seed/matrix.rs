//! The default roles and what they may do: a sensible starting matrix that administrators then
//! change at run time. The golden-table test prints the policy for these roles so that any change
//! shows up in review.

use crate::auth::policy::{self, Operation};

/// One role of the default matrix.
pub struct RoleSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub operations: &'static [Operation],
    /// Restricted fields this role may read and write, as (type, field, write?).
    pub grants: fn() -> Vec<(&'static str, &'static str, bool)>,
}

use Operation::*;

const CASEWORK: &[Operation] = &[
    ViewCases,
    ViewPeople,
    ViewIncidents,
    RecordIncident,
    OpenCase,
    UpdateCase,
    ShareCase,
    ManagePeople,
    AssessRisk,
    ContactVictims,
];

pub const ROLES: &[RoleSpec] = &[
    RoleSpec {
        name: "police_officer",
        description: "Call handler or police officer: records incidents, answers risk questions, opens and works cases",
        operations: CASEWORK,
        grants: police_grants,
    },
    RoleSpec {
        name: "police_supervisor",
        description: "Sergeant or inspector: reviews plans and cases on schedule and signs off closure",
        operations: &[
            ViewCases,
            ViewPeople,
            ViewIncidents,
            RecordIncident,
            OpenCase,
            UpdateCase,
            ShareCase,
            ManagePeople,
            ReviewCase,
            AssessRisk,
            ContactVictims,
            ViewDashboard,
        ],
        grants: police_grants,
    },
    RoleSpec {
        name: "housing_officer",
        description: "Housing officer: works cases about its tenants, records tenancy actions",
        operations: CASEWORK,
        grants: housing_grants,
    },
    RoleSpec {
        name: "council_asb_officer",
        description: "Council ASB / community safety officer: environmental cases, CPWs, CPNs, PSPOs, Case Reviews",
        operations: &[
            ViewCases,
            ViewPeople,
            ViewIncidents,
            RecordIncident,
            OpenCase,
            UpdateCase,
            ShareCase,
            ManagePeople,
            AssessRisk,
            ContactVictims,
            ViewDashboard,
        ],
        grants: council_grants,
    },
    RoleSpec {
        name: "victim_caseworker",
        description: "Victim support caseworker: contacts victims and records support given",
        operations: &[
            ViewCases,
            ViewPeople,
            ViewIncidents,
            UpdateCase,
            AssessRisk,
            ContactVictims,
        ],
        grants: victim_support_grants,
    },
    RoleSpec {
        name: "administrator",
        description: "Manages agencies, users, roles and permissions; does not see case content",
        operations: &[
            ManageUsers,
            ManageRoles,
            ManageReferenceData,
            ManageQuestionnaires,
            ManageSafetyRules,
            ManageRetention,
        ],
        grants: admin_grants,
    },
    RoleSpec {
        name: "auditor",
        description: "Data-protection officer: reads the access log",
        operations: &[ReadAuditLog],
        grants: no_grants,
    },
    RoleSpec {
        name: "data_protection_officer",
        description: "Data-protection officer of an agency: answers subject access requests, sets retention periods, erases records past them",
        operations: &[
            SubjectAccessExport,
            ReadAuditLog,
            ManageRetention,
            EraseRecords,
        ],
        grants: dpo_grants,
    },
];

/// Every restricted field of `type_name` except `except`.
fn all_of(
    type_name: &str,
    except: &[&str],
    write: bool,
) -> Vec<(&'static str, &'static str, bool)> {
    policy::catalog()
        .restricted_fields()
        .into_iter()
        .filter(|(t, f)| *t == type_name && !except.contains(f))
        .map(|(t, f)| (t, f, write))
        .collect()
}

/// Types that hang off a case and carry no especially sensitive section of their own.
const CASE_PARTS: &[&str] = &[
    "CaseParty",
    "PersonCase",
    "IncidentParty",
    "Location",
    "CaseShare",
    "CaseAction",
    "CaseNote",
    "Intervention",
    "InterventionBreach",
    "Document",
    "CaseReview",
    "VictimContact",
    "SatisfactionResponse",
];

type Grants = Vec<(&'static str, &'static str, bool)>;

/// Read and write on every restricted field of `types`.
fn full(types: &[&str]) -> Grants {
    types.iter().flat_map(|t| all_of(t, &[], true)).collect()
}

/// Read-only grants on the named fields.
fn read_only(type_name: &'static str, fields: &[&'static str]) -> Grants {
    fields.iter().map(|f| (type_name, *f, false)).collect()
}

/// Every field of an assessment to read; to write, what an assessor gives (the rest is
/// computed). The vulnerable-victim queue is read-only: the system writes it.
fn risk_grants() -> Grants {
    const GIVEN: &[&str] = &[
        "person",
        "incident",
        "case",
        "answers",
        "overrideLevel",
        "overrideReason",
    ];
    let mut g: Grants = all_of("RiskAssessment", &[], false)
        .into_iter()
        .map(|(t, f, _)| (t, f, GIVEN.contains(&f)))
        .collect();
    g.extend(all_of("VulnerableVictimQueueEntry", &[], false));
    g
}

/// Police see everything on a case, including intelligence; tenancy details are the housing
/// provider's to write.
fn police_grants() -> Grants {
    let mut g = all_of("Case", &["tenancyDetails"], true);
    g.extend(read_only("Case", &["tenancyDetails"]));
    g.extend(full(&["Person", "Incident"]));
    g.extend(full(CASE_PARTS));
    g.extend(risk_grants());
    g
}

/// Housing officers see tenancy details but not police intelligence or health notes, nor police
/// references on incidents.
fn housing_grants() -> Grants {
    let mut g = all_of(
        "Case",
        &["policeIntelligence", "healthSafeguardingNotes"],
        true,
    );
    g.extend(full(&["Person"]));
    g.extend(all_of("Incident", &["policeReference"], true));
    g.extend(full(CASE_PARTS));
    g.extend(risk_grants());
    g
}

/// Council ASB officers: environmental work, legal interventions, Case Reviews; no police
/// intelligence, tenancy details or health notes.
fn council_grants() -> Grants {
    let mut g = all_of(
        "Case",
        &[
            "policeIntelligence",
            "tenancyDetails",
            "healthSafeguardingNotes",
        ],
        true,
    );
    g.extend(full(&["Person"]));
    g.extend(all_of("Incident", &["policeReference"], true));
    g.extend(full(CASE_PARTS));
    g.extend(risk_grants());
    g
}

/// Victim support sees what it needs to support victims: the case's outline, its parties'
/// names, the plan and notes, and health and safeguarding notes. Never police intelligence,
/// tenancy details or interventions; victims' contact details and vulnerability, but not those
/// of perpetrators or witnesses.
fn victim_support_grants() -> Grants {
    let mut g = read_only(
        "Case",
        &[
            "title",
            "summary",
            "category",
            "status",
            "riskLevel",
            "leadAgency",
            "owner",
            "nextReviewAt",
            "createdAt",
            "updatedAt",
            "parties",
            "actions",
            "notes",
            "contacts",
            "satisfaction",
        ],
    );
    g.push(("Case", "healthSafeguardingNotes", true));
    g.extend(read_only("CaseParty", &["role", "person"]));
    g.extend(read_only("Person", &["givenName", "familyName", "cases"]));
    // Contact details and vulnerability of victims only, never of perpetrators or witnesses.
    g.extend(read_only(
        policy::VICTIM,
        &[
            "phone",
            "email",
            "address",
            "postcode",
            "preferredContact",
            "vulnerabilityPersonal",
            "vulnerabilitySituational",
            "vulnerabilityIncidental",
            "consentToShare",
        ],
    ));
    g.extend(read_only("PersonCase", &["role", "case"]));
    g.extend(read_only(
        "CaseAction",
        &[
            "description",
            "ownerAgency",
            "owner",
            "dueDate",
            "status",
            "completionNote",
            "completedAt",
        ],
    ));
    g.extend(full(&["CaseNote", "VictimContact", "SatisfactionResponse"]));
    // Victim support assesses victims and takes high-risk cases.
    g.extend(read_only("Case", &["riskAssessments"]));
    g.extend(read_only("Person", &["riskAssessments"]));
    g.extend(risk_grants());
    g
}

fn admin_grants() -> Grants {
    let mut g = all_of("User", &[], true);
    g.extend(all_of("Agency", &[], true));
    g.extend(all_of("Role", &[], true));
    g
}

/// What a subject access export may contain: every case-content field, read-only, but not a
/// document's content (the export lists documents' metadata). The role has no `VIEW_*`
/// operation, so these grants reach data only through `subjectAccessExport`.
fn dpo_grants() -> Grants {
    let mut types = vec!["Case", "Person", "Incident", "RiskAssessment"];
    types.extend(CASE_PARTS);
    types
        .into_iter()
        .flat_map(|t| all_of(t, &[], false))
        .filter(|(t, f, _)| (*t, *f) != ("Document", "contentBase64"))
        .collect()
}

fn no_grants() -> Vec<(&'static str, &'static str, bool)> {
    Vec::new()
}
