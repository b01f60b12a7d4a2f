//! A small deterministic generator (SplitMix64), so the same seed gives the same data on every
//! machine and every version of the dependencies.

use uuid::Uuid;

pub struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(mix(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// 0..n (n = 0 gives 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Exponentially distributed with this mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

/// The id of the `index`th row of a kind, for this seed: a version-4-shaped UUID, the same on
/// every run.
pub fn id(seed: u64, kind: u64, index: u64) -> Uuid {
    let a = mix(seed ^ mix(kind.wrapping_mul(0x1000_0000_01B3) ^ index));
    let b = mix(a ^ index.rotate_left(32));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(id(1, 2, 3), id(1, 2, 3));
        let all: std::collections::HashSet<Uuid> = (0..3u64)
            .flat_map(|k| (0..10_000u64).map(move |i| id(42, k, i)))
            .collect();
        assert_eq!(all.len(), 30_000);
        assert_ne!(id(1, 2, 3), id(2, 2, 3));
    }
}
