//! Rate limits on the doors a guesser would knock on: pairing codes and the login form.
//!
//! Attempts are counted in the store under `scope:subject` keys (a client address, a user, an
//! email), so the limit holds across several backend processes.

use chrono::{DateTime, Duration, Utc};

use crate::error::ApiError;
use crate::store::{RateLimitStore, StoreError};

/// At most `max` counted attempts per subject within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    scope: &'static str,
    max: u64,
    window: Duration,
    /// What the refused client is told, ending in what to do.
    refusal: &'static str,
}

/// Wrong pairing codes, per client address and per user.
pub const WRONG_PAIRING_CODES: Limit = Limit {
    scope: "pairing",
    max: 10,
    window: Duration::minutes(10),
    refusal: "too many wrong pairing codes: wait ten minutes and try again",
};

/// Pairing codes issued to one address. The popup asks for one every ten minutes at most;
/// this leaves room for several browsers behind one address.
pub const PAIRING_CODES_ISSUED: Limit = Limit {
    scope: "codes",
    max: 30,
    window: Duration::minutes(10),
    refusal: "too many pairing codes asked for from this address: wait ten minutes and try again",
};

/// Failed logins, per client address and per email.
pub const FAILED_LOGINS: Limit = Limit {
    scope: "login",
    max: 10,
    window: Duration::minutes(15),
    refusal: "too many failed logins: wait fifteen minutes and try again",
};

impl Limit {
    /// The store key of one subject, e.g. `pairing:ip:203.0.113.7`.
    fn key(&self, subject: &str) -> String {
        format!("{}:{subject}", self.scope)
    }

    /// Refuses with 429 when any subject has used up its attempts in the window ending `now`.
    pub async fn ensure_allowed(
        &self,
        store: &dyn RateLimitStore,
        subjects: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let since = now - self.window;
        for subject in subjects {
            if store.count_attempts(&self.key(subject), since).await? >= self.max {
                return Err(ApiError::RateLimited {
                    message: self.refusal,
                    // The oldest counted attempt may leave the window sooner, but a client that
                    // waits the whole window is sure to get in.
                    retry_after: self.window,
                });
            }
        }
        Ok(())
    }

    /// Counts one attempt at `now` against every subject.
    pub async fn record(
        &self,
        store: &dyn RateLimitStore,
        subjects: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let keys: Vec<String> = subjects.iter().map(|subject| self.key(subject)).collect();
        store.record_attempt(&keys, now).await
    }
}

/// The subject for a client address.
pub fn address(ip: &str) -> String {
    format!("ip:{ip}")
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use chrono::TimeZone as _;

    use super::*;
    use crate::store::StoreResult;

    /// Attempts kept in memory, counted like the SQL store counts them (strictly after `since`).
    #[derive(Default)]
    struct Attempts(Mutex<Vec<(String, DateTime<Utc>)>>);

    #[async_trait]
    impl RateLimitStore for Attempts {
        async fn record_attempt(&self, keys: &[String], at: DateTime<Utc>) -> StoreResult<()> {
            let mut attempts = self.0.lock().expect("attempts");
            attempts.extend(keys.iter().map(|key| (key.clone(), at)));
            Ok(())
        }

        async fn count_attempts(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u64> {
            let attempts = self.0.lock().expect("attempts");
            let counted = attempts.iter().filter(|(k, at)| k == key && *at > since);
            Ok(counted.count() as u64)
        }
    }

    const LIMIT: Limit = Limit {
        scope: "test",
        max: 3,
        window: Duration::minutes(10),
        refusal: "too many tries: wait ten minutes",
    };

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 14, 0, 0).unwrap()
    }

    fn subjects() -> Vec<String> {
        vec![address("203.0.113.7"), "email:ada@example.com".to_owned()]
    }

    async fn record_at(store: &Attempts, subjects: &[String], times: &[DateTime<Utc>]) {
        for at in times {
            LIMIT.record(store, subjects, *at).await.unwrap();
        }
    }

    async fn allowed(store: &Attempts, subjects: &[String], at: DateTime<Utc>) -> bool {
        LIMIT.ensure_allowed(store, subjects, at).await.is_ok()
    }

    #[tokio::test]
    async fn attempts_under_the_limit_are_allowed() {
        let store = Attempts::default();
        record_at(&store, &subjects(), &[start(), start()]).await;
        assert!(allowed(&store, &subjects(), start()).await);
    }

    #[tokio::test]
    async fn attempts_over_the_limit_are_refused_with_a_retry_after() {
        let store = Attempts::default();
        record_at(&store, &subjects()[..1], &[start(), start(), start()]).await;
        let refused = LIMIT.ensure_allowed(&store, &subjects(), start()).await;
        match refused {
            Err(ApiError::RateLimited {
                message,
                retry_after,
            }) => {
                assert_eq!(message, "too many tries: wait ten minutes");
                assert_eq!(retry_after, Duration::minutes(10));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(
            allowed(&store, &[address("198.51.100.1")], start()).await,
            "other subjects are counted apart"
        );
    }

    #[tokio::test]
    async fn the_window_slides() {
        let store = Attempts::default();
        let minutes = |m| start() + Duration::minutes(m);
        record_at(&store, &subjects(), &[minutes(0), minutes(4), minutes(8)]).await;
        assert!(!allowed(&store, &subjects(), minutes(10) - Duration::seconds(1)).await);
        assert!(
            allowed(&store, &subjects(), minutes(10)).await,
            "the first attempt left the window"
        );
        record_at(&store, &subjects(), &[minutes(10)]).await;
        assert!(
            !allowed(&store, &subjects(), minutes(10)).await,
            "a new attempt fills it again"
        );
    }
}
