//! The access log (`READ_AUDIT_LOG`). An entry names who acted and on which record, never the
//! record's content, and is reached only through these root fields, so its fields are public;
//! its `user` is a `User`, whose restricted fields stay restricted.

use super::connection::{connection_fields, edge_fields};
use crate::auth::policy::{Access, Area, Operation::ReadAuditLog, TypeFields};

pub static AREA: Area = Area {
    roots: &[
        ("Query", "auditLog", Access::Op(ReadAuditLog)),
        ("Query", "accessHistory", Access::Op(ReadAuditLog)),
    ],
    types: &[
        TypeFields {
            type_name: "AccessLogEntry",
            public: &[
                "id",
                "at",
                "user",
                "agency",
                "operation",
                "outcome",
                "entity",
                "entityId",
                "fields",
                "requestId",
                "clientAddr",
                "detail",
            ],
            restricted: &[],
        },
        connection_fields!("AccessLogEntry"),
        edge_fields!("AccessLogEntry"),
    ],
};
