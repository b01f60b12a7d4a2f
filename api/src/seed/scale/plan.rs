//! The shape of the scale data, decided in memory before any row is written: who is a victim of
//! which incidents and when, which repeat victims have a case, and what detection would have
//! flagged when each incident was recorded. Everything follows from the seed number.
//!
//! Compact on purpose: at full size (1,000,000 incidents) the plan takes about 40 MB.

use super::rng::Rng;

pub const NONE: u32 = u32::MAX;
pub const DAY: i64 = 86_400;
/// Incidents spread over about three years before the anchor.
pub const SPAN_DAYS: i64 = 3 * 365;

/// Agencies by index: the demo's police, council, housing provider and victim support.
pub const POLICE: u8 = 0;
pub const COUNCIL: u8 = 1;
pub const HOUSING: u8 = 2;
pub const VICTIM_SUPPORT: u8 = 3;

/// Risk levels and statuses by index.
pub const RISKS: [&str; 3] = ["standard", "medium", "high"];
pub const STATUSES: [&str; 4] = ["open", "active", "monitoring", "closed"];
/// Days to the first review by risk level (the default cadence's first step).
pub const FIRST_REVIEW_DAYS: [i64; 3] = [56, 28, 14];

/// How much of everything, from the scale factor (1.0: 100,000 cases, 1,000,000 incidents,
/// 300,000 people).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub people: u32,
    pub locations: u32,
    pub incidents: u32,
    pub cases: u32,
}

impl Sizes {
    pub fn of(scale: f64) -> Self {
        let n = |full: f64, least: u32| ((full * scale).round() as u32).max(least);
        Self {
            people: n(300_000.0, 30),
            locations: n(150_000.0, 12),
            incidents: n(1_000_000.0, 100),
            cases: n(100_000.0, 10),
        }
    }

    /// People 0..victims are victims (and reporters); the rest perpetrators and witnesses.
    pub fn victims(&self) -> u32 {
        self.people * 2 / 3
    }
}

#[derive(Clone, Debug)]
pub struct Incident {
    /// Unix seconds.
    pub at: i64,
    pub report_delay_min: u32,
    pub victim: u32,
    pub perpetrator: u32,
    pub location: u32,
    pub case: u32,
    pub agency: u8,
    pub kind: u8,
    pub channel: u8,
    /// Incidents with this victim in the 365 days up to this one, this one included.
    pub victim_count: u32,
    /// The same over 183 days (the Case Review window).
    pub review_count: u32,
    pub location_count: u32,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub victim: u32,
    pub perpetrator: u32,
    pub witness: u32,
    pub location: u32,
    pub created: i64,
    pub lead: u8,
    pub risk: u8,
    pub status: u8,
    pub kind: u8,
    pub shared_with: Option<u8>,
    pub actions: u8,
    /// Sequence number within the year of `created` (set by the caller from the counters).
    pub seq: u32,
}

impl Case {
    /// Police-led cases with medium or high risk have had a supervisor's review.
    pub fn reviewed(&self, now: i64) -> bool {
        self.lead == POLICE
            && self.risk > 0
            && self.created + FIRST_REVIEW_DAYS[usize::from(self.risk)] * DAY < now
    }
}

pub struct Plan {
    pub sizes: Sizes,
    pub now: i64,
    pub incidents: Vec<Incident>,
    pub cases: Vec<Case>,
    /// The agency that first recorded each person.
    pub person_agency: Vec<u8>,
}

/// Where a person lives.
pub fn home(sizes: &Sizes, person: u32) -> u32 {
    (u64::from(person).wrapping_mul(2_654_435_761) % u64::from(sizes.locations)) as u32
}

fn reporting_agency(rng: &mut Rng) -> u8 {
    match rng.below(100) {
        0..55 => POLICE,
        55..75 => COUNCIL,
        75..95 => HOUSING,
        _ => VICTIM_SUPPORT,
    }
}

/// Incidents per victim: mostly one or two, a long tail of repeat victims.
fn chain_lengths(sizes: &Sizes, rng: &mut Rng) -> Vec<u32> {
    let victims = sizes.victims().max(1);
    let mean = f64::from(sizes.incidents) / f64::from(victims);
    let mut left = sizes.incidents;
    let mut lengths = Vec::with_capacity(victims as usize);
    for _ in 0..victims {
        let k = (1.0 + rng.exp((mean - 1.0).max(0.1))).min(80.0) as u32;
        let k = k.min(left);
        left -= k;
        lengths.push(k);
    }
    let (mut v, n) = (0, lengths.len());
    while left > 0 {
        lengths[v % n] += 1;
        left -= 1;
        v += 7919;
    }
    lengths
}

pub fn build(sizes: Sizes, seed: u64, now: i64) -> Plan {
    let mut rng = Rng::new(seed);
    let lengths = chain_lengths(&sizes, &mut rng);
    let victims = sizes.victims();
    let others = (sizes.people - victims).max(1);
    let hotspots = (sizes.locations / 50).max(1);
    let kinds = super::super::demo::INCIDENT_KINDS.len() as u64;
    let channels = super::super::demo::CHANNELS.len() as u64;
    let mut incidents = Vec::with_capacity(sizes.incidents as usize);
    let mut cases = Vec::with_capacity(sizes.cases as usize);
    let mut person_agency = vec![POLICE; sizes.people as usize];
    let start = now - SPAN_DAYS * DAY;
    for (victim, &len) in lengths.iter().enumerate() {
        if len == 0 {
            continue;
        }
        let victim = victim as u32;
        let kind = rng.below(kinds) as u8;
        let perpetrator = victims + rng.below(u64::from(others)) as u32;
        let mean_gap = (SPAN_DAYS * DAY / i64::from(len)).min(45 * DAY) as f64;
        let first = incidents.len();
        let mut at = start + rng.below((SPAN_DAYS * DAY) as u64) as i64;
        for _ in 0..len {
            incidents.push(Incident {
                at,
                report_delay_min: 5 + rng.below(48 * 60) as u32,
                victim,
                perpetrator: if rng.chance(0.6) { perpetrator } else { NONE },
                location: if rng.chance(0.75) {
                    home(&sizes, victim)
                } else {
                    rng.below(u64::from(hotspots)) as u32
                },
                case: NONE,
                agency: reporting_agency(&mut rng),
                kind: if rng.chance(0.8) {
                    kind
                } else {
                    rng.below(kinds) as u8
                },
                channel: rng.below(channels) as u8,
                victim_count: 0,
                review_count: 0,
                location_count: 0,
            });
            at += 3600 + rng.exp(mean_gap) as i64;
        }
        // A chain that ran past the anchor moves back, keeping its gaps.
        let chain = &mut incidents[first..];
        let end = now - 3600 - rng.below(60 * DAY as u64) as i64;
        let overshoot = chain[chain.len() - 1].at - end;
        if overshoot > 0 {
            for inc in chain.iter_mut() {
                inc.at -= overshoot;
            }
        }
        count_windows(chain);
        person_agency[victim as usize] = chain[0].agency;
        if len >= 2 && (cases.len() as u32) < sizes.cases {
            let case = cases.len() as u32;
            let created = (chain[1].at + 3600 * (1 + rng.below(48) as i64)).min(now - 60);
            for inc in chain.iter_mut() {
                inc.case = case;
            }
            cases.push(plan_case(&sizes, &mut rng, chain, created, now, others));
        }
    }
    count_locations(&mut incidents);
    Plan {
        sizes,
        now,
        incidents,
        cases,
        person_agency,
    }
}

fn plan_case(
    sizes: &Sizes,
    rng: &mut Rng,
    chain: &[Incident],
    created: i64,
    now: i64,
    others: u32,
) -> Case {
    let lead = match chain[1].agency {
        VICTIM_SUPPORT => POLICE,
        a => a,
    };
    let risk = match rng.below(10) {
        0 => 2,
        1..4 => 1,
        _ => 0,
    };
    let age = (now - created) / DAY;
    let roll = rng.below(100);
    let status = match age {
        365.. if roll < 85 => 3,
        365.. => 2,
        90.. => match roll {
            0..40 => 3,
            40..60 => 2,
            60..90 => 1,
            _ => 0,
        },
        _ => match roll {
            0..50 => 1,
            50..90 => 0,
            _ => 2,
        },
    };
    let perpetrator = chain
        .iter()
        .map(|i| i.perpetrator)
        .find(|p| *p != NONE)
        .unwrap_or(sizes.victims() + rng.below(u64::from(others)) as u32);
    let shared_with = rng.chance(0.4).then(|| match lead {
        POLICE => [COUNCIL, HOUSING][rng.below(2) as usize],
        _ => POLICE,
    });
    Case {
        victim: chain[0].victim,
        perpetrator,
        witness: if rng.chance(0.2) {
            sizes.victims() + rng.below(u64::from(others)) as u32
        } else {
            NONE
        },
        location: home(sizes, chain[0].victim),
        created,
        lead,
        risk,
        status,
        kind: chain[1].kind,
        shared_with,
        actions: 2 + rng.below(2) as u8,
        seq: 0,
    }
}

/// Fills `victim_count` and `review_count` for one victim's incidents, in time order.
fn count_windows(chain: &mut [Incident]) {
    let (mut year, mut half) = (0, 0);
    for i in 0..chain.len() {
        let at = chain[i].at;
        while chain[year].at < at - 365 * DAY {
            year += 1;
        }
        while chain[half].at < at - 183 * DAY {
            half += 1;
        }
        chain[i].victim_count = (i - year + 1) as u32;
        chain[i].review_count = (i - half + 1) as u32;
    }
}

/// Fills `location_count`: incidents at the same place in the 365 days up to each one.
fn count_locations(incidents: &mut [Incident]) {
    let mut order: Vec<u32> = (0..incidents.len() as u32).collect();
    order.sort_unstable_by_key(|&i| (incidents[i as usize].location, incidents[i as usize].at));
    let mut lo = 0;
    for hi in 0..order.len() {
        let cur = &incidents[order[hi] as usize];
        let (loc, at) = (cur.location, cur.at);
        while incidents[order[lo] as usize].location != loc
            || incidents[order[lo] as usize].at < at - 365 * DAY
        {
            lo += 1;
        }
        incidents[order[hi] as usize].location_count = (hi - lo + 1) as u32;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_has_the_sizes_asked_for_and_is_reproducible() {
        let sizes = Sizes::of(0.01);
        assert_eq!(
            sizes,
            Sizes {
                people: 3000,
                locations: 1500,
                incidents: 10_000,
                cases: 1000
            }
        );
        let now = 1_800_000_000;
        let a = build(sizes, 7, now);
        let b = build(sizes, 7, now);
        let c = build(sizes, 8, now);
        assert_eq!(a.incidents.len(), 10_000);
        assert_eq!(a.cases.len(), 1000);
        let key = |p: &Plan| p.incidents.iter().map(|i| i.at).sum::<i64>();
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        assert!(
            a.incidents
                .iter()
                .all(|i| i.at < now && i.at > now - 4 * 365 * DAY)
        );
        // Repeat victims and repeat places exist.
        assert!(a.incidents.iter().filter(|i| i.victim_count >= 2).count() > 1000);
        assert!(a.incidents.iter().filter(|i| i.location_count >= 2).count() > 1000);
        assert!(a.incidents.iter().filter(|i| i.case != NONE).count() > 2000);
    }

    #[test]
    fn windows_count_the_incident_itself_and_the_year_before() {
        let inc = |at| Incident {
            at,
            report_delay_min: 0,
            victim: 0,
            perpetrator: NONE,
            location: 0,
            case: NONE,
            agency: 0,
            kind: 0,
            channel: 0,
            victim_count: 0,
            review_count: 0,
            location_count: 0,
        };
        let mut chain = vec![inc(0), inc(100 * DAY), inc(365 * DAY), inc(366 * DAY)];
        count_windows(&mut chain);
        let counts: Vec<u32> = chain.iter().map(|i| i.victim_count).collect();
        assert_eq!(counts, vec![1, 2, 3, 3]);
        count_locations(&mut chain);
        let counts: Vec<u32> = chain.iter().map(|i| i.location_count).collect();
        assert_eq!(counts, vec![1, 2, 3, 3]);
    }
}
