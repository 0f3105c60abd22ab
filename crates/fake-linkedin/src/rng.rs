//! A tiny deterministic generator and a keyed hash: the fake must give the same account for the
//! same seed on every platform and version, so it does not depend on `rand`'s algorithms.

/// SplitMix64: small, fast and good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`, decorrelated from other streams by `stream`.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Self(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next_u64();
        rng
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// An index into a slice of length `len`.
    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A number in the inclusive range.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }
}

/// A keyed 128-bit hash (two SplitMix-mixed FNV passes); not cryptographic, only opaque.
pub fn keyed_hash(key: &[u8], data: &[u8]) -> u128 {
    let pass = |salt: u64| {
        let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ salt;
        for byte in key.iter().chain(b"|").chain(data) {
            h ^= u64::from(*byte);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        Rng::new(h, salt).next_u64()
    };
    (u128::from(pass(1)) << 64) | u128::from(pass(2))
}

/// The hash as 32 lowercase hex digits.
pub fn hex32(value: u128) -> String {
    format!("{value:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7, 1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new(7, 1).next_u64(), Rng::new(7, 2).next_u64());
    }

    #[test]
    fn the_keyed_hash_depends_on_key_and_data() {
        assert_ne!(keyed_hash(b"k", b"a"), keyed_hash(b"k", b"b"));
        assert_ne!(keyed_hash(b"k", b"a"), keyed_hash(b"j", b"a"));
        assert_eq!(hex32(keyed_hash(b"k", b"a")).len(), 32);
    }
}
