//! Query cost limits, checked before anything executes: depth (`max_depth`) and complexity
//! (`max_complexity`), both refused with `LIMIT_EXCEEDED` and a message naming the limit.
//!
//! Depth counts nested fields, fragments inlined; introspection's `ofType` chains do not count
//! (see [`depth`]), so GraphiQL and code generators can read the schema when introspection is on.
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
        let settings = ctx.data_opt::<Arc<Settings>>();
        let doc = next.run(ctx, query, variables).await.map_err(|e| {
            // The parser's own nesting guard (twice `max_depth`) and directive limit answer in
            // plain text; give them the same code as every other limit.
            match settings {
                Some(s) if e.message.starts_with("The recursion depth of the query") => {
                    limit_error(format!(
                        "query nested too deep: more than {} levels of braces (limit: \
                         max_depth = {})",
                        s.limits.max_depth * 2,
                        s.limits.max_depth
                    ))
                }
                _ if e
                    .message
                    .starts_with("The number of directives on the field") =>
                {
                    limit_error(format!("{} (limit: directives per field)", e.message))
                }
                _ => e,
            }
        })?;
        if let Some(settings) = settings {
            let limits = &settings.limits;
            let depth = depth(&doc);
            if depth > limits.max_depth {
                return Err(limit_error(format!(
                    "query too deep: {depth} levels (limit: max_depth = {})",
                    limits.max_depth
                )));
            }
            check_page_sizes(&doc, variables, limits.max_page_size)?;
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

/// The deepest nesting of fields in any operation, fragments inlined. Inside introspection
/// (`__schema`, `__type`), `ofType` links do not count: each names one type, so a chain of them
/// cannot multiply an answer, and the standard introspection query of GraphiQL and of client
/// code generators (nine `ofType` levels deep) must fit under the limit.
pub fn depth(doc: &ExecutableDocument) -> usize {
    struct Walk<'a> {
        doc: &'a ExecutableDocument,
        /// Depth of each fragment's own selection, by (name, inside introspection).
        memo: HashMap<(&'a str, bool), usize>,
        /// Fragments being expanded, to stop at a cycle (validation refuses cycles later).
        stack: Vec<&'a str>,
    }
    impl<'a> Walk<'a> {
        fn set(&mut self, set: &'a SelectionSet, introspection: bool) -> usize {
            let mut deepest = 0;
            for item in &set.items {
                let d = match &item.node {
                    Selection::Field(f) => {
                        let name = f.node.name.node.as_str();
                        let inside = introspection || name.starts_with("__");
                        let own = usize::from(!(introspection && name == "ofType"));
                        own + self.set(&f.node.selection_set.node, inside)
                    }
                    Selection::InlineFragment(i) => {
                        self.set(&i.node.selection_set.node, introspection)
                    }
                    Selection::FragmentSpread(s) => {
                        let name = s.node.fragment_name.node.as_str();
                        if let Some(d) = self.memo.get(&(name, introspection)) {
                            *d
                        } else if self.stack.contains(&name) {
                            0
                        } else if let Some(fragment) =
                            self.doc.fragments.get(&s.node.fragment_name.node)
                        {
                            self.stack.push(name);
                            let d = self.set(&fragment.node.selection_set.node, introspection);
                            self.stack.pop();
                            self.memo.insert((name, introspection), d);
                            d
                        } else {
                            0
                        }
                    }
                };
                deepest = deepest.max(d);
            }
            deepest
        }
    }
    let mut walk = Walk {
        doc,
        memo: HashMap::new(),
        stack: Vec::new(),
    };
    doc.operations
        .iter()
        .map(|(_, op)| walk.set(&op.node.selection_set.node, false))
        .max()
        .unwrap_or(0)
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
    fn depth_inlines_fragments_and_skips_introspection_type_chains() {
        let d = |q: &str| depth(&async_graphql::parser::parse_query(q).unwrap());
        assert_eq!(d("{ a { b { c } } }"), 3);
        assert_eq!(d("{ a { ...F } } fragment F on T { b { c } }"), 3);
        assert_eq!(
            d("{ ...F } fragment F on Q { ...G ...G } fragment G on Q { a { b } }"),
            2
        );
        assert_eq!(
            d(
                "{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }"
            ),
            5
        );
        // Outside introspection a field called ofType counts like any other.
        assert_eq!(d("{ a { ofType { ofType { b } } } }"), 4);
        // A cycle ends the walk; validation refuses it afterwards.
        assert_eq!(d("{ ...A } fragment A on Q { x { ...A } }"), 1);
    }

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
