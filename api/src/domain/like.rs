//! Search text made safe for SQL `LIKE`.
//!
//! # How to use a [`LikePattern`]
//!
//! Compare it against the lower-cased column and name the escape character, always:
//!
//! ```sql
//! LOWER(column) LIKE $1 ESCAPE '\'
//! ```
//!
//! with sea-query: `Expr::expr(Func::lower(Expr::col(c))).like(LikeExpr::new(p.as_str()).escape('\\'))`.
//!
//! `ESCAPE '\'` is required: PostgreSQL defaults to a backslash escape but SQLite has no escape
//! character unless told, so without it a user's `%` or `_` would be a wildcard on one database
//! and not the other. `LOWER(column)` is required because `LIKE` is case-sensitive on PostgreSQL
//! and ASCII-case-insensitive on SQLite; the pattern is already lower case.
//!
//! One difference remains: SQLite's built-in `LOWER` folds ASCII letters only, so on SQLite a
//! search for `"émile"` does not find `"Émile"`. PostgreSQL (UTF-8 database) folds both.

use std::fmt;

use crate::error::AppError;

/// The escape character callers must name in `ESCAPE '\'`.
pub const LIKE_ESCAPE: char = '\\';

/// Escapes `\`, `%` and `_` with [`LIKE_ESCAPE`] so that each matches only itself.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push(LIKE_ESCAPE);
        }
        out.push(c);
    }
    out
}

/// The inverse of [`escape_like`]: `None` for text that `escape_like` cannot have produced
/// (an unescaped wildcard, or an escape not followed by `\`, `%` or `_`).
pub fn unescape_like(escaped: &str) -> Option<String> {
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        match c {
            LIKE_ESCAPE => match chars.next() {
                Some(next @ ('\\' | '%' | '_')) => out.push(next),
                _ => return None,
            },
            '%' | '_' => return None,
            _ => out.push(c),
        }
    }
    Some(out)
}

/// A "contains" search: the user's text trimmed, lower-cased and escaped, wrapped as `%text%`.
/// 1..=100 characters of search text; control characters refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LikePattern {
    text: String,
    pattern: String,
}

impl LikePattern {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(AppError::bad_input(field, "must not be empty"));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(AppError::bad_input(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(AppError::bad_input(
                field,
                "must not contain control characters",
            ));
        }
        let text = trimmed.to_lowercase();
        let pattern = format!("%{}%", escape_like(&text));
        Ok(Self { text, pattern })
    }

    /// The `LIKE` pattern, `%…%`, to bind as a parameter.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The lower-cased search text, unescaped.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The same search done in memory: whether `haystack` contains the text, ignoring case.
    pub fn matches(&self, haystack: &str) -> bool {
        haystack.to_lowercase().contains(&self.text)
    }
}

impl fmt::Display for LikePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reference implementation of `value LIKE pattern ESCAPE '\'` (case-sensitive).
    fn sql_like(pattern: &str, value: &str) -> bool {
        enum Tok {
            Lit(char),
            One,
            Many,
        }
        let mut toks = Vec::new();
        let mut it = pattern.chars();
        while let Some(c) = it.next() {
            toks.push(match c {
                '\\' => Tok::Lit(it.next().unwrap()),
                '%' => Tok::Many,
                '_' => Tok::One,
                c => Tok::Lit(c),
            });
        }
        let value: Vec<char> = value.chars().collect();
        // matched[j]: the first i tokens can match value[..j].
        let mut matched = vec![false; value.len() + 1];
        matched[0] = true;
        for tok in &toks {
            let mut next = vec![false; value.len() + 1];
            for j in 0..=value.len() {
                next[j] = match tok {
                    Tok::Many => matched[j] || (j > 0 && next[j - 1]),
                    Tok::One => j > 0 && matched[j - 1],
                    Tok::Lit(c) => j > 0 && matched[j - 1] && value[j - 1] == *c,
                };
            }
            matched = next;
        }
        matched[value.len()]
    }

    #[test]
    fn escapes_wildcards() {
        let p = LikePattern::parse("search", "  50%_Off\\ ").unwrap();
        assert_eq!(p.as_str(), r"%50\%\_off\\%");
        assert_eq!(p.text(), r"50%_off\");
        assert!(sql_like(p.as_str(), r"get 50%_off\ now"));
        assert!(!sql_like(p.as_str(), r"get 50xxoff\ now"));
        assert!(p.matches(r"GET 50%_OFF\"));
    }

    #[test]
    fn refuses_empty_long_and_control() {
        for bad in ["", "   ", "a\u{0}b", &"x".repeat(101)] {
            match LikePattern::parse("search", bad) {
                Err(AppError::BadUserInput { field, .. }) => assert_eq!(field, "search"),
                other => panic!("{other:?}"),
            }
        }
        assert!(LikePattern::parse("search", &"é".repeat(100)).is_ok());
    }

    #[test]
    fn unescape_refuses_what_escape_cannot_produce() {
        assert_eq!(unescape_like(r"a\%b"), Some("a%b".to_owned()));
        for bad in ["%", "_", "\\", "\\a"] {
            assert_eq!(unescape_like(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn escaping_round_trips(s in "[a-c%_\\\\ é]{0,40}") {
            prop_assert_eq!(unescape_like(&escape_like(&s)), Some(s));
        }

        #[test]
        fn pattern_matches_exactly_the_values_containing_the_text(
            text in "[ab%_\\\\]{1,4}",
            value in "[aAbB%_\\\\x]{0,12}",
        ) {
            let p = LikePattern::parse("search", &text).unwrap();
            let lowered = value.to_lowercase();
            prop_assert_eq!(sql_like(p.as_str(), &lowered), lowered.contains(p.text()));
            prop_assert_eq!(p.matches(&value), lowered.contains(p.text()));
        }

        #[test]
        fn accepted_text_is_bounded_lower_case_and_trimmed(raw in "\\PC{0,120}") {
            if let Ok(p) = LikePattern::parse("search", &raw) {
                prop_assert!(!p.text().is_empty());
                prop_assert_eq!(p.text(), p.text().trim());
                prop_assert_eq!(p.text().to_lowercase(), p.text());
                prop_assert!(p.as_str().starts_with('%') && p.as_str().ends_with('%'));
                let inner = unescape_like(&p.as_str()[1..p.as_str().len() - 1]);
                prop_assert_eq!(inner.as_deref(), Some(p.text()));
            }
        }
    }
}
