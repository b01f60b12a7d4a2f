//! Case references: `ASB-YYYY-NNNNNN`, e.g. `ASB-2025-000042`.

use std::fmt;

use crate::error::AppError;

const PREFIX: &str = "ASB-";
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2999;
const SEQS: std::ops::RangeInclusive<i64> = 1..=999_999;

/// A case reference: `ASB-`, a year from 2000 to 2999, `-`, and a six-digit sequence number from
/// 000001. Stored and shown in upper case; parsed case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseReference {
    text: String,
    year: i32,
    seq: i64,
}

impl CaseReference {
    /// Formats the reference for the `seq`th case of `year`. Refuses a year or sequence number
    /// outside the format (field `reference`): the year's sequence is exhausted at 999 999.
    pub fn new(year: i32, seq: i64) -> Result<Self, AppError> {
        if !YEARS.contains(&year) {
            return Err(AppError::bad_input(
                "reference",
                format!("year {year} is outside 2000..=2999"),
            ));
        }
        if !SEQS.contains(&seq) {
            return Err(AppError::bad_input(
                "reference",
                format!("sequence number {seq} is outside 1..=999999"),
            ));
        }
        Ok(Self {
            text: format!("{PREFIX}{year:04}-{seq:06}"),
            year,
            seq,
        })
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let bad = || AppError::bad_input(field, "must be a case reference such as ASB-2025-000042");
        let upper = raw.trim().to_ascii_uppercase();
        let rest = upper.strip_prefix(PREFIX).ok_or_else(bad)?;
        let (year, seq) = rest.split_once('-').ok_or_else(bad)?;
        let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(year, 4) || !all_digits(seq, 6) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        if !YEARS.contains(&year) || !SEQS.contains(&seq) {
            return Err(bad());
        }
        Ok(Self {
            text: upper,
            year,
            seq,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn seq(&self) -> i64 {
        self.seq
    }
}

impl fmt::Display for CaseReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats() {
        let r = CaseReference::new(2025, 42).unwrap();
        assert_eq!(r.as_str(), "ASB-2025-000042");
        assert_eq!((r.year(), r.seq()), (2025, 42));
        assert_eq!(
            CaseReference::new(2999, 999_999).unwrap().as_str(),
            "ASB-2999-999999"
        );
        for (year, seq) in [
            (1999, 1),
            (3000, 1),
            (2025, 0),
            (2025, 1_000_000),
            (2025, -1),
        ] {
            assert!(CaseReference::new(year, seq).is_err(), "{year} {seq}");
        }
    }

    #[test]
    fn parses_case_insensitively() {
        let r = CaseReference::parse("reference", " asb-2025-000042 ").unwrap();
        assert_eq!(r, CaseReference::new(2025, 42).unwrap());
        for bad in [
            "",
            "ASB-2025-42",
            "ASB-25-000042",
            "ASB-2025-0000042",
            "ASB2025000042",
            "ABS-2025-000042",
            "ASB-1999-000001",
            "ASB-2025-000000",
            "ASB-+025-000001",
            "ASB-2025-+00001",
            "ASB-2025-000042-1",
            "ASB-２025-000042",
        ] {
            match CaseReference::parse("caseReference", bad) {
                Err(AppError::BadUserInput { field, .. }) => assert_eq!(field, "caseReference"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    proptest! {
        #[test]
        fn new_and_parse_round_trip(year in 2000i32..=2999, seq in 1i64..=999_999, lower in prop::bool::ANY) {
            let r = CaseReference::new(year, seq).unwrap();
            let text = if lower { r.as_str().to_lowercase() } else { r.as_str().to_owned() };
            let parsed = CaseReference::parse("reference", &text).unwrap();
            prop_assert_eq!(parsed.year(), year);
            prop_assert_eq!(parsed.seq(), seq);
            prop_assert_eq!(parsed, r);
        }

        #[test]
        fn parse_never_panics_and_accepts_only_the_format(raw in "(?i:asb)?-?[0-9]{0,5}-?[0-9]{0,7}") {
            if let Ok(r) = CaseReference::parse("reference", &raw) {
                prop_assert_eq!(r.as_str().len(), 15);
                prop_assert!(r.as_str().starts_with("ASB-"));
            }
        }
    }
}
