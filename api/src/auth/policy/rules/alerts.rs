//! Alerts carry identifiers and a message without personal data, for the user's own agency.

use super::connection::{connection_fields, edge_fields};
use crate::auth::policy::{Access, Area, TypeFields};

pub static AREA: Area = Area {
    roots: &[
        ("Query", "alerts", Access::SignedIn),
        ("Mutation", "acknowledgeAlert", Access::SignedIn),
        ("Subscription", "alerts", Access::SignedIn),
    ],
    types: &[
        TypeFields {
            type_name: "Alert",
            public: &[
                "id",
                "kind",
                "message",
                "createdAt",
                "caseId",
                "personId",
                "incidentId",
                "acknowledged",
            ],
            restricted: &[],
        },
        connection_fields!("Alert"),
        edge_fields!("Alert"),
    ],
};
