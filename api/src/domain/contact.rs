//! Contact details: email addresses and telephone numbers.

use std::fmt;

use super::text::text_accessors;
use crate::error::AppError;

/// An email address, lower-cased. The check is structural only (one `@`, a non-empty local part
/// of at most 64 characters, a domain with a dot and no empty labels, no spaces, at most 254
/// characters in all); whether it reaches anyone is for the sender to find out.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let bad = |message: &str| Err(AppError::bad_input(field, message));
        if email.is_empty() {
            return bad("must not be empty");
        }
        if email.chars().count() > Self::MAX_CHARS {
            return bad("must be at most 254 characters");
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("must not contain spaces");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return bad("must contain an @");
        };
        if domain.contains('@') {
            return bad("must contain only one @");
        }
        if local.is_empty() || local.chars().count() > 64 {
            return bad("must have 1 to 64 characters before the @");
        }
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return bad("must have a domain such as example.org after the @");
        }
        Ok(Self(email))
    }
}

text_accessors!(Email);

/// A telephone number as written: digits, spaces, `-`, parentheses and a leading `+`, with
/// 7..=20 digits. Trimmed and otherwise kept as entered; [`Phone::digits`] gives the digits alone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub const MIN_DIGITS: usize = 7;
    pub const MAX_DIGITS: usize = 20;
    const MAX_CHARS: usize = 32;

    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let phone = raw.trim();
        let bad = |message: &str| Err(AppError::bad_input(field, message));
        if phone.is_empty() {
            return bad("must not be empty");
        }
        if phone.chars().count() > Self::MAX_CHARS {
            return bad("is too long");
        }
        for (i, c) in phone.chars().enumerate() {
            let ok =
                c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0);
            if !ok {
                return bad(
                    "may contain only digits, spaces, hyphens, parentheses and a leading +",
                );
            }
        }
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits) {
            return bad("must have 7 to 20 digits");
        }
        Ok(Self(phone.to_owned()))
    }

    /// The digits alone, for matching numbers written differently.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}

text_accessors!(Phone);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails() {
        let e = Email::parse("email", " Ann.Lee@Example.ORG ").unwrap();
        assert_eq!(e.as_str(), "ann.lee@example.org");
        for bad in [
            "",
            "ann",
            "@example.org",
            "ann@",
            "ann@example",
            "a@b@c.org",
            "a b@c.org",
            "ann@.org",
            "ann@example.",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
        let long = format!("{}@{}.org", "a".repeat(64), "b".repeat(190));
        assert!(Email::parse("email", &long).is_err());
    }

    #[test]
    fn phones() {
        let p = Phone::parse("phone", " +44 (0)20 7946-0958 ").unwrap();
        assert_eq!(p.as_str(), "+44 (0)20 7946-0958");
        assert_eq!(p.digits(), "4402079460958");
        for bad in [
            "",
            "123456",
            "0207946x958",
            "44+2079460958",
            &"1".repeat(21),
        ] {
            assert!(Phone::parse("phone", bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn email_is_lower_case_and_idempotent(local in "[A-Za-z0-9.+_]{1,20}", domain in "[A-Za-z]{1,10}\\.[A-Za-z]{2,5}") {
            let e = Email::parse("email", &format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(e.as_str(), e.as_str().to_lowercase());
            prop_assert_eq!(Email::parse("email", e.as_str()).unwrap(), e);
        }

        #[test]
        fn accepted_phones_have_7_to_20_digits(raw in "[+]?[0-9 ()\\-]{0,30}x?") {
            if let Ok(p) = Phone::parse("phone", &raw) {
                prop_assert!((7..=20).contains(&p.digits().len()));
                prop_assert_eq!(Phone::parse("phone", p.as_str()).unwrap(), p);
            }
        }
    }
}
