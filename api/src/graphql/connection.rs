//! Relay-style connections for every paginated list: `edges { cursor node }`,
//! `pageInfo { hasNextPage endCursor hasPreviousPage startCursor }` and `totalCount`.
//!
//! One generic type serves every node type. It is async-graphql's own `connection` type, which
//! names itself after its node: `Connection<User>` is `UserConnection`, with `UserEdge`s. Each
//! such pair must be classified in the policy rules (`connection_fields!` and `edge_fields!` in
//! `auth/policy/rules/connection.rs`); `PageInfo` is classified there once. Services return a
//! [`Page`]; [`from_page`] turns it into a connection.

use async_graphql::{
    OutputType, SimpleObject,
    connection::{
        self, DefaultConnectionName, DefaultEdgeName, DisableNodesField, Edge, EmptyFields,
    },
};

use crate::service::page::Page;

/// The fields a connection adds to edges and page info.
#[derive(SimpleObject)]
pub struct ConnectionCount {
    /// How many items match, across all pages.
    total_count: u64,
}

/// A page of `N`s. Cursors are opaque strings (see `domain::Cursor`).
pub type Connection<N> = connection::Connection<
    String,
    N,
    ConnectionCount,
    EmptyFields,
    DefaultConnectionName,
    DefaultEdgeName,
    DisableNodesField,
>;

/// A service's page as a connection, converting each row with `node`.
pub fn from_page<T, N: OutputType>(page: Page<T>, mut node: impl FnMut(T) -> N) -> Connection<N> {
    let mut connection = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        ConnectionCount {
            total_count: page.total_count,
        },
    );
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, row)| Edge::new(cursor.encoded(), node(row))),
    );
    connection
}

/// Whether the connection's `totalCount` is selected. Counting every matching row costs in
/// proportion to the table, so lists count only when asked (see `PageRequest::with_count`).
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}
