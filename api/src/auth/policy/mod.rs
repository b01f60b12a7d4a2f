//! The one authorization policy. Deny by default.
//!
//! Every decision about who may see or do what is made here; resolvers and services ask and never
//! decide on their own. Three kinds of rule:
//!
//! - **Root fields** (`Query`, `Mutation`, `Subscription`): each names the [`Access`] it needs:
//!   anonymous, any signed-in user, or an [`Operation`] granted to one of the user's roles. A root
//!   field missing from the rules (one file per area in `rules/`) is refused.
//! - **Object fields**: each is either declared public in the rules (identifiers and a few
//!   harmless fields) or restricted, needing a read permission granted per role at run time. A
//!   field listed in neither is refused. Restricted fields are nullable so that a refused field
//!   resolves to `null` with a `FORBIDDEN_FIELD` error and the rest of the answer still arrives.
//! - **Rows**: which cases, people and incidents a user's agency may see (see `scope`).
//!
//! The field check runs in a schema extension ([`crate::graphql::guard`]) for every field of every
//! request, so aliases, fragments and nested paths cannot avoid it.

use std::collections::{HashMap, HashSet};

use crate::error::{AppError, AppResult};

/// True only in a build with the `bench-no-authz` feature (never a run-time setting): every
/// field and operation check allows and the row scope is every row, so a benchmark can measure
/// what authorization costs. Such a server refuses to start unless bound to loopback
/// ([`check_bypass_bind`]).
pub const AUTHZ_BYPASSED: bool = cfg!(feature = "bench-no-authz");

/// Refuses a build that bypasses authorization unless it listens on a loopback address only.
pub fn check_bypass_bind(bypassed: bool, bind: std::net::SocketAddr) -> Result<(), String> {
    if bypassed && !bind.ip().is_loopback() {
        return Err(format!(
            "this build bypasses authorization (feature bench-no-authz) and may only listen on \
             a loopback address, not {bind}; use the default build to serve anything else"
        ));
    }
    Ok(())
}

macro_rules! operations {
    ($($variant:ident => $name:literal : $doc:literal,)*) => {
        /// What a role may do. Granted per role at run time; the list itself is fixed by the
        /// code, because each operation is enforced by code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation { $($variant,)* }

        impl Operation {
            pub const ALL: &'static [Operation] = &[$(Operation::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Operation::$variant => $name,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Operation::$variant => $doc,)* }
            }

            pub fn parse(name: &str) -> Option<Operation> {
                match name { $($name => Some(Operation::$variant),)* _ => None }
            }
        }
    };
}

operations! {
    ViewCases => "VIEW_CASES": "read cases visible to the user's agency",
    ViewPeople => "VIEW_PEOPLE": "read people linked to visible records",
    ViewIncidents => "VIEW_INCIDENTS": "read incidents visible to the user's agency",
    RecordIncident => "RECORD_INCIDENT": "record an incident",
    OpenCase => "OPEN_CASE": "open a case",
    UpdateCase => "UPDATE_CASE": "update a case, its parties, plan, notes and interventions",
    ShareCase => "SHARE_CASE": "share a case with another agency, or revoke a share",
    ReviewCase => "REVIEW_CASE": "review a case as a supervisor",
    ManagePeople => "MANAGE_PEOPLE": "create, update and merge people",
    ManageUsers => "MANAGE_USERS": "manage agencies, users and their roles",
    ManageRoles => "MANAGE_ROLES": "manage roles and their permissions",
    ManageReferenceData => "MANAGE_REFERENCE_DATA": "manage reference lists such as intervention tools",
    ReadAuditLog => "READ_AUDIT_LOG": "read the access log",
    AssessRisk => "ASSESS_RISK": "answer a victim's risk assessment",
    ManageQuestionnaires => "MANAGE_QUESTIONNAIRES": "publish versions of the risk questionnaire",
    ContactVictims => "CONTACT_VICTIMS": "record contact with victims and their satisfaction",
    ManageSafetyRules => "MANAGE_SAFETY_RULES": "change the repeat-victim, Case Review, review-cadence and first-contact rules",
    ViewDashboard => "VIEW_DASHBOARD": "read the partnership's safety and performance figures over visible records",
    SubjectAccessExport => "SUBJECT_ACCESS_EXPORT": "export everything the user's agency may disclose about one person, with its access history",
    ManageRetention => "MANAGE_RETENTION": "set how long the user's agency keeps each type of record",
    EraseRecords => "ERASE_RECORDS": "list the agency's records due for review under its retention policy, and erase them",
}

/// What a root field needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Anonymous,
    SignedIn,
    Op(Operation),
}

mod rules;
pub mod scope;

/// Every root field and what it needs, and every object type's public and restricted fields,
/// grouped by area in [`rules`]. A root field or object field missing from them is refused.
pub struct Area {
    pub roots: &'static [(&'static str, &'static str, Access)],
    pub types: &'static [TypeFields],
}

/// Per object type: the fields anyone who can reach the object may read, and the restricted
/// fields that need a per-role read permission. A field in neither list is refused.
pub struct TypeFields {
    pub type_name: &'static str,
    pub public: &'static [&'static str],
    pub restricted: &'static [&'static str],
}

pub use rules::AREAS;

/// A permission-only type: a grant on `Victim.<field>` lets a role read `Person.<field>` of people
/// who are victims in a case the user's agency may see, and of nobody else. Victim support uses
/// it to reach victims without seeing perpetrators' details.
pub const VICTIM: &str = "Victim";

/// The person fields that can be granted through [`VICTIM`].
pub const VICTIM_FIELDS: &[&str] = &[
    "dateOfBirth",
    "address",
    "postcode",
    "phone",
    "email",
    "preferredContact",
    "vulnerabilityPersonal",
    "vulnerabilitySituational",
    "vulnerabilityIncidental",
    "consentToShare",
    "consentLawfulBasis",
    "consentDate",
];

/// How a person's restricted field may be disclosed to a user.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Disclosure {
    Always,
    /// Only when the person is a victim in a case the user's agency may see.
    IfVictim,
    Never,
}

/// Whether `Person.<field>` may be disclosed, before looking at who the person is.
pub fn person_disclosure(permissions: &Permissions, field: &str) -> Disclosure {
    if permissions.can_read("Person", field) {
        Disclosure::Always
    } else if VICTIM_FIELDS.contains(&field) && permissions.can_read(VICTIM, field) {
        Disclosure::IfVictim
    } else {
        Disclosure::Never
    }
}

/// Field-level permission keys are `(type name, field name)`.
pub type FieldKey = (String, String);

/// What one user may do, resolved from the database on every request from the user's id (never
/// from token claims), so a change of roles applies at the next request.
#[derive(Clone, Debug, Default)]
pub struct Permissions {
    pub operations: HashSet<Operation>,
    pub read: HashSet<FieldKey>,
    pub write: HashSet<FieldKey>,
}

impl Permissions {
    pub fn can(&self, op: Operation) -> bool {
        AUTHZ_BYPASSED || self.operations.contains(&op)
    }

    pub fn can_read(&self, type_name: &str, field: &str) -> bool {
        AUTHZ_BYPASSED
            || self
                .read
                .contains(&(type_name.to_string(), field.to_string()))
    }

    pub fn can_write(&self, type_name: &str, field: &str) -> bool {
        AUTHZ_BYPASSED
            || self
                .write
                .contains(&(type_name.to_string(), field.to_string()))
    }
}

/// The outcome of a field check.
#[derive(Debug, PartialEq, Eq)]
pub enum FieldDecision {
    Allow,
    /// The field resolves to null with `FORBIDDEN_FIELD`.
    Hide,
    /// The request is refused at this field (`UNAUTHENTICATED` or `FORBIDDEN`).
    Refuse(RefuseReason),
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum RefuseReason {
    Unauthenticated,
    Forbidden,
}

/// How every object field is classified, built once.
pub struct FieldCatalog {
    root: HashMap<(&'static str, &'static str), Access>,
    public: HashSet<(&'static str, &'static str)>,
    restricted: HashSet<(&'static str, &'static str)>,
}

impl Default for FieldCatalog {
    fn default() -> Self {
        Self::new()
    }
}

impl FieldCatalog {
    pub fn new() -> Self {
        Self::from_areas(AREAS)
    }

    pub fn from_areas(areas: &[&Area]) -> Self {
        let mut root = HashMap::new();
        let mut public = HashSet::new();
        let mut restricted = HashSet::new();
        for area in areas {
            root.extend(area.roots.iter().map(|(t, f, a)| ((*t, *f), *a)));
            for t in area.types {
                public.extend(t.public.iter().map(|f| (t.type_name, *f)));
                restricted.extend(t.restricted.iter().map(|f| (t.type_name, *f)));
            }
        }
        restricted.extend(VICTIM_FIELDS.iter().map(|f| (VICTIM, *f)));
        Self {
            root,
            public,
            restricted,
        }
    }

    pub fn is_restricted(&self, type_name: &str, field: &str) -> bool {
        self.restricted.contains(&(type_name, field))
    }

    pub fn is_classified(&self, type_name: &str, field: &str) -> bool {
        self.root.contains_key(&(type_name, field))
            || self.public.contains(&(type_name, field))
            || self.restricted.contains(&(type_name, field))
    }

    pub fn root_access(&self, type_name: &str, field: &str) -> Option<Access> {
        self.root.get(&(type_name, field)).copied()
    }

    /// The restricted fields, for the administrators' permission editor and the golden table.
    pub fn restricted_fields(&self) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<_> = self.restricted.iter().copied().collect();
        v.sort();
        v
    }

    /// Decides whether `permissions` (None: anonymous) may resolve `type_name.field`.
    pub fn decide(
        &self,
        permissions: Option<&Permissions>,
        type_name: &str,
        field: &str,
    ) -> FieldDecision {
        if AUTHZ_BYPASSED || field.starts_with("__") || type_name.starts_with("__") {
            return FieldDecision::Allow;
        }
        if matches!(type_name, "Query" | "Mutation" | "Subscription") {
            return match (self.root_access(type_name, field), permissions) {
                (Some(Access::Anonymous), _) => FieldDecision::Allow,
                (Some(_), None) => FieldDecision::Refuse(RefuseReason::Unauthenticated),
                (Some(Access::SignedIn), Some(_)) => FieldDecision::Allow,
                (Some(Access::Op(op)), Some(p)) if p.can(op) => FieldDecision::Allow,
                (Some(Access::Op(_)), Some(_)) => FieldDecision::Refuse(RefuseReason::Forbidden),
                (None, None) => FieldDecision::Refuse(RefuseReason::Unauthenticated),
                (None, Some(_)) => FieldDecision::Refuse(RefuseReason::Forbidden),
            };
        }
        if self.public.contains(&(type_name, field)) {
            return FieldDecision::Allow;
        }
        if self.restricted.contains(&(type_name, field)) {
            return match permissions {
                Some(p) if p.can_read(type_name, field) => FieldDecision::Allow,
                // The resolver finishes the check with the person in hand (`person_disclosure`).
                Some(p)
                    if type_name == "Person"
                        && person_disclosure(p, field) == Disclosure::IfVictim =>
                {
                    FieldDecision::Allow
                }
                _ => FieldDecision::Hide,
            };
        }
        // Neither public nor restricted: deny by default.
        FieldDecision::Refuse(RefuseReason::Forbidden)
    }
}

/// Refuses unless the user holds `op`.
pub fn require(permissions: &Permissions, op: Operation) -> AppResult<()> {
    if permissions.can(op) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Refuses a write that touches any field the user may not write. Nothing is written: services
/// call this before opening their transaction.
pub fn check_writes(permissions: &Permissions, type_name: &str, fields: &[&str]) -> AppResult<()> {
    let catalog = catalog();
    for field in fields {
        if catalog.is_restricted(type_name, field) && !permissions.can_write(type_name, field) {
            return Err(AppError::Forbidden);
        }
    }
    Ok(())
}

/// Refuses a filter, sort or search over a field the user may not read, so its value cannot be
/// inferred from which rows come back.
pub fn check_reads(permissions: &Permissions, type_name: &str, fields: &[&str]) -> AppResult<()> {
    let catalog = catalog();
    for field in fields {
        if catalog.is_restricted(type_name, field) && !permissions.can_read(type_name, field) {
            return Err(AppError::Forbidden);
        }
    }
    Ok(())
}

/// The process-wide catalog.
pub fn catalog() -> &'static FieldCatalog {
    static CATALOG: std::sync::OnceLock<FieldCatalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(FieldCatalog::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_refused() {
        let c = FieldCatalog::new();
        let p = Permissions::default();
        assert_eq!(
            c.decide(Some(&p), "Mystery", "x"),
            FieldDecision::Refuse(RefuseReason::Forbidden)
        );
        assert_eq!(
            c.decide(Some(&p), "Query", "mystery"),
            FieldDecision::Refuse(RefuseReason::Forbidden)
        );
        assert_eq!(
            c.decide(None, "Query", "viewer"),
            FieldDecision::Refuse(RefuseReason::Unauthenticated)
        );
        assert_eq!(c.decide(None, "Mutation", "login"), FieldDecision::Allow);
    }

    #[test]
    fn restricted_fields_need_a_grant() {
        static AREA: Area = Area {
            roots: &[],
            types: &[TypeFields {
                type_name: "Thing",
                public: &["id"],
                restricted: &["secret"],
            }],
        };
        let c = FieldCatalog::from_areas(&[&AREA]);
        let mut p = Permissions::default();
        assert_eq!(c.decide(Some(&p), "Thing", "id"), FieldDecision::Allow);
        assert_eq!(c.decide(Some(&p), "Thing", "secret"), FieldDecision::Hide);
        assert_eq!(c.decide(None, "Thing", "secret"), FieldDecision::Hide);
        p.read.insert(("Thing".into(), "secret".into()));
        assert_eq!(c.decide(Some(&p), "Thing", "secret"), FieldDecision::Allow);
    }

    #[test]
    fn a_bypassing_build_starts_only_on_loopback() {
        let at = |a: &str| a.parse::<std::net::SocketAddr>().unwrap();
        for open in ["0.0.0.0:8080", "192.168.1.5:80", "[::]:8080"] {
            let refused = check_bypass_bind(true, at(open)).unwrap_err();
            assert!(refused.contains("bench-no-authz"), "{refused}");
            assert!(check_bypass_bind(false, at(open)).is_ok());
        }
        for lo in ["127.0.0.1:8080", "127.0.0.2:0", "[::1]:8080"] {
            assert!(check_bypass_bind(true, at(lo)).is_ok(), "{lo}");
        }
    }

    #[test]
    fn operation_names_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::parse(op.as_str()), Some(*op));
        }
    }
}

/// Every field of every object type in the schema is classified, restricted fields are nullable,
/// and the rules name no field the schema lacks.
#[cfg(test)]
mod coverage {
    use std::collections::HashSet;

    use async_graphql::parser::types::{BaseType, TypeKind, TypeSystemDefinition};

    use super::*;

    fn schema_fields() -> Vec<(String, String, bool)> {
        let sdl = crate::graphql::sdl();
        let doc = async_graphql::parser::parse_schema(&sdl).expect("SDL parses");
        let mut out = Vec::new();
        for def in doc.definitions {
            let TypeSystemDefinition::Type(ty) = def else {
                continue;
            };
            let name = ty.node.name.node.to_string();
            if name.starts_with("__") {
                continue;
            }
            let TypeKind::Object(obj) = &ty.node.kind else {
                continue;
            };
            for f in &obj.fields {
                let nullable = f.node.ty.node.nullable;
                out.push((name.clone(), f.node.name.node.to_string(), nullable));
                let _ = matches!(f.node.ty.node.base, BaseType::Named(_));
            }
        }
        out
    }

    #[test]
    fn every_schema_field_is_classified() {
        let catalog = catalog();
        let unclassified: Vec<String> = schema_fields()
            .into_iter()
            .filter(|(t, f, _)| !catalog.is_classified(t, f))
            .map(|(t, f, _)| format!("{t}.{f}"))
            .collect();
        assert!(
            unclassified.is_empty(),
            "fields neither public nor restricted in auth/policy/rules: {unclassified:?}"
        );
    }

    #[test]
    fn restricted_fields_are_nullable() {
        let catalog = catalog();
        let not_nullable: Vec<String> = schema_fields()
            .into_iter()
            .filter(|(t, f, nullable)| catalog.is_restricted(t, f) && !nullable)
            .map(|(t, f, _)| format!("{t}.{f}"))
            .collect();
        assert!(
            not_nullable.is_empty(),
            "restricted fields must be nullable: {not_nullable:?}"
        );
    }

    #[test]
    fn victim_fields_are_person_fields() {
        let catalog = catalog();
        for f in VICTIM_FIELDS {
            assert!(catalog.is_restricted("Person", f), "Person.{f}");
        }
    }

    #[test]
    fn rules_name_only_fields_the_schema_has() {
        let in_schema: HashSet<(String, String)> = schema_fields()
            .into_iter()
            .map(|(t, f, _)| (t, f))
            .collect();
        let mut stale = Vec::new();
        for area in AREAS {
            for (t, f, _) in area.roots {
                if !in_schema.contains(&(t.to_string(), f.to_string())) {
                    stale.push(format!("{t}.{f}"));
                }
            }
            for t in area.types {
                if t.type_name == VICTIM {
                    continue;
                }
                for f in t.public.iter().chain(t.restricted.iter()) {
                    if !in_schema.contains(&(t.type_name.to_string(), f.to_string())) {
                        stale.push(format!("{}.{f}", t.type_name));
                    }
                }
            }
        }
        assert!(
            stale.is_empty(),
            "rules for fields the schema does not have: {stale:?}"
        );
    }
}
