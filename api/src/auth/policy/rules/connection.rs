//! Paginated lists (`graphql/connection.rs`): `PageInfo`, and the macros that classify one
//! node type's `<Node>Connection` and `<Node>Edge`. A connection only carries what its nodes
//! carry, and the nodes' own fields are classified with their type, so these are public.

use crate::auth::policy::{Area, TypeFields};

/// Classifies `<Node>Connection`: `connection_fields!("User")`.
macro_rules! connection_fields {
    ($node:literal) => {
        $crate::auth::policy::TypeFields {
            type_name: concat!($node, "Connection"),
            public: &["pageInfo", "edges", "totalCount"],
            restricted: &[],
        }
    };
}
pub(crate) use connection_fields;

/// Classifies `<Node>Edge`: `edge_fields!("User")`.
macro_rules! edge_fields {
    ($node:literal) => {
        $crate::auth::policy::TypeFields {
            type_name: concat!($node, "Edge"),
            public: &["cursor", "node"],
            restricted: &[],
        }
    };
}
pub(crate) use edge_fields;

pub static AREA: Area = Area {
    roots: &[],
    types: &[TypeFields {
        type_name: "PageInfo",
        public: &["hasPreviousPage", "hasNextPage", "startCursor", "endCursor"],
        restricted: &[],
    }],
};
