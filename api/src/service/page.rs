//! One page of a keyset-paginated list, as services return it.
//!
//! A service orders its rows by `(sort key, id)`, keeps only those after the request's cursor
//! ([`after`]), fetches [`PageRequest::fetch_limit`] of them (one more than asked) and hands them
//! to [`Page::from_rows`], which keeps `first`, notes whether more follow and gives each row its
//! cursor. `total_count` counts every row the filters match, across all pages.

use sea_orm::{ColumnTrait, Condition, Value};
use uuid::Uuid;

use crate::domain::{Cursor, PageRequest};

/// Which way a keyset list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// A page of rows, each with the cursor that continues after it.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<(Cursor, T)>,
    pub has_next_page: bool,
    /// True when the page was asked for after a cursor: rows before it were skipped.
    pub has_previous_page: bool,
    pub total_count: u64,
}

impl<T> Page<T> {
    /// Keeps `request.first()` of `rows` (fetched with `fetch_limit`) and gives each its cursor.
    pub fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        total_count: u64,
        cursor: impl Fn(&T) -> Cursor,
    ) -> Self {
        let first = usize::try_from(request.first()).unwrap_or(usize::MAX);
        let has_next_page = rows.len() > first;
        rows.truncate(first);
        Self {
            items: rows.into_iter().map(|r| (cursor(&r), r)).collect(),
            has_next_page,
            has_previous_page: request.after().is_some(),
            total_count,
        }
    }

    /// The same page with each row converted.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            total_count: self.total_count,
        }
    }

    /// The same page with the rows replaced, in order (for rows enriched in a batch).
    pub fn with_rows<U>(self, rows: Vec<U>) -> Page<U> {
        Page {
            items: self
                .items
                .into_iter()
                .zip(rows)
                .map(|((c, _), u)| (c, u))
                .collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            total_count: self.total_count,
        }
    }
}

/// Rows strictly after `(key, last_id)` in the order `(sort, id)` going `direction`.
pub fn after<S, I, V>(sort: S, id: I, key: V, last_id: Uuid, direction: Direction) -> Condition
where
    S: ColumnTrait,
    I: ColumnTrait,
    V: Into<Value> + Clone,
{
    let (beyond, beyond_id) = match direction {
        Direction::Ascending => (sort.gt(key.clone()), id.gt(last_id)),
        Direction::Descending => (sort.lt(key.clone()), id.lt(last_id)),
    };
    Condition::any()
        .add(beyond)
        .add(Condition::all().add(sort.eq(key)).add(beyond_id))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keeps_first_and_reports_more() {
        let request = PageRequest::parse(Some(2), None, 100).unwrap();
        let page = Page::from_rows(vec![1u8, 2, 3], &request, 7, |n| {
            Cursor::new(n.to_string(), Uuid::nil())
        });
        let kept: Vec<u8> = page.items.iter().map(|(_, n)| *n).collect();
        assert_eq!(kept, vec![1, 2]);
        assert!(page.has_next_page);
        assert!(!page.has_previous_page);
        assert_eq!(page.total_count, 7);
        assert_eq!(page.items[1].0.sort_key(), "2");

        let request = PageRequest::parse(Some(5), None, 100).unwrap();
        let page = Page::from_rows(vec![1u8, 2], &request, 2, |n| {
            Cursor::new(n.to_string(), Uuid::nil())
        });
        assert!(!page.has_next_page);
        assert_eq!(page.map(|n| n * 10).items[1].1, 20);
    }
}
