//! Closed sets of values, stored as lower-case snake text (`"in_progress"`) and exposed in GraphQL
//! as enums (`IN_PROGRESS`, async-graphql's default SCREAMING_SNAKE_CASE renaming).
//!
//! Lists that partnerships extend (legal tools, vulnerability factors, risk questions) are data,
//! not enums; only sets fixed by this system's own rules live here.

use std::fmt;

use crate::error::AppError;

/// Defines a closed enum with its stored text, `ALL`, `as_str`, `parse` and `Display`.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// Parses the stored text, ignoring ASCII case and surrounding spaces.
            pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
                parse_text(field, raw, Self::ALL, |v| v.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Finds the value of `all` whose text is `raw`, or refuses naming `field` and the allowed values.
fn parse_text<T: Copy>(
    field: &str,
    raw: &str,
    all: &[T],
    text: impl Fn(T) -> &'static str,
) -> Result<T, AppError> {
    let raw = raw.trim();
    all.iter()
        .copied()
        .find(|v| text(*v).eq_ignore_ascii_case(raw))
        .ok_or_else(|| {
            let allowed: Vec<&str> = all.iter().map(|v| text(*v)).collect();
            AppError::bad_input(field, format!("must be one of: {}", allowed.join(", ")))
        })
}

text_enum! {
    /// The kind of partner organisation.
    AgencyKind {
        Police => "police",
        Council => "council",
        Housing => "housing",
        Fire => "fire",
        Health => "health",
        VictimSupport => "victim_support",
        Other => "other",
    }
}

text_enum! {
    /// The national ASB recording categories.
    AsbCategory {
        Personal => "personal",
        Nuisance => "nuisance",
        Environmental => "environmental",
    }
}

text_enum! {
    /// How an incident was reported.
    Channel {
        Phone => "phone",
        Online => "online",
        InPerson => "in_person",
        PartnerReferral => "partner_referral",
    }
}

text_enum! {
    /// The part a person plays in an incident or a case.
    PartyRole {
        Victim => "victim",
        Perpetrator => "perpetrator",
        Witness => "witness",
        Reporter => "reporter",
    }
}

text_enum! {
    /// Where a case is in its lifecycle: open → active → monitoring → closed.
    CaseStatus {
        Open => "open",
        Active => "active",
        Monitoring => "monitoring",
        Closed => "closed",
    }
}

impl CaseStatus {
    /// Whether a case may move from `self` to `next`:
    /// open → active → monitoring → closed; any open status may close; monitoring may go back
    /// to active; a closed case may only be reopened, to active. Staying put is not a transition.
    pub fn can_transition_to(self, next: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, next),
            (Open, Active)
                | (Active, Monitoring)
                | (Monitoring, Active)
                | (Open | Active | Monitoring, Closed)
                | (Closed, Active)
        )
    }

    pub fn is_closed(self) -> bool {
        self == CaseStatus::Closed
    }
}

text_enum! {
    /// The level a risk assessment gives; ordered standard < medium < high.
    #[derive(PartialOrd, Ord)]
    RiskLevel {
        Standard => "standard",
        Medium => "medium",
        High => "high",
    }
}

text_enum! {
    /// The state of an action in a problem-solving plan.
    ActionStatus {
        Planned => "planned",
        InProgress => "in_progress",
        Done => "done",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// The state of a legal intervention (warning, notice, injunction, order, ...).
    InterventionStatus {
        Proposed => "proposed",
        Issued => "issued",
        Served => "served",
        InForce => "in_force",
        Breached => "breached",
        Expired => "expired",
        Revoked => "revoked",
        Refused => "refused",
    }
}

text_enum! {
    /// How a person prefers to be contacted.
    ContactMethod {
        Phone => "phone",
        Email => "email",
        Letter => "letter",
        InPerson => "in_person",
        TextMessage => "text_message",
    }
}

text_enum! {
    /// The lawful basis for processing or sharing a person's data (UK GDPR art. 6, and DPA 2018
    /// Part 3 for law enforcement).
    LawfulBasis {
        Consent => "consent",
        LegalObligation => "legal_obligation",
        VitalInterests => "vital_interests",
        PublicTask => "public_task",
        LegitimateInterests => "legitimate_interests",
        LawEnforcement => "law_enforcement",
    }
}

text_enum! {
    /// Why a case was closed.
    ClosureReason {
        Resolved => "resolved",
        NoFurtherAction => "no_further_action",
        MovedAway => "moved_away",
        LegalOutcome => "legal_outcome",
        Duplicate => "duplicate",
        Other => "other",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use async_graphql::{EnumType, InputType};
    use std::collections::HashSet;

    /// Every value round-trips through its text, the texts are distinct lower-case snake case,
    /// and the GraphQL name is the text in upper case.
    fn check_all<T>(
        all: &[T],
        as_str: fn(T) -> &'static str,
        parse: fn(&str, &str) -> Result<T, AppError>,
    ) where
        T: EnumType + InputType + Copy + PartialEq + fmt::Debug,
    {
        let mut seen = HashSet::new();
        for item in T::items() {
            let v = all.iter().copied().find(|v| *v == item.value).unwrap();
            assert_eq!(item.name, as_str(v).to_uppercase());
        }
        assert_eq!(T::items().len(), all.len());
        for &v in all {
            let text = as_str(v);
            assert!(seen.insert(text), "duplicate {text}");
            assert!(
                text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{text}"
            );
            assert_eq!(parse("f", text).unwrap(), v);
            assert_eq!(
                parse("f", &format!(" {} ", text.to_uppercase())).unwrap(),
                v
            );
        }
        match parse("someField", "no such value") {
            Err(AppError::BadUserInput { field, message }) => {
                assert_eq!(field, "someField");
                assert!(message.contains(as_str(all[0])), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_enum_round_trips() {
        check_all(AgencyKind::ALL, AgencyKind::as_str, AgencyKind::parse);
        check_all(AsbCategory::ALL, AsbCategory::as_str, AsbCategory::parse);
        check_all(Channel::ALL, Channel::as_str, Channel::parse);
        check_all(PartyRole::ALL, PartyRole::as_str, PartyRole::parse);
        check_all(CaseStatus::ALL, CaseStatus::as_str, CaseStatus::parse);
        check_all(RiskLevel::ALL, RiskLevel::as_str, RiskLevel::parse);
        check_all(ActionStatus::ALL, ActionStatus::as_str, ActionStatus::parse);
        check_all(
            InterventionStatus::ALL,
            InterventionStatus::as_str,
            InterventionStatus::parse,
        );
        check_all(
            ContactMethod::ALL,
            ContactMethod::as_str,
            ContactMethod::parse,
        );
        check_all(LawfulBasis::ALL, LawfulBasis::as_str, LawfulBasis::parse);
        check_all(
            ClosureReason::ALL,
            ClosureReason::as_str,
            ClosureReason::parse,
        );
        assert_eq!(AgencyKind::ALL.len(), 7);
        assert_eq!(InterventionStatus::ALL.len(), 8);
    }

    #[test]
    fn case_status_transitions() {
        use CaseStatus::*;
        let allowed = [
            (Open, Active),
            (Open, Closed),
            (Active, Monitoring),
            (Active, Closed),
            (Monitoring, Active),
            (Monitoring, Closed),
            (Closed, Active),
        ];
        for &from in CaseStatus::ALL {
            for &to in CaseStatus::ALL {
                assert_eq!(
                    from.can_transition_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
        assert!(Closed.is_closed() && !Monitoring.is_closed());
    }

    #[test]
    fn risk_levels_are_ordered() {
        use RiskLevel::*;
        assert!(Standard < Medium && Medium < High);
        assert_eq!(RiskLevel::ALL.iter().max(), Some(&High));
        let mut sorted = RiskLevel::ALL.to_vec();
        sorted.sort();
        assert_eq!(sorted, RiskLevel::ALL);
    }
}
