//! Query cost limits, checked before anything executes: depth (`max_depth`) and complexity
//! (`max_complexity`), both refused with `LIMIT_EXCEEDED` and a message naming the limit.
//!
//! Complexity estimates the size of the answer. A field costs 1 plus what it selects; a list
//! multiplies what it selects by how many items it may hold:
//! - a paginated connection (every field taking `first`) by its `first`, or the default page size
//!   when `first` is absent ([`page`]);
//! - a nested list that grows with the data (a case's parties, incidents, actions, ...) by
//!   [`NESTED_LIST_ITEMS`], a typical size ([`nested`]).
//!
//! So a page of 50 cases with their parties (and their people's other cases), incidents, actions,
//! notes and shares costs about 6,400, and the same page of 100 about 12,800: the default limit
//! of 10,000 lets the first through and refuses the second.
//!
//! `first` must be within `1..=max_page_size`; that is checked here too, as the resolvers do, so
//! that the estimate never multiplies by a page size that could not be served (`BAD_USER_INPUT`
//! naming `first`).

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    Name, ServerError, ServerResult, ValidationResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use crate::{configuration::Settings, domain::DEFAULT_PAGE_SIZE, error::AppError};

/// How many items a nested list (without `first`) is assumed to hold.
pub const NESTED_LIST_ITEMS: usize = 3;

/// The complexity of a connection field: `first` (or the default page size) times what each
/// item selects, plus the field itself.
pub fn page(first: Option<i32>, child_complexity: usize) -> usize {
    let items = match first {
        Some(n) => usize::try_from(n.max(1)).unwrap_or(1),
        None => usize::try_from(DEFAULT_PAGE_SIZE).unwrap_or(usize::MAX),
    };
    items.saturating_mul(child_complexity).saturating_add(1)
}

/// The complexity of a nested list field: [`NESTED_LIST_ITEMS`] times what each item selects,
/// plus the field itself.
pub fn nested(child_complexity: usize) -> usize {
    NESTED_LIST_ITEMS
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

/// A request refused for going over a limit; the message names the limit.
pub fn limit_error(message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "LIMIT_EXCEEDED");
    e.extensions = Some(ext);
    e
}

/// The schema extension applying the limits.
pub struct QueryLimits;

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryLimits)
    }
}

#[async_trait::async_trait]
impl Extension for QueryLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Some(settings) = ctx.data_opt::<Arc<Settings>>() {
            check_page_sizes(&doc, variables, settings.limits.max_page_size)?;
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let Some(settings) = ctx.data_opt::<Arc<Settings>>() else {
            return Ok(result);
        };
        let limits = &settings.limits;
        if result.depth > limits.max_depth {
            return Err(vec![limit_error(format!(
                "query too deep: {} levels (limit: max_depth = {})",
                result.depth, limits.max_depth
            ))]);
        }
        if result.complexity > limits.max_complexity {
            return Err(vec![limit_error(format!(
                "query too complex: {} (limit: max_complexity = {}); ask for fewer items \
                 (`first`) or fewer nested fields",
                result.complexity, limits.max_complexity
            ))]);
        }
        Ok(result)
    }
}

/// Refuses a `first` outside `1..=max`, given literally, by a variable, or by a variable's
/// default.
fn check_page_sizes(doc: &ExecutableDocument, variables: &Variables, max: u64) -> ServerResult<()> {
    let mut defaults: HashMap<&Name, &Value> = HashMap::new();
    for (_, op) in doc.operations.iter() {
        for def in &op.node.variable_definitions {
            if let Some(v) = &def.node.default_value {
                defaults.insert(&def.node.name.node, &v.node);
            }
        }
    }
    // A variable's value, or its default.
    let lookup = |name: Name| -> Result<Value, ()> {
        variables
            .get(&name)
            .or(defaults.get(&name).copied())
            .cloned()
            .ok_or(())
    };
    let check = |set: &SelectionSet| -> ServerResult<()> {
        let mut stack = vec![set];
        while let Some(set) = stack.pop() {
            for item in &set.items {
                match &item.node {
                    Selection::Field(f) => {
                        for (name, value) in &f.node.arguments {
                            if name.node != "first" {
                                continue;
                            }
                            let n = match value.node.clone().into_const_with(lookup) {
                                Ok(Value::Number(n)) => n.as_i64().unwrap_or(i64::MAX),
                                _ => continue,
                            };
                            let message = if n <= 0 {
                                "must be a positive number".to_string()
                            } else if u64::try_from(n).map_or(true, |n| n > max) {
                                format!("must be at most {max}")
                            } else {
                                continue;
                            };
                            let gql: async_graphql::Error =
                                AppError::bad_input("first", message).into();
                            return Err(gql.into_server_error(value.pos));
                        }
                        stack.push(&f.node.selection_set.node);
                    }
                    Selection::InlineFragment(i) => stack.push(&i.node.selection_set.node),
                    Selection::FragmentSpread(_) => {}
                }
            }
        }
        Ok(())
    };
    for (_, op) in doc.operations.iter() {
        check(&op.node.selection_set.node)?;
    }
    for fragment in doc.fragments.values() {
        check(&fragment.node.selection_set.node)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_multiply_by_first_and_nested_lists_by_their_typical_size() {
        assert_eq!(page(Some(50), 10), 501);
        assert_eq!(page(None, 10), 201);
        assert_eq!(page(Some(-5), 10), 11);
        assert_eq!(page(Some(i32::MAX), usize::MAX), usize::MAX);
        assert_eq!(nested(4), 13);
        assert_eq!(nested(usize::MAX), usize::MAX);
    }
}
