use chrono::Duration;

/// The delay before retry number `attempt` (1-based): `base` doubled per attempt, capped, plus
/// up to 25% jitter drawn deterministically from `seed` (the run id), so that many browsers
/// do not retry in step and tests stay reproducible.
pub(crate) fn backoff(base: Duration, cap: Duration, attempt: u32, seed: &str) -> Duration {
    let exponent = attempt.saturating_sub(1).min(20);
    let raw = base
        .num_milliseconds()
        .saturating_mul(1_i64 << exponent)
        .min(cap.num_milliseconds());
    let jitter = raw / 4 * i64::from(fnv(seed, attempt) % 1000) / 1000;
    Duration::milliseconds(raw + jitter)
}

fn fnv(seed: &str, attempt: u32) -> u32 {
    let bytes = seed.bytes().chain(attempt.to_le_bytes());
    bytes.fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_attempt_within_a_quarter_of_jitter() {
        for attempt in 1..=4 {
            let delay = backoff(
                Duration::seconds(2),
                Duration::minutes(15),
                attempt,
                "run-1",
            );
            let raw = 2_000 * (1 << (attempt - 1));
            assert!(
                (raw..=raw + raw / 4).contains(&delay.num_milliseconds()),
                "{delay:?}"
            );
        }
    }

    #[test]
    fn backoff_stops_growing_at_the_cap() {
        let delay = backoff(Duration::seconds(2), Duration::minutes(15), 30, "run-1");
        assert!(delay <= Duration::minutes(15) + Duration::minutes(15) / 4);
    }
}
