//! The schema extension that applies the field policy to every field of every request.
//!
//! async-graphql calls `resolve` once per field, with the field's real parent type and name, so
//! aliases, fragments and nesting cannot avoid the check. A restricted field the user may not read
//! resolves to `null` and its error (`FORBIDDEN_FIELD`, with the path) is added to the response;
//! an unclassified field, or a root field the user lacks the operation for, is refused.

use std::sync::{Arc, Mutex};

use async_graphql::{
    ErrorExtensions, PathSegment, Response, ServerError, ServerResult, Value,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo,
    },
};

use crate::{
    auth::{
        Principal,
        policy::{self, FieldDecision, RefuseReason},
    },
    error::AppError,
    graphql::limits::limit_error,
};

pub struct FieldGuard;

impl ExtensionFactory for FieldGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldGuardExtension {
            hidden: Mutex::new(Vec::new()),
        })
    }
}

struct FieldGuardExtension {
    /// Errors for fields that resolved to null because the user may not read them.
    hidden: Mutex<Vec<ServerError>>,
}

fn path_of(info: &ResolveInfo<'_>) -> Vec<PathSegment> {
    let mut path = Vec::new();
    let mut node = Some(info.path_node);
    while let Some(n) = node {
        path.push(match n.segment {
            async_graphql::QueryPathSegment::Name(name) => PathSegment::Field(name.to_string()),
            async_graphql::QueryPathSegment::Index(i) => PathSegment::Index(i),
        });
        node = n.parent;
    }
    path.reverse();
    path
}

fn to_server_error(err: AppError, info: &ResolveInfo<'_>) -> ServerError {
    let gql: async_graphql::Error = err.into();
    let mut e = gql.extend().into_server_error(info.field.name.pos);
    e.path = path_of(info);
    e
}

#[async_trait::async_trait]
impl Extension for FieldGuardExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Introspection is governed by the schema's introspection setting; list items were
        // checked as their list field.
        if info.is_for_introspection || info.parent_type.starts_with('[') {
            return next.run(ctx, info).await;
        }
        let principal = ctx.data_opt::<Principal>();
        let permissions = principal.and_then(|p| p.permissions());
        match policy::catalog().decide(permissions, info.parent_type, info.name) {
            FieldDecision::Allow => next.run(ctx, info).await,
            FieldDecision::Hide => {
                let err = AppError::ForbiddenField {
                    type_name: info.parent_type.to_string(),
                    field: info.name.to_string(),
                };
                let server_error = to_server_error(err, &info);
                if let Ok(mut hidden) = self.hidden.lock() {
                    hidden.push(server_error);
                }
                Ok(None)
            }
            FieldDecision::Refuse(reason) => {
                let err = match reason {
                    RefuseReason::Unauthenticated => AppError::Unauthenticated,
                    RefuseReason::Forbidden => AppError::Forbidden,
                };
                Err(to_server_error(err, &info))
            }
        }
    }

    /// Over a WebSocket only subscriptions run: queries and mutations go over HTTP, where limits
    /// and the consultation log apply.
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &async_graphql::Variables,
        next: async_graphql::extensions::NextParseQuery<'_>,
    ) -> ServerResult<async_graphql::parser::types::ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Some(settings) = ctx.data_opt::<std::sync::Arc<crate::configuration::Settings>>() {
            check_shape(&doc, &settings.limits)?;
        }
        if ctx.data_opt::<crate::http::ws::WsConnection>().is_some()
            && doc.operations.iter().any(|(_, op)| {
                op.node.ty != async_graphql::parser::types::OperationType::Subscription
            })
        {
            return Err(ServerError::new(
                "only subscriptions may be sent over a WebSocket; use POST /graphql",
                None,
            ));
        }
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if let Ok(mut hidden) = self.hidden.lock() {
            response.errors.append(&mut hidden);
        }
        response
    }
}

/// Refuses a document with too many aliases or root fields, before anything runs. Depth and
/// complexity are limited in `limits.rs`.
fn check_shape(
    doc: &async_graphql::parser::types::ExecutableDocument,
    limits: &crate::configuration::Limits,
) -> ServerResult<()> {
    use async_graphql::parser::types::{Selection, SelectionSet};
    fn aliases(set: &SelectionSet, depth: usize) -> usize {
        if depth > 64 {
            return 0;
        }
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => {
                    usize::from(f.node.alias.is_some())
                        + aliases(&f.node.selection_set.node, depth + 1)
                }
                Selection::InlineFragment(i) => aliases(&i.node.selection_set.node, depth + 1),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let mut alias_count: usize = doc
        .fragments
        .values()
        .map(|f| aliases(&f.node.selection_set.node, 0))
        .sum();
    for (_, op) in doc.operations.iter() {
        let set = &op.node.selection_set.node;
        alias_count += aliases(set, 0);
        let roots = set.items.len();
        if roots > limits.max_root_fields {
            return Err(limit_error(format!(
                "too many root fields: {roots} (limit: max_root_fields = {})",
                limits.max_root_fields
            )));
        }
    }
    if alias_count > limits.max_aliases {
        return Err(limit_error(format!(
            "too many aliases: {alias_count} (limit: max_aliases = {})",
            limits.max_aliases
        )));
    }
    Ok(())
}
