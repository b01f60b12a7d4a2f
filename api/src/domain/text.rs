//! Free text and names.
//!
//! Limits count Unicode scalar values (`chars().count()`), not bytes, so a name in Welsh, Polish or
//! Urdu gets the same room as one in English. Every value is trimmed before it is checked.

use std::fmt;

use crate::error::AppError;

/// How a free-text newtype is checked.
struct Rules {
    min: usize,
    max: usize,
    /// Whether `\n`, `\r` and `\t` are allowed. Other control characters never are.
    multiline: bool,
}

fn check_text(field: &str, raw: &str, rules: &Rules) -> Result<String, AppError> {
    let text = raw.trim();
    let len = text.chars().count();
    if len < rules.min {
        return Err(AppError::bad_input(
            field,
            if rules.min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must be at least {} characters", rules.min)
            },
        ));
    }
    if len > rules.max {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {} characters", rules.max),
        ));
    }
    let allowed = |c: char| rules.multiline && matches!(c, '\n' | '\r' | '\t');
    if text
        .chars()
        .any(|c| (c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')) && !allowed(c))
    {
        return Err(AppError::bad_input(
            field,
            if rules.multiline {
                "must not contain control characters other than line breaks and tabs"
            } else {
                "must not contain line breaks or control characters"
            },
        ));
    }
    if text.chars().any(is_hidden_format) {
        return Err(AppError::bad_input(
            field,
            "must not contain invisible formatting characters (direction overrides or \
             zero-width spaces)",
        ));
    }
    Ok(text.to_owned())
}

/// Characters that change how text is shown without being seen: direction embeddings,
/// overrides and isolates (which can make a name or title display as something else, the
/// "Trojan Source" trick), zero-width spaces, word joiners and byte-order marks. Zero-width
/// joiners and non-joiners, and the left-to-right / right-to-left marks, stay allowed: Persian,
/// Indic scripts and mixed-direction names need them.
fn is_hidden_format(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The accessors every text newtype shares.
macro_rules! text_accessors {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(super) use text_accessors;

/// Defines a free-text newtype checked only by [`Rules`].
macro_rules! free_text {
    ($(#[$meta:meta])* $name:ident, min = $min:expr, max = $max:expr, multiline = $ml:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub const MIN_CHARS: usize = $min;
            pub const MAX_CHARS: usize = $max;

            pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
                let rules = Rules { min: $min, max: $max, multiline: $ml };
                check_text(field, raw, &rules).map(Self)
            }
        }

        text_accessors!($name);
    };
}

free_text!(
    /// One line of text: 1..=200 characters, trimmed, no line breaks or control characters.
    ShortText, min = 1, max = 200, multiline = false
);

free_text!(
    /// A case title. The same rules as [`ShortText`], as its own type so that a title cannot be
    /// passed where another field is expected.
    CaseTitle, min = 1, max = 200, multiline = false
);

free_text!(
    /// Prose such as a summary or a note: 0..=10 000 characters, trimmed; line breaks and tabs
    /// allowed, other control characters refused.
    LongText, min = 0, max = 10_000, multiline = true
);

free_text!(
    /// As [`LongText`], but it must not be empty.
    NonEmptyLongText, min = 1, max = 10_000, multiline = true
);

/// A person's name: 1..=100 characters of letters (any script), spaces, hyphens, apostrophes
/// (`'` or `’`) and dots, with at least one letter. Trimmed, and runs of spaces collapsed to one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let name = raw.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>();
        let name = name.join(" ");
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::bad_input(field, "must not be empty"));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AppError::bad_input(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        let mut previous_is_letter = false;
        for c in name.chars() {
            let ok = c.is_alphabetic()
                || matches!(c, ' ' | '-' | '\'' | '’' | '.')
                || (previous_is_letter && is_combining_mark(c));
            if !ok {
                return Err(AppError::bad_input(
                    field,
                    "may contain only letters, spaces, hyphens, apostrophes and dots",
                ));
            }
            previous_is_letter = c.is_alphabetic() || (previous_is_letter && is_combining_mark(c));
        }
        if !name.chars().any(char::is_alphabetic) {
            return Err(AppError::bad_input(field, "must contain a letter"));
        }
        Ok(Self(name.to_owned()))
    }
}

text_accessors!(PersonName);

/// Combining diacritics, so that a decomposed "é" (e + U+0301) is accepted like a composed one.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::Code;
    use proptest::prelude::*;

    fn refused_field(result: Result<impl fmt::Debug, AppError>) -> String {
        match result {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("expected BadUserInput, got {other:?}"),
        }
    }

    #[test]
    fn short_text_trims_and_bounds() {
        assert_eq!(
            ShortText::parse("title", "  hello ").unwrap().as_str(),
            "hello"
        );
        assert_eq!(refused_field(ShortText::parse("title", "   ")), "title");
        assert!(ShortText::parse("title", &"é".repeat(200)).is_ok());
        assert!(ShortText::parse("title", &"é".repeat(201)).is_err());
        assert!(ShortText::parse("title", "a\nb").is_err());
        assert!(ShortText::parse("title", "a\u{7}b").is_err());
        assert!(CaseTitle::parse("title", "Noise at 4 Elm Row").is_ok());
    }

    #[test]
    fn invisible_formatting_is_refused_but_joiners_and_marks_are_not() {
        for hidden in [
            '\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{2060}', '\u{FEFF}',
        ] {
            let text = format!("Northshire{hidden} Police");
            assert_eq!(refused_field(ShortText::parse("name", &text)), "name");
            assert_eq!(refused_field(LongText::parse("body", &text)), "body");
        }
        // Persian with a zero-width non-joiner, and a right-to-left mark in mixed text.
        assert!(ShortText::parse("name", "می\u{200C}خواهم").is_ok());
        assert!(ShortText::parse("name", "Flat 3 \u{200F}שלום").is_ok());
    }

    #[test]
    fn long_text_allows_line_breaks_only() {
        assert_eq!(LongText::parse("summary", "  ").unwrap().as_str(), "");
        assert!(LongText::parse("summary", "line 1\r\n\tline 2").is_ok());
        assert!(LongText::parse("summary", "bell\u{7}").is_err());
        assert!(LongText::parse("summary", &"x".repeat(10_001)).is_err());
        assert_eq!(refused_field(NonEmptyLongText::parse("body", "\n")), "body");
    }

    #[test]
    fn person_names() {
        for ok in [
            "Ann O'Brien",
            "Jean-Luc Picard",
            "J. R. Smith",
            "Zoë Łukasiewicz",
            "李小龙",
            "Siân O’Neill",
            "Rene\u{301}e",
        ] {
            assert!(PersonName::parse("name", ok).is_ok(), "{ok}");
        }
        assert_eq!(
            PersonName::parse("name", "  Ann   Lee ").unwrap().as_str(),
            "Ann Lee"
        );
        for bad in [
            "",
            "  ",
            "R2D2",
            "ann@example.org",
            "--",
            "\u{301}a",
            "a\tb",
        ] {
            assert_eq!(
                refused_field(PersonName::parse("fullName", bad)),
                "fullName",
                "{bad}"
            );
        }
        assert!(PersonName::parse("name", &"a".repeat(101)).is_err());
    }

    #[test]
    fn errors_are_bad_user_input() {
        assert_eq!(
            ShortText::parse("x", "").unwrap_err().code(),
            Code::BadUserInput
        );
    }

    proptest! {
        #[test]
        fn accepted_short_text_is_within_bounds(raw in "\\PC{0,250}") {
            if let Ok(t) = CaseTitle::parse("title", &raw) {
                let n = t.as_str().chars().count();
                prop_assert!((1..=200).contains(&n));
                prop_assert_eq!(t.as_str().trim(), t.as_str());
                prop_assert!(!t.as_str().chars().any(char::is_control));
            }
        }

        #[test]
        fn long_text_parse_is_idempotent(raw in "[a-z \\n\\t\\r\u{0}-\u{1f}é]{0,300}") {
            if let Ok(t) = LongText::parse("summary", &raw) {
                prop_assert_eq!(LongText::parse("summary", t.as_str()).unwrap(), t);
            }
        }

        #[test]
        fn person_name_parse_is_idempotent(raw in "[a-zA-Zé' .\\-0-9]{0,120}") {
            if let Ok(n) = PersonName::parse("name", &raw) {
                prop_assert!(n.as_str().chars().count() <= 100);
                prop_assert_eq!(PersonName::parse("name", n.as_str()).unwrap(), n);
            }
        }
    }
}
