//! UK postcodes, and the outward-code-or-postcode prefixes used in location filters.
//!
//! The check is the standard shape only (outward code `A9`, `A99`, `AA9`, `AA99`, `A9A` or `AA9A`;
//! inward code `9AA`; plus the special `GIR 0AA`), not a lookup against the Postcode Address File.
//! Input is accepted case-insensitively, with or without the space, and normalised to upper case
//! with a single space before the inward code: `"sw1a1aa"` becomes `"SW1A 1AA"`.

use std::fmt;

use crate::error::AppError;

const OUTWARD_SHAPES: [&[u8]; 6] = [b"A9", b"A99", b"AA9", b"AA99", b"A9A", b"AA9A"];
const INWARD_SHAPE: &[u8] = b"9AA";

/// Whether `s` matches `shape`, where `A` stands for an ASCII letter and `9` for a digit.
fn has_shape(s: &[u8], shape: &[u8]) -> bool {
    s.len() == shape.len()
        && s.iter().zip(shape).all(|(c, k)| match k {
            b'A' => c.is_ascii_alphabetic(),
            _ => c.is_ascii_digit(),
        })
}

fn is_outward(s: &str) -> bool {
    OUTWARD_SHAPES
        .iter()
        .any(|shape| has_shape(s.as_bytes(), shape))
}

/// Splits an upper-cased, space-free candidate into a valid (outward, inward) pair.
fn split_full(compact: &str) -> Option<(&str, &str)> {
    if compact == "GIR0AA" {
        return Some(("GIR", "0AA"));
    }
    let cut = compact.len().checked_sub(3)?;
    let (outward, inward) = (compact.get(..cut)?, compact.get(cut..)?);
    (is_outward(outward) && has_shape(inward.as_bytes(), INWARD_SHAPE)).then_some((outward, inward))
}

/// Removes the (optional) space between outward and inward code and upper-cases. `None` if there
/// is whitespace anywhere else.
fn compact(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split_whitespace().collect();
    match parts.as_slice() {
        [one] => Some(one.to_ascii_uppercase()),
        [outward, inward] if inward.len() == 3 => {
            Some(format!("{outward}{inward}").to_ascii_uppercase())
        }
        _ => None,
    }
}

/// A full UK postcode, normalised as `"SW1A 1AA"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        compact(raw)
            .as_deref()
            .and_then(split_full)
            .map(|(outward, inward)| Self(format!("{outward} {inward}")))
            .ok_or_else(|| AppError::bad_input(field, "must be a UK postcode such as SW1A 1AA"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the space, e.g. `"SW1A"`.
    pub fn outward(&self) -> &str {
        self.0
            .split_once(' ')
            .map_or(&self.0, |(outward, _)| outward)
    }

    /// The part after the space, e.g. `"1AA"`.
    pub fn inward(&self) -> &str {
        self.0.split_once(' ').map_or("", |(_, inward)| inward)
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A filter on postcode: either an outward code (`"SW1A"`, matching every postcode in it) or a
/// full postcode (matching only itself). Normalised as [`Postcode`] is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PostcodePrefix {
    text: String,
    full: bool,
}

impl PostcodePrefix {
    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        Self::recognise(raw).ok_or_else(|| {
            AppError::bad_input(
                field,
                "must be a UK postcode (SW1A 1AA) or the first part of one (SW1A)",
            )
        })
    }

    /// `Some` if `raw` looks like an outward code or a postcode. For "ward or postcode" search
    /// boxes: if this is `None`, treat the text as a ward name instead.
    pub fn recognise(raw: &str) -> Option<Self> {
        let compact = compact(raw)?;
        if is_outward(&compact) || compact == "GIR" {
            return Some(Self {
                text: compact,
                full: false,
            });
        }
        split_full(&compact).map(|(outward, inward)| Self {
            text: format!("{outward} {inward}"),
            full: true,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is a full postcode rather than an outward code.
    pub fn is_full(&self) -> bool {
        self.full
    }

    pub fn matches(&self, postcode: &Postcode) -> bool {
        if self.full {
            postcode.as_str() == self.text
        } else {
            postcode.outward() == self.text
        }
    }

    /// A SQL `LIKE` pattern for a column of normalised postcodes: `"SW1A %"` for an outward code
    /// (the space stops `SW1` matching `SW1A 1AA`), or the postcode itself. Postcodes contain
    /// no `LIKE` wildcards, so the pattern needs no escaping.
    pub fn like_pattern(&self) -> String {
        if self.full {
            self.text.clone()
        } else {
            format!("{} %", self.text)
        }
    }
}

impl fmt::Display for PostcodePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pc(raw: &str) -> String {
        Postcode::parse("postcode", raw)
            .unwrap()
            .as_str()
            .to_owned()
    }

    #[test]
    fn normalises_every_shape() {
        assert_eq!(pc("eb12ab"), "EB1 2AB");
        assert_eq!(pc("SW1A1AA"), "SW1A 1AA");
        assert_eq!(pc("  m1 1ae "), "M1 1AE");
        assert_eq!(pc("B338TH"), "B33 8TH");
        assert_eq!(pc("cr2 6xh"), "CR2 6XH");
        assert_eq!(pc("DN55 1PT"), "DN55 1PT");
        assert_eq!(pc("W1A 0AX"), "W1A 0AX");
        assert_eq!(pc("ec1a1bb"), "EC1A 1BB");
        assert_eq!(pc("gir0aa"), "GIR 0AA");
        assert_eq!(pc("SW1A   1AA"), "SW1A 1AA");
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "",
            "SW1A",
            "1AA",
            "SW1A 1A",
            "SW1A1AAA",
            "9W1A 1AA",
            "SWAA 1AA",
            "SW1A AAA",
            "SW 1A1AA",
            "SW1A 1AA X",
            "ŚW1A 1AA",
            "SW1A-1AA",
            "AAA9 9AA",
        ] {
            match Postcode::parse("postcode", bad) {
                Err(AppError::BadUserInput { field, .. }) => assert_eq!(field, "postcode"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn parts() {
        let p = Postcode::parse("postcode", "sw1a1aa").unwrap();
        assert_eq!((p.outward(), p.inward()), ("SW1A", "1AA"));
    }

    #[test]
    fn prefixes() {
        let outward = PostcodePrefix::parse("wardOrPostcode", " sw1 ").unwrap();
        assert_eq!(outward.as_str(), "SW1");
        assert!(!outward.is_full());
        assert_eq!(outward.like_pattern(), "SW1 %");
        assert!(outward.matches(&Postcode::parse("p", "SW1 2AB").unwrap()));
        assert!(!outward.matches(&Postcode::parse("p", "SW1A 1AA").unwrap()));

        let full = PostcodePrefix::parse("wardOrPostcode", "sw1a1aa").unwrap();
        assert_eq!(full.as_str(), "SW1A 1AA");
        assert!(full.is_full());
        assert_eq!(full.like_pattern(), "SW1A 1AA");
        assert!(full.matches(&Postcode::parse("p", "SW1A 1AA").unwrap()));

        assert!(PostcodePrefix::recognise("Abbey").is_none());
        assert!(PostcodePrefix::recognise("SW1A 1").is_none());
        assert!(PostcodePrefix::parse("wardOrPostcode", "").is_err());
    }

    fn outward_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            "[A-Za-z][0-9]",
            "[A-Za-z][0-9]{2}",
            "[A-Za-z]{2}[0-9]",
            "[A-Za-z]{2}[0-9]{2}",
            "[A-Za-z][0-9][A-Za-z]",
            "[A-Za-z]{2}[0-9][A-Za-z]",
        ]
    }

    proptest! {
        #[test]
        fn valid_shapes_parse_and_normalisation_is_idempotent(
            outward in outward_strategy(),
            inward in "[0-9][A-Za-z]{2}",
            space in prop::bool::ANY,
        ) {
            let raw = if space { format!("{outward} {inward}") } else { format!("{outward}{inward}") };
            let p = Postcode::parse("postcode", &raw).unwrap();
            prop_assert_eq!(p.as_str(), format!("{} {}", outward.to_uppercase(), inward.to_uppercase()));
            prop_assert_eq!(Postcode::parse("postcode", p.as_str()).unwrap(), p.clone());
            let prefix = PostcodePrefix::parse("p", &outward).unwrap();
            prop_assert!(prefix.matches(&p));
        }

        #[test]
        fn anything_accepted_is_normalised(raw in "[A-Za-z0-9 ]{0,10}") {
            if let Ok(p) = Postcode::parse("postcode", &raw) {
                prop_assert_eq!(p.as_str(), p.as_str().to_uppercase());
                prop_assert_eq!(p.as_str().matches(' ').count(), 1);
                prop_assert_eq!(p.inward().len(), 3);
                prop_assert_eq!(Postcode::parse("postcode", p.as_str()).unwrap(), p);
            }
            if let Some(prefix) = PostcodePrefix::recognise(&raw) {
                prop_assert_eq!(PostcodePrefix::recognise(prefix.as_str()), Some(prefix));
            }
        }
    }
}
