//! Keyset pagination shared by every list: order by (sort column, id), continue strictly after
//! the cursor's (key, id). The cost of a page does not depend on how deep it is.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

pub use crate::service::page::Page;
use crate::service::page::{self, Direction};
use crate::{
    domain::{Cursor, PageRequest},
    error::{AppError, AppResult},
};

/// How a sort key is written into a cursor.
#[derive(Clone, Copy, Debug)]
pub enum KeyKind {
    Time,
    Text,
}

/// Orders `q` by (`col`, `id`) and applies the cursor and the page size.
pub fn apply<E, C>(
    q: Select<E>,
    col: C,
    id: C,
    kind: KeyKind,
    descending: bool,
    page: &PageRequest,
) -> AppResult<Select<E>>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let mut q = q;
    if let Some(cursor) = page.after() {
        q = q.filter(after(col, id, kind, cursor, descending)?);
    }
    q = if descending {
        q.order_by_desc(col).order_by_desc(id)
    } else {
        q.order_by_asc(col).order_by_asc(id)
    };
    Ok(q.limit(page.fetch_limit()))
}

fn after<C: ColumnTrait>(
    col: C,
    id: C,
    kind: KeyKind,
    cursor: &Cursor,
    descending: bool,
) -> AppResult<Condition> {
    let direction = if descending {
        Direction::Descending
    } else {
        Direction::Ascending
    };
    Ok(match kind {
        KeyKind::Text => page::after(
            col,
            id,
            cursor.sort_key().to_string(),
            cursor.id(),
            direction,
        ),
        KeyKind::Time => {
            let k: DateTime<Utc> = DateTime::parse_from_rfc3339(cursor.sort_key())
                .map_err(|_| AppError::bad_input("after", "not a cursor this API issued"))?
                .with_timezone(&Utc);
            page::after(col, id, k, cursor.id(), direction)
        }
    })
}

/// Cuts the extra row that tells whether there is a next page, and writes each row's cursor.
pub fn finish<M>(
    rows: Vec<M>,
    page: &PageRequest,
    total: u64,
    key: impl Fn(&M) -> (String, Uuid),
) -> Page<M> {
    Page::from_rows(rows, page, total, |m| {
        let (k, id) = key(m);
        Cursor::new(k, id)
    })
}

/// The cursor key of a timestamp.
pub fn time_key(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}
