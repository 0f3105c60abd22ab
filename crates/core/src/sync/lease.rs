use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long a lease lasts without renewal; the running sync renews it at every step, so a
/// stopped worker's lease frees itself this long after its last step.
pub const LEASE_TTL: Duration = Duration::seconds(30);

/// The right to run the one sync, kept in `chrome.storage.session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    /// The run holding it.
    pub holder: String,
    /// When the lease frees itself unless renewed ([`LEASE_TTL`] after the last step).
    pub expires_at: DateTime<Utc>,
}

/// Another run holds the lease.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a sync is already running (until {expires_at} at the latest)")]
pub struct LeaseBusy {
    /// The run holding the lease.
    pub holder: String,
    /// When that lease frees itself if its run stopped.
    pub expires_at: DateTime<Utc>,
}

impl Lease {
    /// Whether a sync still holds it: its holder renewed it within the last [`LEASE_TTL`].
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at > now
    }
}

/// Takes or renews the lease for `holder`, unless another holder's lease is still live.
pub fn acquire_lease(
    current: Option<&Lease>,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<Lease, LeaseBusy> {
    match current {
        Some(lease) if lease.holder != holder && lease.expires_at > now => Err(LeaseBusy {
            holder: lease.holder.clone(),
            expires_at: lease.expires_at,
        }),
        _ => Ok(Lease {
            holder: holder.to_owned(),
            expires_at: now + LEASE_TTL,
        }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_760_000_000 + seconds, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn a_free_lease_is_taken() {
        assert_eq!(
            acquire_lease(None, "run-1", at(0)).unwrap().expires_at,
            at(30)
        );
    }

    #[test]
    fn a_live_lease_of_another_run_refuses_a_second_sync() {
        let lease = acquire_lease(None, "run-1", at(0)).unwrap();
        assert!(acquire_lease(Some(&lease), "run-2", at(29)).is_err());
    }

    #[test]
    fn the_holder_renews_its_own_lease() {
        let lease = acquire_lease(None, "run-1", at(0)).unwrap();
        assert_eq!(
            acquire_lease(Some(&lease), "run-1", at(20))
                .unwrap()
                .expires_at,
            at(50)
        );
    }

    #[test]
    fn a_dead_runs_lease_expires() {
        let lease = acquire_lease(None, "run-1", at(0)).unwrap();
        assert_eq!(
            acquire_lease(Some(&lease), "run-2", at(30)).unwrap().holder,
            "run-2"
        );
    }
}
