//! Data protection: the subject access export, retention settings, records due for review and
//! their erasure.
//!
//! - `subjectAccessExport` returns one JSON document, built by the service field by field through
//!   this policy ([`crate::auth::policy::FieldCatalog::decide`] and `person_disclosure`): a field
//!   the caller's roles may not read is absent from it, and rows outside the agency's scope are
//!   never loaded.
//! - Retention policies are configuration, and the rows of `recordsDueForReview` carry only
//!   identifiers, case references and dates, so their fields are public to whoever may call the
//!   root field. The erasure report carries only the type, the id and counts.

use super::connection::{connection_fields, edge_fields};
use crate::auth::policy::{Access, Area, Operation::*, TypeFields};

pub static AREA: Area = Area {
    roots: &[
        (
            "Query",
            "subjectAccessExport",
            Access::Op(SubjectAccessExport),
        ),
        ("Query", "retentionPolicies", Access::Op(ManageRetention)),
        ("Query", "recordsDueForReview", Access::Op(EraseRecords)),
        (
            "Mutation",
            "setRetentionPolicy",
            Access::Op(ManageRetention),
        ),
        ("Mutation", "eraseRecord", Access::Op(EraseRecords)),
    ],
    types: &[
        TypeFields {
            type_name: "RetentionPolicy",
            public: &[
                "agency",
                "recordType",
                "retainDays",
                "clockStartsAt",
                "updatedAt",
                "updatedBy",
            ],
            restricted: &[],
        },
        TypeFields {
            type_name: "RecordDue",
            public: &["recordType", "id", "reference", "clockStartedAt", "dueAt"],
            restricted: &[],
        },
        connection_fields!("RecordDue"),
        edge_fields!("RecordDue"),
        TypeFields {
            type_name: "ErasureReport",
            public: &[
                "recordType",
                "id",
                "erasedAt",
                "rowsErased",
                "incidentsUnlinked",
            ],
            restricted: &[],
        },
    ],
};
