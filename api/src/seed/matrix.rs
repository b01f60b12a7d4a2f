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
        operations: CASEWORK,
        grants: council_grants,
    },
    RoleSpec {
        name: "victim_caseworker",
        description: "Victim support caseworker: contacts victims and records support given",
        operations: &[ViewCases, ViewPeople, ViewIncidents, UpdateCase],
        grants: victim_support_grants,
    },
    RoleSpec {
        name: "administrator",
        description: "Manages agencies, users, roles and permissions; does not see case content",
        operations: &[ManageUsers, ManageRoles, ManageReferenceData],
        grants: admin_grants,
    },
    RoleSpec {
        name: "auditor",
        description: "Data-protection officer: reads the access log",
        operations: &[ReadAuditLog],
        grants: no_grants,
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

fn identity_reads() -> Vec<(&'static str, &'static str, bool)> {
    Vec::new()
}

fn police_grants() -> Vec<(&'static str, &'static str, bool)> {
    identity_reads()
}

fn housing_grants() -> Vec<(&'static str, &'static str, bool)> {
    identity_reads()
}

fn council_grants() -> Vec<(&'static str, &'static str, bool)> {
    identity_reads()
}

fn victim_support_grants() -> Vec<(&'static str, &'static str, bool)> {
    identity_reads()
}

fn admin_grants() -> Vec<(&'static str, &'static str, bool)> {
    let mut g = all_of("User", &[], true);
    g.extend(all_of("Agency", &[], true));
    g.extend(all_of("Role", &[], true));
    g
}

fn no_grants() -> Vec<(&'static str, &'static str, bool)> {
    Vec::new()
}
