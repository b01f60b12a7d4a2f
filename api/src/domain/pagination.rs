//! Keyset pagination: a validated page size and an opaque cursor.
//!
//! A [`Cursor`] is the position of the last row a client saw: the value of the sort column as text
//! plus the row's id, which breaks ties. The next page is the rows after `(sort_key, id)` in the
//! query's order. Clients must treat cursors as opaque; the encoding (base64url, no padding, of a
//! version byte, the 16 id bytes and the UTF-8 sort key) may change.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::AppError;

/// The page size when a client does not ask for one.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

const CURSOR_VERSION: u8 = 1;
/// Longer input is refused before decoding, so a hostile cursor cannot cost much.
const MAX_CURSOR_CHARS: usize = 1024;

/// A keyset position. Build one with [`Cursor::new`] for the last row of a page and hand the
/// client [`Cursor::encoded`]; read one back with [`Cursor::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    sort_key: String,
    id: Uuid,
}

impl Cursor {
    pub fn new(sort_key: impl Into<String>, id: Uuid) -> Self {
        Self {
            sort_key: sort_key.into(),
            id,
        }
    }

    /// The opaque text for `(sort_key, id)`. Keep sort keys short (timestamps, references):
    /// cursors longer than 1024 characters are refused when read back.
    pub fn encode(sort_key: &str, id: Uuid) -> String {
        let mut bytes = Vec::with_capacity(1 + 16 + sort_key.len());
        bytes.push(CURSOR_VERSION);
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend_from_slice(sort_key.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Reads `(sort_key, id)` back, refusing anything [`Cursor::encode`] did not produce
    /// (naming `field`, normally `"after"`).
    pub fn decode(field: &str, raw: &str) -> Result<(String, Uuid), AppError> {
        let bad = || AppError::bad_input(field, "is not a valid cursor");
        if raw.is_empty() || raw.len() > MAX_CURSOR_CHARS {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
        let (version, rest) = bytes.split_first().ok_or_else(bad)?;
        if *version != CURSOR_VERSION || rest.len() < 16 {
            return Err(bad());
        }
        let (id, sort_key) = rest.split_at(16);
        let id = Uuid::from_slice(id).map_err(|_| bad())?;
        let sort_key = String::from_utf8(sort_key.to_vec()).map_err(|_| bad())?;
        Ok((sort_key, id))
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        Self::decode(field, raw).map(|(sort_key, id)| Self { sort_key, id })
    }

    /// The opaque text to give the client.
    pub fn encoded(&self) -> String {
        Self::encode(&self.sort_key, self.id)
    }

    pub fn sort_key(&self) -> &str {
        &self.sort_key
    }

    pub fn id(&self) -> Uuid {
        self.id
    }
}

/// A validated request for one page: `first` rows after the optional cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    first: u64,
    after: Option<Cursor>,
    /// Whether the client selected `totalCount`: counting every matching row costs in
    /// proportion to the table, so it runs only when asked for.
    count: bool,
}

impl PageRequest {
    /// From GraphQL `first` and `after`, with [`DEFAULT_PAGE_SIZE`] when `first` is absent.
    pub fn parse(first: Option<i32>, after: Option<&str>, max: u64) -> Result<Self, AppError> {
        Self::parse_with_default(first, after, DEFAULT_PAGE_SIZE, max)
    }

    /// As [`PageRequest::parse`] with a chosen default (capped at `max`). `first` must be
    /// 1..=`max` (errors name field `first`); `after` must be a cursor this API issued (errors
    /// name field `after`).
    pub fn parse_with_default(
        first: Option<i32>,
        after: Option<&str>,
        default: u64,
        max: u64,
    ) -> Result<Self, AppError> {
        let max = max.max(1);
        let first = match first {
            None => default.clamp(1, max),
            Some(n) if n <= 0 => {
                return Err(AppError::bad_input("first", "must be a positive number"));
            }
            Some(n) => {
                let n = u64::from(n.unsigned_abs());
                if n > max {
                    return Err(AppError::bad_input(
                        "first",
                        format!("must be at most {max}"),
                    ));
                }
                n
            }
        };
        let after = after.map(|raw| Cursor::parse("after", raw)).transpose()?;
        Ok(Self {
            first,
            after,
            count: true,
        })
    }

    /// Whether to count every matching row (`totalCount`); by default yes.
    pub fn with_count(mut self, count: bool) -> Self {
        self.count = count;
        self
    }

    pub fn wants_count(&self) -> bool {
        self.count
    }

    pub fn first(&self) -> u64 {
        self.first
    }

    pub fn after(&self) -> Option<&Cursor> {
        self.after.as_ref()
    }

    /// Rows to fetch: one more than `first`, so that the extra row tells whether there is a
    /// next page.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field_and_message(err: AppError) -> (String, String) {
        match err {
            AppError::BadUserInput { field, message } => (field, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn page_sizes() {
        let p = PageRequest::parse(None, None, 100).unwrap();
        assert_eq!((p.first(), p.after(), p.fetch_limit()), (20, None, 21));
        assert_eq!(
            PageRequest::parse(Some(100), None, 100).unwrap().first(),
            100
        );
        assert_eq!(
            PageRequest::parse_with_default(None, None, 50, 10)
                .unwrap()
                .first(),
            10
        );

        for bad in [0, -1, i32::MIN] {
            let (field, _) =
                field_and_message(PageRequest::parse(Some(bad), None, 100).unwrap_err());
            assert_eq!(field, "first");
        }
        let (field, message) =
            field_and_message(PageRequest::parse(Some(101), None, 100).unwrap_err());
        assert_eq!(field, "first");
        assert!(message.contains("100"), "{message}");
    }

    #[test]
    fn cursors() {
        let id = Uuid::from_u128(0x1234);
        let raw = Cursor::encode("2025-01-02T03:04:05Z", id);
        assert!(!raw.contains('=') && !raw.contains('+') && !raw.contains('/'));
        let p = PageRequest::parse(Some(5), Some(&raw), 100).unwrap();
        let cursor = p.after().unwrap();
        assert_eq!(
            (cursor.sort_key(), cursor.id()),
            ("2025-01-02T03:04:05Z", id)
        );
        assert_eq!(cursor.encoded(), raw);
        assert_eq!(
            Cursor::decode("after", &Cursor::encode("", id)).unwrap(),
            (String::new(), id)
        );
    }

    #[test]
    fn malformed_cursors_name_after() {
        let id = Uuid::from_u128(7);
        let good = Cursor::encode("k", id);
        let padded = URL_SAFE_NO_PAD.encode([CURSOR_VERSION; 17]) + "=";
        let wrong_version = URL_SAFE_NO_PAD.encode([9u8; 20]);
        let short = URL_SAFE_NO_PAD.encode([CURSOR_VERSION; 10]);
        let mut bad_utf8 = vec![CURSOR_VERSION];
        bad_utf8.extend_from_slice(id.as_bytes());
        bad_utf8.push(0xff);
        let bad_utf8 = URL_SAFE_NO_PAD.encode(bad_utf8);
        let long = "A".repeat(2000);
        for bad in [
            "",
            "!!!",
            "a",
            &format!("{good}="),
            &padded,
            &wrong_version,
            &short,
            &bad_utf8,
            &long,
        ] {
            let (field, _) =
                field_and_message(PageRequest::parse(None, Some(bad), 100).unwrap_err());
            assert_eq!(field, "after", "{bad}");
        }
    }

    proptest! {
        #[test]
        fn cursor_round_trips(sort_key in "\\PC{0,100}", id in any::<u128>()) {
            let id = Uuid::from_u128(id);
            let raw = Cursor::encode(&sort_key, id);
            prop_assert_eq!(Cursor::decode("after", &raw).unwrap(), (sort_key, id));
        }

        #[test]
        fn decoding_arbitrary_text_never_panics(raw in "\\PC{0,200}") {
            if let Ok((sort_key, id)) = Cursor::decode("after", &raw) {
                prop_assert_eq!(Cursor::encode(&sort_key, id), raw);
            }
        }

        #[test]
        fn accepted_page_sizes_are_within_bounds(first in proptest::option::of(any::<i32>()), max in 1u64..500) {
            match PageRequest::parse(first, None, max) {
                Ok(p) => prop_assert!((1..=max).contains(&p.first())),
                Err(e) => prop_assert_eq!(field_and_message(e).0, "first"),
            }
        }
    }
}
